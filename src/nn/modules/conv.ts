import { bool, checkTensor, deviceArg, dtype, either, int, intOrList, nullable, signature, string, type ArgsOf, type Check, type ParsedOf } from '../../tensor/args.js';
import { empty } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { ntuple, reverseRepeatTuple } from '../functional/utils.js';
import * as init from '../init.js';
import { Module, type StateDict } from '../module.js';
import { Parameter, UninitializedParameter } from '../parameter.js';
import { pyValue } from '../repr.js';
import { hasUninitializedParams, initLazy, materializeFromStateDict, type LazyModule } from './lazy.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const head = [['inChannels', int], ['outChannels', int], ['kernelSize', intOrList], ['stride', intOrList, 1]] as const;
const tail = [['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null]] as const;
// Any string for the modes: a wrong one gets PyTorch's own message.
const paddingMode = ['paddingMode', string as Check<PaddingMode>, 'zeros'] as const;

// Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
//        padding_mode='zeros', device=None, dtype=None); padding may be 'same' or 'valid'.
const convRest = [
  ['padding', either(intOrList, string as Check<'same' | 'valid'>), 0],
  ['dilation', intOrList, 1],
  ['groups', int, 1],
  ['bias', bool, true],
  paddingMode,
  ...tail,
] as const;
const convSpec = [...head, ...convRest] as const;
const conv1dArgs = signature('Conv1d', convSpec);
const conv2dArgs = signature('Conv2d', convSpec);
const conv3dArgs = signature('Conv3d', convSpec);
// ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
//                 bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None)
const convTransposeRest = [
  ['padding', intOrList, 0],
  ['outputPadding', intOrList, 0],
  ['groups', int, 1],
  ['bias', bool, true],
  ['dilation', intOrList, 1],
  paddingMode,
  ...tail,
] as const;
const convTransposeSpec = [...head, ...convTransposeRest] as const;
const convTranspose1dArgs = signature('ConvTranspose1d', convTransposeSpec);
const convTranspose2dArgs = signature('ConvTranspose2d', convTransposeSpec);
const convTranspose3dArgs = signature('ConvTranspose3d', convTransposeSpec);
// The Lazy ones: the same without in_channels (LazyConv2d(out_channels, kernel_size, stride=1, …)).
const lazyHead = [['outChannels', int], ['kernelSize', intOrList], ['stride', intOrList, 1]] as const;
const lazyConvArgs = signature('LazyConv', [...lazyHead, ...convRest] as const);
const lazyConvTransposeArgs = signature('LazyConvTranspose', [...lazyHead, ...convTransposeRest] as const);

type ConvNdArgs = ParsedOf<typeof conv2dArgs> & { outputPadding?: number | readonly number[] };

const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];

/** PyTorch's _ConvNd: argument checks, weight layout, default init and repr. */
abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;
  /** F.pad's argument for non-zero padding modes: (left, right) per dim from the last. */
  protected readonly _reversedPaddingRepeatedTwice: number[];

  constructor(spatial: number, a: ConvNdArgs, transposed: boolean) {
    super();
    const { inChannels, outChannels, groups, padding, paddingMode } = a;
    const stride = ntuple(a.stride, spatial);
    if (groups <= 0) throw new RangeError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new RangeError(`Invalid padding string '${String(padding)}', should be one of {'same', 'valid'}`);
      if (padding === 'same' && stride.some((s) => s !== 1)) throw new RangeError("padding='same' is not supported for strided convolutions");
    }
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new RangeError(`padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${String(paddingMode)}'`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = ntuple(a.kernelSize, spatial);
    this.stride = stride;
    this.padding = typeof padding === 'string' ? padding : ntuple(padding, spatial);
    this.dilation = ntuple(a.dilation, spatial);
    this.transposed = transposed;
    this.outputPadding = ntuple(a.outputPadding ?? 0, spatial);
    this.groups = groups;
    this.paddingMode = paddingMode;
    let reversed: number[];
    if (this.padding === 'same') {
      // Total padding d*(k-1) per dim, the odd cell on the right, from the last dim.
      reversed = new Array<number>(2 * spatial).fill(0);
      for (let i = 0; i < spatial; i++) {
        const total = this.dilation[i] * (this.kernelSize[i] - 1);
        const j = spatial - 1 - i;
        reversed[2 * j] = Math.floor(total / 2);
        reversed[2 * j + 1] = total - Math.floor(total / 2);
      }
    } else {
      reversed = reverseRepeatTuple(this.padding === 'valid' ? new Array<number>(spatial).fill(0) : this.padding);
    }
    this._reversedPaddingRepeatedTwice = reversed;
    const shape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    const dt = a.dtype ?? undefined;
    this.weight = new Parameter(empty(shape, { dtype: dt }));
    this.bias = a.bias ? new Parameter(empty([outChannels], { dtype: dt })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extraRepr(): string {
    const list = (v: number[]) => pyValue(v);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${list(this.kernelSize)}, stride=${list(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${list(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${list(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${list(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  /** Non-zero padding modes pad explicitly, then convolve without padding. */
  protected convForward(x: Tensor, conv: typeof F.conv1d): Tensor {
    if (this.paddingMode !== 'zeros') {
      const padded = F.pad(x, this._reversedPaddingRepeatedTwice, this.paddingMode);
      return conv(padded, this.weight, this.bias, this.stride, 0, this.dilation, this.groups);
    }
    return conv(x, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

/** 1-D cross-correlation over [N, C, L] (or [C, L]) inputs. */
export class Conv1d extends ConvNd {
  constructor(...args: ArgsOf<typeof conv1dArgs>) {
    super(1, conv1dArgs.parse(args), false);
  }
  override forward(x: Tensor): Tensor {
    return this.convForward(x, F.conv1d);
  }
}

/** 2-D cross-correlation over [N, C, H, W] (or [C, H, W]) inputs. */
export class Conv2d extends ConvNd {
  constructor(...args: ArgsOf<typeof conv2dArgs>) {
    super(2, conv2dArgs.parse(args), false);
  }
  override forward(x: Tensor): Tensor {
    return this.convForward(x, F.conv2d);
  }
}

/** 3-D cross-correlation over [N, C, D, H, W] (or [C, D, H, W]) inputs. */
export class Conv3d extends ConvNd {
  constructor(...args: ArgsOf<typeof conv3dArgs>) {
    super(3, conv3dArgs.parse(args), false);
  }
  override forward(x: Tensor): Tensor {
    return this.convForward(x, F.conv3d);
  }
}

abstract class ConvTransposeNd extends ConvNd {
  constructor(spatial: number, a: ParsedOf<typeof convTranspose2dArgs>) {
    if (a.paddingMode !== 'zeros') throw new RangeError(`Only "zeros" padding mode is supported for ${new.target.name}`);
    super(spatial, a, true);
  }

  /** PyTorch's _output_padding: the output_padding that yields a requested output size. */
  protected outputPaddingFor(x: Tensor, outputSize: readonly number[] | undefined): number[] {
    if (outputSize === undefined) return this.outputPadding;
    const spatial = this.kernelSize.length;
    const nonSpatial = x.dim() === spatial + 2 ? 2 : 1;
    let size = outputSize.slice();
    if (size.length === nonSpatial + spatial) size = size.slice(nonSpatial);
    if (size.length !== spatial) {
      throw new RangeError(
        `ConvTranspose${spatial}D: for ${x.dim()}D input, output_size must have ${spatial} or ${nonSpatial + spatial} elements (got ${outputSize.length})`,
      );
    }
    const padding = this.padding as number[];
    const minSizes = size.map((_, d) => (x.shape[d + nonSpatial] - 1) * this.stride[d] - 2 * padding[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1);
    const maxSizes = minSizes.map((m, d) => m + this.stride[d] - 1);
    size.forEach((n, i) => {
      if (n < minSizes[i] || n > maxSizes[i]) {
        throw new RangeError(
          `requested an output size of [${size.join(', ')}], but valid sizes range from [${minSizes.join(', ')}] to [${maxSizes.join(', ')}] (for an input of torch.Size([${x.shape.slice(nonSpatial).join(', ')}]))`,
        );
      }
    });
    return size.map((n, d) => n - minSizes[d]);
  }

  protected transposeForward(x: Tensor, outputSize: readonly number[] | undefined, conv: typeof F.convTranspose1d): Tensor {
    if (outputSize !== undefined) checkTensor(`conv_transpose${this.kernelSize.length}d`, 'input', 1, x);
    return conv(x, this.weight, this.bias, this.stride, this.padding as number[], this.outputPaddingFor(x, outputSize), this.groups, this.dilation);
  }
}

/** The gradient of Conv1d with respect to its input, as a layer (a "deconvolution"). */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(...args: ArgsOf<typeof convTranspose1dArgs>) {
    super(1, convTranspose1dArgs.parse(args));
  }
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return this.transposeForward(x, outputSize, F.convTranspose1d);
  }
}

/** The gradient of Conv2d with respect to its input, as a layer (a "deconvolution"). */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(...args: ArgsOf<typeof convTranspose2dArgs>) {
    super(2, convTranspose2dArgs.parse(args));
  }
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return this.transposeForward(x, outputSize, F.convTranspose2d);
  }
}

/** The gradient of Conv3d with respect to its input, as a layer (a "deconvolution"). */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(...args: ArgsOf<typeof convTranspose3dArgs>) {
    super(3, convTranspose3dArgs.parse(args));
  }
  override forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return this.transposeForward(x, outputSize, F.convTranspose3d);
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type ConvClass = new (...args: never) => ConvNd;

/**
 * LazyConv1d/2d/3d and LazyConvTranspose1d/2d/3d (lazy.ts): `Base` with in_channels inferred
 * from the first input (dim 1 of a batched input, dim 0 of an unbatched one).
 */
function lazyConv<B extends ConvClass>(Base: B, name: string, parse: (args: unknown[]) => ParsedOf<typeof lazyConvTransposeArgs> | ParsedOf<typeof lazyConvArgs>) {
  const Eager = Base as unknown as new (...args: unknown[]) => ConvNd;
  const cls = class extends Eager implements LazyModule {
    constructor(...args: unknown[]) {
      const { outChannels, kernelSize, bias, ...rest } = parse(args);
      // bias=False here: the uninitialized ones replace the eager ones, drawing nothing.
      super(0, 0, kernelSize, { ...rest, bias: false });
      const opts = { dtype: rest.dtype ?? undefined };
      (this as Mutable<ConvNd>).outChannels = outChannels;
      this.weight = new UninitializedParameter(true, opts);
      if (bias) this.bias = new UninitializedParameter(true, opts);
      initLazy(this, Base);
    }

    hasUninitializedParams(): boolean {
      return hasUninitializedParams(this);
    }

    override resetParameters(): void {
      if (!hasUninitializedParams(this) && this.inChannels !== 0) super.resetParameters();
    }

    initializeParameters(x: Tensor): void {
      if (!hasUninitializedParams(this)) return;
      const spatial = this.kernelSize.length;
      if (x.dim() !== spatial + 1 && x.dim() !== spatial + 2) {
        throw new Error(`Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${name}, but got input of size: torch.Size([${x.shape.join(', ')}])`);
      }
      const inChannels = x.shape[x.dim() === spatial + 2 ? 1 : 0];
      if (inChannels % this.groups !== 0) throw new RangeError('in_channels must be divisible by groups');
      (this as Mutable<ConvNd>).inChannels = inChannels;
      const [out, groups, k] = [this.outChannels, this.groups, this.kernelSize];
      (this.weight as UninitializedParameter).materialize(this.transposed ? [inChannels, out / groups, ...k] : [out, inChannels / groups, ...k]);
      (this.bias as UninitializedParameter | null)?.materialize([out]);
      this.resetParameters();
    }

    protected override upgradeStateDict(sd: StateDict, prefix: string): void {
      materializeFromStateDict(this, sd, prefix);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls as unknown as new (...args: ArgsOf<typeof lazyConvArgs>) => InstanceType<B> & LazyModule;
}

const lazy = (args: unknown[]) => lazyConvArgs.parse(args as ArgsOf<typeof lazyConvArgs>);
const lazyT = (args: unknown[]) => lazyConvTransposeArgs.parse(args as ArgsOf<typeof lazyConvTransposeArgs>);
export const LazyConv1d = lazyConv(Conv1d, 'LazyConv1d', lazy);
export const LazyConv2d = lazyConv(Conv2d, 'LazyConv2d', lazy);
export const LazyConv3d = lazyConv(Conv3d, 'LazyConv3d', lazy);
export const LazyConvTranspose1d = lazyConv(ConvTranspose1d, 'LazyConvTranspose1d', lazyT) as unknown as new (...args: ArgsOf<typeof lazyConvTransposeArgs>) => ConvTranspose1d & LazyModule;
export const LazyConvTranspose2d = lazyConv(ConvTranspose2d, 'LazyConvTranspose2d', lazyT) as unknown as new (...args: ArgsOf<typeof lazyConvTransposeArgs>) => ConvTranspose2d & LazyModule;
export const LazyConvTranspose3d = lazyConv(ConvTranspose3d, 'LazyConvTranspose3d', lazyT) as unknown as new (...args: ArgsOf<typeof lazyConvTransposeArgs>) => ConvTranspose3d & LazyModule;
export type LazyConv1d = Conv1d & LazyModule;
export type LazyConv2d = Conv2d & LazyModule;
export type LazyConv3d = Conv3d & LazyModule;
export type LazyConvTranspose1d = ConvTranspose1d & LazyModule;
export type LazyConvTranspose2d = ConvTranspose2d & LazyModule;
export type LazyConvTranspose3d = ConvTranspose3d & LazyModule;
