import { bool, deviceArg, dtype, int, nullable, signature, type ArgsOf } from '../../tensor/args.js';
import { empty } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { Module, type StateDict } from '../module.js';
import { Parameter, UninitializedParameter } from '../parameter.js';
import { hasUninitializedParams, initLazy, materializeFromStateDict, type LazyModule } from './lazy.js';

const tail = [['bias', bool, true], ['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null]] as const;
// Linear(in_features, out_features, bias=True, device=None, dtype=None)
const linearArgs = signature('Linear', [['inFeatures', int], ['outFeatures', int], ...tail] as const);
// Bilinear(in1_features, in2_features, out_features, bias=True, device=None, dtype=None)
// LazyLinear(out_features, bias=True, device=None, dtype=None)
const lazyLinearArgs = signature('LazyLinear', [['outFeatures', int], ...tail] as const);
const bilinearArgs = signature('Bilinear', [['in1Features', int], ['in2Features', int], ['outFeatures', int], ...tail] as const);

/**
 * Passes its input through unchanged (a placeholder, e.g. replacing a classifier head).
 * Like PyTorch's, it takes and ignores any constructor arguments.
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** y = x W^T + b, initialised as PyTorch does (kaiming_uniform with a = sqrt(5)). */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(...args: ArgsOf<typeof linearArgs>) {
    super();
    const { inFeatures, outFeatures, bias, ...a } = linearArgs.parse(args);
    const dt = a.dtype ?? undefined;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype: dt }));
    this.bias = bias ? new Parameter(empty([outFeatures], { dtype: dt })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/**
 * A Linear whose in_features is inferred from its first input (lazy.ts), then a Linear.
 * Until then in_features is 0 and the parameters are UninitializedParameters.
 */
export class LazyLinear extends Linear implements LazyModule {
  constructor(...args: ArgsOf<typeof lazyLinearArgs>) {
    const { outFeatures, bias, dtype } = lazyLinearArgs.parse(args);
    super(0, 0, { bias: false, dtype });
    const opts = { dtype: dtype ?? undefined };
    this.weight = new UninitializedParameter(true, opts);
    (this as { outFeatures: number }).outFeatures = outFeatures;
    if (bias) this.bias = new UninitializedParameter(true, opts);
    initLazy(this, Linear);
  }

  hasUninitializedParams(): boolean {
    return hasUninitializedParams(this);
  }

  override resetParameters(): void {
    if (!hasUninitializedParams(this) && this.inFeatures !== 0) super.resetParameters();
  }

  initializeParameters(input: Tensor): void {
    if (!hasUninitializedParams(this)) return;
    (this as { inFeatures: number }).inFeatures = input.shape[input.shape.length - 1];
    (this.weight as UninitializedParameter).materialize([this.outFeatures, this.inFeatures]);
    (this.bias as UninitializedParameter | null)?.materialize([this.outFeatures]);
    this.resetParameters();
  }

  protected override upgradeStateDict(sd: StateDict, prefix: string): void {
    materializeFromStateDict(this, sd, prefix);
  }
}

/** y = x1^T A x2 + b. */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(...args: ArgsOf<typeof bilinearArgs>) {
    super();
    const { in1Features, in2Features, outFeatures, bias, ...a } = bilinearArgs.parse(args);
    const dt = a.dtype ?? undefined;
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype: dt }));
    this.bias = bias ? new Parameter(empty([outFeatures], { dtype: dt })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
