// What test/backend/*.test.ts get for '../../src/backend/index.js' in the browser kernel
// run (harness.ts points their imports here): the real module, with the wasm backend loaded
// in the page first (top-level await, so test/backend/helpers.ts sees it when it loads) and
// reported the way src/backend/index.ts reports it in Node under TORCHLETTE_BACKEND=wasm.
// INTERIM, like wasm.ts: once the library loads its wasm in a page, this file goes and the
// kernel tests import the real module unchanged.
import { backendInfo as realBackendInfo, type BackendInfo } from '../../../src/backend/index.js';
import type { Addon } from '../../../src/backend/native/addon.js';
import { useWasm } from './wasm.js';

export * from '../../../src/backend/index.js';

const { addon } = await useWasm();

export function backendInfo(): BackendInfo {
  return { ...realBackendInfo(), wasmAvailable: true, wasmReason: null, wasm: { path: '/torchlette.wasm', why: 'loaded by the browser test page' } };
}

export function wasmAddon(): Addon | null {
  return addon;
}
