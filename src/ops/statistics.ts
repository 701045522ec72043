// Scans and statistics: cummax, cummin, logcumsumexp, aminmax, nanmean, torch.var, quantile / nanquantile, diff, cov, corrcoef, renorm, dist.
// cummax/cummin/logcumsumexp scan each row in JS (there is no scan kernel for them), in
// PyTorch's order and precision; the rest are composed of differentiable tensor ops, so
// their gradients come from the ops they are made of.
import {
  bool, checkTensor, either, int, intOrList, nullable, number as numberArg, oneOf, signature, tensor as tensorArg, dtype as dtypeArg, type ArgsOf,
} from '../tensor/args.js';
import { isFloatingDtype, scalarTypeName } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { normalizeDim, normalizeDims } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace } from './inplace.js';
import { cat } from './join.js';
import { needsGrad, record } from './record.js';
import { namedTuple, ValuesIndices, variance } from './reduce.js';
import { tensorOp } from './op-args.js';
import { fromRows, gatherAlong, rowsOf } from './rows.js';
import { sort } from './sorting.js';

type Grad = Tensor | null;

// --- cummax / cummin ---

class CumExtremeBackward extends Node {
  constructor(readonly name: string, private readonly shape: number[], private readonly dim: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [indices] = this.saved();
    const grad = g as Tensor;
    if (this.shape.length === 0) return [grad];
    return [Tensor.empty(this.shape, grad.dtype).scatterAdd(this.dim, indices, grad)];
  }
}

function cumExtreme(op: 'cummax' | 'cummin', input: Tensor, dim: number): ValuesIndices {
  checkTensor(op, 'input', 1, input);
  const d = normalizeDim(dim, input.dim());
  const { data, n, count, outer } = rowsOf(input, d);
  const out = new Float64Array(count * n);
  const better = op === 'cummax' ? (a: number, b: number) => a >= b : (a: number, b: number) => a <= b;
  for (let r = 0; r < count; r++) {
    const base = r * n;
    let best = data[base];
    let idx = 0;
    for (let i = 0; i < n; i++) {
      const v = data[base + i];
      // NaN propagates: every NaN becomes the running extreme.
      if (v !== v || (best === best && better(v, best))) {
        best = v;
        idx = i;
      }
      out[base + i] = idx;
    }
  }
  const indices = fromRows(out, outer, n, d, input.dim());
  const values = gatherAlong(input, d, indices);
  if (needsGrad(input)) record(new CumExtremeBackward(op === 'cummax' ? 'CummaxBackward0' : 'CumminBackward0', input.shape.slice(), d), [input], [values]).save(indices);
  return new ValuesIndices(values, indices, op);
}

const dimArgs = signature('cummax', [['dim', int]] as const);

export function cummax(input: Tensor, ...args: ArgsOf<typeof dimArgs>): ValuesIndices {
  return cumExtreme('cummax', input, dimArgs.parse(args).dim);
}

export function cummin(input: Tensor, ...args: ArgsOf<typeof dimArgs>): ValuesIndices {
  return cumExtreme('cummin', input, dimArgs.parse(args).dim);
}

// --- logcumsumexp ---

class LogcumsumexpBackward0 extends Node {
  readonly name = 'LogcumsumexpBackward0';
  constructor(private readonly dim: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [x, result] = this.saved();
    const grad = g as Tensor;
    if (grad.dim() === 0 || grad.numel() === 0) return [grad];
    // PyTorch's formula: positive and negative parts of grad in log space.
    const d = this.dim;
    const lowest = grad.dtype === 'float32' ? -3.4028234663852886e38 : -Number.MAX_VALUE;
    const reverse = (t: Tensor) => logcumsumexp(t.flip(d), d).flip(d);
    const logAbs = grad.abs().log();
    const pos = logAbs.where(grad.gt(0), lowest);
    const neg = logAbs.where(grad.lt(0), lowest);
    const outPos = reverse(pos.sub(result)).add(x).exp();
    const outNeg = reverse(neg.sub(result)).add(x).exp();
    return [outPos.sub(outNeg)];
  }
}

/** torch.logcumsumexp: log(cumsum(exp(x))) along dim, accumulated in double as PyTorch's CPU kernel. */
export function logcumsumexp(input: Tensor, ...args: ArgsOf<typeof dimArgs>): Tensor {
  checkTensor('logcumsumexp', 'input', 1, input);
  const dim = dimArgs.parse(args).dim;
  if (!isFloatingDtype(input.dtype)) throw new TypeError(`"logcumsumexp_out_cpu" not implemented for '${scalarTypeName(input.dtype)}'`);
  const d = normalizeDim(dim, input.dim());
  const { data, n, count, outer } = rowsOf(input, d);
  const out = new Float64Array(count * n);
  const store = input.dtype === 'float32' ? Math.fround : (v: number) => v;
  for (let r = 0; r < count; r++) {
    const base = r * n;
    let acc = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = data[base + i];
      const lo = acc !== acc ? acc : Math.min(x, acc);
      const hi = acc !== acc ? acc : Math.max(x, acc);
      acc = lo !== hi || Number.isFinite(lo) ? Math.log1p(Math.exp(lo - hi)) + hi : x;
      out[base + i] = store(acc);
    }
  }
  const rows = Tensor.fromData(out, 'float64', input.dim() === 0 ? [] : [...outer, n]);
  const placed = input.dim() === 0 || d === input.dim() - 1 ? rows : rows.movedim(-1, d);
  const result = Tensor.empty(input.shape.slice(), input.dtype);
  result.copy_(placed);
  if (needsGrad(input)) record(new LogcumsumexpBackward0(d), [input], [result]).save(input, result);
  return result;
}

// --- aminmax / nanmean ---

const aminmaxArgs = signature('aminmax', ['*', ['dim', nullable(int), null], ['keepdim', bool, false]] as const);

/** torch.aminmax: the minimum and maximum (over dim) in one call. */
export function aminmax(input: Tensor, ...args: ArgsOf<typeof aminmaxArgs>): { min: Tensor; max: Tensor } & Tensor[] {
  checkTensor('aminmax', 'input', 1, input);
  const a = aminmaxArgs.parse(args);
  if (a.dim === null) {
    if (input.numel() === 0) throw new RangeError('aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.');
    const min = input.amin();
    const max = input.amax();
    return namedTuple('aminmax', a.keepdim ? { min: min.reshape(input.shape.map(() => 1)), max: max.reshape(input.shape.map(() => 1)) } : { min, max });
  }
  return namedTuple('aminmax', { min: input.amin(a.dim, a.keepdim), max: input.amax(a.dim, a.keepdim) });
}

const nanmeanArgs = signature('nanmean', [['dim', nullable(intOrList), null], ['keepdim', bool, false], '*', ['dtype', nullable(dtypeArg), null]] as const);

/** torch.nanmean: the mean of the non-NaN elements. */
export function nanmean(input: Tensor, ...args: ArgsOf<typeof nanmeanArgs>): Tensor {
  checkTensor('nanmean', 'input', 1, input);
  const a = nanmeanArgs.parse(args);
  if (!isFloatingDtype(input.dtype)) {
    throw new TypeError(`nanmean(): expected input to have floating point dtype but got ${scalarTypeName(input.dtype)}`);
  }
  const factor = input.isnan().logicalNot().sum(a.dim, a.keepdim);
  let s = input.nansum(a.dim, a.keepdim);
  if (a.dtype !== null) s = s.to(a.dtype);
  return s.div(factor);
}

// --- torch.var (var is a keyword in JavaScript, so reduce.ts names it variance) ---

export { variance as var };

// --- quantile / nanquantile ---

const quantileArgs = signature('quantile', [
  ['q', either(numberArg, tensorArg)], ['dim', nullable(int), null], ['keepdim', bool, false], '*',
  ['interpolation', oneOf('linear', 'lower', 'higher', 'midpoint', 'nearest'), 'linear'],
] as const);

function quantileImpl(op: string, input: Tensor, args: unknown[], ignoreNan: boolean): Tensor {
  checkTensor(op, 'input', 1, input);
  const a = quantileArgs.parse(args);
  if (input.numel() === 0) throw new RangeError(`${op}() input tensor must be non-empty`);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') throw new TypeError(`${op}() input tensor must be either float or double dtype`);
  let q: Tensor;
  if (typeof a.q === 'number') {
    if (!(a.q >= 0 && a.q <= 1)) throw new RangeError(`${op}() q must be in the range [0, 1] but got ${a.q}`);
    q = Tensor.fromData(new Float64Array([a.q]), 'float64', []).to(input.dtype);
  } else {
    q = a.q;
    if (q.dim() > 1) throw new RangeError(`${op}() q must be a scalar or 1D tensor`);
    if (q.dtype !== input.dtype) throw new TypeError(`${op}() q tensor must be same dtype as the input tensor`);
    if (q.numel() > 0 && !q.ge(0).logicalAnd(q.le(1)).all().item()) throw new RangeError(`${op}() q values must be in the range [0, 1]`);
  }
  const dim = a.dim === null ? null : normalizeDim(a.dim, input.dim());
  // Output shape: q's size, then the reduced shape.
  let outShape: number[];
  if (dim !== null && input.dim() > 0) {
    outShape = input.shape.slice();
    if (a.keepdim) outShape[dim] = 1;
    else outShape.splice(dim, 1);
  } else outShape = a.keepdim ? input.shape.map(() => 1) : [];
  // The values sorted along the last dim: [...reduced, size].
  let sorted: Tensor;
  if (dim === null) sorted = sort(input.reshape(-1)).values;
  else if (input.dim() === 0 || dim === input.dim() - 1) sorted = sort(input).values;
  else sorted = sort(input.unsqueeze(-1).transpose(dim, -1)).values;
  const size = sorted.shape[sorted.dim() - 1] ?? 1;
  sorted = sorted.reshape([...outShape, size]);
  const q1 = q.reshape(-1);
  // Ranks in [0, size): broadcast q against the reduced shape.
  const qShape = [...outShape.map(() => 1), q1.numel()];
  const qb = q1.reshape(qShape).detach();
  let ranks: Tensor;
  if (ignoreNan) {
    const valid = sorted.isnan().logicalNot().sum(-1, true).sub(1);
    ranks = qb.mul(valid).to(input.dtype);
    ranks = ranks.maskedFill(ranks.lt(0), 0);
  } else {
    const last = size - 1;
    const anyNan = sorted.isnan().any(-1, true);
    ranks = qb.mul(last).expand([...outShape, q1.numel()]).maskedFill(anyNan, last);
  }
  if (a.interpolation === 'lower') ranks = ranks.floor();
  else if (a.interpolation === 'higher') ranks = ranks.ceil();
  else if (a.interpolation === 'nearest') ranks = ranks.round();
  ranks = ranks.detach().contiguous();
  const below = ranks.to('int64');
  const gatherShape = [...outShape, q1.numel()];
  const expanded = (t: Tensor) => t.expand(gatherShape).contiguous();
  let values = sorted.gather(-1, expanded(below));
  if (a.interpolation === 'linear' || a.interpolation === 'midpoint') {
    const weights = a.interpolation === 'midpoint' ? ranks.mul(0).add(0.5) : ranks.sub(below);
    const above = sorted.gather(-1, expanded(ranks.ceil().to('int64')));
    values = values.lerp(above, expanded(weights));
  }
  // q's dim first, as PyTorch returns it.
  if (typeof a.q === 'number' || a.q.dim() === 0) return values.squeeze(-1);
  return values.unsqueeze(0).transpose(0, -1).squeeze(-1);
}

/** torch.quantile: the q-th quantiles over dim (all elements by default), with PyTorch's interpolation modes. */
export function quantile(input: Tensor, ...args: ArgsOf<typeof quantileArgs>): Tensor {
  return quantileImpl('quantile', input, args, false);
}

/** torch.nanquantile: quantile ignoring NaN. */
export function nanquantile(input: Tensor, ...args: ArgsOf<typeof quantileArgs>): Tensor {
  return quantileImpl('nanquantile', input, args, true);
}

// --- diff ---

const diffArgs = signature('diff', [['n', int, 1], ['dim', int, -1], ['prepend', nullable(tensorArg), null], ['append', nullable(tensorArg), null]] as const);

/** torch.diff: the n-th forward difference along dim, after prepending / appending. */
export function diff(input: Tensor, ...args: ArgsOf<typeof diffArgs>): Tensor {
  checkTensor('diff', 'input', 1, input);
  const a = diffArgs.parse(args);
  if (input.dim() === 0) throw new RangeError('diff expects input to be at least one-dimensional');
  if (a.n < 0) throw new RangeError(`order must be non-negative but got ${a.n}`);
  const d = normalizeDim(a.dim, input.dim());
  const parts = [a.prepend, input, a.append].filter((t): t is Tensor => t !== null);
  let x = parts.length > 1 ? cat(parts, d) : input;
  for (let i = 0; i < a.n && x.shape[d] > 0; i++) {
    const len = x.shape[d] - 1;
    const hi = x.narrow(d, 1, len);
    const lo = x.narrow(d, 0, len);
    x = x.dtype === 'bool' ? hi.logicalXor(lo) : hi.sub(lo);
  }
  return x;
}

// --- cov / corrcoef ---

const covArgs = signature('cov', ['*', ['correction', int, 1], ['fweights', nullable(tensorArg), null], ['aweights', nullable(tensorArg), null]] as const);

/** torch.cov: the covariance matrix of the variables (rows) over the observations (columns). */
export function cov(input: Tensor, ...args: ArgsOf<typeof covArgs>): Tensor {
  checkTensor('cov', 'input', 1, input);
  const a = covArgs.parse(args);
  if (input.dim() > 2) throw new RangeError(`cov(): expected input to have two or fewer dimensions but got an input with ${input.dim()} dimensions`);
  if (input.dtype === 'bool') throw new TypeError('cov(): bool dtype is not supported for input');
  const x = input.dim() < 2 ? input.reshape([1, -1]) : input;
  const n = x.shape[1];
  let w: Tensor | null = null;
  if (a.fweights !== null) {
    const f = a.fweights;
    if (f.dim() > 1) throw new RangeError(`cov(): expected fweights to have one or fewer dimensions but got fweights with ${f.dim()} dimensions`);
    if (isFloatingDtype(f.dtype)) throw new TypeError(`cov(): expected fweights to have integral dtype but got fweights with ${scalarTypeName(f.dtype)} dtype`);
    if (f.numel() !== n) throw new RangeError(`cov(): expected fweights to have the same numel as there are observations in the input but got ${f.numel()} != ${n}`);
    if (f.lt(0).any().item()) throw new RangeError('cov(): fweights cannot be negative');
    w = f;
  }
  if (a.aweights !== null) {
    const aw = a.aweights;
    if (aw.dim() > 1) throw new RangeError(`cov(): expected aweights to have one or fewer dimensions but got aweights with ${aw.dim()} dimensions`);
    if (!isFloatingDtype(aw.dtype)) throw new TypeError(`cov(): expected aweights to have floating point dtype but got aweights with ${scalarTypeName(aw.dtype)} dtype`);
    if (aw.numel() !== n) throw new RangeError(`cov(): expected aweights to have the same numel as there are observations in the input but got ${aw.numel()} != ${n}`);
    if (aw.lt(0).any().item()) throw new RangeError('cov(): aweights cannot be negative');
    w = w === null ? aw : w.mul(aw);
  }
  const wSum = w === null ? Tensor.scalar(n, 'int64') : w.sum();
  if (w !== null && wSum.eq(0).item()) throw new RangeError("cov(): weights sum to zero, can't be normalized");
  const avg = (w === null ? x : x.mul(w)).sum(1).div(wSum);
  let normFactor: Tensor = w !== null && a.aweights !== null && a.correction !== 0
    ? wSum.sub(w.mul(a.aweights).sum().mul(a.correction).div(wSum))
    : wSum.sub(a.correction);
  if (normFactor.le(0).item()) {
    console.warn('cov(): degrees of freedom is <= 0');
    normFactor = normFactor.mul(0);
  }
  const centered = x.sub(avg.unsqueeze(1));
  const c = centered.mm((w === null ? centered : centered.mul(w)).t());
  return c.div(normFactor).squeeze();
}

/** torch.corrcoef: Pearson correlation coefficients of the rows, clipped to [-1, 1]. */
export function corrcoef(input: Tensor): Tensor {
  checkTensor('corrcoef', 'input', 1, input);
  const c = cov(input);
  if (c.dim() === 0) return c.div(c);
  const sd = c.diagonal().sqrt();
  return c.div(sd.view([-1, 1])).div(sd.view([1, -1])).clamp(-1, 1);
}

// --- renorm / dist ---

const renormArgs = signature('renorm', [['p', numberArg], ['dim', int], ['maxnorm', numberArg]] as const);

function renormFactor(input: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  if (!(p > 0)) throw new RangeError(`renorm: non-positive-norm not supported`);
  if (maxnorm < 0) throw new RangeError(`renorm: expected maxnorm to be >= 0 but got ${maxnorm}`);
  if (input.dim() <= 1) throw new RangeError(`renorm: input needs at least 2 dimensions, got ${input.dim()} dimensions`);
  const d = normalizeDim(dim, input.dim());
  const dims = normalizeDims(input.shape.map((_, i) => i).filter((i) => i !== d), input.dim());
  const norm = input.norm(p, dims, true);
  return norm.add(1e-7).reciprocal().mul(maxnorm).where(norm.gt(maxnorm), 1);
}

/** torch.renorm: each slice along dim whose p-norm exceeds maxnorm is scaled down to maxnorm. */
export function renorm(input: Tensor, ...args: ArgsOf<typeof renormArgs>): Tensor {
  checkTensor('renorm', 'input', 1, input);
  const a = renormArgs.parse(args);
  return input.mul(renormFactor(input, a.p, a.dim, a.maxnorm));
}

// torch.dist(input, other, p=2) / input.dist(other, p=2), other and p by name too.
const distOp = tensorOp('dist', [['other', tensorArg], ['p', numberArg, 2]] as const, (input, a) => input.sub(a.other).norm(a.p));
/** torch.dist: the p-norm of input - other. */
export const dist = distOp.fn;

// --- methods ---

declare module '../tensor/tensor.js' {
  interface Tensor {
    cummax(...args: ArgsOf<typeof dimArgs>): ValuesIndices;
    cummin(...args: ArgsOf<typeof dimArgs>): ValuesIndices;
    logcumsumexp(...args: ArgsOf<typeof dimArgs>): Tensor;
    aminmax(...args: ArgsOf<typeof aminmaxArgs>): { min: Tensor; max: Tensor } & Tensor[];
    nanmean(...args: ArgsOf<typeof nanmeanArgs>): Tensor;
    quantile(...args: ArgsOf<typeof quantileArgs>): Tensor;
    nanquantile(...args: ArgsOf<typeof quantileArgs>): Tensor;
    diff(...args: ArgsOf<typeof diffArgs>): Tensor;
    cov(...args: ArgsOf<typeof covArgs>): Tensor;
    corrcoef(): Tensor;
    renorm(...args: ArgsOf<typeof renormArgs>): Tensor;
    renorm_(...args: ArgsOf<typeof renormArgs>): Tensor;
    dist(...args: Parameters<typeof distOp.method>): Tensor;
  }
}

const P = Tensor.prototype;
P.cummax = function (this: Tensor, ...args: ArgsOf<typeof dimArgs>) {
  return cummax(this, ...args);
};
P.cummin = function (this: Tensor, ...args: ArgsOf<typeof dimArgs>) {
  return cummin(this, ...args);
};
P.logcumsumexp = function (this: Tensor, ...args: ArgsOf<typeof dimArgs>) {
  return logcumsumexp(this, ...args);
};
P.aminmax = function (this: Tensor, ...args: ArgsOf<typeof aminmaxArgs>) {
  return aminmax(this, ...args);
};
P.nanmean = function (this: Tensor, ...args: ArgsOf<typeof nanmeanArgs>) {
  return nanmean(this, ...args);
};
P.quantile = function (this: Tensor, ...args: ArgsOf<typeof quantileArgs>) {
  return quantile(this, ...args);
};
P.nanquantile = function (this: Tensor, ...args: ArgsOf<typeof quantileArgs>) {
  return nanquantile(this, ...args);
};
P.diff = function (this: Tensor, ...args: ArgsOf<typeof diffArgs>) {
  return diff(this, ...args);
};
P.cov = function (this: Tensor, ...args: ArgsOf<typeof covArgs>) {
  return cov(this, ...args);
};
P.corrcoef = function (this: Tensor) {
  return corrcoef(this);
};
P.renorm = function (this: Tensor, ...args: ArgsOf<typeof renormArgs>) {
  return renorm(this, ...args);
};
P.renorm_ = function (this: Tensor, ...args: ArgsOf<typeof renormArgs>) {
  const a = renormArgs.parse(args);
  return inplace(this, [], (s) => s.mul(renormFactor(s, a.p, a.dim, a.maxnorm)));
};
P.dist = distOp.method;

