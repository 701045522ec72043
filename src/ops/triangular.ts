// Triangular parts of matrices: tril / triu (and their in-place twins), trilIndices / triuIndices.
import { deviceArg, dtype as dtypeArg, int, nullable, oneOf, signature, type ArgsOf } from '../tensor/args.js';
import { arange } from '../tensor/create.js';
import { backend } from '../backend/index.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from './binary.js';
import { inplace } from './inplace.js';
import { tensorOp } from './op-args.js';
import { needsGrad, record } from './record.js';

type Grad = Tensor | null;

class TriBackward extends Node {
  constructor(readonly name: string, private readonly lower: boolean, private readonly k: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [triangle(g as Tensor, this.lower, this.k)];
  }
}

/** The [rows, cols] mask of the kept triangle, from two aranges (no element loop). */
function triangleMask(rows: number, cols: number, lower: boolean, k: number): Tensor {
  const diff = arange(cols).sub(arange(rows).unsqueeze(1));
  return lower ? diff.le(k) : diff.ge(k);
}

/** x's lower (tril) or upper (triu) triangle over its last two dims, the rest zeroed. */
function triangle(x: Tensor, lower: boolean, k: number): Tensor {
  normalizeDim(-2, x.dim()); // PyTorch's error for fewer than 2 dims
  const [rows, cols] = x.shape.slice(-2);
  const zero = Tensor.fromData(allocate(x.dtype, 1), x.dtype, []);
  const out = where(triangleMask(rows, cols, lower, k), x.detach(), zero);
  if (needsGrad(x)) record(new TriBackward(lower ? 'TrilBackward0' : 'TriuBackward0', lower, k), [x], [out]);
  return out;
}

const trilOp = tensorOp('tril', [['diagonal', int, 0]] as const, (x, a) => triangle(x, true, a.diagonal));
const triuOp = tensorOp('triu', [['diagonal', int, 0]] as const, (x, a) => triangle(x, false, a.diagonal));
const trilInplaceOp = tensorOp('tril_', [['diagonal', int, 0]] as const, (x, a) => inplace(x, [], (s) => triangle(s, true, a.diagonal)));
const triuInplaceOp = tensorOp('triu_', [['diagonal', int, 0]] as const, (x, a) => inplace(x, [], (s) => triangle(s, false, a.diagonal)));

/** torch.tril(input, diagonal=0): the lower triangle (elements on and below the diagonal-th diagonal). */
export const tril = trilOp.fn;
/** torch.triu(input, diagonal=0): the upper triangle (elements on and above the diagonal-th diagonal). */
export const triu = triuOp.fn;

const indicesSpec = [['row', int], ['col', int], ['offset', int, 0], '*', ['dtype', nullable(dtypeArg), null], ['device', nullable(deviceArg), null], ['layout', nullable(oneOf('strided')), null]] as const;
const trilIndicesArgs = signature('trilIndices', indicesSpec);
const triuIndicesArgs = signature('triuIndices', indicesSpec);

/** The [2, N] coordinates of a row x col matrix's lower or upper triangle, in row-major order. */
function triangleIndices(row: number, col: number, offset: number, lower: boolean, dtype: DType | null, name: string): Tensor {
  if (row < 0) throw new RangeError(`row must be non-negative, got${row}`);
  if (col < 0) throw new RangeError(`col must be non-negative, got${col}`);
  const dt = dtype ?? 'int64';
  if (dt !== 'int64' && dt !== 'int32') throw new TypeError(`"${name}" not implemented for '${dt === 'float32' ? 'Float' : dt === 'float64' ? 'Double' : dt}'`);
  const rs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < row; i++) {
    const lo = lower ? 0 : Math.max(0, i + offset);
    const hi = lower ? Math.min(col, i + offset + 1) : col;
    for (let j = lo; j < hi; j++) {
      rs.push(i);
      cs.push(j);
    }
  }
  const out = new Float64Array(2 * rs.length);
  out.set(rs, 0);
  out.set(cs, rs.length);
  const t = Tensor.fromData(out, 'float64', [2, rs.length]);
  // dt is int64 or int32: the indices are cast from doubles.
  const cast = Tensor.empty(t.shape.slice(), dt);
  backend().copy(t, cast);
  return cast;
}

/** torch.tril_indices(row, col, offset=0, *, dtype=torch.long, device='cpu', layout=torch.strided). */
export function trilIndices(...args: ArgsOf<typeof trilIndicesArgs>): Tensor {
  const a = trilIndicesArgs.parse(args);
  return triangleIndices(a.row, a.col, a.offset, true, a.dtype, 'tril_indices');
}

/** torch.triu_indices(row, col, offset=0, *, dtype=torch.long, device='cpu', layout=torch.strided). */
export function triuIndices(...args: ArgsOf<typeof triuIndicesArgs>): Tensor {
  const a = triuIndicesArgs.parse(args);
  return triangleIndices(a.row, a.col, a.offset, false, a.dtype, 'triu_indices');
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    tril(...args: Parameters<typeof trilOp.method>): Tensor;
    triu(...args: Parameters<typeof triuOp.method>): Tensor;
    tril_(...args: Parameters<typeof trilInplaceOp.method>): Tensor;
    triu_(...args: Parameters<typeof triuInplaceOp.method>): Tensor;
  }
}

const P = Tensor.prototype;
P.tril = trilOp.method;
P.triu = triuOp.method;
P.tril_ = trilInplaceOp.method;
P.triu_ = triuInplaceOp.method;
