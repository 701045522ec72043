// Worker threads in a web page: not provided (DataLoader({ numWorkers }) and the hub's
// synchronous fetch use Node's worker_threads; they throw this instead).
import type * as Node from '../node/threads.js';
import { unavailable } from '../unavailable.js';

export type MessagePort = Node.MessagePort;

const no = (what: string) => unavailable(`${what} (Node's worker_threads)`, 'use numWorkers: 0 in a page (a Web Worker can run a whole training loop: import torchlette there)');

export const MessageChannel = no('MessageChannel') as unknown as typeof Node.MessageChannel;
export const Worker = no('Worker') as unknown as typeof Node.Worker;
export const receiveMessageOnPort: typeof Node.receiveMessageOnPort = no('receiveMessageOnPort');
export const workerData: unknown = undefined;

/**
 * The WebAssembly backend runs single-threaded in a page for now: backend/wasm/threads.ts's
 * webWorkerHost (Web Workers over a shared memory in crossOriginIsolated pages) is not yet
 * tested in a browser.
 */
export const wasmWorkerHost: typeof Node.wasmWorkerHost = () => undefined;

export const dataLoaderWorkerSource: typeof Node.dataLoaderWorkerSource = no('DataLoader worker threads');
export const fetchWorkerSource: typeof Node.fetchWorkerSource = no('a download worker');
