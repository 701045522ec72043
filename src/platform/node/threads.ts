// Worker threads, in Node: node:worker_threads (DataLoader workers, hub's synchronous fetch).
import { availableParallelism, cpus } from 'node:os';
import { Worker as NodeWorker } from 'node:worker_threads';

export { MessageChannel, Worker, receiveMessageOnPort, workerData } from 'node:worker_threads';
export type { MessagePort } from 'node:worker_threads';

/**
 * How the WebAssembly backend starts its worker threads (backend/wasm/threads.ts's
 * WorkerHost): worker_threads running the worker script as eval code. Workers are unref'd:
 * they never keep the process alive and end with it. They get no execArgv: the script is
 * plain JS, and loaders the process runs under (tsx) would only slow each worker's start.
 */
export function wasmWorkerHost(): { spawn(source: string, start: unknown): void; cores: number; mainCanWait: boolean } | undefined {
  return {
    spawn(source, start) {
      new NodeWorker(`${source}\nstart(require('node:worker_threads').workerData);\n`, { eval: true, workerData: start, execArgv: [] }).unref();
    },
    cores: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
    mainCanWait: true,
  };
}

/**
 * The DataLoader worker's bootstrap (utils/data/worker-pool.ts): registers tsx when asked,
 * then loads the worker's entry; a failure is reported on the worker's port (the loader
 * may be blocked waiting and see no 'error' event).
 */
export function dataLoaderWorkerSource(): string {
  return `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxLoader) (await import(workerData.tsxLoader)).register();
  await import(workerData.entry);
})().catch((e) => {
  const ts = /\\.ts$/.test(workerData.entry) || /Unknown file extension/.test(String(e && e.message));
  const hint = ts && !workerData.tsxLoader ? ' (install tsx, e.g. npm i -D tsx, so that worker threads can load TypeScript)' : '';
  workerData.port.postMessage({ type: 'unavailable', reason: 'a worker thread could not start: ' + (e && e.message || e) + hint });
  const c = new Int32Array(workerData.signal);
  Atomics.add(c, 0, 1);
  Atomics.notify(c, 0);
});
`;
}

/**
 * The download worker of hub/fetch-sync.ts: streams `workerData.url` into
 * `workerData.path`, hashing it (SHA-256), and reports through the shared buffer whose
 * layout fetch-sync.ts gives.
 */
export function fetchWorkerSource(layout: { countsOffset: number; messageOffset: number; done: number; failed: number }): string {
  return `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const state = new Int32Array(workerData.shared, 0, 2);
const counts = new Float64Array(workerData.shared, ${layout.countsOffset}, 2);
const message = new Uint8Array(workerData.shared, ${layout.messageOffset});
function finish(status, text) {
  const bytes = Buffer.from(text).subarray(0, message.length);
  message.set(bytes);
  Atomics.store(state, 1, bytes.length);
  Atomics.store(state, 0, status);
  Atomics.notify(state, 0);
}
function describe(e) {
  const text = String(e && e.message ? e.message : e);
  const cause = e && e.cause ? (e.cause.message || e.cause.code || String(e.cause)) : '';
  return cause && cause !== text ? text + ': ' + cause : text;
}
(async () => {
  const controller = new AbortController();
  const idle = workerData.idleTimeoutMs;
  const timer = setTimeout(() => controller.abort(new Error('no data received for ' + idle / 1000 + ' s')), idle);
  let fd = null;
  try {
    const res = await fetch(workerData.url, { headers: workerData.headers, signal: controller.signal });
    if (!res.ok) throw new Error('HTTP Error ' + res.status + ': ' + res.statusText);
    const length = res.headers.get('content-length');
    // A compressed body is decoded on the way in: its Content-Length is not the file's size.
    counts[1] = length !== null && res.headers.get('content-encoding') === null ? Number(length) : -1;
    fd = fs.openSync(workerData.path, 'w');
    const hash = createHash('sha256');
    let received = 0;
    if (res.body !== null) {
      for await (const chunk of res.body) {
        timer.refresh();
        fs.writeSync(fd, chunk);
        hash.update(chunk);
        received += chunk.length;
        counts[0] = received;
      }
    }
    fs.closeSync(fd);
    fd = null;
    if (counts[1] >= 0 && received !== counts[1]) throw new Error('the connection closed after ' + received + ' of ' + counts[1] + ' bytes');
    finish(${layout.done}, hash.digest('hex'));
  } catch (e) {
    if (fd !== null) fs.closeSync(fd);
    finish(${layout.failed}, describe(e));
  } finally {
    clearTimeout(timer);
  }
})();
`;
}
