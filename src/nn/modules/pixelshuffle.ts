// torch.nn PixelShuffle, PixelUnshuffle and ChannelShuffle: thin modules over nn.functional.
import { int, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { channelShuffle, pixelShuffle, pixelUnshuffle } from '../functional/shuffle.js';
import { Module } from '../module.js';

const pixelShuffleArgs = signature('PixelShuffle', [['upscaleFactor', int]] as const);
const pixelUnshuffleArgs = signature('PixelUnshuffle', [['downscaleFactor', int]] as const);
const channelShuffleArgs = signature('ChannelShuffle', [['groups', int]] as const);

/** PixelShuffle(upscale_factor): (*, C r², H, W) -> (*, C, H r, W r). */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;
  constructor(...args: ArgsOf<typeof pixelShuffleArgs>) {
    super();
    this.upscaleFactor = pixelShuffleArgs.parse(args).upscaleFactor;
  }
  override forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** PixelUnshuffle(downscale_factor): (*, C, H r, W r) -> (*, C r², H, W). */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;
  constructor(...args: ArgsOf<typeof pixelUnshuffleArgs>) {
    super();
    this.downscaleFactor = pixelUnshuffleArgs.parse(args).downscaleFactor;
  }
  override forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/** ChannelShuffle(groups): regroups the channels (dim 1) as (C / g, g). */
export class ChannelShuffle extends Module {
  readonly groups: number;
  constructor(...args: ArgsOf<typeof channelShuffleArgs>) {
    super();
    this.groups = channelShuffleArgs.parse(args).groups;
  }
  override forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
