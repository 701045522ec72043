// safetensors: the spec's layout and validation, a file written from the spec by the
// fixture script, and torchlette's files read back by the same spec reader in Python.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { safetensors, SerializationError } from '../../src/serialization/index.js';
import { askPyTorch, assertMatches, describeJs, expected, fixture, havePyTorch, type Desc } from './describe.js';

const dir = mkdtempSync(join(tmpdir(), 'torchlette-safetensors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sample(): Record<string, Tensor> {
  torch.manualSeed(3);
  const w = torch.randn([3, 5]);
  return {
    'fc.weight': w,
    transposed: w.t(),
    'fc.bias': torch.randn([5], { dtype: 'float64' }),
    steps: torch.tensor([1, -2, 2 ** 53 - 1], { dtype: 'int64' }),
    ints: torch.tensor([[1, 2], [3, -4]], { dtype: 'int32' }),
    bytes: torch.tensor([0, 255], { dtype: 'uint8' }),
    mask: torch.tensor([true, false]),
    scalar: torch.tensor(2.5, { dtype: 'float32' }),
    empty: torch.zeros([2, 0]),
  };
}

/** A file from a header object and data bytes, with an honest header length. */
/** The tensors as loadFile returns them: contiguous copies, in name order. */
function asLoaded(t: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.keys(t).sort().map((k) => [k, t[k].contiguous()]));
}

function build(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function rejects(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => safetensors.load(bytes, 'bad.safetensors'), (e: unknown) => {
    assert.ok(e instanceof SerializationError, String(e));
    assert.match(e.message, /^bad\.safetensors: /);
    assert.match(e.message, message);
    return true;
  });
}

describe('safetensors', () => {
  const want = expected().safetensors['model.safetensors'];

  test('reads a file written from the spec (widening F16, BF16, I8, I16)', () => {
    assertMatches(safetensors.loadFile(fixture('model.safetensors')), want.tensors);
  });

  test('safeOpen: keys, metadata and one tensor at a time', () => {
    const f = safetensors.safeOpen(fixture('model.safetensors'));
    assert.deepEqual(f.metadata(), want.metadata);
    assert.deepEqual(f.keys(), [...f.keys()].sort());
    const bools = f.getTensor('bool');
    assert.deepEqual(bools.tolist(), [true, false, true]);
    assert.throws(() => f.getTensor('missing'), /no tensor named 'missing'/);
  });

  test('save → load keeps values, writing every tensor contiguous', () => {
    const t = sample();
    const loaded = safetensors.load(safetensors.save(t, { format: 'pt' }));
    assert.deepEqual(Object.keys(loaded), Object.keys(t).sort());
    for (const [name, tensor] of Object.entries(t)) {
      const got = loaded[name];
      assert.equal(got.dtype, tensor.dtype, name);
      assert.deepEqual(got.shape, tensor.shape, name);
      if (tensor.numel() > 0) assert.ok(got.isContiguous(), name);
      assert.deepEqual(Array.from(got.toTypedArray(), Number), Array.from(tensor.toTypedArray(), Number), name);
    }
  });

  test('layout: 8-byte aligned data, metadata first, tensors by element size then name', () => {
    const bytes = safetensors.save(sample(), { format: 'pt' });
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; data_offsets: number[] }>;
    const names = Object.keys(header);
    assert.equal(names[0], '__metadata__');
    const byOffset = names.slice(1).sort((a, b) => header[a].data_offsets[0] - header[b].data_offsets[0]);
    assert.deepEqual(byOffset.slice(0, 3), ['fc.bias', 'steps', 'empty']);
    assert.deepEqual(header.steps.dtype, 'I64');
    assert.deepEqual(header.mask.dtype, 'BOOL');
  });

  test('saveFile/loadFile and their async twins', async () => {
    const t = sample();
    const path = join(dir, 'model.safetensors');
    safetensors.saveFile(t, path, { step: '7' });
    assertMatches(safetensors.loadFile(path), describeJs(asLoaded(t)));
    assert.deepEqual(safetensors.safeOpen(path).metadata(), { step: '7' });
    await safetensors.saveFileAsync(t, path);
    assert.equal(safetensors.safeOpen(path).metadata(), null);
    assert.deepEqual(Object.keys(await safetensors.loadFileAsync(path)), Object.keys(t).sort());
  });

  test('files torchlette writes pass the spec reader in Python', { skip: havePyTorch() ? false : 'no PyTorch' }, () => {
    const t = sample();
    const path = join(dir, 'for-python.safetensors');
    safetensors.saveFile(t, path, { format: 'pt' });
    const [d] = askPyTorch<{ tensors: Desc; metadata: Record<string, string> }>('describe-safetensors', [path]);
    assert.deepEqual(d.metadata, { format: 'pt' });
    assertMatches(asLoaded(t), d.tensors);
  });

  test('rejects malformed files, naming what is wrong', () => {
    const four = new Uint8Array(4);
    rejects(new Uint8Array(3), /too short/);
    rejects(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }).subarray(0, 20), /truncated/);
    rejects(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), /truncated: the tensors need 4 bytes/);
    rejects(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /4 bytes after the last tensor/);
    rejects(build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, four), /needs 8 bytes but data_offsets \[0, 4\] span 4/);
    rejects(build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /starts at byte 4 of the data but 0 was expected/);
    rejects(
      build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, four),
      /holes or overlaps/,
    );
    rejects(build({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /dtype C64/);
    rejects(build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, four), /invalid shape/);
    rejects(build({ __metadata__: { a: 1 } }), /must be a string/);
    rejects(build([1, 2]), /not a JSON object/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    rejects(huge, /bad header length/);
    const broken = build({ a: 1 });
    broken[broken.length - 1] = 0x20;
    rejects(broken, /not valid UTF-8 JSON/);
  });

  test('refuses to save non-tensors and the reserved name', () => {
    assert.throws(() => safetensors.save({ a: 1 as unknown as Tensor }), /only Tensors/);
    assert.throws(() => safetensors.save({ __metadata__: torch.zeros([1]) }), /reserved/);
  });
});
