// Tensor.backward / autograd.backward / autograd.grad take PyTorch's parameters by
// position or by name; inputs= accumulates only into the tensors named (leaves or not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

const leaves = () => [torch.tensor([1.5, 2], { requiresGrad: true }), torch.tensor([3, -1], { requiresGrad: true })];

test('backward by name: retainGraph, createGraph, gradient', () => {
  const [x, y] = leaves();
  const z = x.mul(y).sum();
  z.backward({ retainGraph: true });
  z.backward(); // the graph was kept
  assert.deepEqual(x.grad!.tolist(), y.mul(2).tolist());
  const [a] = leaves();
  const v = a.mul(a);
  v.backward({ gradient: torch.tensor([1, 0.5]) });
  assert.deepEqual(a.grad!.tolist(), a.mul(2).mul(torch.tensor([1, 0.5])).tolist());
  assert.throws(() => v.backward({ retain_graph: true } as never), /backward\(\): unexpected option 'retain_graph' — did you mean 'retainGraph'\?|unexpected option 'retain_graph'/);
});

test('backward({ inputs }) accumulates into those tensors only, leaf or not', () => {
  const [x, y] = leaves();
  const h = x.mul(2);
  h.mul(h).mul(y).sum().backward({ inputs: [h, y] });
  assert.equal(x.grad, null);
  assert.deepEqual(h.grad!.tolist(), h.mul(y).mul(2).tolist());
  assert.deepEqual(y.grad!.tolist(), h.mul(h).tolist());
  assert.throws(() => x.mul(y).sum().backward({ inputs: [] }), /'inputs' argument to backward\(\) cannot be empty/);
});

test('autograd.backward and autograd.grad by name', () => {
  const [x, y] = leaves();
  torch.autograd.backward([x.mul(y).sum()], { inputs: [y] });
  assert.equal(x.grad, null);
  assert.deepEqual(y.grad!.tolist(), x.tolist());
  const [g] = torch.autograd.grad({ outputs: x.mul(x).sum(), inputs: [x], createGraph: true });
  assert.ok(g!.requiresGrad);
  assert.throws(() => torch.autograd.grad(x.sum(), [x], { creatGraph: true } as never), /grad\(\): unexpected option 'creatGraph'/);
  assert.throws(() => torch.autograd.grad(x.sum(), [x], { isGradsBatched: true }), /isGradsBatched .* not supported/);
});
