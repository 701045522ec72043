// The native thread pool (or, in the wasm pass, the threaded WebAssembly build's
// workers): resizing, jobs posted the instant workers start (a race that once
// deadlocked), and identical results for every thread count.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { backendInfo, getNumThreads, setNumThreads } from '../../src/backend/index.js';
import { addon, assertArraysClose, EXACT, js, native, outFor, randomView, rng, skipNative, testingWasm } from './helpers.js';

const singleWasm = testingWasm && !/torchlette-threads(-relaxed)?\.wasm$/.test(backendInfo().wasm?.path ?? '');

describe('native thread pool', { skip: skipNative || (singleWasm && 'the single-threaded WebAssembly build') }, () => {
  const initial = getNumThreads();
  after(() => setNumThreads(initial));

  test('setNumThreads / getNumThreads', () => {
    for (const n of [1, 3, 2, initial]) {
      setNumThreads(n);
      assert.equal(getNumThreads(), n);
      assert.equal(addon!.getNumThreads(), n);
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

  test('with the workers started: matmul, conv and reductions equal the one-thread results', async () => {
    setNumThreads(2);
    // Workers start asynchronously (a wasm worker some milliseconds after its Worker).
    await new Promise((r) => setTimeout(r, 500));
    const r = rng(72);
    const a = randomView(r, 'float32', [257, 130], { strided: 0 });
    const b = randomView(r, 'float32', [130, 191], { strided: 0 });
    const x = randomView(r, 'float32', [4, 3, 33, 29], { strided: 0 });
    const w = randomView(r, 'float32', [8, 3, 3, 3], { strided: 0 });
    const run = () => {
      const c = outFor('float32', [257, 191]);
      native!.matmul(a, b, c);
      const y = outFor('float32', [4, 8, 31, 27]);
      native!.conv2d(x, w, null, { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }, y, [4, 8, 31, 27]);
      const s = outFor('float32', [4]);
      native!.reduce('sum', x, [1, 2, 3], s);
      return [c, y, s];
    };
    const two = run();
    setNumThreads(1);
    const one = run();
    for (let i = 0; i < one.length; i++) assertArraysClose(two[i], one[i], EXACT, `result ${i}`);
  });
});

// The threaded WebAssembly build's pool, in child processes on that build whatever this
// pass tests (a failure turns the pool off for the whole process).
describe('threaded WebAssembly pool', () => {
  const runChild = (name: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TORCHLETTE_BACKEND: 'wasm' };
    delete env.TORCHLETTE_WASM_THREADS;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'programs', name)], { encoding: 'utf8', timeout: 60_000, env });
    assert.equal(r.status, 0, `the child failed or hung: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  test('thousands of small jobs, back to back and with the workers asleep between them: no missed wake-up', () => {
    const out = runChild('pool-stalls.ts') as { stalls: number; backToBack: number; withSleeps: number };
    assert.ok(out.backToBack <= 4e-6, `back to back: relative error ${out.backToBack}`);
    assert.ok(out.withSleeps <= 4e-6, `with sleeps: relative error ${out.withSleeps}`);
    assert.equal(out.stalls, 0, 'waits of a second with no part finished (a missed wake-up)');
  });

  test('a kernel part that traps on a worker throws on the calling thread instead of hanging', () => {
    const out = runChild('worker-failure.ts') as { error: string; ms: number; after: boolean };
    assert.match(out.error, /a worker thread of the threaded WebAssembly build failed while running a kernel \(RuntimeError: unreachable/);
    assert.ok(out.ms < 1000, `took ${out.ms} ms: the failure should end the wait at once`);
    assert.ok(out.after, 'kernels after the failure give the right results');
  });
});
