// The benchmark page (bench/chromium.ts): runs one workload of bench/torchlette.ts or
// bench/tfjs.mjs, unchanged, in the page. Those files read process.argv/env, print their
// result with console.log and read Fashion-MNIST through node:fs (node-shims.ts here):
// run() sets up a `process`, fetches the files, loads torchlette's wasm backend when
// TORCHLETTE_BACKEND=wasm (a page starts on the JS backend), then imports the workload
// module (its top level runs the workload) and returns what it printed.
import * as torch from '../../src/index.js';
// TF.js is installed into bench/node_modules by the first `npm run bench`; the type check
// (npm test, CI) runs without it.
// @ts-ignore
import * as tf from '@tensorflow/tfjs';
// @ts-ignore
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { Bytes, files } from './node-shims.js';

export interface RunRequest {
  framework: 'torchlette' | 'tfjs';
  /** process.argv.slice(2) of the workload module. */
  args: string[];
  env: Record<string, string>;
  /** Path the module reads -> URL the server sends it at. */
  files: Record<string, string>;
}

export interface RunResult {
  lines: string[];
  /** What the page ran on: torchlette's backends.info(), or TF.js's backend and its wasm threads. */
  info: Record<string, unknown>;
}

async function run(req: RunRequest): Promise<RunResult> {
  for (const [path, url] of Object.entries(req.files)) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`bench page: fetching ${url} answered HTTP ${r.status}`);
    files.set(path, new Bytes(await r.arrayBuffer()));
  }
  const usage = { maxRSS: 0 }; // a page cannot read its process's peak RSS
  (globalThis as unknown as { process: unknown }).process = { argv: ['chromium', 'page', ...req.args], env: req.env, resourceUsage: () => usage, platform: 'browser' };
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.map(String).join(' '));
    log(...a);
  };
  const cores = (globalThis as unknown as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  try {
    if (req.framework === 'torchlette') {
      if (req.env.TORCHLETTE_BACKEND === 'wasm') await torch.backends.loadWasm({
          single: '/torchlette.wasm',
          threads: '/torchlette-threads.wasm',
          // TORCHLETTE_WASM_RELAXED=0 (A/B runs): the builds without relaxed SIMD, as in Node
          ...(req.env.TORCHLETTE_WASM_RELAXED === '0' ? {} : { relaxed: { single: '/torchlette-relaxed.wasm', threads: '/torchlette-threads-relaxed.wasm' } }),
        });
      await import('../torchlette.js');
      return { lines, info: { ...torch.backends.info(), hardwareConcurrency: cores } };
    }
    // @ts-expect-error plain JavaScript, no declarations
    await import('../tfjs.mjs');
    const backend = tf.getBackend();
    const info: Record<string, unknown> = { backend, hardwareConcurrency: cores };
    if (backend === 'wasm') {
      info.threads = tfWasm.getThreadsCount();
      info.multithread = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
      info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    }
    if (backend === 'webgl') {
      // which GL implementation headless Chromium gave (SwiftShader: WebGL on the CPU)
      type GL = { getExtension(n: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter(p: number): unknown; RENDERER: number };
      const doc = (globalThis as unknown as { document: { createElement(t: 'canvas'): { getContext(k: string): GL | null } } }).document;
      const gl = doc.createElement('canvas').getContext('webgl2') ?? doc.createElement('canvas').getContext('webgl');
      const ext = gl?.getExtension('WEBGL_debug_renderer_info');
      info.renderer = gl && ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl ? gl.getParameter(gl.RENDERER) : null;
      info.webglVersion = tf.env().getNumber('WEBGL_VERSION');
    }
    return { lines, info };
  } finally {
    console.log = log;
  }
}

(globalThis as unknown as { benchRun: typeof run }).benchRun = run;
