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

/**
 * A Parameter whose shape is not known yet (PyTorch's UninitializedParameter): what a Lazy
 * module holds until its first forward. It has no elements; materialize(shape) gives it
 * memory and makes it a plain Parameter in place, so optimizers built before keep it.
 */
export class UninitializedParameter extends Parameter {
  constructor(requiresGrad = true, opts: MaterializeOptions = {}) {
    super(empty(0, { dtype: opts.dtype }), requiresGrad);
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
    this.requiresGrad_(requiresGrad);
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
