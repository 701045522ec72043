import { bool, nullable, signature, tensor, type ArgsOf } from './args.js';
import { formatTensor } from './print.js';
import { Tensor } from './tensor.js';
import { empty } from './create.js';

const parameterArgs = signature('Parameter', [['data', nullable(tensor), null], ['requiresGrad', bool, true]] as const);

/**
 * A Tensor that a Module registers as a parameter when assigned as a field
 * (`this.weight = new Parameter(...)`). It shares `data`'s memory and requires grad
 * by default, as torch.nn.Parameter.
 */
export class Parameter extends Tensor {
  /** Parameter(data=None, requires_grad=True). */
  constructor(...args: ArgsOf<typeof parameterArgs>) {
    const { data, requiresGrad } = parameterArgs.parse(args);
    const src = data ?? empty(0);
    super(src._storage, src.dtype, src.shape.slice(), src.strides.slice(), src.offset, src._versionCounter);
    Tensor.prototype.requiresGrad_.call(this, requiresGrad); // (an UninitializedParameter refuses its own methods)
  }

  override get isParameter(): boolean {
    return true;
  }

  override toString(): string {
    return 'Parameter containing:\n' + formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
