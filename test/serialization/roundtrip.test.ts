// torchlette save → PyTorch torch.load (when PyTorch is installed) and → torchlette
// load give the same values, types, strides and storage sharing; PyTorch files
// re-saved by torchlette load in PyTorch as they were.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { load, loadFromBuffer, save, saveAsync, saveToBuffer } from '../../src/serialization/index.js';
import { BufferSource } from '../../src/serialization/source.js';
import { ZipArchive } from '../../src/serialization/zip-reader.js';
import { askPyTorch, assertMatches, describeJs, expected, fixture, havePyTorch } from './describe.js';

const { Parameter } = torch.nn;

const dir = mkdtempSync(join(tmpdir(), 'torchlette-roundtrip-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pytorch = { skip: havePyTorch() ? false : 'PyTorch (/usr/bin/python3 with torch) is not installed' };

function tensors(): Record<string, Tensor> {
  torch.manualSeed(0);
  const base = torch.randn([3, 4]);
  const longs = torch.tensor([0, -1, 2 ** 40, -(2 ** 53) + 1, 2 ** 53 - 1, -(2 ** 62)], { dtype: 'int64' });
  return {
    float32: torch.tensor([1.5, -2.25, NaN, Infinity, -Infinity, 1e-30], { dtype: 'float32' }),
    float64: torch.tensor([1 / 3, -1e300, 5e-324], { dtype: 'float64' }),
    int64: longs,
    int32: torch.tensor([[7, -8], [2 ** 31 - 1, -(2 ** 31)]], { dtype: 'int32' }),
    uint8: torch.tensor([0, 1, 128, 255], { dtype: 'uint8' }),
    bool: torch.tensor([true, false, true]),
    scalar: torch.tensor(42.5, { dtype: 'float32' }),
    empty: torch.zeros([0, 3]),
    base,
    transposed: base.t(),
    column: base.select(1, 2),
    longs_tail: longs.slice(0, 2, 6, 2),
    requires_grad: torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true }),
    parameter: new Parameter(torch.ones([2, 2], { dtype: 'float64' })),
    frozen: new Parameter(torch.ones([2]), false),
  };
}

function checkpoint(): Record<string, unknown> {
  torch.manualSeed(1);
  const w = torch.randn([4, 3]);
  const b = torch.randn([4]);
  return {
    epoch: 3,
    model: { 'fc.weight': w, 'fc.bias': b },
    optimizer: {
      state: { 0: { momentum_buffer: torch.randn([4, 3]) }, 1: { momentum_buffer: torch.randn([4]) } },
      param_groups: [{ lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, foreach: null, params: [0, 1] }],
    },
    loss: 0.25,
    big: 2n ** 70n,
    negative: -(2n ** 40n),
    ordered: new Map<string | number, unknown>([['z', 1], ['a', [true, 'x', null]], [5, w]]),
    nested: [[1, [2, [3, []]]], { deep: { deeper: 'yes' } }],
    text: 'ünïcödé ✓',
    nothing: undefined,
  };
}

function saveBoth(name: string, value: unknown): string {
  const path = join(dir, name);
  save(value, path);
  return path;
}

describe('torchlette save → load', () => {
  test('tensors of every dtype, views and parameters', () => {
    const value = tensors();
    assertMatches(load(saveBoth('tensors.pt', value)), describeJs(value));
  });

  test('a nested checkpoint', () => {
    const value = checkpoint();
    const loaded = load<Record<string, unknown>>(saveBoth('checkpoint.pt', value));
    assertMatches(loaded, describeJs(value));
    assert.ok(!(loaded.ordered instanceof Map), 'OrderedDicts keyed by str and int load as objects');
  });

  test('saveAsync, saveToBuffer and zip64 records give the same file contents', async () => {
    const value = checkpoint();
    const path = join(dir, 'async.pt');
    await saveAsync(value, path);
    assertMatches(load(path), describeJs(value));
    assertMatches(loadFromBuffer(saveToBuffer(value)), describeJs(value));
    assertMatches(loadFromBuffer(saveToBuffer(value, { forceZip64: true })), describeJs(value));
  });

  test('records are stored, 64-byte aligned, under the file stem, in torch.save order', () => {
    const bytes = readFileSync(saveBoth('layout.pt', tensors()));
    const zip = new ZipArchive(new BufferSource(bytes));
    const names = [...zip.entries.keys()];
    assert.deepEqual(names.slice(0, 2), ['layout/data.pkl', 'layout/byteorder']);
    assert.equal(names.at(-1), 'layout/version');
    assert.deepEqual(names.filter((n) => n.includes('/data/')), [...names.filter((n) => n.includes('/data/'))].sort());
    for (const entry of zip.entries.values()) {
      assert.equal(entry.method, 0);
      const view = new DataView(bytes.buffer, bytes.byteOffset + entry.localOffset);
      const dataStart = entry.localOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
      assert.equal(dataStart % 64, 0, `${entry.name} data at ${dataStart}`);
    }
    assert.equal(new TextDecoder().decode(zip.read(zip.entries.get('layout/version')!)), '3\n');
  });

  test('Parameters are recognised by Tensor.isParameter, not by their class name', () => {
    const pickleOf = (value: unknown) => {
      const zip = new ZipArchive(new BufferSource(saveToBuffer(value)));
      return new TextDecoder('latin1').decode(zip.read(zip.entries.get('archive/data.pkl')!));
    };
    const data = torch.ones([2]);
    assert.ok(pickleOf({ p: new Parameter(data) }).includes('_rebuild_parameter'));
    // a minifier renames classes: the marker still says Parameter
    const Renamed = class extends Parameter {};
    Object.defineProperty(Renamed, 'name', { value: 'a' });
    assert.ok(pickleOf({ p: new Renamed(data) }).includes('_rebuild_parameter'));
    // another class that happens to be called Parameter is a plain tensor
    const LookAlike = class extends Tensor {};
    Object.defineProperty(LookAlike, 'name', { value: 'Parameter' });
    const lookAlike = new LookAlike(data._storage, data.dtype, data.shape.slice());
    assert.equal(lookAlike.constructor.name, 'Parameter');
    assert.equal(lookAlike.isParameter, false);
    assert.ok(!pickleOf({ p: lookAlike }).includes('_rebuild_parameter'));
  });

  test('shared and cyclic containers keep their identity', () => {
    const shared = { lr: 0.5 };
    const cycle: unknown[] = [shared, shared];
    cycle.push(cycle);
    const loaded = loadFromBuffer<unknown[]>(saveToBuffer(cycle));
    assert.equal(loaded[0], loaded[1]);
    assert.equal(loaded[2], loaded);
  });

  test('nesting deeper than 1000 levels is refused, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1100; i++) deep = [deep];
    assert.throws(() => saveToBuffer(deep), /nested deeper than 1000 levels/);
  });

  test('storages shared by views are written once', () => {
    const value = tensors();
    const bytes = saveToBuffer(value);
    const zip = new ZipArchive(new BufferSource(bytes));
    const storages = new Set(Object.values(value).map((t) => t._storage));
    assert.equal([...zip.entries.keys()].filter((n) => n.includes('/data/')).length, storages.size);
  });
});

describe('torchlette save → PyTorch torch.load', () => {
  test('tensors, checkpoint and zip64 files read in PyTorch as saved', pytorch, () => {
    const t = tensors();
    const c = checkpoint();
    const zip64 = join(dir, 'zip64.pt');
    save(c, zip64, { forceZip64: true });
    const [dt, dc, dz] = askPyTorch('describe', [saveBoth('py-tensors.pt', t), saveBoth('py-checkpoint.pt', c), zip64]);
    assertMatches(t, dt, { strictTypes: true });
    assertMatches(c, dc, { strictTypes: true });
    assertMatches(c, dz, { strictTypes: true });
  });

  test('tensor-only files pass torch.load(weights_only=True)', pytorch, () => {
    const t = tensors();
    const [d] = askPyTorch('describe', [saveBoth('weights-only.pt', t)], ['--weights-only']);
    assertMatches(t, d, { strictTypes: true });
  });

  test('PyTorch files re-saved by torchlette load in PyTorch unchanged', pytorch, () => {
    // Bare storages load (as Storage) but only tensors save: their dtype would be a guess.
    const names = Object.keys(expected().files).filter((n) => n !== 'untyped_storage.pt');
    const loaded = names.map((name) => load(fixture(name)));
    const paths = names.map((name, i) => saveBoth(`resaved-${name}`, loaded[i]));
    askPyTorch('describe', paths).forEach((desc, i) => assertMatches(loaded[i], desc));
  });
});
