// gradcheck (float64 finite differences) on every differentiable op, gradgradcheck on
// a representative set, and a coverage test that every Tensor method is accounted for.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const f64 = { dtype: 'float64' as const };

/** A float64 leaf with values drawn uniformly in [lo, hi). */
function leaf(shape: number[], lo = -1.5, hi = 1.5): Tensor {
  return torch.rand(shape, f64).mul(hi - lo).add(lo).requiresGrad_();
}

/** Values away from the kinks of piecewise ops (|x| >= 0.1). */
function awayFromZero(shape: number[]): Tensor {
  const x = torch.rand(shape, f64).mul(1.4).add(0.1);
  const sign = torch.rand(shape, f64).gt(0.5).mul(2).sub(1);
  return x.mul(sign).requiresGrad_();
}

const eye3 = () => torch.eye(3, f64).mul(3);
/** A symmetric positive-definite matrix from any square one. */
const spd = (a: Tensor) => a.matmul(a.mT).add(eye3());

const idx = (values: number[], shape = [values.length]) => torch.tensor(values).reshape(shape);

type Case = [name: string, inputs: () => Tensor[], fn: (...xs: Tensor[]) => Tensor | Tensor[]];

const CASES: Case[] = [
  // unary
  ...(['neg', 'exp', 'expm1', 'sin', 'cos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'erf', 'square', 'frac'] as const).map(
    (n): Case => [n, () => [leaf([3, 4])], (x) => (x[n] as () => Tensor).call(x)],
  ),
  ...(['log', 'log1p', 'log2', 'log10', 'sqrt', 'rsqrt', 'reciprocal'] as const).map(
    (n): Case => [n, () => [leaf([3, 4], 0.2, 2)], (x) => (x[n] as () => Tensor).call(x)],
  ),
  ...(['tan', 'asin', 'acos', 'erfinv'] as const).map((n): Case => [n, () => [leaf([3, 4], -0.8, 0.8)], (x) => (x[n] as () => Tensor).call(x)]),
  ['abs', () => [awayFromZero([3, 4])], (x) => x.abs()],
  ['relu', () => [awayFromZero([3, 4])], (x) => x.relu()],
  ['sign', () => [awayFromZero([4])], (x) => x.sign()],
  ['floor', () => [leaf([4])], (x) => x.floor()],
  ['round', () => [leaf([4])], (x) => x.round()],
  ['ceil', () => [leaf([4])], (x) => x.ceil()],
  ['trunc', () => [leaf([4])], (x) => x.trunc()],
  ['clamp', () => [awayFromZero([3, 4])], (x) => x.clamp(-0.5, 0.7)],
  ['clamp/tensor', () => [leaf([3, 4]), leaf([4], -1.4, -0.6), leaf([3, 1], 0.6, 1.4)], (x, lo, hi) => x.clamp(lo, hi)],
  ['pow/scalar', () => [leaf([3, 4], 0.2, 2)], (x) => x.pow(2.5)],
  ['pow/tensor', () => [leaf([3, 4], 0.2, 2), leaf([4])], (x, y) => x.pow(y)],
  ['pow/rpow', () => [leaf([4])], (x) => torch.pow(2.5, x)],
  // binary
  ['add', () => [leaf([3, 4]), leaf([4])], (a, b) => a.add(b, { alpha: 2 })],
  ['sub', () => [leaf([2, 1, 4]), leaf([3, 1])], (a, b) => a.sub(b)],
  ['mul', () => [leaf([3, 4]), leaf([3, 1])], (a, b) => a.mul(b)],
  ['div', () => [leaf([3, 4]), leaf([4], 0.5, 2)], (a, b) => a.div(b)],
  ['rdiv', () => [leaf([4], 0.5, 2)], (a) => a.rdiv(2)],
  ['rsub', () => [leaf([4])], (a) => a.rsub(2)],
  ['maximum', () => [leaf([3, 4]), leaf([4])], (a, b) => torch.maximum(a, b)],
  ['minimum', () => [leaf([3, 4]), leaf([4])], (a, b) => torch.minimum(a, b)],
  ['atan2', () => [leaf([3, 4]), leaf([3, 4], 0.3, 2)], (a, b) => torch.atan2(a, b)],
  ['remainder', () => [leaf([4], 0.1, 0.9), leaf([4], 1.5, 2)], (a, b) => torch.remainder(a, b)],
  ['fmod', () => [leaf([4], 0.1, 0.9), leaf([4], 1.5, 2)], (a, b) => torch.fmod(a, b)],
  ['where', () => [leaf([3, 4]), leaf([4])], (a, b) => torch.where(a.detach().gt(0), a, b)],
  ['addcmul', () => [leaf([3, 4]), leaf([4]), leaf([3, 1])], (x, a, b) => x.addcmul(a, b, { value: 0.5 })],
  ['addcdiv', () => [leaf([3, 4]), leaf([4]), leaf([3, 1], 0.5, 2)], (x, a, b) => x.addcdiv(a, b, { value: -2 })],
  ['lerp', () => [leaf([3, 4]), leaf([4]), leaf([3, 1], 0, 1)], (x, e, w) => x.lerp(e, w)],
  ['maskedFill', () => [leaf([3, 4])], (a) => a.maskedFill(a.detach().gt(0), 2)],
  // reductions
  ['sum', () => [leaf([3, 4, 2])], (x) => x.sum([0, 2], true)],
  ['mean', () => [leaf([3, 4, 2])], (x) => x.mean(1)],
  ['prod', () => [leaf([3, 4], 0.5, 1.5)], (x) => x.prod(1)],
  ['prod/all', () => [leaf([5], 0.5, 1.5)], (x) => x.prod()],
  ['max', () => [leaf([3, 4])], (x) => x.max()],
  ['max/dim', () => [leaf([3, 4])], (x) => x.max(1).values],
  ['min/dim', () => [leaf([3, 4])], (x) => x.min(0, true).values],
  ['amax', () => [leaf([3, 4, 2])], (x) => x.amax([0, 2])],
  ['amin', () => [leaf([3, 4])], (x) => x.amin(1)],
  ['var', () => [leaf([3, 4])], (x) => x.var(1)],
  ['std', () => [leaf([3, 4])], (x) => x.std()],
  ['logsumexp', () => [leaf([3, 4])], (x) => x.logsumexp(1)],
  ['norm', () => [leaf([3, 4])], (x) => x.norm()],
  ['norm/p3', () => [awayFromZero([3, 4])], (x) => x.norm(3, 1)],
  ['nansum', () => [leaf([3, 4])], (x) => x.nansum(0)],
  ['cumsum', () => [leaf([3, 4])], (x) => x.cumsum(1)],
  ['cumprod', () => [leaf([3, 4], 0.5, 1.5)], (x) => x.cumprod(1)],
  ['softmax', () => [leaf([3, 4])], (x) => x.softmax(1)],
  ['logSoftmax', () => [leaf([3, 4])], (x) => x.logSoftmax(0)],
  // matrix products
  ['matmul', () => [leaf([2, 3, 4]), leaf([4, 5])], (a, b) => a.matmul(b)],
  ['matmul/batched', () => [leaf([2, 1, 3, 4]), leaf([3, 4, 2])], (a, b) => a.matmul(b)],
  ['mm', () => [leaf([3, 4]), leaf([4, 2])], (a, b) => a.mm(b)],
  ['bmm', () => [leaf([2, 3, 4]), leaf([2, 4, 2])], (a, b) => a.bmm(b)],
  ['mv', () => [leaf([3, 4]), leaf([4])], (a, b) => a.mv(b)],
  ['dot', () => [leaf([4]), leaf([4])], (a, b) => a.dot(b)],
  ['outer', () => [leaf([3]), leaf([4])], (a, b) => a.outer(b)],
  ['addmm', () => [leaf([2]), leaf([3, 4]), leaf([4, 2])], (c, a, b) => c.addmm(a, b, { beta: 0.5, alpha: 2 })],
  // views
  ['view', () => [leaf([3, 4])], (x) => x.view(2, 6)],
  ['reshape', () => [leaf([4, 3])], (x) => x.t().reshape(12)],
  ['flatten', () => [leaf([2, 3, 2])], (x) => x.flatten(1)],
  ['unflatten', () => [leaf([2, 6])], (x) => x.unflatten(1, [2, 3])],
  ['squeeze', () => [leaf([3, 1, 2])], (x) => x.squeeze(1)],
  ['unsqueeze', () => [leaf([3, 2])], (x) => x.unsqueeze(-1)],
  ['permute', () => [leaf([2, 3, 4])], (x) => x.permute(2, 0, 1)],
  ['transpose', () => [leaf([2, 3, 4])], (x) => x.transpose(0, 2)],
  ['t', () => [leaf([2, 3])], (x) => x.t()],
  ['T', () => [leaf([2, 3, 4])], (x) => x.T],
  ['movedim', () => [leaf([2, 3, 4])], (x) => x.movedim(0, -1)],
  ['expand', () => [leaf([3, 1])], (x) => x.expand(2, 3, 4)],
  ['narrow', () => [leaf([3, 5])], (x) => x.narrow(1, 1, 3)],
  ['slice', () => [leaf([3, 6])], (x) => x.slice(1, 1, null, 2)],
  ['select', () => [leaf([3, 5])], (x) => x.select(0, 1)],
  ['index', () => [leaf([4, 3])], (x) => x.index(idx([0, 2, 0]), '1:')],
  ['index/mask', () => [leaf([3, 4])], (x) => x.index(x.detach().gt(0))],
  ['flip', () => [leaf([3, 4])], (x) => x.flip([0, 1])],
  ['repeat', () => [leaf([2, 3])], (x) => x.repeat(2, 1, 2)],
  // join / split
  ['cat', () => [leaf([2, 3]), leaf([1, 3])], (a, b) => torch.cat([a, b])],
  ['stack', () => [leaf([2, 3]), leaf([2, 3])], (a, b) => torch.stack([a, b], 1)],
  ['split', () => [leaf([5, 2])], (x) => x.split([2, 3])],
  ['chunk', () => [leaf([5, 2])], (x) => x.chunk(2)],
  ['unbind', () => [leaf([3, 2])], (x) => x.unbind(1)],
  // indexing ops
  ['gather', () => [leaf([3, 4])], (x) => x.gather(1, idx([0, 3, 1, 1, 2, 0], [3, 2]))],
  ['scatter', () => [leaf([3, 4]), leaf([3, 1])], (x, s) => x.scatter(1, idx([0, 2, 3], [3, 1]), s)],
  ['scatterAdd', () => [leaf([3, 4]), leaf([3, 2])], (x, s) => x.scatterAdd(1, idx([0, 0, 3, 1, 2, 2], [3, 2]), s)],
  ['indexSelect', () => [leaf([3, 4])], (x) => x.indexSelect(1, idx([3, 0, 3]))],
  ['indexAdd', () => [leaf([4, 2]), leaf([3, 2])], (x, s) => x.indexAdd(0, idx([1, 3, 1]), s)],
  ['maskedSelect', () => [leaf([3, 4])], (x) => x.maskedSelect(x.detach().gt(0))],
  ['indexPut_', () => [leaf([4, 3]), leaf([3])], (x, v) => x.mul(1).indexPut_([idx([0, 2])], v)],
  // copies and in-place
  ['clone', () => [leaf([3, 4])], (x) => x.clone()],
  ['contiguous', () => [leaf([3, 4])], (x) => x.t().contiguous()],
  ['to', () => [leaf([3, 4])], (x) => x.to('float32').to('float64').mul(1)],
  ['copy_', () => [leaf([3, 4]), leaf([4])], (x, s) => x.mul(1).copy_(s)],
  ['inplace/view', () => [leaf([3, 4]), leaf([4])], (x, w) => {
    const y = x.mul(1);
    y.index(1).mul_(w);
    return y;
  }],
  ['inplace/chain', () => [leaf([3, 4]), leaf([4])], (x, w) => x.mul(2).add_(1).mul_(w).sub_(w).exp_()],
  // more shape ops and views
  ['flipud', () => [leaf([3, 4])], (x) => x.flipud()],
  ['hsplit', () => [leaf([2, 4])], (x) => x.hsplit(2)],
  ['vsplit', () => [leaf([4, 2])], (x) => x.vsplit([1, 3])],
  ['dsplit', () => [leaf([1, 2, 4])], (x) => x.dsplit(2)],
  ['splitWithSizes', () => [leaf([5, 2])], (x) => x.splitWithSizes([2, 3])],
  ['unsafeSplitWithSizes', () => [leaf([2, 5])], (x) => x.unsafeSplitWithSizes([4, 1], 1)],
  ['unsafeChunk', () => [leaf([5, 2])], (x) => x.unsafeChunk(2)],
  ['broadcastTo', () => [leaf([3, 1])], (x) => x.broadcastTo([2, 3, 4])],
  ['swapdims', () => [leaf([2, 3, 4])], (x) => x.swapdims(0, 2)],
  ['swapaxes_', () => [leaf([2, 3])], (x) => x.mul(1).swapaxes_(0, 1)],
  ['swapdims_', () => [leaf([2, 3])], (x) => x.mul(1).swapdims_(1, 0)],
  ['asStrided_', () => [leaf([3, 4])], (x) => x.mul(1).asStrided_([2, 2], [4, 1], 1)],
  ['ravel', () => [leaf([3, 4])], (x) => x.t().ravel()],
  ['moveaxis', () => [leaf([2, 3, 4])], (x) => x.moveaxis(0, -1)],
  ['narrowCopy', () => [leaf([3, 5])], (x) => x.narrowCopy(1, 1, 3)],
  ['typeAs', () => [leaf([3])], (x) => x.typeAs(torch.zeros(1, f64))],
  ['fillDiagonal_', () => [leaf([3, 4])], (x) => x.mul(1).fillDiagonal_(2)],
  ['aminmax', () => [leaf([3, 4])], (x) => { const r = x.aminmax({ dim: 1 }); return [r.min, r.max]; }],
  ['ger', () => [leaf([3]), leaf([4])], (a, b) => a.ger(b)],
  // elementwise functions and aliases
  ['exp2', () => [leaf([4])], (x) => x.exp2()],
  ['deg2rad', () => [leaf([4])], (x) => x.deg2rad()],
  ['rad2deg', () => [leaf([4])], (x) => x.rad2deg()],
  ['frexp', () => [leaf([4], 0.3, 5)], (x) => x.frexp().mantissa],
  ['copysign', () => [awayFromZero([3, 4]), awayFromZero([4])], (a, b) => a.copysign(b)],
  ['ldexp', () => [leaf([4])], (x) => x.ldexp(torch.tensor([1, -2, 0, 3]))],
  ['xlogy', () => [leaf([4]), leaf([4], 0.3, 2)], (a, b) => a.xlogy(b)],
  ['floatPower', () => [leaf([4], 0.3, 2), leaf([4])], (a, b) => a.floatPower(b)],
  ['igammac', () => [leaf([3], 0.5, 4)], (x) => torch.tensor([0.5, 2, 3.5], f64).igammac(x)],
  ['absolute', () => [awayFromZero([4])], (x) => x.absolute()],
  ['arcsin', () => [leaf([4], -0.8, 0.8)], (x) => x.arcsin()],
  ['arccos', () => [leaf([4], -0.8, 0.8)], (x) => x.arccos()],
  ['arctan', () => [leaf([4])], (x) => x.arctan()],
  ['arctan2', () => [leaf([4]), leaf([4], 0.3, 2)], (a, b) => a.arctan2(b)],
  ['arccosh', () => [leaf([4], 1.2, 3)], (x) => x.arccosh()],
  ['arcsinh', () => [leaf([4])], (x) => x.arcsinh()],
  ['arctanh', () => [leaf([4], -0.8, 0.8)], (x) => x.arctanh()],
  ['subtract', () => [leaf([3, 4]), leaf([4])], (a, b) => a.subtract(b, { alpha: 2 })],
  ['multiply', () => [leaf([3, 4]), leaf([4])], (a, b) => a.multiply(b)],
  ['divide', () => [leaf([3, 4]), leaf([4], 0.5, 2)], (a, b) => a.divide(b)],
  ['trueDivide', () => [leaf([3, 4]), leaf([4], 0.5, 2)], (a, b) => a.trueDivide(b)],
  ['negative', () => [leaf([4])], (x) => x.negative()],
  ['fix', () => [leaf([4])], (x) => x.fix()],
  ['sgn', () => [awayFromZero([4])], (x) => x.sgn()],
  ['fmax', () => [leaf([3, 4]), leaf([4])], (a, b) => a.fmax(b)],
  ['fmin', () => [leaf([3, 4]), leaf([4])], (a, b) => a.fmin(b)],
  // Tensor methods of torch's linear algebra functions (well-conditioned inputs built inside fn)
  ['det', () => [leaf([3, 3])], (a) => a.add(eye3()).det()],
  ['logdet', () => [leaf([3, 3])], (a) => spd(a).logdet()],
  ['slogdet', () => [leaf([3, 3])], (a) => a.add(eye3()).slogdet().logabsdet],
  ['inverse', () => [leaf([3, 3])], (a) => a.add(eye3()).inverse()],
  ['cholesky', () => [leaf([3, 3])], (a) => spd(a).cholesky()],
  ['choleskyInverse', () => [leaf([3, 3])], (a) => a.tril().add(eye3()).choleskyInverse()],
  ['choleskySolve', () => [leaf([3, 2]), leaf([3, 3])], (b, l) => b.choleskySolve(l.tril().add(eye3()))],
  ['qr', () => [leaf([4, 3])], (a) => { const r = a.qr(); return [r.Q, r.R]; }],
  ['svd', () => [leaf([4, 3])], (a) => a.svd().S],
  ['pinverse', () => [leaf([4, 3])], (a) => a.pinverse()],
  ['matrixPower', () => [leaf([3, 3])], (a) => a.matrixPower(3)],
  ['matrixExp', () => [leaf([3, 3])], (a) => a.matrixExp()],
  ['lu', () => [leaf([3, 3])], (a) => a.lu()[0]],
  ['luSolve', () => [leaf([3, 2]), leaf([3, 3])], (b, a) => { const [LU, piv] = a.add(eye3()).lu(); return b.luSolve(LU, piv); }],
  ['triangularSolve', () => [leaf([3, 2]), leaf([3, 3])], (b, a) => b.triangularSolve(a.add(eye3()), false).solution],
  ['orgqr', () => [leaf([4, 3]), leaf([2])], (a, tau) => a.orgqr(tau)],
  ['ormqr', () => [leaf([4, 3]), leaf([3]), leaf([4, 2])], (a, tau, c) => a.ormqr(tau, c, true, true)],
  ['cross', () => [leaf([2, 3]), leaf([2, 3])], (a, b) => a.cross(b, 1)],
];

describe('gradcheck', () => {
  for (const [name, inputs, fn] of CASES) {
    test(name, () => {
      torch.manualSeed(7);
      // Through float32 the finite differences carry float32 rounding: a wider step and tolerance.
      const opts = name === 'to' ? { eps: 1e-3, atol: 1e-3, rtol: 1e-3 } : {};
      assert.equal(torch.autograd.gradcheck(fn, inputs(), opts), true);
    });
  }
});

const SECOND_ORDER = new Set(['exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'mul', 'div', 'pow/tensor', 'sum', 'mean', 'var', 'std', 'softmax',
  'logSoftmax', 'matmul', 'addmm', 'max/dim', 'logsumexp', 'norm', 'cat', 'index', 'gather', 'cumsum', 'prod', 'where', 'clamp', 'inplace/view']);

describe('gradgradcheck', () => {
  for (const [name, inputs, fn] of CASES.filter(([n]) => SECOND_ORDER.has(n))) {
    test(name, () => {
      torch.manualSeed(11);
      assert.equal(torch.autograd.gradgradcheck(fn, inputs()), true);
    });
  }
});

/** Methods that return no differentiable tensor, or are pure aliases of checked ones. */
const NOT_DIFFERENTIABLE = new Set([
  'size', 'stride', 'storageOffset', 'storage', 'dim', 'numel', 'elementSize', 'isContiguous', 'isFloatingPoint', 'item', 'itemAsync', 'tolist',
  'tolistAsync', 'toTypedArray', 'toString', 'describe', 'type', 'requiresGrad_', 'registerHook', 'retainGrad', 'detach', 'detach_',
  '_gradAccumulator', 'backward', 'argmax', 'argmin', 'all', 'any', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr',
  'logicalXor', 'logicalNot', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor', 'bitwiseNot', 'isnan', 'isinf', 'isfinite', 'isclose',
  'allclose', 'equal', 'nonzero', 'floorDivide', 'uniform_', 'normal_', 'bernoulli_', 'random_', 'fill_', 'zero_',
  'cpu', 'float', 'double', 'long', 'int', 'bool', 'byte', 'constructor',
  // throw: no CUDA, no half or int16/int8 types, no NumPy
  'cuda', 'half', 'bfloat16', 'short', 'char', 'numpy',
  // metadata, predicates, integer or boolean results, random draws, fresh tensors
  'isSameSize', 'nelement', 'ndimension', 'getDevice', 'isComplex', 'isSigned', 'isNonzero', 'isNeg', 'isDistributed', 'isposinf',
  'isneginf', 'isreal', 'signbit', 'greater', 'greaterEqual', 'less', 'lessEqual', 'notEqual', 'bitwiseLeftShift', 'bitwiseRightShift',
  'gcd', 'lcm', 'argsort', 'unique', 'uniqueConsecutive', 'bincount', 'histc', 'histogram', 'argwhere', 'countNonzero',
  'exponential_', 'cauchy_', 'geometric_', 'logNormal_', 'bernoulli', 'multinomial',
  'newZeros', 'newOnes', 'newEmpty', 'newFull', 'newTensor', 'newEmptyStrided', 'new',
  // refused for tensors that require grad
  'resize_', 'resizeAs_',
  // PyTorch defines no derivative for these (its derivatives.yaml: not_implemented / non-differentiable)
  'heaviside', 'nextafter', 'geqrf',
  // aliases and in-place twins of checked ops
  'viewAs', 'reshapeAs', 'swapaxes', 'expandAs', 'clip', 'clampMin', 'clampMax', 'mT', 'sub_', 'add_', 'mul_', 'div_', 'pow_',
  'remainder_', 'addcmul_', 'addcdiv_', 'lerp_', 'clamp_', 'scatter_', 'scatterAdd_', 'indexAdd_', 'maskedFill_', 'square_', 'resolveNeg', 'positive',
  'adjoint',
]);

/** Methods gradchecked in the test file of their op family; the test below reads each file's gradcheck block to confirm. */
const GRADCHECKED_IN: Record<string, string[]> = {
  'test/ops/special.test.ts': ['acosh', 'asinh', 'atanh', 'lgamma', 'digamma', 'polygamma', 'i0', 'erfc', 'sinc', 'logit', 'hypot', 'logaddexp',
    'logaddexp2', 'igamma', 'mvlgamma', 'nanToNum'],
  'test/ops/sorting.test.ts': ['sort', 'msort', 'topk', 'kthvalue', 'median', 'nanmedian', 'mode'],
  'test/ops/search-stats.test.ts': ['cummax', 'cummin', 'logcumsumexp', 'nanmean', 'quantile', 'nanquantile', 'diff', 'cov', 'corrcoef', 'renorm',
    'dist', 'take', 'takeAlongDim', 'put', 'indexFill', 'indexCopy', 'scatterReduce', 'indexReduce', 'maskedScatter', 'indexPut'],
  'test/ops/shape-ops.test.ts': ['tril', 'triu', 'diagonal', 'diag', 'diagflat', 'diagEmbed', 'trace', 'diagonalScatter', 'selectScatter',
    'sliceScatter', 'asStrided', 'asStridedScatter', 'roll', 'fliplr', 'rot90', 'repeatInterleave', 'tile', 'tensorSplit', 'unsafeSplit', 'unfold',
    'sumToSize', 'kron', 'inner', 'vdot', 'addr', 'addmv', 'addbmm', 'baddbmm'],
  'test/nn/activation-extra.test.ts': ['hardshrink', 'prelu'],
};

/** The text of the first `describe(...gradcheck...)` block of a test file. */
function gradcheckBlock(file: string): string {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const start = text.search(/describe\([^\n]*gradcheck/);
  assert.ok(start >= 0, `${file} has no gradcheck block`);
  return text.slice(start, text.indexOf('\n});', start));
}

test('methods said to be gradchecked elsewhere are in that file\'s gradcheck block', () => {
  for (const [file, names] of Object.entries(GRADCHECKED_IN)) {
    const block = gradcheckBlock(file);
    for (const name of names) assert.match(block, new RegExp(`\\b${name}\\b`), `${name} is not gradchecked in ${file}`);
  }
});

test('every Tensor method is gradchecked or declared non-differentiable', () => {
  const checked = new Set([...CASES.map(([n]) => n.split('/')[0]), ...Object.values(GRADCHECKED_IN).flat()]);
  const accounted = (name: string) => checked.has(name) || NOT_DIFFERENTIABLE.has(name);
  const proto = torch.Tensor.prototype as unknown as Record<string, unknown>;
  const missing = Object.getOwnPropertyNames(proto).filter((name) => {
    if (name.startsWith('_') && name !== '_gradAccumulator') return false;
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (!desc || (typeof desc.value !== 'function' && !desc.get) || (desc.get && !['T', 'mT'].includes(name))) return false;
    // An in-place twin is covered by its out-of-place op (the in-place machinery is checked by inplace/*).
    return !accounted(name) && !(name.endsWith('_') && accounted(name.slice(0, -1)));
  });
  assert.deepEqual(missing, []);
});
