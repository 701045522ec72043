// What a weights-only torch.load may construct: the allow-list of globals (that of
// torch/_weights_only_unpickler.py, plus the few later PyTorch versions added) and
// the JS meaning of each call it permits.
import { Parameter } from '../tensor/parameter.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloatingDtype } from '../tensor/dtype.js';
import { SerializationError, UnsafePickleError } from './errors.js';
import { buildNumpy, callNumpy, isNumpyGlobal } from './numpy.js';
import { PyDict, PyGlobal, PySet, PyTuple, pyTypeName } from './python-values.js';
import type { WireDtype } from './storage-codec.js';
import { StorageRef, type StorageId } from './storages.js';
import type { UnpicklerHost } from './unpickler.js';

/** torch.<Name>Storage → element type (null: a type torchlette cannot hold). */
const STORAGE_TYPES: Record<string, WireDtype | null> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  CharStorage: 'int8',
  ShortStorage: 'int16',
  UntypedStorage: 'uint8',
  ComplexFloatStorage: null,
  ComplexDoubleStorage: null,
  QInt8Storage: null,
  QUInt8Storage: null,
  QInt32Storage: null,
  QUInt4x2Storage: null,
  QUInt2x4Storage: null,
};

const DTYPES = [
  'float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool',
  'complex32', 'complex64', 'complex128',
];

const TENSOR_TYPES = [
  'FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'LongTensor', 'IntTensor', 'ShortTensor',
  'CharTensor', 'ByteTensor', 'BoolTensor',
];

const REBUILD = {
  tensorV2: 'torch._utils._rebuild_tensor_v2',
  tensor: 'torch._utils._rebuild_tensor',
  parameter: 'torch._utils._rebuild_parameter',
  parameterWithState: 'torch._utils._rebuild_parameter_with_state',
  fromType: 'torch._tensor._rebuild_from_type_v2',
};
const ORDERED_DICT = 'collections.OrderedDict';
const PARAMETER = 'torch.nn.parameter.Parameter';
const TENSOR = 'torch.Tensor';

// Allowed (PyTorch's weights-only loader accepts them) but without a torchlette meaning.
const UNSUPPORTED: Record<string, string> = {
  'torch._utils._rebuild_sparse_tensor': 'sparse tensors are not supported',
  'torch._utils._rebuild_sparse_csr_tensor': 'sparse tensors are not supported',
  'torch._utils._rebuild_meta_tensor_no_storage': 'meta tensors (no data) are not supported',
  'torch._utils._rebuild_wrapper_subclass': 'tensor subclasses are not supported',
  'torch.serialization._get_layout': 'sparse tensors are not supported',
};

function buildAllowList(): Set<string> {
  const allowed = new Set<string>([
    ORDERED_DICT, PARAMETER, TENSOR, 'torch.storage.UntypedStorage', 'torch.storage.TypedStorage', 'torch.Size', 'torch.device', '_codecs.encode', 'builtins.set', 'builtins.frozenset',
    ...Object.values(REBUILD), ...Object.keys(UNSUPPORTED),
  ]);
  for (const d of DTYPES) allowed.add(`torch.${d}`);
  for (const t of TENSOR_TYPES) allowed.add(`torch.${t}`);
  for (const s of Object.keys(STORAGE_TYPES)) {
    allowed.add(`torch.${s}`);
    allowed.add(`torch.cuda.${s}`);
  }
  return allowed;
}

const ALLOWED = buildAllowList();
// Protocol 2 writes Python 3's builtins under their Python 2 names (pickle's fix_imports).
const PYTHON2_MODULES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };
const MAX_DIMS = 64;

export function storageTypeOf(g: unknown): WireDtype {
  if (!(g instanceof PyGlobal) || !g.name.endsWith('Storage') || !(g.name in STORAGE_TYPES)) {
    throw new SerializationError(`expected a storage type in a persistent id, got ${pyTypeName(g)}`);
  }
  const wire = STORAGE_TYPES[g.name];
  if (wire === null) throw new SerializationError(`storages of type ${g.path} are not supported by torchlette`);
  return wire;
}

function asString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder('latin1').decode(value);
  throw new SerializationError(`${what} must be a string, got ${pyTypeName(value)}`);
}

function asCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SerializationError(`${what} must be a non-negative integer, got ${typeof value === 'number' || typeof value === 'bigint' ? String(value) : pyTypeName(value)}`);
  }
  return value;
}

function asInts(value: unknown, what: string): number[] {
  const items = value instanceof PyTuple ? value.items : Array.isArray(value) ? value : null;
  if (items === null) throw new SerializationError(`${what} must be a tuple, got ${pyTypeName(value)}`);
  if (items.length > MAX_DIMS) throw new SerializationError(`${what} has ${items.length} dimensions (at most ${MAX_DIMS} are supported)`);
  return items.map((v, i) => asCount(v, `${what}[${i}]`));
}

/** Parses `('storage', StorageType, key, location, numel[, view_metadata])`. */
export function parseStorageId(pid: unknown): StorageId {
  if (!(pid instanceof PyTuple) || pid.items.length < 5 || pid.items.length > 6) {
    throw new SerializationError(`unsupported persistent id ${pyTypeName(pid)}: expected ('storage', type, key, location, numel)`);
  }
  const [kind, type, key, location, numel, view] = pid.items;
  const typename = asString(kind, 'persistent id type');
  if (typename !== 'storage') {
    throw new SerializationError(`only storages may be loaded by persistent id, got '${typename}'${typename === 'module' ? ' (a pickled nn.Module: save its state_dict() instead)' : ''}`);
  }
  asString(location, 'storage location');
  const id: StorageId = { wire: storageTypeOf(type), key: asString(key, 'storage key'), numel: asCount(numel, 'storage size'), view: null };
  if (view !== undefined && view !== null) {
    if (!(view instanceof PyTuple) || view.items.length !== 3) throw new SerializationError(`bad storage view metadata ${pyTypeName(view)}`);
    const [viewKey, offset, size] = view.items;
    id.view = { key: asString(viewKey, 'storage view key'), offset: asCount(offset, 'storage view offset'), numel: asCount(size, 'storage view size') };
  }
  return id;
}

function rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown, requiresGrad: unknown): Tensor {
  if (!(storage instanceof StorageRef)) throw new SerializationError(`a tensor's storage must come from a persistent id, got ${pyTypeName(storage)}`);
  const at = asCount(offset, 'tensor storage offset');
  const shape = asInts(size, 'tensor size');
  const strides = asInts(stride, 'tensor stride');
  if (shape.length !== strides.length) throw new SerializationError(`tensor size ${formatList(shape)} and stride ${formatList(strides)} differ in length`);
  if (!shape.includes(0)) {
    let last = at;
    for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * strides[d];
    if (last >= storage.numel) {
      throw new SerializationError(
        `storage ${storage.key} is too small for a tensor of size ${formatList(shape)}, stride ${formatList(strides)} and offset ${at}: it needs ${last + 1} elements but holds ${storage.numel}`,
      );
    }
  }
  const t = new Tensor(storage.storage, storage.dtype, shape, strides, at);
  if (requiresGrad === true) setRequiresGrad(t);
  return t;
}

function setRequiresGrad(t: Tensor): void {
  if (!isFloatingDtype(t.dtype)) throw new SerializationError(`a ${t.dtype} tensor cannot require grad`);
  t.requiresGrad_(true);
}

function formatList(xs: number[]): string {
  return `[${xs.join(', ')}]`;
}

function rebuildParameter(data: unknown, requiresGrad: unknown): Tensor {
  if (!(data instanceof Tensor)) throw new SerializationError(`a Parameter's data must be a tensor, got ${pyTypeName(data)}`);
  return new Parameter(data, requiresGrad !== false);
}

function expectArgs(fn: string, args: unknown[], min: number, max: number): void {
  if (args.length < min || args.length > max) throw new SerializationError(`${fn} called with ${args.length} arguments`);
}

function iterableItems(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof PyTuple) return value.items;
  if (value instanceof PySet) return value.items;
  if (value instanceof PyDict) return [...value.map.keys()];
  throw new SerializationError(`${what} needs an iterable, got ${pyTypeName(value)}`);
}

/**
 * The unpickler's side of torch.load. Both settings of weights_only refuse anything that could
 * run code; weights_only=False (PyTorch's default) also reads numpy arrays and scalars (the
 * values checkpoints commonly hold beside tensors), which PyTorch's weights-only unpickler
 * refuses with the message used here.
 */
export class TorchPickleHost implements UnpicklerHost {
  constructor(
    private readonly loadStorage: (id: StorageId) => StorageRef,
    private readonly weightsOnly = false,
  ) {}

  global(pickledModule: string, name: string): PyGlobal {
    const module = PYTHON2_MODULES[pickledModule] ?? pickledModule;
    const path = `${module}.${name}`;
    if (isNumpyGlobal(module, name)) {
      if (this.weightsOnly) {
        throw new UnsafePickleError(
          path,
          `Weights only load failed. Re-running \`torch.load\` with \`weights_only\` set to \`False\` will likely succeed, but it can result in arbitrary code execution.Do it only if you get the file from a trusted source. WeightsUnpickler error: Unsupported class ${path}`,
        );
      }
      return new PyGlobal(module, name);
    }
    if (!ALLOWED.has(path)) {
      throw new UnsafePickleError(
        path,
        `refusing to load global '${path}': weights-only loading allows only PyTorch's tensor and parameter rebuild functions, storage types, dtypes and collections.OrderedDict (nothing in the file was executed)`,
      );
    }
    return new PyGlobal(module, name);
  }

  call(fn: unknown, args: unknown[]): unknown {
    if (!(fn instanceof PyGlobal)) throw new SerializationError(`cannot call ${pyTypeName(fn)}`);
    if (isNumpyGlobal(fn.module, fn.name)) return callNumpy(fn, args);
    const path = fn.path;
    if (path in UNSUPPORTED) throw new SerializationError(`${UNSUPPORTED[path]} (${path})`);
    switch (path) {
      case REBUILD.tensorV2:
        expectArgs(path, args, 6, 7);
        return rebuildTensor(args[0], args[1], args[2], args[3], args[4]);
      case REBUILD.tensor:
        expectArgs(path, args, 4, 4);
        return rebuildTensor(args[0], args[1], args[2], args[3], false);
      case REBUILD.parameter:
        expectArgs(path, args, 3, 3);
        return rebuildParameter(args[0], args[1]);
      case REBUILD.parameterWithState:
        expectArgs(path, args, 4, 4);
        return rebuildParameter(args[0], args[1]);
      case REBUILD.fromType: {
        expectArgs(path, args, 4, 4);
        const [inner, type, innerArgs] = args;
        if (!(type instanceof PyGlobal) || (type.path !== TENSOR && type.path !== PARAMETER)) {
          throw new SerializationError(`tensor subclass ${pyTypeName(type)} is not supported`);
        }
        if (!(innerArgs instanceof PyTuple)) throw new SerializationError(`${path} needs a tuple of arguments`);
        return this.call(inner, innerArgs.items);
      }
      case ORDERED_DICT: {
        expectArgs(path, args, 0, 1);
        const dict = new PyDict(true);
        if (args.length === 1) {
          if (args[0] instanceof PyDict) {
            for (const [k, v] of args[0].map) dict.map.set(k, v);
          } else {
            for (const pair of iterableItems(args[0], path)) {
              const kv = pair instanceof PyTuple ? pair.items : Array.isArray(pair) ? pair : null;
              if (kv === null || kv.length !== 2) throw new SerializationError(`${path} needs (key, value) pairs`);
              dict.map.set(kv[0], kv[1]);
            }
          }
        }
        return dict;
      }
      case 'torch.Size':
        expectArgs(path, args, 0, 1);
        return new PyTuple(args.length === 0 ? [] : asInts(args[0], 'torch.Size'));
      case 'torch.device':
        expectArgs(path, args, 1, 2);
        return args.length === 2 && args[1] !== null ? `${asString(args[0], 'device')}:${String(args[1])}` : asString(args[0], 'device');
      case '_codecs.encode': {
        expectArgs(path, args, 1, 2);
        const text = asString(args[0], 'encoded text');
        const encoding = args.length === 2 ? asString(args[1], 'encoding') : 'utf-8';
        if (encoding === 'latin1' || encoding === 'latin-1') return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
        return new TextEncoder().encode(text);
      }
      case 'builtins.set':
      case 'builtins.frozenset': {
        expectArgs(path, args, 0, 1);
        const set = new PySet(path === 'builtins.frozenset');
        if (args.length === 1) for (const item of iterableItems(args[0], path)) set.items.push(item); // no spread: sets can hold millions
        return set;
      }
      default:
        throw new SerializationError(`${path} cannot be called`);
    }
  }

  newObject(cls: unknown, args: unknown[]): unknown {
    if (cls instanceof PyGlobal && cls.path === PARAMETER) {
      expectArgs(PARAMETER, args, 0, 2);
      if (args.length === 0) throw new SerializationError('a Parameter without data is not supported');
      return rebuildParameter(args[0], args.length > 1 ? args[1] : true);
    }
    if (cls instanceof PyGlobal && cls.path === ORDERED_DICT) return new PyDict(true);
    if (cls instanceof PyGlobal && (cls.path === 'builtins.set' || cls.path === 'builtins.frozenset')) return new PySet(cls.path === 'builtins.frozenset');
    throw new SerializationError(`cannot instantiate ${pyTypeName(cls)}`);
  }

  build(inst: unknown, state: unknown): void {
    if (buildNumpy(inst, state)) return;
    // State dicts carry their modules' versions as OrderedDict._metadata, and
    // parameters may carry Python attributes: torchlette has no use for either.
    if (inst instanceof PyDict && (state === null || state instanceof PyDict || state instanceof PyTuple)) return;
    if (inst instanceof Tensor && (state === null || state instanceof PyDict)) return;
    if (inst instanceof Tensor && state instanceof PyTuple && state.items.every((s) => s === null || s instanceof PyDict)) return;
    throw new SerializationError(`cannot set the state of ${pyTypeName(inst)} from ${pyTypeName(state)}`);
  }

  persistentLoad(pid: unknown): unknown {
    return this.loadStorage(parseStorageId(pid));
  }
}
