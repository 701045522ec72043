// Copies and conversions: clone, contiguous, to(device / dtype / other), type, cpu, copy_, fill_, zero_.
import { backend } from '../backend/index.js';
import { bool, check, deviceArg, dtype as dtypeArg, nullable, pyTypeName, signature, tensor as tensorArg, type OptionsObjectOf } from '../tensor/args.js';
import { emptyLike } from '../tensor/create.js';
import { device, type Device, type DeviceLike } from '../tensor/device.js';
import { castScalar, checkedElement, checkedScalar, overflowTypeName, DTYPES, isDType, legacyTypeName, MISSING_DTYPES, type DType, type TypedArray } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { CHANNELS_LAST_ORDER, contiguousFormat, laidOutIn, memoryFormatArg, preserveFormat, type MemoryFormat } from '../tensor/memory-format.js';
import { broadcastShapes, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNoInternalOverlap, inplace } from './inplace.js';
import { broadcastTo, castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';

class PassThroughBackward extends Node {
  constructor(readonly name: string) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    return [g];
  }
}

/** A contiguous copy (CloneBackward0). */
export function clone(x: Tensor): Tensor {
  const out = castRaw(x, x.dtype);
  if (needsGrad(x)) record(new PassThroughBackward('CloneBackward0'), [x], [out]);
  return out;
}

export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/**
 * is_contiguous(memory_format=): contiguous_format (and preserve_format) the row-major check;
 * channels_last / channels_last_3d whether a 4-d / 5-d tensor's channels are innermost (false
 * at other ranks), as PyTorch's is_channels_last_contiguous.
 */
export function isContiguousIn(x: Tensor, format: MemoryFormat): boolean {
  const order = CHANNELS_LAST_ORDER[format.name];
  if (order === undefined) return x.isContiguous();
  return x.dim() === order.length && laidOutIn(x.shape, x.strides, order);
}

/**
 * A copy of x (converted to `dtype`) laid out in `format` as empty_like lays it out, recorded
 * as `name` (clone(memory_format=...): CloneBackward0; to(memory_format=...): ToCopyBackward0).
 */
function copyIn(x: Tensor, format: MemoryFormat, name: string, dtype: DType = x.dtype): Tensor {
  const out = emptyLike(x, { memoryFormat: format, dtype });
  backend().copy(x, out);
  if (needsGrad(x) && (name === 'CloneBackward0' || dtype === 'float32' || dtype === 'float64')) record(new PassThroughBackward(name), [x], [out]);
  return out;
}

/** A copy converted to `dtype` (ToCopyBackward0; the engine casts the gradient back). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = castRaw(x, dtype);
  if (needsGrad(x) && (dtype === 'float32' || dtype === 'float64')) record(new PassThroughBackward('ToCopyBackward0'), [x], [out]);
  return out;
}

/** src broadcast to `shape` and cast to `dtype`, as the value copy_ writes (CopyBackwards). */
function copiedValue(src: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const out = Tensor.empty(shape.slice(), dtype);
  backend().copy(broadcastTo(src, shape), out);
  if (needsGrad(src)) record(new PassThroughBackward('CopyBackwards'), [src], [out]);
  return out;
}

function copyInto(self: Tensor, src: Tensor): Tensor {
  const direct = {
    dtype: self.dtype,
    write: (out: TypedArray) => backend().copy(broadcastTo(src, self.shape), { buffer: out, dtype: self.dtype, shape: self.shape, strides: self.strides, offset: 0 }),
  };
  return inplace(self, [src], (s) => copiedValue(src, s.shape, s.dtype), direct);
}

/**
 * fill_ / zero_'s node (PyTorch's FillBackward2, FillBackward3, ZeroBackward0): self's old
 * value gets a zero gradient (so its history still receives one, as in PyTorch) and a
 * tensor value the sum of the gradient.
 */
class FillBackward extends Node {
  constructor(readonly name: string) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    const grad = g as Tensor;
    const zero = Tensor.empty(grad.shape.slice(), grad.dtype);
    backend().fill(zero, 0);
    return this.next.length === 2 ? [zero, grad.sum()] : [zero];
  }
}

/** Writes `value` everywhere; with no graph to record this is a plain fill of self's memory. */
function fillWith(self: Tensor, value: number | boolean | bigint | Tensor, name = 'FillBackward2'): Tensor {
  if (value instanceof Tensor) {
    if (value.dim() !== 0) throw new RangeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
    return inplace(self, [value], (s) => {
      const out = Tensor.empty(s.shape.slice(), s.dtype);
      backend().copy(broadcastTo(value, s.shape), out);
      if (needsGrad(s, value)) record(new FillBackward('FillBackward3'), [s, value], [out]);
      return out;
    });
  }
  // A bigint fills an int64 tensor exactly (checked against its range, as a Python int).
  const v = typeof value === 'bigint' ? checkedElement(value, self.dtype, overflowTypeName(self.dtype), true) : checkedScalar(Number(value), self.dtype, overflowTypeName(self.dtype), true);
  if (isGradEnabled() && self.requiresGrad) {
    return inplace(self, [], (s) => {
      const out = Tensor.empty(s.shape.slice(), s.dtype);
      backend().fill(out, v);
      record(new FillBackward(name), [s], [out]);
      return out;
    });
  }
  checkNoInternalOverlap(self);
  backend().fill(self, v);
  self._versionCounter.value++;
  return self;
}

// --- to / type / cpu ---

const MEMORY_FORMAT = ['memoryFormat', memoryFormatArg, preserveFormat] as const;
const toDeviceArgs = signature('to', [['device', nullable(deviceArg), null], ['dtype', nullable(dtypeArg), null], ['nonBlocking', bool, false], ['copy', bool, false], '*', MEMORY_FORMAT] as const);
const toDtypeArgs = signature('to', [['dtype', dtypeArg], ['nonBlocking', bool, false], ['copy', bool, false], '*', MEMORY_FORMAT] as const);
const toOtherArgs = signature('to', [['other', tensorArg], ['nonBlocking', bool, false], ['copy', bool, false], '*', MEMORY_FORMAT] as const);

/** The options of to(): PyTorch's device, dtype, non_blocking and copy, camelCased. */
export type ToOptions = OptionsObjectOf<typeof toDeviceArgs>;

/** What a to(...) call asks for: null where it leaves the device or dtype as it is. */
export interface ToTarget {
  device: Device | null;
  dtype: DType | null;
  nonBlocking: boolean;
  copy: boolean;
  memoryFormat: MemoryFormat;
}

/**
 * PyTorch's three forms of to(): to(device=None, dtype=None, non_blocking=False, copy=False),
 * to(dtype, non_blocking=False, copy=False) and to(other, non_blocking=False, copy=False),
 * each positional or with the options object. 'cuda' and other accelerators throw.
 */
export function parseTo(_where: string, args: readonly unknown[]): ToTarget {
  const first = args[0];
  if (first instanceof Tensor) {
    const a = toOtherArgs.parse(args);
    return { device: a.other.device, dtype: a.other.dtype, nonBlocking: a.nonBlocking, copy: a.copy, memoryFormat: a.memoryFormat };
  }
  // (a dtype torchlette lacks, torch.float16 or torch.int16, fails here with the dtype's message)
  if (isDType(first) || (typeof first === 'string' && Object.hasOwn(MISSING_DTYPES, first))) {
    const a = toDtypeArgs.parse(args);
    return { device: null, dtype: a.dtype, nonBlocking: a.nonBlocking, copy: a.copy, memoryFormat: a.memoryFormat };
  }
  const a = toDeviceArgs.parse(args);
  return { device: a.device === null ? null : device(a.device), dtype: a.dtype, nonBlocking: a.nonBlocking, copy: a.copy, memoryFormat: a.memoryFormat };
}

/** The legacy type names of PyTorch's dtypes that no torchlette tensor has (MISSING_DTYPES). */
const MISSING_TYPES: Record<string, string> = { 'torch.HalfTensor': 'float16', 'torch.BFloat16Tensor': 'bfloat16', 'torch.ShortTensor': 'int16', 'torch.CharTensor': 'int8' };

/** A dtype or PyTorch's legacy type name ('torch.DoubleTensor'), as Tensor.type / Module.type take. */
export function typeDtype(where: string, name: unknown): DType {
  if (isDType(name)) return name;
  // a legacy type (x.type(torch.FloatTensor)) carries its dtype
  const carried = typeof name === 'function' ? (name as unknown as { dtype?: unknown }).dtype : undefined;
  if (isDType(carried)) return carried;
  if (typeof name === 'string') {
    const named = DTYPES.find((d) => legacyTypeName(d) === name);
    if (named !== undefined) return named;
    if (name in MISSING_TYPES) {
      const dtype = MISSING_TYPES[name];
      throw new TypeError(`${where}('${name}'): torchlette has no ${dtype} tensors; use ${MISSING_DTYPES[dtype] === 'int' ? 'int32 or int64' : 'float32 or float64'}`);
    }
    if (name.startsWith('torch.cuda.')) device('cuda');
    throw new RangeError(`invalid type: '${name}'`);
  }
  throw new TypeError(`${where}(): argument 'dtype' (position 1) must be a dtype or a type name such as 'torch.FloatTensor', not ${pyTypeName(name)}`);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** clone() (a contiguous copy), or clone({ memoryFormat }) laid out as torch.preserveFormat (a dense tensor's layout), contiguousFormat or channelsLast. */
    clone(options?: { memoryFormat?: MemoryFormat }): Tensor;
    /** This tensor when already contiguous in `memoryFormat` (default torch.contiguousFormat), else a copy that is. */
    contiguous(options?: { memoryFormat?: MemoryFormat }): Tensor;
    /**
     * to(dtype), to(device), to(device, dtype), to(other) or to({ device, dtype, nonBlocking, copy }):
     * this tensor when nothing changes (unless copy), else a converted copy. 'cuda' throws.
     */
    to(dtype: DType, nonBlocking?: boolean, copy?: boolean, options?: ToOptions): Tensor;
    to(device?: DeviceLike | null, dtype?: DType | null, nonBlocking?: boolean, copy?: boolean, options?: ToOptions): Tensor;
    to(other: Tensor, nonBlocking?: boolean, copy?: boolean, options?: ToOptions): Tensor;
    to(options: ToOptions): Tensor;
    // The options object after any positional prefix, as PyTorch's x.to(device, non_blocking=True).
    to(dtype: DType, options: ToOptions): Tensor;
    to(device: DeviceLike | null, options: ToOptions): Tensor;
    to(device: DeviceLike | null, dtype: DType | null, options: ToOptions): Tensor;
    to(other: Tensor, options: ToOptions): Tensor;
    /** type() gives PyTorch's legacy type string ('torch.FloatTensor'); type(dtype or type name) converts. */
    type(): string;
    type(dtype: DType | string | { readonly dtype: DType }): Tensor;
    float(): Tensor;
    double(): Tensor;
    long(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    byte(): Tensor;
    /** Returns this tensor (torchlette runs on the CPU). */
    cpu(): Tensor;
    /** Throws the device error: torchlette computes on the CPU only (as PyTorch built without CUDA). */
    cuda(device?: unknown): never;
    /** Throws: torchlette has no float16 / bfloat16 (x.float() keeps float32). */
    half(): never;
    bfloat16(): never;
    /** Throws: torchlette has no int16 / int8 (x.int() gives int32). */
    short(): never;
    char(): never;
    /** Throws: no NumPy in JavaScript; x.toTypedArray() / x.tolist() give the values. */
    numpy(): never;
    copy_(src: Tensor, nonBlocking?: boolean, options?: { src?: Tensor; nonBlocking?: boolean }): Tensor;
    copy_(options: { src: Tensor; nonBlocking?: boolean }): Tensor;
    fill_(value: number | boolean | bigint | Tensor): Tensor;
    fill_(options: { value: number | boolean | bigint | Tensor }): Tensor;
    zero_(): Tensor;
  }
}

const P = Tensor.prototype;
P.clone = function (this: Tensor, options?: { memoryFormat?: MemoryFormat }) {
  const format = options?.memoryFormat;
  return format === undefined || format === contiguousFormat ? clone(this) : copyIn(this, format, 'CloneBackward0');
};
P.contiguous = function (this: Tensor, options?: { memoryFormat?: MemoryFormat }) {
  const format = options?.memoryFormat ?? contiguousFormat;
  if (format === contiguousFormat || format === preserveFormat) return contiguous(this);
  return isContiguousIn(this, format) ? this : copyIn(this, format, 'CloneBackward0');
};
P.to = function (this: Tensor, ...args: unknown[]) {
  // The common x.to(dtype) without parsing.
  if (args.length === 1 && isDType(args[0])) return toDtype(this, args[0]);
  const target = parseTo('to', args);
  const format = target.memoryFormat;
  // a new layout: one copy that also converts the dtype (PyTorch's _to_copy)
  if (format !== preserveFormat && !isContiguousIn(this, format)) return copyIn(this, format, 'ToCopyBackward0', target.dtype ?? this.dtype);
  const out = target.dtype !== null ? toDtype(this, target.dtype) : this;
  return target.copy && out === this ? clone(this) : out;
} as Tensor['to'];
P.type = function (this: Tensor, dtype?: unknown) {
  return dtype === undefined ? legacyTypeName(this.dtype) : toDtype(this, typeDtype('type', dtype));
} as Tensor['type'];
P.float = function (this: Tensor) {
  return toDtype(this, 'float32');
};
P.double = function (this: Tensor) {
  return toDtype(this, 'float64');
};
P.long = function (this: Tensor) {
  return toDtype(this, 'int64');
};
P.int = function (this: Tensor) {
  return toDtype(this, 'int32');
};
P.bool = function (this: Tensor) {
  return toDtype(this, 'bool');
};
P.byte = function (this: Tensor) {
  return toDtype(this, 'uint8');
};
P.cpu = function (this: Tensor) {
  return this;
};
P.cuda = function (this: Tensor): never {
  device('cuda');
  throw new Error('unreachable');
};
const noHalf = (name: string) =>
  function (this: Tensor): never {
    throw new TypeError(`x.${name}(): torchlette has no float16 or bfloat16 dtype; keep float32 (x.float()) or use float64 (x.double())`);
  };
P.half = noHalf('half');
P.bfloat16 = noHalf('bfloat16');
const noSmallInt = (name: string, dtype: string) =>
  function (this: Tensor): never {
    throw new TypeError(`x.${name}(): torchlette has no ${dtype} dtype; use int32 (x.int()) or int64 (x.long())`);
  };
P.short = noSmallInt('short', 'int16');
P.char = noSmallInt('char', 'int8');
P.numpy = function (this: Tensor): never {
  throw new TypeError('x.numpy(): there is no NumPy in JavaScript; x.toTypedArray() gives the values as a typed array, x.tolist() as nested arrays');
};

// copy_(src, non_blocking=False) and fill_(value) as PyTorch's, by position or by name;
// the plain positional call (the common one) skips the parser.
const copyArgs = signature('copy_', [['src', tensorArg], ['nonBlocking', bool, false]] as const);
const fillValue = check<number | boolean | bigint | Tensor>('a number, bool or Tensor', (v) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v instanceof Tensor);
const fillArgs = signature('fill_', [['value', fillValue]] as const);
const fillFnArgs = signature('fill_', [['input', tensorArg], ['value', fillValue]] as const);
/** copy_ checks shapes as TensorIterator does (x[i] = v goes through expand instead, with expand's message). */
function checkedCopy(self: Tensor, src: Tensor): Tensor {
  const [a, b] = [self.shape, src.shape];
  if (a.length !== b.length || a.some((n, i) => n !== b[i])) {
    const shape = broadcastShapes(a, b);
    if (shape.length !== a.length || shape.some((n, i) => n !== a[i])) {
      throw new RangeError(`output with shape ${formatShape(a)} doesn't match the broadcast shape ${formatShape(shape)}`);
    }
  }
  return copyInto(self, src);
}

P.copy_ = function (this: Tensor, ...args: unknown[]) {
  if (args.length === 1 && args[0] instanceof Tensor) return checkedCopy(this, args[0]);
  return checkedCopy(this, copyArgs.parse(args).src);
} as Tensor['copy_'];
P.fill_ = function (this: Tensor, ...args: unknown[]) {
  if (args.length === 1 && fillValue.test(args[0])) return fillWith(this, args[0] as number | boolean | bigint | Tensor);
  return fillWith(this, fillArgs.parse(args).value);
} as Tensor['fill_'];
P.zero_ = function (this: Tensor) {
  return fillWith(this, 0, 'ZeroBackward0');
};

/** torch.fill_(input, value). */
export function fill_(...args: [Tensor, number | boolean | bigint | Tensor] | [Tensor, { value: number | boolean | bigint | Tensor }]): Tensor {
  const a = fillFnArgs.parse(args);
  return fillWith(a.input, a.value);
}
