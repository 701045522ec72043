// torch.nn upsampling layers (torch/nn/modules/upsampling.py): Upsample and its fixed-mode
// subclasses UpsamplingNearest2d and UpsamplingBilinear2d, thin modules over F.interpolate.
import { bool, nullable, numberOrList, string, signature, type ArgsOf, type Check } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { interpolate, sizeCheck, type InterpolateMode } from '../functional/interpolate.js';
import { Module } from '../module.js';
import { pyValue } from '../repr.js';

const sizeParam = ['size', sizeCheck, null] as const;
const scaleParam = ['scaleFactor', nullable(numberOrList), null] as const;
const upsampleArgs = signature('Upsample', [
  sizeParam,
  scaleParam,
  ['mode', string as Check<InterpolateMode>, 'nearest'],
  ['alignCorners', nullable(bool), null],
  ['recomputeScaleFactor', nullable(bool), null],
] as const);
const upsamplingNearest2dArgs = signature('UpsamplingNearest2d', [sizeParam, scaleParam] as const);
const upsamplingBilinear2dArgs = signature('UpsamplingBilinear2d', [sizeParam, scaleParam] as const);

interface UpsampleConfig {
  size: number | readonly number[] | null;
  scaleFactor: number | readonly number[] | null;
  mode: InterpolateMode;
  alignCorners: boolean | null;
  recomputeScaleFactor: boolean | null;
}

/**
 * Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None): F.interpolate as a layer.
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  /** Held as floats (PyTorch's float(scale_factor)); a zero scale counts as none. */
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(...args: ArgsOf<typeof upsampleArgs>) {
    super();
    const a: UpsampleConfig = (this.constructor as { parseArgs?: (args: readonly unknown[]) => UpsampleConfig }).parseArgs?.(args) ?? upsampleArgs.parse(args);
    this.size = a.size;
    this.scaleFactor = Array.isArray(a.scaleFactor) ? a.scaleFactor.slice() : a.scaleFactor ? a.scaleFactor : null;
    this.mode = a.mode;
    this.alignCorners = a.alignCorners;
    this.recomputeScaleFactor = a.recomputeScaleFactor;
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, this.size, this.scaleFactor, this.mode, this.alignCorners, { recomputeScaleFactor: this.recomputeScaleFactor });
  }

  override extraRepr(): string {
    const info = this.scaleFactor !== null ? `scale_factor=${pyValue(this.scaleFactor, true)}` : `size=${pyValue(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

/** UpsamplingNearest2d(size=None, scale_factor=None): Upsample with mode='nearest'. */
export class UpsamplingNearest2d extends Upsample {
  static parseArgs(args: readonly unknown[]): UpsampleConfig {
    const { size, scaleFactor } = upsamplingNearest2dArgs.parse(args);
    return { size, scaleFactor, mode: 'nearest', alignCorners: null, recomputeScaleFactor: null };
  }
  constructor(...args: ArgsOf<typeof upsamplingNearest2dArgs>) {
    super(...(args as ArgsOf<typeof upsampleArgs>));
  }
}

/** UpsamplingBilinear2d(size=None, scale_factor=None): Upsample with mode='bilinear', align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  static parseArgs(args: readonly unknown[]): UpsampleConfig {
    const { size, scaleFactor } = upsamplingBilinear2dArgs.parse(args);
    return { size, scaleFactor, mode: 'bilinear', alignCorners: true, recomputeScaleFactor: null };
  }
  constructor(...args: ArgsOf<typeof upsamplingBilinear2dArgs>) {
    super(...(args as ArgsOf<typeof upsampleArgs>));
  }
}
