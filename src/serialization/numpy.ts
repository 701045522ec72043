// numpy arrays and scalars in pickles: the globals numpy's pickling names
// (numpy.core.multiarray._reconstruct + numpy.ndarray + numpy.dtype for arrays,
// numpy.core.multiarray.scalar for scalars; numpy >= 2 writes numpy._core) and the data
// they rebuild, decoded without running anything. Shared by the dataset pickles of
// vision (CIFAR's batches) and torch.load of checkpoints that hold numpy values.
import { SerializationError } from './errors.js';
import { PyGlobal, PyTuple, pyTypeName } from './python-values.js';

export type NumericArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

/** A numpy array of numbers, in C order. int64 is held exactly (BigInt64Array), uint64 as float64. */
export class NdArray {
  constructor(
    readonly dtype: string,
    readonly shape: number[],
    readonly data: NumericArray,
  ) {}
}

// numpy type codes (kind + item size) and how to read one item
const DTYPES: Record<string, { name: string; size: number; read: (v: DataView, at: number, little: boolean) => number | bigint }> = {
  b1: { name: 'bool', size: 1, read: (v, at) => v.getUint8(at) },
  u1: { name: 'uint8', size: 1, read: (v, at) => v.getUint8(at) },
  i1: { name: 'int8', size: 1, read: (v, at) => v.getInt8(at) },
  u2: { name: 'uint16', size: 2, read: (v, at, le) => v.getUint16(at, le) },
  i2: { name: 'int16', size: 2, read: (v, at, le) => v.getInt16(at, le) },
  u4: { name: 'uint32', size: 4, read: (v, at, le) => v.getUint32(at, le) },
  i4: { name: 'int32', size: 4, read: (v, at, le) => v.getInt32(at, le) },
  u8: { name: 'uint64', size: 8, read: (v, at, le) => Number(v.getBigUint64(at, le)) },
  i8: { name: 'int64', size: 8, read: (v, at, le) => v.getBigInt64(at, le) },
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
  int64: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
};

class NpDtype {
  /** '<' little, '>' big, '|' not applicable, '=' native (little on every platform Node runs on) */
  byteOrder = '=';
  constructor(readonly code: string) {}
}

/** An array _reconstruct made, waiting for its state (BUILD). */
export class PendingArray {
  result: NdArray | null = null;
}

const MULTIARRAY = new Set(['numpy.core.multiarray', 'numpy._core.multiarray']);

/** Whether `module.name` is one of the numpy globals that rebuild arrays and scalars. */
export function isNumpyGlobal(module: string, name: string): boolean {
  return (MULTIARRAY.has(module) && (name === '_reconstruct' || name === 'scalar')) || (module === 'numpy' && (name === 'ndarray' || name === 'dtype'));
}

export function bytesOf(value: unknown, what: string): Uint8Array {
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
    (out as Uint8Array).set(info.name === 'int8' ? new Int8Array(raw.buffer, raw.byteOffset, raw.length) : raw);
    return out;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const little = dtype.byteOrder !== '>';
  const set = out as unknown as (number | bigint)[];
  for (let i = 0; i < count; i++) set[i] = info.read(view, i * info.size, little);
  return out;
}

/**
 * REDUCE of a numpy global (one isNumpyGlobal admitted): a dtype, an array waiting for its
 * state, or a scalar — a number (int64 beyond 2^53 a bigint; bool a boolean).
 */
export function callNumpy(fn: PyGlobal, args: unknown[]): unknown {
  const path = fn.path;
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
    const v = decodeArray(dtype, 1, bytesOf(raw, 'numpy scalar data'))[0];
    if (dtype.code === 'b1') return v !== 0;
    return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  throw new SerializationError(`${path} cannot be called`);
}

/** BUILD of a numpy dtype or array; false when `inst` is neither. */
export function buildNumpy(inst: unknown, state: unknown): boolean {
  const items = state instanceof PyTuple ? state.items : null;
  if (inst instanceof NpDtype && items !== null) {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
    if (typeof items[1] === 'string') inst.byteOrder = items[1];
    if (items[2] !== null || items[3] !== null) throw new SerializationError('structured numpy dtypes are not supported');
    return true;
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
    return true;
  }
  return false;
}

/** The array a PendingArray became. */
export function builtArray(value: PendingArray): NdArray {
  if (value.result === null) throw new SerializationError('numpy array without its state');
  return value.result;
}
