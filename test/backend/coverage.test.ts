// Every kernel of the Backend interface has an implementation in both backends, and
// the native one is backed by a function of the addon (not only a JS delegate).
// KERNELS is typed as a record over the interface's keys: adding a kernel to
// backend.ts without listing it here fails the type check, which `npm test` runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/backend/backend.js';
import { backendInfo, jsBackend, nativeAddon, nativeBackend, wasmAddon, wasmBackend } from '../../src/backend/index.js';
import { wasmPath } from '../../src/backend/wasm/load.js';
// Node 20 has relaxed SIMD (behind the flag load.ts sets): the relaxed builds are loaded where
// they were built (clang++-19), and TORCHLETTE_WASM_RELAXED=0 (the wasm1 test pass) picks the others.
const RELAXED = process.env.TORCHLETTE_WASM_RELAXED !== '0' && existsSync(wasmPath(false, true));
const WASM_PATH = wasmPath(false, RELAXED);
const WASM_THREADS_PATH = wasmPath(true, RELAXED);

const KERNELS: Record<Exclude<keyof Backend, 'name'>, true> = {
  unary: true, binary: true, ternary: true, adadelta: true, adamStep: true, sgdStep: true, where: true, copy: true, fill: true, randomFill: true, reduce: true, variance: true, cumulative: true,
  matmul: true, softmax: true, softmaxBackward: true, gather: true, scatter: true, indexSelect: true, indexPut: true,
  conv2d: true, conv2dBackwardInput: true, conv2dBackwardWeight: true, maxPool2d: true, maxPool2dBackward: true,
  avgPool2d: true, avgPool2dBackward: true, adaptiveAvgPool2d: true, adaptiveAvgPool2dBackward: true,
  adaptiveMaxPool2d: true, nllLoss: true, nllLossBackward: true, binaryCrossEntropy: true, binaryCrossEntropyBackward: true, batchNormStats: true, batchNorm: true,
  batchNormBackward: true, groupNorm: true, groupNormBackward: true, embeddingRenorm: true,
};

describe('backend coverage', () => {
  test('the JS backend implements every kernel', () => {
    for (const k of Object.keys(KERNELS)) assert.equal(typeof (jsBackend as unknown as Record<string, unknown>)[k], 'function', `js backend lacks ${k}`);
  });

  test('the native backend implements every kernel, each with an addon function', { skip: nativeAddon() ? false : 'native addon not loaded' }, () => {
    const nb = nativeBackend()!;
    const addon = nativeAddon()! as unknown as Record<string, unknown>;
    for (const k of Object.keys(KERNELS)) {
      assert.equal(typeof (nb as unknown as Record<string, unknown>)[k], 'function', `native backend lacks ${k}`);
      assert.equal(typeof addon[k], 'function', `the addon has no native ${k}`);
    }
  });

  test('the wasm backend implements every kernel, each with a function of the module', { skip: wasmAddon() ? false : 'wasm backend not loaded' }, () => {
    const wb = wasmBackend()!;
    const addon = wasmAddon()! as unknown as Record<string, unknown>;
    assert.equal(wb.name, 'wasm');
    for (const k of Object.keys(KERNELS)) {
      assert.equal(typeof (wb as unknown as Record<string, unknown>)[k], 'function', `wasm backend lacks ${k}`);
      assert.equal(typeof addon[k], 'function', `the wasm module has no ${k}`);
    }
  });

  test('the backends implement nothing beyond the interface', () => {
    const extra = (b: object) => Object.keys(b).filter((k) => k !== 'name' && !(k in KERNELS));
    assert.deepEqual(extra(jsBackend), []);
    const nb = nativeBackend();
    if (nb) assert.deepEqual(extra(nb), []);
    const wb = wasmBackend();
    if (wb) assert.deepEqual(extra(wb), []);
  });
});

describe('backend selection', () => {
  const probe = (env: Record<string, string>) => {
    const script = "import('./src/backend/index.ts').then((m) => console.log(JSON.stringify(m.backendInfo())))";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return { info: JSON.parse(r.stdout.trim().split('\n').pop()!) as ReturnType<typeof backendInfo>, stderr: r.stderr };
  };

  test('TORCHLETTE_BACKEND=js selects the JS backend without a warning', () => {
    const { info, stderr } = probe({ TORCHLETTE_BACKEND: 'js' });
    assert.equal(info.active, 'js');
    assert.equal(info.nativeAvailable, false);
    assert.equal(info.numThreads, 1);
    assert.doesNotMatch(stderr, /torchlette/);
  });

  test('by default the native backend is active when the addon loads', { skip: nativeAddon() ? false : 'native addon not loaded' }, () => {
    const { info, stderr } = probe({ TORCHLETTE_BACKEND: '' });
    assert.equal(info.active, 'native');
    assert.ok(info.numThreads >= 1);
    assert.match(String(info.isa), /^(avx512|avx2|generic)$/);
    assert.doesNotMatch(stderr, /torchlette/);
  });

  test('TORCHLETTE_BACKEND=wasm selects the WebAssembly backend without a warning', { skip: existsSync(WASM_PATH) ? false : `no ${WASM_PATH} (npm run build:wasm)` }, () => {
    const { info, stderr } = probe({ TORCHLETTE_BACKEND: 'wasm', TORCHLETTE_WASM_THREADS: '' });
    assert.equal(info.active, 'wasm');
    assert.equal(info.nativeAvailable, false);
    assert.equal(info.wasmAvailable, true);
    // The threaded build where it was built (as the native backend: all cores by default).
    assert.equal(info.wasm?.path, existsSync(WASM_THREADS_PATH) ? WASM_THREADS_PATH : WASM_PATH);
    assert.equal(info.numThreads, existsSync(WASM_THREADS_PATH) ? availableParallelism() : 1);
    assert.doesNotMatch(stderr, /torchlette/);
  });

  test('TORCHLETTE_WASM_THREADS=0 selects the single-threaded WebAssembly build', { skip: existsSync(WASM_PATH) ? false : `no ${WASM_PATH} (npm run build:wasm)` }, () => {
    const { info } = probe({ TORCHLETTE_BACKEND: 'wasm', TORCHLETTE_WASM_THREADS: '0' });
    assert.equal(info.wasm?.path, WASM_PATH);
    assert.equal(info.numThreads, 1);
  });

  test('TORCHLETTE_WASM_RELAXED=0 selects the build without relaxed SIMD', { skip: existsSync(WASM_PATH) ? false : `no ${WASM_PATH} (npm run build:wasm)` }, () => {
    const { info } = probe({ TORCHLETTE_BACKEND: 'wasm', TORCHLETTE_WASM_THREADS: '0', TORCHLETTE_WASM_RELAXED: '0' });
    assert.equal(info.wasm?.path, wasmPath());
    assert.doesNotMatch(info.wasm?.why ?? '', /relaxed/);
  });

  test('an unknown TORCHLETTE_BACKEND is an error', () => {
    // Selection happens on first use (importing torchlette loads nothing), so the error comes from the first op.
    const script = "import('./src/backend/index.ts').then((m) => m.backend()).catch((e) => { console.error(e.message); process.exit(3); })";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TORCHLETTE_BACKEND: 'cuda' }, encoding: 'utf8' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /TORCHLETTE_BACKEND must be one of native, wasm, js \(or unset\), but got 'cuda'/);
  });

  test('backendInfo reports this process', () => {
    const info = backendInfo();
    assert.equal(info.active, nativeBackend() ? 'native' : wasmBackend() ? 'wasm' : 'js');
  });
});
