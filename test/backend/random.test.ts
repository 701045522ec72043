// randomFill: the native fills give the JS reference's numbers bit for bit and leave
// the generator in the same state, from any position in mt19937's 624-word block, for
// every size class (ragged normal tails, blocks split over threads), thread count, and
// both the AVX2 loops and the portable ones (setIsa('generic')).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { MtState, RandomFillKind } from '../../src/backend/backend.js';
import { allocate, type DType } from '../../src/backend/dtype.js';
import { getNumThreads, setNumThreads } from '../../src/backend/index.js';
import { Generator } from '../../src/tensor/random.js';
import { addon, js, native, skipNative } from './helpers.js';

/** A generator's mt19937 state after `skip` draws (getState's words and index). */
function state(seed: number, skip: number): MtState {
  const g = new Generator(seed);
  for (let i = 0; i < skip; i++) g.random();
  const s = g.snapshot();
  return { words: s.state, index: s.index };
}

const CASES: [RandomFillKind, DType, number[]][] = [
  ['uniform', 'float32', [-0.3, 0.7]],
  ['uniform', 'float32', [0, 1]],
  ['uniform', 'float64', [-2, 5]],
  ['normal', 'float32', [0, 1]],
  ['normal', 'float32', [0.5, 0.02]],
  ['normal', 'float64', [1, 3]],
  ['bernoulli', 'float32', [0.3]],
  ['bernoulli', 'float64', [0.5]],
  ['bernoulli', 'uint8', [0.9]],
  ['bernoulli', 'int32', [0.1]],
];

describe('randomFill: native = JS', { skip: skipNative }, () => {
  const initial = getNumThreads();
  after(() => {
    setNumThreads(initial);
    addon?.setIsa(addon.cpuIsa());
  });

  for (const [kind, dtype, params] of CASES) {
    test(`${kind} ${dtype} (${params.join(', ')})`, () => {
      for (const [threads, isa] of [[1, 'generic'], [1, addon!.cpuIsa()], [initial, addon!.cpuIsa()]] as const) {
        setNumThreads(threads);
        assert.ok(addon!.setIsa(isa));
        for (const n of [16, 17, 31, 624, 1000, 4097, 70001]) {
          for (const skip of [0, 1, 623]) {
            const a = state(n, skip);
            const b = state(n, skip);
            const x = allocate(dtype, n);
            const y = allocate(dtype, n);
            js.randomFill(kind, x, dtype, a, params);
            native!.randomFill(kind, y, dtype, b, params);
            for (let i = 0; i < n; i++) {
              if (!Object.is(x[i], y[i])) assert.fail(`n=${n} skip=${skip} threads=${threads} ${isa}: element ${i} is ${y[i]}, JS gives ${x[i]}`);
            }
            assert.equal(b.index, a.index, 'generator index');
            assert.deepEqual(b.words, a.words, 'generator words');
          }
        }
      }
    });
  }
});
