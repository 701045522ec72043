// Activation layers, constructed as PyTorch's: positional parameters in PyTorch's order,
// or a trailing options object with the same names camelCased.
import { bool, deviceArg, dtype, int, nullable, number, signature, string, type ArgsOf, type Check } from '../../tensor/args.js';
import { empty } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat } from '../repr.js';

const inplace = ['inplace', bool, false] as const;
const inplaceRepr = (inplace: boolean) => (inplace ? 'inplace=True' : '');
const andInplace = (inplace: boolean) => (inplace ? ', inplace=True' : '');

/** A layer whose only parameter is inplace: ReLU(inplace=False) and the like. */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;
  constructor(sig: typeof reluArgs, args: ArgsOf<typeof reluArgs>) {
    super();
    this.inplace = sig.parse(args).inplace;
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

const reluArgs = signature('ReLU', [inplace] as const);
const relu6Args = signature('ReLU6', [inplace] as const);
const seluArgs = signature('SELU', [inplace] as const);
const siluArgs = signature('SiLU', [inplace] as const);
const mishArgs = signature('Mish', [inplace] as const);
const hardsigmoidArgs = signature('Hardsigmoid', [inplace] as const);
const hardswishArgs = signature('Hardswish', [inplace] as const);

export class ReLU extends InplaceActivation {
  constructor(...args: ArgsOf<typeof reluArgs>) {
    super(reluArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? F.relu(x, true) : F.relu(x);
  }
}

export class ReLU6 extends InplaceActivation {
  constructor(...args: ArgsOf<typeof relu6Args>) {
    super(relu6Args, args);
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? F.relu6(x, true) : F.relu6(x);
  }
}

export class SELU extends InplaceActivation {
  constructor(...args: ArgsOf<typeof seluArgs>) {
    super(seluArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? F.selu(x, true) : F.selu(x);
  }
}

export class SiLU extends InplaceActivation {
  constructor(...args: ArgsOf<typeof siluArgs>) {
    super(siluArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? F.silu(x, true) : F.silu(x);
  }
}

export class Mish extends InplaceActivation {
  constructor(...args: ArgsOf<typeof mishArgs>) {
    super(mishArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? F.mish(x, true) : F.mish(x);
  }
}

/** Prints as Hardsigmoid() whatever inplace is, as PyTorch's. */
export class Hardsigmoid extends InplaceActivation {
  constructor(...args: ArgsOf<typeof hardsigmoidArgs>) {
    super(hardsigmoidArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? F.hardsigmoid(x, true) : F.hardsigmoid(x);
  }
  override extraRepr(): string {
    return '';
  }
}

/** Prints as Hardswish() whatever inplace is, as PyTorch's. */
export class Hardswish extends InplaceActivation {
  constructor(...args: ArgsOf<typeof hardswishArgs>) {
    super(hardswishArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? F.hardswish(x, true) : F.hardswish(x);
  }
  override extraRepr(): string {
    return '';
  }
}

const leakyReluArgs = signature('LeakyReLU', [['negativeSlope', number, 0.01], inplace] as const);

export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;
  constructor(...args: ArgsOf<typeof leakyReluArgs>) {
    super();
    ({ negativeSlope: this.negativeSlope, inplace: this.inplace } = leakyReluArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope, this.inplace);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${andInplace(this.inplace)}`;
  }
}

const eluArgs = signature('ELU', [['alpha', number, 1], inplace] as const);
const celuArgs = signature('CELU', [['alpha', number, 1], inplace] as const);

/** ELU and CELU: alpha and inplace. */
abstract class AlphaActivation extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(sig: typeof eluArgs, args: ArgsOf<typeof eluArgs>) {
    super();
    ({ alpha: this.alpha, inplace: this.inplace } = sig.parse(args));
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${andInplace(this.inplace)}`;
  }
}

export class ELU extends AlphaActivation {
  constructor(...args: ArgsOf<typeof eluArgs>) {
    super(eluArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha, this.inplace);
  }
}

export class CELU extends AlphaActivation {
  constructor(...args: ArgsOf<typeof celuArgs>) {
    super(celuArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return F.celu(x, this.alpha, this.inplace);
  }
}

const geluArgs = signature('GELU', [['approximate', string as Check<'none' | 'tanh'>, 'none']] as const);

export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(...args: ArgsOf<typeof geluArgs>) {
    super();
    this.approximate = geluArgs.parse(args).approximate;
  }
  override forward(x: Tensor): Tensor {
    return this.approximate === 'none' ? F.gelu(x) : F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

const sigmoidArgs = signature('Sigmoid', [] as const);
const tanhArgs = signature('Tanh', [] as const);
const logSigmoidArgs = signature('LogSigmoid', [] as const);
const softsignArgs = signature('Softsign', [] as const);

export class Sigmoid extends Module {
  constructor(...args: ArgsOf<typeof sigmoidArgs>) {
    super();
    sigmoidArgs.parse(args);
  }
  override forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

export class Tanh extends Module {
  constructor(...args: ArgsOf<typeof tanhArgs>) {
    super();
    tanhArgs.parse(args);
  }
  override forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class LogSigmoid extends Module {
  constructor(...args: ArgsOf<typeof logSigmoidArgs>) {
    super();
    logSigmoidArgs.parse(args);
  }
  override forward(x: Tensor): Tensor {
    return F.logsigmoid(x);
  }
}

export class Softsign extends Module {
  constructor(...args: ArgsOf<typeof softsignArgs>) {
    super();
    softsignArgs.parse(args);
  }
  override forward(x: Tensor): Tensor {
    return F.softsign(x);
  }
}

// Hardtanh(min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None): the last
// two are PyTorch's deprecated spellings of the first two, which they override.
const hardtanhArgs = signature('Hardtanh', [
  ['minVal', number, -1],
  ['maxVal', number, 1],
  inplace,
  ['minValue', nullable(number), null],
  ['maxValue', nullable(number), null],
] as const);

export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;
  constructor(...args: ArgsOf<typeof hardtanhArgs>) {
    super();
    const a = hardtanhArgs.parse(args);
    this.minVal = a.minValue ?? a.minVal;
    this.maxVal = a.maxValue ?? a.maxVal;
    this.inplace = a.inplace;
    if (!(this.maxVal > this.minVal)) throw new RangeError(`Hardtanh: max_val (${this.maxVal}) must be greater than min_val (${this.minVal})`);
  }
  override forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal, this.inplace);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${andInplace(this.inplace)}`;
  }
}

const softplusArgs = signature('Softplus', [['beta', number, 1], ['threshold', number, 20]] as const);

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(...args: ArgsOf<typeof softplusArgs>) {
    super();
    ({ beta: this.beta, threshold: this.threshold } = softplusArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

const thresholdArgs = signature('Threshold', [['threshold', number], ['value', number], inplace] as const);

export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  readonly inplace: boolean;
  constructor(...args: ArgsOf<typeof thresholdArgs>) {
    super();
    ({ threshold: this.threshold, value: this.value, inplace: this.inplace } = thresholdArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.threshold(x, this.threshold, this.value, this.inplace);
  }
  override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${andInplace(this.inplace)}`;
  }
}

const softmaxArgs = signature('Softmax', [['dim', nullable(int), null]] as const);
const logSoftmaxArgs = signature('LogSoftmax', [['dim', nullable(int), null]] as const);
const softminArgs = signature('Softmin', [['dim', nullable(int), null]] as const);

/** Softmax, LogSoftmax, Softmin: dim=None picks PyTorch's implicit dim for the input. */
abstract class SoftmaxLike extends Module {
  readonly dim: number | null;
  constructor(sig: typeof softmaxArgs, args: ArgsOf<typeof softmaxArgs>) {
    super();
    this.dim = sig.parse(args).dim;
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

export class Softmax extends SoftmaxLike {
  constructor(...args: ArgsOf<typeof softmaxArgs>) {
    super(softmaxArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
}

export class LogSoftmax extends SoftmaxLike {
  constructor(...args: ArgsOf<typeof logSoftmaxArgs>) {
    super(logSoftmaxArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
}

export class Softmin extends SoftmaxLike {
  constructor(...args: ArgsOf<typeof softminArgs>) {
    super(softminArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return F.softmin(x, this.dim);
  }
}

const gluArgs = signature('GLU', [['dim', int, -1]] as const);

export class GLU extends Module {
  readonly dim: number;
  constructor(...args: ArgsOf<typeof gluArgs>) {
    super();
    this.dim = gluArgs.parse(args).dim;
  }
  override forward(x: Tensor): Tensor {
    return F.glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

const hardshrinkArgs = signature('Hardshrink', [['lambd', number, 0.5]] as const);
const softshrinkArgs = signature('Softshrink', [['lambd', number, 0.5]] as const);

/** Hardshrink and Softshrink: one threshold, printed bare as PyTorch prints it. */
abstract class Shrink extends Module {
  readonly lambd: number;
  constructor(sig: typeof hardshrinkArgs, args: ArgsOf<typeof hardshrinkArgs>) {
    super();
    this.lambd = sig.parse(args).lambd;
  }
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

export class Hardshrink extends Shrink {
  constructor(...args: ArgsOf<typeof hardshrinkArgs>) {
    super(hardshrinkArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return F.hardshrink(x, this.lambd);
  }
}

export class Softshrink extends Shrink {
  constructor(...args: ArgsOf<typeof softshrinkArgs>) {
    super(softshrinkArgs, args);
  }
  override forward(x: Tensor): Tensor {
    return F.softshrink(x, this.lambd);
  }
}

const tanhshrinkArgs = signature('Tanhshrink', [] as const);

export class Tanhshrink extends Module {
  constructor(...args: ArgsOf<typeof tanhshrinkArgs>) {
    super();
    tanhshrinkArgs.parse(args);
  }
  override forward(x: Tensor): Tensor {
    return F.tanhshrink(x);
  }
}

const softmax2dArgs = signature('Softmax2d', [] as const);

/** Softmax over the channels of a (C, H, W) or (N, C, H, W) input. */
export class Softmax2d extends Module {
  constructor(...args: ArgsOf<typeof softmax2dArgs>) {
    super();
    softmax2dArgs.parse(args);
  }
  override forward(x: Tensor): Tensor {
    if (x.dim() !== 3 && x.dim() !== 4) throw new RangeError(`Softmax2d: expected input to be 3D or 4D, got ${x.dim()}D instead`);
    return F.softmax(x, -3);
  }
}

const preluArgs = signature('PReLU', [['numParameters', int, 1], ['init', number, 0.25], ['device', deviceArg, null], ['dtype', nullable(dtype), null]] as const);

/** PReLU(num_parameters=1, init=0.25): a learnable slope for negative inputs, one or one per channel. */
export class PReLU extends Module {
  readonly numParameters: number;
  readonly init: number;
  weight: Parameter;
  constructor(...args: ArgsOf<typeof preluArgs>) {
    super();
    const a = preluArgs.parse(args);
    this.numParameters = a.numParameters;
    this.init = a.init;
    this.weight = new Parameter(empty([a.numParameters], { dtype: a.dtype ?? undefined }));
    this.resetParameters();
  }
  resetParameters(): void {
    init.constant_(this.weight, this.init);
  }
  override forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

const rreluArgs = signature('RReLU', [['lower', number, 1 / 8], ['upper', number, 1 / 3], inplace] as const);

/** RReLU(lower=1/8, upper=1/3, inplace=False): random slopes in training, their mean in eval. */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly inplace: boolean;
  constructor(...args: ArgsOf<typeof rreluArgs>) {
    super();
    ({ lower: this.lower, upper: this.upper, inplace: this.inplace } = rreluArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.rrelu(x, this.lower, this.upper, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${andInplace(this.inplace)}`;
  }
}
