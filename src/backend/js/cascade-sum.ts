// PyTorch's floating-point sum (ATen's cascade_sum, SumKernel.cpp, as its AVX2 kernel runs it on
// one thread), so that float32 sums and means, and the losses printed from them, carry PyTorch's
// bits. A row is summed in cascades: runs of 2^p elements into a first accumulator, which is
// added into a second one every run, the second into a third every 2^p runs, and so on (four
// levels); row_sum interleaves four such cascades (ilp). A contiguous row is read as vectors of
// W lanes (8 floats, 4 doubles), each lane its own row_sum, and the lanes added to the tail last;
// a sum over rows of a contiguous block (a bias gradient, x.sum(0)) runs one cascade per column,
// or a row_sum for the columns left over from groups of 4 vectors (4 columns when narrower than a vector).
import type { View } from '../backend.js';
import { collapse, moveDimsLast, numelOf } from './strided.js';

type Numbers = Float32Array | Float64Array;

const LEVELS = 4;

/** c10's CeilLog2: 1 up to 2, then ceil(log2(x)). */
function ceilLog2(x: number): number {
  return x <= 2 ? 1 : 32 - Math.clz32(x - 1);
}

/** multi_row_sum for one column: size elements from `start`, `stride` apart. */
function cascade(A: Numbers, start: number, stride: number, size: number, f32: boolean): number {
  const power = Math.max(4, Math.trunc(ceilLog2(size) / LEVELS));
  const step = 1 << power;
  const mask = step - 1;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let i = 0;
  let p = start;
  while (i + step <= size) {
    if (f32) for (let j = 0; j < step; j++, i++, p += stride) a0 = Math.fround(a0 + A[p]);
    else for (let j = 0; j < step; j++, i++, p += stride) a0 += A[p];
    // carry up: level j takes level j-1, until a level's run is not complete
    a1 = f32 ? Math.fround(a1 + a0) : a1 + a0;
    a0 = 0;
    if ((i & (mask << power)) !== 0) continue;
    a2 = f32 ? Math.fround(a2 + a1) : a2 + a1;
    a1 = 0;
    if ((i & (mask << (2 * power))) !== 0) continue;
    a3 = f32 ? Math.fround(a3 + a2) : a3 + a2;
    a2 = 0;
  }
  if (f32) {
    for (; i < size; i++, p += stride) a0 = Math.fround(a0 + A[p]);
    return Math.fround(Math.fround(Math.fround(a0 + a1) + a2) + a3);
  }
  for (; i < size; i++, p += stride) a0 += A[p];
  return a0 + a1 + a2 + a3;
}

/** row_sum: four interleaved cascades over the first size - size % 4 elements, then the rest. */
function rowSum(A: Numbers, start: number, stride: number, size: number, f32: boolean): number {
  const quarter = Math.trunc(size / 4);
  let s0 = cascade(A, start, 4 * stride, quarter, f32);
  const s1 = cascade(A, start + stride, 4 * stride, quarter, f32);
  const s2 = cascade(A, start + 2 * stride, 4 * stride, quarter, f32);
  const s3 = cascade(A, start + 3 * stride, 4 * stride, quarter, f32);
  for (let i = quarter * 4, p = start + i * stride; i < size; i++, p += stride) s0 = f32 ? Math.fround(s0 + A[p]) : s0 + A[p];
  if (f32) return Math.fround(Math.fround(Math.fround(s0 + s1) + s2) + s3);
  return s0 + s1 + s2 + s3;
}

/** vectorized_inner_sum of one contiguous row of n >= W elements (W lanes of row_sum, tail, lanes). */
function innerSum(A: Numbers, start: number, n: number, f32: boolean, W: number): number {
  const vectors = Math.trunc(n / W);
  let acc = 0;
  for (let k = vectors * W; k < n; k++) acc = f32 ? Math.fround(acc + A[start + k]) : acc + A[start + k];
  for (let lane = 0; lane < W; lane++) {
    const s = rowSum(A, start + lane, W, vectors, f32);
    acc = f32 ? Math.fround(acc + s) : acc + s;
  }
  return acc;
}

/** How a sum over `dims` of x maps onto cascade_sum's loops, or null where it does not simply. */
interface Layout {
  kind: 'inner' | 'outer';
  rows: number; // inner: elements per output; outer: rows summed
  cols: number; // inner: outputs; outer: columns (outputs)
  rowStride: number; // inner: distance between outputs' rows; outer: between the rows summed
}

function layoutOf(x: View, dims: readonly number[]): Layout | null {
  const { keptShape, keptStrides, redShape, redStrides } = moveDimsLast(x, dims);
  const red = collapse(redShape, [redStrides]);
  const kept = collapse(keptShape, [keptStrides]);
  if (red.shape.length !== 1 || kept.shape.length > 1) return null;
  const rows = red.shape[0];
  const redStride = red.strides[0][0];
  const cols = kept.shape.length === 0 ? 1 : kept.shape[0];
  const keptStride = kept.shape.length === 0 ? 0 : kept.strides[0][0];
  if (redStride === 1) return { kind: 'inner', rows, cols, rowStride: keptStride };
  if (keptStride === 1 && cols > 1) return { kind: 'outer', rows, cols, rowStride: redStride };
  return null;
}

/**
 * Sums x over dims into out as PyTorch's cascade_sum does (native/reduce.cc has the twin); false
 * where the layout is not one it follows simply (the caller sums in doubles instead).
 */
export function cascadeSum(x: View, dims: readonly number[], out: Numbers): boolean {
  const A = x.buffer;
  if (!(A instanceof Float32Array || A instanceof Float64Array) || numelOf(x.shape) === 0) return false;
  const l = layoutOf(x, dims);
  if (l === null) return false;
  const f32 = A instanceof Float32Array;
  const W = f32 ? 8 : 4;
  if (l.kind === 'inner') {
    for (let o = 0, start = x.offset; o < l.cols; o++, start += l.rowStride) {
      out[o] = l.rows >= W ? innerSum(A, start, l.rows, f32, W) : rowSum(A, start, 1, l.rows, f32);
    }
    return true;
  }
  // vectorized_outer_sum (scalar_outer_sum below W columns): groups of columns summed by one
  // cascade each (4 vectors, or 4 columns), the rest by row_sum.
  const group = l.cols >= W ? 4 * W : 4;
  const grouped = l.cols - (l.cols % group);
  for (let j = 0; j < l.cols; j++) {
    const start = x.offset + j;
    out[j] = j < grouped ? cascade(A, start, l.rowStride, l.rows, f32) : rowSum(A, start, l.rowStride, l.rows, f32);
  }
  return true;
}
