// Reading the Python pickles that datasets ship (CIFAR's batches): dicts, lists, str,
// bytes and numpy arrays of numbers, as pickle.load(f, encoding='latin1') returns them.
// The unpickler builds data only; the allow-list admits numpy's array and dtype
// reconstruction (and _codecs.encode, which Python 3 uses for bytes under protocol 2)
// and nothing else, so a pickle naming any other global is refused unexecuted.
import { ByteReader } from '../../serialization/bytes.js';
import { SerializationError, UnsafePickleError, inFile } from '../../serialization/errors.js';
import { buildNumpy, builtArray, bytesOf, callNumpy, isNumpyGlobal, NdArray, PendingArray } from '../../serialization/numpy.js';
import { PyDict, PyGlobal, PyTuple, pyTypeName } from '../../serialization/python-values.js';
import { unpickle, type UnpicklerHost } from '../../serialization/unpickler.js';

export { NdArray };

/** The Python values a dataset pickle holds, as JS values. */
export type PickleValue = null | boolean | number | bigint | string | Uint8Array | NdArray | PickleValue[] | { [key: string]: PickleValue };

class NumpyPickleHost implements UnpicklerHost {
  global(module: string, name: string): PyGlobal {
    const ok = isNumpyGlobal(module, name) || (module === '_codecs' && name === 'encode');
    if (!ok) {
      const path = `${module}.${name}`;
      throw new UnsafePickleError(path, `refusing to load global '${path}': dataset pickles may hold only numpy arrays of numbers, lists, dicts, str and bytes (nothing in the file was executed)`);
    }
    return new PyGlobal(module, name);
  }

  call(fn: unknown, args: unknown[]): unknown {
    if (fn instanceof PyGlobal && fn.path === '_codecs.encode') {
      const [text, encoding] = args;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) throw new SerializationError('_codecs.encode is supported for latin1 text only');
      return bytesOf(text, 'encoded text');
    }
    if (fn instanceof PyGlobal) return callNumpy(fn, args);
    throw new SerializationError(`${pyTypeName(fn)} cannot be called`);
  }

  newObject(cls: unknown): unknown {
    throw new SerializationError(`cannot create an instance of ${pyTypeName(cls)}`);
  }

  build(inst: unknown, state: unknown): void {
    if (!buildNumpy(inst, state)) throw new SerializationError(`cannot set the state of ${pyTypeName(inst)}`);
  }

  persistentLoad(): unknown {
    throw new SerializationError('dataset pickles have no persistent ids');
  }
}

function toValue(value: unknown, depth: number): PickleValue {
  if (depth > 100) throw new SerializationError('the pickled data nests too deeply');
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value as PickleValue;
  if (value instanceof PendingArray) return builtArray(value);
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
