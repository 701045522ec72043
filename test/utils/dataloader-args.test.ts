// DataLoader's signature: PyTorch 1.13's parameters in PyTorch's order and/or by camelCase
// name, checked at run time; PyTorch's errors for invalid combinations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { DataLoader, IterableDataset } from '../../src/utils/data/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { Range } from './worker-fixtures.js';

const fx = loadFixture<{ positional: number[][]; errors: Record<string, string> }>('data-loader-args.json');
const seeded = (s: number) => new torch.Generator().manualSeed(s);
const batches = (loader: Iterable<torch.Tensor>) => [...loader].map((b) => Array.from(b.toTypedArray(), Number));

class Stream extends IterableDataset<number> {
  *[Symbol.iterator](): Iterator<number> {
    yield* [0, 1, 2];
  }
}

describe('DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn, pin_memory, drop_last, timeout, worker_init_fn, multiprocessing_context, generator, *, ...)', () => {
  test("PyTorch's positional order, the options object and both mixed give PyTorch's batches", () => {
    const ds = new Range(10);
    assert.deepEqual(batches(new DataLoader(ds, 4, true, null, null, 0, null, false, true, 0, null, null, seeded(7))), fx.positional);
    assert.deepEqual(batches(new DataLoader(ds, { batchSize: 4, shuffle: true, dropLast: true, generator: seeded(7) })), fx.positional);
    assert.deepEqual(batches(new DataLoader(ds, 4, true, { dropLast: true, generator: seeded(7) })), fx.positional);
    const loader = new DataLoader(ds, 3, false, null, null, 0, null, true, false, 0, null, null, null, { prefetchFactor: 2, persistentWorkers: false, pinMemoryDevice: '' });
    assert.equal(loader.batchSize, 3);
    assert.equal(loader.pinMemory, true);
    assert.deepEqual(batches(loader), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]); // pinMemory: no pinned memory on the CPU, same batches
    const workers = new DataLoader(ds, 5, false, null, null, 2, null, false, false, 30, null, 'spawn', null, { prefetchFactor: 1, persistentWorkers: true });
    assert.deepEqual([workers.numWorkers, workers.timeout, workers.multiprocessingContext, workers.prefetchFactor, workers.persistentWorkers], [2, 30, 'spawn', 1, true]);
  });

  test('JavaScript-style mistakes throw TypeErrors naming the parameter, and draw nothing from the generator', () => {
    const ds = new Range(10);
    const gen = seeded(3);
    const state = gen.snapshot().state.slice();
    const cases: [() => unknown, RegExp][] = [
      [() => new DataLoader(ds, { batch_size: 4 } as never), /^DataLoader\(\): unexpected option 'batch_size' — did you mean 'batchSize'\?$/],
      [() => new DataLoader(ds, { num_workers: 2 } as never), /did you mean 'numWorkers'\?/],
      [() => new DataLoader(ds, { batchsize: 4 } as never), /^DataLoader\(\): unexpected option 'batchsize'; accepted options: dataset, batchSize, shuffle, sampler, batchSampler, numWorkers, collateFn, pinMemory, dropLast, timeout, workerInitFn, multiprocessingContext, generator, prefetchFactor, persistentWorkers, pinMemoryDevice, workerDataset$/],
      [() => new DataLoader(ds, { batchSize: '4' } as never), /^DataLoader\(\): option 'batchSize' must be an int or null, not str$/],
      [() => new DataLoader(ds, 4.5 as never), /argument 'batchSize' \(position 2\) must be an int or null, not float/],
      [() => new DataLoader(ds, { shuffle: 1 } as never), /option 'shuffle' must be a bool or null, not int/],
      [() => new DataLoader(ds, { generator: 7 } as never), /option 'generator' must be torch.Generator or null, not int/],
      [() => new DataLoader(ds, { collateFn: 'stack' } as never), /option 'collateFn' must be a function or null, not str/],
      [() => new DataLoader(ds, { multiprocessingContext: 'threads', numWorkers: 2 } as never), /option 'multiprocessingContext' must be one of 'spawn', 'fork', 'forkserver' or null, not str/],
      [() => new DataLoader(ds, { workerDataset: 'data.ts' } as never), /option 'workerDataset' must be an object \{ module, exportName\?, args\?, collateExport\? \} or null, not str/],
      [() => new DataLoader('abc' as never), /argument 'dataset' \(position 1\) must be a Dataset \(getItem and length\), an IterableDataset, an array or a Tensor, not str/],
      [() => new (DataLoader as unknown as new () => unknown)(), /^DataLoader\(\): missing required argument 'dataset'$/],
      [() => new DataLoader(ds, 4, { batchSize: 4 } as never), /^DataLoader\(\): got multiple values for argument 'batchSize'$/],
      [() => new (DataLoader as unknown as new (...a: unknown[]) => unknown)(ds, 1, null, null, null, 0, null, false, false, 0, null, null, gen, 2), /takes from 1 to 13 positional arguments but 14 were given/],
    ];
    for (const [call, message] of cases) assert.throws(call, (e: Error) => e instanceof TypeError && message.test(e.message), String(message));
    assert.deepEqual(gen.snapshot().state, state);
  });

  test("PyTorch's ValueErrors for invalid combinations, with PyTorch's messages", () => {
    const ds = new Range(4);
    const e = fx.errors;
    const cases: [() => unknown, string, ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor][] = [
      [() => new DataLoader(ds, { numWorkers: -1 }), e.negative_workers, RangeError],
      [() => new DataLoader(ds, { timeout: -1 }), e.negative_timeout, RangeError],
      [() => new DataLoader(ds, { prefetchFactor: 4 }), e.prefetch_without_workers, RangeError],
      [() => new DataLoader(ds, { persistentWorkers: true }), e.persistent_without_workers, RangeError],
      [() => new DataLoader(ds, { multiprocessingContext: 'spawn' }), e.context_without_workers, RangeError],
      [() => new DataLoader(ds, { sampler: [0, 1], shuffle: true }), e.sampler_and_shuffle, TypeError],
      [() => new DataLoader(ds, { batchSampler: [[0]], batchSize: 2 }), e.batch_sampler_and_batch_size, TypeError],
      [() => new DataLoader(ds, { batchSize: null, dropLast: true }), e.no_batch_and_drop_last, TypeError],
    ];
    for (const [call, message, cls] of cases) assert.throws(call, (err: Error) => err instanceof cls && err.message === message, message);
    // prefetch_factor=2 (the default) may be given without workers, as in PyTorch 1.13
    assert.equal(new DataLoader(ds, { prefetchFactor: 2 }).prefetchFactor, 2);
    assert.throws(() => new DataLoader(ds, { numWorkers: 1, prefetchFactor: 0 }), /prefetch_factor option should be positive/);
    // PyTorch's single-process loader asserts timeout == 0: said at once here
    assert.throws(() => new DataLoader(ds, { timeout: 5 }), /timeout option needs num_workers > 0/);
    assert.throws(() => new DataLoader(ds, { pinMemory: true, pinMemoryDevice: 'cuda' }), /Torch not compiled with CUDA enabled: torchlette runs on the CPU only: device 'cuda' is not available/);
    assert.throws(() => new DataLoader(new Stream(), { shuffle: true }), /expected unspecified shuffle option, but got shuffle=true/);
    assert.deepEqual(batches(new DataLoader(new Stream(), { shuffle: false, batchSize: 2 })), [[0, 1], [2]]);
  });
});
