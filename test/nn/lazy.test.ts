// The Lazy modules against PyTorch 1.13 (scripts/fixtures/nn_lazy.py): LazyLinear,
// LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d, LazyInstanceNorm1d/2d/3d
// before and after their first forward (reprs, the uninitialized parameters' and buffers'
// printing, the class they become, seeded weights, outputs), load_state_dict into one, an
// optimizer built before the first forward, the errors and the warning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, setWarnAlways, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Before = { repr: string; params: [string, string][]; buffers: [string, string][]; keys: string[] };
type Case = { name: string; shape: number[]; before: Before; repr: string; type: string; out: TensorJson; state: Record<string, TensorJson> };
const fx = loadFixture<{
  cases: Case[];
  loaded: { repr: string; weight_type: string; after: string; out: TensorJson };
  trained: { repr: string; loss: number; state: Record<string, TensorJson> };
  errors: Record<'conv_dims' | 'groups', string>;
  bias_later_keys: string[];
  warning: string;
  refused: Record<string, [string, string]>;
  answered: { size: number[]; is_floating_point: boolean; float: string; state_dict: string; requires_grad: boolean; dtype: string };
}>('nn_lazy.json');

// Each case as nn_lazy.py builds it.
const MAKE: Record<string, () => nn.Module> = {
  LazyLinear: () => new nn.LazyLinear(3),
  LazyLinear_nobias: () => new nn.LazyLinear(4, { bias: false }),
  LazyConv1d: () => new nn.LazyConv1d(4, 3, { stride: 2 }),
  LazyConv2d: () => new nn.LazyConv2d(4, 3, { padding: 1, groups: 2 }),
  LazyConv2d_unbatched: () => new nn.LazyConv2d(2, [2, 3]),
  LazyConv3d: () => new nn.LazyConv3d(2, 2),
  LazyConvTranspose1d: () => new nn.LazyConvTranspose1d(3, 3, 2),
  LazyConvTranspose2d: () => new nn.LazyConvTranspose2d(2, 3, 2, 1, 1),
  LazyConvTranspose3d: () => new nn.LazyConvTranspose3d(2, 2, { bias: false }),
  LazyBatchNorm1d: () => new nn.LazyBatchNorm1d(),
  LazyBatchNorm2d: () => new nn.LazyBatchNorm2d({ momentum: null, affine: false }),
  LazyBatchNorm3d: () => new nn.LazyBatchNorm3d(1e-3, 0.2, true, false),
  LazyInstanceNorm1d: () => new nn.LazyInstanceNorm1d(),
  LazyInstanceNorm2d: () => new nn.LazyInstanceNorm2d({ affine: false, trackRunningStats: false }),
  LazyInstanceNorm3d: () => new nn.LazyInstanceNorm3d(),
};

function assertState(m: nn.Module, want: Record<string, TensorJson>, label: string): void {
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(want), `${label}: keys`);
  for (const [k, v] of Object.entries(want)) assertTensor(sd[k], v, { rtol: 1e-6, atol: 1e-7 }, `${label}.${k}`);
}

for (const c of fx.cases) {
  test(`${c.name}: uninitialized until the first forward, then PyTorch's ${c.type} with its weights and output`, () => {
    torch.manualSeed(0);
    const m = MAKE[c.name]();
    assert.equal(String(m), c.before.repr);
    assert.deepEqual([...m.namedParameters()].map(([k, p]) => [k, String(p)]), c.before.params);
    assert.deepEqual([...m.namedBuffers()].map(([k, b]) => [k, String(b)]), c.before.buffers);
    assert.deepEqual(Object.keys(m.stateDict()), c.before.keys);
    assert.equal((m as nn.LazyModule).hasUninitializedParams(), c.before.params.length + c.before.buffers.length > 0 && c.before.params.concat(c.before.buffers).some(([, r]) => r.startsWith('<Uninit')));
    const x = torch.randn(c.shape);
    assertTensor(m.forward(x) as Tensor, c.out, { rtol: 1e-5, atol: 1e-6 }, 'output');
    assert.equal(String(m), c.repr);
    assert.equal(m.constructor.name, c.type);
    assert.ok(m instanceof (nn as unknown as Record<string, new (...a: never[]) => nn.Module>)[c.type]);
    assert.equal('hasUninitializedParams' in m, false, 'the eager class has no has_uninitialized_params');
    assertState(m, c.state, c.name);
  });
}

test('load_state_dict into a LazyLinear takes the checkpoint\'s shapes; it stays Lazy (in_features 0) until forward', () => {
  torch.manualSeed(1);
  const src = new nn.Linear(5, 3);
  const lazy = new nn.LazyLinear(3);
  lazy.loadStateDict(src.stateDict());
  assert.equal(String(lazy), fx.loaded.repr);
  assert.equal(lazy.weight.constructor.name, fx.loaded.weight_type);
  assertTensor(lazy.forward(torch.ones([2, 5])), fx.loaded.out, { rtol: 1e-6 }, 'out');
  assert.equal(String(lazy), fx.loaded.after);
});

test('an optimizer built before the first forward trains the materialized parameters (3 SGD steps with momentum)', () => {
  torch.manualSeed(2);
  const net = new nn.Sequential(new nn.LazyConv2d(3, 3), new nn.ReLU(), new nn.Flatten(), new nn.LazyLinear(2));
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = torch.randn([4, 2, 5, 5]);
  let loss = 0;
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    const l = (net.forward(x) as Tensor).pow(2).mean();
    l.backward();
    opt.step();
    loss = Number(l.item());
  }
  assert.equal(String(net), fx.trained.repr);
  assert.ok(Math.abs(loss - fx.trained.loss) <= 1e-6 * Math.abs(fx.trained.loss), `loss ${loss} vs ${fx.trained.loss}`);
  assertState(net, fx.trained.state, 'net');
});

test("errors: an input of the wrong rank, in_channels not divisible by groups; PyTorch's warning at construction", async () => {
  const seen: string[] = [];
  const onWarning = (w: Error): number => seen.push(w.message);
  process.on('warning', onWarning);
  setWarnAlways(true);
  try {
    new nn.LazyLinear(1);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    setWarnAlways(false);
    process.off('warning', onWarning);
  }
  assert.deepEqual([...new Set(seen)], [fx.warning]);
  assert.throws(() => new nn.LazyConv2d(4, 3).forward(torch.randn([2, 5, 5, 5, 5])), { message: fx.errors.conv_dims });
  assert.throws(() => new nn.LazyConv2d(4, 3, { groups: 2 }).forward(torch.randn([1, 3, 5, 5])), { message: fx.errors.groups });
});

test('a Linear built with bias=False that is then given a bias lists weight before bias, as PyTorch', () => {
  const lin = new nn.Linear(2, 3, { bias: false });
  lin.bias = new nn.Parameter(torch.zeros([3]));
  assert.deepEqual(Object.keys(lin.stateDict()), fx.bias_later_keys);
  assert.deepEqual([...lin.namedParameters()].map(([k]) => k), fx.bias_later_keys);
});

test("before the first forward an uninitialized parameter refuses PyTorch's refused methods and its shape, and answers the rest", () => {
  const lazy = new nn.LazyLinear(3);
  const w = lazy.weight;
  const calls: Record<string, () => unknown> = {
    shape: () => w.shape, sum: () => w.sum(), numel: () => w.numel(), dim: () => w.dim(), detach: () => w.detach(),
    zeros_: () => nn.init.zeros_(w), mul: () => w.mul(2),
  };
  for (const [name, [kind, message]] of Object.entries(fx.refused)) {
    // PyTorch's ValueError is a RangeError here, its RuntimeError an Error
    assert.throws(calls[name], (e: Error) => e.message === message && (kind === 'ValueError') === (e instanceof RangeError), name);
  }
  const a = fx.answered;
  assert.deepEqual(w.size(), a.size);
  assert.equal(w.isFloatingPoint(), a.is_floating_point);
  assert.equal(String(w.float()), a.float);
  assert.equal(String(lazy.stateDict().weight), a.state_dict);
  assert.equal(w.requiresGrad, a.requires_grad);
  assert.equal(`torch.${w.dtype}`, a.dtype);
});
