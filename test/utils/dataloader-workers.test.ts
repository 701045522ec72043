import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { DataLoader } from '../../src/utils/data/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { RandomItems, RangeStream, SquaresDataset } from './worker-datasets.js';

const workerModule = new URL('./worker-datasets.ts', import.meta.url);
const fx = loadFixture<{ workers: { random_items_seed: number; random_items: TensorJson[]; stream: number[][] } }>('data-loader.json').workers;

type Batch = [torch.Tensor, torch.Tensor];
const plain = ([x, y]: Batch) => [x.shape, x.dtype, Array.from(x.toTypedArray()), y.dtype, Array.from(y.toTypedArray())];

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

describe('DataLoader with worker threads', () => {
  test('gives exactly the batches of numWorkers 0, in order, for two shuffled epochs', async () => {
    const make = (numWorkers: number, persistentWorkers = false) =>
      new DataLoader(new SquaresDataset(37), {
        batchSize: 5,
        shuffle: true,
        generator: new torch.Generator().manualSeed(5),
        numWorkers,
        persistentWorkers,
        prefetchFactor: 1,
        workerDataset: { module: workerModule, exportName: 'makeSquares', args: [37] },
      });
    const serial = make(0);
    const expected = [[...serial].map(plain), [...serial].map(plain)];
    const threaded = make(3);
    assert.deepEqual([(await collect(threaded)).map(plain), (await collect(threaded)).map(plain)], expected);
    const persistent = make(2, true);
    assert.deepEqual([(await collect(persistent)).map(plain), (await collect(persistent)).map(plain)], expected);
    await persistent.shutdown();
    assert.equal(threaded.length, 8);
  });

  test('a Dataset class export is constructed with args; collateFn runs on the main thread', async () => {
    const loader = new DataLoader(new SquaresDataset(10), {
      batchSize: 4,
      numWorkers: 2,
      collateFn: (b) => b.map(([, y]) => y),
      workerDataset: { module: workerModule, exportName: 'SquaresDataset', args: [10] },
    });
    assert.deepEqual(await collect(loader), [[0, 1, 2, 0], [1, 2, 0, 1], [2, 0]]);
  });

  test('collateExport collates in the workers', async () => {
    const loader = new DataLoader(new SquaresDataset(6), {
      batchSize: 4,
      numWorkers: 2,
      workerDataset: { module: workerModule, exportName: 'makeSquares', args: [6], collateExport: 'pairsCollate' },
    });
    assert.deepEqual(await collect(loader), [{ sum: 0 + 1 + 2 + 3 + 1 + 4 + 9, count: 4 }, { sum: 4 + 16 + 5 + 25, count: 2 }]);
  });

  test('workers are seeded with baseSeed + id, as PyTorch (random items equal PyTorch’s)', async () => {
    const loader = new DataLoader(new RandomItems(), {
      batchSize: 2,
      numWorkers: 2,
      generator: new torch.Generator().manualSeed(fx.random_items_seed),
      workerDataset: { module: workerModule, exportName: 'RandomItems' },
    });
    const batches = await collect(loader);
    assert.equal(batches.length, fx.random_items.length);
    batches.forEach((b, i) => assertTensor(b, fx.random_items[i], {}, `batch ${i}`));
  });

  test('an IterableDataset is read round-robin from the workers, as PyTorch', async () => {
    const loader = new DataLoader(new RangeStream(10), { batchSize: 3, numWorkers: 2, workerDataset: { module: workerModule, exportName: 'RangeStream', args: [10] } });
    const batches = await collect(loader);
    assert.deepEqual(batches.map((b) => Array.from(b.toTypedArray())), fx.stream);
    const persistent = new DataLoader(new RangeStream(10), { batchSize: 3, numWorkers: 2, persistentWorkers: true, workerDataset: { module: workerModule, exportName: 'RangeStream', args: [10] } });
    for (let epoch = 0; epoch < 2; epoch++) assert.deepEqual((await collect(persistent)).map((b) => Array.from(b.toTypedArray())), fx.stream, `epoch ${epoch}`);
    await persistent.shutdown();
    assert.deepEqual([...new DataLoader(new RangeStream(10), { batchSize: 3 })].map((b) => Array.from(b.toTypedArray())), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  });

  test('an error in getItem reaches the loop with its message; a bad module is reported', async () => {
    const loader = new DataLoader(new SquaresDataset(14), { batchSize: 4, numWorkers: 2, workerDataset: { module: workerModule, exportName: 'makeSquares', args: [14] } });
    await assert.rejects(collect(loader), /item 13 is broken on purpose/);
    const missing = new DataLoader(new SquaresDataset(4), { numWorkers: 1, workerDataset: { module: workerModule, exportName: 'nope' } });
    await assert.rejects(collect(missing), /has no export 'nope'/);
    const wrongSize = new DataLoader(new SquaresDataset(4), { numWorkers: 1, workerDataset: { module: workerModule, exportName: 'makeSquares', args: [5] } });
    await assert.rejects(collect(wrongSize), /has 5 items but the DataLoader's has 4/);
  });

  test('breaking out of the loop shuts the workers down', async () => {
    const loader = new DataLoader(new SquaresDataset(40), { batchSize: 2, numWorkers: 2, workerDataset: { module: workerModule, exportName: 'makeSquares', args: [40] } });
    let n = 0;
    for await (const _ of loader) if (++n === 3) break;
    assert.equal(n, 3);
  });
});
