// torchlette in headless Chromium (issue 15): the seeded training loop of
// programs/train-loop.ts gives the same losses, bit for bit, in Node, in a page and in a
// module Worker, on the JS backend and on the wasm backend; and test/backend's kernel tests
// pass on the wasm backend in the page. Any page error, console error or failed request
// fails the test. A missing chromium fails too (see harness.ts; TORCHLETTE_SKIP_BROWSER=1
// skips on purpose).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';
import type { Page } from 'playwright-core';
import type { LoopResult } from './programs/train-loop.js';
import type { ThreadsRun } from './page/entry.js';
import { browserSkip, ROOT, startSession, WASM_RELAXED, type Session } from './harness.js';

const skip = browserSkip();
const HERE = join(ROOT, 'test', 'browser');
const HTML = '<!doctype html><meta charset="utf-8"><title>torchlette browser test</title><link rel="icon" href="data:,"><script type="module" src="/entry.js"></script>\n';
const KERNELS_HTML = '<!doctype html><meta charset="utf-8"><title>torchlette kernel tests</title><link rel="icon" href="data:,"><script type="module" src="/kernels.js"></script>\n';

/**
 * Kernel-test failures in the page that are known and explained, each matched on "test name: message".
 * Chromium 156's V8 computes Math.exp/log/sin/... differently from Node 20's in the last bit
 * for ~5-10% of inputs (measured: Math.exp differs on 1913 of 20000 random inputs), so the JS
 * reference kernels (not the wasm ones: their libm is compiled in) give other float64 results in
 * a page. erfinv near +-1 is ill-conditioned (dx = dy * sqrt(pi)/2 * exp(x^2)): one ulp of
 * erf moves x by ~1e-13 relative, past the unary test's rtol 1e-13. That test stops at its first
 * failure, so in the page the unary ops after erfinv in its list go unchecked until
 * test/backend/elementwise.test.ts gives erfinv a conditioning-aware tolerance.
 */
const KNOWN_PAGE_FAILURES: RegExp[] = [/^elementwise kernels: native vs JS > unary: every op.*: erfinv\(\) on float64\[/];

/** In the kernel bundle, test/backend's node:test and node:assert imports point at the page versions (page/*.ts). */
const kernelRedirects: Plugin = {
  name: 'kernel-test-redirects',
  setup(build) {
    build.onResolve({ filter: /^node:test$/ }, () => ({ path: join(HERE, 'page', 'node-test.ts') }));
    build.onResolve({ filter: /^node:assert(\/strict)?$/ }, () => ({ path: join(HERE, 'page', 'assert.ts') }));
  },
};

/**
 * The loop run by Node on `backend` (a fresh process: the backend is chosen when torchlette
 * loads): the single-threaded wasm build, or with `threads` the threaded one on that many
 * threads. The threaded kernels split reductions by the thread count, so 2 threads round
 * differently from 1 (measured: the last losses differ in the last bits); which thread runs
 * which part does not matter, so 2 threads in Node and in a page must agree bit for bit.
 */
function nodeRun(backend: 'js' | 'wasm', threads?: number): Promise<LoopResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'programs', 'run-node.ts'), ...(threads ? [String(threads)] : [])], {
      cwd: ROOT,
      env: { ...process.env, TORCHLETTE_BACKEND: backend, TORCHLETTE_WASM_THREADS: threads ? undefined : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as LoopResult) : reject(new Error(`node run on ${backend} exited ${code}: ${err}`))));
  });
}

/** Every loss equal as a float32 bit pattern (Object.is: -0 and NaN too), and the final weights' checksum. */
function assertSameRun(got: LoopResult, want: LoopResult, where: string): void {
  assert.equal(got.backend, want.backend, `${where}: backend`);
  assert.equal(got.losses.length, want.losses.length, `${where}: number of losses`);
  for (let i = 0; i < want.losses.length; i++) {
    assert.ok(Object.is(got.losses[i], want.losses[i]), `${where}: loss ${i} is ${got.losses[i]}, Node's is ${want.losses[i]}`);
  }
  assert.ok(Object.is(got.weightsSum, want.weightsSum), `${where}: final weights' sum ${got.weightsSum}, Node's ${want.weightsSum}`);
}

describe('torchlette in headless Chromium', { skip }, () => {
  let session: Session;
  let page: Page;
  let problems: string[];
  const node: Partial<Record<'js' | 'wasm' | 'wasm2', Promise<LoopResult>>> = {};

  before(async () => {
    node.js = nodeRun('js');
    node.wasm = nodeRun('wasm');
    node.wasm2 = nodeRun('wasm', 2);
    session = await startSession({
      entries: { entry: join(HERE, 'page', 'entry.ts'), worker: join(HERE, 'page', 'worker.ts'), kernels: join(HERE, 'page', 'kernels.ts') },
      html: { 'index.html': HTML, 'kernels.html': KERNELS_HTML },
      plugins: [kernelRedirects],
    });
    ({ page, problems } = await session.open('/index.html'));
    await page.waitForFunction(() => 'torchletteTest' in globalThis, undefined, { timeout: 20_000 }).catch((e: Error) => {
      throw new Error(`the test page did not load: ${problems.join('; ') || e.message}`);
    });
  });

  after(async () => {
    await session?.close();
  });

  test('the page is crossOriginIsolated (COOP/COEP served)', async () => {
    assert.equal(await page.evaluate(() => (globalThis as unknown as { torchletteTest: { crossOriginIsolated: boolean } }).torchletteTest.crossOriginIsolated), true);
  });

  for (const backend of ['js', 'wasm'] as const) {
    for (const where of ['inPage', 'inWorker'] as const) {
      test(`${backend} backend, ${where === 'inPage' ? 'in the page' : 'in a module Worker'}: every loss equals Node's bit for bit`, async () => {
        const got = await page.evaluate(
          ([w, b]) => (globalThis as unknown as { torchletteTest: Record<string, (b: string) => Promise<LoopResult>> }).torchletteTest[w](b),
          [where, backend] as const,
        );
        assertSameRun(got, await node[backend]!, `${backend} ${where}`);
        assert.deepEqual(problems, []);
      });
    }
  }

  /** Loads a fresh copy of the test page (torchlette's backend state is per page) and waits for it. */
  async function freshPage(isolated: boolean): Promise<{ page: Page; problems: string[] }> {
    const p = await session.open('/index.html', { isolated });
    await p.page.waitForFunction(() => 'torchletteTest' in globalThis, undefined, { timeout: 20_000 }).catch((e: Error) => {
      throw new Error(`the test page did not load: ${p.problems.join('; ') || e.message}`);
    });
    return p;
  }

  const threadsRun = (p: Page, where: 'inPage' | 'inWorker') =>
    p.evaluate((w) => (globalThis as unknown as { torchletteTest: Record<string, (b: string) => Promise<ThreadsRun>> }).torchletteTest[w]('wasm-threads'), where);

  for (const where of ['inPage', 'inWorker'] as const) {
    test(`threaded wasm, ${where === 'inPage' ? 'in the page' : 'in a module Worker'}: 2 threads, every loss equals Node's 2-thread run bit for bit`, async () => {
      const p = await freshPage(true);
      const got = await threadsRun(p.page, where);
      assert.equal(got.info.wasm?.path, WASM_RELAXED ? '/torchlette-threads-relaxed.wasm' : '/torchlette-threads.wasm');
      assert.equal(got.defaultThreads, got.hardwareConcurrency, 'threads by default: navigator.hardwareConcurrency');
      assert.equal(got.info.numThreads, 2);
      // no "(1 of 2 workers started …)" or "(a worker failed …)": the workers were up before the loop ran
      assert.equal(got.info.wasm?.why, `the WebAssembly build of the native kernels${WASM_RELAXED ? ' for relaxed SIMD (FMA)' : ''}, with worker threads`);
      assertSameRun(got, await node.wasm2!, `threaded wasm ${where}`);
      if (where === 'inPage') {
        // 4 threads asked for, 2 new workers not started yet: the kernels run on the threads that are up
        assert.equal(await p.page.evaluate(() => (globalThis as unknown as { torchletteTest: { lateWorkers(): boolean } }).torchletteTest.lateWorkers()), true);
      }
      assert.deepEqual(p.problems, []);
    });
  }

  test('a page without COOP/COEP runs the single-threaded build and says why', async () => {
    const p = await freshPage(false);
    assert.equal(await p.page.evaluate(() => (globalThis as unknown as { torchletteTest: { crossOriginIsolated: boolean } }).torchletteTest.crossOriginIsolated), false);
    const got = await threadsRun(p.page, 'inPage');
    assert.equal(got.info.wasm?.path, WASM_RELAXED ? '/torchlette-relaxed.wasm' : '/torchlette.wasm');
    assert.equal(got.info.numThreads, 1);
    assert.match(got.info.wasm?.why ?? '', /\(one thread: the page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    assertSameRun(got, await node.wasm!, 'single-threaded wasm in a page without COOP/COEP');
    assert.deepEqual(p.problems, []);
  });

  test("test/backend's kernel tests on the wasm backend, in the page", async () => {
    const k = await session.open('/kernels.html');
    await k.page.waitForFunction(() => 'torchletteKernels' in globalThis, undefined, { timeout: 30_000 }).catch((e: Error) => {
      throw new Error(`the kernel test page did not load: ${k.problems.join('; ') || e.message}`);
    });
    type Kernels = { backend: string; runAll(): Promise<{ name: string; status: string; detail?: string }[]> };
    assert.equal(await k.page.evaluate(() => (globalThis as unknown as { torchletteKernels: Kernels }).torchletteKernels.backend), 'wasm');
    const outcomes = await k.page.evaluate(() => (globalThis as unknown as { torchletteKernels: Kernels }).torchletteKernels.runAll());
    const line = (o: { name: string; detail?: string }) => `${o.name}: ${o.detail ?? ''}`;
    const failed = outcomes.filter((o) => o.status !== 'pass');
    const known = failed.filter((o) => o.status === 'fail' && KNOWN_PAGE_FAILURES.some((re) => re.test(line(o))));
    console.log(`# kernel tests in the page (wasm): ${outcomes.length - failed.length}/${outcomes.length} passed`);
    for (const o of known) console.log(`# KNOWN FAILURE in the page (see KNOWN_PAGE_FAILURES): ${line(o).split('\n')[0]}`);
    assert.ok(outcomes.length >= 40, `only ${outcomes.length} kernel tests ran in the page`);
    assert.deepEqual(failed.filter((o) => !known.includes(o)).map((o) => `${o.status}: ${line(o)}`), []);
    assert.deepEqual(k.problems, []);
  });
});
