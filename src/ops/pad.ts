// Padding: constant_pad_nd (any number of trailing dims, negative pads crop), and the
// reflect / replicate / circular modes of F.pad (1, 2 or 3 trailing dims), which copy
// input cells by an index map per padded dim.
import { backend, type View } from '../backend/index.js';
import { castScalar } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

/** v narrowed along `dim` to [start, start + length), without autograd. */
function narrowView(v: View, dim: number, start: number, length: number): View {
  const shape = v.shape.slice();
  shape[dim] = length;
  return { buffer: v.buffer, dtype: v.dtype, shape, strides: v.strides, offset: v.offset + start * v.strides[dim] };
}

class ConstantPadNdBackward0 extends Node {
  readonly name = 'ConstantPadNdBackward0';
  constructor(private readonly pad: readonly number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    // Cropping what was added (and re-adding zeros where the forward cropped).
    return [constantPadNd(g as Tensor, this.pad.map((p) => -p), 0)];
  }
}

/**
 * torch.constant_pad_nd: pad = [left, right] pairs starting from the last dim; negative
 * entries remove cells. Always returns a new tensor.
 */
export function constantPadNd(x: Tensor, pad: readonly number[], value = 0): Tensor {
  if (pad.length % 2 !== 0) throw new RangeError(`Length of pad must be even but instead it equals ${pad.length}`);
  const nd = x.dim();
  const pairs = pad.length / 2;
  if (pairs > nd) {
    throw new RangeError(`Length of pad should be no more than twice the number of dimensions of the input. Pad length is ${pad.length} while the input has ${nd} dimensions.`);
  }
  const shape = x.shape.slice();
  const cropOnly = pad.every((v) => v <= 0);
  for (let k = 0; k < pairs; k++) {
    const d = nd - 1 - k;
    const [l, r] = [pad[2 * k], pad[2 * k + 1]];
    const size = shape[d] + l + r;
    if (cropOnly) {
      // Only cropping: PyTorch narrows (left, then right), with narrow's error for an impossible crop.
      const afterLeft = x.shape[d] + l;
      if (afterLeft < 0) throw new RangeError(`start (${-l}) + length (${afterLeft}) exceeds dimension size (${x.shape[d]}).`);
      if (size < 0) throw new RangeError(`start (0) + length (${size}) exceeds dimension size (${afterLeft}).`);
    } else if (size <= 0) {
      throw new RangeError(
        `The input size ${x.shape[d]}, plus negative padding ${l} and ${r} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
      );
    }
    shape[d] = size;
  }
  const out = Tensor.empty(shape, x.dtype);
  if (value !== 0) backend().fill(out, castScalar(value, x.dtype));
  // Copy the kept input cells to their place in the output.
  let src: View = x;
  let dst: View = out;
  for (let k = 0; k < pairs; k++) {
    const d = nd - 1 - k;
    const [l, r] = [pad[2 * k], pad[2 * k + 1]];
    const keep = x.shape[d] + Math.min(l, 0) + Math.min(r, 0);
    src = narrowView(src, d, Math.max(-l, 0), keep);
    dst = narrowView(dst, d, Math.max(l, 0), keep);
  }
  if (src.shape.every((n) => n > 0)) backend().copy(src, dst);
  if (needsGrad(x)) record(new ConstantPadNdBackward0(pad.slice()), [x], [out]);
  return out;
}

// --- reflect / replicate / circular ---

export type PadMode = 'reflect' | 'replicate' | 'circular';

/** Where output cell j of a dim of `size` cells padded by (l, r) reads from. */
function sourceIndex(mode: PadMode, j: number, size: number, l: number): number {
  const i = j - l;
  if (mode === 'replicate') return Math.min(Math.max(i, 0), size - 1);
  if (mode === 'circular') return ((i % size) + size) % size;
  if (i < 0) return -i;
  if (i >= size) return 2 * (size - 1) - i;
  return i;
}

/** Gathers along each padded dim in turn: out = x[maps[0]] along dims[0], then maps[1]… */
function gatherPad(x: Tensor, dims: readonly number[], maps: readonly Tensor[]): Tensor {
  let cur = x;
  dims.forEach((d, k) => {
    const shape = cur.shape.slice();
    shape[d] = maps[k].shape[0];
    const next = Tensor.empty(shape, x.dtype);
    backend().indexSelect(cur, d, maps[k], next.buffer);
    cur = next;
  });
  return cur;
}

/** The adjoint of gatherPad: each output cell's gradient adds into the cell it copied. */
function scatterPad(grad: Tensor, xShape: readonly number[], dims: readonly number[], maps: readonly Tensor[]): Tensor {
  let cur = grad;
  for (let k = dims.length - 1; k >= 0; k--) {
    const shape = cur.shape.slice();
    shape[dims[k]] = xShape[dims[k]];
    const next = Tensor.empty(shape, grad.dtype);
    backend().indexPut(next, dims[k], maps[k], cur, true);
    cur = next;
  }
  return cur;
}

/**
 * Node names: PyTorch's (ReflectionPad2DBackward0, …). Circular padding is a chain of
 * slice copies in PyTorch, whose outermost nodes are CopySlices / SliceBackwardBackward0.
 */
function padNames(mode: PadMode, pairs: number): [string, string] {
  if (mode === 'circular') return ['CopySlices', 'SliceBackwardBackward0'];
  const base = `${mode === 'reflect' ? 'ReflectionPad' : 'ReplicationPad'}${pairs}D`;
  return [`${base}Backward0`, `${base}BackwardBackward0`];
}

class IndexPadBackward extends Node {
  constructor(readonly name: string, private readonly backName: string, private readonly dims: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [x, ...maps] = this.saved();
    return [indexPadBackward(g as Tensor, x, this.dims, maps, this.name, this.backName)];
  }
}

class IndexPadBackwardBackward extends Node {
  constructor(readonly name: string, private readonly forwardName: string, private readonly dims: number[]) {
    super();
  }
  backward([gg]: Grad[]): Grad[] {
    const [, ...maps] = this.saved();
    // The backward is linear in the gradient; its adjoint is the padding itself.
    if (gg === null || this.next[0] === null) return [null, null];
    return [recordPad(gg, gatherPad(gg, this.dims, maps), this.dims, maps, this.forwardName, this.name), null];
  }
}

function indexPadBackward(grad: Tensor, x: Tensor, dims: number[], maps: Tensor[], forwardName: string, backName: string): Tensor {
  const out = scatterPad(grad, x.shape, dims, maps);
  if (needsGrad(grad, x)) record(new IndexPadBackwardBackward(backName, forwardName, dims), [grad, x], [out]).save(x, ...maps);
  return out;
}

/** Attaches the padding's node to `out`, the gathered copy of x. */
function recordPad(x: Tensor, out: Tensor, dims: number[], maps: Tensor[], name: string, backName: string): Tensor {
  if (needsGrad(x)) record(new IndexPadBackward(name, backName, dims), [x], [out]).save(x, ...maps);
  return out;
}

/** The checks of reflection_pad{1,2,3}d, replication_pad{1,2,3}d and _pad_circular, in their order. */
function checkPadSizes(mode: PadMode, x: Tensor, pad: readonly number[]): void {
  const nd = x.dim();
  const pairs = pad.length / 2;
  // Padded dims from the last one: pad[2k], pad[2k + 1] apply to dim nd - 1 - k.
  const padded = Array.from({ length: pairs }, (_, k) => nd - 1 - k);
  const outShape = x.shape.slice();
  padded.forEach((d, k) => {
    outShape[d] = x.shape[d] + pad[2 * k] + pad[2 * k + 1];
  });
  if (mode === 'circular') {
    // _pad_circular walks the dims from the first padded one; an empty result is allowed.
    for (let k = pairs - 1; k >= 0; k--) {
      const size = x.shape[padded[k]];
      if (!(pad[2 * k] <= size && pad[2 * k + 1] <= size)) throw new RangeError('Padding value causes wrapping around more than once.');
      if (outShape[padded[k]] < 0) throw new RangeError('Negative padding value is resulting in an empty dimension');
    }
    return;
  }
  if (padded.some((d) => x.shape[d] === 0)) {
    throw new RangeError(
      `Expected ${pairs + 1}D or ${pairs + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${formatShape(x.shape)}`,
    );
  }
  if (mode === 'reflect') {
    padded.forEach((d, k) => {
      const [l, r] = [pad[2 * k], pad[2 * k + 1]];
      if (!(l < x.shape[d] && r < x.shape[d])) {
        // PyTorch prints the input's sizes for 1-D and 3-D reflection and its dimension count for 2-D.
        const input = pairs === 2 ? String(nd) : formatShape(x.shape);
        throw new RangeError(
          `Argument #${4 + 2 * k}: Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${r}) at dimension ${d} of input ${input}`,
        );
      }
    });
  }
  if (pairs === 3) {
    // 3-D padding has no size check of its own: allocating the output fails (an empty one is fine).
    const negative = outShape.find((n) => n < 0);
    if (negative !== undefined) throw new RangeError(`Trying to create tensor with negative dimension ${negative}: ${formatShape(outShape)}`);
    return;
  }
  padded.forEach((d, k) => {
    if (outShape[d] <= 0) {
      const axis = k === 0 ? 'W' : 'H';
      throw new RangeError(`input (${axis}: ${x.shape[d]}) is too small. Calculated output ${axis}: ${outShape[d]}`);
    }
  });
}

/** reflect / replicate / circular padding of the trailing pad.length / 2 dims. */
export function indexPad(x: Tensor, pad: readonly number[], mode: PadMode): Tensor {
  checkPadSizes(mode, x, pad);
  const pairs = pad.length / 2;
  const dims: number[] = [];
  const maps: Tensor[] = [];
  for (let k = 0; k < pairs; k++) {
    const d = x.dim() - 1 - k;
    const [l, r] = [pad[2 * k], pad[2 * k + 1]];
    const size = x.shape[d];
    const map = new Float64Array(size + l + r);
    for (let j = 0; j < map.length; j++) map[j] = sourceIndex(mode, j, size, l);
    dims.push(d);
    maps.push(Tensor.fromData(map, 'int64', [map.length]));
  }
  const [name, backName] = padNames(mode, pairs);
  return recordPad(x, gatherPad(x, dims, maps), dims, maps, name, backName);
}
