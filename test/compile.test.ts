// torch.compile (scripts/fixtures/compile_module.py: PyTorch 2's OptimizedModule, less the
// compiling): the wrapper's repr, `_orig_mod.` state-dict keys and outputs; attributes read
// through to the module; functions, options-only calls, decorators, and PyTorch's errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from './helpers/fixtures.js';

const { nn } = torch;
const want = loadFixture<{ repr: string; state_dict: string[]; parameters: string[]; x: TensorJson; y: TensorJson; running_mean: TensorJson; scale: number }>('compile_module.json');

class Net extends nn.Module {
  fc = new nn.Linear(3, 2);
  bn = new nn.BatchNorm1d(2);
  scale = 2.0;
  override forward(x: Tensor): Tensor {
    return this.bn.forward(this.fc.forward(x)).mul(this.scale);
  }
  twice(n: number): number {
    return this.scale * n;
  }
}

test("a compiled module is PyTorch's OptimizedModule around it: repr, keys, outputs", () => {
  torch.manualSeed(0);
  const net = new Net();
  const compiled = torch.compile(net);
  assert.ok(compiled instanceof torch.OptimizedModule);
  assert.equal(String(compiled), want.repr);
  assert.deepEqual(Object.keys(compiled.stateDict()), want.state_dict);
  assert.deepEqual([...compiled.namedParameters()].map(([n]) => n), want.parameters);
  assertTensor(compiled.forward(fromJson(want.x)), want.y);
  assertTensor(net.bn.running_mean!, want.running_mean);
  // attributes and methods the wrapper lacks are the module's
  assert.equal(compiled.scale, want.scale);
  assert.equal(compiled.twice(3), 6);
  assert.equal(compiled.fc, net.fc);
  assert.equal((compiled as unknown as { _orig_mod: unknown })._orig_mod, net);
  compiled.eval();
  assert.equal(net.training, false);
  // nanoGPT's resume: a compiled model's checkpoint loads into a compiled model
  const again = torch.compile(new Net());
  again.loadStateDict(compiled.stateDict());
  assert.ok(torch.equal(again.fc.weight, net.fc.weight));
});

test('compile(fn), compile(options)(model), @compile on a method, disable', () => {
  const sin = torch.compile((x: Tensor) => x.sin());
  const x = torch.randn(5);
  assert.ok(torch.equal(sin(x), x.sin()));
  const withMode = torch.compile({ mode: 'max-autotune', fullgraph: true });
  assert.ok(withMode(new Net()) instanceof torch.OptimizedModule);
  const net = new Net();
  assert.equal(torch.compile(net, { disable: true }), net);
  class Model {
    factor = 3;
    @torch.compile
    run(x: Tensor): Tensor {
      return x.mul(this.factor);
    }
  }
  assert.ok(torch.equal(new Model().run(x), x.mul(3)));
});

test("compile's arguments are checked as PyTorch checks them", () => {
  const net = new Net();
  assert.throws(() => torch.compile(net, { mode: 'fast' }), { message: 'Unrecognized mode=fast, should be one of: default, reduce-overhead, max-autotune, max-autotune-no-cudagraphs' });
  assert.throws(() => torch.compile(net, { backend: 'tensorrt' }), { message: "Invalid backend: 'tensorrt', see torch._dynamo.list_backends() for available backends." });
  assert.throws(() => torch.compile(net, { mode: 'default', options: { trace: true } }), { message: "Either mode or options can be specified, but both can't be specified at the same time." });
  assert.throws(() => torch.compile(net, { backend: () => null }), /custom backend compiles torch\.fx graphs/);
  assert.throws(() => torch.compile(net, { full_graph: true } as never), /unexpected option 'full_graph'/);
});
