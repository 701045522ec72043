// torch.load of the zip format (PyTorch >= 1.6): <stem>/data.pkl, whose persistent
// ids name the records <stem>/data/<key> holding each storage's bytes.
import { Storage } from '../tensor/tensor.js';
import { ByteReader } from './bytes.js';
import { SerializationError } from './errors.js';
import { readStorage, WIRE_SIZE } from './storage-codec.js';
import { StorageTable } from './storages.js';
import type { Source } from './source.js';
import { TorchPickleHost } from './torch-pickle-host.js';
import { unpickle } from './unpickler.js';
import { ZipArchive, type ZipEntry } from './zip-reader.js';

const MAX_ARCHIVE_VERSION = 20;
const SUPPORTED_FORMAT_VERSION = 1;

function findPickle(zip: ZipArchive): string {
  const names = [...zip.entries.keys()];
  const pickles = names.filter((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
  // torch.save puts everything under one top folder (the file's stem); prefer that level.
  const top = pickles.filter((n) => n.indexOf('/') === n.lastIndexOf('/'));
  const name = top[0] ?? pickles[0];
  if (name === undefined) {
    const listed = names.slice(0, 8).join(', ') + (names.length > 8 ? ', …' : '');
    const jit = names.some((n) => n.endsWith('/constants.pkl') || n.includes('/code/'));
    throw new SerializationError(
      `missing data.pkl: not a torch.save archive${jit ? ' (this looks like a TorchScript archive from torch.jit.save; save its state_dict() with torch.save instead)' : ''} (entries: ${listed || 'none'})`,
    );
  }
  return name;
}

function readText(zip: ZipArchive, entry: ZipEntry | undefined): string | null {
  if (entry === undefined) return null;
  if (entry.size > 64) throw new SerializationError(`record ${entry.name} is ${entry.size} bytes; expected a short text`);
  return new TextDecoder().decode(zip.read(entry)).trim();
}

function readInteger(zip: ZipArchive, entry: ZipEntry | undefined, min: number, max: number): number | null {
  const text = readText(zip, entry);
  if (text === null) return null;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new SerializationError(`unsupported ${entry?.name} '${text}' (expected ${min}..${max})`);
  return value;
}

export function loadZip(source: Source, weightsOnly = false): unknown {
  const zip = new ZipArchive(source);
  const pickleName = findPickle(zip);
  const prefix = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const record = (name: string) => zip.entries.get(prefix + name);

  readInteger(zip, record('version') ?? record('.data/version'), 1, MAX_ARCHIVE_VERSION);
  readInteger(zip, record('.format_version'), SUPPORTED_FORMAT_VERSION, SUPPORTED_FORMAT_VERSION);
  readInteger(zip, record('.storage_alignment'), 1, 2 ** 30);
  const byteorder = readText(zip, record('byteorder')) ?? 'little';
  if (byteorder !== 'little' && byteorder !== 'big') throw new SerializationError(`unsupported byteorder '${byteorder}' (expected 'little' or 'big')`);
  const bigEndian = byteorder === 'big';

  const table = new StorageTable((id) => {
    const entry = record(`data/${id.key}`);
    if (entry === undefined) throw new SerializationError(`missing record ${prefix}data/${id.key} for storage ${id.key}`);
    const bytes = id.numel * WIRE_SIZE[id.wire];
    if (entry.size < bytes) {
      throw new SerializationError(`storage record ${entry.name} holds ${entry.size} bytes, too few for ${id.numel} ${id.wire} elements (${bytes} bytes)`);
    }
    return new Storage(readStorage(id.wire, id.numel, bigEndian, (target) => zip.readInto(entry, target)));
  });
  const host = new TorchPickleHost((id) => table.get(id), weightsOnly);
  const pickle = zip.entries.get(pickleName) as ZipEntry;
  return unpickle(new ByteReader(zip.read(pickle), pickleName), host, pickleName);
}
