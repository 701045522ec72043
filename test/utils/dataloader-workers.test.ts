// DataLoader(numWorkers > 0) as a drop-in: any dataset, plain for...of or for await, the
// batches of numWorkers 0 (and PyTorch's worker seeding), on worker threads whenever the
// dataset can be rebuilt in one, simulated on the main thread (with one warning) otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import * as torch from '../../src/index.js';
import { ConcatDataset, DataLoader, Dataset, IterableDataset, Subset, TensorDataset, getWorkerInfo } from '../../src/utils/data/index.js';
import * as datasets from '../../src/vision/datasets/index.js';
import * as T from '../../src/vision/transforms/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { RangeStream, SquaresDataset } from './worker-datasets.js';
import { BrokenAt5, CropDataset, OffsetThreads, RandomDraws, Range, Scaled, Slow, Stream, ThreadSquares, WithClosure, seedWorker, sumCollate, tagWorker } from './worker-fixtures.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const workerModule = new URL('./worker-datasets.ts', import.meta.url);
const oldFx = loadFixture<{ workers: { random_items_seed: number; random_items: TensorJson[]; stream: number[][] } }>('data-loader.json').workers;
const fx = loadFixture<{
  shuffle_serial: number[][][];
  shuffle_workers: number[][][];
  shuffle_persistent: number[][][];
  random_persistent: TensorJson[][];
  random_workers: TensorJson[][];
  random_init_fn: TensorJson[];
  crops: [TensorJson, number[]][];
}>('data-loader-args.json');

const seeded = (s: number) => new torch.Generator().manualSeed(s);
const values = (t: torch.Tensor) => Array.from(t.toTypedArray(), Number);
const plain = (b: unknown): unknown => (b instanceof torch.Tensor ? [b.dtype, b.shape, values(b)] : Array.isArray(b) ? b.map(plain) : b);
const epoch = <B>(loader: Iterable<B>) => [...loader].map(plain);
async function epochAsync<B>(loader: AsyncIterable<B>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of loader) out.push(plain(b));
  return out;
}

/** console.warn calls made by `fn`. */
async function warnings(fn: () => unknown): Promise<string[]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.map(String).join(' '));
  try {
    await fn();
  } finally {
    console.warn = original;
  }
  return seen;
}

// Classes of this file: the program's entry script, which a worker cannot import.
class LocalSquares extends Dataset<[torch.Tensor, number, number]> {
  constructor(readonly n: number) {
    super();
  }
  getItem(i: number): [torch.Tensor, number, number] {
    return [torch.tensor([i, i * i], { dtype: 'float32' }), i % 3, 0];
  }
  get length(): number {
    return this.n;
  }
}

class LocalRandom extends Dataset<torch.Tensor> {
  getItem(): torch.Tensor {
    return torch.rand(2);
  }
  get length(): number {
    return 8;
  }
}

class LocalCrops extends Dataset<[torch.Tensor, number]> {
  transform = new T.Compose([new T.RandomCrop(2), new T.RandomHorizontalFlip()]);
  getItem(i: number): [torch.Tensor, number] {
    return [this.transform(torch.arange(16, { dtype: 'float32' }).add(16 * i).reshape(1, 4, 4)) as torch.Tensor, i];
  }
  get length(): number {
    return 6;
  }
}

class LocalStream extends IterableDataset<number> {
  *[Symbol.iterator](): Iterator<number> {
    const info = getWorkerInfo();
    for (let i = info ? info.id : 0; i < 10; i += info ? info.numWorkers : 1) yield i;
  }
}

class LocalBroken extends Dataset<number> {
  getItem(i: number): number {
    if (i === 5) throw new RangeError('item 5 is broken on purpose');
    return i;
  }
  get length(): number {
    return 8;
  }
}

describe('DataLoader numWorkers > 0 with any dataset', () => {
  test('a dataset class defined in the test file: for...of and for await give the batches of numWorkers 0, with one warning', async () => {
    const make = (numWorkers: number) => new DataLoader(new LocalSquares(23), { batchSize: 4, shuffle: true, generator: seeded(5), numWorkers });
    const serial = make(0);
    const expected = [epoch(serial), epoch(serial)];
    const warned = await warnings(async () => {
      const loader = make(2);
      assert.deepEqual([epoch(loader), await epochAsync(loader)], expected);
      assert.deepEqual(epoch(make(3)), expected[0]);
    });
    assert.equal(warned.length, 1, warned.join('\n'));
    assert.match(warned[0], /numWorkers=2 loads on the main thread.*class LocalSquares, defined in the program's entry script .*dataloader-workers\.test\.ts/);
    assert.match(warned[0], /export them, or pass workerDataset/);
  });

  test('a dataset class exported by a module loads on worker threads: same batches, loaded by other threads', async () => {
    const make = (numWorkers: number) => new DataLoader(new ThreadSquares(23), { batchSize: 4, shuffle: true, generator: seeded(5), numWorkers });
    const serial = epoch(make(0)) as [unknown, unknown, [string, number[], number[]]][];
    let threaded: typeof serial = [];
    let awaited: typeof serial = [];
    const warned = await warnings(async () => {
      threaded = epoch(make(2)) as typeof serial;
      awaited = (await epochAsync(make(2))) as typeof serial;
    });
    assert.deepEqual(warned, []);
    for (const run of [threaded, awaited]) {
      assert.deepEqual(run.map(([x, y]) => [x, y]), serial.map(([x, y]) => [x, y]));
      const threads = run.map(([, , t]) => new Set(t[2]));
      threads.forEach((t) => assert.equal(t.size, 1)); // a batch comes from one worker
      const ids = threads.map((t) => [...t][0]);
      assert.ok(ids.every((id) => id !== 0), 'loaded off the main thread');
      assert.notEqual(ids[0], ids[1]);
      ids.forEach((id, k) => assert.equal(id, ids[k % 2]), 'batch k from worker k mod 2');
    }
    assert.ok(serial.every(([, , t]) => t[2].every((id) => id === 0)));
  });

  test("library datasets and transforms use worker threads: TensorDataset, Subset, ConcatDataset, MNIST, ImageFolder", async () => {
    const root = mkdtempSync(join(tmpdir(), 'torchlette-workers-'));
    try {
      // a 10-image MNIST in torchvision's layout
      const raw = join(root, 'MNIST', 'raw');
      mkdirSync(raw, { recursive: true });
      const n = 10;
      const header = (magic: number, dims: number[]) => {
        const b = Buffer.alloc(4 + 4 * dims.length);
        b.writeUInt32BE(magic, 0);
        dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
        return b;
      };
      const pixels = Buffer.from(Array.from({ length: n * 28 * 28 }, (_, i) => (i * 7) % 256));
      writeFileSync(join(raw, 'train-images-idx3-ubyte'), Buffer.concat([header(0x803, [n, 28, 28]), pixels]));
      writeFileSync(join(raw, 'train-labels-idx1-ubyte'), Buffer.concat([header(0x801, [n]), Buffer.from(Array.from({ length: n }, (_, i) => i % 10))]));
      // an ImageFolder of 3x2 PPM images in two classes
      for (const [cls, count] of [['cat', 3], ['dog', 4]] as const) {
        mkdirSync(join(root, 'folder', cls), { recursive: true });
        for (let k = 0; k < count; k++) {
          const rgb = Buffer.from(Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 13 + k * 29 + cls.length) % 256));
          writeFileSync(join(root, 'folder', cls, `${k}.ppm`), Buffer.concat([Buffer.from('P6\n3 2\n255\n'), rgb]));
        }
      }
      const tagged = new T.Compose([new T.ToTensor(), new T.Normalize([0.5], [0.25]), new T.Lambda(tagWorker)]);
      const mnist = new datasets.MNIST(root, { transform: tagged });
      const folder = new datasets.ImageFolder(join(root, 'folder'), { transform: new T.Compose([new T.ToTensor(), new T.Normalize([0.5, 0.4, 0.3], [0.2, 0.2, 0.2]), new T.Lambda(tagWorker)]) });
      const tensors = new TensorDataset(torch.arange(12).reshape(6, 2), torch.arange(6).mul(3));
      const cases: [string, Dataset<unknown>, boolean][] = [
        ['Subset(ConcatDataset([TensorDataset, TensorDataset]))', new Subset(new ConcatDataset([tensors, tensors]), [11, 0, 5, 6, 2, 9, 1]), false],
        ['Subset(ConcatDataset([MNIST, MNIST]))', new Subset(new ConcatDataset([mnist, mnist]), [19, 3, 10, 0, 7]), true],
        ['ImageFolder', folder, true],
      ];
      const warned = await warnings(() => {
        for (const [name, ds, isTagged] of cases) {
          const serial = epoch(new DataLoader(ds, { batchSize: 3, numWorkers: 0 }));
          const threaded = epoch(new DataLoader(ds, { batchSize: 3, numWorkers: 2 }));
          if (!isTagged) {
            assert.deepEqual(threaded, serial, name);
            continue;
          }
          // samples are [[image, worker id, thread id], label]
          type Tagged = [[unknown, [string, number[], number[]], [string, number[], number[]]], unknown][];
          const [s, t] = [serial as Tagged, threaded as Tagged];
          assert.deepEqual(t.map(([[img], y]) => [img, y]), s.map(([[img], y]) => [img, y]), name);
          assert.ok(s.every(([[, id, thread]]) => id[2].every((v) => v === -1) && thread[2].every((v) => v === 0)), `${name}: serial`);
          t.forEach(([[, id, thread]], k) => {
            assert.deepEqual(new Set(id[2]), new Set([k % 2]), `${name}: batch ${k} comes from worker ${k % 2}`);
            assert.ok(thread[2].every((v) => v !== 0), `${name}: batch ${k} was loaded on a worker thread`);
          });
        }
      });
      assert.deepEqual(warned, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("random transforms draw from each worker's generator (baseSeed + id), as PyTorch's workers: on threads and simulated", async () => {
    const check = (batches: [torch.Tensor, torch.Tensor][], label: string) => {
      assert.equal(batches.length, fx.crops.length, label);
      batches.forEach(([x, y], k) => {
        assertTensor(x, fx.crops[k][0], {}, `${label} batch ${k}`);
        assert.deepEqual(values(y), fx.crops[k][1]);
      });
    };
    check([...new DataLoader(new CropDataset(), { batchSize: 2, numWorkers: 3, generator: seeded(3) })] as [torch.Tensor, torch.Tensor][], 'threads');
    const warned = await warnings(() => check([...new DataLoader(new LocalCrops(), { batchSize: 2, numWorkers: 3, generator: seeded(3) })] as [torch.Tensor, torch.Tensor][], 'simulated'));
    assert.equal(warned.length, 1);
    // the main thread's generator is untouched by the simulated workers
    torch.manualSeed(9);
    const before = values(torch.rand(3));
    torch.manualSeed(9);
    [...new DataLoader(new LocalCrops(), { batchSize: 2, numWorkers: 3, generator: seeded(3) })];
    assert.deepEqual(values(torch.rand(3)), before);
  });

  test('persistentWorkers: the base seed is drawn once (as PyTorch), worker generators go on between epochs', async () => {
    const shuffled = (numWorkers: number, persistentWorkers: boolean) => new DataLoader(new Range(11), { batchSize: 3, shuffle: true, generator: seeded(5), numWorkers, persistentWorkers });
    const three = (l: Iterable<torch.Tensor>) => [0, 1, 2].map(() => [...l].map(values));
    assert.deepEqual(three(shuffled(0, false)), fx.shuffle_serial);
    const workers = shuffled(2, false);
    assert.deepEqual([[...workers].map(values), [...workers].map(values)], fx.shuffle_workers.slice(0, 2));
    const persistent = shuffled(2, true);
    assert.deepEqual(three(persistent), fx.shuffle_persistent);
    await persistent.shutdown();

    const draws = (ds: Dataset<torch.Tensor>, persistentWorkers: boolean, label: string, expected: TensorJson[][]) => {
      const loader = new DataLoader(ds, { batchSize: 2, numWorkers: 2, generator: seeded(21), persistentWorkers });
      expected.forEach((batches, e) => {
        const got = [...loader];
        assert.equal(got.length, batches.length);
        got.forEach((b, k) => assertTensor(b, batches[k], {}, `${label} epoch ${e} batch ${k}`));
      });
      return loader;
    };
    await draws(new RandomDraws(), true, 'threads, persistent', fx.random_persistent).shutdown();
    draws(new RandomDraws(), false, 'threads', fx.random_workers);
    await warnings(async () => {
      await draws(new LocalRandom(), true, 'simulated, persistent', fx.random_persistent).shutdown();
      draws(new LocalRandom(), false, 'simulated', fx.random_workers);
    });
    assert.deepEqual(fx.random_workers[0], oldFx.random_items); // the same case as data-loader.json's
  });

  test('workerInitFn runs in each worker before it loads; one that no module exports runs in the simulated workers', async () => {
    const run = (ds: Dataset<torch.Tensor>, workerInitFn: (id: number) => void) => {
      const got = [...new DataLoader(ds, { batchSize: 2, numWorkers: 2, generator: seeded(21), workerInitFn })];
      got.forEach((b, k) => assertTensor(b, fx.random_init_fn[k], {}, `batch ${k}`));
    };
    assert.deepEqual(await warnings(() => run(new RandomDraws(), seedWorker)), []);
    const warned = await warnings(() => run(new RandomDraws(), (id) => void torch.manualSeed(100 + id)));
    assert.equal(warned.length, 1);
    assert.match(warned[0], /workerInitFn is the anonymous function/);
  });

  test('getWorkerInfo(): an IterableDataset split by worker id is read round-robin, as PyTorch (threads and simulated)', async () => {
    assert.deepEqual([...new DataLoader(new Stream(10), { batchSize: 3, numWorkers: 2 })].map(values), oldFx.stream);
    assert.deepEqual((await epochAsync(new DataLoader(new RangeStream(10), { batchSize: 3, numWorkers: 2 }))).map((b) => (b as [string, number[], number[]])[2]), oldFx.stream);
    await warnings(() => assert.deepEqual([...new DataLoader(new LocalStream(), { batchSize: 3, numWorkers: 2 })].map(values), oldFx.stream));
    const persistent = new DataLoader(new Stream(10), { batchSize: 3, numWorkers: 2, persistentWorkers: true });
    for (let e = 0; e < 2; e++) assert.deepEqual([...persistent].map(values), oldFx.stream, `epoch ${e}`);
    await persistent.shutdown();
  });

  test('an error in a worker reaches the loop with the worker and the dataset index', async () => {
    const threads = () => new DataLoader(new BrokenAt5(), { batchSize: 2, numWorkers: 2 });
    const message = /^Caught RangeError in DataLoader worker 0 \(dataset index 5\): item 5 is broken on purpose$/;
    assert.throws(() => [...threads()], (e: Error) => e instanceof RangeError && message.test(e.message));
    await assert.rejects(epochAsync(threads()), (e: Error) => e instanceof RangeError && message.test(e.message));
    // batches before the error arrive
    const it = threads()[Symbol.iterator]();
    assert.deepEqual([values(it.next().value as torch.Tensor), values(it.next().value as torch.Tensor)], [[0, 1], [2, 3]]);
    assert.throws(() => it.next(), (e: Error) => message.test(e.message));
    await warnings(() =>
      assert.throws(() => [...new DataLoader(new LocalBroken(), { batchSize: 2, numWorkers: 2 })], /^RangeError: Caught RangeError in DataLoader worker 0 \(simulated on the main thread\) \(dataset index 5\): item 5 is broken/),
    );
  });

  test('timeout: a batch that takes longer throws "DataLoader timed out after N seconds"', async () => {
    assert.throws(() => [...new DataLoader(new Slow(4000), { numWorkers: 1, timeout: 0.5 })], /^Error: DataLoader timed out after 0.5 seconds$/);
    await assert.rejects(epochAsync(new DataLoader(new Slow(4000), { numWorkers: 1, timeout: 0.5 })), /DataLoader timed out after 0.5 seconds/);
    assert.deepEqual([...new DataLoader(new Slow(10), { numWorkers: 1, timeout: 30 })].map(values), [[0], [1], [2], [3]]);
  });

  test('closures no module exports and classes of the entry script load on the main thread, each reason warned once', async () => {
    const warned = await warnings(() => {
      for (let k = 0; k < 2; k++) assert.deepEqual(epoch(new DataLoader(new WithClosure(3), { batchSize: 2, numWorkers: 2 })), epoch(new DataLoader(new WithClosure(3), { batchSize: 2 })));
    });
    assert.equal(warned.length, 1);
    assert.match(warned[0], /because dataset\.scale is the anonymous function `\(?x\)? ?=> ?x ?\* ?factor`; a worker thread can only import named functions exported by a module/);
  });

  test('a function the worker finds unexported: the epoch goes on on the main thread, from the indices already sent', async () => {
    const make = (numWorkers: number) => new DataLoader(new Scaled(), { batchSize: 2, shuffle: true, numWorkers }); // the sampler draws from the default generator
    torch.manualSeed(4);
    const expected = [epoch(make(0)), epoch(make(0))];
    torch.manualSeed(4);
    let got: unknown[][] = [];
    const warned = await warnings(async () => {
      const loader = make(2);
      got = [epoch(loader), await epochAsync(loader)];
    });
    assert.deepEqual(got, expected);
    assert.equal(warned.length, 1);
    assert.match(warned[0], /because function scale is not exported by file:.*worker-fixtures\.ts, so a worker thread cannot import it/);
  });

  test('collateFn: one a module exports runs in the workers; others on the main thread, with the same batches', async () => {
    const exported = [...new DataLoader(new Range(10), { batchSize: 4, numWorkers: 2, collateFn: sumCollate })];
    assert.deepEqual(exported.map((b) => b.sum), [6, 22, 17]);
    assert.ok(exported.every((b) => b.thread !== 0));
    const local = [...new DataLoader(new Range(10), { batchSize: 4, numWorkers: 2, collateFn: (b: number[]) => b.join(',') })];
    assert.deepEqual(local, ['0,1,2,3', '4,5,6,7', '8,9']);
  });

  test('workerDataset (a torchlette extra) builds the dataset from a module export', async () => {
    const loader = new DataLoader(new SquaresDataset(10), {
      batchSize: 4,
      numWorkers: 2,
      collateFn: (b: [torch.Tensor, number][]) => b.map(([, y]) => y),
      workerDataset: { module: workerModule, exportName: 'SquaresDataset', args: [10] },
    });
    assert.deepEqual(epoch(loader), [[0, 1, 2, 0], [1, 2, 0, 1], [2, 0]]);
    const collated = new DataLoader(new SquaresDataset(6), { batchSize: 4, numWorkers: 2, workerDataset: { module: workerModule, exportName: 'makeSquares', args: [6], collateExport: 'pairsCollate' } });
    assert.deepEqual(await epochAsync(collated), [{ sum: 0 + 1 + 2 + 3 + 1 + 4 + 9, count: 4 }, { sum: 4 + 16 + 5 + 25, count: 2 }]);
    const missing = new DataLoader(new SquaresDataset(4), { numWorkers: 1, workerDataset: { module: workerModule, exportName: 'nope' } });
    assert.throws(() => [...missing], /has no export 'nope'/);
    const wrongSize = new DataLoader(new SquaresDataset(4), { numWorkers: 1, workerDataset: { module: workerModule, exportName: 'makeSquares', args: [5] } });
    await assert.rejects(epochAsync(wrongSize), /has 5 items but the DataLoader's has 4/);
  });

  test("without persistentWorkers each epoch rebuilds the dataset from the loader's as it is then (PyTorch's fresh workers), on the last epoch's threads", async () => {
    const ds = new OffsetThreads();
    const loader = new DataLoader(ds, { batchSize: 3, numWorkers: 2 });
    const run = () => [...loader].map((b) => (b as torch.Tensor[]).map(values));
    const first = run();
    assert.deepEqual(first.map(([x]) => x), [[0, 1, 2], [3, 4, 5]]);
    ds.offset = 10;
    const second = run();
    assert.deepEqual(second.map(([x]) => x), [[10, 11, 12], [13, 14, 15]]);
    assert.deepEqual(second.map(([, t]) => t), first.map(([, t]) => t), 'the same threads');
    assert.ok(first.every(([, t]) => t.every((id) => id !== 0)), 'loaded off the main thread');
    // two epochs at once: the second gets threads of its own, and both give every batch
    const a = loader[Symbol.iterator]();
    const b = loader[Symbol.iterator]();
    assert.deepEqual([a.next().value, b.next().value].map((x) => values((x as torch.Tensor[])[0])), [[10, 11, 12], [10, 11, 12]]);
    assert.deepEqual([[...{ [Symbol.iterator]: () => a }].length, [...{ [Symbol.iterator]: () => b }].length], [1, 1]);
    await loader.shutdown();
  });

  test('breaking out of the loop ends the epoch; the next one starts afresh', async () => {
    const loader = new DataLoader(new Range(40), { batchSize: 2, numWorkers: 2 });
    let n = 0;
    for (const _ of loader) if (++n === 3) break;
    for await (const b of loader) if (++n === 6) assert.deepEqual(values(b), [4, 5]);
    assert.equal(n, 23);
    const persistent = new DataLoader(new Range(40), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    for (const _ of persistent) break;
    const first = persistent[Symbol.iterator]();
    assert.deepEqual(values(first.next().value as torch.Tensor), [0, 1]);
    assert.deepEqual([...persistent].map(values)[0], [0, 1]); // a new epoch replaces the unfinished one, as PyTorch's reset
    assert.deepEqual(first.next(), { done: true, value: undefined });
    await persistent.shutdown();
  });
});

// --- whole programs in child processes: compiled JavaScript, and TypeScript run by the tsx CLI ---

const tmp = mkdtempSync(join(tmpdir(), 'torchlette-programs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A program: a dataset class in its own module (threads) and one in the entry script (simulated). */
function program(lib: string, ext: 'mjs' | 'ts'): void {
  const dir = join(tmp, ext);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `squares.${ext}`),
    `import { threadId } from 'node:worker_threads';
import * as torch from '${lib}/index.js';
export class Squares extends torch.utils.data.Dataset {
  ${ext === 'ts' ? 'constructor(readonly n: number) { super(); }' : 'constructor(n) { super(); this.n = n; }'}
  getItem(i${ext === 'ts' ? ': number' : ''}) { return [torch.tensor([i, i * i]), i % 3, threadId]; }
  get length() { return this.n; }
}
`,
  );
  writeFileSync(
    join(dir, `main.${ext}`),
    `import * as torch from '${lib}/index.js';
import { Squares } from './squares.${ext === 'ts' ? 'js' : 'mjs'}';
class Local extends torch.utils.data.Dataset {
  getItem(i${ext === 'ts' ? ': number' : ''}) { return [torch.tensor([i, i * i]), i % 3, 0]; }
  get length() { return 11; }
}
const run = (ds${ext === 'ts' ? ': any' : ''}, numWorkers${ext === 'ts' ? ': number' : ''}) => {
  const out = [];
  for (const [x, y, t] of new torch.utils.data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new torch.Generator().manualSeed(1), numWorkers })) {
    out.push([Array.from(x.toTypedArray(), Number), Array.from(y.toTypedArray(), Number), Array.from(t.toTypedArray(), Number)]);
  }
  return out;
};
console.log(JSON.stringify({ local0: run(new Local(), 0), local2: run(new Local(), 2), module0: run(new Squares(11), 0), module2: run(new Squares(11), 2) }));
`,
  );
}

function checkProgram(result: ReturnType<typeof spawnSync>): void {
  assert.equal(result.status, 0, String(result.stderr));
  const out = JSON.parse(String(result.stdout)) as Record<string, [number[], number[], number[]][]>;
  assert.deepEqual(out.local2, out.local0);
  assert.equal(out.local0.length, 4);
  assert.deepEqual(out.module2.map(([x, y]) => [x, y]), out.module0.map(([x, y]) => [x, y]));
  assert.deepEqual(out.module2.map(([x, y]) => [x, y]), out.local0.map(([x, y]) => [x, y]));
  assert.ok(out.module2.every(([, , t]) => t.every((id) => id !== 0)), 'the exported class loads on worker threads');
  const warned = String(result.stderr).split('\n').filter((l) => l.includes('loads on the main thread'));
  assert.equal(warned.length, 1, String(result.stderr));
  assert.match(warned[0], /class Local, defined in the program's entry script/);
}

test('compiled JavaScript: numWorkers 2 with plain for...of, classes in the entry script and in a module', () => {
  // src/ compiled file by file (TypeScript's transpileModule, as tsc emits) next to the repository's build/, prebuilds/ and node_modules/
  const out = join(tmp, 'dist');
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.ts') && !f.endsWith('.d.ts') ? [join(dir, f)] : []));
  for (const file of walk(join(repo, 'src'))) {
    const target = join(out, relative(join(repo, 'src'), file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, useDefineForClassFields: true } }).outputText;
    writeFileSync(target, js);
  }
  writeFileSync(join(out, 'package.json'), readFileSync(join(repo, 'src', 'package.json'))); // #platform/* imports, as npm run build copies it
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }');
  symlinkSync(join(repo, 'node_modules'), join(tmp, 'node_modules'));
  if (existsSync(join(repo, 'build'))) symlinkSync(join(repo, 'build'), join(tmp, 'build'));
  if (existsSync(join(repo, 'prebuilds'))) symlinkSync(join(repo, 'prebuilds'), join(tmp, 'prebuilds')); // the wasm backend
  program(pathToFileURL(out).href, 'mjs');
  checkProgram(spawnSync(process.execPath, [join(tmp, 'mjs', 'main.mjs')], { cwd: tmp, encoding: 'utf8', timeout: 300_000 }));
});

test('TypeScript under the tsx CLI (npx tsx main.ts): a .ts dataset module loads in the worker threads', () => {
  program(pathToFileURL(join(repo, 'src')).href, 'ts');
  const cli = join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  checkProgram(spawnSync(process.execPath, [cli, join(tmp, 'ts', 'main.ts')], { cwd: tmp, encoding: 'utf8', timeout: 300_000 }));
});
