// safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__},
// then the tensors' bytes, contiguous and little-endian, covering the buffer exactly.
import type { DType } from '../tensor/dtype.js';
import { Storage, Tensor } from '../tensor/tensor.js';
import { writeFileAtomic, writeFileAtomicAsync } from './atomic-write.js';
import { inFile, inFileAsync, SerializationError } from './errors.js';
import { asBytes, BufferSource, pathString, readAllAsync, readBytes, withFileSource, type BytesLike, type Source } from './source.js';
import { encodeStorage, LOADS_AS, readStorage, WIRE_SIZE, type WireDtype } from './storage-codec.js';
import { defineKey } from './to-js.js';
import { concatBytes, utf8Encode } from '../platform/bytes.js';

export type Metadata = Record<string, string>;
export type TensorMap = Record<string, Tensor>;

const WRITE_DTYPES: Record<DType, string> = { float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };
const READ_DTYPES: Record<string, WireDtype> = {
  F32: 'float32',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  U8: 'uint8',
  BOOL: 'bool',
  F16: 'float16',
  BF16: 'bfloat16',
  I8: 'int8',
  I16: 'int16',
};
// The reference implementation's limit: a larger header is refused, not parsed.
const MAX_HEADER = 100_000_000;
const METADATA_KEY = '__metadata__';

interface TensorInfo {
  name: string;
  wire: WireDtype;
  shape: number[];
  begin: number;
  end: number;
}

interface Header {
  tensors: TensorInfo[];
  metadata: Metadata | null;
  /** Where the byte buffer starts in the file. */
  dataStart: number;
  /** The file's size, as the header describes it. */
  fileSize: number;
}

function entriesOf(tensors: TensorMap | Map<string, Tensor>): [string, Tensor][] {
  return tensors instanceof Map ? [...tensors] : Object.entries(tensors);
}

function contiguousData(t: Tensor): Tensor['_storage']['data'] {
  const n = t.numel();
  if (t.isContiguous()) return t._storage.data.subarray(t.offset, t.offset + n);
  return t.toTypedArray();
}

/** The file's bytes as chunks: tensors ordered by element size (largest first) then name, as the reference writer does. */
function serialize(tensors: TensorMap | Map<string, Tensor>, metadata?: Metadata): Uint8Array[] {
  const entries = entriesOf(tensors);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new SerializationError(`cannot save '${name}': safetensors holds only Tensors, got ${typeof t}`);
    if (name === METADATA_KEY) throw new SerializationError(`'${METADATA_KEY}' is reserved and cannot name a tensor`);
  }
  entries.sort(([a, ta], [b, tb]) => WIRE_SIZE[tb.dtype] - WIRE_SIZE[ta.dtype] || (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SerializationError(`metadata '${k}' must be a string, got ${typeof v}`);
    }
    header[METADATA_KEY] = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = encodeStorage(t.dtype, contiguousData(t));
    defineKey(header, name, { dtype: WRITE_DTYPES[t.dtype], shape: t.shape.slice(), data_offsets: [offset, offset + bytes.length] });
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pads with spaces so the data starts 8-byte aligned.
  json += ' '.repeat((8 - ((8 + utf8Encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  return [prefix, headerBytes, ...chunks];
}

function fail(message: string): never {
  throw new SerializationError(message);
}

function parseTensorInfo(name: string, value: unknown): TensorInfo {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`header entry '${name}' must be an object`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`tensor '${name}' has no dtype`);
  const wire = Object.hasOwn(READ_DTYPES, dtype) ? READ_DTYPES[dtype] : fail(`tensor '${name}' has dtype ${dtype}, which torchlette does not support`);
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || shape.length > 64 || !shape.every(isCount)) fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  const [begin, end] = offsets as [number, number];
  if (end - begin !== numel * WIRE_SIZE[wire]) {
    fail(`tensor '${name}' of shape [${shape.join(', ')}] and dtype ${dtype} needs ${numel * WIRE_SIZE[wire]} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, wire, shape: shape.slice(), begin, end };
}

function readHeader(source: Source): Header {
  if (source.size < 8) fail(`too short for a safetensors file (${source.size} bytes)`);
  const lengthBytes = readBytes(source, 0, 8, 'the header length');
  const length = new DataView(lengthBytes.buffer).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER)) fail(`bad header length ${length} (more than ${MAX_HEADER} bytes): not a safetensors file?`);
  const n = Number(length);
  if (8 + n > source.size) fail(`truncated: the header needs ${n} bytes but the file has ${source.size - 8} after the length`);
  const text = readBytes(source, 8, n, 'the header');
  if (text[0] !== 0x7b) fail('the header is not a JSON object (bad magic: not a safetensors file?)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch (e) {
    fail(`the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('the header is not a JSON object');
  let metadata: Metadata | null = null;
  const tensors: TensorInfo[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${METADATA_KEY} must be an object of strings`);
      metadata = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`${METADATA_KEY} value '${k}' must be a string`);
        defineKey(metadata, k, v);
      }
    } else {
      tensors.push(parseTensorInfo(name, value));
    }
  }
  // As the spec requires: the tensors tile the byte buffer exactly, without holes or overlaps.
  const dataStart = 8 + n;
  const byOffset = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const t of byOffset) {
    if (t.begin !== expected) fail(`tensor '${t.name}' starts at byte ${t.begin} of the data but ${expected} was expected (holes or overlaps)`);
    expected = t.end;
  }
  if (dataStart + expected !== source.size) {
    fail(dataStart + expected > source.size ? `truncated: the tensors need ${expected} bytes of data but the file has ${source.size - dataStart}` : `${source.size - dataStart - expected} bytes after the last tensor`);
  }
  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { tensors, metadata, dataStart, fileSize: source.size };
}

function readTensor(source: Source, header: Header, info: TensorInfo): Tensor {
  const numel = info.shape.reduce((a, b) => a * b, 1);
  const data = readStorage(info.wire, numel, false, (target) => source.readInto(header.dataStart + info.begin, target, `tensor '${info.name}'`));
  return new Tensor(new Storage(data), LOADS_AS[info.wire], info.shape.slice());
}

function readAll(source: Source): { tensors: TensorMap; metadata: Metadata | null } {
  const header = readHeader(source);
  const tensors: TensorMap = {};
  for (const info of header.tensors) defineKey(tensors, info.name, readTensor(source, header, info));
  return { tensors, metadata: header.metadata };
}

/** safetensors.torch.save_file: writes the tensors (contiguous, little-endian) atomically. */
export function saveFile(tensors: TensorMap | Map<string, Tensor>, path: string | URL, metadata?: Metadata): void {
  const file = pathString(path, 'safetensors saveFile', 'safetensors.save(tensors) gives the bytes to download or store');
  inFile(file, () => writeFileAtomic(file, serialize(tensors, metadata)));
}

export async function saveFileAsync(tensors: TensorMap | Map<string, Tensor>, path: string | URL, metadata?: Metadata): Promise<void> {
  const file = pathString(path, 'safetensors saveFileAsync', 'safetensors.save(tensors) gives the bytes to download or store');
  await inFileAsync(file, async () => writeFileAtomicAsync(file, serialize(tensors, metadata)));
}

/** safetensors.torch.load_file: every tensor, by name (in name order). */
export function loadFile(path: string | URL): TensorMap {
  return withFileSource(pathString(path, 'safetensors loadFile'), (source) => readAll(source).tensors);
}

/** loadFile, asynchronously; also from an http(s) URL (fetched), bytes, a Blob/File or a fetch Response. */
export async function loadFileAsync(path: string | URL | BytesLike): Promise<TensorMap> {
  const { name, bytes } = await readAllAsync(path, 'safetensors loadFileAsync');
  return inFileAsync(name, async () => readAll(new BufferSource(bytes)).tensors);
}

/** safetensors.torch.save: the file's bytes in memory. */
export function save(tensors: TensorMap | Map<string, Tensor>, metadata?: Metadata): Uint8Array {
  return inFile('<buffer>', () => concatBytes(serialize(tensors, metadata)));
}

/** safetensors.torch.load: tensors from bytes in memory. */
export function load(bytes: Uint8Array | ArrayBuffer, name = '<buffer>'): TensorMap {
  return inFile(name, () => readAll(new BufferSource(asBytes(bytes, 'safetensors load'))).tensors);
}

/** A file's header, read without its data: names, metadata, and tensors loaded one at a time. */
export interface SafeOpenFile {
  keys(): string[];
  /** The `__metadata__` string map, or null when the file has none. */
  metadata(): Metadata | null;
  getTensor(name: string): Tensor;
}

/** safetensors.safe_open: reads the header now and each tensor when asked for it. */
export function safeOpen(path: string | URL): SafeOpenFile {
  const file = pathString(path, 'safetensors safeOpen');
  const header = withFileSource(file, readHeader);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  return {
    keys: () => header.tensors.map((t) => t.name),
    metadata: () => (header.metadata === null ? null : { ...header.metadata }),
    getTensor(name: string): Tensor {
      const info = byName.get(name);
      if (info === undefined) throw new SerializationError(`no tensor named '${name}'`, { file });
      return withFileSource(file, (source) => {
        if (source.size !== header.fileSize) {
          throw new SerializationError('the file changed since it was opened');
        }
        return readTensor(source, header, info);
      });
    },
  };
}
