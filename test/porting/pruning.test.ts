// The pruning tutorial (intermediate_source/pruning_tutorial.py) transcribed line for line:
// LeNet, random_unstructured / l1_unstructured / ln_structured on conv1 (the iterative pruning
// that makes a PruningContainer), state-dict keys, remove, per-layer l1_unstructured,
// global_unstructured and a custom BasePruningMethod; then what the tutorial leaves out
// (random_structured, importance scores, custom_from_mask, training through weight_orig, Python's
// round() of fractions, errors). Against the same program run by PyTorch
// (scripts/fixtures/porting_pruning.py): same masks bit for bit, same outputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;
const prune = nn.utils.prune;

interface Fixture {
  tutorial: {
    params0: string[]; buffers0: string[]; params1: string[]; buffers1: string[]; weight1: TensorJson; mask1: string;
    params2: string[]; buffers2: string[]; bias2: TensorJson; weight3: TensorJson; mask3: string; history: string[];
    state_keys: string[]; output3: TensorJson; params4: string[]; buffers4: string[]; state_keys4: string[]; weight4: TensorJson; is_pruned4: boolean;
    new_buffers: string[]; new_masks: Record<string, string>; new_output: TensorJson;
    global_sparsity: string[]; global_total: string; global_masks: Record<string, string>; global_output: TensorJson; foobar_mask: TensorJson;
  };
  extras: {
    random_structured_mask: string; random_structured_mask2: string; combined_mask: string; combined_history: string[];
    importance_mask: string; ln_inf_mask: string; custom_bias: TensorJson; custom_bias_mask: TensorJson;
    grad_orig: TensorJson; after_step: TensorJson; params_order: string[]; rounds: Record<string, number>; prune_method: TensorJson;
    errors: Record<string, string>; after_error: string[];
  };
}
const fx = loadFixture<Fixture>('porting_pruning.json');
const TOL = { rtol: 1e-5, atol: 1e-6 };

class LeNet extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  fc3: nn.Linear;
  constructor() {
    super();
    // 1 input image channel, 6 output channels, 3x3 square conv kernel
    this.conv1 = new nn.Conv2d(1, 6, 3);
    this.conv2 = new nn.Conv2d(6, 16, 3);
    this.fc1 = new nn.Linear(16 * 5 * 5, 120); // 5x5 image dimension
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, 10);
  }

  override forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1.forward(x)), [2, 2]);
    x = F.maxPool2d(F.relu(this.conv2.forward(x)), 2);
    x = x.view(-1, Math.trunc(x.nelement() / x.shape[0]));
    x = F.relu(this.fc1.forward(x));
    x = F.relu(this.fc2.forward(x));
    x = this.fc3.forward(x);
    return x;
  }
}

const bits = (mask: Tensor): string => Array.from(mask.reshape(-1).ne(0).toTypedArray() as Uint8Array, (v) => String(v)).join('');
const names = (it: Iterable<[string, unknown]>): string[] => [...it].map(([n]) => n);

class FooBarPruningMethod extends prune.BasePruningMethod {
  /** Prune every other entry in a tensor */
  static override PRUNING_TYPE = 'unstructured' as const;

  override computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const mask = defaultMask.clone();
    mask.view(-1).indexPut_(['::2'], 0);
    return mask;
  }
}

function foobarUnstructured(module: nn.Module, name: string): nn.Module {
  FooBarPruningMethod.apply(module, name);
  return module;
}

test('pruning tutorial: random/l1/ln pruning of conv1, containers, remove, global pruning, a custom method, as PyTorch', () => {
  const t = fx.tutorial;
  torch.manualSeed(0);
  let model = new LeNet();
  const x = torch.randn(2, 1, 28, 28);
  let module: nn.Module = model.conv1;
  assert.deepEqual(names(module.namedParameters()), t.params0);
  assert.deepEqual(names(module.namedBuffers()), t.buffers0);
  prune.randomUnstructured(module, 'weight', { amount: 0.3 });
  assert.deepEqual(names(module.namedParameters()), t.params1);
  assert.deepEqual(names(module.namedBuffers()), t.buffers1);
  assertTensor(model.conv1.weight, t.weight1, TOL, 'weight after random_unstructured');
  assert.equal(bits((module as unknown as { weight_mask: Tensor }).weight_mask), t.mask1);
  prune.l1Unstructured(module, 'bias', { amount: 3 });
  assert.deepEqual(names(module.namedParameters()), t.params2);
  assert.deepEqual(names(module.namedBuffers()), t.buffers2);
  assertTensor(model.conv1.bias!, t.bias2, TOL, 'bias after l1_unstructured');
  // Iterative Pruning
  prune.lnStructured(module, 'weight', { amount: 0.5, n: 2, dim: 0 });
  assertTensor(model.conv1.weight, t.weight3, TOL, 'weight after ln_structured');
  assert.equal(bits((module as unknown as { weight_mask: Tensor }).weight_mask), t.mask3);
  const hook = prune.pruningMethodOf(module, 'weight') as InstanceType<typeof prune.PruningContainer>;
  assert.deepEqual([...hook].map((m) => m.constructor.name), t.history); // pruning history in the container
  assert.deepEqual(Object.keys(model.stateDict()), t.state_keys);
  assertTensor(model.forward(x), t.output3, TOL, 'output of the pruned model');
  // Remove
  prune.remove(module, 'weight');
  assert.deepEqual(names(module.namedParameters()), t.params4);
  assert.deepEqual(names(module.namedBuffers()), t.buffers4);
  assert.deepEqual(Object.keys(model.stateDict()), t.state_keys4);
  assertTensor(model.conv1.weight, t.weight4, TOL, 'weight after remove');
  assert.ok(model.conv1.weight instanceof nn.Parameter);
  assert.equal(prune.isPruned(model), t.is_pruned4);

  // Pruning multiple parameters in a model
  const newModel = new LeNet();
  for ([, module] of newModel.namedModules()) {
    // prune 20% of connections in all 2D-conv layers
    if (module instanceof nn.Conv2d) prune.l1Unstructured(module, 'weight', { amount: 0.2 });
    // prune 40% of connections in all linear layers
    else if (module instanceof nn.Linear) prune.l1Unstructured(module, 'weight', { amount: 0.4 });
  }
  assert.deepEqual(Object.keys(Object.fromEntries(newModel.namedBuffers())), t.new_buffers); // to verify that all masks exist
  for (const [n, b] of newModel.namedBuffers()) assert.equal(bits(b), t.new_masks[n], n);
  assertTensor(newModel.forward(x), t.new_output, TOL, 'output with every layer pruned');

  // Global pruning
  model = new LeNet();
  const parametersToPrune: [nn.Module, string][] = [
    [model.conv1, 'weight'],
    [model.conv2, 'weight'],
    [model.fc1, 'weight'],
    [model.fc2, 'weight'],
    [model.fc3, 'weight'],
  ];
  prune.globalUnstructured(parametersToPrune, { pruningMethod: prune.L1Unstructured, amount: 0.2 });
  const sparsity = [...model.namedChildren()].map(([n, m]) => {
    const w = (m as nn.Linear).weight;
    return `Sparsity in ${n}.weight: ${((100 * Number(torch.sum(w.eq(0)).item())) / w.nelement()).toFixed(2)}%`;
  });
  assert.deepEqual(sparsity, t.global_sparsity);
  const children = [...model.children()] as nn.Linear[];
  const zeros = children.reduce((s, m) => s + Number(torch.sum(m.weight.eq(0)).item()), 0);
  const total = children.reduce((s, m) => s + m.weight.nelement(), 0);
  assert.equal(`Global sparsity: ${((100 * zeros) / total).toFixed(2)}%`, t.global_total);
  for (const [n, b] of model.namedBuffers()) assert.equal(bits(b), t.global_masks[n], n);
  assertTensor(model.forward(x), t.global_output, TOL, 'output after global pruning');

  // Extending torch.nn.utils.prune with custom pruning functions
  model = new LeNet();
  foobarUnstructured(model.fc3, 'bias');
  assertTensor((model.fc3 as unknown as { bias_mask: Tensor }).bias_mask, t.foobar_mask, {}, 'FooBar mask');
});

test('pruning beyond the tutorial: random_structured, stacked methods, importance scores, custom_from_mask, training, as PyTorch', () => {
  const e = fx.extras;
  torch.manualSeed(1);
  const lin = new nn.Linear(6, 5);
  const maskOf = (m: nn.Module, name = 'weight') => (m as unknown as Record<string, Tensor>)[`${name}_mask`];
  prune.randomStructured(lin, 'weight', { amount: 2, dim: 0 });
  assert.equal(bits(maskOf(lin)), e.random_structured_mask);
  prune.randomStructured(lin, 'weight', { amount: 0.4, dim: 1 });
  assert.equal(bits(maskOf(lin)), e.random_structured_mask2);
  prune.l1Unstructured(lin, 'weight', { amount: 0.25 });
  assert.equal(bits(maskOf(lin)), e.combined_mask);
  assert.deepEqual([...(prune.pruningMethodOf(lin, 'weight') as InstanceType<typeof prune.PruningContainer>)].map((m) => m.constructor.name), e.combined_history);

  const lin2 = new nn.Linear(4, 3);
  const scores = torch.arange(12, { dtype: torch.float32 }).view(3, 4).flip(1);
  prune.l1Unstructured(lin2, 'weight', { amount: 5, importanceScores: scores });
  assert.equal(bits(maskOf(lin2)), e.importance_mask);
  prune.lnStructured(lin2, 'weight', { amount: 1n, n: Infinity, dim: 1 }); // amount=1 (an int): 1n, see the ambiguity test
  assert.equal(bits(maskOf(lin2)), e.ln_inf_mask);
  prune.customFromMask(lin2, 'bias', { mask: torch.tensor([1, 0, 1]) });
  assertTensor(lin2.bias!, e.custom_bias, TOL, 'bias from a custom mask');
  assertTensor(maskOf(lin2, 'bias'), e.custom_bias_mask, {}, 'custom bias mask');
  // the forward pre-hook recomputes weight from weight_orig after an optimizer step
  const opt = new torch.optim.SGD(lin2.parameters(), { lr: 0.1 });
  const y = lin2.forward(torch.ones(2, 4)).sum();
  y.backward();
  assertTensor((lin2 as unknown as { weight_orig: Tensor }).weight_orig.grad!, e.grad_orig, TOL, 'grad of weight_orig');
  opt.step();
  assertTensor(lin2.forward(torch.ones(1, 4)), e.after_step, TOL, 'output after a step');
  assert.deepEqual(names(lin2.namedParameters()), e.params_order);

  // fractions round as Python's round(): half to even
  for (const [key, want] of Object.entries(e.rounds)) {
    const [size, amount] = key.split(':').map(Number);
    const mask = new prune.L1Unstructured(amount).computeMask(torch.arange(1, size + 1, { dtype: torch.float32 }), torch.ones(size));
    assert.equal(Number(mask.eq(0).sum().item()), want, key);
  }
  const m = new prune.L1Unstructured({ amount: 2 });
  assertTensor(m.prune(torch.tensor([3, -1, 2, -5], { dtype: torch.float32 })), e.prune_method, {}, 'BasePruningMethod.prune');
});

test('pruning errors are PyTorch\'s; a failed pruning leaves the module as it was; amount=1 is refused as ambiguous', () => {
  const e = fx.extras;
  assert.throws(() => prune.l1Unstructured(new nn.Linear(2, 2), 'weight', { amount: -1 }), { message: e.errors.amount_neg });
  assert.throws(() => prune.l1Unstructured(new nn.Linear(2, 2), 'weight', { amount: 1.5 }), { message: e.errors.amount_big_float });
  assert.throws(() => prune.l1Unstructured(new nn.Linear(2, 2), 'weight', { amount: 5 }), { message: e.errors.amount_too_many });
  assert.throws(() => prune.lnStructured(new nn.Linear(2, 2), 'bias', { amount: 0.5, n: 2, dim: 0 }), { message: e.errors.structured_1d });
  assert.throws(() => prune.lnStructured(new nn.Linear(2, 2), 'weight', { amount: 0.5, n: 2, dim: 2 }), { message: e.errors.structured_dim });
  assert.throws(() => prune.remove(new nn.Linear(2, 2), 'weight'), (err: Error) => err.message.startsWith(e.errors.remove_unpruned));
  const lin3 = new nn.Linear(2, 2);
  assert.throws(() => prune.l1Unstructured(lin3, 'weight', { amount: 5 }));
  assert.deepEqual([...names(lin3.namedParameters()), ...names(lin3.namedBuffers())], e.after_error);
  // amount=1 means one entry (int) or all of them (float 1.0) in PyTorch: refused, 1n is the int
  assert.throws(() => prune.l1Unstructured(new nn.Linear(2, 2), 'weight', { amount: 1 }), /ambiguous/);
  const one = prune.l1Unstructured(new nn.Linear(2, 2), 'weight', { amount: 1n });
  assert.equal(Number((one as unknown as { weight_mask: Tensor }).weight_mask.eq(0).sum().item()), 1);
  assert.equal(prune.isPruned(one), true);
});
