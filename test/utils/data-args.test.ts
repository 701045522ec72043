// torch.utils.data's calling conventions: datasets, randomSplit and samplers take
// PyTorch's positional parameters, an options object with the same names in camelCase,
// or both, with PyTorch's results (fixtures from scripts/fixtures/vision_args.py).
// Wrong arguments, as JavaScript lets one write them, throw TypeErrors naming the
// parameter and change nothing (no generator state is consumed).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import {
  BatchSampler,
  ChainDataset,
  ConcatDataset,
  IterableDataset,
  RandomSampler,
  SequentialSampler,
  Subset,
  SubsetRandomSampler,
  TensorDataset,
  WeightedRandomSampler,
  randomSplit,
} from '../../src/utils/data/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Fixture {
  data: {
    x: TensorJson;
    y: TensorJson;
    x2: TensorJson;
    y2: TensorJson;
    tensor_dataset: TensorJson[][];
    concat_indices: number[];
    concat: TensorJson[][];
    concat_cumulative_sizes: number[];
    subset: TensorJson[][];
    random_split: { lengths: number[]; seed: number; indices: number[][] }[];
    random_split_default: { seed: number; lengths: number[]; indices: number[][]; after: TensorJson };
    weights: number[];
    samplers: Record<string, number[] | number[][]>;
  };
}
const fx = loadFixture<Fixture>('vision_args.json').data;
const [x, y, x2, y2] = [fx.x, fx.y, fx.x2, fx.y2].map((t) => fromJson(t));
const range = (n: number): number[] => [...Array(n).keys()];
const gen = (seed: number) => new torch.Generator().manualSeed(seed);

function assertItems(actual: torch.Tensor[], expected: TensorJson[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: tuple length`);
  actual.forEach((t, k) => assertTensor(t, expected[k], {}, `${label}[${k}]`));
}

describe('datasets: positional, options and mixed calls match PyTorch', () => {
  test('TensorDataset(*tensors)', () => {
    const ds = new TensorDataset(x, y);
    [0, 4, -1].forEach((i, k) => assertItems(ds.getItem(i), fx.tensor_dataset[k], `item ${i}`));
  });

  test('ConcatDataset(datasets), Subset(dataset, indices)', () => {
    const a = new TensorDataset(x, y);
    const b = new TensorDataset(x2, y2);
    for (const cat of [new ConcatDataset([a, b]), new ConcatDataset({ datasets: [a, b] }), new ConcatDataset(new Set([a, b]))]) {
      assert.deepEqual(cat.cumulativeSizes, fx.concat_cumulative_sizes);
      fx.concat_indices.forEach((i, k) => assertItems(cat.getItem(i), fx.concat[k], `concat item ${i}`));
      for (const sub of [new Subset(cat, [7, 0, 3]), new Subset({ dataset: cat, indices: [7, 0, 3] }), new Subset(cat, { indices: [7, 0, 3] })]) {
        assert.equal(sub.length, 3);
        fx.subset.forEach((e, i) => assertItems(sub.getItem(i), e, `subset item ${i}`));
      }
    }
  });

  test('ChainDataset(datasets)', () => {
    class Stream extends IterableDataset<number> {
      constructor(readonly items: number[]) {
        super();
      }
      *[Symbol.iterator]() {
        yield* this.items;
      }
    }
    for (const chain of [new ChainDataset([new Stream([1]), new Stream([2, 3])]), new ChainDataset({ datasets: [new Stream([1]), new Stream([2, 3])] })]) {
      assert.deepEqual([...chain], [1, 2, 3]);
    }
  });

  test('randomSplit(dataset, lengths, generator): counts and fractions', () => {
    const cat = new ConcatDataset([new TensorDataset(x, y), new TensorDataset(x2, y2)]);
    for (const c of fx.random_split) {
      for (const parts of [
        randomSplit(cat, c.lengths, gen(c.seed)),
        randomSplit({ dataset: cat, lengths: c.lengths, generator: gen(c.seed) }),
        randomSplit(cat, c.lengths, { generator: gen(c.seed) }),
      ]) {
        assert.deepEqual(
          parts.map((p) => [...p.indices]),
          c.indices,
          `lengths ${c.lengths}`,
        );
      }
    }
    const d = fx.random_split_default;
    torch.manualSeed(d.seed);
    assert.deepEqual(
      randomSplit(cat, { lengths: d.lengths }).map((p) => [...p.indices]),
      d.indices,
    );
    assertTensor(torch.rand(2), d.after, {}, 'the default generator after the split');
  });
});

describe('samplers: positional, options and mixed calls match PyTorch', () => {
  const s = fx.samplers;
  const w = fx.weights;
  const forms: Record<string, (() => Iterable<number | number[]>)[]> = {
    SequentialSampler: [() => new SequentialSampler(range(4)), () => new SequentialSampler({ dataSource: range(4) })],
    'RandomSampler/replacement': [
      () => new RandomSampler(range(7), true, 12, gen(1)),
      () => new RandomSampler({ dataSource: range(7), replacement: true, numSamples: 12, generator: gen(1) }),
      () => new RandomSampler(range(7), true, { numSamples: 12, generator: gen(1) }),
    ],
    RandomSampler: [
      () => new RandomSampler(range(7), false, null, gen(2)),
      () => new RandomSampler({ dataSource: range(7), generator: gen(2) }),
      () => new RandomSampler(range(7), { generator: gen(2) }),
    ],
    SubsetRandomSampler: [
      () => new SubsetRandomSampler([3, 5, 7, 9], gen(3)),
      () => new SubsetRandomSampler({ indices: [3, 5, 7, 9], generator: gen(3) }),
      () => new SubsetRandomSampler([3, 5, 7, 9], { generator: gen(3) }),
    ],
    WeightedRandomSampler: [
      () => new WeightedRandomSampler(w, 3, false, gen(4)),
      () => new WeightedRandomSampler({ weights: w, numSamples: 3, replacement: false, generator: gen(4) }),
      () => new WeightedRandomSampler(torch.tensor(w, { dtype: 'float64' }), 3, { replacement: false, generator: gen(4) }),
    ],
    'WeightedRandomSampler/replacement': [
      () => new WeightedRandomSampler(w, 10, true, gen(5)),
      () => new WeightedRandomSampler({ weights: w, numSamples: 10, generator: gen(5) }),
      () => new WeightedRandomSampler(w, { numSamples: 10, generator: gen(5) }),
    ],
    BatchSampler: [
      () => new BatchSampler(new SequentialSampler(range(7)), 3, false),
      () => new BatchSampler({ sampler: new SequentialSampler(range(7)), batchSize: 3, dropLast: false }),
      () => new BatchSampler(range(7), 3, { dropLast: false }),
    ],
    'BatchSampler/drop_last': [
      () => new BatchSampler(new SequentialSampler(range(7)), 3, true),
      () => new BatchSampler({ sampler: range(7), batchSize: 3, dropLast: true }),
      () => new BatchSampler(range(7), { batchSize: 3, dropLast: true }),
    ],
  };
  test('every fixture case has its forms', () => assert.deepEqual(Object.keys(forms).sort(), Object.keys(s).sort()));
  for (const [name, makes] of Object.entries(forms)) {
    test(name, () => makes.forEach((make, form) => assert.deepEqual([...make()], s[name], `form ${form}`)));
  }
});

// --- wrong arguments, as JavaScript lets one write them ---

type Untyped = (...args: unknown[]) => unknown;
const ctor =
  (cls: unknown): Untyped =>
  (...args) =>
    new (cls as new (...a: unknown[]) => unknown)(...args);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Case {
  name: string;
  call: Untyped;
  valid: unknown[];
  params: string[];
  snake?: [snake: string, value: unknown];
  wrong: [param: string, value: unknown, type: string];
}

describe('wrong arguments throw TypeErrors naming the parameter, and consume no random numbers', () => {
  const ds = new TensorDataset(torch.arange(6));
  const cases: Case[] = [
    { name: 'ConcatDataset', call: ctor(ConcatDataset), valid: [[ds, ds]], params: ['datasets'], wrong: ['datasets', ds, 'TensorDataset'] },
    { name: 'ChainDataset', call: ctor(ChainDataset), valid: [[]], params: ['datasets'], wrong: ['datasets', 5, 'int'] },
    { name: 'Subset', call: ctor(Subset), valid: [ds, [0, 2]], params: ['dataset', 'indices'], wrong: ['indices', [0.5], 'list'] },
    { name: 'randomSplit', call: randomSplit as Untyped, valid: [ds, [3, 3], null], params: ['dataset', 'lengths', 'generator'], wrong: ['generator', 42, 'int'] },
    { name: 'SequentialSampler', call: ctor(SequentialSampler), valid: [ds], params: ['dataSource'], snake: ['data_source', ds], wrong: ['dataSource', 5, 'int'] },
    {
      name: 'RandomSampler',
      call: ctor(RandomSampler),
      valid: [ds, false, null, null],
      params: ['dataSource', 'replacement', 'numSamples', 'generator'],
      snake: ['num_samples', 3],
      wrong: ['replacement', 1, 'int'],
    },
    { name: 'SubsetRandomSampler', call: ctor(SubsetRandomSampler), valid: [[1, 2], null], params: ['indices', 'generator'], wrong: ['generator', 'seed', 'str'] },
    {
      name: 'WeightedRandomSampler',
      call: ctor(WeightedRandomSampler),
      valid: [[1, 2], 2, true, null],
      params: ['weights', 'numSamples', 'replacement', 'generator'],
      snake: ['num_samples', 2],
      wrong: ['numSamples', 2.5, 'float'],
    },
    { name: 'BatchSampler', call: ctor(BatchSampler), valid: [[0, 1, 2], 2, false], params: ['sampler', 'batchSize', 'dropLast'], snake: ['drop_last', true], wrong: ['dropLast', 'no', 'str'] },
  ];
  const state = () => {
    const st = torch.getDefaultGenerator().snapshot();
    return [Array.from(st.state), st.index];
  };
  function rejects(c: Case, what: string, args: unknown[], message: RegExp): void {
    const before = state();
    assert.throws(
      () => c.call(...args),
      (e: Error) => e instanceof TypeError && message.test(e.message),
      `${c.name}: ${what} (${message})`,
    );
    assert.deepEqual(state(), before, `${c.name}: ${what} drew no random numbers`);
  }
  for (const c of cases) {
    test(c.name, () => {
      const head = `^${escape(c.name)}\\(\\): `;
      c.call(...c.valid);
      rejects(c, 'unknown option', [c.valid[0], { bogus: 1 }], new RegExp(`${head}unexpected option 'bogus'; accepted options: ${c.params.join(', ')}$`));
      if (c.snake) {
        const [snake, value] = c.snake;
        const camel = snake.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
        rejects(c, 'snake_case option', [c.valid[0], { [snake]: value }], new RegExp(`${head}unexpected option '${snake}' — did you mean '${camel}'\\?`));
      }
      const [param, bad, type] = c.wrong;
      const i = c.params.indexOf(param);
      rejects(c, 'wrong type (positional)', [...c.valid.slice(0, i), bad], new RegExp(`${head}argument '${param}' \\(position ${i + 1}\\) must be .*, not ${type}$`));
      rejects(c, 'wrong type (option)', [...c.valid.slice(0, i), { [param]: bad }], new RegExp(`${head}option '${param}' must be .*, not ${type}$`));
      rejects(c, 'duplicate', [c.valid[0], { [c.params[0]]: c.valid[0] }], new RegExp(`${head}got multiple values for argument '${c.params[0]}'$`));
      rejects(c, 'missing required', [{}], new RegExp(`${head}missing required argument '${c.params[0]}'$`));
      rejects(c, 'too many positional', [...c.params.map((_, k) => c.valid[k] ?? null), 1], new RegExp(`${head}takes .*positional arguments? but ${c.params.length + 1} were given$`));
    });
  }

  test('TensorDataset(*tensors): each must be a Tensor, with the same first dimension', () => {
    assert.throws(() => new TensorDataset(x, [1, 2, 3] as unknown as torch.Tensor), /^TypeError: TensorDataset\(\): argument 'tensors' \(position 2\) must be Tensor, not list$/);
    assert.throws(() => new TensorDataset({ tensors: [x] } as unknown as torch.Tensor), /TensorDataset\(\): argument 'tensors' \(position 1\) must be Tensor, not object/);
    assert.throws(() => new TensorDataset(x, torch.zeros(4)), (e: Error) => e instanceof RangeError && /^Size mismatch between tensors/.test(e.message));
  });

  test('PyTorch’s value checks keep PyTorch’s messages', () => {
    assert.throws(() => new RandomSampler(range(3), false, 0), /num_samples should be a positive integer value, but got num_samples=0/);
    assert.throws(() => new RandomSampler([]), /num_samples should be a positive integer value, but got num_samples=0/);
    assert.throws(() => new WeightedRandomSampler([1, 2], -1), /num_samples should be a positive integer value, but got num_samples=-1/);
    assert.throws(() => new WeightedRandomSampler(torch.ones(2, 2), 2), /weights should be a 1d sequence but given weights have shape \(2, 2\)/);
    assert.throws(() => new BatchSampler(range(3), 0, false), /batch_size should be a positive integer value, but got batch_size=0/);
    assert.throws(() => new ConcatDataset([]), /datasets should not be an empty iterable/);
    assert.throws(() => new ConcatDataset([ds, 5 as never]), /ConcatDataset\(\): datasets\[1\] must be a Dataset, not int/);
    const g = gen(3);
    const before = g.snapshot().state.slice();
    assert.throws(() => randomSplit(ds, [0.5, 0.7], g), /Sum of input lengths/);
    assert.throws(() => randomSplit(ds, [1.5, -0.5], g), /Fraction at index 0 is not between 0 and 1/);
    assert.deepEqual(g.snapshot().state, before, 'the generator is untouched');
  });
});
