#!/usr/bin/env node
// `npm run web`: the demo page (examples/web/) on http://127.0.0.1:8080 (--port N, 0 for any
// free port). It bundles examples/web/app.ts with torchlette for the browser into
// out/web/app.js, trains the checkpoint the page loads (out/web/fashion-cnn.pt, by
// examples/web/train-checkpoint.ts) when it is missing, and serves the page, the bundle,
// the .wasm and the embedded Fashion-MNIST subset with COOP/COEP (scripts/web-server.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './web-bundle.mjs';
import { startServer } from './web-server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds what the demo needs into `outDir` (default out/web) and returns the server's
 * mounts and files. `checkpoint: false` skips training the Node checkpoint; `epochs`: how long
 * it trains (on the best backend Node has: TORCHLETTE_BACKEND is not passed on).
 */
export async function prepareDemo({ outDir = join(ROOT, 'out', 'web'), checkpoint = true, epochs = 2, minify = true } = {}) {
  await bundle({ entryPoints: { app: join(ROOT, 'examples', 'web', 'app.ts') }, outdir: outDir, minify });
  const pt = join(outDir, 'fashion-cnn.pt');
  if (checkpoint && !existsSync(pt)) {
    console.log('training the checkpoint the page loads (examples/web/train-checkpoint.ts)…');
    const env = { ...process.env };
    delete env.TORCHLETTE_BACKEND;
    const script = join(ROOT, 'examples', 'web', 'train-checkpoint.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, pt, '--epochs', String(epochs)], { cwd: ROOT, stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`examples/web/train-checkpoint.ts failed (exit ${r.status})`);
  }
  return {
    mounts: { '/': join(ROOT, 'examples', 'web'), '/assets/fashion-mnist/': join(ROOT, 'assets', 'fashion-mnist') },
    files: {
      '/app.js': join(outDir, 'app.js'),
      '/torchlette.wasm': join(ROOT, 'prebuilds', 'wasm', 'torchlette.wasm'),
      '/fashion-cnn.pt': pt,
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: process.env.PORT ?? '8080' } } });
  const routes = await prepareDemo();
  const { url } = await startServer({ ...routes, port: Number(values.port), log: true });
  console.log(`torchlette demo: ${url}/  (Ctrl-C stops it)`);
}
