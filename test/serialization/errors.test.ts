// Corrupt, truncated and foreign files fail with an Error naming the file and the
// problem; writes are atomic and leave an existing file untouched when they fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { load, loadFromBuffer, safetensors, save, saveAsync, saveToBuffer, SerializationError } from '../../src/serialization/index.js';
import { OP } from '../../src/serialization/pickle-opcodes.js';
import { PickleWriter } from '../../src/serialization/pickler.js';
import { BufferSource } from '../../src/serialization/source.js';
import { ZipArchive } from '../../src/serialization/zip-reader.js';
import { writeZip, type ZipRecord } from '../../src/serialization/zip-writer.js';
import { fixture } from './describe.js';

const dir = mkdtempSync(join(tmpdir(), 'torchlette-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function concat(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

/** A file's bytes as a plain Uint8Array (Buffer.slice would share memory). */
function read(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Where an entry's data starts. */
function dataStart(bytes: Uint8Array, name: string): number {
  const entry = new ZipArchive(new BufferSource(bytes)).entries.get(name);
  assert.ok(entry !== undefined, name);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
}

function zip(records: Record<string, Uint8Array | string>): Uint8Array {
  const list: ZipRecord[] = Object.entries(records).map(([name, data]) => ({ name, data: typeof data === 'string' ? new TextEncoder().encode(data) : data }));
  return concat(writeZip(list));
}

/** data.pkl for one float32 tensor of `size`/`stride`/`offset` over a storage of `numel` elements. */
function tensorPickle(numel: number, size: number[], stride: number[], offset = 0): Uint8Array {
  const w = new PickleWriter();
  w.global('torch._utils', '_rebuild_tensor_v2');
  w.op(OP.MARK).op(OP.MARK);
  w.str('storage');
  w.global('torch', 'FloatStorage');
  w.str('0');
  w.str('cpu');
  w.int(numel);
  w.op(OP.TUPLE).op(OP.BINPERSID);
  w.int(offset);
  w.intTuple(size);
  w.intTuple(stride);
  w.bool(false);
  w.global('collections', 'OrderedDict');
  w.op(OP.EMPTY_TUPLE).op(OP.REDUCE);
  w.op(OP.TUPLE).op(OP.REDUCE);
  return w.result();
}

function fails(bytes: Uint8Array, message: RegExp, name = 'bad.pt'): void {
  assert.throws(() => loadFromBuffer(bytes, name), (e: unknown) => {
    assert.ok(e instanceof SerializationError, `expected a SerializationError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${name}: `), e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('torch.load errors', () => {
  const valid = read(fixture('mlp.pt'));

  test('empty, foreign and safetensors files: bad magic', () => {
    fails(new Uint8Array(0), /the file is empty/);
    fails(new TextEncoder().encode('hello, world'), /not a PyTorch checkpoint: bad magic 68 65 6c 6c/);
    fails(read(fixture('model.safetensors')), /looks like a safetensors file/);
  });

  test('invalid UTF-8 in a pickled string raises, as Python (no replacement characters in keys)', () => {
    const pkl = new Uint8Array([0x80, 0x02, 0x58, 0x02, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x2e]); // PROTO 2, BINUNICODE b'\xff\xfe', STOP
    fails(zip({ 'a/data.pkl': pkl, 'a/version': '3\n' }), /UnicodeDecodeError: 'utf-8' codec can't decode/);
  });

  test('a missing file names the path', () => {
    const path = join(dir, 'nope.pt');
    assert.throws(() => load(path), (e: unknown) => e instanceof SerializationError && e.message.startsWith(path) && /ENOENT/.test(e.message));
  });

  test('truncated archives', () => {
    fails(valid.subarray(0, 10), /too short|end-of-central-directory/);
    fails(valid.subarray(0, valid.length - 30), /end-of-central-directory|truncated|corrupt/);
    fails(valid.subarray(0, Math.floor(valid.length / 2)), /end-of-central-directory/);
  });

  test('a truncated entry', () => {
    const bytes = zip({ 'a/data.pkl': tensorPickle(4, [4], [1]), 'a/data/0': new Uint8Array(16), 'a/version': '3\n' });
    // Shift the central directory's claim for data/0 past the end of the file.
    const broken = bytes.slice();
    const view = new DataView(broken.buffer);
    const eocd = broken.length - 22;
    const dirStart = view.getUint32(eocd + 16, true);
    // Past data.pkl's header to data/0's.
    const at = dirStart + 46 + view.getUint16(dirStart + 28, true) + view.getUint16(dirStart + 30, true);
    view.setUint32(at + 20, 1 << 20, true);
    view.setUint32(at + 24, 1 << 20, true);
    fails(broken, /truncated zip entry a\/data\/0/);
  });

  test('missing data.pkl, with a hint for TorchScript archives', () => {
    fails(zip({ 'a/version': '3\n', 'a/other.pkl': 'x' }), /missing data\.pkl.*entries: a\/version, a\/other\.pkl/);
    fails(zip({ 'm/constants.pkl': 'x', 'm/code/m.py': 'x' }), /TorchScript/);
  });

  test('archives laid out otherwise still load: data.pkl at the root, .data/version', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const t = loadFromBuffer<torch.Tensor>(zip({ 'data.pkl': tensorPickle(4, [2, 2], [1, 2]), 'data/0': data, '.data/version': '3\n' }));
    assert.deepEqual(t.tolist(), [[1, 3], [2, 4]]);
  });

  test('unknown and refused opcodes', () => {
    fails(zip({ 'a/data.pkl': Uint8Array.from([0x80, 2, 0xff]), 'a/version': '3\n' }), /unsupported pickle opcode \(at byte 2, unknown opcode 0xff\)/);
    fails(zip({ 'a/data.pkl': Uint8Array.from([0x80, 2, 0x69]), 'a/version': '3\n' }), /opcode INST/);
    fails(zip({ 'a/data.pkl': Uint8Array.from([0x80, 2, 0x4e]), 'a/version': '3\n' }), /data\.pkl is truncated/);
    fails(zip({ 'a/data.pkl': Uint8Array.from([0x80, 2, 0x2e]), 'a/version': '3\n' }), /expected one value on the stack at STOP/);
  });

  test('pickles nesting deeper than 1000 levels', () => {
    const deep = new Uint8Array(2 + 1100 * 2 + 1100 + 1);
    deep.set([0x80, 2]);
    let at = 2;
    for (let i = 0; i < 1100; i++) deep[at++] = OP.EMPTY_LIST;
    deep[at++] = OP.NONE;
    for (let i = 0; i < 1100; i++) deep[at++] = OP.APPEND;
    deep[at++] = OP.STOP;
    fails(zip({ 'a/data.pkl': deep.subarray(0, at) }), /nests deeper than 1000 levels/);
  });

  test('a storage too small for a tensor, or for its own declared size', () => {
    fails(zip({ 'a/data.pkl': tensorPickle(2, [4], [1]), 'a/data/0': new Uint8Array(8) }), /storage 0 is too small for a tensor of size \[4\], stride \[1\] and offset 0: it needs 4 elements but holds 2/);
    fails(zip({ 'a/data.pkl': tensorPickle(6, [2, 2], [3, 1], 3), 'a/data/0': new Uint8Array(24) }), /needs 8 elements but holds 6/);
    fails(zip({ 'a/data.pkl': tensorPickle(4, [4], [1]), 'a/data/0': new Uint8Array(8) }), /holds 8 bytes, too few for 4 float32 elements/);
    fails(zip({ 'a/data.pkl': tensorPickle(4, [4], [1]) }), /missing record a\/data\/0/);
  });

  test('corrupt data: CRC mismatch, bad records', () => {
    const broken = valid.slice();
    broken[dataStart(valid, 'mlp/data/3') + 5] ^= 0xff;
    fails(broken, /corrupt zip entry mlp\/data\/3: CRC-32 mismatch/);
    fails(zip({ 'a/data.pkl': tensorPickle(0, [0], [1]), 'a/data/0': '', 'a/byteorder': 'middle' }), /unsupported byteorder 'middle'/);
    fails(zip({ 'a/data.pkl': tensorPickle(0, [0], [1]), 'a/data/0': '', 'a/.format_version': '9' }), /unsupported a\/\.format_version '9'/);
    fails(zip({ 'a/data.pkl': tensorPickle(0, [0], [1]), 'a/data/0': '', 'a/version': 'x' }), /unsupported a\/version 'x'/);
  });

  test('legacy files: truncated storages, bad magic number', () => {
    const legacy = read(fixture('legacy.pt'));
    fails(legacy.subarray(0, legacy.length - 3), /truncated/);
    fails(legacy.subarray(0, 40), /truncated/);
    const magic = legacy.slice();
    magic[5] ^= 1;
    fails(magic, /invalid magic number/);
  });
});

describe('atomic writes', () => {
  const listing = () => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

  test('a failed save leaves the existing file untouched and no temporary file', async () => {
    const path = join(dir, 'keep.pt');
    save({ a: torch.ones([2]) }, path);
    const before = readFileSync(path);
    assert.throws(() => save({ a: () => 1 }, path), /cannot save obj\["a"\]: a function has no PyTorch equivalent/);
    assert.throws(() => save({ when: new Date() }, path), /a Date has no PyTorch equivalent/);
    assert.throws(() => save(new torch.nn.Linear(2, 3), path), /cannot save obj: a Linear has no PyTorch equivalent .*save its stateDict\(\) instead/);
    assert.throws(() => save({ optimizer: new torch.optim.SGD([torch.zeros(1).requiresGrad_()], 0.1) }, path), /obj\["optimizer"\]: a SGD .*save its stateDict\(\) instead/);
    await assert.rejects(saveAsync([Symbol('s')], path), /obj\[0\]: a symbol/);
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(listing(), []);
  });

  test('when the rename fails the temporary file is removed', async () => {
    const target = join(dir, 'a-directory');
    mkdirSync(join(target, 'inside'), { recursive: true });
    assert.throws(() => save({ a: 1 }, target), (e: unknown) => e instanceof SerializationError && e.message.startsWith(target));
    await assert.rejects(saveAsync({ a: 1 }, target), SerializationError);
    assert.throws(() => safetensors.saveFile({ a: torch.ones([1]) }, target), SerializationError);
    assert.ok(existsSync(join(target, 'inside')));
    assert.deepEqual(listing(), []);
  });

  test('a save into a missing directory fails cleanly', () => {
    assert.throws(() => save({ a: 1 }, join(dir, 'missing', 'x.pt')), /ENOENT/);
  });

  test('a successful save replaces the file', () => {
    const path = join(dir, 'replace.pt');
    writeFileSync(path, 'old contents');
    save({ v: 2 }, path);
    assert.deepEqual(load(path), { v: 2 });
    assert.deepEqual(listing(), []);
  });

  test("the next save removes the temporaries of interrupted saves (dead writers' only, and nothing else)", async () => {
    const path = join(dir, 'orphans.pt');
    // A process that exited: its pid is free, so its temporary is an orphan.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const orphan = join(dir, `.orphans.pt.${dead}.0123456789ab.tmp`);
    const live = join(dir, `.orphans.pt.${process.ppid}.0123456789ab.tmp`); // a running process's save in progress
    const unrelated = [join(dir, '.orphans.pt.backup.tmp'), join(dir, `.other.pt.${dead}.0123456789ab.tmp`)];
    for (const f of [orphan, live, ...unrelated]) writeFileSync(f, 'partial');
    save({ v: 1 }, path);
    assert.equal(existsSync(orphan), false);
    for (const f of [live, ...unrelated]) assert.ok(existsSync(f), f);
    writeFileSync(orphan, 'partial');
    await saveAsync({ v: 2 }, path);
    assert.equal(existsSync(orphan), false);
    for (const f of [live, ...unrelated]) rmSync(f);
    assert.deepEqual(load(path), { v: 2 });
  });

  test('one storage viewed as two dtypes cannot be saved', () => {
    const bytes = torch.tensor([1, 0], { dtype: 'uint8' });
    const flags = new torch.Tensor(bytes._storage, 'bool', [2]);
    assert.throws(() => saveToBuffer([bytes, flags]), /views a storage that another tensor views as uint8, as bool/);
  });
});
