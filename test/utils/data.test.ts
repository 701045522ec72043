import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import {
  BatchSampler,
  ChainDataset,
  ConcatDataset,
  DataLoader,
  RandomSampler,
  SequentialSampler,
  Subset,
  SubsetRandomSampler,
  TensorDataset,
  WeightedRandomSampler,
  IterableDataset,
  defaultCollate,
  randomSplit,
  type Dataset,
} from '../../src/utils/data/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface LoaderCase {
  name: 'shuffle' | 'generator';
  seed: number;
  batch_size: number;
  drop_last: boolean;
  epochs: number[][][];
  after: TensorJson;
}
type Packed = { tensor: TensorJson } | { dict: Record<string, Packed> } | { list: Packed[] } | { value: unknown };
interface Fixture {
  loaders: LoaderCase[];
  samplers: Record<string, unknown> & { weights: number[]; random_default_after: TensorJson };
  splits: { lengths: number[]; generator: number | null; seed?: number; of?: 'list' | 'tensor'; indices: number[][]; items?: unknown[][] }[];
  collate: Record<string, { batch: Packed[]; out: Packed }>;
}

const fx = loadFixture<Fixture>('data-loader.json');
const range = (n: number) => new TensorDataset(torch.arange(n));
const values = (loader: Iterable<torch.Tensor[]>) => [...loader].map(([x]) => Array.from(x.toTypedArray(), Number));
// Python's range(n) as a data source: anything with a length (a plain object would be the options)
const sized = (n: number): unknown[] => new Array(n);

describe('DataLoader order matches PyTorch', () => {
  for (const c of fx.loaders) {
    test(`${c.name}, seed ${c.seed}`, () => {
      let loader: DataLoader<torch.Tensor[]>;
      if (c.name === 'shuffle') {
        torch.manualSeed(c.seed);
        loader = new DataLoader(range(10), { batchSize: c.batch_size, shuffle: true });
      } else {
        const generator = new torch.Generator().manualSeed(c.seed);
        torch.manualSeed(123);
        loader = new DataLoader(range(10), { batchSize: c.batch_size, shuffle: true, dropLast: true, generator });
      }
      assert.deepEqual([values(loader), values(loader)], c.epochs);
      assertTensor(torch.rand(3), c.after, {}, 'default generator after two epochs');
      assert.equal(loader.length, c.epochs[0].length);
    });
  }

  test('sequential batches, dropLast and length', () => {
    const loader = new DataLoader(range(10), { batchSize: 4 });
    assert.deepEqual(values(loader), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    assert.equal(loader.length, 3);
    const dropping = new DataLoader(range(10), { batchSize: 4, dropLast: true });
    assert.equal(dropping.length, 2);
    assert.deepEqual(values(dropping), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  test('for (const [x, y] of loader) with a TensorDataset', () => {
    const ds = new TensorDataset(torch.arange(12).float().reshape(6, 2), torch.arange(6));
    const seen: number[][] = [];
    for (const [x, y] of new DataLoader(ds, { batchSize: 4 })) {
      seen.push(x.shape, y.shape);
      assert.equal(x.dtype, 'float32');
      assert.equal(y.dtype, 'int64');
    }
    assert.deepEqual(seen, [[4, 2], [4], [2, 2], [2]]);
  });

  test('batchSampler, sampler, batchSize null and collateFn', () => {
    const ds = range(6);
    const bs = new DataLoader(ds, { batchSampler: [[5, 0], [1, 2, 3]] });
    assert.deepEqual(values(bs), [[5, 0], [1, 2, 3]]);
    const unbatched = new DataLoader(ds, { batchSize: null, sampler: [4, 1] });
    assert.deepEqual([...unbatched].map(([x]) => x.shape), [[], []]);
    assert.deepEqual([...unbatched].map(([x]) => x.item()), [4, 1]);
    const custom = new DataLoader(ds, { batchSize: 4, collateFn: (b) => b.length });
    assert.deepEqual([...custom], [4, 2]);
  });

  test('mutually exclusive options raise as in PyTorch', () => {
    const ds = range(4);
    assert.throws(() => new DataLoader(ds, { sampler: [0], shuffle: true }), /mutually exclusive with shuffle/);
    assert.throws(() => new DataLoader(ds, { batchSampler: [[0]], batchSize: 2 }), /batch_sampler option is mutually exclusive/);
    assert.throws(() => new DataLoader(ds, { batchSize: null, dropLast: true }), /disables auto-batching/);
  });
});

describe('samplers match PyTorch', () => {
  const s = fx.samplers;
  test('RandomSampler without a generator seeds from the default generator', () => {
    torch.manualSeed(3);
    const sampler = new RandomSampler(sized(9));
    assert.deepEqual([[...sampler], [...sampler]], s.random_default);
    assertTensor(torch.rand(2), s.random_default_after);
  });
  test('RandomSampler with replacement and numSamples', () => {
    assert.deepEqual([...new RandomSampler(sized(9), { replacement: true, numSamples: 70, generator: new torch.Generator().manualSeed(11) })], s.random_replacement);
    assert.deepEqual([...new RandomSampler(sized(7), { numSamples: 17, generator: new torch.Generator().manualSeed(12) })], s.random_num_samples);
    torch.manualSeed(4);
    assert.deepEqual([...new RandomSampler(sized(1000), { replacement: true, numSamples: 40 })], s.random_replacement_default);
    assert.equal(new RandomSampler(sized(7), { numSamples: 17 }).length, 17);
    assert.throws(() => new RandomSampler(sized(0)), /num_samples should be a positive integer/);
  });
  test('SubsetRandomSampler', () => {
    assert.deepEqual([...new SubsetRandomSampler([10, 20, 30, 40, 50, 60], new torch.Generator().manualSeed(5))], s.subset_random);
  });
  test('WeightedRandomSampler (torch.multinomial)', () => {
    const w = s.weights;
    assert.deepEqual([...new WeightedRandomSampler(w, 50, true, new torch.Generator().manualSeed(6))], s.weighted_replacement);
    assert.deepEqual([...new WeightedRandomSampler(w, 7, false, new torch.Generator().manualSeed(6))], s.weighted_no_replacement);
    const g = new torch.Generator().manualSeed(8);
    const single = new WeightedRandomSampler(w, 1, true, g);
    assert.deepEqual(Array.from({ length: 20 }, () => [...single]), s.weighted_single);
    torch.manualSeed(9);
    assert.deepEqual([...new WeightedRandomSampler(w, 30)], s.weighted_default);
    assert.throws(() => [...new WeightedRandomSampler([0, 0], 2)], /sum of probabilities/);
    assert.throws(() => [...new WeightedRandomSampler([1, 1], 3, false)], /without replacement/);
  });
  test('SequentialSampler and BatchSampler', () => {
    assert.deepEqual([...new SequentialSampler(sized(4))], [0, 1, 2, 3]);
    const [keep, drop] = s.batch_sampler as number[][][];
    const seq = new SequentialSampler(sized(10));
    assert.deepEqual([...new BatchSampler(seq, 3, false)], keep);
    assert.deepEqual([...new BatchSampler(seq, 3, true)], drop);
    assert.equal(new BatchSampler(seq, 3, false).length, 4);
    assert.equal(new BatchSampler(seq, 3, true).length, 3);
  });
});

describe('datasets', () => {
  test('randomSplit gives PyTorch’s split', () => {
    const ds = range(23);
    for (const c of fx.splits) {
      if (c.generator === null) torch.manualSeed(c.seed as number);
      // a plain list and a Tensor split as datasets too (item i is list[i] / t[i])
      const source = (c.of === 'list' ? Array.from({ length: 23 }, (_, i) => i) : c.of === 'tensor' ? torch.arange(46).reshape(23, 2) : ds) as typeof ds;
      const parts = c.generator === null ? randomSplit(source, c.lengths) : randomSplit(source, c.lengths, new torch.Generator().manualSeed(c.generator));
      assert.deepEqual(parts.map((p) => [...p.indices]), c.indices, `lengths ${c.lengths}`);
      if (c.items !== undefined) {
        const items = parts.map((p) => Array.from({ length: p.length }, (_, i) => { const v = p.getItem(i); return v instanceof torch.Tensor ? v.tolist() : v; }));
        assert.deepEqual(items, c.items, `items of the ${c.of}`);
      }
    }
    for (const [b, want] of [...new DataLoader(torch.arange(5), { batchSize: 2 })].map((b, i) => [b, [[0, 1], [2, 3], [4]][i]] as const)) {
      assert.deepEqual((b as torch.Tensor).tolist(), want, 'a DataLoader over a Tensor batches its rows');
    }
    assert.throws(() => randomSplit(ds, [10, 10]), /Sum of input lengths/);
  });

  test('TensorDataset, Subset and ConcatDataset', () => {
    const a = range(3);
    const b = new TensorDataset(torch.arange(10, 15));
    const cat = new ConcatDataset<torch.Tensor[]>([a, b]);
    assert.equal(cat.length, 8);
    assert.deepEqual([0, 2, 3, 7, -1].map((i) => cat.getItem(i)[0].item()), [0, 2, 10, 14, 14]);
    const sub = new Subset(cat, [7, 0]);
    assert.deepEqual([sub.getItem(0)[0].item(), sub.getItem(1)[0].item()], [14, 0]);
    assert.throws(() => a.getItem(3), /out of range/);
    assert.throws(() => new TensorDataset(torch.zeros(3), torch.zeros(4)), /Size mismatch/);
    assert.throws(() => a.getItem(1.5), TypeError);
  });

  test('ChainDataset: items in order; length only when every dataset has one', () => {
    class Stream extends IterableDataset<number> {
      constructor(readonly items: number[]) {
        super();
      }
      *[Symbol.iterator]() {
        yield* this.items;
      }
    }
    class SizedStream extends Stream {
      get length() {
        return this.items.length;
      }
    }
    const sized = new ChainDataset([new SizedStream([1, 2]), new SizedStream([3])]);
    assert.deepEqual([...sized], [1, 2, 3]);
    assert.equal(sized.length, 3);
    // PyTorch: len() of a chain holding an IterableDataset without __len__ raises TypeError
    const unsized = new ChainDataset([new SizedStream([1]), new Stream([2])]);
    assert.deepEqual([...unsized], [1, 2]);
    assert.throws(() => unsized.length, (e: Error) => e instanceof TypeError && /Stream in ChainDataset has no length/.test(e.message));
  });
});

function unpack(p: Packed): unknown {
  if ('tensor' in p) return p.tensor;
  if ('dict' in p) return Object.fromEntries(Object.entries(p.dict).map(([k, v]) => [k, unpack(v)]));
  if ('list' in p) return p.list.map(unpack);
  return p.value;
}
function toInput(p: Packed): unknown {
  if ('tensor' in p) return torch.tensor(p.tensor.data as number[], { dtype: p.tensor.dtype }).reshape(p.tensor.shape);
  if ('dict' in p) return Object.fromEntries(Object.entries(p.dict).map(([k, v]) => [k, toInput(v)]));
  if ('list' in p) return p.list.map(toInput);
  return p.value;
}
function compare(actual: unknown, expected: unknown, where: string): void {
  if (expected && typeof expected === 'object' && 'dtype' in expected) {
    assert.ok(actual instanceof torch.Tensor, `${where}: expected a tensor`);
    assertTensor(actual, expected as TensorJson, {}, where);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    expected.forEach((e, i) => compare((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected)) compare((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

describe('defaultCollate matches PyTorch', () => {
  for (const [name, c] of Object.entries(fx.collate)) {
    test(name, () => compare(defaultCollate(c.batch.map(toInput)), unpack(c.out), name));
  }
  test('unequal sizes and unsupported types raise', () => {
    assert.throws(() => defaultCollate([[1, 2], [3]]), /equal size/);
    assert.throws(() => defaultCollate([new Date()]), /found Date/);
    assert.throws(() => defaultCollate([torch.zeros(2), torch.zeros(3)]), /stack expects each tensor to be equal size/);
  });
});

export type { Dataset };

test("for...of over a map-style Dataset gives items 0, 1, ... until getItem's RangeError (Python's IndexError) or length, as Python iterates __getitem__", () => {
  class Tens extends torch.utils.data.Dataset<number> {
    getItem(i: number): number {
      if (i >= 3) throw new RangeError('index out of range');
      return i * 10;
    }
    get length(): number {
      return 5;
    }
  }
  assert.deepEqual([...new Tens()], [0, 10, 20]);
  const td = new torch.utils.data.TensorDataset(torch.arange(4), torch.arange(4).mul(2));
  assert.deepEqual([...td].map(([a, b]) => [a.item(), b.item()]), [[0, 0], [1, 2], [2, 4], [3, 6]]);
  class Broken extends torch.utils.data.Dataset<number> {
    getItem(): number {
      throw new TypeError('not an index error');
    }
    get length(): number {
      return 2;
    }
  }
  assert.throws(() => [...new Broken()], /not an index error/);
});
