// torch.utils.data.get_worker_info(): set inside DataLoader worker threads (and while a
// loader that could not use threads runs a simulated worker's work), null elsewhere.
import type { AnyDataset } from './dataset.js';

export interface WorkerInfo {
  /** This worker's index in [0, numWorkers). */
  id: number;
  numWorkers: number;
  /** The seed this worker's default generator was seeded with (baseSeed + id, as PyTorch). */
  seed: bigint;
  /** This worker's copy of the dataset. */
  dataset: AnyDataset<unknown>;
}

let current: WorkerInfo | null = null;

export function getWorkerInfo(): WorkerInfo | null {
  return current;
}

export function setWorkerInfo(info: WorkerInfo | null): void {
  current = info;
}
