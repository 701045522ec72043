// softmax and log_softmax along a dim, with PyTorch's fused backward kernels.
import { backend } from '../backend/index.js';
import { isFloatingDtype, type DType } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';
import { tensorOp } from './op-args.js';
import { dtype as dtypeArg, int, nullable } from '../tensor/args.js';

class SoftmaxBackward extends Node {
  constructor(readonly name: string, private readonly dim: number, private readonly log: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [y] = this.saved();
    const grad = g as Tensor;
    const d = this.dim;
    if (isGradEnabled()) {
      // Recording the backward (createGraph): the same formulas as differentiable ops.
      if (this.log) return [grad.sub(y.exp().mul(grad.sum(d, true)))];
      return [y.mul(grad.sub(grad.mul(y).sum(d, true)))];
    }
    const out = Tensor.emptyForOverwrite(grad.shape.slice(), grad.dtype); // every element is written
    backend().softmaxBackward(grad, y, y.dim() === 0 ? 0 : d, this.log, out.buffer);
    return [out];
  }
}

function softmaxImpl(x: Tensor, dim: number, log: boolean, dtype?: DType): Tensor {
  const src = dtype !== undefined && dtype !== x.dtype ? castRaw(x, dtype) : x;
  if (!isFloatingDtype(src.dtype)) {
    throw new TypeError(`"${log ? 'log_softmax' : 'softmax'}_lastdim_kernel_impl" not implemented for '${src.dtype === 'int64' ? 'Long' : src.dtype}'`);
  }
  const d = normalizeDim(dim, x.dim());
  const out = Tensor.emptyForOverwrite(x.shape.slice(), src.dtype); // every element is written
  if (x.dim() === 0) {
    out.buffer[0] = log ? 0 : 1;
  } else {
    backend().softmax(src, d, log, out.buffer);
  }
  if (needsGrad(x)) record(new SoftmaxBackward(log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0', d, log), [x], [out]).save(out);
  return out;
}

// Tensor.softmax(dim, dtype=None) and torch.softmax(input, dim, dtype=None); dim is required here
// (nn.functional.softmax is the one that guesses it).
const softmaxSpec = [['dim', int], ['dtype', nullable(dtypeArg), null]] as const;
const softmaxOp = tensorOp('softmax', softmaxSpec, (x, a) => softmaxImpl(x, a.dim, false, a.dtype ?? undefined));
const logSoftmaxOp = tensorOp('logSoftmax', softmaxSpec, (x, a) => softmaxImpl(x, a.dim, true, a.dtype ?? undefined));

export const softmax = softmaxOp.fn;
export const logSoftmax = logSoftmaxOp.fn;

declare module '../tensor/tensor.js' {
  interface Tensor {
    softmax(...args: Parameters<typeof softmaxOp.method>): Tensor;
    logSoftmax(...args: Parameters<typeof logSoftmaxOp.method>): Tensor;
  }
}

Tensor.prototype.softmax = softmaxOp.method;
Tensor.prototype.logSoftmax = logSoftmaxOp.method;
