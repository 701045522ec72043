#!/usr/bin/env node
// Runs the test suite once per backend: native (TORCHLETTE_BACKEND=native, which
// fails loudly if the addon is missing), JS (TORCHLETTE_BACKEND=js) and wasm (the
// WebAssembly build of the native kernels, TORCHLETTE_BACKEND=wasm: fails loudly when
// prebuilds/wasm/torchlette.wasm is missing). Arguments are passed to
// scripts/run-tests.mjs (file filters); `npm test` runs it after the type check and
// scripts/build-wasm.mjs. TORCHLETTE_TEST_BACKENDS=js (or native, or a list such as
// native,wasm) runs just those, e.g. where the addon cannot build.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runner = join(dirname(fileURLToPath(import.meta.url)), 'run-tests.mjs');
// wasm runs the threaded WebAssembly build (worker threads; its relaxed-SIMD build where
// it was built); wasm1 the single-threaded one (TORCHLETTE_WASM_THREADS=0: runtimes without
// SharedArrayBuffer) without relaxed SIMD (TORCHLETTE_WASM_RELAXED=0: engines without it),
// kernel tests only: both GEMM micro-kernel variants are tested.
const backends = (process.env.TORCHLETTE_TEST_BACKENDS ?? 'native,js,wasm,wasm1').split(',').map((b) => b.trim()).filter(Boolean);
// test/browser drives Chromium and picks its backends itself: native pass only.
const EXCLUDE = { js: 'test/backend/,test/package/,test/browser/,test/vision/models-all', wasm: 'test/package/,test/browser/,test/vision/models-all' };
let failed = false;
for (const backend of backends) {
  console.log(`\n=== test suite on the ${backend} backend ===\n`);
  const t0 = Date.now();
  const wasm1 = backend === 'wasm1';
  const filters = wasm1 && process.argv.length <= 2 ? ['test/backend/'] : process.argv.slice(2);
  const r = spawnSync(process.execPath, [runner, ...filters], {
    stdio: 'inherit',
    // test/backend compares the native kernels with the JS ones (in the wasm pass: the wasm
    // build of them), test/package checks that the packed package runs on its prebuilt native
    // binary, and test/vision/models-all builds and runs every torchvision model (minutes of
    // compute): they run in the native pass only (test/backend in the wasm pass too).
    env: {
      ...process.env,
      TORCHLETTE_BACKEND: wasm1 ? 'wasm' : backend,
      ...(wasm1 ? { TORCHLETTE_WASM_THREADS: '0', TORCHLETTE_WASM_RELAXED: '0' } : {}),
      ...(EXCLUDE[backend] ? { TORCHLETTE_TEST_EXCLUDE: EXCLUDE[backend] } : {}),
    },
  });
  console.log(`\n=== ${backend} backend: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s ===`);
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
