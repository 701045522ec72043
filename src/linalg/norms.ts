// linalg.vectorNorm, matrixNorm, norm and cond, composed of differentiable ops (and
// svdvals for the spectral and nuclear norms), as PyTorch composes them.
import { checkTensor } from '../tensor/args.js';
import type { DType } from '../tensor/dtype.js';
import { normalizeDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { where } from '../ops/binary.js';
import { norm as reduceNorm } from '../ops/reduce.js';
import { invEx, svdvals } from './decompositions.js';
import { checkFloat, checkSquare, fromF64 } from './util.js';

export type Ord = number | 'fro' | 'nuc';

interface NormOptions {
  keepdim?: boolean;
  dtype?: DType | null;
}

function castTo(x: Tensor, dtype: DType | null | undefined): Tensor {
  return dtype === undefined || dtype === null || dtype === x.dtype ? x : x.to(dtype);
}

/** linalg.vectorNorm(x, ord=2, dim=null, keepdim=false, { dtype }). */
export function vectorNorm(x: Tensor, ord: number = 2, dim: number | readonly number[] | null = null, keepdim = false, opts: { dtype?: DType | null } = {}): Tensor {
  checkTensor('linalg.vector_norm', 'x', 1, x);
  checkFloat('linalg.vector_norm', x);
  if (typeof ord !== 'number') throw new TypeError(`linalg.vector_norm(): argument 'ord' must be a number, not ${typeof ord}`);
  const input = castTo(x, opts.dtype);
  if (dim === null || (Array.isArray(dim) && dim.length === 0)) {
    if (keepdim) return reduceNorm(input, ord, null, true);
    return reduceNorm(input.reshape(-1), ord, 0, false);
  }
  return reduceNorm(input, ord, dim, keepdim);
}

/** Removes the two (kept) reduced dims. */
function dropDims(t: Tensor, d0: number, d1: number): Tensor {
  const [hi, lo] = d0 > d1 ? [d0, d1] : [d1, d0];
  return t.squeeze(hi).squeeze(lo);
}

/** linalg.matrixNorm(A, ord='fro', dim=[-2, -1], keepdim=false, { dtype }). */
export function matrixNorm(A: Tensor, ord: Ord = 'fro', dim: readonly number[] = [-2, -1], keepdim = false, opts: { dtype?: DType | null } = {}): Tensor {
  checkTensor('linalg.matrix_norm', 'A', 1, A);
  checkFloat('linalg.matrix_norm', A);
  if (A.dim() < 2) throw new RangeError(`linalg.matrix_norm: The input tensor A must have at least 2 dimensions.`);
  if (dim.length !== 2) throw new RangeError(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.join(' ')}`);
  const d0 = normalizeDim(dim[0], A.dim());
  const d1 = normalizeDim(dim[1], A.dim());
  if (d0 === d1) throw new RangeError(`linalg.matrix_norm: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  const x = castTo(A, opts.dtype);
  if (ord === 'fro') return reduceNorm(x, 2, [d0, d1], keepdim);
  if (ord === 'nuc' || ord === 2 || ord === -2) {
    const rest = Array.from({ length: x.dim() }, (_, i) => i).filter((i) => i !== d0 && i !== d1);
    const S = svdvals(x.permute([...rest, d0, d1]));
    let r = ord === 'nuc' ? S.sum(-1) : ord === 2 ? S.amax(-1) : S.amin(-1);
    if (keepdim) for (const d of [d0, d1].sort((a, b) => a - b)) r = r.unsqueeze(d);
    return r;
  }
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    const [sumDim, maxDim] = ord === 1 || ord === -1 ? [d0, d1] : [d1, d0];
    const s = x.abs().sum(sumDim, true);
    const r = ord > 0 ? s.amax(maxDim, true) : s.amin(maxDim, true);
    return keepdim ? r : dropDims(r, d0, d1);
  }
  throw new RangeError(`linalg.matrix_norm: Order ${String(ord)} not supported.`);
}

/** linalg.norm(A, ord=null, dim=null, keepdim=false, { dtype }): a vector or a matrix norm, as PyTorch picks. */
export function norm(A: Tensor, ord: Ord | null = null, dim: number | readonly number[] | null = null, keepdim = false, opts: NormOptions = {}): Tensor {
  checkTensor('linalg.norm', 'A', 1, A);
  const dtype = opts.dtype ?? null;
  if (dim !== null) {
    const list = typeof dim === 'number' ? [dim] : dim;
    if (list.length === 1) {
      if (typeof ord === 'string') throw new RangeError(`linalg.norm: If dim is specified, it must be of length 2 when ord is a string. Got ${typeof dim === 'number' ? dim : `[${list.join(', ')}]`}`);
      return vectorNorm(A, ord ?? 2, list, keepdim, { dtype });
    }
    if (list.length === 2) return matrixNorm(A, ord ?? 'fro', list, keepdim, { dtype });
    throw new RangeError(`linalg.norm: If dim is specified, it mut be of length 1 or 2. Got [${list.join(', ')}]`);
  }
  if (ord === null) return vectorNorm(A, 2, null, keepdim, { dtype });
  if (A.dim() !== 1 && A.dim() !== 2) throw new RangeError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.dim()}D.`);
  if (A.dim() === 1) {
    if (typeof ord === 'string') throw new RangeError(`linalg.norm: If dim is not specified but ord is, the input must be 2D when ord is a string. Got 1D.`);
    return vectorNorm(A, ord, null, keepdim, { dtype });
  }
  return matrixNorm(A, ord, [-2, -1], keepdim, { dtype });
}

/** linalg.cond(A, p=null): the condition number (ratio of singular values for p in null/2/-2). */
export function cond(A: Tensor, p: Ord | null = null): Tensor {
  checkTensor('linalg.cond', 'A', 1, A);
  checkFloat('linalg.cond', A);
  if (A.dim() < 2) throw new RangeError('linalg.cond: The input tensor A must have at least 2 dimensions.');
  if (p === null || p === 2 || p === -2) {
    const S = svdvals(A);
    const k = S.shape[S.dim() - 1];
    const first = S.narrow(-1, 0, 1).squeeze(-1);
    const last = S.narrow(-1, k - 1, 1).squeeze(-1);
    return p === -2 ? last.div(first) : first.div(last);
  }
  checkSquare('linalg.cond', A);
  const { inverse, info } = invEx(A);
  const c = matrixNorm(A, p).mul(matrixNorm(inverse, p));
  return where(info.gt(0), fromF64(new Float64Array([Infinity]), A.dtype, []), c);
}
