// pixel_shuffle, pixel_unshuffle and channel_shuffle: pure rearrangements, each a reshape,
// a permute and one copy (a native kernel). The backward of a shuffle is the inverse shuffle.
import { noGrad } from '../../autograd/grad-mode.js';
import { needsGrad, record } from '../../ops/record.js';
import { int, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { Node } from '../../tensor/graph.js';
import type { Tensor } from '../../tensor/tensor.js';

type Grad = Tensor | null;

const pixelShuffleArgs = signature('pixel_shuffle', [['input', tensor], ['upscaleFactor', int]] as const);
const pixelUnshuffleArgs = signature('pixel_unshuffle', [['input', tensor], ['downscaleFactor', int]] as const);
const channelShuffleArgs = signature('channel_shuffle', [['input', tensor], ['groups', int]] as const);

/** (*, C r², H, W) -> (*, C, H r, W r), without autograd. */
function shuffle(x: Tensor, r: number): Tensor {
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  const oc = c / (r * r);
  const n = lead.length;
  const perm = [...lead.keys(), n, n + 3, n + 1, n + 4, n + 2];
  return x
    .reshape([...lead, oc, r, r, h, w])
    .permute(perm)
    .reshape([...lead, oc, h * r, w * r]);
}

/** (*, C, H r, W r) -> (*, C r², H, W), without autograd. */
function unshuffle(x: Tensor, r: number): Tensor {
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  const [oh, ow] = [h / r, w / r];
  const n = lead.length;
  const perm = [...lead.keys(), n, n + 2, n + 4, n + 1, n + 3];
  return x
    .reshape([...lead, c, oh, r, ow, r])
    .permute(perm)
    .reshape([...lead, c * r * r, oh, ow]);
}

class PixelShuffleBackward0 extends Node {
  readonly name = 'PixelShuffleBackward0';
  constructor(private readonly r: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [pixelUnshuffle(g as Tensor, this.r)];
  }
}

class PixelUnshuffleBackward0 extends Node {
  readonly name = 'PixelUnshuffleBackward0';
  constructor(private readonly r: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [pixelShuffle(g as Tensor, this.r)];
  }
}

/** A fresh contiguous result (as PyTorch's kernels return), whatever views the rearrangement made. */
function fresh(x: Tensor, out: Tensor): Tensor {
  return out._storage === x._storage ? out.clone() : out;
}

/** pixel_shuffle(input, upscale_factor): (*, C r², H, W) -> (*, C, H r, W r). */
export function pixelShuffle(...args: ArgsOf<typeof pixelShuffleArgs>): Tensor {
  const { input: x, upscaleFactor: r } = pixelShuffleArgs.parse(args);
  if (x.dim() < 3) throw new RangeError(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`);
  if (r <= 0) throw new RangeError(`pixel_shuffle expects a positive upscale_factor, but got ${r}`);
  const c = x.shape[x.dim() - 3];
  if (c % (r * r) !== 0) {
    throw new RangeError(
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`,
    );
  }
  const out = noGrad(() => fresh(x, shuffle(x, r)));
  if (needsGrad(x)) record(new PixelShuffleBackward0(r), [x], [out]);
  return out;
}

/** pixel_unshuffle(input, downscale_factor): (*, C, H r, W r) -> (*, C r², H, W). */
export function pixelUnshuffle(...args: ArgsOf<typeof pixelUnshuffleArgs>): Tensor {
  const { input: x, downscaleFactor: r } = pixelUnshuffleArgs.parse(args);
  if (x.dim() < 3) throw new RangeError(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`);
  if (r <= 0) throw new RangeError(`pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  const [h, w] = x.shape.slice(-2);
  if (h % r !== 0) throw new RangeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
  if (w % r !== 0) throw new RangeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
  const out = noGrad(() => fresh(x, unshuffle(x, r)));
  if (needsGrad(x)) record(new PixelUnshuffleBackward0(r), [x], [out]);
  return out;
}

/**
 * channel_shuffle(input, groups): splits dim 1 into (groups, C / groups) and transposes
 * the two. (PyTorch 1.13 has no backward for it; this one is differentiable, as a reshape,
 * a transpose and a copy.)
 */
export function channelShuffle(...args: ArgsOf<typeof channelShuffleArgs>): Tensor {
  const { input: x, groups } = channelShuffleArgs.parse(args);
  if (x.dim() <= 2) throw new RangeError(`channel_shuffle expects input with > 2 dims, but got input with sizes [${x.shape.join(', ')}]`);
  if (groups <= 0) throw new RangeError(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  const [n, c, ...rest] = x.shape;
  if (c % groups !== 0) throw new RangeError(`Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`);
  return x
    .reshape([n, groups, c / groups, ...rest])
    .transpose(1, 2)
    .contiguous()
    .reshape(x.shape);
}
