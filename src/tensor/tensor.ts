import { backend, type View } from '../backend/index.js';
import type { MemoryFormat } from './memory-format.js';
import { allocate, allocateExclusive, allocateForOverwrite, castScalar, int64ArrayFrom, int64Of, int64Value, isFloatingDtype, type DType, type TypedArray } from './dtype.js';
import { AccumulateGrad, type GradHook, type Node, type RemovableHandle } from './graph.js';
import { contiguousStrides, formatShape, normalizeDim, numelOf, sameShape } from './shape.js';
import { formatTensor } from './print.js';
import { Device } from './device.js';
import { TypedStorage } from './typed-storage.js';
import { warnOnce } from './warnings.js';

const CPU = new Device();

/** A flat buffer that tensors view; several tensors (views) may share one. */
export class Storage {
  data: TypedArray;
  constructor(data: TypedArray) {
    this.data = data;
  }
}

/** Counts in-place writes; views share it so saved-tensor checks see writes through any view. */
export interface VersionCounter {
  value: number;
}

/**
 * Nested arrays of numbers (or booleans for bool tensors), as tolist() returns; int64
 * values past Number.MAX_SAFE_INTEGER come as bigints (see item()).
 */
export type NestedList = number | bigint | boolean | NestedList[];


/**
 * An n-dimensional strided view on a Storage, with autograd metadata. Math
 * methods are added by src/ops; backward() by src/autograd.
 */
export class Tensor implements View {
  _storage: Storage;
  _dtype: DType;
  _shape: number[];
  _strides: number[];
  _offset: number;
  _versionCounter: VersionCounter;
  /** The tensor this one is a differentiable view of (always a non-view), or null. */
  _base: Tensor | null = null;
  /** For views made with grad mode off: what they view (PyTorch's CreationMeta::NO_GRAD_MODE); in-place writes through them with grad on throw. */
  _noGradViewOf: Tensor | null = null;
  /** Bumped whenever an in-place op rewrites this tensor's autograd history. */
  _historyEpoch = 0;
  /** For views: the base's _historyEpoch that _gradFn was derived from. */
  _viewEpoch = 0;
  _gradFn: Node | null = null;
  _outputNr = 0;
  _requiresGrad = false;
  _grad: Tensor | null = null;
  _accumulator: AccumulateGrad | null = null;
  _retainsGrad = false;
  _leafHooks: GradHook[] | null = null;
  /** Set by src/ops: re-derives a view's gradFn after its base's history changed. */
  static _refreshViewHistory: ((view: Tensor) => void) | null = null;

  constructor(storage: Storage, dtype: DType, shape: number[], strides?: number[], offset = 0, version?: VersionCounter) {
    // A transcribed `torch.Tensor([[1, 2]])` or `torch.Tensor(2, 3)` lands here from JavaScript.
    if (!(storage instanceof Storage)) {
      throw new TypeError('new Tensor(storage, dtype, shape) is torchlette\'s internal constructor; for PyTorch\'s legacy ' +
        'torch.Tensor(data) or torch.Tensor(*sizes) write torch.FloatTensor(data) or torch.FloatTensor(...sizes) ' +
        '(or torch.tensor(data, { dtype: torch.float32 }), torch.empty(sizes))');
    }
    this._storage = storage;
    this._dtype = dtype;
    // PyTorch's numel is an int64: a shape (an expanded view included) past 2^63 elements is refused.
    if (numelOf(shape) >= 2 ** 63) throw new RangeError('numel: integer multiplication overflow');
    this._shape = shape;
    this._strides = strides ?? contiguousStrides(shape);
    this._offset = offset;
    this._versionCounter = version ?? { value: 0 };
  }

  /** A fresh contiguous tensor over `data`. */
  /**
   * A tensor over `data`. int64 lives in a BigInt64Array and only there; integer-valued
   * numbers given for int64 (indices computed in JS, exact below 2^53) are converted.
   */
  static fromData(data: TypedArray, dtype: DType, shape: number[]): Tensor {
    if (dtype === 'int64' && !(data instanceof BigInt64Array)) return new Tensor(new Storage(int64ArrayFrom(data)), dtype, shape);
    if (dtype !== 'int64' && data instanceof BigInt64Array) throw new TypeError(`internal error: a BigInt64Array cannot hold a ${dtype} tensor`);
    return new Tensor(new Storage(data), dtype, shape);
  }

  /**
   * A 0-d tensor of `value` stored as `dtype` holds it (C++ cast semantics for numbers;
   * a bigint is exact in int64 and wraps to 64 bits).
   */
  static scalar(value: number | bigint, dtype: DType): Tensor {
    const data = allocate(dtype, 1);
    if (data instanceof BigInt64Array) data[0] = int64Of(value);
    else data[0] = castScalar(Number(value), dtype);
    return new Tensor(new Storage(data), dtype, []);
  }

  /** An uninitialised (zero-filled) contiguous tensor. */
  static empty(shape: number[], dtype: DType): Tensor {
    return new Tensor(new Storage(allocate(dtype, numelOf(shape))), dtype, shape);
  }

  /**
   * A contiguous tensor whose every element the caller's kernel is about to write: large
   * ones are not zeroed first (see allocateForOverwrite). Never hand one out unwritten.
   */
  static emptyForOverwrite(shape: number[], dtype: DType): Tensor {
    return new Tensor(new Storage(allocateForOverwrite(dtype, numelOf(shape))), dtype, shape);
  }

  /** The backend reads tensors directly as Views: this is the storage's buffer. */
  get buffer(): TypedArray {
    return this._storage.data;
  }

  /** PyTorch's .data: an alias of the same memory outside autograd; assigning replaces this tensor's values. */
  get data(): Tensor {
    return this._detachedAlias();
  }
  set data(value: Tensor) {
    this._setData(value);
  }

  // --- shape ---
  get shape(): number[] {
    return this._shape;
  }
  get strides(): number[] {
    return this._strides;
  }
  get offset(): number {
    return this._offset;
  }
  get dtype(): DType {
    return this._dtype;
  }
  get ndim(): number {
    return this._shape.length;
  }
  /** torch.device('cpu'): where every torchlette tensor lives. */
  get device(): Device {
    return CPU;
  }
  /** False: torchlette computes on the CPU only. */
  get isCuda(): boolean {
    return false;
  }
  /** False: torchlette tensors are strided (the `if grad.is_sparse: raise` guard of optimizers copied from PyTorch's). */
  get isSparse(): boolean {
    return false;
  }
  /** False: torchlette has no quantized dtypes. */
  get isQuantized(): boolean {
    return false;
  }
  /** False: torchlette has no meta device. */
  get isMeta(): boolean {
    return false;
  }

  /** size() gives the shape; size(dim) one dimension (negative dims count from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this._shape.slice();
    return this._shape[normalizeDim(dim, this._shape.length)];
  }

  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[normalizeDim(dim, this._shape.length)];
  }

  storageOffset(): number {
    return this._offset;
  }

  /** storage(): the memory this tensor and its views share, as PyTorch's TypedStorage. */
  storage(): TypedStorage {
    return new TypedStorage(this._storage.data, this._dtype);
  }

  dim(): number {
    return this._shape.length;
  }

  numel(): number {
    return numelOf(this._shape);
  }

  elementSize(): number {
    return this._storage.data.BYTES_PER_ELEMENT;
  }

  /** Row-major contiguity; isContiguous({ memoryFormat: torch.channelsLast }) asks about that layout (ops/strict-methods.ts). */
  isContiguous(_options?: { memoryFormat?: MemoryFormat }): boolean {
    if (this.numel() === 0) return true;
    let expected = 1;
    for (let d = this._shape.length - 1; d >= 0; d--) {
      if (this._shape[d] !== 1 && this._strides[d] !== expected) return false;
      expected *= this._shape[d];
    }
    return true;
  }

  isFloatingPoint(): boolean {
    return isFloatingDtype(this._dtype);
  }

  // --- autograd metadata ---
  get requiresGrad(): boolean {
    return this._requiresGrad || this.gradFn !== null;
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }

  requiresGrad_(flag = true): this {
    if (!this.isLeaf) {
      if (!flag) {
        throw new Error(
          "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        );
      }
      return this;
    }
    if (flag && !isFloatingDtype(this._dtype)) {
      throw new TypeError('only Tensors of floating point dtype can require gradients');
    }
    this._requiresGrad = flag;
    return this;
  }

  get gradFn(): Node | null {
    if (this._base !== null && this._viewEpoch !== this._base._historyEpoch) Tensor._refreshViewHistory?.(this);
    return this._gradFn;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Whether this is an nn.Parameter (which overrides it): a marker that survives minification, unlike the class name. */
  get isParameter(): boolean {
    return false;
  }

  get grad(): Tensor | null {
    if (this._grad === null && !this._retainsGrad && this.gradFn !== null) {
      warnOnce(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.",
      );
    }
    return this._grad;
  }
  set grad(value: Tensor | null) {
    if (value !== null) {
      if (!(value instanceof Tensor)) throw new TypeError('assigned grad expected to be a Tensor or None');
      if (!sameShape(value._shape, this._shape)) throw new RangeError('assigned grad has data of a different size');
      if (value._dtype !== this._dtype) throw new TypeError('assigned grad has data of a different type');
    }
    this._grad = value;
  }

  get retainsGrad(): boolean {
    return this._retainsGrad;
  }

  /** PyTorch's _version: how many in-place writes this tensor's memory has seen. */
  get _version(): number {
    return this._versionCounter.value;
  }

  /** The AccumulateGrad node of a leaf that requires grad (one per leaf). */
  _gradAccumulator(): AccumulateGrad {
    this._accumulator ??= new AccumulateGrad(this);
    return this._accumulator;
  }

  /** Registers a hook on this tensor's gradient; it may return a replacement gradient. */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    const fn = this.gradFn;
    if (fn !== null) return fn.addPreHook(this._outputNr, hook);
    const hooks = (this._leafHooks ??= []);
    hooks.push(hook);
    return {
      remove: () => {
        const i = hooks.indexOf(hook);
        if (i >= 0) hooks.splice(i, 1);
      },
    };
  }

  /**
   * Makes a non-leaf keep its .grad after backward (leaves always do): a hook among this
   * tensor's others in registration order, as in PyTorch 1.13 (a hook registered after it
   * does not change the retained gradient; one registered before does).
   */
  retainGrad(): void {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf || this._retainsGrad) return;
    (this.gradFn as Node).addPreHook(this._outputNr, (g) => {
      this._grad = this._grad === null ? g.clone() : this._grad.add(g);
    });
    this._retainsGrad = true;
  }

  /** A new tensor on the same memory with no history (shares the version counter, as PyTorch's detach). */
  detach(): Tensor {
    return new Tensor(this._storage, this._dtype, this._shape, this._strides, this._offset, this._versionCounter);
  }

  /** Removes this tensor from the graph in place: it becomes a leaf that does not require grad. */
  detach_(): this {
    if (this._base !== null) {
      throw new Error('Can\'t detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training...');
    }
    this._gradFn = null;
    this._outputNr = 0;
    this._requiresGrad = false;
    return this;
  }

  // .data: an alias of the same memory that autograd does not track, with its own
  // version counter so that writes through it are invisible to saved-tensor checks.
  private _detachedAlias(): Tensor {
    return new Tensor(this._storage, this._dtype, this._shape, this._strides, this._offset);
  }

  private _setData(value: Tensor): void {
    if (!(value instanceof Tensor)) throw new TypeError('data must be a Tensor');
    if (value._dtype !== this._dtype && this.requiresGrad) {
      // PyTorch allows a dtype change only when compatible; keep leaves differentiable.
      if (!isFloatingDtype(value._dtype)) throw new TypeError(`data set to a tensor that requires gradients must be floating point (got ${value._dtype})`);
    }
    this._storage = value._storage;
    this._dtype = value._dtype;
    this._shape = value._shape.slice();
    this._strides = value._strides.slice();
    this._offset = value._offset;
  }

  // --- element access ---
  /**
   * The value of a one-element tensor as a JS number (bool gives 0 or 1). An int64 value
   * is a number where a number holds it exactly (|v| <= Number.MAX_SAFE_INTEGER) and a
   * bigint beyond, so that no value is ever rounded: `typeof v === 'bigint'` tells them apart.
   */
  item(): number | bigint {
    if (this.numel() !== 1) {
      throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    const v = this._storage.data[this._offset];
    return typeof v === 'bigint' ? int64Value(v) : v;
  }

  async itemAsync(): Promise<number | bigint> {
    return this.item();
  }

  /**
   * Nested arrays of the values (booleans for bool tensors), like PyTorch's tolist(). int64
   * values are numbers where exact (|v| <= Number.MAX_SAFE_INTEGER) and bigints beyond, as item().
   */
  tolist(): NestedList {
    const data = this._storage.data;
    const isBool = this._dtype === 'bool';
    const build = (d: number, offset: number): NestedList => {
      if (d === this._shape.length) {
        const v = data[offset];
        return typeof v === 'bigint' ? int64Value(v) : isBool ? v !== 0 : v;
      }
      const out: NestedList[] = new Array(this._shape[d]);
      for (let i = 0; i < this._shape[d]; i++) out[i] = build(d + 1, offset + i * this._strides[d]);
      return out;
    };
    return build(0, this._offset);
  }

  async tolistAsync(): Promise<NestedList> {
    return this.tolist();
  }

  /** A contiguous copy of the values as a typed array (int64 as BigInt64Array, bool as Uint8Array). */
  toTypedArray(): TypedArray {
    const n = this.numel();
    if (this.isContiguous()) return this._storage.data.slice(this._offset, this._offset + n);
    const out = allocateExclusive(this._dtype, n); // the caller owns it whole (DataLoader workers transfer its ArrayBuffer)
    backend().copy(this, { buffer: out, dtype: this._dtype, shape: this._shape, strides: contiguousStrides(this._shape), offset: 0 });
    return out;
  }

  /** Python's len(t): the size of dim 0; a 0-d tensor throws, as len() of one does. */
  get length(): number {
    if (this._shape.length === 0) throw new TypeError('len() of a 0-d tensor');
    return this._shape[0];
  }

  /** Iterates over dim 0, as Python's `for row in t` (the views of unbind(0)); a 0-d tensor throws. */
  *[Symbol.iterator](): Iterator<Tensor> {
    if (this._shape.length === 0) throw new TypeError('iteration over a 0-d tensor');
    yield* this.unbind(0);
  }

  toString(): string {
    return formatTensor(this);
  }

  /**
   * Where JavaScript wants a number (`Number(t)`, `+t`, `i + 4`, `data.subarray(i, i + 4)`), a
   * one-element tensor gives its value, as Python's int(t) / float(t) / operator.index(t);
   * a larger one throws PyTorch's error instead of becoming NaN. Text (`${t}`, String(t))
   * is the repr, and so is `'...' + t` for a larger tensor.
   */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | string {
    if (hint === 'string') return this.toString();
    if (this.numel() === 1) return Number(this.item());
    if (hint === 'default') return this.toString();
    throw new TypeError('only one element tensors can be converted to Python scalars');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  /** Describes shape and dtype for error messages, e.g. 'float32[64, 784]'. */
  describe(): string {
    return `${this._dtype}${formatShape(this._shape)}`;
  }
}
