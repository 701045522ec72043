// torch.nn padding layers (torch/nn/modules/padding.py): ConstantPad1d/2d/3d, ZeroPad2d,
// ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d — thin modules over F.pad that keep their
// padding as PyTorch's _pair / _quadruple / _ntuple(6) tuple (it prints that way).
import { intOrList, number, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { ntuple } from '../functional/utils.js';
import { Module } from '../module.js';
import { pyValue } from '../repr.js';

type PadMode = 'constant' | 'reflect' | 'replicate';

abstract class PadNd extends Module {
  /** (left, right[, top, bottom[, front, back]]): F.pad's order, from the last dim. */
  readonly padding: readonly number[];
  constructor(
    padding: number | readonly number[],
    n: number,
    private readonly mode: PadMode,
  ) {
    super();
    this.padding = ntuple(padding, n);
  }
  override forward(x: Tensor): Tensor {
    return F.pad(x, this.padding, this.mode);
  }
  override extraRepr(): string {
    return pyValue(this.padding);
  }
}

// --- constant ---

const constantSpec = [['padding', intOrList], ['value', number]] as const;
const constantPad1dArgs = signature('ConstantPad1d', constantSpec);
const constantPad2dArgs = signature('ConstantPad2d', constantSpec);
const constantPad3dArgs = signature('ConstantPad3d', constantSpec);
const zeroPad2dArgs = signature('ZeroPad2d', [['padding', intOrList]] as const);

/** PyTorch's _ConstantPadNd: pads with `value`. */
abstract class ConstantPadNd extends PadNd {
  readonly value: number;
  constructor(padding: number | readonly number[], n: number, value: number) {
    super(padding, n, 'constant');
    this.value = value;
  }
  override forward(x: Tensor): Tensor {
    return F.pad(x, this.padding, 'constant', this.value);
  }
  override extraRepr(): string {
    return `padding=${pyValue(this.padding)}, value=${pyValue(this.value)}`;
  }
}

/** ConstantPad1d(padding, value): pads the last dim. */
export class ConstantPad1d extends ConstantPadNd {
  constructor(...args: ArgsOf<typeof constantPad1dArgs>) {
    const { padding, value } = constantPad1dArgs.parse(args);
    super(padding, 2, value);
  }
}

/** ConstantPad2d(padding, value): pads the last two dims. */
export class ConstantPad2d extends ConstantPadNd {
  constructor(...args: ArgsOf<typeof constantPad2dArgs>) {
    const { padding, value } = constantPad2dArgs.parse(args);
    super(padding, 4, value);
  }
}

/** ConstantPad3d(padding, value): pads the last three dims. */
export class ConstantPad3d extends ConstantPadNd {
  constructor(...args: ArgsOf<typeof constantPad3dArgs>) {
    const { padding, value } = constantPad3dArgs.parse(args);
    super(padding, 6, value);
  }
}

/** ZeroPad2d(padding): ConstantPad2d with value 0; its repr shows only the padding. */
export class ZeroPad2d extends ConstantPad2d {
  constructor(...args: ArgsOf<typeof zeroPad2dArgs>) {
    const { padding } = zeroPad2dArgs.parse(args);
    super(padding, 0);
  }
  override extraRepr(): string {
    return pyValue(this.padding);
  }
}

// --- reflect / replicate ---

const paddingSpec = [['padding', intOrList]] as const;
const reflectionPad1dArgs = signature('ReflectionPad1d', paddingSpec);
const reflectionPad2dArgs = signature('ReflectionPad2d', paddingSpec);
const reflectionPad3dArgs = signature('ReflectionPad3d', paddingSpec);
const replicationPad1dArgs = signature('ReplicationPad1d', paddingSpec);
const replicationPad2dArgs = signature('ReplicationPad2d', paddingSpec);
const replicationPad3dArgs = signature('ReplicationPad3d', paddingSpec);

/** ReflectionPad1d(padding): reflects the last dim about its edges. */
export class ReflectionPad1d extends PadNd {
  constructor(...args: ArgsOf<typeof reflectionPad1dArgs>) {
    super(reflectionPad1dArgs.parse(args).padding, 2, 'reflect');
  }
}

/** ReflectionPad2d(padding): reflects the last two dims. */
export class ReflectionPad2d extends PadNd {
  constructor(...args: ArgsOf<typeof reflectionPad2dArgs>) {
    super(reflectionPad2dArgs.parse(args).padding, 4, 'reflect');
  }
}

/** ReflectionPad3d(padding): reflects the last three dims. */
export class ReflectionPad3d extends PadNd {
  constructor(...args: ArgsOf<typeof reflectionPad3dArgs>) {
    super(reflectionPad3dArgs.parse(args).padding, 6, 'reflect');
  }
}

/** ReplicationPad1d(padding): repeats the edge values of the last dim. */
export class ReplicationPad1d extends PadNd {
  constructor(...args: ArgsOf<typeof replicationPad1dArgs>) {
    super(replicationPad1dArgs.parse(args).padding, 2, 'replicate');
  }
}

/** ReplicationPad2d(padding): repeats the edge values of the last two dims. */
export class ReplicationPad2d extends PadNd {
  constructor(...args: ArgsOf<typeof replicationPad2dArgs>) {
    super(replicationPad2dArgs.parse(args).padding, 4, 'replicate');
  }
}

/** ReplicationPad3d(padding): repeats the edge values of the last three dims. */
export class ReplicationPad3d extends PadNd {
  constructor(...args: ArgsOf<typeof replicationPad3dArgs>) {
    super(replicationPad3dArgs.parse(args).padding, 6, 'replicate');
  }
}
