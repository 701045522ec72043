// torch.load's parameters (f, map_location, pickle_module, *, weights_only): every storage
// loads on the CPU, so map_location may only name the CPU; anything else throws rather than
// being ignored.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

const file = join(mkdtempSync(join(tmpdir(), 'tl-load-')), 'w.pt');
writeFileSync(file, torch.saveToBuffer({ w: torch.arange(3) }));
const w = (o: unknown) => (o as { w: torch.Tensor }).w.tolist();

test('map_location naming the CPU loads: positional, option, device, dict, the (storage, loc) => storage idiom', async () => {
  assert.deepEqual(w(torch.load(file, 'cpu')), [0, 1, 2]);
  assert.deepEqual(w(torch.load(file, { mapLocation: torch.device('cpu') })), [0, 1, 2]);
  assert.deepEqual(w(torch.load(file, { mapLocation: { 'cuda:0': 'cpu' } })), [0, 1, 2]);
  assert.deepEqual(w(torch.load(file, { mapLocation: (storage: unknown) => storage, weightsOnly: true })), [0, 1, 2]);
  assert.deepEqual(w(await torch.loadAsync(file, { mapLocation: 'cpu' })), [0, 1, 2]);
});

test('map_location naming another device, pickle_module, unknown and snake_case options throw', async () => {
  assert.throws(() => torch.load(file, { mapLocation: 'cuda' }), /CPU only: device 'cuda'/);
  assert.throws(() => torch.load(file, { mapLocation: { cpu: 'cuda:0' } }), /device 'cuda:0'/);
  assert.throws(() => torch.load(file, { mapLocation: () => 'gpu' }), /returned something other than the storage/);
  assert.throws(() => torch.load(file, { pickleModule: {} } as never), /pickleModule is not supported/);
  assert.throws(() => torch.load(file, { map_location: 'cpu' } as never), /did you mean 'mapLocation'/);
  assert.throws(() => torch.load(file, { encoding: 'latin1' } as never), /unexpected option 'encoding'/);
  await assert.rejects(torch.loadAsync(file, { mapLocation: 'cuda:1' }), /device 'cuda:1'/);
});

test("torch.save's (obj, f, pickle_module, pickle_protocol, _use_new_zipfile_serialization): what it would write differently throws", () => {
  const out = join(mkdtempSync(join(tmpdir(), 'tl-save-')), 's.pt');
  torch.save({ w: torch.arange(3) }, out, { pickleProtocol: 2, _useNewZipfileSerialization: true });
  assert.deepEqual(w(torch.load(out)), [0, 1, 2]);
  assert.throws(() => torch.save({}, out, { pickleProtocol: 4 } as never), /pickleProtocol 4 is not supported/);
  assert.throws(() => torch.saveToBuffer({}, { _useNewZipfileSerialization: false } as never), /legacy \(non-zip\) format/);
  assert.throws(() => torch.save({}, out, { pickle_protocol: 2 } as never), /did you mean 'pickleProtocol'/);
  assert.throws(() => torch.saveToBuffer({}, { pickleModule: {} } as never), /pickleModule is not supported/);
});

test("torch.load takes the file's bytes (PyTorch's io.BytesIO); a missing file's error carries ENOENT; anything else is refused", () => {
  const bytes = torch.saveToBuffer({ w: torch.arange(3) });
  assert.deepEqual(w(torch.load(bytes)), [0, 1, 2]);
  assert.deepEqual(w(torch.load(Buffer.from(bytes), 'cpu')), [0, 1, 2]);
  assert.deepEqual(w(torch.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { weightsOnly: true })), [0, 1, 2]);
  const missing = join(tmpdir(), `tl-missing-${process.pid}.pt`);
  assert.throws(() => torch.load(missing), (e: torch.SerializationError) => e.code === 'ENOENT' && e.message.startsWith(`${missing}: ENOENT`));
  assert.throws(() => torch.load(42 as never), { name: 'TypeError', message: /f must be a path, a file: URL or the file's bytes/ });
});
