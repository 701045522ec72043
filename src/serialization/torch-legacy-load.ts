// torch.load of the legacy format (`_use_new_zipfile_serialization=False`, and every
// file from PyTorch < 1.6): five pickles in a row — the magic number, the protocol
// version, sys_info, the object, the list of storage keys — then each storage as an
// int64 element count and its little-endian bytes.
import { allocate } from '../tensor/dtype.js';
import { Storage } from '../tensor/tensor.js';
import { ByteReader } from './bytes.js';
import { SerializationError } from './errors.js';
import { PyDict, pyTypeName } from './python-values.js';
import { fillStorage, LOADS_AS, WIRE_SIZE } from './storage-codec.js';
import { readBytes, StreamInput, type Source } from './source.js';
import { StorageTable } from './storages.js';
import { TorchPickleHost } from './torch-pickle-host.js';
import { unpickle, type UnpicklerHost } from './unpickler.js';

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

function refuse(what: string): never {
  throw new SerializationError(`unexpected ${what} in a legacy checkpoint's header or storage list`);
}

// The pickles around the object hold only plain data.
const plainHost: UnpicklerHost = {
  global: (module, name) => refuse(`global ${module}.${name}`),
  call: () => refuse('call'),
  newObject: () => refuse('object'),
  build: () => refuse('BUILD'),
  persistentLoad: () => refuse('persistent id'),
};

export function loadLegacy(source: Source, weightsOnly = false): unknown {
  const input = new StreamInput(source, 0, 'the legacy pickle stream');
  const magic = unpickle(input, plainHost, 'the magic number pickle');
  if (magic !== MAGIC_NUMBER) throw new SerializationError('invalid magic number: not a PyTorch checkpoint (corrupt file?)');
  const protocol = unpickle(input, plainHost, 'the protocol version pickle');
  if (protocol !== PROTOCOL_VERSION) throw new SerializationError(`invalid legacy protocol version ${String(protocol)} (expected ${PROTOCOL_VERSION})`);
  const sysInfo = unpickle(input, plainHost, 'the sys_info pickle');
  if (!(sysInfo instanceof PyDict)) throw new SerializationError(`bad sys_info: expected a dict, got ${pyTypeName(sysInfo)}`);

  // Storages are met in the object before their bytes, which follow it: allocate now, fill later.
  const table = new StorageTable((id) => {
    if (id.numel * WIRE_SIZE[id.wire] > source.size) {
      throw new SerializationError(`storage ${id.key} declares ${id.numel} ${id.wire} elements, more than the whole file holds`);
    }
    return new Storage(allocate(LOADS_AS[id.wire], id.numel));
  });
  const result = unpickle(input, new TorchPickleHost((id) => table.get(id), weightsOnly), 'the pickled object');
  const keys = unpickle(input, plainHost, 'the storage key list');
  if (!Array.isArray(keys)) throw new SerializationError(`bad storage key list: expected a list, got ${pyTypeName(keys)}`);

  const roots = table.roots();
  let offset = input.pos;
  for (const key of keys) {
    if (typeof key !== 'string') throw new SerializationError(`bad storage key ${pyTypeName(key)}`);
    const ref = roots.get(key);
    if (ref === undefined) throw new SerializationError(`the storage key list names ${key}, which no tensor uses`);
    const what = `the size of storage ${key}`;
    const count = new ByteReader(readBytes(source, offset, 8, what), what).u64();
    if (count !== ref.numel) throw new SerializationError(`storage ${key} has ${count} elements on disk but ${ref.numel} were declared`);
    offset += 8;
    const at = offset;
    fillStorage(ref.wire, ref.storage.data, false, (bytes) => source.readInto(at, bytes, `storage ${key}`));
    offset += count * WIRE_SIZE[ref.wire];
    roots.delete(key);
  }
  if (roots.size > 0) throw new SerializationError(`storage ${[...roots.keys()][0]} is used by a tensor but has no data in the file`);
  return result;
}
