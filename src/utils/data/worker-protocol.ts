// Messages between the DataLoader and its worker threads.
import type { DType } from '../../tensor/dtype.js';
import type { Pickled } from './pickle.js';

/** How a worker gets its dataset: a module export (the loader's workerDataset option) or a pickled copy. */
export type DatasetSource =
  | { kind: 'export'; module: string; exportName: string; args: unknown[] }
  | { kind: 'pickle'; pickled: Pickled };

export interface WorkerInit {
  source: DatasetSource;
  /** The loader's workerInitFn, pickled by reference (run in the worker before any fetch). */
  initFn: Pickled | null;
  /**
   * 'default': workers collate as defaultCollate, leaving numbers as PendingNumbers for the
   * loader to type; 'main': they send samples and the loader collates; otherwise the
   * collate function to run in the worker (an export of a module, or a pickled function).
   */
  collate: 'default' | 'main' | { module: string; exportName: string } | { pickled: Pickled };
  workerId: number;
  numWorkers: number;
  /** As a decimal string: bigints are not cloneable everywhere. */
  baseSeed: string;
  datasetLength: number;
  autoCollation: boolean;
  batchSize: number;
  dropLast: boolean;
  /** The epoch tag of this init's replies (its ready, unavailable and startup errors). */
  epoch: number;
  /** The loader thread's torch.get_default_dtype(), which PyTorch's forked workers inherit. */
  defaultDtype: DType;
}

export interface FetchRequest {
  taskId: number;
  /** Requests of a new epoch restart an iterable dataset's stream (persistent workers). */
  epoch: number;
  /** A batch of indices, one index, or null for an iterable dataset. */
  index: number[] | number | null;
}

export type WorkerReply =
  | { type: 'ready'; epoch: number }
  /** The pickled dataset (or init function) could not be rebuilt: the loader loads on the main thread instead. */
  | { type: 'unavailable'; reason: string; epoch: number }
  | { type: 'data'; taskId: number; epoch: number; payload: unknown; collated: boolean }
  | { type: 'exhausted'; taskId: number; epoch: number }
  /** taskId -1: building the dataset or running workerInitFn failed; -2: the worker is dying. */
  | { type: 'error'; taskId: number; epoch: number; message: string; stack: string; name: string; index: number | null };

/**
 * What the loader posts to a worker: fetch requests; a new init (the next epoch of a loader
 * that keeps its threads between epochs); a release (the epoch ended: drop the dataset).
 */
export type WorkerMessage = FetchRequest | { init: WorkerInit } | { release: true };
