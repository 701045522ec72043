// Runs the nn.Module fixtures of scripts/fixtures/nn_common.py: same seed, same
// initial state_dict, same outputs and gradients in train and eval mode.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { nn, Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from './fixtures.js';

interface InputJson extends TensorJson {
  requires_grad: boolean;
}

interface Run {
  mode: 'train' | 'eval';
  outputs: TensorJson[];
  grad_outputs?: TensorJson[];
  input_grads?: (TensorJson | null)[];
  param_grads?: Record<string, TensorJson>;
  state?: Record<string, TensorJson>;
}

export interface ModuleCase {
  name: string;
  seed: number;
  repr: string;
  init_state: Record<string, TensorJson>;
  inputs: InputJson[];
  runs: Run[];
  tol?: Tolerance;
}

export interface ModuleSpec {
  build: () => nn.Module;
  /** How the module is called (default: module.forward(...inputs)). */
  call?: (m: nn.Module, ...inputs: Tensor[]) => Tensor | Tensor[] | (Tensor | Tensor[])[];
}

function flatten(out: unknown): Tensor[] {
  if (out instanceof torch.Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(flatten);
  throw new Error(`module returned ${typeof out}`);
}

export function runModuleCase(c: ModuleCase, spec: ModuleSpec): void {
  torch.manualSeed(c.seed);
  const module = spec.build();
  assert.equal(String(module), c.repr, 'repr');
  const state = module.stateDict();
  assert.deepEqual(Object.keys(state), Object.keys(c.init_state), 'state_dict keys');
  for (const [k, v] of Object.entries(c.init_state)) assertTensor(state[k], v, { rtol: 0, atol: 0 }, `initial ${k}`);
  const tol = c.tol ?? {};
  const gradTol = c.tol ?? { rtol: 1e-4, atol: 1e-5 };
  for (const run of c.runs) {
    module.train(run.mode === 'train');
    module.zeroGrad({ setToNone: true });
    const leaves = c.inputs.map((i) => fromJson(i, { requiresGrad: i.requires_grad }));
    torch.manualSeed(c.seed + 1);
    const out = spec.call ? spec.call(module, ...leaves) : module.forward(...leaves);
    const outs = flatten(out);
    assert.equal(outs.length, run.outputs.length, `${run.mode}: number of outputs`);
    outs.forEach((o, k) => assertTensor(o, run.outputs[k], tol, `${run.mode} output ${k}`));
    if (run.grad_outputs) {
      const diff = outs.filter((o) => o.requiresGrad);
      torch.autograd.backward(diff, run.grad_outputs.map((g) => fromJson(g)));
      leaves.forEach((l, k) => {
        const want = run.input_grads?.[k] ?? null;
        if (want === null) assert.equal(l.grad, null, `${run.mode}: input ${k} grad`);
        else assertTensor(l.grad as Tensor, want, gradTol, `${run.mode} input ${k} grad`);
      });
      const named = Object.fromEntries(module.namedParameters());
      for (const [k, v] of Object.entries(run.param_grads ?? {})) {
        assert.ok(named[k]?.grad, `${run.mode}: ${k} has a grad`);
        assertTensor(named[k].grad as Tensor, v, gradTol, `${run.mode} grad of ${k}`);
      }
    }
    if (run.state) {
      const after = module.stateDict();
      for (const [k, v] of Object.entries(run.state)) assertTensor(after[k], v, tol, `${run.mode} state ${k}`);
    }
  }
}

/** Registers one test per fixture case; fails if a case has no TypeScript twin. */
export function moduleSuite(fixture: string, specs: Record<string, ModuleSpec>): void {
  const { cases } = loadFixture<{ cases: ModuleCase[] }>(fixture);
  describe(fixture, () => {
    for (const c of cases) {
      test(c.name, () => {
        const spec = specs[c.name];
        assert.ok(spec, `no TypeScript twin for ${c.name}`);
        runModuleCase(c, spec);
      });
    }
  });
}
