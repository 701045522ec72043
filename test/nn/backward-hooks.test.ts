// Module.registerFullBackwardHook against PyTorch (scripts/fixtures/nn_backward_hooks.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Maybe = TensorJson | null;
const f = loadFixture<Record<string, Record<string, unknown>>>('nn_backward_hooks.json');
const tol = { rtol: 1e-5, atol: 1e-6 };
const T = (v: unknown) => v as TensorJson;

function assertGrads(actual: (Tensor | null)[], expected: Maybe[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: count`);
  expected.forEach((e, i) => {
    if (e === null) assert.equal(actual[i], null, `${label}[${i}] is None`);
    else assertTensor(actual[i] as Tensor, e, tol, `${label}[${i}]`);
  });
}

function assertParamGrads(model: nn.Module, expected: unknown): void {
  const named = Object.fromEntries(model.namedParameters());
  for (const [k, v] of Object.entries(expected as Record<string, TensorJson>)) assertTensor(named[k].grad as Tensor, v, tol, `grad of ${k}`);
}

test('Grad-CAM: the forward hook\'s activation and the backward hook\'s gradients of a conv layer', () => {
  const c = f.gradcam;
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Conv2d(4, 6, 3), new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(6, 3));
  const seen: { activation?: Tensor; gradInput?: (Tensor | null)[]; gradOutput?: (Tensor | null)[] } = {};
  const target = model.get(2);
  target.registerForwardHook((_m, _i, o) => void (seen.activation = (o as Tensor).detach()));
  target.registerFullBackwardHook((_m, gi, go) => void Object.assign(seen, { gradInput: gi, gradOutput: go }));
  const x = fromJson(T(c.x), { requiresGrad: true });
  const out = model.forward(x) as Tensor;
  assertTensor(out, T(c.out), tol, 'output');
  out.index(0, 2).backward();
  assertTensor(seen.activation as Tensor, T(c.activation), tol, 'activation');
  assertGrads(seen.gradInput ?? [], c.grad_input as Maybe[], 'grad_input');
  assertGrads(seen.gradOutput ?? [], c.grad_output as Maybe[], 'grad_output');
  assertTensor(x.grad as Tensor, T(c.x_grad), tol, 'x.grad');
  assertParamGrads(model, c.param_grads);
});

test('a hook\'s returned gradInput replaces it; hooks run in registration order', () => {
  const c = f.replace;
  torch.manualSeed(1);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
  const calls: string[] = [];
  model.get(2).registerFullBackwardHook((_m, gi) => (calls.push('second'), gi.map((g) => (g as Tensor).mul(2))));
  model.get(2).registerFullBackwardHook((_m, gi) => (calls.push('third'), [(gi[0] as Tensor).add(1)]));
  model.get(1).registerFullBackwardHook(() => void calls.push('tanh'));
  const x = fromJson(T(c.x), { requiresGrad: true });
  const out = model.forward(x) as Tensor;
  assert.equal(out.gradFn?.name, c.grad_fn);
  out.pow(2).sum().backward();
  assert.deepEqual(calls, c.calls);
  assertTensor(x.grad as Tensor, T(c.x_grad), tol, 'x.grad');
  assertParamGrads(model, c.param_grads);
});

test('inputs that need no gradient: gradInput holds null (or zeros next to one that does); nested outputs are null', () => {
  let c = f.first_layer;
  torch.manualSeed(2);
  const lin = new nn.Linear(3, 2);
  let seen: (Tensor | null)[][] = [];
  lin.registerFullBackwardHook((_m, gi, go) => void (seen = [gi, go]));
  (lin.forward(fromJson(T(c.x))) as Tensor).sum().backward();
  assertGrads(seen[0], c.grad_input as Maybe[], 'first layer grad_input');
  assertGrads(seen[1], c.grad_output as Maybe[], 'first layer grad_output');
  assertTensor(lin.weight.grad as Tensor, T(c.weight_grad), tol);

  c = f.two_inputs;
  torch.manualSeed(3);
  const bil = new nn.Bilinear(2, 3, 2);
  bil.registerFullBackwardHook((_m, gi, go) => void (seen = [gi, go]));
  const x1 = fromJson(T(c.x1), { requiresGrad: true });
  (bil.forward(x1, fromJson(T(c.x2))) as Tensor).mul(torch.arange(8).float().reshape(4, 2)).sum().backward();
  assertGrads(seen[0], c.grad_input as Maybe[], 'bilinear grad_input');
  assertGrads(seen[1], c.grad_output as Maybe[], 'bilinear grad_output');
  assertTensor(x1.grad as Tensor, T(c.x1_grad), tol);

  c = f.tuple_output;
  torch.manualSeed(4);
  const lstm = new nn.LSTM(2, 3);
  lstm.registerFullBackwardHook((_m, gi, go) => void (seen = [gi, go]));
  const x = fromJson(T(c.x), { requiresGrad: true });
  const [out, [h]] = lstm.forward(x);
  out.sum().add(h.sum()).backward();
  assertGrads(seen[0], c.grad_input as Maybe[], 'lstm grad_input');
  assertGrads(seen[1], c.grad_output as Maybe[], 'lstm grad_output');
  assertTensor(x.grad as Tensor, T(c.x_grad), tol);
});

test('errors as PyTorch; a removed hook no longer runs', () => {
  const e = f.errors as Record<string, string>;
  const lin = new nn.Linear(2, 2);
  lin.registerFullBackwardHook((_m, gi) => [gi[0], gi[0]]);
  assert.throws(() => (lin.forward(torch.randn([1, 2], { requiresGrad: true })) as Tensor).sum().backward(), { message: e.wrong_count });
  const lin2 = new nn.Linear(2, 2);
  lin2.registerFullBackwardHook(() => [torch.ones(1, 2)]);
  assert.throws(() => (lin2.forward(torch.randn(1, 2)) as Tensor).sum().backward(), { message: e.no_input_grad });
  let calls = 0;
  const handle = lin2.registerFullBackwardHook(() => void calls++);
  handle.remove();
  const lin3 = new nn.Linear(2, 2);
  const h3 = lin3.registerFullBackwardHook(() => void calls++);
  h3.remove();
  (lin3.forward(torch.randn([1, 2], { requiresGrad: true })) as Tensor).sum().backward();
  assert.equal(calls, 0);
  assert.equal((lin3.forward(torch.randn(1, 2)) as Tensor).gradFn?.name, 'AddmmBackward0', 'no hooks: no identity node');
});
