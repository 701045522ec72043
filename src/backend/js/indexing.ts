import type { View } from '../backend.js';
import { indexReader, slots, type TypedArray } from '../dtype.js';
import { contiguousStrides, forEachRow } from './strided.js';

function withDimZeroed(strides: readonly number[], dim: number): number[] {
  const s = strides.slice();
  s[dim] = 0;
  return s;
}

/** Throws PyTorch's message if any index along `dim` is outside [-size, size). */
function checkIndices(index: View, size: number, dim: number): void {
  const at = indexReader(index.buffer);
  forEachRow(index.shape, [index.strides], [index.offset], (off, n, inner) => {
    for (let k = 0, i = off[0]; k < n; k++, i += inner[0]) {
      const v = at(i);
      // The message prints the stored value with every digit (an int64 past 2^53 included).
      if (!(v >= -size && v < size)) throw new RangeError(`index ${String(index.buffer[i])} is out of bounds for dimension ${dim} with size ${size}`);
    }
  });
}

export function gather(x: View, dim: number, index: View, out: TypedArray): void {
  const size = x.shape[dim];
  checkIndices(index, size, dim);
  const xs = x.strides[dim];
  const at = indexReader(index.buffer);
  const X = slots(x.buffer), O = slots(out);
  forEachRow(index.shape, [contiguousStrides(index.shape), withDimZeroed(x.strides, dim), index.strides], [0, x.offset, index.offset], (off, n, inner) => {
    let o = off[0], xo = off[1], io = off[2];
    for (let k = 0; k < n; k++, o += inner[0], xo += inner[1], io += inner[2]) {
      const i = at(io);
      O[o] = X[xo + (i < 0 ? i + size : i) * xs];
    }
  });
}

export function scatter(dst: View, dim: number, index: View, src: View, accumulate: boolean): void {
  const size = dst.shape[dim];
  checkIndices(index, size, dim);
  const ds = dst.strides[dim];
  const D = slots(dst.buffer), S = slots(src.buffer);
  const at = indexReader(index.buffer);
  forEachRow(index.shape, [withDimZeroed(dst.strides, dim), index.strides, src.strides], [dst.offset, index.offset, src.offset], (off, n, inner) => {
    let d = off[0], io = off[1], so = off[2];
    for (let k = 0; k < n; k++, d += inner[0], io += inner[1], so += inner[2]) {
      const i = at(io);
      const p = d + (i < 0 ? i + size : i) * ds;
      D[p] = accumulate ? add(D[p], S[so]) : S[so];
    }
  });
}

/** a + b of two elements of one storage (int64 sums wrap when stored). */
function add(a: number | bigint, b: number | bigint): number | bigint {
  return typeof a === 'bigint' ? a + (b as bigint) : a + (b as number);
}

/** The shape/strides of `v` with dim `dim` pinned to one position (for block copies). */
function slab(v: View, dim: number, position: number): View {
  const shape = v.shape.slice();
  shape[dim] = 1;
  return { buffer: v.buffer, dtype: v.dtype, shape, strides: v.strides, offset: v.offset + position * v.strides[dim] };
}

export function indexSelect(x: View, dim: number, index: View, out: TypedArray): void {
  const size = x.shape[dim];
  checkIndices(index, size, dim);
  const outShape = x.shape.slice();
  outShape[dim] = index.shape[0] ?? 1;
  const outStrides = contiguousStrides(outShape);
  const count = index.shape.length === 0 ? 1 : index.shape[0];
  const is = index.strides[0] ?? 0;
  const at = indexReader(index.buffer);
  const X = slots(x.buffer), O = slots(out);
  for (let j = 0; j < count; j++) {
    const i = at(index.offset + j * is);
    const from = slab(x, dim, i < 0 ? i + size : i);
    forEachRow(from.shape, [from.strides, outStrides], [from.offset, j * outStrides[dim]], (off, n, inner) => {
      for (let k = 0, a = off[0], o = off[1]; k < n; k++, a += inner[0], o += inner[1]) O[o] = X[a];
    });
  }
}

export function indexPut(dst: View, dim: number, index: View, src: View, accumulate: boolean): void {
  const size = dst.shape[dim];
  checkIndices(index, size, dim);
  const count = index.shape.length === 0 ? 1 : index.shape[0];
  const is = index.strides[0] ?? 0;
  const at = indexReader(index.buffer);
  const D = slots(dst.buffer), S = slots(src.buffer);
  for (let j = 0; j < count; j++) {
    const i = at(index.offset + j * is);
    const to = slab(dst, dim, i < 0 ? i + size : i);
    const from = slab(src, dim, j);
    forEachRow(to.shape, [to.strides, from.strides], [to.offset, from.offset], (off, n, inner) => {
      for (let k = 0, d = off[0], s = off[1]; k < n; k++, d += inner[0], s += inner[1]) {
        D[d] = accumulate ? add(D[d], S[s]) : S[s];
      }
    });
  }
}
