// Reductions: sum, mean, prod, max/min (all, by dim, amax/amin), arg*, var/std,
// logsumexp, norm, all/any, cumsum/cumprod, and sumToShape, the shared helper that
// un-broadcasts every gradient.
import { backend, type ReduceOp } from '../backend/index.js';
import { isFloatingDtype, isIntegralDtype, numeric, scalarTypeName, type DType } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { normalizeDim, normalizeDims, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryKernel, castRaw, unviewed } from './kernels.js';
import { cat } from './join.js';
import { needsGrad, record } from './record.js';

export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType;
}

/** The second argument of a reduction: PyTorch's positional keepdim or an options object. */
export type KeepdimArg = boolean | ReduceOptions | undefined;

function options(arg: KeepdimArg): ReduceOptions {
  return typeof arg === 'boolean' ? { keepdim: arg } : (arg ?? {});
}

function dimsOf(x: Tensor, dim: number | readonly number[] | null | undefined): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: x.dim() }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  if (list.length === 0) return Array.from({ length: x.dim() }, (_, i) => i);
  return normalizeDims(list, x.dim());
}

function reducedShape(x: Tensor, dims: readonly number[], keepdim: boolean): number[] {
  const shape: number[] = [];
  for (let d = 0; d < x.dim(); d++) {
    if (!dims.includes(d)) shape.push(x.shape[d]);
    else if (keepdim) shape.push(1);
  }
  return shape;
}

/** Runs a reduction kernel into a fresh tensor of `dtype`. */
function reduceKernel(op: ReduceOp, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  const out = Tensor.empty(reducedShape(x, dims, keepdim), dtype);
  backend().reduce(op, x, dims, out.buffer);
  return out;
}

/** Gives a reduced gradient back its reduced dims (as size 1) so it broadcasts against the input. */
function restoreDims(g: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return g;
  let out = g;
  for (const d of dims) out = out.unsqueeze(d);
  return out;
}

/** Sums `g` down to `shape` over the dims that broadcasting expanded (PyTorch's sum_to_size). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.dim() - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.dim(); d++) {
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  }
  let out = dims.length > 0 ? g.sum(dims, true) : g;
  if (lead > 0) out = out.view(shape);
  else if (!sameShape(out.shape, shape)) out = out.view(shape);
  return out;
}

// --- sum / mean ---

class SumBackward extends Node {
  constructor(readonly name: string, private readonly shape: number[], private readonly dims: number[], private readonly keepdim: boolean, private readonly divisor: number) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    let grad = restoreDims(g as Tensor, this.dims, this.keepdim).expand(this.shape);
    if (this.divisor !== 1) grad = grad.div(this.divisor);
    return [grad];
  }
}

export function sum(x: Tensor, dim?: number | readonly number[] | null, keepdim?: KeepdimArg): Tensor {
  const opts = options(keepdim);
  const dims = dimsOf(x, dim);
  const dtype = opts.dtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
  const out = reduceKernel('sum', x, dims, opts.keepdim ?? false, dtype);
  if (needsGrad(x)) {
    record(new SumBackward(dim === undefined || dim === null ? 'SumBackward0' : 'SumBackward1', x.shape.slice(), dims, opts.keepdim ?? false, 1), [x], [out]);
  }
  return out;
}

export function mean(x: Tensor, dim?: number | readonly number[] | null, keepdim?: KeepdimArg): Tensor {
  const opts = options(keepdim);
  const dtype = opts.dtype ?? x.dtype;
  if (!isFloatingDtype(dtype)) {
    throw new TypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)}`,
    );
  }
  const dims = dimsOf(x, dim);
  const count = dims.reduce((n, d) => n * x.shape[d], 1);
  // PyTorch computes mean as sum(...).div_(count) in the output dtype.
  const out = binaryKernel('div', reduceKernel('sum', x, dims, opts.keepdim ?? false, dtype), count, dtype);
  if (needsGrad(x)) {
    record(new SumBackward(dim === undefined || dim === null ? 'MeanBackward0' : 'MeanBackward1', x.shape.slice(), dims, opts.keepdim ?? false, count), [x], [out]);
  }
  return out;
}

// --- prod ---

class ProdBackward extends Node {
  constructor(readonly name: string, private readonly dim: number | null, private readonly keepdim: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [x, result] = this.saved();
    const grad = g as Tensor;
    if (this.dim === null) {
      const flat = x.reshape(-1);
      return [grad.mul(productOfOthers(flat, 0, result)).view(x.shape)];
    }
    const gr = restoreDims(grad, [this.dim], this.keepdim);
    const r = restoreDims(result, [this.dim], this.keepdim);
    return [gr.mul(productOfOthers(x, this.dim, r))];
  }
}

/** For each element, the product of the other elements of its line along `dim`. */
function productOfOthers(x: Tensor, dim: number, result: Tensor): Tensor {
  const hasZero = x.eq(0).any().item() !== 0;
  if (!hasZero) return result.div(x);
  // Exclusive products from both ends: no division, so zeros are handled exactly.
  const n = x.shape[dim];
  const ones = Tensor.empty(x.shape.map((s, i) => (i === dim ? 1 : s)), x.dtype).fill_(1);
  const before = cat([ones, x.narrow(dim, 0, n - 1).cumprod(dim)], dim);
  const flipped = x.flip(dim);
  const after = cat([ones, flipped.narrow(dim, 0, n - 1).cumprod(dim)], dim).flip(dim);
  return before.mul(after);
}

export function prod(x: Tensor, dim?: number | null, keepdim?: KeepdimArg): Tensor {
  const opts = options(keepdim);
  const dtype = opts.dtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
  const dims = dim === undefined || dim === null ? dimsOf(x, null) : [normalizeDim(dim, x.dim())];
  const out = reduceKernel('prod', x, dims, opts.keepdim ?? false, dtype);
  if (needsGrad(x)) {
    const single = dim === undefined || dim === null ? null : dims[0];
    record(new ProdBackward(single === null ? 'ProdBackward0' : 'ProdBackward1', single, opts.keepdim ?? false), [x], [out]).save(x, out);
  }
  return out;
}

// --- max / min ---

/** Spreads the gradient evenly over the positions that hold the extreme value. */
class EvenlyDistributeBackward extends Node {
  constructor(readonly name: string, private readonly dims: number[], private readonly keepdim: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [x, result] = this.saved();
    const r = restoreDims(result, this.dims, this.keepdim);
    const mask = x.eq(r).logicalOr(x.isnan().logicalAnd(r.isnan()));
    const count = mask.sum(this.dims, true);
    const grad = restoreDims(g as Tensor, this.dims, this.keepdim);
    return [mask.mul(grad.div(count))];
  }
}

/** The gradient goes to the selected index along `dim`. */
class IndexSelectingBackward extends Node {
  constructor(readonly name: string, private readonly shape: number[], private readonly dim: number, private readonly keepdim: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [indices] = this.saved();
    const grad = restoreDims(g as Tensor, [this.dim], this.keepdim);
    const idx = restoreDims(indices, [this.dim], this.keepdim);
    return [Tensor.empty(this.shape, grad.dtype).scatter(this.dim, idx, grad)];
  }
}

function extremeAll(x: Tensor, op: 'max' | 'min'): Tensor {
  if (x.numel() === 0) {
    throw new RangeError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const dims = dimsOf(x, null);
  const out = reduceKernel(op, x, dims, false, x.dtype);
  if (needsGrad(x)) record(new EvenlyDistributeBackward(op === 'max' ? 'MaxBackward1' : 'MinBackward1', dims, false), [x], [out]).save(x, out);
  return out;
}

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function extremeDim(x: Tensor, op: 'max' | 'min', dim: number, keepdim: boolean): ValuesIndices {
  const d = normalizeDim(dim, x.dim());
  const dims = x.dim() === 0 ? [] : [d];
  if (x.dim() > 0 && x.shape[d] === 0) {
    throw new RangeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  const values = reduceKernel(op, x, dims, keepdim, x.dtype);
  const indices = reduceKernel(op === 'max' ? 'argmax' : 'argmin', x, dims, keepdim, 'int64');
  if (needsGrad(x)) {
    record(new IndexSelectingBackward(op === 'max' ? 'MaxBackward0' : 'MinBackward0', x.shape.slice(), d, keepdim), [x], [values]).save(indices);
  }
  return { values, indices };
}

export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: KeepdimArg): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, keepdim?: KeepdimArg): Tensor | ValuesIndices {
  if (dimOrOther === undefined) return extremeAll(x, 'max');
  if (dimOrOther instanceof Tensor) return x.maximum(dimOrOther);
  return extremeDim(x, 'max', dimOrOther, options(keepdim).keepdim ?? false);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: KeepdimArg): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, keepdim?: KeepdimArg): Tensor | ValuesIndices {
  if (dimOrOther === undefined) return extremeAll(x, 'min');
  if (dimOrOther instanceof Tensor) return x.minimum(dimOrOther);
  return extremeDim(x, 'min', dimOrOther, options(keepdim).keepdim ?? false);
}

function amaxAmin(x: Tensor, op: 'max' | 'min', dim: number | readonly number[] | undefined, keepdim: KeepdimArg): Tensor {
  const k = options(keepdim).keepdim ?? false;
  const dims = dimsOf(x, dim);
  const out = reduceKernel(op, x, dims, k, x.dtype);
  if (needsGrad(x)) record(new EvenlyDistributeBackward(op === 'max' ? 'AmaxBackward0' : 'AminBackward0', dims, k), [x], [out]).save(x, out);
  return out;
}

export function amax(x: Tensor, dim?: number | readonly number[], keepdim?: KeepdimArg): Tensor {
  return amaxAmin(x, 'max', dim, keepdim);
}

export function amin(x: Tensor, dim?: number | readonly number[], keepdim?: KeepdimArg): Tensor {
  return amaxAmin(x, 'min', dim, keepdim);
}

function argExtreme(x: Tensor, op: 'argmax' | 'argmin', dim: number | null | undefined, keepdim: KeepdimArg): Tensor {
  const k = options(keepdim).keepdim ?? false;
  if (x.numel() === 0) throw new RangeError(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
  if (dim === undefined || dim === null) {
    const out = reduceKernel(op, x, dimsOf(x, null), false, 'int64');
    return k ? out.reshape(x.shape.map(() => 1)) : out;
  }
  return reduceKernel(op, x, x.dim() === 0 ? [] : [normalizeDim(dim, x.dim())], k, 'int64');
}

export function argmax(x: Tensor, dim?: number | null, keepdim?: KeepdimArg): Tensor {
  return argExtreme(x, 'argmax', dim, keepdim);
}

export function argmin(x: Tensor, dim?: number | null, keepdim?: KeepdimArg): Tensor {
  return argExtreme(x, 'argmin', dim, keepdim);
}

// --- all / any ---

export function all(x: Tensor, dim?: number | null, keepdim?: KeepdimArg): Tensor {
  return reduceKernel('all', x, dimsOf(x, dim), options(keepdim).keepdim ?? false, 'bool');
}

export function any(x: Tensor, dim?: number | null, keepdim?: KeepdimArg): Tensor {
  return reduceKernel('any', x, dimsOf(x, dim), options(keepdim).keepdim ?? false, 'bool');
}

// --- var / std ---

export interface VarOptions extends ReduceOptions {
  /** Bessel's correction (1 = unbiased, the default). */
  correction?: number;
  unbiased?: boolean;
}

class VarStdBackward extends Node {
  constructor(readonly name: string, private readonly isStd: boolean, private readonly dims: number[], private readonly keepdim: boolean, private readonly correction: number) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [x, result] = this.saved();
    const n = this.dims.reduce((c, d) => c * x.shape[d], 1);
    let grad = restoreDims(g as Tensor, this.dims, this.keepdim);
    if (this.isStd) {
      const r = restoreDims(result, this.dims, this.keepdim);
      grad = grad.div(r.mul(2)).maskedFill(r.eq(0), 0);
    }
    const centered = x.sub(x.mean(this.dims, true));
    return [grad.mul(2 / Math.max(0, n - this.correction)).mul(centered)];
  }
}

function varStd(x: Tensor, isStd: boolean, dim: number | readonly number[] | null | undefined, opts: VarOptions): Tensor {
  if (!isFloatingDtype(x.dtype)) {
    throw new TypeError(`std and var only support floating point and complex dtypes`);
  }
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const dims = dimsOf(x, dim);
  const keepdim = opts.keepdim ?? false;
  const out = Tensor.empty(reducedShape(x, dims, keepdim), x.dtype);
  backend().variance(x, dims, correction, out.buffer);
  if (isStd) backend().unary('sqrt', out, out.buffer);
  if (needsGrad(x)) {
    record(new VarStdBackward(isStd ? 'StdBackward0' : 'VarBackward0', isStd, dims, keepdim, correction), [x], [out]).save(x, out);
  }
  return out;
}

/** Splits PyTorch's var(dim, unbiased, keepdim) / var(dim, {correction, keepdim}) arguments. */
function varArgs(dimOrOpts?: number | readonly number[] | VarOptions | boolean | null, more?: VarOptions | boolean): [number | readonly number[] | null, VarOptions] {
  if (typeof dimOrOpts === 'boolean') return [null, { unbiased: dimOrOpts }];
  if (dimOrOpts !== null && typeof dimOrOpts === 'object' && !Array.isArray(dimOrOpts)) return [null, dimOrOpts as VarOptions];
  const opts = typeof more === 'boolean' ? { unbiased: more } : (more ?? {});
  return [(dimOrOpts as number | readonly number[] | null | undefined) ?? null, opts];
}

export function variance(x: Tensor, dim?: number | readonly number[] | VarOptions | boolean | null, opts?: VarOptions | boolean): Tensor {
  const [d, o] = varArgs(dim, opts);
  return varStd(x, false, d, o);
}

export function std(x: Tensor, dim?: number | readonly number[] | VarOptions | boolean | null, opts?: VarOptions | boolean): Tensor {
  const [d, o] = varArgs(dim, opts);
  return varStd(x, true, d, o);
}

// --- logsumexp ---

class LogsumexpBackward0 extends Node {
  readonly name = 'LogsumexpBackward0';
  constructor(private readonly dims: number[], private readonly keepdim: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [x, result] = this.saved();
    const grad = restoreDims(g as Tensor, this.dims, this.keepdim);
    return [grad.mul(x.sub(restoreDims(result, this.dims, this.keepdim)).exp())];
  }
}

export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim?: KeepdimArg): Tensor {
  const k = options(keepdim).keepdim ?? false;
  const dims = dimsOf(x, dim);
  const src = isFloatingDtype(x.dtype) ? x : castRaw(x, 'float32');
  const m = reduceKernel('max', src, dims, true, src.dtype);
  // Infinite maxima would give inf - inf; PyTorch shifts by 0 there instead.
  const shift = m.maskedFill(m.abs().eq(Infinity), 0);
  const s = src.detach().sub(shift).exp().sum(dims, true).log().add(shift);
  const result = unviewed(k ? s : s.view(reducedShape(x, dims, false)));
  if (needsGrad(x)) record(new LogsumexpBackward0(dims, k), [x], [result]).save(x, result);
  return result;
}

// --- norm ---

class NormBackward extends Node {
  constructor(readonly name: string, private readonly p: number, private readonly dims: number[], private readonly keepdim: boolean) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [x, norm] = this.saved();
    const grad = restoreDims(g as Tensor, this.dims, this.keepdim);
    const n = restoreDims(norm, this.dims, this.keepdim);
    const p = this.p;
    if (p === 0) return [x.mul(0)];
    if (p === 1) return [grad.mul(x.sign())];
    if (p === 2) return [grad.mul(x).div(n).maskedFill(n.eq(0), 0)];
    if (p === Infinity || p === -Infinity) {
      const mask = x.abs().eq(n);
      return [grad.mul(x.sign()).mul(mask).div(mask.sum(this.dims, true))];
    }
    const scaled = x.mul(x.abs().pow(p - 2)).div(n.pow(p - 1));
    return [grad.mul(scaled).maskedFill(n.eq(0), 0)];
  }
}

/** Vector p-norm over `dim` (all elements by default); p may be 'fro' (= 2), Infinity or -Infinity. */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: number | readonly number[] | null, keepdim?: KeepdimArg): Tensor {
  const order = p === 'fro' ? 2 : p;
  const k = options(keepdim).keepdim ?? false;
  const dims = dimsOf(x, dim);
  const a = x.detach().abs();
  let out: Tensor;
  if (order === Infinity) out = a.amax(dims, k);
  else if (order === -Infinity) out = a.amin(dims, k);
  else if (order === 0) out = a.ne(0).to(x.dtype).sum(dims, k);
  else if (order === 1) out = a.sum(dims, k);
  else if (order === 2) out = a.mul(a).sum(dims, k).sqrt();
  else out = a.pow(order).sum(dims, k).pow(1 / order);
  out = unviewed(out);
  if (needsGrad(x)) record(new NormBackward('NormBackward1', order, dims, k), [x], [out]).save(x, out);
  return out;
}

// --- cumsum / cumprod ---

class CumsumBackward0 extends Node {
  readonly name = 'CumsumBackward0';
  constructor(private readonly dim: number) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    return [(g as Tensor).flip(this.dim).cumsum(this.dim).flip(this.dim)];
  }
}

export function cumsum(x: Tensor, dim: number, opts: { dtype?: DType } = {}): Tensor {
  const d = normalizeDim(dim, x.dim());
  const dtype = opts.dtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
  const out = Tensor.empty(x.shape.slice(), dtype);
  backend().cumulative('cumsum', x, x.dim() === 0 ? 0 : d, out.buffer);
  if (needsGrad(x)) record(new CumsumBackward0(d), [x], [out]);
  return out;
}

class CumprodBackward0 extends Node {
  readonly name = 'CumprodBackward0';
  constructor(private readonly dim: number) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const [x, out] = this.saved();
    const grad = g as Tensor;
    const d = this.dim;
    if (x.eq(0).any().item() === 0) {
      // d out_k / d x_i = out_k / x_i for k >= i: a reversed cumulative sum.
      return [grad.mul(out).flip(d).cumsum(d).flip(d).div(x)];
    }
    // With zeros, sum over k >= i of grad_k * prod_{j <= k, j != i} x_j, line by line.
    return [cumprodGradWithZeros(x.detach(), grad.detach(), d)];
  }
}

function cumprodGradWithZeros(x: Tensor, grad: Tensor, dim: number): Tensor {
  const xs = x.movedim(dim, -1).contiguous();
  const gs = grad.movedim(dim, -1).contiguous();
  const n = xs.shape[xs.dim() - 1] ?? 1;
  const lines = n === 0 ? 0 : xs.numel() / n;
  const out = Tensor.empty(xs.shape.slice(), x.dtype);
  const X = numeric(xs.buffer), G = numeric(gs.buffer), O = numeric(out.buffer);
  for (let l = 0; l < lines; l++) {
    const base = l * n;
    for (let i = 0; i < n; i++) {
      let total = 0;
      let prefix = 1;
      for (let j = 0; j < i; j++) prefix *= X[base + j];
      let running = prefix;
      for (let k = i; k < n; k++) {
        if (k > i) running *= X[base + k];
        total += G[base + k] * running;
      }
      O[base + i] = total;
    }
  }
  return out.movedim(-1, dim).contiguous();
}

export function cumprod(x: Tensor, dim: number, opts: { dtype?: DType } = {}): Tensor {
  const d = normalizeDim(dim, x.dim());
  const dtype = opts.dtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
  const out = Tensor.empty(x.shape.slice(), dtype);
  backend().cumulative('cumprod', x, x.dim() === 0 ? 0 : d, out.buffer);
  if (needsGrad(x)) record(new CumprodBackward0(d), [x], [out]).save(x, out);
  return out;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(dim?: number | readonly number[] | null, keepdim?: KeepdimArg): Tensor;
    nansum(dim?: number | readonly number[] | null, keepdim?: KeepdimArg): Tensor;
    mean(dim?: number | readonly number[] | null, keepdim?: KeepdimArg): Tensor;
    prod(dim?: number | null, keepdim?: KeepdimArg): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: KeepdimArg): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, keepdim?: KeepdimArg): ValuesIndices;
    min(other: Tensor): Tensor;
    amax(dim?: number | readonly number[], keepdim?: KeepdimArg): Tensor;
    amin(dim?: number | readonly number[], keepdim?: KeepdimArg): Tensor;
    argmax(dim?: number | null, keepdim?: KeepdimArg): Tensor;
    argmin(dim?: number | null, keepdim?: KeepdimArg): Tensor;
    all(dim?: number | null, keepdim?: KeepdimArg): Tensor;
    any(dim?: number | null, keepdim?: KeepdimArg): Tensor;
    var(dim?: number | readonly number[] | VarOptions | boolean | null, opts?: VarOptions | boolean): Tensor;
    std(dim?: number | readonly number[] | VarOptions | boolean | null, opts?: VarOptions | boolean): Tensor;
    logsumexp(dim: number | readonly number[], keepdim?: KeepdimArg): Tensor;
    norm(p?: number | 'fro', dim?: number | readonly number[] | null, keepdim?: KeepdimArg): Tensor;
    cumsum(dim: number, opts?: { dtype?: DType }): Tensor;
    cumprod(dim: number, opts?: { dtype?: DType }): Tensor;
  }
}

const P = Tensor.prototype;
P.sum = function (this: Tensor, dim?: number | readonly number[] | null, keepdim?: KeepdimArg) {
  return sum(this, dim, keepdim);
};
P.nansum = function (this: Tensor, dim?: number | readonly number[] | null, keepdim?: KeepdimArg) {
  return sum(this.maskedFill(this.isnan(), 0), dim, keepdim);
};
P.mean = function (this: Tensor, dim?: number | readonly number[] | null, keepdim?: KeepdimArg) {
  return mean(this, dim, keepdim);
};
P.prod = function (this: Tensor, dim?: number | null, keepdim?: KeepdimArg) {
  return prod(this, dim, keepdim);
};
P.max = function (this: Tensor, dimOrOther?: number | Tensor, keepdim?: KeepdimArg) {
  return max(this, dimOrOther as number, keepdim);
} as Tensor['max'];
P.min = function (this: Tensor, dimOrOther?: number | Tensor, keepdim?: KeepdimArg) {
  return min(this, dimOrOther as number, keepdim);
} as Tensor['min'];
P.amax = function (this: Tensor, dim?: number | readonly number[], keepdim?: KeepdimArg) {
  return amax(this, dim, keepdim);
};
P.amin = function (this: Tensor, dim?: number | readonly number[], keepdim?: KeepdimArg) {
  return amin(this, dim, keepdim);
};
P.argmax = function (this: Tensor, dim?: number | null, keepdim?: KeepdimArg) {
  return argmax(this, dim, keepdim);
};
P.argmin = function (this: Tensor, dim?: number | null, keepdim?: KeepdimArg) {
  return argmin(this, dim, keepdim);
};
P.all = function (this: Tensor, dim?: number | null, keepdim?: KeepdimArg) {
  return all(this, dim, keepdim);
};
P.any = function (this: Tensor, dim?: number | null, keepdim?: KeepdimArg) {
  return any(this, dim, keepdim);
};
P.var = function (this: Tensor, dim?: number | readonly number[] | VarOptions | boolean | null, opts?: VarOptions | boolean) {
  return variance(this, dim, opts);
};
P.std = function (this: Tensor, dim?: number | readonly number[] | VarOptions | boolean | null, opts?: VarOptions | boolean) {
  return std(this, dim, opts);
};
P.logsumexp = function (this: Tensor, dim: number | readonly number[], keepdim?: KeepdimArg) {
  return logsumexp(this, dim, keepdim);
};
P.norm = function (this: Tensor, p?: number | 'fro', dim?: number | readonly number[] | null, keepdim?: KeepdimArg) {
  return norm(this, p, dim, keepdim);
};
P.cumsum = function (this: Tensor, dim: number, opts?: { dtype?: DType }) {
  return cumsum(this, dim, opts);
};
P.cumprod = function (this: Tensor, dim: number, opts?: { dtype?: DType }) {
  return cumprod(this, dim, opts);
};
