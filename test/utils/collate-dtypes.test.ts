// JS numbers collate to int64 or float64 by the values of the first batch at each
// sample position, and keep that dtype for the DataLoader's lifetime.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { DataLoader, NumberDtypeMemo, defaultCollate } from '../../src/utils/data/index.js';
import { FloatTargets } from './worker-datasets.js';

const workerModule = new URL('./worker-datasets.ts', import.meta.url);
type Batch = { index: torch.Tensor; target: torch.Tensor };
const plain = (b: Batch) => ({ index: [b.index.dtype, Array.from(b.index.toTypedArray(), Number)], target: [b.target.dtype, Array.from(b.target.toTypedArray(), Number)] });

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

describe('collated numbers keep one dtype per sample position', () => {
  test('without a memo, each batch decides by its values', () => {
    assert.equal(defaultCollate([0.5, 1]).dtype, 'float64');
    assert.equal(defaultCollate([2, 3]).dtype, 'int64');
  });

  test('a memo fixes the dtype at each position on the first batch', () => {
    const memo = new NumberDtypeMemo();
    const first = defaultCollate([[0.5, 1], [1, 2]], memo);
    assert.deepEqual(first.map((t) => t.dtype), ['float64', 'int64']);
    const later = defaultCollate([[2, 3], [4, 5]], memo);
    assert.deepEqual(later.map((t) => t.dtype), ['float64', 'int64']);
    assert.deepEqual(Array.from(later[0].toTypedArray(), Number), [2, 4]);
    assert.throws(() => defaultCollate([[1, 0.25]], memo), (e: Error) => e instanceof TypeError && /numbers at sample\[1\] were all whole in the first batch/.test(e.message) && /0\.25/.test(e.message));
  });

  test('a DataLoader keeps the first batch’s dtypes for every batch and epoch', () => {
    const loader = new DataLoader(new FloatTargets(8), { batchSize: 2 });
    for (let epoch = 0; epoch < 2; epoch++) {
      const batches = [...loader].map(plain);
      assert.deepEqual(batches.map((b) => [b.index[0], b.target[0]]), new Array(4).fill(['int64', 'float64']), `epoch ${epoch}`);
      assert.deepEqual(batches[1].target[1], [2, 3]);
    }
    // first batch whole, a later one with a fraction: an error naming the position, not a silent change
    const wholeFirst = new DataLoader(new FloatTargets(8), { batchSize: 2, sampler: [1, 2, 3, 4, 5, 6] });
    assert.throws(() => [...wholeFirst], (e: Error) => e instanceof TypeError && /numbers at sample\.target were all whole/.test(e.message));
  });

  test('worker threads give the same dtypes as the loader’s own thread', async () => {
    const make = (numWorkers: number) =>
      new DataLoader(new FloatTargets(8), { batchSize: 2, numWorkers, workerDataset: numWorkers ? { module: workerModule, exportName: 'FloatTargets', args: [8] } : undefined });
    const serial = [...make(0)].map(plain);
    assert.deepEqual((await collect(make(3))).map(plain), serial);
  });
});
