// nn.Parameter is defined next to Tensor (src/tensor/parameter.ts): torch.load, a layer below nn,
// rebuilds saved Parameters as Parameters. The uninitialized kinds the Lazy modules hold are here.
import { noGrad } from '../autograd/grad-mode.js';
import { empty } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Parameter } from '../tensor/parameter.js';
import { Tensor } from '../tensor/tensor.js';

export { Parameter };

interface MaterializeOptions {
  dtype?: DType;
}

/** Gives `t` fresh memory of `shape` (its values undefined) and turns it into `becomes`, in place. */
function materializeAs(t: Tensor, shape: readonly number[], opts: MaterializeOptions, becomes: object): void {
  noGrad(() => {
    t.data = empty([...shape], { dtype: opts.dtype ?? t.dtype });
  });
  Object.setPrototypeOf(t, becomes);
}

// PyTorch's UninitializedTensorMixin: these Tensor methods still work on an uninitialized
// parameter or buffer (a shape-free question, a dtype or device conversion); every other one
// throws, and so does reading its shape, instead of computing on zero elements.
const ALLOWED = new Set(['constructor', 'materialize', 'toString', 'size', 'copy_', 'isFloatingPoint', 'half', 'float', 'double',
  'char', 'short', 'int', 'long', 'cuda', 'cpu', 'to', 'getDevice']);
const refusing = new WeakSet<object>();

function refuseUse(proto: object): void {
  if (refusing.has(proto)) return;
  refusing.add(proto);
  const notice = 'This error happens when you are using a `LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` objects. ' +
    'When using LazyModules Call `forward` with a dummy batch to initialize the parameters before calling torch functions';
  // Methods are installed on Tensor.prototype by the op modules: read it when the first
  // uninitialized tensor is made, after every import.
  for (const name of Object.getOwnPropertyNames(Tensor.prototype)) {
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name)!;
    if (typeof d.value !== 'function' || name.startsWith('_') || ALLOWED.has(name) || Object.hasOwn(proto, name)) continue;
    const pyName = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value() {
        throw new RangeError(`Attempted to use an uninitialized parameter in <method '${pyName}' of 'torch._C._TensorBase' objects>. ${notice}`);
      },
    });
  }
  Object.defineProperty(proto, 'shape', {
    configurable: true,
    get(): never {
      throw new Error("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to " +
        'load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.');
    },
  });
}

/**
 * A Parameter whose shape is not known yet (PyTorch's UninitializedParameter): what a Lazy
 * module holds until its first forward. It has no elements; materialize(shape) gives it
 * memory and makes it a plain Parameter in place, so optimizers built before keep it.
 */
export class UninitializedParameter extends Parameter {
  constructor(requiresGrad = true, opts: MaterializeOptions = {}) {
    super(empty(0, { dtype: opts.dtype }), requiresGrad);
    refuseUse(UninitializedParameter.prototype);
  }

  materialize(shape: readonly number[], opts: MaterializeOptions = {}): void {
    materializeAs(this, shape, opts, Parameter.prototype);
  }

  override toString(): string {
    return '<UninitializedParameter>';
  }
}

/** A buffer whose shape is not known yet (PyTorch's UninitializedBuffer), as UninitializedParameter. */
export class UninitializedBuffer extends Tensor {
  constructor(requiresGrad = false, opts: MaterializeOptions = {}) {
    const src = empty(0, { dtype: opts.dtype });
    super(src._storage, src.dtype, [0], [1], 0, src._versionCounter);
    this._requiresGrad = requiresGrad;
    refuseUse(UninitializedBuffer.prototype);
  }

  materialize(shape: readonly number[], opts: MaterializeOptions = {}): void {
    materializeAs(this, shape, opts, Tensor.prototype);
  }

  override toString(): string {
    return '<UninitializedBuffer>';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** torch.nn.parameter.is_lazy: whether a parameter or buffer is still uninitialized. */
export function isLazy(t: unknown): t is UninitializedParameter | UninitializedBuffer {
  return t instanceof UninitializedParameter || t instanceof UninitializedBuffer;
}
