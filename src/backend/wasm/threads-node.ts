// Node's WorkerHost (threads.ts): worker_threads running the worker script as eval
// code. Workers are unref'd: they never keep the process alive, and end with it. They
// get no execArgv: the script is plain JS, and loaders the process runs under (tsx)
// would only slow each worker's start.
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerHost } from './threads.js';

export function nodeWorkerHost(): WorkerHost {
  return {
    spawn(source, start) {
      new Worker(source, { eval: true, workerData: start, execArgv: [] }).unref();
    },
    cores: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
    mainCanWait: true,
  };
}
