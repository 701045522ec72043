// Bit-exact against PyTorch (test/fixtures/float_rounding.json, scripts/fixtures/float_rounding.py):
// the float results PyTorch rounds its own way (fused multiply-adds in add/sub with alpha,
// tanh's backward and the optimizers; pow's formulas for some exponents; the hard
// activations' and the regression losses' C++ expressions), on whichever backend runs the suite, at a size below and
// one above the size where the native and wasm backends hand elementwise ops to JS kernels.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { backend } from '../../src/backend/index.js';
import { loadFixture } from '../helpers/fixtures.js';

type Recipe = [seed: number, lo: number, hi: number, edges: boolean];
interface Bits { dtype: 'float32' | 'float64'; base64: string }
interface Case {
  name: string; n: number; op: string; out: Bits;
  x?: Recipe; y?: Recipe | Bits; grad?: Recipe; alpha?: number; scalar?: number; exponent?: number; float64?: boolean;
  loss?: 'smooth_l1' | 'huber' | 'mse'; param?: number | null; reduction?: 'none' | 'mean' | 'sum';
}
interface OptimizerCase {
  name: string; n: number; optimizer: 'SGD' | 'Adam' | 'Adadelta'; options: Record<string, unknown>;
  param: Recipe; grads: Recipe[]; out: Bits;
}
const fixture = loadFixture<{ cases: Case[]; optimizers: OptimizerCase[] }>('float_rounding.json');

/** The fixture's inputs: torch.rand(n) scaled to [lo, hi) after manual_seed(seed), as the script draws them. */
function make([seed, lo, hi, edges]: Recipe, n: number): Tensor {
  torch.manualSeed(seed);
  const x = torch.rand([n]).mul(hi - lo).add(lo);
  if (edges) x.narrow(0, 0, 6).copy_(torch.tensor([-3, 3, -0, 6, -6, NaN]));
  return x;
}

function decode(b: Bits): Tensor {
  const bytes = Buffer.from(b.base64, 'base64');
  const copy = new Uint8Array(bytes).buffer;
  return torch.tensor(b.dtype === 'float32' ? new Float32Array(copy) : new Float64Array(copy));
}

/** Every bit equal (NaN payloads aside; -0 differs from 0). */
function assertBits(got: Tensor, want: Bits, label: string): void {
  const expected = decode(want);
  assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  const a = got.contiguous().toTypedArray() as Float32Array | Float64Array;
  const b = expected.toTypedArray() as Float32Array | Float64Array;
  assert.equal(a.length, b.length, `${label}: length`);
  let bad = 0, first = -1;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    if (first < 0) first = i;
    bad++;
  }
  assert.equal(bad, 0, `${label}: ${bad} of ${a.length} differ, first at ${first}: got ${a[first]}, PyTorch ${b[first]}`);
}

function run(c: Case): Tensor {
  const x = c.x ? make(c.x, c.n) : undefined;
  const y = c.y && Array.isArray(c.y) ? make(c.y, c.n) : undefined;
  const F = torch.nn.functional;
  switch (c.op) {
    case 'add': return c.scalar !== undefined ? x!.add(c.scalar, { alpha: c.alpha }) : x!.add(y!, { alpha: c.alpha });
    case 'sub': return x!.sub(y!, { alpha: c.alpha });
    case 'add_': return x!.clone().add_(y!, { alpha: c.alpha });
    case 'pow': return (c.float64 ? x!.double() : x!).pow(c.exponent!);
    case 'rsqrt': return torch.rsqrt(x!);
    case 'softsign': return F.softsign(x!);
    case 'hardsigmoid': return F.hardsigmoid(x!);
    case 'hardswish': return F.hardswish(x!);
    case 'softsign_backward':
    case 'hardsigmoid_backward':
    case 'hardswish_backward': {
      const xg = x!.clone().requiresGrad_();
      const fn = { softsign_backward: F.softsign, hardsigmoid_backward: F.hardsigmoid, hardswish_backward: F.hardswish }[c.op];
      fn(xg).backward(make(c.grad!, c.n));
      return xg.grad!;
    }
    case 'loss':
    case 'loss_backward': {
      const cast = (t: Tensor) => (c.float64 ? t.double() : t);
      const xg = cast(x!).requiresGrad_();
      const target = cast(y!), reduction = c.reduction;
      const out = c.loss === 'smooth_l1' ? F.smoothL1Loss(xg, target, { reduction, beta: c.param! })
        : c.loss === 'huber' ? F.huberLoss(xg, target, { reduction, delta: c.param! }) : F.mseLoss(xg, target, { reduction });
      if (c.op === 'loss') return out.detach();
      if (c.reduction === 'none') out.backward(cast(make(c.grad!, c.n)));
      else out.backward();
      return xg.grad!;
    }
    case 'sigmoidBackward':
    case 'tanhBackward': {
      // The kernel itself, on PyTorch's forward result (the forward's last bits are its own).
      const out = new Float32Array(c.n);
      backend().binary(c.op, make(c.grad!, c.n), decode(c.y as Bits), out, 1, []);
      return torch.tensor(out);
    }
    default: throw new Error(`no op ${c.op}`);
  }
}

function optimizer(c: OptimizerCase): torch.optim.Optimizer {
  const p = make(c.param, c.n).requiresGrad_();
  const o = c.options as { lr: number; momentum?: number; weight_decay?: number; nesterov?: boolean; betas?: [number, number]; rho?: number };
  const opts = { lr: o.lr, weightDecay: o.weight_decay };
  if (c.optimizer === 'SGD') return new torch.optim.SGD([p], { ...opts, momentum: o.momentum, nesterov: o.nesterov });
  if (c.optimizer === 'Adam') return new torch.optim.Adam([p], { ...opts, betas: o.betas });
  return new torch.optim.Adadelta([p], { ...opts, rho: o.rho });
}

describe('float rounding as PyTorch rounds it, bit for bit', () => {
  for (const c of fixture.cases) test(c.name, () => assertBits(run(c), c.out, c.name));
  for (const c of fixture.optimizers) {
    test(c.name, () => {
      const opt = optimizer(c);
      const p = opt.paramGroups[0].params[0];
      for (const g of c.grads) {
        p.grad = make(g, c.n);
        opt.step();
      }
      assertBits(p.detach(), c.out, c.name);
    });
  }
});
