// torchvision.ops building blocks the classification models share: Conv2dNormActivation,
// SqueezeExcitation, StochasticDepth, and torchvision's _make_divisible.
import * as nn from '../../nn/index.js';
import { pyFloat } from '../../nn/repr.js';
import { any, signature } from '../../tensor/args.js';
import { empty } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';

/** A layer factory, as torchvision passes `norm_layer` / `activation_layer` callables. */
export type NormLayer = (channels: number) => nn.Module;
export type ActivationLayer = () => nn.Module;

export interface Conv2dNormActivationOptions {
  kernelSize?: number;
  stride?: number;
  /** Default: (kernelSize - 1) / 2 * dilation, rounded down. */
  padding?: number;
  groups?: number;
  /** Default BatchNorm2d; null for none. */
  normLayer?: NormLayer | null;
  /** Default ReLU (in place); 'relu6' is shorthand for ReLU6; null for none. */
  activation?: 'relu' | 'relu6' | ActivationLayer | null;
  dilation?: number;
  /** Default: a bias only when there is no norm layer. */
  bias?: boolean;
}

/** Conv2d + norm + activation as one Sequential (torchvision.ops.Conv2dNormActivation). */
export class Conv2dNormActivation extends nn.Sequential {
  readonly outChannels: number;

  constructor(inChannels: number, outChannels: number, opts: Conv2dNormActivationOptions = {}) {
    const k = opts.kernelSize ?? 3;
    const dilation = opts.dilation ?? 1;
    const normLayer = opts.normLayer === undefined ? (c: number) => new nn.BatchNorm2d(c) : opts.normLayer;
    const conv = new nn.Conv2d(inChannels, outChannels, k, {
      stride: opts.stride ?? 1,
      padding: opts.padding ?? Math.floor((k - 1) / 2) * dilation,
      dilation,
      groups: opts.groups ?? 1,
      bias: opts.bias ?? normLayer === null,
    });
    const layers: nn.Module[] = [conv];
    if (normLayer !== null) layers.push(normLayer(outChannels));
    const act = opts.activation === undefined ? 'relu' : opts.activation;
    if (act === 'relu') layers.push(new nn.ReLU(true));
    else if (act === 'relu6') layers.push(new nn.ReLU6(true));
    else if (act !== null) layers.push(act());
    super(...layers);
    this.outChannels = outChannels;
  }
}

/** Squeeze-and-Excitation: x * scale_activation(fc2(activation(fc1(avgpool(x))))). */
export class SqueezeExcitation extends nn.Module {
  avgpool: nn.AdaptiveAvgPool2d;
  fc1: nn.Conv2d;
  fc2: nn.Conv2d;
  activation: nn.Module;
  scale_activation: nn.Module;

  constructor(inputChannels: number, squeezeChannels: number, activation: ActivationLayer = () => new nn.ReLU(), scaleActivation: ActivationLayer = () => new nn.Sigmoid()) {
    super();
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.fc1 = new nn.Conv2d(inputChannels, squeezeChannels, 1);
    this.fc2 = new nn.Conv2d(squeezeChannels, inputChannels, 1);
    this.activation = activation();
    this.scale_activation = scaleActivation();
  }

  override forward(input: Tensor): Tensor {
    let scale = this.fc1.forward(this.avgpool.forward(input));
    scale = this.fc2.forward(this.activation.forward(scale) as Tensor);
    return (this.scale_activation.forward(scale) as Tensor).mul(input);
  }
}

/**
 * torchvision.ops.stochastic_depth: in training, zeroes the whole input ('batch') or whole rows
 * ('row') with probability p and scales survivors by 1/(1-p); the mask is drawn as torchvision
 * draws it (bernoulli_ on a fresh tensor), so seeded runs drop the same rows.
 */
export function stochasticDepth(input: Tensor, p: number, mode: 'batch' | 'row', training = true): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`drop probability has to be between 0 and 1, but got ${p}`);
  if (mode !== 'batch' && mode !== 'row') throw new RangeError(`mode has to be either 'batch' or 'row', but got ${String(mode)}`);
  if (!training || p === 0) return input;
  const survivalRate = 1 - p;
  const size = mode === 'row' ? [input.shape[0], ...input.shape.slice(1).map(() => 1)] : input.shape.map(() => 1);
  const noise = empty(size, { dtype: input.dtype }).bernoulli_(survivalRate);
  if (survivalRate > 0) noise.div_(survivalRate);
  return input.mul(noise);
}

/** torchvision.ops.StochasticDepth(p, mode). */
export class StochasticDepth extends nn.Module {
  constructor(readonly p: number, readonly mode: 'batch' | 'row') {
    super();
  }

  override forward(input: Tensor): Tensor {
    return stochasticDepth(input, this.p, this.mode, this.training);
  }

  override toString(): string {
    return `StochasticDepth(p=${pyFloat(this.p)}, mode=${this.mode})`;
  }
}

/** torchvision's _make_divisible: round to a multiple of `divisor`, never below 90% of v. */
export function makeDivisible(v: number, divisor: number, minValue?: number): number {
  let newV = Math.max(minValue ?? divisor, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

/** Activation factories used across the model files. */
export const activations = {
  relu: (): nn.Module => new nn.ReLU(true),
  hardswish: (): nn.Module => new nn.Hardswish(true),
  silu: (): nn.Module => new nn.SiLU(true),
  gelu: (): nn.Module => new nn.GELU(),
} as const;

/** torchvision.ops.misc.Permute: a view with the dimensions reordered. */
export class Permute extends nn.Module {
  constructor(readonly dims: number[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x.permute(this.dims);
  }
}

/**
 * torchvision.ops.MLP: Linear - activation - Dropout for each hidden width, then a last Linear
 * and Dropout (the transformer models build it without norm layers and without inplace).
 */
export class MLP extends nn.Sequential {
  constructor(inChannels: number, hiddenChannels: readonly number[], activation: ActivationLayer = () => new nn.ReLU(), dropout = 0) {
    const layers: nn.Module[] = [];
    let inDim = inChannels;
    for (const hidden of hiddenChannels.slice(0, -1)) {
      layers.push(new nn.Linear(inDim, hidden), activation(), new nn.Dropout(dropout));
      inDim = hidden;
    }
    layers.push(new nn.Linear(inDim, hiddenChannels[hiddenChannels.length - 1]), new nn.Dropout(dropout));
    super(...layers);
  }
}

/**
 * torchlette's name of a torchvision builder: an underscore before a letter capitalises it, one
 * between two digits stays (0_5 is 0.5), the others go: 'regnet_y_1_6gf' -> 'regnetY1_6gf'.
 */
export const builderName = (torchvisionName: string): string =>
  torchvisionName.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/([a-zA-Z])_(\d)/g, '$1$2');

const BUILDER_OPTIONS = ['weights', 'pretrained', 'progress', 'numClasses'] as const;

/**
 * Refuses options a builder does not take (a typo, or a snake_case name, is an error naming
 * the builder and what it accepts, through the shared argument parser) and returns them.
 */
export function builderOptions<T extends object>(builder: string, opts: T, extra: readonly string[] = []): T {
  const keys = [...BUILDER_OPTIONS, ...extra];
  signature(builderName(builder), ['*', ...keys.map((k) => [k, any, undefined] as const)]).parse([opts]);
  return opts;
}
