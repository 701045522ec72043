// DataLoader workers simulated on the main thread, for datasets that cannot be rebuilt in
// a worker thread (a class defined in the program's entry script, a closure over local
// variables, …). Each simulated worker has what a real one has — its own default
// generator and Python `random` seeded with baseSeed + id, getWorkerInfo(), workerInitFn run once, its own
// stream of an IterableDataset — and batches go to the workers round-robin as PyTorch
// sends them, so the batches are exactly those of real worker threads.
import { Generator, getDefaultGenerator } from '../../tensor/random.js';
import { PythonRandom, random as pyRandom } from '../py-random.js';
import { setWorkerInfo, type WorkerInfo } from './worker-info.js';
import type { AnyDataset } from './dataset.js';

type GeneratorState = ReturnType<Generator['snapshot']>;
type PythonRandomState = ReturnType<PythonRandom['getState']>;

export class SimulatedWorkers {
  private readonly states: GeneratorState[];
  /** Each worker's Python `random` (seeded with baseSeed + id, as PyTorch's worker loop seeds it). */
  private readonly pyStates: PythonRandomState[];
  private readonly infos: WorkerInfo[];
  /** Each worker's stream of an iterable dataset (created after workerInitFn, and anew each epoch). */
  readonly streams: (Iterator<unknown> | null)[];

  constructor(
    readonly numWorkers: number,
    baseSeed: bigint,
    private readonly dataset: AnyDataset<unknown>,
    private readonly iterable: boolean,
    initFn: ((workerId: number) => unknown) | null,
  ) {
    this.states = [];
    this.pyStates = [];
    this.infos = [];
    this.streams = [];
    for (let id = 0; id < numWorkers; id++) {
      const seed = baseSeed + BigInt(id);
      this.states.push(new Generator(seed).snapshot());
      this.pyStates.push(new PythonRandom(seed).getState());
      this.infos.push({ id, numWorkers, seed, dataset });
      this.streams.push(null);
    }
    for (let id = 0; id < numWorkers; id++) {
      this.run(id, () => {
        initFn?.(id);
        this.startStream(id);
      });
    }
  }

  private startStream(id: number): void {
    if (this.iterable) this.streams[id] = (this.dataset as Iterable<unknown>)[Symbol.iterator]();
  }

  /** A new epoch (persistent workers): the streams restart, the generators go on. */
  restart(): void {
    for (let id = 0; id < this.numWorkers; id++) this.run(id, () => this.startStream(id));
  }

  /** Runs `fn` as worker `id`: with its generator as the default one and its getWorkerInfo(). */
  run<R>(id: number, fn: () => R): R {
    const gen = getDefaultGenerator();
    const saved = gen.snapshot();
    const savedPy = pyRandom.getState();
    gen.restore(this.states[id]);
    pyRandom.setState(this.pyStates[id]);
    setWorkerInfo(this.infos[id]);
    try {
      return fn();
    } finally {
      setWorkerInfo(null);
      this.states[id] = gen.snapshot();
      this.pyStates[id] = pyRandom.getState();
      gen.restore(saved);
      pyRandom.setState(savedPy);
    }
  }
}
