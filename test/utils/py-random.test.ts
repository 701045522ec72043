// torch.utils.pyRandom against CPython 3.11's `random` (scripts/fixtures/py_random.py):
// the same seeds give the same draws, bit for bit where Python computes in doubles as
// JavaScript does (gauss and normalvariate call libm's log/cos/sin/sqrt/exp: compared to 1 ulp-ish).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PythonRandom } from '../../src/utils/py-random.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture<Record<string, unknown>>('py_random.json');

function close(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 4e-16 * Math.max(1, Math.abs(want[i])), `${what}[${i}]: ${g} vs ${want[i]}`));
}

test('uniform, getrandbits and expovariate draw as Python', () => {
  let r = new PythonRandom(543);
  assert.deepEqual(Array.from({ length: 8 }, () => r.uniform(-0.05, 0.05)), fx.uniform);
  r = new PythonRandom(0);
  assert.deepEqual([0, 1, 7, 31, 32, 33, 53, 64, 100].map((k) => String(r.getrandbits(k))), fx.getrandbits);
  assert.equal(typeof new PythonRandom(0).getrandbits(53), 'number');
  assert.equal(typeof new PythonRandom(0).getrandbits(54), 'bigint');
  assert.throws(() => r.getrandbits(-1), { message: 'number of bits must be non-negative' });
  r = new PythonRandom(3);
  close(Array.from({ length: 5 }, () => r.expovariate(1.5)), fx.expovariate as number[], 'expovariate');
});

test("gauss keeps its pair's second value across getState/setState and drops it on seed()", () => {
  const r = new PythonRandom(1);
  close([...Array.from({ length: 5 }, () => r.gauss()), ...Array.from({ length: 4 }, () => r.gauss(3.0, 0.5))], fx.gauss as number[], 'gauss');
  r.gauss();
  const state = r.getState();
  close(Array.from({ length: 3 }, () => r.gauss()), fx.gauss_after_state as number[], 'after getState');
  r.setState(state);
  close(Array.from({ length: 3 }, () => r.gauss()), fx.gauss_restored as number[], 'restored');
  r.gauss();
  r.seed(1);
  close(Array.from({ length: 3 }, () => r.gauss()), fx.gauss_reseeded as number[], 'reseeded');
});

test('normalvariate as Python', () => {
  const r = new PythonRandom(2);
  close([...Array.from({ length: 6 }, () => r.normalvariate()), ...Array.from({ length: 3 }, () => r.normalvariate(-1.0, 2.0))], fx.normalvariate as number[], 'normalvariate');
});

test('sample: the pool method for small populations, the index set for large ones, as Python', () => {
  const r = new PythonRandom(4);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  assert.deepEqual([...[0, 1, 2].map(() => r.sample(range(10), 4)), r.sample(range(30), 7)], fx.sample_small);
  assert.deepEqual([...[0, 1, 2].map(() => r.sample(range(1000), 5)), r.sample(range(200), 30)], fx.sample_large);
  assert.deepEqual(r.sample([...'abcdef'], 6), fx.sample_all);
  assert.throws(() => r.sample([1, 2], 3), { message: 'Sample larger than population or is negative' });
});
