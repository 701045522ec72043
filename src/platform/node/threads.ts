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
