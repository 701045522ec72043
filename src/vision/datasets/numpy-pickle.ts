// Reading the Python pickles that datasets ship (CIFAR's batches): dicts, lists, str,
// bytes and numpy arrays of numbers, as pickle.load(f, encoding='latin1') returns them.
// The unpickler builds data only; the allow-list admits numpy's array and dtype
// reconstruction (and _codecs.encode, which Python 3 uses for bytes under protocol 2)
// and nothing else, so a pickle naming any other global is refused unexecuted.
import { ByteReader } from '../../serialization/bytes.js';
import { SerializationError, UnsafePickleError, inFile } from '../../serialization/errors.js';
import { PyDict, PyGlobal, PyTuple, pyTypeName } from '../../serialization/python-values.js';
import { unpickle, type UnpicklerHost } from '../../serialization/unpickler.js';

type NumericArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A numpy array of numbers, in C order; int64/uint64 are held as float64 (exact below 2^53). */
export class NdArray {
  constructor(
    readonly dtype: string,
    readonly shape: number[],
    readonly data: NumericArray,
  ) {}
}

/** The Python values a dataset pickle holds, as JS values. */
export type PickleValue = null | boolean | number | bigint | string | Uint8Array | NdArray | PickleValue[] | { [key: string]: PickleValue };

// numpy type codes (kind + item size) and how to read one item
const DTYPES: Record<string, { name: string; size: number; read: (v: DataView, at: number, little: boolean) => number }> = {
  b1: { name: 'bool', size: 1, read: (v, at) => v.getUint8(at) },
  u1: { name: 'uint8', size: 1, read: (v, at) => v.getUint8(at) },
  i1: { name: 'int8', size: 1, read: (v, at) => v.getInt8(at) },
  u2: { name: 'uint16', size: 2, read: (v, at, le) => v.getUint16(at, le) },
  i2: { name: 'int16', size: 2, read: (v, at, le) => v.getInt16(at, le) },
  u4: { name: 'uint32', size: 4, read: (v, at, le) => v.getUint32(at, le) },
  i4: { name: 'int32', size: 4, read: (v, at, le) => v.getInt32(at, le) },
  u8: { name: 'uint64', size: 8, read: (v, at, le) => Number(v.getBigUint64(at, le)) },
  i8: { name: 'int64', size: 8, read: (v, at, le) => Number(v.getBigInt64(at, le)) },
  f4: { name: 'float32', size: 4, read: (v, at, le) => v.getFloat32(at, le) },
  f8: { name: 'float64', size: 8, read: (v, at, le) => v.getFloat64(at, le) },
};
const STORAGE: Record<string, new (n: number) => NumericArray> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  uint64: Float64Array,
  int64: Float64Array,
  float32: Float32Array,
  float64: Float64Array,
};

class NpDtype {
  /** '<' little, '>' big, '|' not applicable, '=' native (little on every platform Node runs on) */
  byteOrder = '=';
  constructor(readonly code: string) {}
}

class PendingArray {
  result: NdArray | null = null;
}

const NUMPY_MODULES = new Set(['numpy.core.multiarray', 'numpy._core.multiarray']);
const ALLOWED = new Set(['_reconstruct', 'scalar']);

function bytesOf(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // Python 2's str, read as latin-1: one byte per character
  if (typeof value === 'string') return Uint8Array.from(value, (c) => c.charCodeAt(0));
  throw new SerializationError(`${what} must be bytes, got ${pyTypeName(value)}`);
}

function decodeArray(dtype: NpDtype, count: number, raw: Uint8Array): NumericArray {
  const info = DTYPES[dtype.code];
  const need = count * info.size;
  if (raw.length !== need) throw new SerializationError(`numpy array data holds ${raw.length} bytes, its shape and dtype need ${need}`);
  const out = new STORAGE[info.name](count);
  if (info.size === 1) {
    out.set(info.name === 'int8' ? new Int8Array(raw.buffer, raw.byteOffset, raw.length) : raw);
    return out;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const little = dtype.byteOrder !== '>';
  for (let i = 0; i < count; i++) out[i] = info.read(view, i * info.size, little);
  return out;
}

class NumpyPickleHost implements UnpicklerHost {
  global(module: string, name: string): PyGlobal {
    const ok = (NUMPY_MODULES.has(module) && ALLOWED.has(name)) || (module === 'numpy' && (name === 'ndarray' || name === 'dtype')) || (module === '_codecs' && name === 'encode');
    if (!ok) {
      const path = `${module}.${name}`;
      throw new UnsafePickleError(path, `refusing to load global '${path}': dataset pickles may hold only numpy arrays of numbers, lists, dicts, str and bytes (nothing in the file was executed)`);
    }
    return new PyGlobal(module, name);
  }

  call(fn: unknown, args: unknown[]): unknown {
    const path = fn instanceof PyGlobal ? fn.path : pyTypeName(fn);
    if (path === 'numpy.dtype') {
      const code = typeof args[0] === 'string' ? args[0] : '';
      if (!(code in DTYPES)) throw new SerializationError(`numpy dtype ${JSON.stringify(args[0])} is not supported (only numeric types: ${Object.keys(DTYPES).join(', ')})`);
      return new NpDtype(code);
    }
    if (path.endsWith('._reconstruct')) {
      if (!(args[0] instanceof PyGlobal) || args[0].path !== 'numpy.ndarray') throw new SerializationError(`_reconstruct of ${pyTypeName(args[0])} is not supported (only numpy.ndarray)`);
      return new PendingArray();
    }
    if (path.endsWith('.scalar')) {
      const [dtype, raw] = args;
      if (!(dtype instanceof NpDtype)) throw new SerializationError('numpy scalar needs a numeric dtype');
      return decodeArray(dtype, 1, bytesOf(raw, 'numpy scalar data'))[0];
    }
    if (path === '_codecs.encode') {
      const [text, encoding] = args;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) throw new SerializationError('_codecs.encode is supported for latin1 text only');
      return bytesOf(text, 'encoded text');
    }
    throw new SerializationError(`${path} cannot be called`);
  }

  newObject(cls: unknown): unknown {
    throw new SerializationError(`cannot create an instance of ${pyTypeName(cls)}`);
  }

  build(inst: unknown, state: unknown): void {
    const items = state instanceof PyTuple ? state.items : null;
    if (inst instanceof NpDtype && items !== null) {
      // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
      if (typeof items[1] === 'string') inst.byteOrder = items[1];
      if (items[2] !== null || items[3] !== null) throw new SerializationError('structured numpy dtypes are not supported');
      return;
    }
    if (inst instanceof PendingArray && items !== null) {
      // ([version,] shape, dtype, is_fortran, data)
      const [shapeT, dtype, fortran, raw] = items.length === 5 ? items.slice(1) : items;
      const shape = shapeT instanceof PyTuple ? shapeT.items : null;
      if (shape === null || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) throw new SerializationError('numpy array state has a bad shape');
      if (!(dtype instanceof NpDtype)) throw new SerializationError('numpy array state has no numeric dtype (object arrays are not supported)');
      const dims = shape as number[];
      if (fortran === true && dims.filter((d) => d > 1).length > 1) throw new SerializationError('Fortran-ordered numpy arrays are not supported');
      const count = dims.reduce((a, b) => a * b, 1);
      inst.result = new NdArray(DTYPES[dtype.code].name, dims, decodeArray(dtype, count, bytesOf(raw, 'numpy array data')));
      return;
    }
    throw new SerializationError(`cannot set the state of ${pyTypeName(inst)}`);
  }

  persistentLoad(): unknown {
    throw new SerializationError('dataset pickles have no persistent ids');
  }
}

function toValue(value: unknown, depth: number): PickleValue {
  if (depth > 100) throw new SerializationError('the pickled data nests too deeply');
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value as PickleValue;
  if (value instanceof PendingArray) {
    if (value.result === null) throw new SerializationError('numpy array without its state');
    return value.result;
  }
  if (Array.isArray(value)) return value.map((v) => toValue(v, depth + 1));
  if (value instanceof PyTuple) return value.items.map((v) => toValue(v, depth + 1));
  if (value instanceof PyDict) {
    const out: { [key: string]: PickleValue } = {};
    for (const [k, v] of value.map) {
      if (typeof k !== 'string') throw new SerializationError(`dict key of type ${pyTypeName(k)} is not supported`);
      Object.defineProperty(out, k, { value: toValue(v, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new SerializationError(`unexpected ${pyTypeName(value)} in a dataset pickle`);
}

/** pickle.load(f, encoding='latin1') of a dataset's pickle file; errors name `file`. */
export function loadDatasetPickle(bytes: Uint8Array, file: string): PickleValue {
  return inFile(file, () => toValue(unpickle(new ByteReader(bytes, file), new NumpyPickleHost(), 'pickle', 'latin1'), 0));
}

export function isNdArray(value: PickleValue | undefined): value is NdArray {
  return value instanceof NdArray;
}
