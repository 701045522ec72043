import type { View } from '../backend.js';
import { numeric, type TypedArray } from '../dtype.js';
import { fmaf } from './avx-mathfun.js';
import { numelOf } from './strided.js';

const BLOCK_K = 128;
const BLOCK_N = 512;
// Up to this many multiply-adds a batch, dot products straight from the operands (the
// polynomial-regression loop's 32x4 @ 4x1 took ~2.8 us a call through the packing path,
// ~11% of its steady-state iteration).
const DIRECT_MACS = 4096;

/**
 * out[b] = a[b] @ b[b] for every batch index. Each B panel is packed row-major,
 * then C rows accumulate in doubles over k-blocks (rows of B stay in cache). Small
 * products skip the packing: in float32 an element of up to 8 terms is a chain of float32
 * fused multiply-adds in k order from 0, as PyTorch's BLAS computes it (so `inputs @ inputs.T`
 * of a 6x3 matrix has PyTorch's bits; longer dot products it splits in ways of its own, and the
 * double sum stays closer to them), and a tiny batched product the unfused chain of the loop
 * PyTorch's bmm runs itself; otherwise the double sum in k order, the bits of the blocked loop.
 */
export function matmul(a: View, b: View, outBuf: TypedArray): void {
  if (outBuf instanceof BigInt64Array) return matmulInt64(a, b, outBuf);
  const out = numeric(outBuf);
  const A = numeric(a.buffer), B = numeric(b.buffer);
  const nd = a.shape.length;
  const M = a.shape[nd - 2];
  const K = a.shape[nd - 1];
  const N = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const batches = numelOf(batchShape);
  const aRs = a.strides[nd - 2], aCs = a.strides[nd - 1];
  const bRs = b.strides[nd - 2], bCs = b.strides[nd - 1];
  const direct = M * N * K <= DIRECT_MACS;
  const f32 = out instanceof Float32Array;
  // PyTorch's bmm multiplies matrices of under 400 multiply-adds in a plain loop of its own
  // (baddbmm_cpu_kernel): products and sums rounded separately, no fused multiply-add.
  const unfused = nd >= 3 && M * N * K < 400;
  const packedB = direct ? null : new Float64Array(K * N);
  const acc = direct ? null : new Float64Array(M * N);
  const idx = new Array<number>(batchShape.length).fill(0);
  let aOff = a.offset;
  let bOff = b.offset;
  let lastBOff = -1;
  for (let batch = 0; batch < batches; batch++) {
    if (packedB === null || acc === null) {
      for (let i = 0, o = batch * M * N; i < M; i++) {
        for (let j = 0; j < N; j++, o++) {
          let sum = 0;
          if (f32 && unfused) {
            for (let k = 0, ai = aOff + i * aRs, bj = bOff + j * bCs; k < K; k++, ai += aCs, bj += bRs) sum = Math.fround(sum + Math.fround(A[ai] * B[bj]));
          } else if (f32 && K <= 8) {
            for (let k = 0, ai = aOff + i * aRs, bj = bOff + j * bCs; k < K; k++, ai += aCs, bj += bRs) sum = fmaf(A[ai], B[bj], sum);
          } else {
            for (let k = 0, ai = aOff + i * aRs, bj = bOff + j * bCs; k < K; k++, ai += aCs, bj += bRs) sum += A[ai] * B[bj];
          }
          out[o] = sum;
        }
      }
    } else {
      if (bOff !== lastBOff) {
        for (let k = 0; k < K; k++) {
          for (let j = 0, src = bOff + k * bRs; j < N; j++, src += bCs) packedB[k * N + j] = B[src];
        }
        lastBOff = bOff;
      }
      acc.fill(0);
      for (let k0 = 0; k0 < K; k0 += BLOCK_K) {
        const k1 = Math.min(K, k0 + BLOCK_K);
        for (let j0 = 0; j0 < N; j0 += BLOCK_N) {
          const j1 = Math.min(N, j0 + BLOCK_N);
          for (let i = 0; i < M; i++) {
            const row = i * N;
            for (let k = k0; k < k1; k++) {
              const aik = A[aOff + i * aRs + k * aCs];
              const bRow = k * N;
              for (let j = j0; j < j1; j++) acc[row + j] += aik * packedB[bRow + j];
            }
          }
        }
      }
      out.set(acc, batch * M * N);
    }
    for (let d = batchShape.length - 1; d >= 0; d--) {
      idx[d]++;
      aOff += a.strides[d];
      bOff += b.strides[d];
      if (idx[d] < batchShape[d]) break;
      aOff -= a.strides[d] * batchShape[d];
      bOff -= b.strides[d] * batchShape[d];
      idx[d] = 0;
    }
  }
}

/** int64 matmul in BigInt: each dot product is exact, then wrapped to 64 bits as int64_t arithmetic wraps. */
function matmulInt64(a: View, b: View, out: BigInt64Array): void {
  const nd = a.shape.length;
  const M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const big = (buf: TypedArray, i: number): bigint => { const e = buf[i]; return typeof e === 'bigint' ? e : BigInt(e); };
  const idx = new Array<number>(batchShape.length).fill(0);
  let aOff = a.offset, bOff = b.offset;
  for (let batch = 0, o = 0; batch < numelOf(batchShape); batch++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++, o++) {
        let acc = 0n;
        for (let k = 0; k < K; k++) acc += big(a.buffer, aOff + i * a.strides[nd - 2] + k * a.strides[nd - 1]) * big(b.buffer, bOff + k * b.strides[nd - 2] + j * b.strides[nd - 1]);
        out[o] = acc;
      }
    }
    for (let d = batchShape.length - 1; d >= 0; d--) {
      idx[d]++;
      aOff += a.strides[d];
      bOff += b.strides[d];
      if (idx[d] < batchShape[d]) break;
      aOff -= a.strides[d] * batchShape[d];
      bOff -= b.strides[d] * batchShape[d];
      idx[d] = 0;
    }
  }
}
