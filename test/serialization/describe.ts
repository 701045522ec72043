// Compares JS values with how PyTorch describes a loaded object
// (scripts/fixtures/serialization.py describe()), and asks PyTorch when it is installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Storage, Tensor } from '../../src/index.js';

export type Desc =
  | null
  | boolean
  | string
  | { int: number | string }
  | { float: number | string }
  | { list: Desc[] }
  | { tuple: Desc[] }
  | { dict: [string | number, Desc][]; ordered: boolean }
  | { untyped_storage: number[] }
  | TensorDesc;

export interface TensorDesc {
  tensor: { dtype: string; shape: number[]; data: (number | string | boolean)[] };
  stride: number[];
  offset: number;
  requires_grad: boolean;
  parameter: boolean;
  storage: number;
  storage_size: number;
}

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'serialization');
export const fixture = (name: string) => join(FIXTURES, name);

export interface Expected {
  files: Record<string, Desc>;
  refused: Record<string, string>;
  safetensors: Record<string, { tensors: Desc; metadata: Record<string, string> | null }>;
}

export function expected(): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Expected;
}

export interface MatchOptions {
  /**
   * The JS value is what torchlette saved and the description what PyTorch loaded from
   * it: Python's types must then be the documented ones (int vs float, OrderedDict for
   * all-tensor objects, Parameter). Loading compares values only: JS has one number type.
   */
  strictTypes?: boolean;
}

function decode(v: number | string | boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

function sameNumber(a: number, b: number, dtype: string): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  return a === (dtype === 'float32' ? Math.fround(b) : b);
}

/** Asserts `actual` is the JS form of the described Python value (tensors bit-exact). */
export class Matcher {
  // Storages must correspond one to one: PyTorch's storage index ↔ torchlette Storage.
  private readonly byIndex = new Map<number, Storage>();
  private readonly byStorage = new Map<Storage, number>();

  constructor(private readonly opts: MatchOptions = {}) {}

  match(actual: unknown, desc: Desc, where = 'obj'): void {
    if (desc === null) return assert.ok(actual === null || (this.opts.strictTypes && actual === undefined), `${where}: expected None, got ${String(actual)}`);
    if (typeof desc === 'boolean' || typeof desc === 'string') return assert.equal(actual, desc, where);
    if ('int' in desc) {
      const want = typeof desc.int === 'string' ? BigInt(desc.int) : desc.int;
      if (typeof actual === 'bigint') return assert.equal(actual, BigInt(want), where);
      return assert.equal(actual, Number(want), where);
    }
    if ('float' in desc) {
      assert.equal(typeof actual, 'number', `${where}: expected a number`);
      if (this.opts.strictTypes) assert.ok(!Number.isSafeInteger(actual), `${where}: saved as a float, but ${String(actual)} is a safe integer`);
      const want = desc.float === 'nan' ? NaN : desc.float === 'inf' ? Infinity : desc.float === '-inf' ? -Infinity : Number(desc.float);
      return assert.ok(Object.is(actual, want) || actual === want, `${where}: got ${String(actual)}, expected ${want}`);
    }
    if ('list' in desc || 'tuple' in desc) {
      const items = 'list' in desc ? desc.list : desc.tuple;
      if (this.opts.strictTypes) assert.ok('list' in desc, `${where}: arrays save as lists`);
      assert.ok(Array.isArray(actual), `${where}: expected an array, got ${typeof actual}`);
      assert.equal(actual.length, items.length, `${where}: length`);
      items.forEach((d, i) => this.match(actual[i], d, `${where}[${i}]`));
      return;
    }
    if ('dict' in desc) return this.matchDict(actual, desc, where);
    if ('untyped_storage' in desc) {
      assert.ok(actual instanceof Storage, `${where}: expected a Storage`);
      return assert.deepEqual(Array.from(actual.data, Number), desc.untyped_storage, where);
    }
    return this.matchTensor(actual, desc, where);
  }

  private matchDict(actual: unknown, desc: { dict: [string | number, Desc][]; ordered: boolean }, where: string): void {
    const entries: [unknown, unknown][] = actual instanceof Map ? [...actual] : Object.entries(actual as object);
    assert.ok(typeof actual === 'object' && actual !== null && !Array.isArray(actual) && !(actual instanceof Tensor), `${where}: expected an object`);
    const got = new Map(entries.map(([k, v]) => [String(k), v]));
    // JS objects list integer keys first: compare orders the way a JS object would hold them.
    const wantOrder = actual instanceof Map ? desc.dict.map(([k]) => String(k)) : Object.keys(Object.fromEntries(desc.dict.map(([k]) => [String(k), 0])));
    assert.deepEqual([...got.keys()], wantOrder, `${where}: keys`);
    if (this.opts.strictTypes) {
      const allTensors = entries.length > 0 && entries.every(([, v]) => v instanceof Tensor);
      assert.equal(desc.ordered, actual instanceof Map || allTensors, `${where}: OrderedDict for Maps and all-tensor objects, dict otherwise`);
    }
    for (const [k, d] of desc.dict) this.match(got.get(String(k)), d, `${where}[${JSON.stringify(k)}]`);
  }

  private matchTensor(actual: unknown, desc: TensorDesc, where: string): void {
    assert.ok(actual instanceof Tensor, `${where}: expected a Tensor`);
    const t = actual;
    assert.equal(t.dtype, desc.tensor.dtype, `${where}: dtype`);
    assert.deepEqual(t.shape, desc.tensor.shape, `${where}: shape`);
    assert.deepEqual(t.strides, desc.stride, `${where}: stride`);
    assert.equal(t.offset, desc.offset, `${where}: storage offset`);
    assert.equal(t._storage.data.length, desc.storage_size, `${where}: storage size`);
    assert.equal(t.requiresGrad, desc.requires_grad, `${where}: requires_grad`);
    if (this.opts.strictTypes) assert.equal(t.isParameter, desc.parameter, `${where}: Parameter`);
    if (t.dtype === 'int64') {
      // Every digit: the storage is a BigInt64Array, the description a number or a decimal string.
      const got = Array.from(t.toTypedArray() as BigInt64Array);
      const exact = desc.tensor.data.map((v) => BigInt(v as number | string));
      assert.equal(got.length, exact.length, `${where}: numel`);
      got.forEach((v, i) => assert.ok(v === exact[i], `${where}: element ${i} is ${v}, expected ${exact[i]}`));
    }
    const values = Array.from(t.toTypedArray(), Number);
    const want = desc.tensor.data.map(decode);
    assert.equal(values.length, want.length, `${where}: numel`);
    if (t.dtype !== 'int64') values.forEach((v, i) => assert.ok(sameNumber(v, want[i], t.dtype), `${where}: element ${i} is ${v}, expected ${want[i]}`));
    const known = this.byIndex.get(desc.storage);
    if (known === undefined) {
      assert.equal(this.byStorage.get(t._storage), undefined, `${where}: shares a storage that PyTorch holds separately`);
      this.byIndex.set(desc.storage, t._storage);
      this.byStorage.set(t._storage, desc.storage);
    } else {
      assert.equal(t._storage, known, `${where}: should share its storage as in PyTorch`);
    }
  }
}

export function assertMatches(actual: unknown, desc: Desc, opts: MatchOptions = {}): void {
  new Matcher(opts).match(actual, desc);
}

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'fixtures', 'serialization.py');
let available: boolean | null = null;

/** Whether PyTorch can be asked (CI without Python still runs every reading test). */
export function havePyTorch(): boolean {
  if (available === null) {
    available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  }
  return available;
}

/** How PyTorch sees files: `describe` (torch.load) or `describe-safetensors`, one description per file. */
export function askPyTorch<T = Desc>(command: 'describe' | 'describe-safetensors', files: string[], flags: string[] = []): T[] {
  const run = spawnSync(PYTHON, [SCRIPT, command, ...flags, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`PyTorch failed on ${files.join(', ')}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T[];
}

function encodeNumber(v: number): number | string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

/** What PyTorch should see after torchlette saves `value` (the documented type mapping). */
export function describeJs(value: unknown, storages = new Map<Storage, number>()): Desc {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { int: value } : { float: encodeNumber(value) };
  if (typeof value === 'bigint') return { int: value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value.toString() };
  if (value instanceof Tensor) {
    if (!storages.has(value._storage)) storages.set(value._storage, storages.size);
    const exactInt = (v: bigint) => (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString());
    const data = Array.from(value.toTypedArray() as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? exactInt(v) : value.dtype === 'bool' ? v !== 0 : encodeNumber(v)));
    return {
      tensor: { dtype: value.dtype, shape: value.shape.slice(), data },
      stride: value.strides.slice(),
      offset: value.offset,
      requires_grad: value.requiresGrad,
      parameter: value.isParameter,
      storage: storages.get(value._storage) as number,
      storage_size: value._storage.data.length,
    };
  }
  if (Array.isArray(value)) return { list: value.map((v) => describeJs(v, storages)) };
  if (value instanceof Map) return { dict: [...value].map(([k, v]) => [k as string | number, describeJs(v, storages)]), ordered: true };
  const entries = Object.entries(value as object);
  const key = (k: string) => (/^(0|[1-9]\d*)$/.test(k) ? Number(k) : k);
  return { dict: entries.map(([k, v]) => [key(k), describeJs(v, storages)]), ordered: entries.length > 0 && entries.every(([, v]) => v instanceof Tensor) };
}
