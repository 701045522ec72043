// Rows along a dim for the ops that order or scan values in JS (sorting.ts, searching.ts,
// statistics.ts), and the gradient of every op that selects values by index.
import { backend } from '../backend/index.js';
import { type NumberArray } from '../tensor/dtype.js';
import { orderKeysOf } from './order-keys.js';
import { Node } from '../tensor/graph.js';
import { Tensor } from '../tensor/tensor.js';

type Grad = Tensor | null;

// --- rows along a dim ---

interface Rows {
  /** The values, contiguous with `dim` moved last. */
  data: NumberArray;
  /** Length of a row (the size of dim; 1 for a 0-d tensor). */
  n: number;
  /** Number of rows. */
  count: number;
  /** The shape with dim removed, in order (the leading dims of the moved layout). */
  outer: number[];
}

export function rowsOf(x: Tensor, d: number): Rows {
  // int64 past 2^53 orders by exact ranks (order-keys.ts); values come back exact via the indices.
  if (x.dim() === 0) return { data: orderKeysOf(x.toTypedArray()), n: 1, count: 1, outer: [] };
  const moved = x.detach().movedim(d, -1);
  const outer = moved.shape.slice(0, -1);
  return { data: orderKeysOf(moved.toTypedArray()), n: x.shape[d], count: outer.reduce((a, b) => a * b, 1), outer };
}

/** An int64 tensor from row-major [...outer, k] data, with its last dim moved back to `d`. */
export function fromRows(data: Float64Array, outer: number[], k: number, d: number, ndim: number): Tensor {
  if (ndim === 0) return Tensor.fromData(data, 'int64', []);
  const t = Tensor.fromData(data, 'int64', [...outer, k]);
  return d === ndim - 1 ? t : t.movedim(-1, d).contiguous();
}

/** x's values at `indices` along d (the gather kernel), no autograd. */
export function gatherAlong(x: Tensor, d: number, indices: Tensor): Tensor {
  const out = Tensor.empty(indices.shape.slice(), x.dtype);
  if (x.dim() === 0) {
    backend().copy(x, out);
    return out;
  }
  backend().gather(x, d, indices, out.buffer);
  return out;
}

// --- the gradient of every value-selecting op: scatter into zeros at the indices ---

export class ValueSelectingBackward extends Node {
  constructor(readonly name: string, private readonly shape: number[], private readonly dim: number, private readonly keepdim: boolean) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [indices] = this.saved();
    let grad = g as Tensor;
    if (this.shape.length === 0) return [grad.reshape([])];
    let idx = indices;
    if (!this.keepdim) {
      grad = grad.unsqueeze(this.dim);
      idx = idx.unsqueeze(this.dim);
    }
    return [Tensor.empty(this.shape, grad.dtype).scatter(this.dim, idx, grad)];
  }
}

