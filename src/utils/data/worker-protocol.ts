// Messages between the DataLoader and its worker threads.

export interface WorkerInit {
  module: string;
  exportName: string;
  args: unknown[];
  /**
   * 'default': workers collate as defaultCollate, leaving numbers as PendingNumbers for the
   * loader to type; 'main': they send samples and the loader collates.
   */
  collate: 'default' | 'main' | { module: string; exportName: string };
  workerId: number;
  numWorkers: number;
  /** As a decimal string: bigints are not cloneable everywhere. */
  baseSeed: string;
  datasetLength: number;
  autoCollation: boolean;
  batchSize: number;
  dropLast: boolean;
}

export interface FetchRequest {
  taskId: number;
  /** A batch of indices, one index, or null for an iterable dataset. */
  index: number[] | number | null;
  /** The first request of an epoch to a worker: an iterable dataset restarts its stream. */
  reset: boolean;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'data'; taskId: number; payload: unknown; collated: boolean }
  | { type: 'exhausted'; taskId: number }
  | { type: 'error'; taskId: number; message: string; stack: string; name: string };
