// A benchmark workload in headless Chromium (the C rows of `npm run bench`):
//   node --import tsx bench/chromium.ts <torchlette|tfjs-cpu|tfjs-wasm|tfjs-webgl> <workload> [arg]
// prints one JSON line like bench/torchlette.ts and bench/tfjs.mjs, whose workloads it runs
// unchanged: it bundles them for the page (bench/chromium/page.ts, Node built-ins redirected
// to bench/chromium/node-shims.ts), serves the page crossOriginIsolated (COOP/COEP, so
// torchlette's wasm backend and TF.js's have threads) with the files the workload reads, and
// runs it in a fresh page of Debian's chromium (playwright-core, as test/browser does).
// TORCHLETTE_BACKEND / TORCHLETTE_THREADS / FASHION_MNIST_DIR reach the page as process.env;
// TORCHLETTE_BENCH_CPU=1 prints the CPU time and page faults of each of Chromium's threads during the
// run (chromium/cpu.ts); TORCHLETTE_BENCH_PROFILE=<file> writes the page's CPU profile there (a
// .cpuprofile for Chrome DevTools or `node --cpu-prof` tools; the bundle is then not minified, so that
// the profile names torchlette's functions).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import { chromium } from 'playwright-core';
import type { RunRequest, RunResult } from './chromium/page.js';
import { cpuReport, cpuSnapshot } from './chromium/cpu.js';
import { FASHION_DIR } from './fashion.js';
// @ts-expect-error plain JavaScript script, no declarations
import { bundle } from '../scripts/web-bundle.mjs';
// @ts-expect-error plain JavaScript script, no declarations
import { startServer } from '../scripts/web-server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
export const CHROMIUM = process.env.TORCHLETTE_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Chromium 156's headless mode still builds the browser's omnibox popup, a WebUI page in a
 * renderer of its own that loads while the benchmark page runs: in the first seconds after
 * launch it took ~0.75 CPU-s of the 3 s a page's GEMM workload ran (per-thread CPU times from
 * /proc), a third of a core on a 2-core machine, taken from whichever of the page's threads
 * it displaces. Every runner (torchlette and TF.js's backends alike) gets these flags.
 */
const QUIET = ['--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup'];
const PROFILE = process.env.TORCHLETTE_BENCH_PROFILE;
const FASHION_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** node:fs, node:path, node:zlib and node:module in the bench modules: the page's versions. */
const nodeShims: Plugin = {
  name: 'bench-node-shims',
  setup(build) {
    build.onResolve({ filter: /^node:(fs|path|zlib|module)$/ }, () => ({ path: join(HERE, 'chromium', 'node-shims.ts') }));
  },
};

async function main(): Promise<void> {
  const [runner, workload, arg] = process.argv.slice(2);
  const framework = runner === 'torchlette' ? 'torchlette' : runner?.startsWith('tfjs-') ? 'tfjs' : null;
  if (!framework || !workload) throw new Error('usage: bench/chromium.ts <torchlette|tfjs-cpu|tfjs-wasm|tfjs-webgl> <workload> [arg]');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or TORCHLETTE_CHROMIUM)`);
  const dir = mkdtempSync(join(tmpdir(), 'torchlette-bench-chromium-'));
  try {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>torchlette bench</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>\n');
    await bundle({ entryPoints: { page: join(HERE, 'chromium', 'page.ts') }, outdir: dir, plugins: [nodeShims], splitting: true, minify: !PROFILE });
    // the workload's data, gunzipped here (a page has no synchronous gunzip; node-shims.ts passes it through)
    const files: Record<string, string> = {};
    const served: Record<string, string> = {
      '/torchlette.wasm': join(ROOT, 'prebuilds', 'wasm', 'torchlette.wasm'),
      '/torchlette-threads.wasm': join(ROOT, 'prebuilds', 'wasm', 'torchlette-threads.wasm'),
    };
    // the relaxed-SIMD builds where they were built (the page loads them where Chromium has relaxed SIMD, as Node does)
    for (const f of ['torchlette-relaxed.wasm', 'torchlette-threads-relaxed.wasm']) {
      if (existsSync(join(ROOT, 'prebuilds', 'wasm', f))) served[`/${f}`] = join(ROOT, 'prebuilds', 'wasm', f);
    }
    if (workload === 'mlp' || workload === 'lenet') {
      for (const f of FASHION_FILES) {
        const at = join(dir, f.replace(/\.gz$/, ''));
        writeFileSync(at, gunzipSync(readFileSync(join(FASHION_DIR, f))));
        files[join(FASHION_DIR, f)] = `/data/${f}`;
        served[`/data/${f}`] = at;
      }
    }
    const tfjsDist = join(HERE, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    const server = await startServer({ mounts: { '/': dir, '/tfjs-wasm/': tfjsDist }, files: served });
    // no --disable-gpu: TF.js's webgl backend gets what headless Chromium offers (SwiftShader: WebGL on the CPU)
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader', ...QUIET] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => 'benchRun' in globalThis, undefined, { timeout: 60_000 });
      const env: Record<string, string> = { FASHION_MNIST_DIR: FASHION_DIR };
      for (const k of ['TORCHLETTE_BACKEND', 'TORCHLETTE_THREADS', 'TORCHLETTE_WASM_RELAXED', 'TFJS_WASM_THREADS']) if (process.env[k]) env[k] = process.env[k]!;
      // as in Node, where the wasm backend's threads default to the cores this process may use
      env.TORCHLETTE_THREADS ??= String(availableParallelism());
      const req: RunRequest = { framework, args: framework === 'tfjs' ? [runner.slice(5), workload, ...(arg ? [arg] : [])] : [workload, ...(arg ? [arg] : [])], env, files };
      // TORCHLETTE_BENCH_CPU=1: which of Chromium's threads used the CPU meanwhile (stderr; Linux)
      const cpu = process.env.TORCHLETTE_BENCH_CPU === '1' ? { before: cpuSnapshot(), t0: performance.now() } : null;
      const cdp = PROFILE ? await page.context().newCDPSession(page) : null;
      if (cdp) for (const m of ['Profiler.enable', 'Profiler.start'] as const) await cdp.send(m);
      const out = await page.evaluate((r) => (globalThis as unknown as { benchRun(r: RunRequest): Promise<RunResult> }).benchRun(r), req);
      if (cdp) writeFileSync(PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
      if (cpu) console.error(cpuReport(cpu.before, cpuSnapshot(), performance.now() - cpu.t0));
      const line = out.lines.reverse().find((l) => l.startsWith('{'));
      if (!line) throw new Error(`the page printed no result: ${problems.join('; ')}`);
      const result = JSON.parse(line) as Record<string, unknown>;
      delete result.peakRssMB; // not measurable in a page
      const info = out.info;
      // what ran (a skipped workload, e.g. TF.js wasm's LeNet, ran nothing)
      if (result.skip === undefined) {
        if (framework === 'torchlette') Object.assign(result, { threads: info.numThreads, wasm: (info.wasm as { path?: string } | null)?.path });
        else Object.assign(result, { threads: info.threads ?? 1, tfjs: info });
      }
      const version = await browser.version();
      console.log(JSON.stringify({ ...result, chromium: version, ...(problems.length ? { problems } : {}) }));
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
