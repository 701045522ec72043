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
import { tensorOp } from './op-args.js';
import {
  bool, checkTensor, dtype as dtypeArg, either, int, intOrList, isPlainObject, nullable, number, oneOf, signature, tensor as tensorArg,
  type ArgsOf, type OptionsObjectOf,
} from '../tensor/args.js';

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

function sumImpl(x: Tensor, dim: number | readonly number[] | null, keepdim: boolean, outDtype: DType | null): Tensor {
  const dims = dimsOf(x, dim);
  const dtype = outDtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
  const out = reduceKernel('sum', x, dims, keepdim, dtype);
  if (needsGrad(x)) {
    record(new SumBackward(dim === null ? 'SumBackward0' : 'SumBackward1', x.shape.slice(), dims, keepdim, 1), [x], [out]);
  }
  return out;
}

function meanImpl(x: Tensor, dim: number | readonly number[] | null, keepdim: boolean, outDtype: DType | null): Tensor {
  const dtype = outDtype ?? x.dtype;
  if (!isFloatingDtype(dtype)) {
    throw new TypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)}`,
    );
  }
  const dims = dimsOf(x, dim);
  const count = dims.reduce((n, d) => n * x.shape[d], 1);
  // PyTorch computes mean as sum(...).div_(count) in the output dtype.
  const out = binaryKernel('div', reduceKernel('sum', x, dims, keepdim, dtype), count, dtype);
  if (needsGrad(x)) {
    record(new SumBackward(dim === null ? 'MeanBackward0' : 'MeanBackward1', x.shape.slice(), dims, keepdim, count), [x], [out]);
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

function prodImpl(x: Tensor, dim: number | null, keepdim: boolean, outDtype: DType | null): Tensor {
  const dtype = outDtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
  const dims = dim === null ? dimsOf(x, null) : [normalizeDim(dim, x.dim())];
  const out = reduceKernel('prod', x, dims, keepdim, dtype);
  if (needsGrad(x)) {
    const single = dim === null ? null : dims[0];
    record(new ProdBackward(single === null ? 'ProdBackward0' : 'ProdBackward1', single, keepdim), [x], [out]).save(x, out);
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

/**
 * (values, indices), PyTorch's torch.return_types namedtuple: read by name, by position
 * (`x.max(1)[1]`) or unpacked (`const [values, indices] = torch.max(x, 1)`).
 */
export class ValuesIndices implements Iterable<Tensor> {
  /** The op that returned it, named in the repr as PyTorch's torch.return_types.<op>. */
  declare readonly op: string;

  constructor(
    public values: Tensor,
    public indices: Tensor,
    op: string,
  ) {
    // not enumerable: Object.values / spreading see only (values, indices), as the namedtuple's fields
    Object.defineProperty(this, 'op', { value: op });
  }

  toString(): string {
    return `torch.return_types.${this.op}(\nvalues=${this.values},\nindices=${this.indices})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  get 0(): Tensor {
    return this.values;
  }
  get 1(): Tensor {
    return this.indices;
  }
  get length(): 2 {
    return 2;
  }
  *[Symbol.iterator](): Iterator<Tensor> {
    yield this.values;
    yield this.indices;
  }
}

/**
 * The other torch.return_types namedtuples (aminmax, frexp): an array of the fields, in
 * PyTorch's order, that also has them by name, printed as PyTorch prints it.
 */
export function namedTuple<K extends string, V extends Tensor | readonly Tensor[] = Tensor>(op: string, fields: Record<K, V>): Record<K, V> & V[] {
  const entries = Object.entries(fields) as [string, V][];
  // Python's field names (bin_edges) and tuples ((a, b), or (a,) for one)
  const pyName = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const pyValue = (v: V) => (Array.isArray(v) ? `(${v.join(', ')}${v.length === 1 ? ',' : ''})` : `${v as Tensor}`);
  const repr = () => `torch.return_types.${op}(\n${entries.map(([k, v]) => `${pyName(k)}=${pyValue(v)}`).join(',\n')})`;
  const tuple = entries.map(([, v]) => v);
  Object.defineProperty(tuple, 'toString', { value: repr });
  Object.defineProperty(tuple, Symbol.for('nodejs.util.inspect.custom'), { value: repr });
  return Object.assign(tuple, fields);
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
  return new ValuesIndices(values, indices, op);
}

function amaxAmin(x: Tensor, op: 'max' | 'min', dim: number | readonly number[], k: boolean): Tensor {
  const dims = dimsOf(x, dim);
  const out = reduceKernel(op, x, dims, k, x.dtype);
  if (needsGrad(x)) record(new EvenlyDistributeBackward(op === 'max' ? 'AmaxBackward0' : 'AminBackward0', dims, k), [x], [out]).save(x, out);
  return out;
}

function argExtreme(x: Tensor, op: 'argmax' | 'argmin', dim: number | null, k: boolean): Tensor {
  if (x.numel() === 0) throw new RangeError(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
  if (dim === null) {
    const out = reduceKernel(op, x, dimsOf(x, null), false, 'int64');
    return k ? out.reshape(x.shape.map(() => 1)) : out;
  }
  return reduceKernel(op, x, x.dim() === 0 ? [] : [normalizeDim(dim, x.dim())], k, 'int64');
}

// --- all / any ---

// --- var / std ---

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

function varStd(x: Tensor, isStd: boolean, dim: number | readonly number[] | null, correction: number, keepdim: boolean): Tensor {
  if (!isFloatingDtype(x.dtype)) {
    throw new TypeError(`std and var only support floating point and complex dtypes`);
  }
  const dims = dimsOf(x, dim);
  const out = Tensor.empty(reducedShape(x, dims, keepdim), x.dtype);
  backend().variance(x, dims, correction, out.buffer);
  if (isStd) backend().unary('sqrt', out, out.buffer);
  if (needsGrad(x)) {
    record(new VarStdBackward(isStd ? 'StdBackward0' : 'VarBackward0', isStd, dims, keepdim, correction), [x], [out]).save(x, out);
  }
  return out;
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

function logsumexpImpl(x: Tensor, dim: number | readonly number[], k: boolean): Tensor {
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
function vectorNorm(x: Tensor, p: number | 'fro', dim: number | readonly number[] | null, k: boolean): Tensor {
  const order = p === 'fro' ? 2 : p;
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

function cumsumImpl(x: Tensor, dim: number, outDtype: DType | null): Tensor {
  const d = normalizeDim(dim, x.dim());
  const dtype = outDtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
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

function cumprodImpl(x: Tensor, dim: number, outDtype: DType | null): Tensor {
  const d = normalizeDim(dim, x.dim());
  const dtype = outDtype ?? (isIntegralDtype(x.dtype, true) ? 'int64' : x.dtype);
  const out = Tensor.empty(x.shape.slice(), dtype);
  backend().cumulative('cumprod', x, x.dim() === 0 ? 0 : d, out.buffer);
  if (needsGrad(x)) record(new CumprodBackward0(d), [x], [out]).save(x, out);
  return out;
}

// --- the public spellings: PyTorch's parameters, positional or as options ---
// x.sum() and x.sum(1) run on every training step: parsing is one loop over a table.

const dims = nullable(intOrList);
const outDtype = ['dtype', nullable(dtypeArg), null] as const;
const reduceSpec = [['dim', dims, null], ['keepdim', bool, false], '*', outDtype] as const;

const sumOp = tensorOp('sum', reduceSpec, (x, a) => sumImpl(x, a.dim, a.keepdim, a.dtype));
const nansumOp = tensorOp('nansum', reduceSpec, (x, a) => sumImpl(x.maskedFill(x.isnan(), 0), a.dim, a.keepdim, a.dtype));
const meanOp = tensorOp('mean', reduceSpec, (x, a) => meanImpl(x, a.dim, a.keepdim, a.dtype));
const prodOp = tensorOp('prod', [['dim', nullable(int), null], ['keepdim', bool, false], '*', outDtype] as const, (x, a) => prodImpl(x, a.dim, a.keepdim, a.dtype));
const amaxOp = tensorOp('amax', [['dim', intOrList, []], ['keepdim', bool, false]] as const, (x, a) => amaxAmin(x, 'max', a.dim, a.keepdim));
const aminOp = tensorOp('amin', [['dim', intOrList, []], ['keepdim', bool, false]] as const, (x, a) => amaxAmin(x, 'min', a.dim, a.keepdim));
const argSpec = [['dim', nullable(int), null], ['keepdim', bool, false]] as const;
const argmaxOp = tensorOp('argmax', argSpec, (x, a) => argExtreme(x, 'argmax', a.dim, a.keepdim));
const argminOp = tensorOp('argmin', argSpec, (x, a) => argExtreme(x, 'argmin', a.dim, a.keepdim));
const allOp = tensorOp('all', argSpec, (x, a) => reduceKernel('all', x, dimsOf(x, a.dim), a.keepdim, 'bool'));
const anyOp = tensorOp('any', argSpec, (x, a) => reduceKernel('any', x, dimsOf(x, a.dim), a.keepdim, 'bool'));
const logsumexpOp = tensorOp('logsumexp', [['dim', intOrList], ['keepdim', bool, false]] as const, (x, a) => logsumexpImpl(x, a.dim, a.keepdim));
const normOp = tensorOp('norm', [['p', nullable(either(number, oneOf('fro'))), 'fro'], ['dim', dims, null], ['keepdim', bool, false], outDtype] as const, (x, a) => {
  // PyTorch computes the norm in `dtype` when one is given (the input is cast first).
  const src = a.dtype === null ? x : x.to(a.dtype);
  return vectorNorm(src, a.p ?? 'fro', a.dim, a.keepdim);
});
const cumSpec = [['dim', int], '*', outDtype] as const;
const cumsumOp = tensorOp('cumsum', cumSpec, (x, a) => cumsumImpl(x, a.dim, a.dtype));
const cumprodOp = tensorOp('cumprod', cumSpec, (x, a) => cumprodImpl(x, a.dim, a.dtype));

export const sum = sumOp.fn;
export const nansum = nansumOp.fn;
export const mean = meanOp.fn;
export const prod = prodOp.fn;
export const amax = amaxOp.fn;
export const amin = aminOp.fn;
export const argmax = argmaxOp.fn;
export const argmin = argminOp.fn;
export const all = allOp.fn;
export const any = anyOp.fn;
export const logsumexp = logsumexpOp.fn;
export const norm = normOp.fn;
export const cumsum = cumsumOp.fn;
export const cumprod = cumprodOp.fn;

// max / min: three overloads — max(), max(dim, keepdim=False) → (values, indices), max(other).
const extremeSigs = {
  max: { dim: signature('max', [['dim', int], ['keepdim', bool, false]] as const), other: signature('max', [['other', tensorArg]] as const) },
  min: { dim: signature('min', [['dim', int], ['keepdim', bool, false]] as const), other: signature('min', [['other', tensorArg]] as const) },
};
export type ExtremeArgs = ArgsOf<typeof extremeSigs.max.dim>;

function extreme(op: 'max' | 'min', x: Tensor, args: readonly unknown[]): Tensor | ValuesIndices {
  const first = args[0];
  if (first === undefined && args.length <= 1) return extremeAll(x, op);
  const sigs = extremeSigs[op];
  if (first instanceof Tensor || (isPlainObject(first) && 'other' in first)) {
    const other = sigs.other.parse(args).other;
    return op === 'max' ? x.maximum(other) : x.minimum(other);
  }
  const a = sigs.dim.parse(args);
  return extremeDim(x, op, a.dim, a.keepdim);
}

export function max(input: Tensor): Tensor;
export function max(input: Tensor, ...args: ExtremeArgs): ValuesIndices;
export function max(input: Tensor, other: Tensor | { other: Tensor }): Tensor;
export function max(input: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  checkTensor('max', 'input', 1, input);
  return extreme('max', input, args);
}

export function min(input: Tensor): Tensor;
export function min(input: Tensor, ...args: ExtremeArgs): ValuesIndices;
export function min(input: Tensor, other: Tensor | { other: Tensor }): Tensor;
export function min(input: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  checkTensor('min', 'input', 1, input);
  return extreme('min', input, args);
}

// var / std: var(dim=None, unbiased=True, keepdim=False, *, correction=None), and var(unbiased).
function varStdSig<const N extends string>(name: N) {
  return {
    dim: signature(name, [['dim', dims, null], ['unbiased', nullable(bool), null], ['keepdim', bool, false], '*', ['correction', nullable(number), null]] as const),
    unbiased: signature(name, [['unbiased', bool, true]] as const),
  };
}
const varStdSigs = { var: varStdSig('var'), std: varStdSig('std'), var_mean: varStdSig('var_mean'), std_mean: varStdSig('std_mean') };
export type VarStdArgs = ArgsOf<typeof varStdSigs.var.dim> | [unbiased: boolean];
/** The options of var/std/var_mean/std_mean (PyTorch's keyword arguments). */
export type VarOptions = OptionsObjectOf<typeof varStdSigs.var.dim>;

function parseVarStd(name: keyof typeof varStdSigs, args: readonly unknown[]): { dim: number | readonly number[] | null; correction: number; keepdim: boolean } {
  const sigs = varStdSigs[name];
  if (typeof args[0] === 'boolean') return { dim: null, correction: sigs.unbiased.parse(args).unbiased ? 1 : 0, keepdim: false };
  const a = sigs.dim.parse(args);
  if (a.unbiased !== null && a.correction !== null) throw new TypeError(`${name}(): cannot pass both 'unbiased' and 'correction'`);
  return { dim: a.dim, correction: a.correction ?? (a.unbiased === false ? 0 : 1), keepdim: a.keepdim };
}

function varStdCall(isStd: boolean, x: Tensor, args: readonly unknown[]): Tensor {
  const a = parseVarStd(isStd ? 'std' : 'var', args);
  return varStd(x, isStd, a.dim, a.correction, a.keepdim);
}

export function variance(input: Tensor, ...args: VarStdArgs): Tensor {
  checkTensor('var', 'input', 1, input);
  return varStdCall(false, input, args);
}

export function std(input: Tensor, ...args: VarStdArgs): Tensor {
  checkTensor('std', 'input', 1, input);
  return varStdCall(true, input, args);
}

function withMean(isStd: boolean, input: Tensor, args: readonly unknown[]): [Tensor, Tensor] {
  const name = isStd ? 'std_mean' : 'var_mean';
  checkTensor(name, 'input', 1, input);
  const a = parseVarStd(name, args);
  return [varStd(input, isStd, a.dim, a.correction, a.keepdim), meanImpl(input, a.dim, a.keepdim, null)];
}

/** torch.var_mean: [var, mean] over dim, with var's arguments. */
export function varMean(input: Tensor, ...args: VarStdArgs): [Tensor, Tensor] {
  return withMean(false, input, args);
}

/** torch.std_mean: [std, mean] over dim, with std's arguments. */
export function stdMean(input: Tensor, ...args: VarStdArgs): [Tensor, Tensor] {
  return withMean(true, input, args);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(...args: Parameters<typeof sumOp.method>): Tensor;
    nansum(...args: Parameters<typeof nansumOp.method>): Tensor;
    mean(...args: Parameters<typeof meanOp.method>): Tensor;
    prod(...args: Parameters<typeof prodOp.method>): Tensor;
    max(): Tensor;
    max(...args: ExtremeArgs): ValuesIndices;
    max(other: Tensor | { other: Tensor }): Tensor;
    min(): Tensor;
    min(...args: ExtremeArgs): ValuesIndices;
    min(other: Tensor | { other: Tensor }): Tensor;
    amax(...args: Parameters<typeof amaxOp.method>): Tensor;
    amin(...args: Parameters<typeof aminOp.method>): Tensor;
    argmax(...args: Parameters<typeof argmaxOp.method>): Tensor;
    argmin(...args: Parameters<typeof argminOp.method>): Tensor;
    all(...args: Parameters<typeof allOp.method>): Tensor;
    any(...args: Parameters<typeof anyOp.method>): Tensor;
    var(...args: VarStdArgs): Tensor;
    std(...args: VarStdArgs): Tensor;
    logsumexp(...args: Parameters<typeof logsumexpOp.method>): Tensor;
    norm(...args: Parameters<typeof normOp.method>): Tensor;
    cumsum(...args: Parameters<typeof cumsumOp.method>): Tensor;
    cumprod(...args: Parameters<typeof cumprodOp.method>): Tensor;
  }
}

const P = Tensor.prototype;
P.sum = sumOp.method;
P.nansum = nansumOp.method;
P.mean = meanOp.method;
P.prod = prodOp.method;
P.max = function (this: Tensor, ...args: unknown[]) {
  return extreme('max', this, args);
} as Tensor['max'];
P.min = function (this: Tensor, ...args: unknown[]) {
  return extreme('min', this, args);
} as Tensor['min'];
P.amax = amaxOp.method;
P.amin = aminOp.method;
P.argmax = argmaxOp.method;
P.argmin = argminOp.method;
P.all = allOp.method;
P.any = anyOp.method;
P.var = function (this: Tensor, ...args: VarStdArgs) {
  return varStdCall(false, this, args);
};
P.std = function (this: Tensor, ...args: VarStdArgs) {
  return varStdCall(true, this, args);
};
P.logsumexp = logsumexpOp.method;
P.norm = normOp.method;
P.cumsum = cumsumOp.method;
P.cumprod = cumprodOp.method;
