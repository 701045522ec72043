// The native thread pool: resizing, jobs posted the instant workers start (a race
// that once deadlocked), and identical results for every thread count.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { getNumThreads, nativeAddon, setNumThreads } from '../../src/backend/index.js';
import { assertArraysClose, EXACT, js, native, outFor, randomView, rng, skipNative, testingWasm } from './helpers.js';

describe('native thread pool', { skip: skipNative || (testingWasm && 'the WebAssembly build is single-threaded') }, () => {
  const initial = getNumThreads();
  after(() => setNumThreads(initial));

  test('setNumThreads / getNumThreads', () => {
    for (const n of [1, 3, 2, initial]) {
      setNumThreads(n);
      assert.equal(getNumThreads(), n);
      assert.equal(nativeAddon()!.getNumThreads(), n);
    }
    assert.throws(() => setNumThreads(0), RangeError);
  });

  test('jobs right after the pool is rebuilt, results independent of the thread count', () => {
    const r = rng(71);
    const a = randomView(r, 'float32', [300, 200], { strided: 0 });
    const b = randomView(r, 'float32', [200, 150], { strided: 0 });
    const x = randomView(r, 'float32', [400, 300], { strided: 0 });
    const ref = outFor('float32', [300, 150]);
    setNumThreads(1);
    native!.matmul(a, b, ref);
    for (let i = 0; i < 40; i++) {
      setNumThreads(1 + (i % 4)); // new workers, then work at once
      const c = outFor('float32', [300, 150]);
      native!.matmul(a, b, c);
      assertArraysClose(c, ref, { rtol: 1e-6, atol: 1e-5 }, `matmul with ${1 + (i % 4)} threads`);
      const e1 = outFor('float32', x.shape), e2 = outFor('float32', x.shape);
      native!.unary('exp', x, e1);
      js.unary('exp', x, e2);
      assertArraysClose(e1, e2, { rtol: 4e-6, atol: 0 }, 'exp');
      const s1 = outFor('float32', []), s2 = outFor('float32', []);
      native!.binary('mul', x, x, e1);
      js.binary('mul', x, x, e2);
      assertArraysClose(e1, e2, EXACT, 'mul');
      void s1;
      void s2;
    }
  });
});
