// The in-place updates optimizer steps are made of. Each writes its result straight
// into the destination's memory, as PyTorch's `add_`/`mul_` do, so a step allocates
// no parameter-sized temporaries; the arithmetic is the backend's, i.e. exactly that
// of the public ops (`param.add_(grad, { alpha })` and friends). Callers run them
// under noGrad on floating-point tensors.
import { backend, type BinaryOp, type TypedArray, type UnaryOp } from '../backend/index.js';
import { asCompute, broadcastTo, scalarView } from '../ops/kernels.js';
import { castScalar } from '../tensor/dtype.js';
import { Storage, Tensor } from '../tensor/tensor.js';

/** dst's elements as one contiguous typed array (a subarray shares its memory), or null if dst is strided. */
function memoryOf(dst: Tensor): TypedArray | null {
  if (!dst.isContiguous()) return null;
  const n = dst.numel();
  const buf = dst.buffer;
  return dst.offset === 0 && buf.length === n ? buf : buf.subarray(dst.offset, dst.offset + n);
}

/** Runs `fill(out)` into dst's memory (through a temporary only when dst is strided) and bumps its version. */
function into(dst: Tensor, fill: (out: TypedArray) => void): void {
  const mem = memoryOf(dst);
  if (mem !== null) {
    fill(mem);
  } else {
    const tmp = Tensor.empty(dst.shape.slice(), dst.dtype);
    fill(tmp.buffer);
    backend().copy(tmp, dst);
  }
  dst._versionCounter.value++;
}

function operand(x: Tensor | number, dst: Tensor) {
  return broadcastTo(x instanceof Tensor ? asCompute(x, dst.dtype) : scalarView(x, dst.dtype), dst.shape);
}

/** dst = op(a, b) elementwise (a or b may be dst itself); add/sub scale b by alpha, rounded to dst's dtype as PyTorch does. */
export function binaryInto(dst: Tensor, op: BinaryOp, a: Tensor | number, b: Tensor | number, alpha = 1): void {
  into(dst, (out) => backend().binary(op, operand(a, dst), operand(b, dst), out, castScalar(alpha, dst.dtype)));
}

/** dst = op(x) elementwise (x may be dst itself). */
export function unaryInto(dst: Tensor, op: UnaryOp, x: Tensor): void {
  into(dst, (out) => backend().unary(op, operand(x, dst), out));
}

/** dst = src (a copy). */
export function copyInto(dst: Tensor, src: Tensor): void {
  backend().copy(broadcastTo(src, dst.shape), dst);
  dst._versionCounter.value++;
}

/** `t.mul_(s)` */
export const mul_ = (t: Tensor, s: number) => binaryInto(t, 'mul', t, s);
/** `t.add_(other, { alpha })` */
export const add_ = (t: Tensor, other: Tensor | number, alpha = 1) => binaryInto(t, 'add', t, other, alpha);
/** `t.div_(s)` */
export const div_ = (t: Tensor, s: number) => binaryInto(t, 'div', t, s);

/**
 * Parameter-sized work buffers reused across parameters and steps (one per slot and
 * dtype, grown to the largest parameter), for the temporaries PyTorch's step creates
 * (`-grad`, `grad + weight_decay * param`, Adam's denominator). A scratch tensor is
 * only valid until the next `like` call for its slot and must never be kept.
 */
export class Scratch {
  private readonly buffers = new Map<string, TypedArray>();

  /** A contiguous tensor with t's shape and dtype on slot `slot`'s buffer (contents undefined). */
  like(slot: number, t: Tensor): Tensor {
    const key = `${slot}:${t.dtype}`;
    const n = t.numel();
    let buf = this.buffers.get(key);
    if (buf === undefined || buf.length < n) {
      buf = Tensor.empty([n], t.dtype).buffer;
      this.buffers.set(key, buf);
    }
    return new Tensor(new Storage(buf.length === n ? buf : buf.subarray(0, n)), t.dtype, t.shape.slice());
  }

  clear(): void {
    this.buffers.clear();
  }
}
