// PyTorch's deprecated scalar-first overloads (x.add_(alpha, other), x.addcmul_(value, t1, t2),
// torch.add(input, alpha, other), …) against PyTorch 1.13 (scripts/fixtures/ops_deprecated_overloads.py):
// they mean what they mean there, and the first one used warns once, with PyTorch's text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const fx = loadFixture<{ results: Record<string, TensorJson>; warnings: string[] }>('ops_deprecated_overloads.json');
// Untyped: TypeScript's types have only the current overloads.
type Loose = (...args: unknown[]) => Tensor;
const m = (x: Tensor, name: string): Loose => (x as unknown as Record<string, Loose>)[name].bind(x);
const T = torch as unknown as Record<string, Loose>;

const CALLS: Record<string, (p: Tensor, t: Tensor) => Tensor> = {
  add_: (p, t) => m(p.clone(), 'add_')(-0.5, t),
  add: (p, t) => m(p, 'add')(-0.5, t),
  sub_: (p, t) => m(p.clone(), 'sub_')(2, t),
  sub: (p, t) => m(p, 'sub')(2, t),
  'torch.add': (p, t) => T.add(p, 2, t),
  'torch.sub': (p, t) => T.sub(p, 2, t),
  addcmul_: (p, t) => m(p.clone(), 'addcmul_')(0.5, t, t.mul(3)),
  addcmul: (p, t) => m(p, 'addcmul')(0.5, t, t.mul(3)),
  addcdiv_: (p, t) => m(p.clone(), 'addcdiv_')(0.5, t, t.mul(4)),
  addcdiv: (p, t) => m(p, 'addcdiv')(0.5, t, t.mul(4)),
  'torch.addcmul': (p, t) => T.addcmul(p, 0.5, t, t.mul(3)),
  'torch.addcdiv': (p, t) => T.addcdiv(p, 0.5, t, t.mul(4)),
};

test('the scalar-first overloads give PyTorch\'s results; the first one used warns once, as PyTorch', async () => {
  const seen: string[] = [];
  const onWarning = (w: Error): number => seen.push(w.message);
  process.on('warning', onWarning);
  try {
    torch.manualSeed(0);
    const p = torch.randn([5]);
    const t = torch.randn([5]);
    for (const [name, call] of Object.entries(CALLS)) assertTensor(call(p, t), fx.results[name], { rtol: 0, atol: 0 }, name);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(seen, fx.warnings);
});
