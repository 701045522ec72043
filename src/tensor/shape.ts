// Shape arithmetic shared by creation, views and ops, with PyTorch's error messages.
import { contiguousStrides } from '../backend/js/strided.js';

export { contiguousStrides, numelOf } from '../backend/js/strided.js';

export type ShapeArgs = readonly number[] | [readonly number[]];

/** Accepts a shape as varargs or as one array, as PyTorch accepts both. */
export function parseShape(args: readonly (number | readonly number[])[]): number[] {
  const shape = args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]).slice();
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s)) throw new TypeError(`shape must be a list of integers, got [${shape.join(', ')}]`);
  }
  return shape;
}

export function checkNonNegativeShape(shape: readonly number[]): void {
  for (const s of shape) {
    if (s < 0) throw new RangeError(`Trying to create tensor with negative dimension ${s}: [${shape.join(', ')}]`);
  }
}

/** Wraps a possibly negative dim into [0, ndim); a 0-d tensor accepts -1 and 0. */
export function normalizeDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalised, sorted, duplicate-checked dims (reductions over several dims). */
export function normalizeDims(dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new RangeError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out.sort((a, b) => a - b);
}

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // Leading dims missing from the shorter shape are 1 (tested by index: a negative index
  // would be a slow named-property lookup on every tiny broadcasting op).
  const la = n - a.length, lb = n - b.length;
  for (let i = 0; i < n; i++) {
    const da = i >= la ? a[i - la] : 1;
    const db = i >= lb ? b[i - lb] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of (shape, strides) as if it had `target` shape (zeros where broadcast). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const lead = target.length - shape.length;
  if (lead < 0) throw new RangeError(`cannot broadcast a tensor of ${shape.length} dims to ${target.length} dims`);
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === target[lead + i]) out[lead + i] = shape[i] === 1 ? 0 : strides[i];
    else if (shape[i] !== 1) {
      throw new RangeError(
        `The expanded size of the tensor (${target[lead + i]}) must match the existing size (${shape[i]}) at non-singleton dimension ${lead + i}.  Target sizes: [${target.join(', ')}].  Tensor sizes: [${shape.join(', ')}]`,
      );
    }
  }
  return out;
}

/** Resolves a -1 in a view/reshape target against `numel`. */
export function inferShape(shape: readonly number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === -1) {
      if (infer >= 0) throw new RangeError('only one dimension can be inferred');
      infer = i;
    } else if (shape[i] < 0) {
      throw new RangeError(`invalid shape dimension ${shape[i]}`);
    } else known *= shape[i];
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) throw new RangeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new RangeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as `target` without copying, or null when
 * the memory layout does not allow it (PyTorch's computeStride).
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel === 0) return contiguousStrides(target);
  if (shape.length === 0) return target.map(() => 1);
  const out = new Array<number>(target.length);
  let viewD = target.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= target[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Python's repr of a torch.Size, as PyTorch's messages print it: torch.Size([2, 3]). */
export function sizeRepr(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** Python's tuple repr of a shape: (2,), (2, 3), (). */
export function tupleRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
