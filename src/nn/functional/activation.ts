// nn.functional activations. `inplace: true` writes the result into the input as
// PyTorch's inplace flag does.
import { inplace as inplaceOp } from '../../ops/inplace.js';
import * as act from '../../ops/activation.js';
import { applyUnary } from '../../ops/unary.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface InplaceOption {
  inplace?: boolean;
}

function maybeInplace(x: Tensor, opts: InplaceOption | undefined, fn: (t: Tensor) => Tensor): Tensor {
  return opts?.inplace ? inplaceOp(x, [], fn) : fn(x);
}

export const relu = (x: Tensor, opts?: InplaceOption) => maybeInplace(x, opts, (t) => applyUnary('relu', t));
export const relu6 = (x: Tensor, opts?: InplaceOption) => maybeInplace(x, opts, (t) => act.hardtanh(t, 0, 6));
export const leakyRelu = (x: Tensor, negativeSlope = 0.01, opts?: InplaceOption) =>
  maybeInplace(x, opts, (t) => act.leakyRelu(t, negativeSlope));
export const elu = (x: Tensor, alpha = 1, opts?: InplaceOption) => maybeInplace(x, opts, (t) => act.elu(t, alpha));
export const selu = (x: Tensor, opts?: InplaceOption) =>
  maybeInplace(x, opts, (t) => act.elu(t, 1.6732632423543772, 1.0507009873554805));
export const celu = (x: Tensor, alpha = 1, opts?: InplaceOption) => maybeInplace(x, opts, (t) => act.elu(t, alpha, 1, 1 / alpha));
export const gelu = (x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}) =>
  opts.approximate === 'tanh' ? act.geluTanh(x) : applyUnary('gelu', x);
export const silu = (x: Tensor, opts?: InplaceOption) => maybeInplace(x, opts, (t) => applyUnary('silu', t));
export const mish = (x: Tensor) => x.mul(softplus(x).tanh());
export const sigmoid = (x: Tensor) => applyUnary('sigmoid', x);
export const tanh = (x: Tensor) => applyUnary('tanh', x);
export const logsigmoid = (x: Tensor) => applyUnary('logSigmoid', x);
export const softsign = (x: Tensor) => applyUnary('softsign', x);
export const hardsigmoid = (x: Tensor, opts?: InplaceOption) => maybeInplace(x, opts, (t) => applyUnary('hardsigmoid', t));
export const hardswish = (x: Tensor, opts?: InplaceOption) => maybeInplace(x, opts, (t) => applyUnary('hardswish', t));
export const hardtanh = (x: Tensor, minVal = -1, maxVal = 1, opts?: InplaceOption) =>
  maybeInplace(x, opts, (t) => act.hardtanh(t, minVal, maxVal));
export const softplus = (x: Tensor, beta = 1, threshold = 20) => act.softplus(x, beta, threshold);
export const threshold = (x: Tensor, thresholdValue: number, value: number, opts?: InplaceOption) =>
  maybeInplace(x, opts, (t) => act.threshold(t, thresholdValue, value));
export const softmax = (x: Tensor, dim: number) => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim: number) => x.logSoftmax(dim);
export const softmin = (x: Tensor, dim: number) => x.neg().softmax(dim);
