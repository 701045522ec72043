// Linear, Bilinear, activations, containers, dropout, init and state dicts against
// PyTorch (scripts/fixtures/nn_basic.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

class MnistNet extends nn.Module {
  fc1 = new nn.Linear(28 * 28, 28);
  fc2 = new nn.Linear(28, 10);
  override forward(x: Tensor): Tensor {
    const h = x.view(-1, 28 * 28);
    return this.fc2.forward(F.relu(this.fc1.forward(h)));
  }
}

class Nested extends nn.Module {
  features = new nn.Sequential(new nn.Linear(6, 5), new nn.Tanh(), new nn.Linear(5, 4));
  heads = new nn.ModuleList([new nn.Linear(4, 2), new nn.Linear(4, 3, { bias: false })]);
  extra = new nn.ModuleDict({ proj: new nn.Linear(4, 4), act: new nn.GELU() });
  scale = new nn.Parameter(torch.ones(1));
  override forward(x: Tensor): Tensor {
    const h = this.extra.get('act')!.forward(this.extra.get('proj')!.forward(this.features.forward(x))) as Tensor;
    return torch.cat([...this.heads].map((head) => head.forward(h) as Tensor), 1).mul(this.scale);
  }
}

const one = (build: () => nn.Module): ModuleSpec => ({ build });

const SPECS: Record<string, ModuleSpec> = {
  linear: one(() => new nn.Linear(5, 3)),
  'linear/no_bias': one(() => new nn.Linear(5, 3, { bias: false })),
  'linear/3d_input': one(() => new nn.Linear(5, 3)),
  'linear/1d_input': one(() => new nn.Linear(5, 3)),
  'linear/float64': one(() => new nn.Linear(4, 2, { dtype: 'float64' })),
  bilinear: one(() => new nn.Bilinear(3, 4, 2)),
  identity: one(() => new nn.Identity()),
  flatten: one(() => new nn.Flatten()),
  'flatten/range': one(() => new nn.Flatten(0, 2)),
  unflatten: one(() => new nn.Unflatten(1, [2, 3])),
  'activation/relu': one(() => new nn.ReLU()),
  'activation/relu6': one(() => new nn.ReLU6()),
  'activation/leaky_relu': one(() => new nn.LeakyReLU(0.2)),
  'activation/elu': one(() => new nn.ELU(0.7)),
  'activation/selu': one(() => new nn.SELU()),
  'activation/gelu': one(() => new nn.GELU()),
  'activation/gelu_tanh': one(() => new nn.GELU('tanh')),
  'activation/silu': one(() => new nn.SiLU()),
  'activation/mish': one(() => new nn.Mish()),
  'activation/sigmoid': one(() => new nn.Sigmoid()),
  'activation/tanh': one(() => new nn.Tanh()),
  'activation/logsigmoid': one(() => new nn.LogSigmoid()),
  'activation/softsign': one(() => new nn.Softsign()),
  'activation/hardsigmoid': one(() => new nn.Hardsigmoid()),
  'activation/hardswish': one(() => new nn.Hardswish()),
  'activation/hardtanh': one(() => new nn.Hardtanh(-0.5, 0.8)),
  'activation/softplus': one(() => new nn.Softplus(2, 3)),
  'activation/threshold': one(() => new nn.Threshold(0.1, -2.0)),
  'activation/softmax': one(() => new nn.Softmax(1)),
  'activation/log_softmax': one(() => new nn.LogSoftmax(-1)),
  'activation/relu_inplace': one(() => new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU(true))),
  dropout: one(() => new nn.Dropout(0.3)),
  'dropout/p0': one(() => new nn.Dropout(0.0)),
  dropout2d: one(() => new nn.Dropout2d(0.5)),
  'dropout/large': one(() => new nn.Dropout(0.5)),
  sequential: one(
    () => new nn.Sequential(new nn.Linear(24, 16), new nn.ReLU(), new nn.Linear(16, 8), new nn.ReLU(), new nn.Linear(8, 3)),
  ),
  nested: one(() => new Nested()),
};

moduleSuite('nn_basic.json', SPECS);

interface Extras {
  init: Record<string, TensorJson>;
  gains: Record<string, number>;
  apply_init: Record<string, TensorJson>;
  load_errors: { missing_unexpected: string; size_mismatch: string; non_strict: [string[], string[]]; non_strict_repr: string; all_matched_repr: string };
  reprs: Record<string, string | string[]>;
}
const extras = loadFixture<Extras>('nn_basic.json');

test('nn.init draws the same numbers as PyTorch', () => {
  torch.manualSeed(0);
  const w = torch.empty(4, 6);
  const exact = { rtol: 0, atol: 0 };
  assertTensor(nn.init.uniform_(w.clone(), -0.5, 2.0), extras.init.uniform, exact);
  assertTensor(nn.init.normal_(w.clone(), 1.0, 0.2), extras.init.normal, exact);
  assertTensor(nn.init.xavierUniform_(w.clone(), nn.init.calculateGain('tanh')), extras.init.xavier_uniform, exact);
  assertTensor(nn.init.xavierNormal_(w.clone()), extras.init.xavier_normal, exact);
  assertTensor(nn.init.kaimingUniform_(torch.empty(8, 3, 3, 3), { a: Math.sqrt(5) }), extras.init.kaiming_uniform, exact);
  assertTensor(nn.init.kaimingNormal_(torch.empty(8, 3, 3, 3), { mode: 'fan_out', nonlinearity: 'relu' }), extras.init.kaiming_normal, exact);
  assertTensor(nn.init.truncNormal_(torch.empty(20), 0, 0.5), extras.init.trunc_normal, { rtol: 1e-6, atol: 1e-7 });
  assertTensor(nn.init.constant_(w.clone(), 0.25), extras.init.constant, exact);
  for (const [name, gain] of Object.entries(extras.gains)) {
    const [nl, param] = name.split('_0.') as [nn.init.Nonlinearity, string | undefined];
    const got = nn.init.calculateGain(nl, param ? Number(`0.${param}`) : null);
    assert.ok(Math.abs(got - gain) < 1e-15, `${name}: ${got} vs ${gain}`);
  }
});

test("Module.apply initialises weights like seed 002's weights_init", () => {
  torch.manualSeed(5);
  const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  net.apply((m) => {
    if (m instanceof nn.Linear) {
      nn.init.normal_(m.weight, 0.0, 0.02);
      nn.init.constant_(m.bias!, 0.1);
    }
  });
  const sd = net.stateDict();
  for (const [k, v] of Object.entries(extras.apply_init)) assertTensor(sd[k], v, { rtol: 0, atol: 0 }, k);
});

test('loadStateDict reports PyTorch errors and leaves the model unchanged', () => {
  const m = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const sd = m.stateDict();
  const before = Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.clone()]));
  const bad: Record<string, Tensor> = { ...sd };
  delete bad['2.bias'];
  bad['3.weight'] = torch.zeros(1);
  bad['0.weight'] = torch.ones(2, 3);
  assert.throws(() => m.loadStateDict(bad), (e: Error) => e.message === extras.load_errors.missing_unexpected);
  const mismatch: Record<string, Tensor> = { ...sd, '0.weight': torch.zeros(2, 4) };
  assert.throws(() => m.loadStateDict(mismatch), (e: Error) => e.message === extras.load_errors.size_mismatch);
  for (const [k, v] of Object.entries(m.stateDict())) assert.ok(v.equal(before[k]), `${k} unchanged`);
  const res = m.loadStateDict({ '0.weight': sd['0.weight'], x: torch.zeros(1) }, { strict: false });
  assert.deepEqual([res.missingKeys, res.unexpectedKeys], extras.load_errors.non_strict);
  // print(model.load_state_dict(...)) shows PyTorch's _IncompatibleKeys repr
  assert.equal(String(res), extras.load_errors.non_strict_repr);
  assert.equal(String(m.loadStateDict(m.stateDict())), extras.load_errors.all_matched_repr);
});

test('keys named like Object members (toString, constructor, __proto__) are unexpected keys, not inherited ones', () => {
  const m = new nn.Linear(2, 2);
  const sd: Record<string, Tensor> = { ...m.stateDict(), toString: torch.zeros(1), constructor: torch.zeros(1) };
  Object.defineProperty(sd, '__proto__', { value: torch.zeros(1), enumerable: true });
  assert.throws(() => m.loadStateDict(sd), /Unexpected key\(s\) in state_dict: "toString", "constructor", "__proto__"/);
  const res = m.loadStateDict({ valueOf: torch.zeros(1) } as unknown as Record<string, Tensor>, false);
  assert.deepEqual([res.missingKeys, res.unexpectedKeys], [['weight', 'bias'], ['valueOf']]);
});

test("models print and name their state as PyTorch's", () => {
  const r = extras.reprs;
  assert.equal(String(new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10))), r.mlp);
  assert.equal(String(new MnistNet()), r.mnist_net);
  assert.deepEqual(Object.keys(new MnistNet().stateDict()), r.mnist_net_keys);
  const nested = new Nested();
  assert.deepEqual(Object.keys(nested.stateDict()), r.nested_keys);
  assert.deepEqual([...nested.namedModules()].map(([n]) => n), r.nested_named_modules);
  assert.deepEqual([...nested.namedParameters()].map(([n]) => n), r.nested_named_parameters);
});

test('replacing a submodule and freezing parameters (transfer learning)', () => {
  const model = new MnistNet();
  for (const p of model.parameters()) p.requiresGrad = false;
  model.fc2 = new nn.Linear(28, 2);
  assert.deepEqual(Object.keys(model.stateDict()), ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  const trainable = [...model.parameters()].filter((p) => p.requiresGrad);
  assert.equal(trainable.length, 2);
  const loss = model.forward(torch.rand(3, 784)).sum();
  loss.backward();
  assert.equal(model.fc1.weight.grad, null);
  assert.notEqual(model.fc2.weight.grad, null);
});

test('forward hooks run around forward and can replace the output', () => {
  const lin = new nn.Linear(2, 2);
  const seen: string[] = [];
  const pre = lin.registerForwardPreHook((_m, input) => void seen.push(`pre ${(input[0] as Tensor).shape}`));
  const post = lin.registerForwardHook((_m, _input, output) => (output as Tensor).mul(0));
  const y = lin.forward(torch.ones(1, 2));
  assert.deepEqual(seen, ['pre 1,2']);
  assert.equal(y.abs().sum().item(), 0);
  pre.remove();
  post.remove();
  assert.notEqual(lin.forward(torch.ones(1, 2)).abs().sum().item(), 0);
  assert.equal(seen.length, 1);
});

test('train/eval, zeroGrad, to(dtype) and Parameter printing', () => {
  const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout());
  net.eval();
  assert.equal([...net.modules()].every((m) => !m.training), true);
  net.train();
  assert.equal(net.get(1).training, true);
  net.forward(torch.ones(1, 2)).sum().backward();
  net.zeroGrad();
  assert.equal((net.get(0) as nn.Linear).weight.grad?.abs().sum().item(), 0);
  net.zeroGrad({ setToNone: true });
  assert.equal((net.get(0) as nn.Linear).weight.grad, null);
  net.to('float64');
  assert.equal((net.get(0) as nn.Linear).weight.dtype, 'float64');
  assert.ok(String(new nn.Parameter(torch.zeros(2))).startsWith('Parameter containing:\ntensor([0., 0.], requires_grad=True)'));
});

test('parameters() and zeroGrad() see parameters and submodules assigned, replaced or deleted between calls', () => {
  // parameters() and zeroGrad() build their list on each call (no generator chain): every
  // call must reflect the module as it is now, in named_parameters' order, each parameter once.
  const names = (m: nn.Module): string[] => [...m.namedParameters()].map(([n]) => n);
  const model = new MnistNet();
  const first = [...model.parameters()];
  assert.deepEqual(first, [model.fc1.weight, model.fc1.bias, model.fc2.weight, model.fc2.bias]);

  // A Parameter assigned as a field, and one registered by name.
  const scale = new nn.Parameter(torch.ones(1));
  (model as unknown as { scale: nn.Parameter }).scale = scale;
  const shift = new nn.Parameter(torch.zeros(1));
  model.registerParameter('shift', shift);
  // (PyTorch's order: the module's own parameters, then each child's.)
  assert.deepEqual(names(model), ['scale', 'shift', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  assert.deepEqual([...model.parameters()], [scale, shift, ...first]);

  // A submodule replaced: the old one's parameters are gone, the new one's are listed.
  const old = model.fc2;
  model.fc2 = new nn.Linear(28, 3, { bias: false });
  const after = [...model.parameters()];
  assert.equal(after.length, 5);
  assert.ok(after.includes(model.fc2.weight));
  assert.ok(!after.includes(old.weight) && !after.includes(old.bias!));

  // zeroGrad reaches the new submodule and leaves the replaced one alone.
  old.weight.grad = torch.ones(10, 28);
  model.fc2.weight.grad = torch.ones(3, 28);
  model.zeroGrad();
  assert.equal(model.fc2.weight.grad.abs().sum().item(), 0);
  assert.equal(old.weight.grad.sum().item(), 280);

  // A submodule and a parameter deleted.
  delete (model as unknown as { fc1?: nn.Linear }).fc1;
  delete (model as unknown as { scale?: nn.Parameter }).scale;
  assert.deepEqual(names(model), ['shift', 'fc2.weight']);

  // A shared parameter is listed once; recurse=false lists only the module's own.
  const shared = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 2));
  (shared.get(1) as nn.Linear).weight = (shared.get(0) as nn.Linear).weight;
  assert.deepEqual(names(shared), ['0.weight', '0.bias', '1.bias']);
  shared.append(new nn.Linear(2, 1));
  assert.equal([...shared.parameters()].length, 5);
  assert.deepEqual([...shared.parameters({ recurse: false })], []);
  assert.deepEqual([...model.parameters(false)], [shift]);
});
