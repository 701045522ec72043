import { bool, int, intOrList, nullable, number, numberOrList, signature, tensor, type ArgsOf, type ParsedOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import type { PoolResult } from '../functional/pooling.js';
import { intOrListOrNull, ntuple, outputSize, single, type ArgsWith, type IntOrList, type OutputSize } from '../functional/utils.js';
import { Module } from '../module.js';
import { pyValue } from '../repr.js';

export type { PoolResult };

const kernelSize = ['kernelSize', intOrList] as const;
/** Default (null): the kernel size. */
const stride = ['stride', intOrListOrNull, null] as const;
const padding = ['padding', intOrList, 0] as const;

// MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)
const maxPoolSpec = [kernelSize, stride, padding, ['dilation', intOrList, 1], ['returnIndices', bool, false], ['ceilMode', bool, false]] as const;
const maxPool1dArgs = signature('MaxPool1d', maxPoolSpec);
const maxPool2dArgs = signature('MaxPool2d', maxPoolSpec);
// AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)
const avgPoolSpec = [kernelSize, stride, padding, ['ceilMode', bool, false], ['countIncludePad', bool, true]] as const;
const avgPool1dArgs = signature('AvgPool1d', avgPoolSpec);
// AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)
const avgPool2dArgs = signature('AvgPool2d', [...avgPoolSpec, ['divisorOverride', nullable(int), null]] as const);
const adaptiveAvgPool1dArgs = signature('AdaptiveAvgPool1d', [['outputSize', intOrList]] as const);
const adaptiveAvgPool2dArgs = signature('AdaptiveAvgPool2d', [['outputSize', outputSize]] as const);
const adaptiveMaxPool1dArgs = signature('AdaptiveMaxPool1d', [['outputSize', intOrList], ['returnIndices', bool, false]] as const);
const adaptiveMaxPool2dArgs = signature('AdaptiveMaxPool2d', [['outputSize', outputSize], ['returnIndices', bool, false]] as const);

/** PyTorch's _MaxPoolNd: keeps the arguments as given (they print that way). */
abstract class MaxPoolNd<WithIndices extends boolean> extends Module {
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList;
  readonly padding: IntOrList;
  readonly dilation: IntOrList;
  readonly returnIndices: WithIndices;
  readonly ceilMode: boolean;

  constructor(a: ParsedOf<typeof maxPool2dArgs>) {
    super();
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.dilation = a.dilation;
    this.returnIndices = a.returnIndices as WithIndices;
    this.ceilMode = a.ceilMode;
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}

export class MaxPool1d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(...args: ArgsWith<typeof maxPool1dArgs, 'returnIndices', WithIndices>) {
    super(maxPool1dArgs.parse(args));
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.maxPool1d(x, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices);
  }
}

export class MaxPool2d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(...args: ArgsWith<typeof maxPool2dArgs, 'returnIndices', WithIndices>) {
    super(maxPool2dArgs.parse(args));
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.maxPool2d(x, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices);
  }
}

/** AvgPool1d keeps its sizes as 1-tuples (PyTorch's _single), so they print as (k,). */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(...args: ArgsOf<typeof avgPool1dArgs>) {
    super();
    const a = avgPool1dArgs.parse(args);
    this.kernelSize = single(a.kernelSize);
    this.stride = single(a.stride ?? a.kernelSize);
    this.padding = single(a.padding);
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/** PyTorch's AvgPool2d/3d fields (stride defaults to the kernel size) and repr. */
abstract class AvgPoolNd extends Module {
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList;
  readonly padding: IntOrList;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(a: { kernelSize: IntOrList; stride: IntOrList | null; padding: IntOrList; ceilMode: boolean; countIncludePad: boolean; divisorOverride: number | null }) {
    super();
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
    this.divisorOverride = a.divisorOverride;
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

export class AvgPool2d extends AvgPoolNd {
  constructor(...args: ArgsOf<typeof avgPool2dArgs>) {
    super(avgPool2dArgs.parse(args));
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
}

/** PyTorch's _AdaptiveAvgPoolNd: the output size as given (it prints that way). */
abstract class AdaptiveAvgPoolNd<Size> extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}

/** Averages each plane down to outputSize (null: keep that input size). */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd<OutputSize> {
  constructor(...args: ArgsOf<typeof adaptiveAvgPool2dArgs>) {
    super(adaptiveAvgPool2dArgs.parse(args).outputSize);
  }
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd<IntOrList> {
  constructor(...args: ArgsOf<typeof adaptiveAvgPool1dArgs>) {
    super(adaptiveAvgPool1dArgs.parse(args).outputSize);
  }
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** PyTorch's _AdaptiveMaxPoolNd: the output size as given and return_indices. */
abstract class AdaptiveMaxPoolNd<Size, WithIndices extends boolean> extends Module {
  constructor(
    readonly outputSize: Size,
    readonly returnIndices: WithIndices,
  ) {
    super();
  }
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}

export class AdaptiveMaxPool2d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<OutputSize, WithIndices> {
  constructor(...args: ArgsWith<typeof adaptiveMaxPool2dArgs, 'returnIndices', WithIndices>) {
    const a = adaptiveMaxPool2dArgs.parse(args);
    super(a.outputSize, a.returnIndices as WithIndices);
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.adaptiveMaxPool2d(x, this.outputSize, this.returnIndices);
  }
}

export class AdaptiveMaxPool1d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<IntOrList, WithIndices> {
  constructor(...args: ArgsWith<typeof adaptiveMaxPool1dArgs, 'returnIndices', WithIndices>) {
    const a = adaptiveMaxPool1dArgs.parse(args);
    super(a.outputSize, a.returnIndices as WithIndices);
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.adaptiveMaxPool1d(x, this.outputSize, this.returnIndices);
  }
}

// --- 3-D ---

const maxPool3dArgs = signature('MaxPool3d', maxPoolSpec);
const avgPool3dArgs = signature('AvgPool3d', [...avgPoolSpec, ['divisorOverride', nullable(int), null]] as const);
const adaptiveAvgPool3dArgs = signature('AdaptiveAvgPool3d', [['outputSize', outputSize]] as const);
const adaptiveMaxPool3dArgs = signature('AdaptiveMaxPool3d', [['outputSize', outputSize], ['returnIndices', bool, false]] as const);

export class MaxPool3d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(...args: ArgsWith<typeof maxPool3dArgs, 'returnIndices', WithIndices>) {
    super(maxPool3dArgs.parse(args));
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.maxPool3d(x, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices);
  }
}

export class AvgPool3d extends AvgPoolNd {
  constructor(...args: ArgsOf<typeof avgPool3dArgs>) {
    super(avgPool3dArgs.parse(args));
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool3d(x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
}

export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd<OutputSize> {
  constructor(...args: ArgsOf<typeof adaptiveAvgPool3dArgs>) {
    super(adaptiveAvgPool3dArgs.parse(args).outputSize);
  }
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool3d(x, this.outputSize);
  }
}

export class AdaptiveMaxPool3d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<OutputSize, WithIndices> {
  constructor(...args: ArgsWith<typeof adaptiveMaxPool3dArgs, 'returnIndices', WithIndices>) {
    const a = adaptiveMaxPool3dArgs.parse(args);
    super(a.outputSize, a.returnIndices as WithIndices);
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.adaptiveMaxPool3d(x, this.outputSize, this.returnIndices);
  }
}

// --- max unpooling ---

// MaxUnpool2d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None)
const unpoolSpec = [kernelSize, stride, padding] as const;
const maxUnpool1dArgs = signature('MaxUnpool1d', unpoolSpec);
const maxUnpool2dArgs = signature('MaxUnpool2d', unpoolSpec);
const maxUnpool3dArgs = signature('MaxUnpool3d', unpoolSpec);

/** PyTorch's _MaxUnpoolNd: the sizes kept as n-tuples (they print that way). */
abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];

  constructor(a: ParsedOf<typeof maxUnpool2dArgs>, n: number) {
    super();
    this.kernelSize = ntuple(a.kernelSize, n);
    this.stride = ntuple(a.stride ?? a.kernelSize, n);
    this.padding = ntuple(a.padding, n);
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/** The partial inverse of MaxPool1d: values back at their argmax, zeros elsewhere. */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(...args: ArgsOf<typeof maxUnpool1dArgs>) {
    super(maxUnpool1dArgs.parse(args), 1);
  }
  override forward(x: Tensor, indices: Tensor, outputSize: IntOrList | null = null): Tensor {
    return F.maxUnpool1d(x, indices, this.kernelSize, this.stride, this.padding, outputSize);
  }
}

/** The partial inverse of MaxPool2d. */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(...args: ArgsOf<typeof maxUnpool2dArgs>) {
    super(maxUnpool2dArgs.parse(args), 2);
  }
  override forward(x: Tensor, indices: Tensor, outputSize: IntOrList | null = null): Tensor {
    return F.maxUnpool2d(x, indices, this.kernelSize, this.stride, this.padding, outputSize);
  }
}

/** The partial inverse of MaxPool3d. */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(...args: ArgsOf<typeof maxUnpool3dArgs>) {
    super(maxUnpool3dArgs.parse(args), 3);
  }
  override forward(x: Tensor, indices: Tensor, outputSize: IntOrList | null = null): Tensor {
    return F.maxUnpool3d(x, indices, this.kernelSize, this.stride, this.padding, outputSize);
  }
}

// --- power-average pooling ---

// LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False)
const lpPoolSpec = [['normType', number], kernelSize, stride, ['ceilMode', bool, false]] as const;
const lpPool1dArgs = signature('LPPool1d', lpPoolSpec);
const lpPool2dArgs = signature('LPPool2d', lpPoolSpec);

/** PyTorch's _LPPoolNd: the arguments as given. */
abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList | null;
  readonly ceilMode: boolean;

  constructor(a: ParsedOf<typeof lpPool2dArgs>) {
    super();
    this.normType = a.normType;
    this.kernelSize = a.kernelSize;
    this.stride = a.stride;
    this.ceilMode = a.ceilMode;
  }

  override extraRepr(): string {
    return `norm_type=${pyValue(this.normType)}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}

/** (sum over each window of x^p)^(1/p) over [N, C, L] inputs. */
export class LPPool1d extends LPPoolNd {
  constructor(...args: ArgsOf<typeof lpPool1dArgs>) {
    super(lpPool1dArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.lpPool1d(x, this.normType, this.kernelSize, this.stride, this.ceilMode);
  }
}

/** (sum over each window of x^p)^(1/p) over [N, C, H, W] inputs. */
export class LPPool2d extends LPPoolNd {
  constructor(...args: ArgsOf<typeof lpPool2dArgs>) {
    super(lpPool2dArgs.parse(args));
  }
  override forward(x: Tensor): Tensor {
    return F.lpPool2d(x, this.normType, this.kernelSize, this.stride, this.ceilMode);
  }
}

// --- fractional max pooling ---

// FractionalMaxPool2d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None)
const fractionalSpec = [
  kernelSize, ['outputSize', intOrListOrNull, null], ['outputRatio', nullable(numberOrList), null],
  ['returnIndices', bool, false], ['_randomSamples', nullable(tensor), null],
] as const;
const fractionalMaxPool2dArgs = signature('FractionalMaxPool2d', fractionalSpec);
const fractionalMaxPool3dArgs = signature('FractionalMaxPool3d', fractionalSpec);

/** PyTorch's FractionalMaxPool2d/3d: n-tuples, exactly one of output size and ratio. */
abstract class FractionalMaxPoolNd<WithIndices extends boolean> extends Module {
  readonly kernelSize: number[];
  readonly outputSize: number[] | null;
  readonly outputRatio: number[] | null;
  readonly returnIndices: WithIndices;
  declare _random_samples: Tensor | null;

  constructor(a: ParsedOf<typeof fractionalMaxPool2dArgs>, n: number) {
    super();
    const name = new.target.name;
    this.kernelSize = ntuple(a.kernelSize, n);
    this.returnIndices = a.returnIndices as WithIndices;
    this.registerBuffer('_random_samples', a._randomSamples);
    this.outputSize = a.outputSize === null ? null : ntuple(a.outputSize, n);
    this.outputRatio = a.outputRatio === null ? null : typeof a.outputRatio === 'number' ? new Array<number>(n).fill(a.outputRatio) : a.outputRatio.slice();
    if (a.outputSize === null && a.outputRatio === null) throw new RangeError(`${name} requires specifying either an output size, or a pooling ratio`);
    if (a.outputSize !== null && a.outputRatio !== null) throw new RangeError('only one of output_size and output_ratio may be specified');
    if (this.outputRatio !== null && !this.outputRatio.every((r) => r > 0 && r < 1)) {
      const shown = typeof a.outputRatio === 'number' ? String(a.outputRatio) : pyValue(a.outputRatio, true);
      throw new RangeError(`output_ratio must be between 0 and 1 (got ${shown})`);
    }
  }
}

export class FractionalMaxPool2d<WithIndices extends boolean = false> extends FractionalMaxPoolNd<WithIndices> {
  constructor(...args: ArgsWith<typeof fractionalMaxPool2dArgs, 'returnIndices', WithIndices>) {
    super(fractionalMaxPool2dArgs.parse(args), 2);
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.fractionalMaxPool2d(x, this.kernelSize, this.outputSize, this.outputRatio, this.returnIndices, this._random_samples);
  }
}

export class FractionalMaxPool3d<WithIndices extends boolean = false> extends FractionalMaxPoolNd<WithIndices> {
  constructor(...args: ArgsWith<typeof fractionalMaxPool3dArgs, 'returnIndices', WithIndices>) {
    super(fractionalMaxPool3dArgs.parse(args), 3);
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.fractionalMaxPool3d(x, this.kernelSize, this.outputSize, this.outputRatio, this.returnIndices, this._random_samples);
  }
}
