// The entry of a DataLoader worker thread: builds its own copy of the dataset from
// the module named in `workerDataset`, seeds its default generator with baseSeed + id
// (as PyTorch's _worker_loop), then answers fetch requests in the order they come.
import { parentPort, workerData } from 'node:worker_threads';
import { manualSeed } from '../../tensor/random.js';
import { collateDeferringNumbers, defaultConvert } from './collate.js';
import { Dataset, IterableDataset, type AnyDataset } from './dataset.js';
import { encode } from './transfer.js';
import { setWorkerInfo } from './worker-info.js';
import type { FetchRequest, WorkerInit, WorkerReply } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('worker-main must run in a worker thread');

async function buildDataset(): Promise<AnyDataset<unknown>> {
  const mod = (await import(init.module)) as Record<string, unknown>;
  const exported = mod[init.exportName];
  if (exported === undefined) throw new Error(`workerDataset: module ${init.module} has no export '${init.exportName}'`);
  let made: unknown = exported;
  if (typeof exported === 'function') {
    const isClass = exported.prototype instanceof Dataset || exported.prototype instanceof IterableDataset;
    made = isClass ? new (exported as new (...a: unknown[]) => unknown)(...init.args) : await (exported as (...a: unknown[]) => unknown)(...init.args);
  }
  if (!(made instanceof Dataset) && !(made instanceof IterableDataset)) {
    throw new TypeError(`workerDataset: export '${init.exportName}' of ${init.module} is not a Dataset, an IterableDataset, or a function returning one`);
  }
  return made;
}

async function loadCollate(): Promise<((batch: unknown[]) => unknown) | null> {
  if (init.collate === 'main') return null;
  // the loader decides the dtype of collated numbers (collate.ts's NumberDtypeMemo)
  if (init.collate === 'default') return collateDeferringNumbers;
  const mod = (await import(init.collate.module)) as Record<string, unknown>;
  const fn = mod[init.collate.exportName];
  if (typeof fn !== 'function') throw new TypeError(`workerDataset: collateExport '${init.collate.exportName}' of ${init.collate.module} is not a function`);
  return fn as (batch: unknown[]) => unknown;
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function errorReply(taskId: number, err: unknown): WorkerReply {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: 'error', taskId, message: e.message, stack: e.stack ?? '', name: e.name };
}

async function main(): Promise<void> {
  const seed = BigInt(init.baseSeed) + BigInt(init.workerId);
  manualSeed(seed);
  let dataset: AnyDataset<unknown>;
  let collate: ((batch: unknown[]) => unknown) | null;
  try {
    dataset = await buildDataset();
    collate = await loadCollate();
    if (dataset instanceof Dataset && dataset.length !== init.datasetLength) {
      throw new Error(`workerDataset: the worker's dataset has ${dataset.length} items but the DataLoader's has ${init.datasetLength}; the module must build the same dataset`);
    }
  } catch (err) {
    reply(errorReply(-1, err));
    return;
  }
  setWorkerInfo({ id: init.workerId, numWorkers: init.numWorkers, seed, dataset });
  let stream: Iterator<unknown> | null = null;
  reply({ type: 'ready' });

  port!.on('message', (req: FetchRequest) => {
    try {
      let samples: unknown;
      if (dataset instanceof IterableDataset) {
        if (req.reset || stream === null) stream = dataset[Symbol.iterator]();
        const items: unknown[] = [];
        const want = init.autoCollation ? init.batchSize : 1;
        while (items.length < want) {
          const next = stream.next();
          if (next.done) break;
          items.push(next.value);
        }
        if (items.length === 0 || (init.autoCollation && init.dropLast && items.length < want)) {
          reply({ type: 'exhausted', taskId: req.taskId });
          return;
        }
        samples = init.autoCollation ? items : items[0];
      } else {
        const ds = dataset as Dataset<unknown>;
        samples = Array.isArray(req.index) ? req.index.map((i) => ds.getItem(i)) : ds.getItem(req.index as number);
      }
      const out = collate === null ? samples : init.autoCollation ? collate(samples as unknown[]) : defaultConvert(samples);
      const transfer: ArrayBuffer[] = [];
      const payload = encode(out, transfer);
      reply({ type: 'data', taskId: req.taskId, payload, collated: collate !== null }, transfer);
    } catch (err) {
      reply(errorReply(req.taskId, err));
    }
  });
}

void main();
