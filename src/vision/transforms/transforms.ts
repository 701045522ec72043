// torchvision.transforms: callable transform objects over Images (PIL's semantics)
// and tensor images, with the random ones drawing from torch's default generator as
// torchvision does. Constructors take torchvision's positional parameters and/or an
// options object; String(t) is torchvision's repr.
import { bool, check, dtype, func, int, nullable, number, numberList, numberOrList, signature, string, type Args, type ArgsOf, type Check, type OptionsObjectOf } from '../../tensor/args.js';
import type { DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { pyFloat } from '../../nn/repr.js';
import type { Image } from '../image.js';
import * as F from './functional.js';
import { centerArg, checkRotateInterpolation, fillArg, interpolationArg, paddingArg, sizeArg, type ImageLike, type PaddingMode } from './functional.js';
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

// --- Python's repr of the values transforms print ---

/** An int prints as an int, anything else as Python's float repr. */
function pyNum(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloat(x);
}

/** str() of a value as the user gave it: numbers, lists (Python lists), null (None), booleans, strings. */
function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  return String(v);
}

/** A tuple torchvision builds itself, e.g. (32, 32). */
function pyTuple(values: readonly number[], fmt: (x: number) => string = pyNum): string {
  return values.length === 1 ? `(${fmt(values[0])},)` : `(${values.map(fmt).join(', ')})`;
}

/** Python's round(x, 4) as a float. */
function round4(x: number): string {
  return pyFloat(Number(x.toFixed(4)));
}

// --- shared checks ---

const transformsArg: Check<readonly AnyTransform[]> = check('a list of transforms (functions)', (v) => Array.isArray(v) && v.every((t) => typeof t === 'function'));
const probability = number;
const pairArg: Check<readonly number[]> = check('a list of 2 numbers', (v) => numberList.test(v) && (v as number[]).length === 2);

/** torchvision's _setup_size: an int or [n] becomes (n, n); [h, w] stays; anything else throws. */
function setupSize(size: number | readonly number[]): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length !== 2) throw new RangeError('Please provide only two dimensions (h, w) for size.');
  return [size[0], size[1]];
}

/** repr of _setup_size's result: a tuple when torchvision built it, the list as given otherwise. */
function setupSizeRepr(size: number | readonly number[]): string {
  return typeof size === 'number' || size.length === 1 ? pyTuple(setupSize(size)) : py(size);
}

/** Applies transforms in order: Compose(transforms). Its output type is a type parameter (default Tensor). */
const composeArgs = signature('Compose', [['transforms', transformsArg]] as const);
export class Compose<I = ImageLike, O = Tensor> extends Transform<I, O> {
  readonly transforms: AnyTransform[];
  constructor(...args: ArgsOf<typeof composeArgs>) {
    super();
    const a = composeArgs.parse(args);
    this.transforms = [...a.transforms];
  }
  forward(img: I): O {
    let x: unknown = img;
    for (const t of this.transforms) x = (t as (input: unknown) => unknown)(x);
    return x as O;
  }
  override toString(): string {
    return `Compose(${this.transforms.map((t) => `\n    ${String(t)}`).join('')}\n)`;
  }
}

const toTensorArgs = signature('ToTensor', [] as const);
/** ToTensor(): an Image to a float [C, H, W] tensor in [0, 1]. */
export class ToTensor extends Transform<Image, Tensor> {
  constructor(...args: ArgsOf<typeof toTensorArgs>) {
    super();
    toTensorArgs.parse(args);
  }
  forward(pic: Image): Tensor {
    return F.toTensor(pic);
  }
}

const pilToTensorArgs = signature('PILToTensor', [] as const);
/** PILToTensor(): an Image to a uint8 [C, H, W] tensor. */
export class PILToTensor extends Transform<Image, Tensor> {
  constructor(...args: ArgsOf<typeof pilToTensorArgs>) {
    super();
    pilToTensorArgs.parse(args);
  }
  forward(pic: Image): Tensor {
    return F.pilToTensor(pic);
  }
}

const toPilImageArgs = signature('ToPILImage', [['mode', nullable(string), null]] as const);
/** ToPILImage(mode=None): a uint8 or float tensor to an Image. */
export class ToPILImage extends Transform<Tensor, Image> {
  readonly mode: string | null;
  constructor(...args: ArgsOf<typeof toPilImageArgs>) {
    super();
    const a = toPilImageArgs.parse(args);
    this.mode = a.mode;
  }
  forward(pic: Tensor): Image {
    return F.toPilImage(pic, this.mode);
  }
  override toString(): string {
    return `ToPILImage(${this.mode === null ? '' : `mode=${this.mode}`})`;
  }
}

const convertImageDtypeArgs = signature('ConvertImageDtype', [['dtype', dtype]] as const);
/** ConvertImageDtype(dtype) */
export class ConvertImageDtype extends Transform<Tensor, Tensor> {
  readonly dtype: DType;
  constructor(...args: ArgsOf<typeof convertImageDtypeArgs>) {
    super();
    const a = convertImageDtypeArgs.parse(args);
    this.dtype = a.dtype;
  }
  forward(image: Tensor): Tensor {
    return F.convertImageDtype(image, this.dtype);
  }
}

const normalizeArgs = signature('Normalize', [['mean', F.channelValuesArg], ['std', F.channelValuesArg], ['inplace', bool, false]] as const);
/** Normalize(mean, std, inplace=False): (tensor - mean) / std per channel. */
export class Normalize extends Transform<Tensor, Tensor> {
  readonly mean: F.ChannelValues;
  readonly std: F.ChannelValues;
  readonly inplace: boolean;
  constructor(...args: ArgsOf<typeof normalizeArgs>) {
    super();
    const a = normalizeArgs.parse(args);
    this.mean = a.mean;
    this.std = a.std;
    this.inplace = a.inplace;
  }
  forward(tensor: Tensor): Tensor {
    return F.normalize(tensor, this.mean, this.std, this.inplace);
  }
  override toString(): string {
    return `Normalize(mean=${py(this.mean)}, std=${py(this.std)})`;
  }
}

const resizeArgs = signature('Resize', [
  ['size', sizeArg],
  ['interpolation', interpolationArg, 'bilinear'],
  ['maxSize', nullable(int), null],
  ['antialias', nullable(bool), null],
] as const);

/**
 * Resize(size, interpolation=BILINEAR, max_size=None, antialias=None): to [h, w], or
 * the shorter side to `size` keeping the aspect ratio.
 */
export class Resize extends Transform<ImageLike, ImageLike> {
  readonly size: number | readonly number[];
  readonly interpolation: F.InterpolationMode;
  readonly maxSize: number | null;
  readonly antialias: boolean | null;
  constructor(...args: ArgsOf<typeof resizeArgs>) {
    super();
    const a = resizeArgs.parse(args);
    if (typeof a.size !== 'number' && a.size.length !== 1 && a.size.length !== 2) throw new RangeError('If size is a sequence, it should have 1 or 2 values');
    this.size = a.size;
    this.interpolation = a.interpolation;
    this.maxSize = a.maxSize;
    this.antialias = a.antialias;
  }
  forward(img: ImageLike): ImageLike {
    return F.resize(img, this.size, this.interpolation, this.maxSize, this.antialias);
  }
  override toString(): string {
    return `Resize(size=${py(this.size)}, interpolation=${this.interpolation}, max_size=${py(this.maxSize)}, antialias=${py(this.antialias)})`;
  }
}

const centerCropArgs = signature('CenterCrop', [['size', sizeArg]] as const);
/** CenterCrop(size) */
export class CenterCrop extends Transform<ImageLike, ImageLike> {
  readonly size: [number, number];
  private readonly sizeRepr: string;
  constructor(...args: ArgsOf<typeof centerCropArgs>) {
    super();
    const a = centerCropArgs.parse(args);
    this.size = setupSize(a.size);
    this.sizeRepr = setupSizeRepr(a.size);
  }
  forward(img: ImageLike): ImageLike {
    return F.centerCrop(img, this.size);
  }
  override toString(): string {
    return `CenterCrop(size=${this.sizeRepr})`;
  }
}

const padArgs = signature('Pad', [['padding', paddingArg], ['fill', fillArg, 0], ['paddingMode', string, 'constant']] as const);
/** Pad(padding, fill=0, padding_mode='constant') */
export class Pad extends Transform<ImageLike, ImageLike> {
  readonly padding: number | readonly number[];
  readonly fill: number | readonly number[];
  readonly paddingMode: PaddingMode;
  constructor(...args: ArgsOf<typeof padArgs>) {
    super();
    const a = padArgs.parse(args);
    F.checkPaddingMode(a.paddingMode);
    F.parsePadding(a.padding);
    this.padding = a.padding;
    this.fill = a.fill;
    this.paddingMode = a.paddingMode;
  }
  forward(img: ImageLike): ImageLike {
    return F.pad(img, this.padding, this.fill, this.paddingMode);
  }
  override toString(): string {
    return `Pad(padding=${py(this.padding)}, fill=${py(this.fill)}, padding_mode=${this.paddingMode})`;
  }
}

const lambdaSpec = <I, O>() => [['lambd', func as unknown as Check<(input: I) => O>]] as const;
const lambdaArgs = signature('Lambda', lambdaSpec());
/** Lambda(lambd): a function as a transform. */
export class Lambda<I = unknown, O = unknown> extends Transform<I, O> {
  readonly lambd: (input: I) => O;
  constructor(...args: Args<ReturnType<typeof lambdaSpec<I, O>>>) {
    super();
    const a = lambdaArgs.parse(args);
    this.lambd = a.lambd as (input: I) => O;
  }
  forward(img: I): O {
    return this.lambd(img);
  }
}

const randomCropArgs = signature('RandomCrop', [
  ['size', sizeArg],
  ['padding', nullable(paddingArg), null],
  ['padIfNeeded', bool, false],
  ['fill', fillArg, 0],
  ['paddingMode', string, 'constant'],
] as const);
/** RandomCrop's options (every parameter by name). */
export type RandomCropOptions = OptionsObjectOf<typeof randomCropArgs>;

/** RandomCrop(size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant') */
export class RandomCrop extends Transform<ImageLike, ImageLike> {
  readonly size: [number, number];
  readonly padding: number | readonly number[] | null;
  readonly padIfNeeded: boolean;
  readonly fill: number | readonly number[];
  readonly paddingMode: PaddingMode;
  constructor(...args: ArgsOf<typeof randomCropArgs>) {
    super();
    const a = randomCropArgs.parse(args);
    F.checkPaddingMode(a.paddingMode);
    if (a.padding !== null) F.parsePadding(a.padding);
    this.size = setupSize(a.size);
    this.padding = a.padding;
    this.padIfNeeded = a.padIfNeeded;
    this.fill = a.fill;
    this.paddingMode = a.paddingMode;
  }
  forward(input: ImageLike): ImageLike {
    const { padIfNeeded, fill, paddingMode } = this;
    let img = input;
    if (this.padding !== null) img = F.pad(img, this.padding, fill, paddingMode);
    let [, height, width] = F.getDimensions(img);
    if (padIfNeeded && width < this.size[1]) img = F.pad(img, [this.size[1] - width, 0], fill, paddingMode);
    [, height, width] = F.getDimensions(img);
    if (padIfNeeded && height < this.size[0]) img = F.pad(img, [0, this.size[0] - height], fill, paddingMode);
    [, height, width] = F.getDimensions(img);
    const [i, j, h, w] = randomCropParams(height, width, this.size[0], this.size[1]);
    return F.crop(img, i, j, h, w);
  }
  override toString(): string {
    return `RandomCrop(size=${pyTuple(this.size)}, padding=${py(this.padding)})`;
  }
}

const randomResizedCropArgs = signature('RandomResizedCrop', [
  ['size', sizeArg],
  ['scale', pairArg, [0.08, 1]],
  ['ratio', pairArg, [3 / 4, 4 / 3]],
  ['interpolation', interpolationArg, 'bilinear'],
  ['antialias', nullable(bool), null],
] as const);
/** RandomResizedCrop's options (every parameter by name). */
export type RandomResizedCropOptions = OptionsObjectOf<typeof randomResizedCropArgs>;

/** RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3), interpolation=BILINEAR, antialias=None) */
export class RandomResizedCrop extends Transform<ImageLike, ImageLike> {
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly interpolation: F.InterpolationMode;
  readonly antialias: boolean | null;
  private readonly sizeRepr: string;
  constructor(...args: ArgsOf<typeof randomResizedCropArgs>) {
    super();
    const a = randomResizedCropArgs.parse(args);
    this.size = setupSize(a.size);
    this.sizeRepr = setupSizeRepr(a.size);
    this.scale = [a.scale[0], a.scale[1]];
    this.ratio = [a.ratio[0], a.ratio[1]];
    this.interpolation = a.interpolation;
    this.antialias = a.antialias;
  }
  forward(img: ImageLike): ImageLike {
    const [, height, width] = F.getDimensions(img);
    const [i, j, h, w] = randomResizedCropParams(height, width, this.scale, this.ratio);
    return F.resizedCrop(img, i, j, h, w, this.size, this.interpolation, this.antialias);
  }
  override toString(): string {
    // torchvision 0.14's repr, stray parenthesis included
    return `RandomResizedCrop(size=${this.sizeRepr}, scale=${pyTuple(this.scale, round4)}, ratio=${pyTuple(this.ratio, round4)}, interpolation=${this.interpolation}), antialias=${py(this.antialias)})`;
  }
}

const hflipArgs = signature('RandomHorizontalFlip', [['p', probability, 0.5]] as const);
/** RandomHorizontalFlip(p=0.5) */
export class RandomHorizontalFlip extends Transform<ImageLike, ImageLike> {
  readonly p: number;
  constructor(...args: ArgsOf<typeof hflipArgs>) {
    super();
    const a = hflipArgs.parse(args);
    this.p = a.p;
  }
  forward(img: ImageLike): ImageLike {
    return coin(this.p) ? F.hflip(img) : img;
  }
  override toString(): string {
    return `RandomHorizontalFlip(p=${pyNum(this.p)})`;
  }
}

const vflipArgs = signature('RandomVerticalFlip', [['p', probability, 0.5]] as const);
/** RandomVerticalFlip(p=0.5) */
export class RandomVerticalFlip extends Transform<ImageLike, ImageLike> {
  readonly p: number;
  constructor(...args: ArgsOf<typeof vflipArgs>) {
    super();
    const a = vflipArgs.parse(args);
    this.p = a.p;
  }
  forward(img: ImageLike): ImageLike {
    return coin(this.p) ? F.vflip(img) : img;
  }
  override toString(): string {
    return `RandomVerticalFlip(p=${pyNum(this.p)})`;
  }
}

const randomRotationArgs = signature('RandomRotation', [
  ['degrees', numberOrList],
  ['interpolation', interpolationArg, 'nearest'],
  ['expand', bool, false],
  ['center', centerArg, null],
  ['fill', nullable(fillArg), 0],
] as const);
/** RandomRotation's options (every parameter by name). */
export type RandomRotationOptions = OptionsObjectOf<typeof randomRotationArgs>;

/** RandomRotation(degrees, interpolation=NEAREST, expand=False, center=None, fill=0): by an angle drawn in degrees. */
export class RandomRotation extends Transform<ImageLike, ImageLike> {
  readonly degrees: [number, number];
  readonly interpolation: F.InterpolationMode;
  readonly expand: boolean;
  readonly center: readonly number[] | null;
  readonly fill: number | readonly number[];
  constructor(...args: ArgsOf<typeof randomRotationArgs>) {
    super();
    const a = randomRotationArgs.parse(args);
    const d = a.degrees;
    if (typeof d === 'number') {
      if (d < 0) throw new RangeError('If degrees is a single number, it must be positive.');
      this.degrees = [-d, d];
    } else {
      if (d.length !== 2) throw new RangeError('degrees should be a sequence of length 2.');
      this.degrees = [d[0], d[1]];
    }
    checkRotateInterpolation(a.interpolation);
    this.interpolation = a.interpolation;
    this.expand = a.expand;
    this.center = a.center;
    this.fill = a.fill ?? 0;
  }
  forward(img: ImageLike): ImageLike {
    const angle = uniform(this.degrees[0], this.degrees[1]);
    const [channels] = F.getDimensions(img);
    const fill = img instanceof Tensor && typeof this.fill === 'number' ? new Array<number>(channels).fill(this.fill) : this.fill;
    return F.rotate(img, angle, this.interpolation, this.expand, this.center, fill);
  }
  override toString(): string {
    const center = this.center === null ? '' : `, center=${py(this.center)}`;
    return `RandomRotation(degrees=[${this.degrees.map(pyFloat).join(', ')}], interpolation=${this.interpolation}, expand=${py(this.expand)}${center}, fill=${py(this.fill)})`;
  }
}

type JitterArg = number | readonly number[];

/** ColorJitter's _check_input: the range to draw from (null: leave unchanged) and its repr. */
function jitterRange(value: JitterArg, name: string, center = 1, bound: [number, number] = [0, Infinity], clipFirstOnZero = true): { range: [number, number] | null; repr: string } {
  let range: [number, number];
  let repr: string;
  if (typeof value === 'number') {
    if (value < 0) throw new RangeError(`If ${name} is a single number, it must be non negative.`);
    range = [center - value, center + value];
    if (clipFirstOnZero) range[0] = Math.max(range[0], 0);
    repr = `[${range.map(pyFloat).join(', ')}]`;
  } else if (value.length === 2) {
    range = [value[0], value[1]];
    if (!(bound[0] <= range[0] && range[0] <= range[1] && range[1] <= bound[1])) throw new RangeError(`${name} values should be between (${bound.map((b) => (b === Infinity ? 'inf' : pyNum(b))).join(', ')})`);
    repr = py(value);
  } else {
    throw new TypeError(`${name} should be a single number or a list/tuple with length 2.`);
  }
  return range[0] === center && range[1] === center ? { range: null, repr: 'None' } : { range, repr };
}

const colorJitterArgs = signature('ColorJitter', [
  ['brightness', numberOrList, 0],
  ['contrast', numberOrList, 0],
  ['saturation', numberOrList, 0],
  ['hue', numberOrList, 0],
] as const);
/** ColorJitter's options (every parameter by name). */
export type ColorJitterOptions = OptionsObjectOf<typeof colorJitterArgs>;

/** ColorJitter(brightness=0, contrast=0, saturation=0, hue=0): in a random order, each by a random factor. */
export class ColorJitter extends Transform<ImageLike, ImageLike> {
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  readonly hue: [number, number] | null;
  private readonly reprs: string[];
  constructor(...args: ArgsOf<typeof colorJitterArgs>) {
    super();
    const a = colorJitterArgs.parse(args);
    const b = jitterRange(a.brightness, 'brightness');
    const c = jitterRange(a.contrast, 'contrast');
    const s = jitterRange(a.saturation, 'saturation');
    const h = jitterRange(a.hue, 'hue', 0, [-0.5, 0.5], false);
    this.brightness = b.range;
    this.contrast = c.range;
    this.saturation = s.range;
    this.hue = h.range;
    this.reprs = [b.repr, c.repr, s.repr, h.repr];
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
  override toString(): string {
    const [b, c, s, h] = this.reprs;
    return `ColorJitter(brightness=${b}, contrast=${c}, saturation=${s}, hue=${h})`;
  }
}

const grayscaleArgs = signature('Grayscale', [['numOutputChannels', int, 1]] as const);
/** Grayscale(num_output_channels=1) */
export class Grayscale extends Transform<ImageLike, ImageLike> {
  readonly numOutputChannels: number;
  constructor(...args: ArgsOf<typeof grayscaleArgs>) {
    super();
    const a = grayscaleArgs.parse(args);
    this.numOutputChannels = a.numOutputChannels;
  }
  forward(img: ImageLike): ImageLike {
    return F.rgbToGrayscale(img, this.numOutputChannels);
  }
  override toString(): string {
    return `Grayscale(num_output_channels=${this.numOutputChannels})`;
  }
}

const randomGrayscaleArgs = signature('RandomGrayscale', [['p', probability, 0.1]] as const);
/** RandomGrayscale(p=0.1): grayscale with as many channels as the input. */
export class RandomGrayscale extends Transform<ImageLike, ImageLike> {
  readonly p: number;
  constructor(...args: ArgsOf<typeof randomGrayscaleArgs>) {
    super();
    const a = randomGrayscaleArgs.parse(args);
    this.p = a.p;
  }
  forward(img: ImageLike): ImageLike {
    const [channels] = F.getDimensions(img);
    return coin(this.p) ? F.rgbToGrayscale(img, channels) : img;
  }
  override toString(): string {
    return `RandomGrayscale(p=${pyNum(this.p)})`;
  }
}

const randomApplyArgs = signature('RandomApply', [['transforms', transformsArg], ['p', probability, 0.5]] as const);
/** RandomApply(transforms, p=0.5): the transforms (as one Compose) with probability p (one torch.rand draw). */
export class RandomApply<I = ImageLike> extends Transform<I, I> {
  readonly p: number;
  private readonly composed: Compose<I, I>;
  constructor(...args: ArgsOf<typeof randomApplyArgs>) {
    super();
    const a = randomApplyArgs.parse(args);
    this.p = a.p;
    this.composed = new Compose<I, I>([...a.transforms]);
  }
  get transforms(): AnyTransform[] {
    return this.composed.transforms;
  }
  forward(img: I): I {
    if (this.p < uniform(0, 1)) return img;
    return this.composed(img);
  }
  override toString(): string {
    return `RandomApply(\n    p=${pyNum(this.p)}${this.transforms.map((t) => `\n    ${String(t)}`).join('')}\n)`;
  }
}

