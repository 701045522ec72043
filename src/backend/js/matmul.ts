import type { View } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { numelOf } from './strided.js';

const BLOCK_K = 128;
const BLOCK_N = 512;

/**
 * out[b] = a[b] @ b[b] for every batch index. Each B panel is packed row-major,
 * then C rows accumulate in doubles over k-blocks (rows of B stay in cache).
 */
export function matmul(a: View, b: View, out: TypedArray): void {
  const nd = a.shape.length;
  const M = a.shape[nd - 2];
  const K = a.shape[nd - 1];
  const N = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const batches = numelOf(batchShape);
  const aRs = a.strides[nd - 2], aCs = a.strides[nd - 1];
  const bRs = b.strides[nd - 2], bCs = b.strides[nd - 1];
  const packedB = new Float64Array(K * N);
  const acc = new Float64Array(M * N);
  const idx = new Array<number>(batchShape.length).fill(0);
  let aOff = a.offset;
  let bOff = b.offset;
  let lastBOff = -1;
  for (let batch = 0; batch < batches; batch++) {
    if (bOff !== lastBOff) {
      for (let k = 0; k < K; k++) {
        for (let j = 0, src = bOff + k * bRs; j < N; j++, src += bCs) packedB[k * N + j] = b.buffer[src];
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
            const aik = a.buffer[aOff + i * aRs + k * aCs];
            const bRow = k * N;
            for (let j = j0; j < j1; j++) acc[row + j] += aik * packedB[bRow + j];
          }
        }
      }
    }
    out.set(acc, batch * M * N);
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
