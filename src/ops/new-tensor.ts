// Tensor.new* (newZeros, newOnes, newFull, newEmpty, newTensor, newEmptyStrided: dtype and
// device default to self's), typeAs, and the metadata helpers (isSameSize, nelement,
// ndimension, getDevice, isCpu, layout); torch.emptyStrided, scalarTensor, asTensor, asarray.
import { bool, check, checkTensor, deviceArg, dtype as dtypeArg, either, intList, isPlainObject, nullable, number as numberArg, numberOrBigint, oneOf, signature, type ArgsOf } from '../tensor/args.js';
import { full, tensor, type TensorData } from '../tensor/create.js';
import { allocate, getDefaultDtype, type DType } from '../tensor/dtype.js';
import { checkNonNegativeShape } from '../tensor/shape.js';
import { Storage, Tensor } from '../tensor/tensor.js';
import { toDtype } from './copy.js';
import { pairOp } from './op-args.js';

/** PyTorch's only layout here: torch.strided (dense tensors). */
export type Layout = 'strided';
export const strided: Layout = 'strided';

const creationOptions = [
  '*', ['dtype', nullable(dtypeArg), null], ['device', nullable(deviceArg), null], ['requiresGrad', bool, false],
  ['layout', nullable(oneOf('strided')), null], ['pinMemory', bool, false],
] as const;

const sizeArg = ['size', intList] as const;
const newZerosArgs = signature('newZeros', [sizeArg, ...creationOptions] as const);
const newOnesArgs = signature('newOnes', [sizeArg, ...creationOptions] as const);
const newEmptyArgs = signature('newEmpty', [sizeArg, ...creationOptions] as const);
const newFullArgs = signature('newFull', [sizeArg, ['fillValue', either(numberOrBigint, bool)], ...creationOptions] as const);
const newTensorArgs = signature('newTensor', [['data', check<TensorData>('array_like', (v) => v !== undefined && v !== null && !isPlainObject(v))], ...creationOptions] as const);
const newEmptyStridedArgs = signature('newEmptyStrided', [sizeArg, ['stride', intList], ...creationOptions] as const);

/** A size given as varargs ints (x.newZeros(2, 3)) or as one list, then the options. */
function sizeFirst(args: readonly unknown[]): unknown[] {
  let n = 0;
  while (n < args.length && typeof args[n] === 'number') n++;
  return n > 0 && (n > 1 || !(n < args.length && typeof args[n] === 'number')) ? [args.slice(0, n), ...args.slice(n)] : args.slice();
}

type SizeArgs<G> = ArgsOf<G> | [...size: number[]] | [...size: number[], options: Record<string, unknown>];

function finish(t: Tensor, requiresGrad: boolean): Tensor {
  return requiresGrad ? t.requiresGrad_(true) : t;
}

function filled(self: Tensor, size: readonly number[], value: number | boolean | bigint, a: { dtype: DType | null; requiresGrad: boolean }): Tensor {
  checkNonNegativeShape(size);
  return full(size, value, { dtype: a.dtype ?? self.dtype, requiresGrad: a.requiresGrad });
}

/** A zero-filled tensor with the given strides over the smallest storage that holds them. */
function stridedEmpty(size: readonly number[], stride: readonly number[], dtype: DType, requiresGrad: boolean): Tensor {
  if (size.length !== stride.length) throw new RangeError(`mismatch in length of strides and shape`);
  checkNonNegativeShape(size);
  let extent = 1;
  for (let d = 0; d < size.length; d++) {
    if (size[d] === 0) {
      extent = 0;
      break;
    }
    extent += (size[d] - 1) * stride[d];
  }
  return finish(new Tensor(new Storage(allocate(dtype, extent)), dtype, size.slice(), stride.slice(), 0), requiresGrad);
}

function newZeros(this: Tensor, ...args: SizeArgs<typeof newZerosArgs>): Tensor {
  const a = newZerosArgs.parse(sizeFirst(args));
  return filled(this, a.size, 0, a);
}
function newOnes(this: Tensor, ...args: SizeArgs<typeof newOnesArgs>): Tensor {
  const a = newOnesArgs.parse(sizeFirst(args));
  return filled(this, a.size, 1, a);
}
function newEmpty(this: Tensor, ...args: SizeArgs<typeof newEmptyArgs>): Tensor {
  const a = newEmptyArgs.parse(sizeFirst(args));
  return filled(this, a.size, 0, a);
}
function newFull(this: Tensor, ...args: ArgsOf<typeof newFullArgs>): Tensor {
  const a = newFullArgs.parse(args);
  return filled(this, a.size, a.fillValue, a);
}
function newTensor(this: Tensor, ...args: ArgsOf<typeof newTensorArgs>): Tensor {
  const a = newTensorArgs.parse(args);
  const data = a.data instanceof Tensor ? a.data.detach() : a.data;
  return tensor(data, { dtype: a.dtype ?? this.dtype, requiresGrad: a.requiresGrad });
}
function newEmptyStrided(this: Tensor, ...args: ArgsOf<typeof newEmptyStridedArgs>): Tensor {
  const a = newEmptyStridedArgs.parse(args);
  return stridedEmpty(a.size, a.stride, a.dtype ?? this.dtype, a.requiresGrad);
}

/**
 * x.new(...): PyTorch's legacy constructor, with self's dtype. x.new() is empty, x.new(2, 3)
 * has that size (zero-filled here; PyTorch leaves it uninitialised), x.new([1, 2]) holds that
 * data (a list or tuple is data, as in Python), x.new(t) shares t's memory.
 */
function legacyNew(this: Tensor, ...args: unknown[]): Tensor {
  if (args.length === 0) return full([0], 0, { dtype: this.dtype });
  if (args.every((v) => Number.isInteger(v))) return filled(this, args as number[], 0, { dtype: null, requiresGrad: false });
  const [only] = args;
  if (args.length === 1 && Array.isArray(only)) return tensor(only as TensorData, { dtype: this.dtype });
  if (args.length === 1 && only instanceof Tensor) {
    if (only.dtype !== this.dtype) throw new TypeError(`expected ${this.dtype} (got ${only.dtype})`);
    return only.detach();
  }
  const got = args.map((v) => (isPlainObject(v) ? `${Object.keys(v).join(', ')}=...` : v instanceof Tensor ? 'Tensor' : typeof v === 'number' ? 'float' : typeof v)).join(', ');
  throw new TypeError(
    `new() received an invalid combination of arguments - got (${got}), but expected one of:\n * ()\n * (Tensor other)\n * (tuple of ints size)\n * (object data)`,
  );
}

/**
 * x.resize_(...size): self takes `size` with contiguous strides over its own memory (from its
 * offset), which grows, keeping its values, when it is too small; the values are then those
 * memory holds in that order (a transposed tensor reads as its memory does).
 */
function resize_(this: Tensor, ...args: [...size: number[]] | [size: readonly number[]]): Tensor {
  const size = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as readonly number[];
  if (!size.every((v) => Number.isInteger(v))) throw new TypeError(`resize_(): argument 'size' must be a tuple of ints, but found element of type ${typeof size.find((v) => !Number.isInteger(v))}`);
  checkNonNegativeShape(size);
  if (this.requiresGrad) throw new Error('cannot resize variables that require grad');
  let numel = 1;
  for (const d of size) numel *= d;
  const need = this.offset + numel;
  const old = this._storage.data;
  if (need > old.length) {
    const grown = allocate(this.dtype, need);
    (grown as { set(a: ArrayLike<unknown>): void }).set(old as ArrayLike<unknown>);
    this._storage.data = grown;
  }
  const strides = new Array<number>(size.length);
  for (let d = size.length - 1, st = 1; d >= 0; d--) {
    strides[d] = st;
    st *= Math.max(size[d], 1);
  }
  this._shape = size.slice();
  this._strides = strides;
  this._versionCounter.value++;
  return this;
}

function resizeAs_(this: Tensor, other: Tensor): Tensor {
  checkTensor('resize_as_', 'the_template', 1, other);
  return resize_.call(this, other.shape);
}

// --- torch.* creation ---

const emptyStridedArgs = signature('emptyStrided', [sizeArg, ['stride', intList], ...creationOptions] as const);
/** torch.empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False): zero-filled. */
export function emptyStrided(...args: ArgsOf<typeof emptyStridedArgs>): Tensor {
  const a = emptyStridedArgs.parse(args);
  return stridedEmpty(a.size, a.stride, a.dtype ?? getDefaultDtype(), a.requiresGrad);
}

const scalarTensorArgs = signature('scalarTensor', [['s', either(numberArg, bool)], ...creationOptions] as const);
/** torch.scalar_tensor(s, *, dtype=None, …): a 0-d tensor of the default float dtype unless dtype says otherwise. */
export function scalarTensor(...args: ArgsOf<typeof scalarTensorArgs>): Tensor {
  const a = scalarTensorArgs.parse(args);
  return full([], a.s, { dtype: a.dtype ?? getDefaultDtype(), requiresGrad: a.requiresGrad });
}

const dataArg = ['data', check<TensorData>('array_like', (v) => v !== undefined && v !== null && !isPlainObject(v))] as const;
const asTensorArgs = signature('asTensor', [dataArg, ['dtype', nullable(dtypeArg), null], ['device', nullable(deviceArg), null]] as const);
/** torch.as_tensor(data, dtype=None, device=None): data itself when it is a tensor of that dtype, else a converted copy. */
export function asTensor(...args: ArgsOf<typeof asTensorArgs>): Tensor {
  const a = asTensorArgs.parse(args);
  if (a.data instanceof Tensor) return a.dtype === null ? a.data : toDtype(a.data, a.dtype);
  return tensor(a.data, { dtype: a.dtype });
}

const asarrayArgs = signature('asarray', [
  ['obj', check<TensorData>('array_like', (v) => v !== undefined && v !== null && !isPlainObject(v))], '*', ['dtype', nullable(dtypeArg), null],
  ['device', nullable(deviceArg), null], ['copy', nullable(bool), null], ['requiresGrad', bool, false],
] as const);

const SHARED_ARRAYS: [new (...a: never[]) => ArrayBufferView, DType][] = [[Float32Array, 'float32'], [Float64Array, 'float64'], [Int32Array, 'int32'], [Uint8Array, 'uint8']];

/**
 * torch.asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False): shares
 * memory with a tensor or a typed array of the same element type unless copy is true (or
 * the dtype differs, which copy=false refuses); other data is copied.
 */
export function asarray(...args: ArgsOf<typeof asarrayArgs>): Tensor {
  const a = asarrayArgs.parse(args);
  const obj = a.obj;
  let out: Tensor;
  if (obj instanceof Tensor) {
    const dtype = a.dtype ?? obj.dtype;
    if (dtype !== obj.dtype && a.copy === false) throw new RangeError(`can't alias tensor from tensor with a different dtype (${obj.dtype} to ${dtype}) when copy=False`);
    out = a.copy === true ? obj.detach().clone() : obj;
    if (dtype !== out.dtype) out = toDtype(out.detach(), dtype);
    else if (a.requiresGrad && out === obj) out = obj.detach();
  } else {
    const shared = ArrayBuffer.isView(obj) ? SHARED_ARRAYS.find(([cls]) => obj instanceof cls) : undefined;
    if (shared !== undefined && (a.dtype === null || a.dtype === shared[1]) && a.copy !== true) {
      const view = obj as unknown as Float32Array;
      out = Tensor.fromData(view, shared[1], [view.length]);
    } else {
      if (a.copy === false) throw new RangeError(`can't alias ${ArrayBuffer.isView(obj) ? obj.constructor.name : 'a JavaScript array'} without a copy (copy=False)`);
      out = tensor(obj, { dtype: a.dtype });
    }
  }
  return a.requiresGrad ? out.requiresGrad_(true) : out;
}

/** torch.get_device(input): -1 for CPU tensors. */
export function getDevice(input: Tensor): number {
  checkTensor('get_device', 'input', 1, input);
  return -1;
}

// --- type_as and metadata ---

// x.typeAs(other), other by name too.
const typeAs = pairOp('type_as', 'other', (x, other) => toDtype(x, other.dtype)).method;

function isSameSize(this: Tensor, other: Tensor): boolean {
  checkTensor('is_same_size', 'other', 1, other);
  return this.dim() === other.dim() && this.shape.every((s, i) => s === other.shape[i]);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** A zero tensor of `size` with self's dtype (and device) unless the options say otherwise. */
    newZeros(...args: SizeArgs<typeof newZerosArgs>): Tensor;
    newOnes(...args: SizeArgs<typeof newOnesArgs>): Tensor;
    /** Zero-filled here (PyTorch leaves it uninitialised). */
    newEmpty(...args: SizeArgs<typeof newEmptyArgs>): Tensor;
    newFull(...args: ArgsOf<typeof newFullArgs>): Tensor;
    /** A copy of data with self's dtype unless dtype says otherwise (never sharing memory, never requiring grad by default). */
    newTensor(...args: ArgsOf<typeof newTensorArgs>): Tensor;
    newEmptyStrided(...args: ArgsOf<typeof newEmptyStridedArgs>): Tensor;
    /** PyTorch's legacy x.new(): x.new(2, 3) a (zero-filled) tensor of that size, x.new([1, 2]) of that data, x.new(t) t's memory; self's dtype. */
    'new'(...args: number[] | [data: TensorData] | [other: Tensor]): Tensor;
    /** Resizes self in place to `size` with contiguous strides over its memory (grown, values kept, when too small). Throws for a tensor that requires grad. */
    resize_(...size: number[]): Tensor;
    resize_(size: readonly number[]): Tensor;
    /** resize_(other.shape). */
    resizeAs_(other: Tensor): Tensor;
    /** Self converted to other's dtype (self itself when it already has it). */
    typeAs(other: Tensor): Tensor;
    typeAs(options: { other: Tensor }): Tensor;
    isSameSize(other: Tensor): boolean;
    /** numel(). */
    nelement(): number;
    /** dim(). */
    ndimension(): number;
    /** The device index: -1 for the CPU, as PyTorch. */
    getDevice(): number;
    /** True: torchlette tensors live on the CPU. */
    readonly isCpu: boolean;
    /** 'strided' (torch.strided): dense tensors. */
    readonly layout: Layout;
  }
}

const P = Tensor.prototype;
P.newZeros = newZeros;
P.newOnes = newOnes;
P.newEmpty = newEmpty;
P.newFull = newFull;
P.newTensor = newTensor;
P.newEmptyStrided = newEmptyStrided;
P.new = legacyNew;
P.resize_ = resize_;
P.resizeAs_ = resizeAs_;
P.typeAs = typeAs;
P.isSameSize = isSameSize;
P.nelement = function (this: Tensor) {
  return this.numel();
};
P.ndimension = function (this: Tensor) {
  return this.dim();
};
P.getDevice = function () {
  return -1;
};
Object.defineProperty(P, 'isCpu', { get: () => true, configurable: true });
Object.defineProperty(P, 'layout', { get: () => strided, configurable: true });
