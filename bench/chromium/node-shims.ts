// What bench/torchlette.ts, bench/tfjs.mjs and their imports (fashion.ts, programs.ts) take
// from Node, for the same files bundled into a page (bench/chromium.ts redirects node:fs,
// node:path, node:zlib and node:module here): files are the bytes page.ts fetched before
// the workload module loaded (already gunzipped by the server, so gunzipSync passes them
// through); require() knows the two TF.js packages. Only the calls those files make.
// TF.js is installed into bench/node_modules by the first `npm run bench`; the type check
// (npm test, CI) runs without it.
// @ts-ignore
import * as tf from '@tensorflow/tfjs';
// @ts-ignore
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';

/** Node's Buffer.readUInt32BE on the fetched bytes (fashion.ts reads IDX headers with it). */
export class Bytes extends Uint8Array {
  readUInt32BE(offset: number): number {
    return new DataView(this.buffer, this.byteOffset, this.byteLength).getUint32(offset);
  }
}

/** Path -> bytes, filled by page.ts before the workload module is imported. */
export const files = new Map<string, Bytes>();

export function existsSync(path: string): boolean {
  return files.has(path);
}

export function readFileSync(path: string): Bytes {
  const b = files.get(path);
  if (!b) throw new Error(`bench page: ${path} was not fetched (bench/chromium.ts serves the files a workload reads)`);
  return b;
}

/** The server sent the files gunzipped (bench/chromium.ts). */
export function gunzipSync(bytes: Bytes): Bytes {
  return bytes;
}

export function join(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}

export function dirname(path: string): string {
  return path.replace(/\/[^/]*$/, '') || '/';
}

/** Where the TF.js wasm backend's .wasm files are served (bench/chromium.ts). */
export const TFJS_WASM_DIR = '/tfjs-wasm';

export function createRequire(_from: string): ((id: string) => unknown) & { resolve(id: string): string } {
  const modules: Record<string, unknown> = { '@tensorflow/tfjs': tf, '@tensorflow/tfjs-backend-wasm': tfWasm };
  const req = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`bench page: require('${id}') is not provided`);
    return modules[id];
  };
  req.resolve = (id: string): string => {
    if (id === '@tensorflow/tfjs-backend-wasm') return `${TFJS_WASM_DIR}/index.js`;
    throw new Error(`bench page: require.resolve('${id}') is not provided`);
  };
  return req;
}
