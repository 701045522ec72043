import type { TypedArray } from '../dtype.js';
import type { View } from '../backend.js';

/** Row-major strides of a contiguous tensor of `shape` (size-0 dims count as 1, as in PyTorch). */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= Math.max(shape[d], 1);
  }
  return strides;
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (let d = 0; d < shape.length; d++) n *= shape[d];
  return n;
}

/**
 * Shape and per-operand strides with size-1 dims dropped and adjacent dims merged
 * wherever every operand walks them as one: loops then run over as few, as long
 * rows as the layouts allow.
 */
export function collapse(
  shape: readonly number[],
  strideSets: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideSets.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    for (let k = 0; mergeable && k < strideSets.length; k++) {
      mergeable = outStrides[k][last] === strideSets[k][d] * shape[d];
    }
    if (mergeable) {
      outShape[last] *= shape[d];
      for (let k = 0; k < strideSets.length; k++) outStrides[k][last] = strideSets[k][d];
    } else {
      outShape.push(shape[d]);
      for (let k = 0; k < strideSets.length; k++) outStrides[k].push(strideSets[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Walks every row (the innermost collapsed dim) of `shape` for several strided
 * operands, calling row(offsets, length, innerStrides). `offsets` is reused:
 * read it before returning.
 */
export function forEachRow(
  shape: readonly number[],
  strideSets: readonly (readonly number[])[],
  startOffsets: readonly number[],
  row: (offsets: number[], n: number, inner: number[]) => void,
): void {
  const c = collapse(shape, strideSets);
  const nd = c.shape.length;
  const k = strideSets.length;
  const offsets = startOffsets.slice();
  if (nd === 0) {
    row(offsets, numelOf(shape), new Array<number>(k).fill(0));
    return;
  }
  const n = c.shape[nd - 1];
  const inner = c.strides.map((s) => s[nd - 1]);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= c.shape[d];
  const idx = new Array<number>(nd).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, n, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < k; j++) offsets[j] += c.strides[j][d];
      if (idx[d] < c.shape[d]) break;
      for (let j = 0; j < k; j++) offsets[j] -= c.strides[j][d] * c.shape[d];
      idx[d] = 0;
    }
  }
}

/** A View over a contiguous buffer. */
export function contiguousView(data: TypedArray, view: Pick<View, 'dtype' | 'shape'>): View {
  return { buffer: data, dtype: view.dtype, shape: view.shape, strides: contiguousStrides(view.shape), offset: 0 };
}

/** Strides with the dims listed in `dims` moved last (in that order), for reductions. */
export function moveDimsLast(view: View, dims: readonly number[]): { keptShape: number[]; keptStrides: number[]; redShape: number[]; redStrides: number[] } {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  for (let d = 0; d < view.shape.length; d++) {
    if (dims.includes(d)) {
      redShape.push(view.shape[d]);
      redStrides.push(view.strides[d]);
    } else {
      keptShape.push(view.shape[d]);
      keptStrides.push(view.strides[d]);
    }
  }
  return { keptShape, keptStrides, redShape, redStrides };
}
