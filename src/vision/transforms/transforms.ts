// torchvision.transforms: callable transform objects over Images (PIL's semantics)
// and tensor images, with the random ones drawing from torch's default generator as
// torchvision does.
import type { DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Image } from '../image.js';
import * as F from './functional.js';
import type { ImageLike, InterpolationMode, PaddingMode, ResizeOptions } from './functional.js';
import { coin, colorJitterParams, randomCropParams, randomResizedCropParams, uniform } from './random-params.js';
import { Transform } from './transform.js';

export { Transform } from './transform.js';

type Fn<I, O> = ((input: I) => O) | Transform<I, O>;

/**
 * Any one step of a Compose: a transform or a function of one argument. Steps are
 * checked one at a time (their input type is not matched against the previous
 * output), so an inline function needs its parameter typed: `(x: Tensor) => x.mul(2)`.
 */
export type AnyTransform = Fn<never, unknown>;

function pair(size: number | readonly number[], what: string): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length === 2) return [size[0], size[1]];
  throw new RangeError(`${what}: please provide only two dimensions (h, w) for size.`);
}

/** Applies transforms in order. Its output type is a type parameter (default Tensor). */
export class Compose<I = ImageLike, O = Tensor> extends Transform<I, O> {
  constructor(readonly transforms: AnyTransform[]) {
    super();
  }
  forward(img: I): O {
    let x: unknown = img;
    for (const t of this.transforms) x = (t as (input: unknown) => unknown)(x);
    return x as O;
  }
  override toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${String(t)}`).join('\n')}\n)`;
  }
}

/** An Image to a float [C, H, W] tensor in [0, 1]. */
export class ToTensor extends Transform<Image, Tensor> {
  forward(pic: Image): Tensor {
    return F.toTensor(pic);
  }
}

/** An Image to a uint8 [C, H, W] tensor. */
export class PILToTensor extends Transform<Image, Tensor> {
  forward(pic: Image): Tensor {
    return F.pilToTensor(pic);
  }
}

/** A uint8 or float tensor to an Image. */
export class ToPILImage extends Transform<Tensor, Image> {
  forward(pic: Tensor): Image {
    return F.toPilImage(pic);
  }
}

export class ConvertImageDtype extends Transform<Tensor, Tensor> {
  constructor(readonly dtype: DType) {
    super();
  }
  forward(image: Tensor): Tensor {
    return F.convertImageDtype(image, this.dtype);
  }
}

export class Normalize extends Transform<Tensor, Tensor> {
  constructor(readonly mean: readonly number[], readonly std: readonly number[], readonly inplace = false) {
    super();
  }
  forward(tensor: Tensor): Tensor {
    return F.normalize(tensor, this.mean, this.std, this.inplace);
  }
  override toString(): string {
    return `Normalize(mean=[${this.mean.join(', ')}], std=[${this.std.join(', ')}])`;
  }
}

/** Resize to [h, w], or the shorter side to `size` keeping the aspect ratio. */
export class Resize extends Transform<ImageLike, ImageLike> {
  constructor(readonly size: number | readonly number[], readonly options: ResizeOptions = {}) {
    super();
    if (typeof size !== 'number' && size.length !== 1 && size.length !== 2) throw new RangeError('If size is a sequence, it should have 1 or 2 values');
  }
  forward(img: ImageLike): ImageLike {
    return F.resize(img, this.size, this.options);
  }
}

export class CenterCrop extends Transform<ImageLike, ImageLike> {
  readonly size: [number, number];
  constructor(size: number | readonly number[]) {
    super();
    this.size = pair(size, 'CenterCrop');
  }
  forward(img: ImageLike): ImageLike {
    return F.centerCrop(img, this.size);
  }
}

export class Pad extends Transform<ImageLike, ImageLike> {
  constructor(readonly padding: number | readonly number[], readonly fill: number | readonly number[] = 0, readonly paddingMode: PaddingMode = 'constant') {
    super();
    F.parsePadding(padding);
    F.checkPaddingMode(paddingMode);
  }
  forward(img: ImageLike): ImageLike {
    return F.pad(img, this.padding, this.fill, this.paddingMode);
  }
}

export class Lambda<I = unknown, O = unknown> extends Transform<I, O> {
  constructor(readonly lambd: (input: I) => O) {
    super();
    if (typeof lambd !== 'function') throw new TypeError(`Argument lambd should be callable, got ${typeof lambd}`);
  }
  forward(img: I): O {
    return this.lambd(img);
  }
}

export interface RandomCropOptions {
  padding?: number | readonly number[] | null;
  padIfNeeded?: boolean;
  fill?: number | readonly number[];
  paddingMode?: PaddingMode;
}

export class RandomCrop extends Transform<ImageLike, ImageLike> {
  readonly size: [number, number];
  constructor(size: number | readonly number[], readonly options: RandomCropOptions = {}) {
    super();
    this.size = pair(size, 'RandomCrop');
  }
  forward(input: ImageLike): ImageLike {
    const { padding = null, padIfNeeded = false, fill = 0, paddingMode = 'constant' } = this.options;
    let img = input;
    if (padding !== null) img = F.pad(img, padding, fill, paddingMode);
    let [, height, width] = F.getDimensions(img);
    if (padIfNeeded && width < this.size[1]) img = F.pad(img, [this.size[1] - width, 0], fill, paddingMode);
    [, height, width] = F.getDimensions(img);
    if (padIfNeeded && height < this.size[0]) img = F.pad(img, [0, this.size[0] - height], fill, paddingMode);
    [, height, width] = F.getDimensions(img);
    const [i, j, h, w] = randomCropParams(height, width, this.size[0], this.size[1]);
    return F.crop(img, i, j, h, w);
  }
}

export interface RandomResizedCropOptions {
  scale?: [number, number];
  ratio?: [number, number];
  interpolation?: InterpolationMode;
  antialias?: boolean;
}

export class RandomResizedCrop extends Transform<ImageLike, ImageLike> {
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  constructor(size: number | readonly number[], readonly options: RandomResizedCropOptions = {}) {
    super();
    this.size = pair(size, 'RandomResizedCrop');
    this.scale = options.scale ?? [0.08, 1];
    this.ratio = options.ratio ?? [3 / 4, 4 / 3];
  }
  forward(img: ImageLike): ImageLike {
    const [, height, width] = F.getDimensions(img);
    const [i, j, h, w] = randomResizedCropParams(height, width, this.scale, this.ratio);
    return F.resizedCrop(img, i, j, h, w, this.size, { interpolation: this.options.interpolation, antialias: this.options.antialias });
  }
}

export class RandomHorizontalFlip extends Transform<ImageLike, ImageLike> {
  constructor(readonly p = 0.5) {
    super();
  }
  forward(img: ImageLike): ImageLike {
    return coin(this.p) ? F.hflip(img) : img;
  }
}

export class RandomVerticalFlip extends Transform<ImageLike, ImageLike> {
  constructor(readonly p = 0.5) {
    super();
  }
  forward(img: ImageLike): ImageLike {
    return coin(this.p) ? F.vflip(img) : img;
  }
}

export interface RandomRotationOptions {
  interpolation?: 'nearest' | 'bilinear';
  expand?: boolean;
  center?: [number, number] | null;
  fill?: number | readonly number[];
}

export class RandomRotation extends Transform<ImageLike, ImageLike> {
  readonly degrees: [number, number];
  constructor(degrees: number | readonly [number, number], readonly options: RandomRotationOptions = {}) {
    super();
    if (typeof degrees === 'number') {
      if (degrees < 0) throw new RangeError('If degrees is a single number, it must be positive.');
      this.degrees = [-degrees, degrees];
    } else this.degrees = [degrees[0], degrees[1]];
  }
  forward(img: ImageLike): ImageLike {
    const angle = uniform(this.degrees[0], this.degrees[1]);
    return F.rotate(img, angle, this.options);
  }
}

type JitterArg = number | readonly [number, number];

function jitterRange(value: JitterArg, name: string, center = 1, bound: [number, number] = [0, Infinity], clipFirstOnZero = true): [number, number] | null {
  let range: [number, number];
  if (typeof value === 'number') {
    if (value < 0) throw new RangeError(`If ${name} is a single number, it must be non negative.`);
    range = [center - value, center + value];
    if (clipFirstOnZero) range[0] = Math.max(range[0], 0);
  } else {
    range = [value[0], value[1]];
    if (!(bound[0] <= range[0] && range[0] <= range[1] && range[1] <= bound[1])) throw new RangeError(`${name} values should be between [${bound[0]}, ${bound[1]}]`);
  }
  return range[0] === center && range[1] === center ? null : range;
}

export interface ColorJitterOptions {
  brightness?: JitterArg;
  contrast?: JitterArg;
  saturation?: JitterArg;
  hue?: JitterArg;
}

export class ColorJitter extends Transform<ImageLike, ImageLike> {
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  readonly hue: [number, number] | null;
  constructor(opts: ColorJitterOptions = {}) {
    super();
    this.brightness = jitterRange(opts.brightness ?? 0, 'brightness');
    this.contrast = jitterRange(opts.contrast ?? 0, 'contrast');
    this.saturation = jitterRange(opts.saturation ?? 0, 'saturation');
    this.hue = jitterRange(opts.hue ?? 0, 'hue', 0, [-0.5, 0.5], false);
  }
  forward(input: ImageLike): ImageLike {
    const p = colorJitterParams(this.brightness, this.contrast, this.saturation, this.hue);
    let img = input;
    for (const id of p.order) {
      if (id === 0 && p.brightness !== null) img = F.adjustBrightness(img, p.brightness);
      else if (id === 1 && p.contrast !== null) img = F.adjustContrast(img, p.contrast);
      else if (id === 2 && p.saturation !== null) img = F.adjustSaturation(img, p.saturation);
      else if (id === 3 && p.hue !== null) img = F.adjustHue(img, p.hue);
    }
    return img;
  }
}

export class Grayscale extends Transform<ImageLike, ImageLike> {
  constructor(readonly numOutputChannels: 1 | 3 = 1) {
    super();
  }
  forward(img: ImageLike): ImageLike {
    return F.rgbToGrayscale(img, this.numOutputChannels);
  }
}

export class RandomGrayscale extends Transform<ImageLike, ImageLike> {
  constructor(readonly p = 0.1) {
    super();
  }
  forward(img: ImageLike): ImageLike {
    const [channels] = F.getDimensions(img);
    return coin(this.p) ? F.rgbToGrayscale(img, channels) : img;
  }
}

/** Applies the transforms (as one Compose) with probability p (one torch.rand draw). */
export class RandomApply<I = ImageLike> extends Transform<I, I> {
  private readonly composed: Compose<I, I>;
  constructor(transforms: AnyTransform[], readonly p = 0.5) {
    super();
    this.composed = new Compose<I, I>(transforms);
  }
  get transforms(): AnyTransform[] {
    return this.composed.transforms;
  }
  forward(img: I): I {
    if (this.p < uniform(0, 1)) return img;
    return this.composed(img);
  }
  override toString(): string {
    return `RandomApply(\n    p=${this.p}\n${this.transforms.map((t) => `    ${String(t)}`).join('\n')}\n)`;
  }
}
