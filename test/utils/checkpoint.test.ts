// torch.utils.checkpoint against PyTorch (scripts/fixtures/utils_checkpoint.py): a seeded
// model with dropout gives PyTorch's outputs and gradients through checkpoint and
// checkpointSequential (the recomputation redraws the forward's dropout masks), and the
// generator continues after backward as if the recomputation had not drawn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Run {
  out: TensorJson;
  x_grad: TensorJson;
  grads: Record<string, TensorJson>;
  after: TensorJson;
}
const fx = loadFixture<{ state: Record<string, TensorJson>; x: TensorJson; plain: Run; checkpoint: Run; sequential: Run; unexpected_kwarg: string }>('utils_checkpoint.json');
const { nn } = torch;
const { checkpoint, checkpointSequential } = torch.utils.checkpoint;

function model(): torch.nn.Sequential {
  const m = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(8, 8), new nn.Tanh(), new nn.Dropout(0.3), new nn.Linear(8, 3));
  m.loadStateDict(Object.fromEntries(Object.entries(fx.state).map(([k, v]) => [k, fromJson(v)])));
  return m;
}

function check(name: 'plain' | 'checkpoint' | 'sequential', run: (m: torch.nn.Sequential, x: Tensor) => Tensor): void {
  const m = model();
  const x = fromJson(fx.x, { requiresGrad: true });
  torch.manualSeed(1);
  const out = run(m, x);
  out.pow(2).sum().backward();
  const want = fx[name];
  assertTensor(out, want.out, {}, `${name} out`);
  assertTensor(x.grad!, want.x_grad, {}, `${name} x.grad`);
  for (const [k, p] of m.namedParameters()) assertTensor(p.grad!, want.grads[k], {}, `${name} ${k}.grad`);
  assertTensor(torch.rand(3), want.after, {}, `${name} next draw`);
}

test('checkpoint: same outputs and gradients as the plain run, dropout masks included', () => {
  check('plain', (m, x) => m.forward(x) as Tensor);
  check('checkpoint', (m, x) => checkpoint((t: Tensor) => m.forward(t) as Tensor, x) as Tensor);
  check('checkpoint', (m, x) => checkpoint(m, x) as Tensor);
  check('sequential', (m, x) => checkpointSequential(m, 2, x));
  // The non-reentrant variant gives the same numbers (the plain run's, like every variant).
  check('checkpoint', (m, x) => checkpoint(m, x, { useReentrant: false }) as Tensor);
  check('sequential', (m, x) => checkpointSequential(m, 2, x, { useReentrant: false }));
});

test('useReentrant false: gradients reach parameters without input grads, and autograd.grad works', () => {
  const m = model();
  const x = fromJson(fx.x);
  torch.manualSeed(1);
  const plain = (m.forward(x) as Tensor).pow(2).sum();
  const want = torch.autograd.grad(plain, [...m.parameters()]);
  torch.manualSeed(1);
  const out = checkpoint(m, x, { useReentrant: false }) as Tensor;
  assert.equal(out.gradFn?.name, 'CheckpointNonReentrantBackward');
  const got = torch.autograd.grad(out.pow(2).sum(), [...m.parameters()]);
  got.forEach((g, i) => assert.ok(torch.allclose(g!, want[i]!), `parameter ${i}`));
  for (const p of m.parameters()) assert.equal(p.grad, null);
});

test('checkpoint: the forward keeps no graph inside the function; options and errors', () => {
  const lin = new nn.Linear(3, 2);
  const x = torch.randn(4, 3, { requiresGrad: true });
  const out = checkpoint((t: Tensor) => lin.forward(t).relu().sin(), x) as Tensor;
  assert.equal(out.gradFn?.name, 'CheckpointFunctionBackward');
  // useReentrant false records the graph: same values and gradients.
  const out2 = checkpoint((t: Tensor) => lin.forward(t).relu().sin(), x, { useReentrant: false, preserveRngState: false }) as Tensor;
  assert.deepEqual(out2.tolist(), out.tolist());
  assert.throws(() => checkpoint((t: Tensor) => t, x, { foo: 1 }), (e: Error) => e.message === fx.unexpected_kwarg);
  assert.throws(() => checkpointSequential([(t: Tensor) => t], 3, x), /segments/);
  // Several tensor outputs and a non-tensor argument.
  const [a, b] = checkpoint((t: Tensor, k: number) => [t.mul(k), t.exp()], x, 3) as Tensor[];
  a.sum().add(b.sum()).backward();
  assert.ok(torch.allclose(x.grad!, x.detach().exp().add(3)));
});
