// The entry of a DataLoader worker thread: for each init it rebuilds its own copy of the
// dataset (from the pickled copy, or from the module named in `workerDataset`), seeds its
// default generator with baseSeed + id and runs workerInitFn (as PyTorch's _worker_loop),
// then answers fetch requests in the order they come. Every reply is posted on the worker's
// port and then signalled through the shared counter, so that the loader can block on
// it (Atomics.wait) when it is iterated synchronously.
import { setDefaultDtype } from '../../tensor/dtype.js';
import { workerData, type MessagePort } from '#platform/threads';
import { manualSeed } from '../../tensor/random.js';
import { collateDeferringNumbers, defaultConvert } from './collate.js';
import { Dataset, IterableDataset, type AnyDataset } from './dataset.js';
import { RebuildError, importModules, unpickle, type Pickled } from './pickle.js';
import { encode } from './transfer.js';
import { setWorkerInfo } from './worker-info.js';
import type { FetchRequest, WorkerInit, WorkerMessage, WorkerReply } from './worker-protocol.js';
import { random as pyRandom } from '../py-random.js';

const { init: firstInit, port, signal } = workerData as { init: WorkerInit; port: MessagePort; signal: SharedArrayBuffer };
const counter = new Int32Array(signal);

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

function errorReply(taskId: number, epoch: number, err: unknown, index: number | null = null): WorkerReply {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: 'error', taskId, epoch, message: e.message, stack: e.stack ?? '', name: e.name, index };
}

// An uncaught error (e.g. in a timer the dataset started) or process.exit() in this thread
// must reach a loader that may be blocked waiting for a reply.
process.on('uncaughtException', (err) => {
  reply(errorReply(-2, -1, err));
  process.exit(1);
});
process.on('exit', (code) => {
  if (code !== 0) reply(errorReply(-2, -1, new Error(`DataLoader worker ${firstInit.workerId} exited unexpectedly (exit code ${code})`)));
});

async function rebuild(p: Pickled): Promise<unknown> {
  return unpickle(p, await importModules(p.modules));
}

async function buildDataset(init: WorkerInit): Promise<AnyDataset<unknown>> {
  const src = init.source;
  if (src.kind === 'pickle') return (await rebuild(src.pickled)) as AnyDataset<unknown>;
  const mod = (await import(src.module)) as Record<string, unknown>;
  const exported = mod[src.exportName];
  if (exported === undefined) throw new Error(`workerDataset: module ${src.module} has no export '${src.exportName}'`);
  let made: unknown = exported;
  if (typeof exported === 'function') {
    const isClass = exported.prototype instanceof Dataset || exported.prototype instanceof IterableDataset;
    made = isClass ? new (exported as new (...a: unknown[]) => unknown)(...src.args) : await (exported as (...a: unknown[]) => unknown)(...src.args);
  }
  if (!(made instanceof Dataset) && !(made instanceof IterableDataset)) {
    throw new TypeError(`workerDataset: export '${src.exportName}' of ${src.module} is not a Dataset, an IterableDataset, or a function returning one`);
  }
  return made;
}

type Collate = (batch: unknown[]) => unknown;

async function loadCollate(init: WorkerInit): Promise<Collate | null> {
  const c = init.collate;
  if (c === 'main') return null;
  // the loader decides the dtype of collated numbers (collate.ts's NumberDtypeMemo)
  if (c === 'default') return init.autoCollation ? collateDeferringNumbers : defaultConvert;
  if ('pickled' in c) return (await rebuild(c.pickled)) as Collate;
  const mod = (await import(c.module)) as Record<string, unknown>;
  const fn = mod[c.exportName];
  if (typeof fn !== 'function') throw new TypeError(`workerDataset: collateExport '${c.exportName}' of ${c.module} is not a function`);
  return fn as Collate;
}

/** A worker's dataset and fetch state for one init (one epoch, or every epoch of persistent workers). */
type Session = (req: FetchRequest) => void;

/**
 * Builds the dataset of `init` and returns the function that serves its fetch requests,
 * or null when it could not be built (the reply says why).
 */
async function open(init: WorkerInit): Promise<Session | null> {
  const seed = BigInt(init.baseSeed) + BigInt(init.workerId);
  setDefaultDtype(init.defaultDtype);
  manualSeed(seed);
  pyRandom.seed(seed); // PyTorch's worker loop: random.seed(seed); torch.manual_seed(seed)
  let dataset: AnyDataset<unknown>;
  let collate: Collate | null;
  let initFn: ((workerId: number) => unknown) | null = null;
  try {
    dataset = await buildDataset(init);
    collate = await loadCollate(init);
    if (init.initFn) initFn = (await rebuild(init.initFn)) as (workerId: number) => unknown;
    if (init.source.kind === 'export' && dataset instanceof Dataset && dataset.length !== init.datasetLength) {
      throw new Error(`workerDataset: the worker's dataset has ${dataset.length} items but the DataLoader's has ${init.datasetLength}; the module must build the same dataset`);
    }
  } catch (err) {
    if (err instanceof RebuildError) reply({ type: 'unavailable', reason: err.message, epoch: init.epoch });
    else reply(errorReply(-1, init.epoch, err));
    return null;
  }
  setWorkerInfo({ id: init.workerId, numWorkers: init.numWorkers, seed, dataset });
  try {
    initFn?.(init.workerId);
  } catch (err) {
    reply(errorReply(-1, init.epoch, err));
    return null;
  }
  // As PyTorch's _IterableDatasetFetcher, the stream starts right after workerInitFn, and again each epoch.
  let stream: Iterator<unknown> | null = null;
  let epoch = -1;
  let streamError: unknown = null;
  const restart = () => {
    stream = null;
    streamError = null;
    try {
      if (dataset instanceof IterableDataset) stream = dataset[Symbol.iterator]();
    } catch (err) {
      streamError = err;
    }
  };
  restart();
  reply({ type: 'ready', epoch: init.epoch });

  return (req: FetchRequest) => {
    if (epoch !== req.epoch) {
      if (epoch !== -1) restart();
      epoch = req.epoch;
    }
    let index: number | null = null;
    try {
      let samples: unknown;
      if (dataset instanceof IterableDataset) {
        if (streamError !== null) throw streamError;
        const items: unknown[] = [];
        const want = init.autoCollation ? init.batchSize : 1;
        while (items.length < want) {
          const next = (stream as Iterator<unknown>).next();
          if (next.done) break;
          items.push(next.value);
        }
        if (items.length === 0 || (init.autoCollation && init.dropLast && items.length < want)) {
          reply({ type: 'exhausted', taskId: req.taskId, epoch: req.epoch });
          return;
        }
        samples = init.autoCollation ? items : items[0];
      } else {
        const ds = dataset as Dataset<unknown>;
        if (Array.isArray(req.index)) {
          const items: unknown[] = [];
          for (const i of req.index) {
            index = i;
            items.push(ds.getItem(i));
          }
          samples = items;
        } else {
          index = req.index as number;
          samples = ds.getItem(index);
        }
        index = null;
      }
      const out = collate === null ? samples : collate(samples as unknown[]);
      const transfer: ArrayBuffer[] = [];
      const payload = encode(out, transfer);
      reply({ type: 'data', taskId: req.taskId, epoch: req.epoch, payload, collated: collate !== null }, transfer);
    } catch (err) {
      reply(errorReply(req.taskId, req.epoch, err, index));
    }
  };
}

// The thread outlives an epoch: a loader without persistent workers sends a new init for
// its next epoch (the dataset rebuilt from its state then, as PyTorch's fresh workers) and
// a release when an epoch ends, instead of starting a thread again.
let session: Session | null = null;
/** Requests that came while the current init builds its dataset. */
let waiting: FetchRequest[] = [];
let generation = 0;
/** Inits build one after another, so that one superseded mid-build cannot draw from the next one's seeded generator. */
let building: Promise<void> = Promise.resolve();

function start(init: WorkerInit): void {
  const mine = ++generation;
  session = null;
  waiting = [];
  building = building.then(async () => {
    if (mine !== generation) return;
    const s = await open(init);
    if (mine !== generation || s === null) return;
    session = s;
    for (const req of waiting.splice(0)) s(req);
  });
}

port.on('message', (m: WorkerMessage) => {
  if ('init' in m) start(m.init);
  else if ('release' in m) {
    generation++;
    session = null;
    waiting = [];
  } else if (session !== null) session(m);
  else waiting.push(m);
});
start(firstInit);
