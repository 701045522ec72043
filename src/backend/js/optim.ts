// Optimizer updates as one backend call (the native backend runs each in one pass). Here
// they are the optimizer's op sequence on this backend's own kernels, so that the fused
// call gives exactly what the ops give.
import type { Backend, View } from '../backend.js';
import { castScalar } from '../dtype.js';
import { binary, unary } from './elementwise.js';
import { ternary } from './ternary.js';

/** Adadelta (PyTorch 1.13's _single_tensor_adadelta), on contiguous float views. */
export function adadelta(param: View, grad: View, squareAvg: View, accDelta: View, lr: number, rho: number, eps: number): void {
  adadeltaWith({ binary, unary, ternary }, param, grad, squareAvg, accDelta, lr, rho, eps);
}

/**
 * Adadelta's op sequence on a backend's elementwise kernels (the native backend's fallback
 * where its addon has no fused kernel, e.g. an older prebuilt binary).
 */
export function adadeltaWith(
  k: Pick<Backend, 'binary' | 'unary' | 'ternary'>,
  param: View, grad: View, squareAvg: View, accDelta: View, lr: number, rho: number, eps: number,
): void {
  const { binary, unary, ternary } = k;
  const n = param.shape.reduce((a, b) => a * b, 1);
  // Each tensor's own elements as the out buffer (the buffer itself when it is exactly those,
  // as the in-place ops pass it: the native kernels then see out and input as one layout).
  const flat = (v: View) => (v.offset === 0 && v.buffer.length === n ? v.buffer : v.buffer.subarray(v.offset, v.offset + n));
  const make = () => new (param.buffer.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(n);
  const shape = param.shape;
  const strides = shape.map(() => 0);
  // A scalar operand as the tensor ops pass it: one element of the dtype, broadcast.
  const scalar = (x: number): View => {
    const buffer = make().subarray(0, 1);
    buffer[0] = x;
    return { buffer, dtype: param.dtype, shape, strides, offset: 0 };
  };
  const dense = (buffer: View['buffer']): View => ({ buffer, dtype: param.dtype, shape, strides: contiguous(shape), offset: 0 });
  const c = castScalar(1 - rho, param.dtype); // scalars reach the kernels rounded to the dtype
  const sq = flat(squareAvg), acc = flat(accDelta), p = flat(param);
  // squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho })
  binary('mul', squareAvg, scalar(rho), sq);
  ternary('addcmul', squareAvg, grad, grad, c, squareAvg);
  // std = squareAvg.add(eps).sqrt_()
  const std = make();
  binary('add', squareAvg, scalar(eps), std);
  unary('sqrt', dense(std), std);
  // delta = accDelta.add(eps).sqrt_().div_(std).mul_(grad)
  const delta = make();
  binary('add', accDelta, scalar(eps), delta);
  unary('sqrt', dense(delta), delta);
  binary('div', dense(delta), dense(std), delta);
  binary('mul', dense(delta), grad, delta);
  // accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho })
  binary('mul', accDelta, scalar(rho), acc);
  ternary('addcmul', accDelta, dense(delta), dense(delta), c, accDelta);
  // param.add_(delta, { alpha: -lr })
  binary('add', param, dense(delta), p, castScalar(-lr, param.dtype));
}

function contiguous(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}
