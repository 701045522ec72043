// Every op against PyTorch (scripts/fixtures/ops.py): forward values, dtypes, grad_fn
// names and gradients, on contiguous, non-contiguous, broadcast and mixed-dtype inputs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from '../helpers/fixtures.js';

type Params = Record<string, unknown>;
type Op = (i: Tensor[], p: Params) => Tensor | Tensor[];

interface InputJson extends TensorJson {
  requires_grad: boolean;
  view: unknown[][];
}

interface Case {
  name: string;
  op: string;
  params: Params;
  inputs: InputJson[];
  outputs?: TensorJson[];
  grad_fn?: (string | null)[];
  grad_outputs?: TensorJson[];
  grads?: (TensorJson | null)[];
  tol?: Tolerance;
  error?: string;
}

const num = (p: Params, k: string) => p[k] as number;
const other = (i: Tensor[], p: Params) => (i.length > 1 ? i[1] : (p.other as number));
const dimArgs = (p: Params): [number | number[] | undefined, { keepdim?: boolean }] => [p.dim as number | number[] | undefined, { keepdim: p.keepdim as boolean | undefined }];

const UNARY = [
  'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'trunc', 'frac', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10',
  'sqrt', 'rsqrt', 'reciprocal', 'square', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'erf',
  'erfinv', 'sigmoid', 'relu', 'isnan', 'isinf', 'isfinite',
] as const;

const OPS: Record<string, Op> = {
  ...Object.fromEntries(UNARY.map((name) => [name, (i: Tensor[]) => (i[0][name] as () => Tensor).call(i[0])])),
  logical_not: (i) => i[0].logicalNot(),
  bitwise_not: (i) => i[0].bitwiseNot(),
  clamp: (i, p) => i[0].clamp((p.min as number | undefined) ?? null, (p.max as number | undefined) ?? null),
  clamp_tensor: (i) => i[0].clamp(i[1], i[2]),
  pow: (i, p) => ('exponent' in p ? i[0].pow(num(p, 'exponent')) : i[0].pow(i[1])),
  rpow: (i, p) => torch.pow(num(p, 'base'), i[0]),
  add: (i, p) => torch.add(i[0], other(i, p), { alpha: p.alpha as number | undefined }),
  sub: (i, p) => torch.sub(i[0], other(i, p), { alpha: p.alpha as number | undefined }),
  rsub: (i, p) => i[0].rsub(num(p, 'other')),
  mul: (i, p) => torch.mul(i[0], other(i, p)),
  div: (i, p) => torch.div(i[0], other(i, p), { roundingMode: p.rounding_mode as 'trunc' | 'floor' | undefined }),
  rdiv: (i, p) => i[0].rdiv(num(p, 'other')),
  remainder: (i, p) => torch.remainder(i[0], other(i, p)),
  fmod: (i, p) => torch.fmod(i[0], other(i, p)),
  maximum: (i) => torch.maximum(i[0], i[1]),
  minimum: (i) => torch.minimum(i[0], i[1]),
  atan2: (i) => torch.atan2(i[0], i[1]),
  eq: (i, p) => torch.eq(i[0], other(i, p)),
  ne: (i, p) => torch.ne(i[0], other(i, p)),
  lt: (i, p) => torch.lt(i[0], other(i, p)),
  le: (i, p) => torch.le(i[0], other(i, p)),
  gt: (i, p) => torch.gt(i[0], other(i, p)),
  ge: (i, p) => torch.ge(i[0], other(i, p)),
  logical_and: (i, p) => torch.logicalAnd(i[0], other(i, p)),
  logical_or: (i, p) => torch.logicalOr(i[0], other(i, p)),
  logical_xor: (i, p) => torch.logicalXor(i[0], other(i, p)),
  bitwise_and: (i, p) => torch.bitwiseAnd(i[0], other(i, p)),
  bitwise_or: (i, p) => torch.bitwiseOr(i[0], other(i, p)),
  bitwise_xor: (i, p) => torch.bitwiseXor(i[0], other(i, p)),
  where: (i) => torch.where(i[0], i[1], i[2]),
  where_scalar: (i, p) => torch.where(i[0], i[1], num(p, 'other')),
  where_condition: (i) => torch.where(i[0]),
  masked_fill: (i, p) => i[0].maskedFill(i[1], num(p, 'value')),
  sum: (i, p) => i[0].sum(...dimArgs(p)),
  mean: (i, p) => i[0].mean(...dimArgs(p)),
  prod: (i, p) => i[0].prod(p.dim as number | undefined, { keepdim: p.keepdim as boolean | undefined }),
  max: (i, p) => {
    if (p.dim === undefined) return i[0].max();
    const r = i[0].max(num(p, 'dim'), { keepdim: p.keepdim as boolean | undefined });
    return [r.values, r.indices];
  },
  min: (i, p) => {
    if (p.dim === undefined) return i[0].min();
    const r = i[0].min(num(p, 'dim'), { keepdim: p.keepdim as boolean | undefined });
    return [r.values, r.indices];
  },
  amax: (i, p) => i[0].amax(...dimArgs(p)),
  amin: (i, p) => i[0].amin(...dimArgs(p)),
  argmax: (i, p) => i[0].argmax(p.dim as number | undefined, { keepdim: p.keepdim as boolean | undefined }),
  argmin: (i, p) => i[0].argmin(p.dim as number | undefined, { keepdim: p.keepdim as boolean | undefined }),
  var: (i, p) => i[0].var(p.dim as number | number[] | undefined, { unbiased: p.unbiased as boolean | undefined, keepdim: p.keepdim as boolean | undefined }),
  std: (i, p) => i[0].std(p.dim as number | number[] | undefined, { unbiased: p.unbiased as boolean | undefined, keepdim: p.keepdim as boolean | undefined }),
  logsumexp: (i, p) => i[0].logsumexp(p.dim as number | number[], { keepdim: p.keepdim as boolean | undefined }),
  norm: (i, p) => i[0].norm((p.p as number | undefined) ?? 2, p.dim as number | undefined),
  all: (i, p) => i[0].all(p.dim as number | undefined),
  any: (i, p) => i[0].any(p.dim as number | undefined),
  cumsum: (i, p) => i[0].cumsum(num(p, 'dim')),
  cumprod: (i, p) => i[0].cumprod(num(p, 'dim')),
  softmax: (i, p) => i[0].softmax(num(p, 'dim')),
  log_softmax: (i, p) => i[0].logSoftmax(num(p, 'dim')),
  mm: (i) => torch.mm(i[0], i[1]),
  bmm: (i) => torch.bmm(i[0], i[1]),
  matmul: (i) => torch.matmul(i[0], i[1]),
  addmm: (i, p) => torch.addmm(i[0], i[1], i[2], { beta: p.beta as number | undefined, alpha: p.alpha as number | undefined }),
  dot: (i) => torch.dot(i[0], i[1]),
  mv: (i) => torch.mv(i[0], i[1]),
  outer: (i) => torch.outer(i[0], i[1]),
  view: (i, p) => i[0].view(p.shape as number[]),
  reshape: (i, p) => i[0].reshape(p.shape as number[]),
  flatten: (i, p) => i[0].flatten(p.start_dim as number | undefined, p.end_dim as number | undefined),
  unflatten: (i, p) => i[0].unflatten(num(p, 'dim'), p.sizes as number[]),
  unsqueeze: (i, p) => i[0].unsqueeze(num(p, 'dim')),
  squeeze: (i, p) => i[0].squeeze(p.dim as number | undefined),
  permute: (i, p) => i[0].permute(p.dims as number[]),
  transpose: (i, p) => i[0].transpose(num(p, 'dim0'), num(p, 'dim1')),
  t: (i) => i[0].t(),
  expand: (i, p) => i[0].expand(p.shape as number[]),
  narrow: (i, p) => i[0].narrow(num(p, 'dim'), num(p, 'start'), num(p, 'length')),
  select: (i, p) => i[0].select(num(p, 'dim'), num(p, 'index')),
  movedim: (i, p) => i[0].movedim(num(p, 'source'), num(p, 'destination')),
  flip: (i, p) => i[0].flip(p.dims as number[]),
  repeat: (i, p) => i[0].repeat(p.repeats as number[]),
  index_basic: (i) => i[0].index(1, '1:3'),
  index_step: (i) => i[0].index(':', '::2'),
  index_neg: (i) => i[0].index(-1, '-3:'),
  index_none_ellipsis: (i) => i[0].index(null, '...', 1),
  index_tensor: (i) => i[0].index(i[1]),
  index_tensor_dim1: (i) => i[0].index(':', i[1]),
  index_two_tensors: (i) => i[0].index(i[1], i[2]),
  index_split_tensors: (i) => i[0].index(i[1], ':', i[2]),
  index_mask: (i) => i[0].index(i[1]),
  index_list: (i) => i[0].index([0, 2, 2]),
  cat: (i, p) => torch.cat(i, p.dim as number | undefined),
  stack: (i, p) => torch.stack(i, p.dim as number | undefined),
  split: (i, p) => i[0].split(p.split as number | number[], p.dim as number | undefined),
  chunk: (i, p) => i[0].chunk(num(p, 'chunks'), p.dim as number | undefined),
  unbind: (i, p) => i[0].unbind(p.dim as number | undefined),
  gather: (i, p) => i[0].gather(num(p, 'dim'), i[1]),
  scatter: (i, p) => i[0].scatter(num(p, 'dim'), i[1], i[2]),
  scatter_value: (i, p) => i[0].scatter(num(p, 'dim'), i[1], num(p, 'value')),
  scatter_add: (i, p) => i[0].scatterAdd(num(p, 'dim'), i[1], i[2]),
  index_select: (i, p) => i[0].indexSelect(num(p, 'dim'), i[1]),
  index_add: (i, p) => i[0].indexAdd(num(p, 'dim'), i[1], i[2]),
  masked_select: (i) => i[0].maskedSelect(i[1]),
  nonzero: (i) => i[0].nonzero(),
  one_hot: (i, p) => torch.nn.functional.oneHot(i[0], (p.num_classes as number | undefined) ?? -1),
  clone: (i) => i[0].clone(),
  contiguous: (i) => i[0].contiguous(),
  to: (i, p) => i[0].to(p.dtype as torch.DType),
  inplace_add: (i, p) => i[0].mul(1).add_(i[1], { alpha: p.alpha as number | undefined }),
  inplace_mul: (i) => i[0].mul(1).mul_(i[1]),
  inplace_chain: (i) => i[0].mul(2).add_(1).mul_(i[1]).sub_(1),
  inplace_saved_modified: (i) => i[0].mul(2).exp_().mul_(i[1]),
  inplace_leaf: (i) => i[0].add_(1),
  inplace_view_mul: (i) => {
    const y = i[0].mul(1);
    y.index(0).mul_(3);
    y.index(':', 1).add_(1);
    return y;
  },
  setitem_row: (i) => i[0].mul(1).indexPut_([1], i[1]),
  setitem_mask: (i) => i[0].mul(1).indexPut_([i[1]], 0),
  index_put_accumulate: (i) => i[0].mul(1).indexPut_([i[1]], i[2], { accumulate: true }),
  clamp_: (i) => i[0].mul(1).clamp_(-0.5, 0.5),
  masked_fill_: (i) => i[0].mul(1).maskedFill_(i[1], 0.25),
  copy_cast: (i, p) => torch.zeros(i[0].shape, { dtype: p.dtype as torch.DType }).copy_(i[0]),
};

function applyView(t: Tensor, view: unknown[][]): Tensor {
  let out = t;
  for (const [kind, ...args] of view) {
    const a = args as number[];
    if (kind === 't') out = out.t();
    else if (kind === 'transpose') out = out.transpose(a[0], a[1]);
    else if (kind === 'permute') out = out.permute(args[0] as number[]);
    else if (kind === 'slice') out = out.slice(a[0], a[1], a[2], a[3]);
    else if (kind === 'expand') out = out.expand(args[0] as number[]);
    else if (kind === 'select') out = out.select(a[0], a[1]);
    else throw new Error(`unknown view ${String(kind)}`);
  }
  return out;
}

const SPECIAL: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };

function run(raw: Case): void {
  const c = { ...raw, params: Object.fromEntries(Object.entries(raw.params).map(([k, v]) => [k, typeof v === 'string' && v in SPECIAL ? SPECIAL[v] : v])) };
  const op = OPS[c.op];
  assert.ok(op, `no op '${c.op}' in the test table`);
  const leaves = c.inputs.map((i) => fromJson(i, { requiresGrad: i.requires_grad }));
  const args = leaves.map((l, k) => applyView(l, c.inputs[k].view));
  if (c.error !== undefined) {
    assert.throws(
      () => {
        const out = op(args, c.params);
        const outs = Array.isArray(out) ? out : [out];
        const diff = outs.filter((o) => o.requiresGrad);
        torch.autograd.backward(diff, diff.map((o) => torch.onesLike(o)));
      },
      (e: Error) => e.message === c.error,
    );
    return;
  }
  const out = op(args, c.params);
  const outs = Array.isArray(out) ? out : [out];
  assert.equal(outs.length, c.outputs?.length, 'number of outputs');
  outs.forEach((o, k) => {
    assertTensor(o, (c.outputs as TensorJson[])[k], c.tol, `output ${k}`);
    assert.equal(o.gradFn?.name ?? null, (c.grad_fn as (string | null)[])[k], `grad_fn of output ${k}`);
  });
  if (c.grad_outputs) {
    const diff = outs.filter((o) => o.requiresGrad);
    torch.autograd.backward(diff, c.grad_outputs.map((g) => fromJson(g)));
    leaves.forEach((l, k) => {
      const want = (c.grads as (TensorJson | null)[])[k];
      if (want === null) assert.equal(l.grad, null, `grad of input ${k} should be None`);
      else assertTensor(l.grad as Tensor, want, c.tol ?? { rtol: 1e-4, atol: 1e-5 }, `grad of input ${k}`);
    });
  }
}

const fixture = loadFixture<{ cases: Case[] }>('ops.json');
const groups = new Map<string, Case[]>();
for (const c of fixture.cases) {
  const group = c.name.split('/')[0];
  groups.set(group, [...(groups.get(group) ?? []), c]);
}

for (const [group, cases] of groups) {
  describe(group, () => {
    for (const c of cases) test(c.name, () => run(c));
  });
}
