// The seeds' autograd programs, observation by observation against PyTorch
// (scripts/fixtures/programs.py runs the same programs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

/** Python's repr of what the programs observe. */
function repr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `(${v.map(repr).join(', ')})`;
  return String(v);
}

function err(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return 'error: ' + (e as Error).message.split('\n')[0];
  }
  return 'no error';
}

const fnName = (t: Tensor) => t.gradFn?.name ?? null;

const PROGRAMS: Record<string, () => string[]> = {
  seed004_grad_fn() {
    const a = torch.tensor(5.0, { requiresGrad: true });
    const b = a.mul(5);
    const c = b.div(2);
    const obs = [repr(b), repr(c)];
    const d = torch.noGrad(() => b.mul(c));
    obs.push(repr(d));
    c.backward();
    obs.push(repr(a.grad));
    return obs;
  },

  seed004_two_leaves() {
    const a = torch.tensor(5.0, { requiresGrad: true });
    const a2 = torch.tensor(5.0, { requiresGrad: true });
    const b = a.mul(5);
    const c = b.div(2).add(a2.mul(5));
    const obs = [repr(b), repr(c)];
    const d = torch.noGrad(() => b.mul(c));
    obs.push(repr(d));
    c.backward();
    obs.push(repr(a.grad), repr(b.grad), repr(a2.grad));
    return obs;
  },

  seed004_x_grad_is_half_x() {
    torch.manualSeed(0);
    const x = torch.randn(2, 2, { requiresGrad: true });
    const y = x.pow(2);
    const obs = [repr(x), repr(y), repr(fnName(y))];
    const z = y.mean();
    obs.push(repr(z), repr(x.grad), repr(y.grad));
    z.backward();
    obs.push(repr(x.grad), repr(x.div(2)), repr(torch.equal(x.grad as Tensor, x.div(2))));
    return obs;
  },

  seed003_linear_regression_raw() {
    torch.manualSeed(0);
    const x = torch.rand([500, 1]);
    const y = x.mul(3).add(0.8);
    const w = torch.rand([1, 1], { requiresGrad: true });
    const b = torch.tensor(0, { requiresGrad: true, dtype: 'float32' });
    const learning = 0.01;
    const obs: string[] = [];
    for (let i = 0; i < 100; i++) {
      const yPredict = torch.matmul(x, w).add(b);
      const loss = y.sub(yPredict).pow(2).mean();
      if (w.grad !== null) w.grad.data.zero_();
      if (b.grad !== null) b.grad.data.zero_();
      loss.backward();
      w.data = w.data.sub((w.grad as Tensor).mul(learning));
      b.data = b.data.sub((b.grad as Tensor).mul(learning));
      if ((1 + i) % 20 === 0) obs.push(repr([w.item(), b.item(), loss.item()]));
    }
    obs.push(repr(w), repr(b), repr(w.grad));
    return obs;
  },

  second_backward_error() {
    const x = torch.tensor([1.0, 2.0], { requiresGrad: true, dtype: 'float32' });
    const y = x.mul(x).sum();
    y.backward();
    return [err(() => y.backward()), repr(x.grad)];
  },

  retain_graph_accumulates() {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(null, { retainGraph: true });
    const obs = [repr(x.grad)];
    y.backward();
    obs.push(repr(x.grad));
    (x.grad as Tensor).zero_();
    x.mul(3).sum().backward();
    obs.push(repr(x.grad));
    return obs;
  },

  non_scalar_backward() {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const obs = [err(() => y.backward())];
    y.backward(torch.tensor([1.0, 0.1]));
    obs.push(repr(x.grad));
    obs.push(err(() => x.mul(2).backward(torch.tensor([1, 2, 3], { dtype: 'float32' }))));
    obs.push(err(() => torch.tensor([1], { dtype: 'float32' }).sum().backward()));
    return obs;
  },

  retain_grad_and_hooks() {
    const x = torch.tensor([1, -2, 3], { requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    const seen: string[] = [];
    y.registerHook((g) => void seen.push(repr(g)));
    x.registerHook((g) => g.mul(10));
    const z = y.mul(y).sum();
    z.backward();
    return [repr(y.grad), repr(x.grad), ...seen, repr(y.isLeaf), repr(x.isLeaf), repr(z.requiresGrad)];
  },

  detach_and_no_grad() {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    const obs = [repr(d), repr(d.requiresGrad), repr(d.isLeaf)];
    const n = torch.noGrad(() => x.mul(3));
    obs.push(repr(n), repr(n.gradFn), repr(n.requiresGrad));
    torch.setGradEnabled(false);
    const m = x.mul(4);
    torch.setGradEnabled(true);
    obs.push(repr(m.requiresGrad), repr(torch.isGradEnabled()));
    const e = torch.enableGrad(() => x.mul(5));
    obs.push(repr(e));
    d.add_(1);
    obs.push(repr(y), repr(y._version));
    return obs;
  },

  inplace_errors() {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const obs = [err(() => x.add_(1))];
    torch.noGrad(() => x.add_(1));
    obs.push(repr(x));
    const y = x.exp();
    y.add_(1);
    obs.push(err(() => y.sum().backward()));
    const z = x.mul(1);
    const w = z.sin();
    z.mul_(2);
    obs.push(err(() => w.sum().backward()));
    const v = x.index('0:1');
    obs.push(err(() => v.mul_(2)));
    return obs;
  },

  data_and_requires_grad() {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    w.mul(w).sum().backward();
    w.data = w.data.sub((w.grad as Tensor).mul(0.1));
    const obs = [repr(w), repr(w.grad), repr(w.isLeaf)];
    w.data.mul_(2);
    obs.push(repr(w));
    const y = w.mul(2);
    obs.push(err(() => (y.requiresGrad = false)));
    const t = torch.tensor([1, 2]);
    obs.push(err(() => t.requiresGrad_()));
    const u = torch.tensor([1.0, 2.0], { dtype: 'float32' }).requiresGrad_();
    obs.push(repr(u));
    u.requiresGrad = false;
    obs.push(repr(u));
    return obs;
  },

  autograd_grad_higher_order() {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.pow(3).sum();
    const [g] = torch.autograd.grad(y, x, { createGraph: true });
    const obs = [repr(g)];
    const [g2] = torch.autograd.grad((g as Tensor).sum(), x);
    obs.push(repr(g2), repr(x.grad));
    const a = torch.tensor(2.0, { requiresGrad: true });
    const b = torch.tensor(3.0, { requiresGrad: true });
    const out = a.mul(b).add(a.exp());
    const [ga, gb] = torch.autograd.grad(out, [a, b], { retainGraph: true });
    obs.push(repr(ga), repr(gb));
    const c = torch.tensor(1.0, { requiresGrad: true });
    obs.push(err(() => torch.autograd.grad(out, [c])));
    obs.push(repr(torch.autograd.grad(out, [a, c], { allowUnused: true })));
    const z = x.sin().sum();
    z.backward(null, { createGraph: true });
    obs.push(repr(x.grad));
    return obs;
  },

  custom_function() {
    class MyReLU extends torch.autograd.Function {
      static forward(ctx: torch.autograd.FunctionCtx, input: Tensor): Tensor {
        ctx.saveForBackward(input);
        return input.clamp(0);
      }
      static backward(ctx: torch.autograd.FunctionCtx, gradOutput: Tensor): Tensor {
        const [input] = ctx.savedTensors;
        const grad = gradOutput.clone();
        grad.indexPut_([input.lt(0)], 0);
        return grad;
      }
    }
    const x = torch.tensor([-1, 2, -3, 4], { requiresGrad: true });
    const y = MyReLU.apply(x);
    const obs = [repr(y), repr(fnName(y))];
    y.mul(torch.tensor([1, 2, 3, 4], { dtype: 'float32' })).sum().backward();
    obs.push(repr(x.grad));
    return obs;
  },

  shared_subgraph_order() {
    torch.manualSeed(3);
    const x = torch.randn(3, { requiresGrad: true });
    const a = x.mul(2);
    const b = a.exp();
    const c = a.sin();
    const d = b.mul(c).add(a).sum();
    d.backward();
    return [repr(x.grad)];
  },

  views_share_storage() {
    const x = torch.arange(6, { dtype: 'float32' }).view(2, 3);
    const v = x.index(1);
    v.mul_(10);
    const t = x.t();
    const obs = [repr(x), repr(t.isContiguous()), repr(x._version), repr(v._version)];
    t.indexPut_([0, 1], -1);
    obs.push(repr(x));
    return obs;
  },
};

/** A tuple of plain numbers, e.g. '(0.48, 0.71, 2.42)', or null. */
function numbers(s: string): number[] | null {
  const m = /^\((.*)\)$/.exec(s);
  if (!m) return null;
  const parts = m[1].split(', ').map(Number);
  return parts.every((v) => Number.isFinite(v)) ? parts : null;
}

const expected = loadFixture<Record<string, string[]>>('programs.json');

for (const [name, want] of Object.entries(expected)) {
  test(name, () => {
    const program = PROGRAMS[name];
    assert.ok(program, `program ${name} has no TypeScript twin`);
    const got = program();
    assert.equal(got.length, want.length, 'number of observations');
    want.forEach((w, i) => {
      const [a, b] = [numbers(got[i]), numbers(w)];
      if (a && b) {
        // Values printed at full precision: float32 sums may differ in the last bits.
        assert.equal(a.length, b.length);
        a.forEach((v, k) => assert.ok(Math.abs(v - b[k]) <= 1e-5 * Math.abs(b[k]) + 1e-7, `observation ${i}: ${got[i]} vs ${w}`));
      } else {
        assert.equal(got[i], w, `observation ${i}`);
      }
    });
  });
}
