// torch.save: writes PyTorch's zip format (1.6+), which every PyTorch since reads
// with torch.load — also with weights_only=True, as only tensors and plain data
// are written.
import { parse as parsePath } from '#platform/path';
import { any, bool, int, nullable, signature } from '../tensor/args.js';
import type { DType } from '../tensor/dtype.js';
import { Storage, Tensor } from '../tensor/tensor.js';
import { writeFileAtomic, writeFileAtomicAsync } from './atomic-write.js';
import { inFile, inFileAsync, SerializationError } from './errors.js';
import { BATCH, PickleWriter } from './pickler.js';
import { OP } from './pickle-opcodes.js';
import { pathString } from './source.js';
import { encodeStorage } from './storage-codec.js';
import { writeZip, type ZipRecord } from './zip-writer.js';

export interface SaveOptions {
  /** torch.save's pickle_module: torchlette pickles with its own writer only. */
  pickleModule?: null;
  /** The pickle protocol: 2, PyTorch's default (the only one written). */
  pickleProtocol?: 2;
  /** PyTorch's zip format (true, the default; the legacy format is not written). */
  _useNewZipfileSerialization?: true;
  /** Writes zip64 records even for small files (for testing readers). */
  forceZip64?: boolean;
}

// torch.save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True);
// the options object of saveToBuffer takes the same names after the object.
const saveOptionSpec = [
  ['pickleModule', nullable(any), null], ['pickleProtocol', int, 2], ['_useNewZipfileSerialization', bool, true], '*', ['forceZip64', bool, false],
] as const;
// `obj` (often a plain object itself) is taken apart first, so it is never read as the options.
const saveArgs = signature('save', [['f', any], ...saveOptionSpec] as const);
const saveToBufferArgs = signature('saveToBuffer', saveOptionSpec);

/** Refuses what torchlette would otherwise silently write differently than asked. */
function checkSaveOptions(where: string, a: { pickleModule: unknown; pickleProtocol: number; _useNewZipfileSerialization: boolean }): void {
  if (a.pickleModule !== null) throw new TypeError(`${where}: pickleModule is not supported: torchlette pickles with its own writer`);
  if (a.pickleProtocol !== 2) throw new RangeError(`${where}: pickleProtocol ${a.pickleProtocol} is not supported: torchlette writes protocol 2 (PyTorch's default, which every PyTorch reads)`);
  if (!a._useNewZipfileSerialization) throw new RangeError(`${where}: the legacy (non-zip) format is not written: leave _useNewZipfileSerialization at true (PyTorch >= 1.6 reads the zip format)`);
}

const STORAGE_TYPES: Record<DType, string> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

const MAX_DEPTH = 1000;
const CANONICAL_INT = /^(0|[1-9]\d{0,15})$/;
const ARCHIVE_VERSION = '3\n';

interface SavedStorage {
  key: string;
  dtype: DType;
  storage: Storage;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describeType(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

/** Pickles a JS value the way PyTorch pickles the Python value it stands for. */
class TorchPickler {
  readonly w = new PickleWriter();
  readonly storages = new Map<Storage, SavedStorage>();
  private readonly memo = new Map<object, number>();

  dump(value: unknown, where: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new SerializationError(`cannot save ${where}: nested deeper than ${MAX_DEPTH} levels (a cycle through a non-container?)`);
    if (value === null || value === undefined) return this.w.none();
    switch (typeof value) {
      case 'boolean':
        return this.w.bool(value);
      case 'number':
        return Number.isSafeInteger(value) ? this.w.int(value) : this.w.float(value);
      case 'bigint':
        return this.w.int(value);
      case 'string':
        return this.w.str(value);
      case 'object':
        break;
      default:
        throw new SerializationError(`cannot save ${where}: a ${typeof value} has no PyTorch equivalent`);
    }
    const memoized = this.memo.get(value);
    if (memoized !== undefined) return this.w.get(memoized);
    if (value instanceof Tensor) return this.tensor(value, where);
    if (value instanceof Storage) throw new SerializationError(`cannot save ${where}: a bare Storage has no dtype to save it with (save a tensor viewing it)`);
    if (Array.isArray(value)) return this.list(value, where, depth);
    if (value instanceof Map) return this.dict(value, [...value], true, where, depth);
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      const stateDict = entries.length > 0 && entries.every(([, v]) => v instanceof Tensor);
      return this.dict(value, entries, stateDict, where, depth);
    }
    // A module or an optimizer: PyTorch's torch.save(model) pickles its Python class, which a
    // TypeScript class is not; its state_dict is what both frameworks load.
    if (typeof (value as { stateDict?: unknown }).stateDict === 'function') {
      throw new SerializationError(`cannot save ${where}: a ${describeType(value)} has no PyTorch equivalent (torch.save(model) pickles a Python class): save its stateDict() instead`);
    }
    throw new SerializationError(
      `cannot save ${where}: a ${describeType(value)} has no PyTorch equivalent (save Tensors, plain objects, Maps, arrays, numbers, bigints, strings, booleans or null)`,
    );
  }

  private remember(value: object): void {
    this.memo.set(value, this.w.put());
  }

  private list(value: unknown[], where: string, depth: number): void {
    this.w.op(OP.EMPTY_LIST);
    this.remember(value);
    for (let start = 0; start < value.length; start += BATCH) {
      const end = Math.min(value.length, start + BATCH);
      if (end - start > 1) this.w.mark();
      for (let i = start; i < end; i++) this.dump(value[i], `${where}[${i}]`, depth + 1);
      this.w.op(end - start > 1 ? OP.APPENDS : OP.APPEND);
    }
  }

  // Plain-object keys that are canonical non-negative integers become Python ints:
  // JS cannot tell {0: x} from {'0': x}, and PyTorch's optimizer state dicts need int keys.
  private key(key: unknown, fromObject: boolean, where: string): void {
    if (fromObject && typeof key === 'string' && CANONICAL_INT.test(key) && Number.isSafeInteger(Number(key))) return this.w.int(Number(key));
    if (typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean' || key === null) {
      return this.dump(key, where, 0);
    }
    throw new SerializationError(`cannot save ${where}: a ${describeType(key)} key has no PyTorch equivalent`);
  }

  private dict(value: object, entries: [unknown, unknown][], ordered: boolean, where: string, depth: number): void {
    if (ordered) {
      this.w.global('collections', 'OrderedDict');
      this.w.op(OP.EMPTY_TUPLE).op(OP.REDUCE);
    } else {
      this.w.op(OP.EMPTY_DICT);
    }
    this.remember(value);
    const fromObject = !(value instanceof Map);
    for (let start = 0; start < entries.length; start += BATCH) {
      const end = Math.min(entries.length, start + BATCH);
      if (end - start > 1) this.w.mark();
      for (let i = start; i < end; i++) {
        const [k, v] = entries[i];
        const at = `${where}[${typeof k === 'string' ? JSON.stringify(k) : String(k)}]`;
        this.key(k, fromObject, at);
        this.dump(v, at, depth + 1);
      }
      this.w.op(end - start > 1 ? OP.SETITEMS : OP.SETITEM);
    }
  }

  private storageKey(t: Tensor, where: string): SavedStorage {
    const saved = this.storages.get(t._storage);
    if (saved === undefined) {
      const entry = { key: String(this.storages.size), dtype: t.dtype, storage: t._storage };
      this.storages.set(t._storage, entry);
      return entry;
    }
    if (saved.dtype !== t.dtype) {
      throw new SerializationError(`cannot save ${where}: it views a storage that another tensor views as ${saved.dtype}, as ${t.dtype} (PyTorch cannot load one storage as two dtypes)`);
    }
    return saved;
  }

  /** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`, as Tensor.__reduce_ex__. */
  private tensorData(t: Tensor, requiresGrad: boolean, where: string): void {
    const { key, dtype, storage } = this.storageKey(t, where);
    const w = this.w;
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.mark();
    w.mark();
    w.str('storage');
    w.global('torch', STORAGE_TYPES[dtype]);
    w.str(key);
    w.str('cpu');
    w.int(storage.data.length);
    w.op(OP.TUPLE).op(OP.BINPERSID);
    w.int(t.offset);
    w.intTuple(t.shape);
    w.intTuple(t.strides);
    w.bool(requiresGrad);
    w.global('collections', 'OrderedDict');
    w.op(OP.EMPTY_TUPLE).op(OP.REDUCE);
    w.op(OP.TUPLE).op(OP.REDUCE);
  }

  private tensor(t: Tensor, where: string): void {
    // nn.Parameter pickles as _rebuild_parameter(data, requires_grad, OrderedDict()).
    if (t.isParameter) {
      this.w.global('torch._utils', '_rebuild_parameter');
      this.tensorData(t, false, where);
      this.w.bool(t.requiresGrad);
      this.w.global('collections', 'OrderedDict');
      this.w.op(OP.EMPTY_TUPLE).op(OP.REDUCE);
      this.w.tuple(3);
      this.w.op(OP.REDUCE);
    } else {
      this.tensorData(t, t.requiresGrad, where);
    }
    this.remember(t);
  }
}

const encoder = new TextEncoder();

/** The archive's records, in torch.save's order (storages by key as strings). */
function serialize(obj: unknown, stem: string, options: { forceZip64: boolean }): Uint8Array[] {
  const pickler = new TorchPickler();
  pickler.dump(obj, 'obj', 0);
  const records: ZipRecord[] = [
    { name: `${stem}/data.pkl`, data: pickler.w.result() },
    { name: `${stem}/byteorder`, data: encoder.encode('little') },
  ];
  const storages = [...pickler.storages.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of storages) records.push({ name: `${stem}/data/${s.key}`, data: encodeStorage(s.dtype, s.storage.data) });
  records.push({ name: `${stem}/version`, data: encoder.encode(ARCHIVE_VERSION) });
  return writeZip(records, { forceZip64: options.forceZip64 });
}

/** torch.save names the archive's top folder after the file, as PyTorch does. */
function archiveStem(file: string): string {
  const stem = parsePath(file).name;
  return stem === '' || /[/\\]/.test(stem) ? 'archive' : stem;
}

/**
 * torch.save: writes `obj` in PyTorch's format. Tensors (views sharing a storage
 * save it once), plain objects (→ dict; objects whose values are all tensors, such
 * as state dicts, → OrderedDict; canonical integer keys → int keys), Maps
 * (→ OrderedDict), arrays (→ list), numbers (safe integers → int, others → float),
 * bigints (→ int), strings, booleans, null/undefined (→ None). The file is replaced
 * atomically: on any error an existing file is left untouched.
 */
export function save(obj: unknown, path: string | URL, options?: SaveOptions): void;
export function save(obj: unknown, ...args: unknown[]): void {
  const a = saveArgs.parse(args as never);
  checkSaveOptions('torch.save', a);
  const file = pathString(a.f as string | URL, 'torch.save', 'torch.saveToBuffer(obj) gives the bytes to download or store');
  inFile(file, () => writeFileAtomic(file, serialize(obj, archiveStem(file), a)));
}

export async function saveAsync(obj: unknown, path: string | URL, options?: SaveOptions): Promise<void>;
export async function saveAsync(obj: unknown, ...args: unknown[]): Promise<void> {
  const a = saveArgs.parse(args as never);
  checkSaveOptions('torch.saveAsync', a);
  const file = pathString(a.f as string | URL, 'torch.saveAsync', 'torch.saveToBuffer(obj) gives the bytes to download or store');
  await inFileAsync(file, async () => writeFileAtomicAsync(file, serialize(obj, archiveStem(file), a)));
}

/** torch.save into memory (as PyTorch saves to an io.BytesIO; the archive folder is 'archive'). */
export function saveToBuffer(obj: unknown, options?: SaveOptions): Uint8Array;
export function saveToBuffer(obj: unknown, ...args: unknown[]): Uint8Array {
  const a = saveToBufferArgs.parse(args as never);
  checkSaveOptions('torch.saveToBuffer', a);
  return inFile('<buffer>', () => {
    const chunks = serialize(obj, 'archive', a);
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  });
}
