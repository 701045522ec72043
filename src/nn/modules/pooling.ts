import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { single, type IntOrList, type OutputSize } from '../functional/utils.js';
import { Module } from '../module.js';
import { pyValue } from '../repr.js';

/** What a max-pooling module returns: the values, or [values, indices] with returnIndices. */
export type PoolResult<WithIndices extends boolean> = WithIndices extends true ? [Tensor, Tensor] : Tensor;

export interface MaxPoolModuleOptions<WithIndices extends boolean> {
  /** Default: the kernel size. */
  stride?: IntOrList | null;
  padding?: IntOrList;
  dilation?: IntOrList;
  returnIndices?: WithIndices;
  ceilMode?: boolean;
}

/** PyTorch's _MaxPoolNd: keeps the arguments as given (they print that way). */
abstract class MaxPoolNd<WithIndices extends boolean> extends Module {
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList;
  readonly padding: IntOrList;
  readonly dilation: IntOrList;
  readonly returnIndices: WithIndices;
  readonly ceilMode: boolean;

  constructor(kernelSize: IntOrList, opts: MaxPoolModuleOptions<WithIndices>) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = (opts.returnIndices ?? false) as WithIndices;
    this.ceilMode = opts.ceilMode ?? false;
  }

  protected get options() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}

export class MaxPool1d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(kernelSize: IntOrList, opts: MaxPoolModuleOptions<WithIndices> = {}) {
    super(kernelSize, opts);
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.maxPool1d(x, this.kernelSize, this.options) as PoolResult<WithIndices>;
  }
}

export class MaxPool2d<WithIndices extends boolean = false> extends MaxPoolNd<WithIndices> {
  constructor(kernelSize: IntOrList, opts: MaxPoolModuleOptions<WithIndices> = {}) {
    super(kernelSize, opts);
  }
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.maxPool2d(x, this.kernelSize, this.options) as PoolResult<WithIndices>;
  }
}

export interface AvgPoolModuleOptions {
  stride?: IntOrList | null;
  padding?: IntOrList;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** AvgPool1d keeps its sizes as 1-tuples (PyTorch's _single), so they print as (k,). */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: IntOrList, opts: AvgPoolModuleOptions = {}) {
    super();
    this.kernelSize = single(kernelSize);
    this.stride = single(opts.stride ?? kernelSize);
    this.padding = single(opts.padding ?? 0);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

export interface AvgPool2dModuleOptions extends AvgPoolModuleOptions {
  divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList;
  readonly padding: IntOrList;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: IntOrList, opts: AvgPool2dModuleOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
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
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd<IntOrList> {
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** PyTorch's _AdaptiveMaxPoolNd: the output size as given and return_indices. */
abstract class AdaptiveMaxPoolNd<Size, WithIndices extends boolean> extends Module {
  readonly returnIndices: WithIndices;
  constructor(readonly outputSize: Size, opts: { returnIndices?: WithIndices } = {}) {
    super();
    this.returnIndices = (opts.returnIndices ?? false) as WithIndices;
  }
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}

export class AdaptiveMaxPool2d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<OutputSize, WithIndices> {
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<WithIndices>;
  }
}

export class AdaptiveMaxPool1d<WithIndices extends boolean = false> extends AdaptiveMaxPoolNd<IntOrList, WithIndices> {
  override forward(x: Tensor): PoolResult<WithIndices> {
    return F.adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.returnIndices }) as PoolResult<WithIndices>;
  }
}
