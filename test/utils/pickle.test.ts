// Copying object graphs to worker threads by reference, as Python's pickle (pickle.ts),
// exercised within one thread: what is copied comes back equal, with its classes; what
// cannot be rebuilt is refused with the reason.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Subset, TensorDataset } from '../../src/utils/data/index.js';
import { RebuildError, Unpicklable, importModules, pickle, unpickle } from '../../src/utils/data/pickle.js';
import * as datasets from '../../src/vision/datasets/index.js';
import * as T from '../../src/vision/transforms/index.js';
import { Accessor, Graph, Private, Registry, makeScaler, seedWorker, withGetter } from './worker-fixtures.js';

async function roundTrip<V>(value: V): Promise<V> {
  const p = structuredClone(pickle(value, 'value'));
  return unpickle(p, await importModules(p.modules)) as V;
}

describe('pickle by reference', () => {
  test('instances keep their class, shared references, cycles, Maps, Sets, Buffers and tensor views', async () => {
    const g = new Graph();
    const copy = await roundTrip(g);
    assert.ok(copy instanceof Graph);
    assert.notEqual(copy, g);
    assert.equal(copy.self, copy);
    assert.equal(copy.pair[0], copy.shared);
    assert.equal(copy.table.get('shared'), copy.shared);
    assert.deepEqual([...copy.tags], ['a', 'b']);
    assert.ok(Buffer.isBuffer(copy.bytes));
    assert.equal(copy.bytes.toString(), 'hello');
    assert.equal(copy.total(), 3);
    assert.deepEqual(Array.from(copy.view.toTypedArray(), Number), [1, 4]);
    copy.base.mul_(10); // the view still shares the base's storage
    assert.deepEqual(Array.from(copy.view.toTypedArray(), Number), [10, 40]);
    assert.deepEqual(Array.from(g.view.toTypedArray(), Number), [1, 4]);
  });

  test('library datasets and transforms (callable instances) come back working', async () => {
    const ds = new Subset(new TensorDataset(torch.arange(8).reshape(4, 2)), [3, 1]);
    const copy = await roundTrip(ds);
    assert.ok(copy instanceof Subset);
    assert.deepEqual(Array.from((copy.getItem(0) as torch.Tensor[])[0].toTypedArray(), Number), [6, 7]);
    const t = new T.Compose([new T.Normalize([1], [2]), new T.Lambda(seedWorker)]);
    const tc = await roundTrip(t);
    assert.equal(typeof tc, 'function');
    assert.ok(tc instanceof T.Compose);
    assert.equal(String(tc), String(t));
    assert.equal((tc.transforms[1] as T.Lambda).lambd, seedWorker);
    const norm = new T.Normalize([1], [2]);
    const nc = await roundTrip(norm);
    assert.deepEqual(Array.from(nc(torch.ones(1, 1, 2)).toTypedArray(), Number), Array.from(norm(torch.ones(1, 1, 2)).toTypedArray(), Number));
  });

  test('CIFAR10 with transforms comes back equal', async () => {
    const root = mkdtempSync(join(tmpdir(), 'torchlette-cifar-'));
    try {
      const folder = join(root, 'cifar-10-batches-bin');
      mkdirSync(folder);
      for (let b = 1; b <= 5; b++) {
        const rec = (r: number) => [(b + r) % 10, ...Array.from({ length: 3072 }, (_, i) => (i * 3 + b * 17 + r) % 256)];
        writeFileSync(join(folder, `data_batch_${b}.bin`), Buffer.from([...rec(0), ...rec(1)]));
      }
      const ds = new datasets.CIFAR10(root, { transform: new T.Compose([new T.ToTensor(), new T.Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])]) });
      const copy = await roundTrip(ds);
      assert.ok(copy instanceof datasets.CIFAR10);
      assert.equal(copy.length, 10);
      for (const i of [0, 7]) {
        const [[a, y], [b, z]] = [ds.getItem(i), copy.getItem(i)];
        assert.equal(z, y);
        assert.deepEqual(Array.from((b as torch.Tensor).toTypedArray(), Number), Array.from((a as torch.Tensor).toTypedArray(), Number));
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('refuses what a worker could not rebuild, saying why', async () => {
    const cases: [unknown, RegExp][] = [
      [new Private(), /value is an instance of Private, which keeps state in private fields \(#secret\)/],
      [new Registry([['a', 1]]), /value is an instance of Registry, which extends Map, whose internal state cannot be copied/],
      [{ f: (x: number) => x + 1 }, /value\.f is function f, defined in the program's entry script/],
      [[(x: number) => x + 1], /value\[0\] is the anonymous function `\(?x\)? ?=> ?x ?\+ ?1`; a worker thread can only import named functions/],
      [{ s: Symbol('s') }, /value\.s is a symbol/],
      [[Promise.resolve(1)], /value\[0\] is a Promise, whose internal state cannot be copied/],
      [{ weak: new WeakMap() }, /value\.weak is a WeakMap/],
      [new Accessor(), /value\.now is a getter or setter defined on the instance/],
      [{ log: console.log }, /value\.log is function log, a built-in or bound function/],
      [{ bound: seedWorker.bind(null) }, /value\.bound is function bound seedWorker, a built-in or bound function/],
      [{ t: torch.ones(2, { requiresGrad: true }).mul(2) }, /value\.t is a tensor with a grad_fn/],
      [class Local {}, /value is class Local, defined in the program's entry script/],
    ];
    for (const [value, message] of cases) assert.throws(() => pickle(value, 'value'), (e: Error) => e instanceof Unpicklable && message.test(e.message), String(message));
    // a plain object's getter is read, as structured cloning does
    assert.deepEqual(await roundTrip(withGetter()), { x: 1, y: 2 });
    // a named function no module exports is found missing when the worker imports its module
    const p = pickle({ scale: makeScaler(2) }, 'value');
    await assert.rejects(async () => unpickle(p, await importModules(p.modules)), (e: Error) => e instanceof RebuildError && /function scale is not exported by .*worker-fixtures\.ts/.test(e.message));
  });
});
