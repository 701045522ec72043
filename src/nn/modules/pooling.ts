import { bool, int, intOrList, nullable, signature, type ArgsOf, type ParsedOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import type { PoolResult } from '../functional/pooling.js';
import { intOrListOrNull, outputSize, single, type ArgsWith, type IntOrList, type OutputSize } from '../functional/utils.js';
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

export class AvgPool2d extends Module {
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList;
  readonly padding: IntOrList;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(...args: ArgsOf<typeof avgPool2dArgs>) {
    super();
    const a = avgPool2dArgs.parse(args);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
    this.divisorOverride = a.divisorOverride;
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
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
