// Shared pieces of torch.linalg: argument checks with PyTorch's messages, reading the
// matrices of a batch into float64, writing results back in the input's dtype, and the
// small differentiable helpers the backward formulas use (triangles, diagonals, mH).
import { floatToInt64, scalarTypeName, type DType, asNumbers } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** PyTorch's torch.linalg.LinAlgError (a RuntimeError subclass there). */
export class LinAlgError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinAlgError';
  }
}

/** A named tuple: an object with PyTorch's field names that also destructures as an array. */
export type Named<T> = T & Iterable<Tensor>;
export function named<T extends Record<string, Tensor>>(fields: T): Named<T> {
  const values = Object.values(fields);
  Object.defineProperty(fields, Symbol.iterator, { value: () => values[Symbol.iterator](), enumerable: false });
  return fields as Named<T>;
}

export function checkFloat(where: string, x: Tensor, what = 'input'): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new TypeError(`${where}: Expected a floating point or complex tensor as ${what}. Got ${scalarTypeName(x.dtype)}`);
  }
}

export function checkMatrix(where: string, x: Tensor, name = 'A'): void {
  if (x.dim() < 2) throw new RangeError(`${where}: The input tensor ${name} must have at least 2 dimensions.`);
}

export function checkSquare(where: string, x: Tensor, name = 'A'): void {
  checkMatrix(where, x, name);
  const [m, n] = x.shape.slice(-2);
  if (m !== n) throw new RangeError(`${where}: ${name} must be batches of square matrices, but they are ${m} by ${n} matrices`);
}

export function checkSameDtype(where: string, a: Tensor, b: Tensor, an = 'A', bn = 'B'): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${where}: Expected ${an} and ${bn} to have the same dtype, but found ${an} of type ${scalarTypeName(a.dtype)} and ${bn} of type ${scalarTypeName(b.dtype)} instead`);
  }
}

/** The matrices of a batch as one float64 array, with the batch shape and the matrix size. */
export interface Mats {
  batch: number[];
  count: number;
  m: number;
  n: number;
  data: Float64Array;
}

export function mats(x: Tensor): Mats {
  const nd = x.dim();
  const m = x.shape[nd - 2];
  const n = x.shape[nd - 1];
  const batch = x.shape.slice(0, nd - 2);
  const count = batch.reduce((a, b) => a * b, 1);
  const raw = x.detach().toTypedArray();
  const data = raw instanceof Float64Array ? raw : Float64Array.from(asNumbers(raw));
  return { batch, count, m, n, data };
}

/** One matrix of a batch (a copy). */
export function matAt(ms: Mats, b: number): Float64Array {
  const size = ms.m * ms.n;
  return ms.data.slice(b * size, (b + 1) * size);
}

export function fromF64(data: Float64Array, dtype: DType, shape: number[]): Tensor {
  if (dtype === 'float64') return Tensor.fromData(data, dtype, shape);
  if (dtype === 'float32') return Tensor.fromData(Float32Array.from(data), dtype, shape);
  if (dtype === 'int32') return Tensor.fromData(Int32Array.from(data), dtype, shape);
  if (dtype === 'int64') return Tensor.fromData(BigInt64Array.from(data, (v) => floatToInt64(v)), dtype, shape);
  return Tensor.fromData(Uint8Array.from(data), dtype, shape);
}

export function intTensor(data: Int32Array, shape: number[]): Tensor {
  return Tensor.fromData(data, 'int32', shape);
}

/** Batch shapes of a and b broadcast: PyTorch's batched linalg ops broadcast leading dims. */
export function broadcastBatch(a: Tensor, b: Tensor): number[] {
  return broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
}

export function expandBatch(x: Tensor, batch: number[]): Tensor {
  const target = [...batch, ...x.shape.slice(-2)];
  return x.shape.length === target.length && x.shape.every((s, i) => s === target[i]) ? x : x.expand(target);
}

const maskCache = new Map<string, Tensor>();
/** A constant 0/1 matrix: the band of an m x n matrix kept by tril (upper=false) or triu with diagonal k. */
function mask(m: number, n: number, k: number, upper: boolean, dtype: DType): Tensor {
  const key = `${m},${n},${k},${upper},${dtype}`;
  let t = maskCache.get(key);
  if (t === undefined) {
    const data = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[i * n + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
    t = fromF64(data, dtype, [m, n]);
    if (maskCache.size < 256) maskCache.set(key, t);
  }
  return t;
}

export function tril(x: Tensor, k = 0): Tensor {
  const [m, n] = x.shape.slice(-2);
  return x.mul(mask(m, n, k, false, x.dtype));
}

export function triu(x: Tensor, k = 0): Tensor {
  const [m, n] = x.shape.slice(-2);
  return x.mul(mask(m, n, k, true, x.dtype));
}

export function eyeOf(n: number, dtype: DType, m = n): Tensor {
  return mask(n, m, 0, false, dtype).mul(mask(n, m, 0, true, dtype));
}

/** [..., k] -> [..., k, k] with v on the diagonal. */
export function diagEmbed(v: Tensor): Tensor {
  const k = v.shape[v.dim() - 1];
  return v.unsqueeze(-1).mul(eyeOf(k, v.dtype));
}

/** [..., m, n] -> [..., min(m, n)]: the main diagonal. */
export function diagonalOf(x: Tensor): Tensor {
  const [m, n] = x.shape.slice(-2);
  const k = Math.min(m, n);
  return x.narrow(-2, 0, k).narrow(-1, 0, k).mul(eyeOf(k, x.dtype)).sum(-1);
}

/** [...] -> [..., n, n]: g times the identity. */
export function diagOf(g: Tensor, n: number): Tensor {
  return g.unsqueeze(-1).unsqueeze(-1).mul(eyeOf(n, g.dtype));
}

export function mH(x: Tensor): Tensor {
  return x.mT;
}

export function batchPrefix(ms: Mats, b: number): string {
  return ms.batch.length > 0 ? `(Batch element ${b}): ` : '';
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
