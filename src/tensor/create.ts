// Tensor creation: tensor(), zeros/ones/full/empty, arange/linspace/eye, the random
// constructors (PyTorch's generator, see random.ts) and their *Like twins.
import { bool, checkOptions, deviceArg, dtype as dtypeArg, instance, intList, isPlainObject, liftOptions, nullable, pyTypeName, signature, type Signature, type Spec } from './args.js';
import type { DeviceLike } from './device.js';
import { backend } from '../backend/index.js';
import { allocate, castScalar, checkedElement, int64ArrayFrom, overflowTypeName, slots, getDefaultDtype, isFloatingDtype, type DType, type TypedArray } from './dtype.js';
import { likeOrder, memoryFormatArg, preserveFormat, type MemoryFormat } from './memory-format.js';
import { bernoulliFill, Generator, getDefaultGenerator, normalFill, normalSampleDouble, randintFill, randpermFill, uniformFill } from './random.js';
import { checkNonNegativeShape, numelOf, parseShape } from './shape.js';
import { Tensor } from './tensor.js';
import { warnOnce } from './warnings.js';

/** The keyword arguments of PyTorch's creation functions (dtype, device, requires_grad, pin_memory), camelCased. */
export interface TensorOptions {
  dtype?: DType | null;
  requiresGrad?: boolean;
  /** 'cpu' or torch.device('cpu'); 'cuda' and other accelerators throw (torchlette runs on the CPU). */
  device?: DeviceLike | null;
  /** Accepted so PyTorch code ports unchanged (no effect on the CPU). */
  pinMemory?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator | null;
}

/** Data torch.tensor accepts: numbers, booleans, nested arrays, typed arrays, tensors. */
export type TensorData = number | bigint | boolean | Tensor | TypedArray | BigInt64Array | Int8Array | Int16Array | Uint16Array | Uint32Array | readonly TensorData[];

const optionSpecs = new Map<string, Signature<Spec>>();

/**
 * Checks a creation function's options as its keyword-only parameters: an unknown or
 * snake_case key, a wrong type or a 'cuda' device throws, naming the function.
 */
function checked<O extends TensorOptions>(name: string, opts: O | undefined, random = false): O {
  if (opts === undefined) return {} as O;
  let sig = optionSpecs.get(name);
  if (sig === undefined) {
    const spec: Spec = [
      '*', ['dtype', nullable(dtypeArg), null], ['device', nullable(deviceArg), null], ['requiresGrad', bool, false], ['pinMemory', bool, false],
      ...(random ? ([['generator', nullable(instance(Generator, 'torch.Generator')), null]] as const) : []),
      ...(name.endsWith('Like') ? ([['memoryFormat', nullable(memoryFormatArg), null]] as const) : []),
    ];
    sig = signature(name, spec);
    optionSpecs.set(name, sig);
  }
  checkOptions(sig, opts);
  return opts;
}

/** A required number argument of a creation function (an options object in its place is a missing argument, not a size). */
function numberArg(fn: string, arg: string, position: number, v: unknown, integer: boolean): number {
  if (typeof v === 'number' && (!integer || Number.isInteger(v))) return v;
  if (v === undefined || isPlainObject(v)) throw new TypeError(`${fn}(): missing required argument '${arg}' (position ${position})`);
  throw new TypeError(`${fn}(): argument '${arg}' (position ${position}) must be ${integer ? 'int' : 'a number'}, not ${pyTypeName(v)}`);
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function typedArrayDtype(data: ArrayBufferView): DType | null {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array || data instanceof Int16Array || data instanceof Int8Array || data instanceof Uint16Array) return 'int32';
  if (data instanceof BigInt64Array || data instanceof Uint32Array) return 'int64';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'uint8';
  return null;
}

interface Flat {
  values: (number | bigint)[];
  shape: number[];
  kind: 'bool' | 'int' | 'float';
}

/** Walks nested data into values and a shape, checking that it is rectangular. */
function flatten(data: TensorData): Flat {
  const values: (number | bigint)[] = [];
  // No element at all ([] or [[], []]) leaves it null: the default float dtype, as PyTorch.
  let kind: Flat['kind'] | null = null;
  const raise = (k: Flat['kind']) => {
    if (kind === null || k === 'float' || (k === 'int' && kind === 'bool')) kind = k;
  };
  let shape: number[] | null = null;
  const visit = (node: TensorData, depth: number, path: number[]): void => {
    if (Array.isArray(node) || (ArrayBuffer.isView(node) && !(node instanceof DataView))) {
      const seq = node as ArrayLike<unknown>;
      if (shape === null) shape = [];
      if (shape.length === depth) shape.push(seq.length);
      else if (shape[depth] !== seq.length) {
        throw new RangeError(`expected sequence of length ${shape[depth]} at dim ${depth} (got ${seq.length})`);
      }
      if (ArrayBuffer.isView(node)) {
        const t = typedArrayDtype(node as ArrayBufferView);
        raise(t === 'float32' || t === 'float64' ? 'float' : 'int');
        for (let i = 0; i < seq.length; i++) values.push(seq[i] as number | bigint);
        if (shape.length > depth + 1) throw new RangeError(`expected sequence at dim ${depth + 1}`);
        return;
      }
      for (let i = 0; i < seq.length; i++) visit(seq[i] as TensorData, depth + 1, [...path, i]);
      return;
    }
    if (shape !== null && shape.length > depth && depth > 0) {
      throw new RangeError(`expected sequence of length ${shape[depth]} at dim ${depth} (got a scalar)`);
    }
    if (node instanceof Tensor) {
      if (node.numel() !== 1) throw new TypeError('only one element tensors can be converted to Python scalars');
      raise(isFloatingDtype(node.dtype) ? 'float' : node.dtype === 'bool' ? 'bool' : 'int');
      values.push(node.item());
    } else if (typeof node === 'boolean') {
      raise('bool');
      values.push(node ? 1 : 0);
    } else if (typeof node === 'bigint') {
      // A bigint is a Python int: int64 data, exact past 2^53 (range-checked on store).
      raise('int');
      values.push(node);
    } else if (typeof node === 'number') {
      // An integral number past int64's range can only have been written as a float (1e30).
      raise(Number.isInteger(node) && Math.abs(node) < 2 ** 63 ? 'int' : 'float');
      values.push(node);
    } else {
      throw new TypeError(`Could not infer dtype of ${typeof node}`);
    }
    if (shape === null) shape = [];
  };
  visit(data, 0, []);
  return { values, shape: shape ?? [], kind: kind ?? 'float' };
}

/**
 * torch.tensor: copies `data` into a new tensor. Integral JS numbers infer int64,
 * other numbers the default float dtype, booleans bool; typed arrays keep their
 * element type. JS has one number type, so `tensor(5.0)` is int64 like `tensor(5)`;
 * pass `{ dtype: 'float32' }` for floats — except that requiresGrad implies a float.
 */
export function tensor(data: TensorData, options?: TensorOptions): Tensor {
  const opts = checked('tensor', options);
  if (data instanceof Tensor) {
    warnOnce(
      'To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).',
    );
    const dtype = opts.dtype ?? data.dtype;
    const out = Tensor.empty(data.shape.slice(), dtype);
    backend().copy(data, out);
    return finish(out, opts);
  }
  if (ArrayBuffer.isView(data) && !opts.dtype && !(data instanceof DataView)) {
    const inferred = typedArrayDtype(data as ArrayBufferView);
    if (inferred !== null) {
      const src = data as ArrayLike<number | bigint>;
      const out = allocate(inferred, src.length);
      if (out instanceof BigInt64Array) for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i]);
      else for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
      return finish(Tensor.fromData(out, inferred, [src.length]), opts);
    }
  }
  const flat = flatten(data);
  let dtype: DType = opts.dtype ?? (flat.kind === 'float' ? getDefaultDtype() : flat.kind === 'int' ? 'int64' : 'bool');
  if (!opts.dtype && opts.requiresGrad && !isFloatingDtype(dtype)) dtype = getDefaultDtype();
  const out = allocate(dtype, flat.values.length);
  if (out instanceof BigInt64Array) for (let i = 0; i < flat.values.length; i++) out[i] = checkedElement(flat.values[i], dtype) as bigint;
  else for (let i = 0; i < flat.values.length; i++) out[i] = checkedElement(flat.values[i], dtype) as number;
  return finish(Tensor.fromData(out, dtype, flat.shape), opts);
}

/** `(...size, options?)`, `(size[], options?)` or `({ size, ...options })`, as PyTorch's `size=` keyword. */
type ShapeAndOptions<O> = (number | readonly number[] | (O & { size?: readonly number[] }))[];

/** Splits `(...shape, options?)`, `(shape[], options?)` or `({ size, ...options })` and checks the options as `name`'s. */
function shapeArgs<O extends TensorOptions>(name: string, args: ShapeAndOptions<O>, random = false): [number[], O] {
  let opts: (O & { size?: readonly number[] }) | undefined;
  let rest = args.slice();
  const last = rest[rest.length - 1];
  if (last !== undefined && last !== null && typeof last === 'object' && !Array.isArray(last)) {
    opts = last as O & { size?: readonly number[] };
    rest.pop();
  }
  if (opts !== undefined && 'size' in opts) {
    const { size, ...others } = opts;
    if (rest.length > 0) throw new TypeError(`${name}() got multiple values for argument 'size'`);
    requireArg(name, 'size', 1, size, intList.test(size), 'a list of ints');
    rest = [size as readonly number[]];
    opts = others as O;
  }
  const shape = parseShape(rest as (number | readonly number[])[]);
  checkNonNegativeShape(shape);
  return [shape, checked(name, opts, random)];
}

/** PyTorch's "randint(): argument 'size' (position 3) must be a list of ints, not int". */
function requireArg(fn: string, name: string, position: number, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new TypeError(`${fn}(): argument '${name}' (position ${position}) must be ${expected}, not ${pyTypeName(value)}`);
}

/** A tensor of `shape` filled with `value` (options already checked). */
function filled(shape: readonly number[], value: number | boolean | bigint, opts: TensorOptions): Tensor {
  const dtype = opts.dtype ?? (typeof value === 'boolean' ? 'bool' : typeof value === 'bigint' || Number.isInteger(value) ? 'int64' : getDefaultDtype());
  checkNonNegativeShape(shape);
  const out = allocate(dtype, numelOf(shape));
  const v = checkedElement(typeof value === 'boolean' ? Number(value) : value, dtype, overflowTypeName(dtype), true);
  // A fresh typed array is already +0 everywhere: skip a pass over it (zeros, empty: model weights).
  if (out instanceof BigInt64Array) {
    if (v !== 0n) out.fill(v as bigint);
  } else if (!Object.is(v, 0)) out.fill(v as number);
  return finish(Tensor.fromData(out, dtype, shape.slice()), opts);
}

/** full(size, fill_value, *, dtype=None, device=None, requires_grad=False). */
export function full(size: readonly number[], fillValue: number | boolean | bigint, opts?: TensorOptions): Tensor;
export function full(options: TensorOptions & { size: readonly number[]; fillValue: number | boolean | bigint }): Tensor;
export function full(...args: unknown[]): Tensor {
  const [shape, value, opts] = liftOptions('full', ['size', 'fillValue'], args) as [readonly number[], number | boolean | bigint, TensorOptions?];
  requireArg('full', 'size', 1, shape, intList.test(shape), 'a list of ints');
  requireArg('full', 'fillValue', 2, value, typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint', 'a number or a bool');
  return filled(shape, value, checked('full', opts));
}

/** zeros(*size, *, dtype=None, device=None, requires_grad=False). */
export function zeros(...args: ShapeAndOptions<TensorOptions>): Tensor {
  const [shape, opts] = shapeArgs('zeros', args);
  return filled(shape, 0, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
}

/** ones(*size, *, dtype=None, device=None, requires_grad=False). */
export function ones(...args: ShapeAndOptions<TensorOptions>): Tensor {
  const [shape, opts] = shapeArgs('ones', args);
  return filled(shape, 1, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
}

/** Like PyTorch's empty: uninitialised in PyTorch, zero-filled here (JS arrays always are). */
export function empty(...args: ShapeAndOptions<TensorOptions>): Tensor {
  const [shape, opts] = shapeArgs('empty', args);
  return filled(shape, 0, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
}

/** eye(n, m=None, *, dtype=None, device=None, requires_grad=False). */
export function eye(n: number, m?: number | TensorOptions | null, opts?: TensorOptions): Tensor;
export function eye(options: TensorOptions & { n: number; m?: number | null }): Tensor;
export function eye(...args: unknown[]): Tensor {
  const [nArg, m, opts] = liftOptions('eye', ['n', 'm'], args) as [unknown, (number | TensorOptions | null)?, TensorOptions?];
  const n = numberArg('eye', 'n', 1, nArg, true);
  if (m !== undefined && m !== null && typeof m !== 'object') numberArg('eye', 'm', 2, m, true);
  const cols = typeof m === 'number' ? m : n;
  const o = checked('eye', m !== null && typeof m === 'object' ? m : opts);
  const t = filled([n, cols], 0, { ...o, dtype: o.dtype ?? getDefaultDtype(), requiresGrad: false });
  for (let i = 0; i < Math.min(n, cols); i++) slots(t.buffer)[i * cols + i] = t.buffer instanceof BigInt64Array ? 1n : 1;
  return finish(t, o);
}

/** arange(end) or arange(start, end, step?): int64 when every argument is an integer. */
export function arange(
  start: number | bigint, end?: number | bigint | TensorOptions, step?: number | bigint | TensorOptions, opts?: TensorOptions,
): Tensor;
export function arange(options: TensorOptions & { start?: number | bigint; end: number | bigint; step?: number | bigint }): Tensor;
export function arange(...args: unknown[]): Tensor {
  // arange(end) or arange(start, end, step): `end=` alone is the one-argument form.
  const last = args[args.length - 1];
  const named = isPlainObject(last) ? ['start', 'end', 'step'].filter((k) => k in last).length : 0;
  const oneArg = isPlainObject(last) && !('start' in last) && args.length - 1 + named === 1;
  const lifted = liftOptions('arange', oneArg ? ['end'] : ['start', 'end', 'step'], args);
  let [start, end, step, opts] = lifted as [number | bigint, (number | bigint | TensorOptions)?, (number | bigint | TensorOptions)?, TensorOptions?];
  let given = opts;
  if (typeof end === 'object') [given, end] = [end, undefined];
  if (typeof step === 'object') [given, step] = [step, undefined];
  const o = checked('arange', given);
  if (typeof start === 'bigint' || typeof end === 'bigint' || typeof step === 'bigint') return arangeInt64(start, end, step, o);
  const [s, e] = end === undefined ? [0, start] : [start, end];
  const st = step ?? 1;
  if (!Number.isFinite(s) || !Number.isFinite(e)) {
    const show = (v: number) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v));
    throw new RangeError(`unsupported range: ${show(s)} -> ${show(e)}`);
  }
  if (st === 0 || Number.isNaN(st)) throw new RangeError('step must be nonzero');
  if ((e - s) / st < 0) throw new RangeError('upper bound and larger bound inconsistent with step sign');
  const dtype = o.dtype ?? ([s, e, st].every(Number.isInteger) ? 'int64' : getDefaultDtype());
  const n = Math.ceil((e - s) / st);
  if (dtype === 'int64') {
    // Integer bounds as numbers: every value is an exact double (written through int64 words).
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = Math.trunc(s + i * st);
    return finish(Tensor.fromData(int64ArrayFrom(values), dtype, [n]), o);
  }
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = castScalar(s + i * st, dtype);
  return finish(Tensor.fromData(out, dtype, [n]), o);
}

/** arange over bigint bounds (Python ints past 2^53): exact int64 values, as PyTorch's int64 arange. */
function arangeInt64(start: number | bigint, end: number | bigint | undefined, step: number | bigint | undefined, o: TensorOptions): Tensor {
  const asInt = (v: number | bigint, name: string): bigint => {
    if (typeof v === 'bigint') return v;
    if (!Number.isInteger(v)) throw new TypeError(`arange(): mixing a bigint ${name} with a fractional number is not supported; give every bound as an integer`);
    return BigInt(v);
  };
  const [s, e] = end === undefined ? [0n, asInt(start, 'end')] : [asInt(start, 'start'), asInt(end, 'end')];
  const st = asInt(step ?? 1n, 'step');
  if (st === 0n) throw new RangeError('step must be nonzero');
  if ((e - s > 0n && st < 0n) || (e - s < 0n && st > 0n)) throw new RangeError('upper bound and larger bound inconsistent with step sign');
  const span = e - s;
  const n = Number(span / st + (span % st !== 0n ? 1n : 0n));
  const dtype = o.dtype ?? 'int64';
  const out = Tensor.empty([n], 'int64');
  const buf = out.buffer as BigInt64Array;
  for (let i = 0; i < n; i++) buf[i] = s + BigInt(i) * st;
  return finish(dtype === 'int64' ? out : out.to(dtype), o);
}

/**
 * linspace as PyTorch's CPU kernel computes it: the first half steps up from start,
 * the second half down from end; float32 runs in float arithmetic, in vector blocks of 8.
 */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor;
export function linspace(options: TensorOptions & { start: number; end: number; steps: number }): Tensor;
export function linspace(...args: unknown[]): Tensor {
  const lifted = liftOptions('linspace', ['start', 'end', 'steps'], args) as [unknown, unknown, unknown, TensorOptions?];
  const [start, end, steps] = [numberArg('linspace', 'start', 1, lifted[0], false), numberArg('linspace', 'end', 2, lifted[1], false), numberArg('linspace', 'steps', 3, lifted[2], true)];
  const options = lifted[3];
  const opts = checked('linspace', options);
  if (steps < 0) throw new RangeError('number of steps must be non-negative');
  const dtype = opts.dtype ?? getDefaultDtype();
  const raw = allocate(dtype, steps);
  // int64 values are computed in doubles as PyTorch's kernel does, then truncated into the BigInt64Array.
  const out = raw instanceof BigInt64Array ? new Float64Array(steps) : raw;
  if (steps === 1) out[0] = castScalar(start, dtype);
  else if (steps > 1) {
    const f = dtype === 'float32' ? Math.fround : (x: number) => x;
    const a = f(start);
    const b = f(end);
    const step = f(f(b - a) / (steps - 1));
    const half = Math.floor(steps / 2);
    const at = (i: number) => (i < half ? f(a + f(step * i)) : f(b - f(step * (steps - i - 1))));
    let i = 0;
    if (dtype === 'float32') {
      // Vectorized<float>::arange(base, step): base + j*step for a block of 8 (two blocks per loop).
      for (; i + 16 <= steps; i += 16) {
        for (const block of [i, i + 8]) {
          const base = at(block);
          for (let j = 0; j < 8; j++) out[block + j] = f(base + f(j * step));
        }
      }
    }
    for (; i < steps; i++) out[i] = castScalar(at(i), dtype);
  }
  if (raw instanceof BigInt64Array) raw.set(int64ArrayFrom(out));
  return finish(Tensor.fromData(raw, dtype, [steps]), opts);
}

function randomTensor(name: string, args: ShapeAndOptions<RandomOptions>, fill: (data: TypedArray, dtype: DType, gen: Generator) => void): Tensor {
  const [shape, opts] = shapeArgs(name, args, true);
  const dtype = opts.dtype ?? getDefaultDtype();
  const out = allocate(dtype, numelOf(shape));
  fill(out, dtype, opts.generator ?? getDefaultGenerator());
  return finish(Tensor.fromData(out, dtype, shape), opts);
}

/** Uniform samples on [0, 1). */
export function rand(...args: ShapeAndOptions<RandomOptions>): Tensor {
  return randomTensor('rand', args, (data, dtype, gen) => uniformFill(data, dtype, 0, 1, gen));
}

/** Standard normal samples. */
export function randn(...args: ShapeAndOptions<RandomOptions>): Tensor {
  return randomTensor('randn', args, (data, dtype, gen) => normalFill(data, dtype, 0, 1, gen));
}

/** randint(high, shape) or randint(low, high, shape): integers in [low, high), int64 by default. */
export function randint(
  lowOrHigh: number | bigint, highOrShape: number | bigint | readonly number[], shapeOrOpts?: readonly number[] | RandomOptions, maybeOpts?: RandomOptions,
): Tensor;
export function randint(high: number | bigint, options: RandomOptions & { size: readonly number[] }): Tensor;
export function randint(low: number | bigint, high: number | bigint, options: RandomOptions & { size: readonly number[] }): Tensor;
export function randint(options: RandomOptions & { low?: number | bigint; high: number | bigint; size: readonly number[] }): Tensor;
export function randint(...args: unknown[]): Tensor {
  // randint(high, size) or randint(low, high, size): three arguments in all make the second form.
  const last = args[args.length - 1];
  const named = isPlainObject(last) ? ['low', 'high', 'size'].filter((k) => k in last).length : 0;
  const three = isPlainObject(last) && ('low' in last || args.length - 1 + named >= 3);
  const lifted = liftOptions('randint', named === 0 ? [] : three ? ['low', 'high', 'size'] : ['high', 'size'], args);
  const [lowOrHigh, highOrShape, shapeOrOpts, maybeOpts] = lifted as [number | bigint, number | bigint | readonly number[], (readonly number[] | RandomOptions)?, RandomOptions?];
  // Bounds are Python ints: numbers, or bigints past 2^53 (exact, as int64 holds them).
  const isInt = (v: unknown) => typeof v === 'bigint' || typeof v === 'number';
  let low: number | bigint = 0;
  let high: number | bigint;
  let shape: readonly number[];
  let opts: RandomOptions;
  if (Array.isArray(highOrShape)) {
    high = lowOrHigh;
    shape = highOrShape as readonly number[];
    requireArg('randint', 'size', 2, shape, intList.test(shape), 'a list of ints');
    opts = checked('randint', shapeOrOpts as RandomOptions | undefined, true);
  } else {
    low = lowOrHigh;
    high = highOrShape as number | bigint;
    requireArg('randint', 'high', 2, high, isInt(high), 'a number');
    shape = shapeOrOpts as readonly number[];
    requireArg('randint', 'size', 3, shape, intList.test(shape), 'a list of ints');
    opts = checked('randint', maybeOpts, true);
  }
  requireArg('randint', 'low', 1, lowOrHigh, isInt(lowOrHigh), 'a number');
  // PyTorch's bounds are ints: a float bound matches none of randint's overloads.
  if (!Number.isInteger(Number(low)) || !Number.isInteger(Number(high))) throw new TypeError(`randint(): bounds must be ints, got low=${low}, high=${high}`);
  checkNonNegativeShape(shape);
  const dtype = opts.dtype ?? 'int64';
  const out = allocate(dtype, numelOf(shape));
  randintFill(out, low, high, opts.generator ?? getDefaultGenerator());
  return finish(Tensor.fromData(out, dtype, shape.slice()), opts);
}

/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, options?: RandomOptions): Tensor;
export function randperm(options: RandomOptions & { n: number }): Tensor;
export function randperm(...args: unknown[]): Tensor {
  const [nArg, options] = liftOptions('randperm', ['n'], args) as [unknown, RandomOptions?];
  const n = numberArg('randperm', 'n', 1, nArg, true);
  const opts = checked('randperm', options, true);
  if (n < 0) throw new RangeError(`n must be non-negative, got${n}`);
  const dtype = opts.dtype ?? 'int64';
  const out = allocate(dtype, n);
  randpermFill(out, opts.generator ?? getDefaultGenerator());
  return finish(Tensor.fromData(out, dtype, [n]), opts);
}

/** 0/1 samples with per-element probabilities p (torch.bernoulli(input)). */
export function bernoulliScalar(shape: readonly number[], p: number, opts: RandomOptions = {}): Tensor {
  const dtype = opts.dtype ?? getDefaultDtype();
  const out = allocate(dtype, numelOf(shape));
  bernoulliFill(out, dtype, p, opts.generator ?? getDefaultGenerator());
  return Tensor.fromData(out, dtype, shape.slice());
}

/** The *_like functions' options: their creation function's and memory_format. */
export interface LikeOptions extends TensorOptions {
  /** torch.preserveFormat (the default: a dense input's layout), contiguousFormat, channelsLast or channelsLast3d. */
  memoryFormat?: MemoryFormat | null;
}

/**
 * A *_like result (PyTorch's empty_like(input, memory_format) filled): `make` builds the
 * values contiguous in the result's memory order, drawing random ones in that order as
 * PyTorch's fills draw them; the result takes `input`'s layout under preserve_format.
 * Options checked as `name`'s, the dtype defaulting to t's.
 */
function like(name: string, t: Tensor, opts: LikeOptions | undefined, make: (shape: number[], o: TensorOptions, permuted: boolean) => Tensor): Tensor {
  const { memoryFormat, ...o } = checked(name, opts);
  const options = { ...o, dtype: o.dtype ?? t.dtype };
  const order = likeOrder(t.shape, t.strides, memoryFormat ?? preserveFormat);
  if (order === null) return make(t.shape.slice(), options, false);
  const inMemory = make(order.map((d) => t.shape[d]), { ...options, requiresGrad: false }, true);
  const strides = new Array<number>(order.length);
  for (let i = order.length - 1, s = 1; i >= 0; i--) {
    strides[order[i]] = s;
    s *= t.shape[order[i]];
  }
  return finish(new Tensor(inMemory._storage, inMemory.dtype, t.shape.slice(), strides, 0), options);
}

export const zerosLike = (t: Tensor, opts?: LikeOptions) => like('zerosLike', t, opts, (s, o) => zeros(s, o));
export const onesLike = (t: Tensor, opts?: LikeOptions) => like('onesLike', t, opts, (s, o) => ones(s, o));
export const emptyLike = (t: Tensor, opts?: LikeOptions) => like('emptyLike', t, opts, (s, o) => empty(s, o));
export function fullLike(input: Tensor, fillValue: number | boolean | bigint, opts?: LikeOptions): Tensor;
export function fullLike(input: Tensor, options: LikeOptions & { fillValue: number | boolean | bigint }): Tensor;
export function fullLike(...args: unknown[]): Tensor {
  const [t, value, opts] = liftOptions('fullLike', ['input', 'fillValue'], args) as [Tensor, number | boolean | bigint, LikeOptions?];
  return like('fullLike', t, opts, (shape, o) => full(shape, value, o));
}
export const randLike = (t: Tensor, opts?: LikeOptions) => like('randLike', t, opts, (s, o) => rand(s, o));
/** A permuted layout is not contiguous: PyTorch's normal_ then draws element by element. */
export const randnLike = (t: Tensor, opts?: LikeOptions) =>
  like('randnLike', t, opts, (shape, o, permuted) => {
    if (!permuted) return randn(shape, o);
    const dtype = o.dtype ?? getDefaultDtype();
    const data = allocate(dtype, numelOf(shape));
    const gen = getDefaultGenerator();
    for (let i = 0; i < data.length; i++) data[i] = normalSampleDouble(gen, 0, 1);
    return Tensor.fromData(data, dtype, shape);
  });
/** randint_like(input, high) or randint_like(input, low, high), options last. */
export function randintLike(t: Tensor, lowOrHigh: number, highOrOpts?: number | LikeOptions, opts?: LikeOptions): Tensor {
  const high = isPlainObject(highOrOpts) ? undefined : (highOrOpts as number | undefined);
  return like('randintLike', t, isPlainObject(highOrOpts) ? (highOrOpts as LikeOptions) : opts, (shape, o) =>
    high === undefined ? randint(0, lowOrHigh, shape, o) : randint(lowOrHigh, high, shape, o));
}
