// The torchvision.transforms classes added by issue 12: the random photometric ones,
// GaussianBlur, RandomErasing, FiveCrop / TenCrop, RandomChoice / RandomOrder and
// LinearTransformation (the geometric ones are in transforms-geometry.ts). Random draws
// come from torch's default generator in torchvision 0.14's order (RandomChoice and
// RandomOrder draw from Python's `random`, as torchvision does: see py-random.ts).
import { bool, check, either, int, nullable, number, numberList, numberOrList, oneOf, signature, tensor as tensorArg, type ArgsOf, type Check, type OptionsObjectOf } from '../../tensor/args.js';
import { pyFloat } from '../../nn/repr.js';
import * as torch from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import type { ImageLike } from './functional.js';
import * as FX from './functional-extra.js';
import { random as pyRandom } from '../../utils/py-random.js';
import { coin, randomInt, uniform } from './random-params.js';
import { roundHalfEven } from './round.js';
import { Transform } from './transform.js';
import { py, pyNum, setupSize, tuple } from './transform-args.js';
import type { AnyTransform } from './transforms.js';
import { asNumbers } from '../../tensor/dtype.js';

const probability = number;
const transformsArg: Check<readonly AnyTransform[]> = check('a list of transforms (functions)', (v) => Array.isArray(v) && v.every((t) => typeof t === 'function'));
const pairArg: Check<readonly number[]> = check('a list of 2 numbers', (v) => numberList.test(v) && (v as number[]).length === 2);

// --- applied with probability p ---

/** A transform applied when torch.rand(1) < p. */
abstract class RandomlyApplied extends Transform<ImageLike, ImageLike> {
  abstract readonly p: number;
  protected abstract applyOp(img: ImageLike): ImageLike;
  forward(img: ImageLike): ImageLike {
    return coin(this.p) ? this.applyOp(img) : img;
  }
}

const randomInvertArgs = signature('RandomInvert', [['p', probability, 0.5]] as const);
/** RandomInvert(p=0.5) */
export class RandomInvert extends RandomlyApplied {
  readonly p: number;
  constructor(...args: ArgsOf<typeof randomInvertArgs>) {
    super();
    this.p = randomInvertArgs.parse(args).p;
  }
  protected applyOp(img: ImageLike): ImageLike {
    return FX.invert(img);
  }
  override toString(): string {
    return `RandomInvert(p=${pyNum(this.p)})`;
  }
}

const randomPosterizeArgs = signature('RandomPosterize', [['bits', int], ['p', probability, 0.5]] as const);
/** RandomPosterize(bits, p=0.5) */
export class RandomPosterize extends RandomlyApplied {
  readonly bits: number;
  readonly p: number;
  constructor(...args: ArgsOf<typeof randomPosterizeArgs>) {
    super();
    const a = randomPosterizeArgs.parse(args);
    this.bits = a.bits;
    this.p = a.p;
  }
  protected applyOp(img: ImageLike): ImageLike {
    return FX.posterize(img, this.bits);
  }
  override toString(): string {
    return `RandomPosterize(bits=${this.bits},p=${pyNum(this.p)})`;
  }
}

const randomSolarizeArgs = signature('RandomSolarize', [['threshold', number], ['p', probability, 0.5]] as const);
/** RandomSolarize(threshold, p=0.5) */
export class RandomSolarize extends RandomlyApplied {
  readonly threshold: number;
  readonly p: number;
  constructor(...args: ArgsOf<typeof randomSolarizeArgs>) {
    super();
    const a = randomSolarizeArgs.parse(args);
    this.threshold = a.threshold;
    this.p = a.p;
  }
  protected applyOp(img: ImageLike): ImageLike {
    return FX.solarize(img, this.threshold);
  }
  override toString(): string {
    return `RandomSolarize(threshold=${pyNum(this.threshold)},p=${pyNum(this.p)})`;
  }
}

const randomSharpnessArgs = signature('RandomAdjustSharpness', [['sharpnessFactor', number], ['p', probability, 0.5]] as const);
/** RandomAdjustSharpness(sharpness_factor, p=0.5) */
export class RandomAdjustSharpness extends RandomlyApplied {
  readonly sharpnessFactor: number;
  readonly p: number;
  constructor(...args: ArgsOf<typeof randomSharpnessArgs>) {
    super();
    const a = randomSharpnessArgs.parse(args);
    this.sharpnessFactor = a.sharpnessFactor;
    this.p = a.p;
  }
  protected applyOp(img: ImageLike): ImageLike {
    return FX.adjustSharpness(img, this.sharpnessFactor);
  }
  override toString(): string {
    return `RandomAdjustSharpness(sharpness_factor=${pyNum(this.sharpnessFactor)},p=${pyNum(this.p)})`;
  }
}

const randomAutocontrastArgs = signature('RandomAutocontrast', [['p', probability, 0.5]] as const);
/** RandomAutocontrast(p=0.5) */
export class RandomAutocontrast extends RandomlyApplied {
  readonly p: number;
  constructor(...args: ArgsOf<typeof randomAutocontrastArgs>) {
    super();
    this.p = randomAutocontrastArgs.parse(args).p;
  }
  protected applyOp(img: ImageLike): ImageLike {
    return FX.autocontrast(img);
  }
  override toString(): string {
    return `RandomAutocontrast(p=${pyNum(this.p)})`;
  }
}

const randomEqualizeArgs = signature('RandomEqualize', [['p', probability, 0.5]] as const);
/** RandomEqualize(p=0.5) */
export class RandomEqualize extends RandomlyApplied {
  readonly p: number;
  constructor(...args: ArgsOf<typeof randomEqualizeArgs>) {
    super();
    this.p = randomEqualizeArgs.parse(args).p;
  }
  protected applyOp(img: ImageLike): ImageLike {
    return FX.equalize(img);
  }
  override toString(): string {
    return `RandomEqualize(p=${pyNum(this.p)})`;
  }
}

// --- blur, erasing ---

const gaussianBlurArgs = signature('GaussianBlur', [['kernelSize', either(int, numberList)], ['sigma', numberOrList, [0.1, 2.0]]] as const);
/** GaussianBlur(kernel_size, sigma=(0.1, 2.0)): sigma drawn uniformly from [min, max] per call. */
export class GaussianBlur extends Transform<ImageLike, ImageLike> {
  readonly kernelSize: [number, number];
  readonly sigma: [number, number];
  private readonly reprs: [string, string];
  constructor(...args: ArgsOf<typeof gaussianBlurArgs>) {
    super();
    const a = gaussianBlurArgs.parse(args);
    const ks = setupSize(a.kernelSize, 'Kernel size should be a tuple/list of two integers');
    for (const k of ks.size) if (k <= 0 || k % 2 === 0) throw new RangeError('Kernel size value should be an odd and positive number.');
    this.kernelSize = ks.size;
    const s = a.sigma;
    if (typeof s === 'number') {
      if (s <= 0) throw new RangeError('If sigma is a single number, it must be positive.');
      this.sigma = [s, s];
    } else if (s.length === 2) {
      if (!(s[0] > 0 && s[0] <= s[1])) throw new RangeError('sigma values should be positive and of the form (min, max).');
      this.sigma = [s[0], s[1]];
    } else {
      throw new RangeError('sigma should be a single number or a list/tuple with length 2.');
    }
    this.reprs = [ks.repr, typeof s === 'number' ? tuple(this.sigma) : a.sigma === gaussianBlurArgs.spec[1][2] ? '(0.1, 2.0)' : py(s)];
  }
  forward(img: ImageLike): ImageLike {
    const sigma = uniform(this.sigma[0], this.sigma[1]);
    return FX.gaussianBlur(img, this.kernelSize, [sigma, sigma]);
  }
  override toString(): string {
    return `GaussianBlur(kernel_size=${this.reprs[0]}, sigma=${this.reprs[1]})`;
  }
}

const erasingValue: Check<number | readonly number[] | 'random'> = either(numberOrList, oneOf('random'));
const randomErasingArgs = signature('RandomErasing', [
  ['p', probability, 0.5],
  ['scale', pairArg, [0.02, 0.33]],
  ['ratio', pairArg, [0.3, 3.3]],
  ['value', erasingValue, 0],
  ['inplace', bool, false],
] as const);
export type RandomErasingOptions = OptionsObjectOf<typeof randomErasingArgs>;

/**
 * RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False): erases
 * a random rectangle of a tensor image with `value` (one per channel, or 'random': normal noise).
 */
export class RandomErasing extends Transform<Tensor, Tensor> {
  readonly p: number;
  readonly scale: readonly number[];
  readonly ratio: readonly number[];
  readonly value: number | readonly number[] | 'random';
  readonly inplace: boolean;
  constructor(...args: ArgsOf<typeof randomErasingArgs>) {
    super();
    const a = randomErasingArgs.parse(args);
    if (a.scale[0] < 0 || a.scale[1] > 1) throw new RangeError('Scale should be between 0 and 1');
    if (a.p < 0 || a.p > 1) throw new RangeError('Random erasing probability should be between 0 and 1');
    this.p = a.p;
    this.scale = a.scale;
    this.ratio = a.ratio;
    this.value = a.value;
    this.inplace = a.inplace;
  }
  forward(img: Tensor): Tensor {
    if (!(img instanceof Tensor)) throw new TypeError('img should be Tensor Image. Got Image');
    if (!coin(this.p)) return img;
    const value = this.value === 'random' ? null : typeof this.value === 'number' ? [this.value] : this.value;
    const c = img.shape[img.dim() - 3];
    if (value !== null && value.length !== 1 && value.length !== c) {
      throw new RangeError(`If value is a sequence, it should have either a single value or ${c} (number of input channels)`);
    }
    const [i, j, h, w, v] = this.params(img, value);
    return FX.erase(img, i, j, h, w, v, this.inplace);
  }
  /** RandomErasing.get_params: [top, left, h, w, value] (the whole image when 10 draws miss). */
  private params(img: Tensor, value: readonly number[] | null): [number, number, number, number, Tensor] {
    const [c, imgH, imgW] = img.shape.slice(-3);
    const area = imgH * imgW;
    const [lr0, lr1] = Array.from(asNumbers(torch.tensor(this.ratio.slice(), { dtype: 'float32' }).log().toTypedArray()));
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * uniform(this.scale[0], this.scale[1]);
      const aspect = Number(torch.empty(1).uniform_(lr0, lr1).exp().item());
      const h = roundHalfEven(Math.sqrt(eraseArea * aspect));
      const w = roundHalfEven(Math.sqrt(eraseArea / aspect));
      if (!(h < imgH && w < imgW)) continue;
      const v = value === null ? torch.empty([c, h, w], { dtype: 'float32' }).normal_() : torch.tensor(value.slice()).view([-1, 1, 1]);
      const i = randomInt(0, imgH - h + 1);
      const j = randomInt(0, imgW - w + 1);
      return [i, j, h, w, v];
    }
    return [0, 0, imgH, imgW, img];
  }
  override toString(): string {
    const pair = (v: readonly number[]) => (v === randomErasingArgs.spec[1][2] || v === randomErasingArgs.spec[2][2] ? tuple(v) : py(v));
    return `RandomErasing(p=${pyNum(this.p)}, scale=${pair(this.scale)}, ratio=${pair(this.ratio)}, value=${py(this.value)}, inplace=${py(this.inplace)})`;
  }
}

// --- multi-crop ---

const fiveCropArgs = signature('FiveCrop', [['size', either(int, numberList)]] as const);
/** FiveCrop(size): the four corner crops and the centre crop. */
export class FiveCrop extends Transform<ImageLike, ImageLike[]> {
  readonly size: [number, number];
  private readonly sizeRepr: string;
  constructor(...args: ArgsOf<typeof fiveCropArgs>) {
    super();
    const s = setupSize(fiveCropArgs.parse(args).size, 'Please provide only two dimensions (h, w) for size.');
    this.size = s.size;
    this.sizeRepr = s.repr;
  }
  forward(img: ImageLike): ImageLike[] {
    return FX.fiveCrop(img, this.size);
  }
  override toString(): string {
    return `FiveCrop(size=${this.sizeRepr})`;
  }
}

const tenCropArgs = signature('TenCrop', [['size', either(int, numberList)], ['verticalFlip', bool, false]] as const);
/** TenCrop(size, vertical_flip=False): FiveCrop of the image and of its flip. */
export class TenCrop extends Transform<ImageLike, ImageLike[]> {
  readonly size: [number, number];
  readonly verticalFlip: boolean;
  private readonly sizeRepr: string;
  constructor(...args: ArgsOf<typeof tenCropArgs>) {
    super();
    const a = tenCropArgs.parse(args);
    const s = setupSize(a.size, 'Please provide only two dimensions (h, w) for size.');
    this.size = s.size;
    this.sizeRepr = s.repr;
    this.verticalFlip = a.verticalFlip;
  }
  forward(img: ImageLike): ImageLike[] {
    return FX.tenCrop(img, this.size, this.verticalFlip);
  }
  override toString(): string {
    return `TenCrop(size=${this.sizeRepr}, vertical_flip=${py(this.verticalFlip)})`;
  }
}

// --- choosing among transforms (Python's random) ---

const listRepr = (name: string, transforms: readonly AnyTransform[]) => `${name}(${transforms.map((t) => `\n    ${String(t)}`).join('')}\n)`;
const call = (t: AnyTransform, x: unknown): unknown => (t as (input: unknown) => unknown)(x);

const randomOrderArgs = signature('RandomOrder', [['transforms', transformsArg]] as const);
/** RandomOrder(transforms): all of them, in an order drawn by Python's random.shuffle. */
export class RandomOrder<I = ImageLike> extends Transform<I, I> {
  readonly transforms: AnyTransform[];
  constructor(...args: ArgsOf<typeof randomOrderArgs>) {
    super();
    this.transforms = [...randomOrderArgs.parse(args).transforms];
  }
  forward(img: I): I {
    const order = this.transforms.map((_, i) => i);
    pyRandom.shuffle(order);
    let x: unknown = img;
    for (const i of order) x = call(this.transforms[i], x);
    return x as I;
  }
  override toString(): string {
    return listRepr('RandomOrder', this.transforms);
  }
}

const randomChoiceArgs = signature('RandomChoice', [['transforms', transformsArg], ['p', nullable(numberList), null]] as const);
/** RandomChoice(transforms, p=None): one of them, drawn by Python's random.choices (weighted by p). */
export class RandomChoice<I = ImageLike> extends Transform<I, I> {
  readonly transforms: AnyTransform[];
  readonly p: readonly number[] | null;
  constructor(...args: ArgsOf<typeof randomChoiceArgs>) {
    super();
    const a = randomChoiceArgs.parse(args);
    this.transforms = [...a.transforms];
    this.p = a.p;
  }
  forward(img: I): I {
    const [t] = pyRandom.choices(this.transforms, this.p);
    return call(t, img) as I;
  }
  override toString(): string {
    return `${listRepr('RandomChoice', this.transforms)}(p=${py(this.p)})`;
  }
}

// --- LinearTransformation ---

const linearArgs = signature('LinearTransformation', [['transformationMatrix', tensorArg], ['meanVector', tensorArg]] as const);
/** LinearTransformation(transformation_matrix, mean_vector): (x.view(-1, D) - mean) @ matrix, e.g. ZCA whitening. */
export class LinearTransformation extends Transform<Tensor, Tensor> {
  readonly transformationMatrix: Tensor;
  readonly meanVector: Tensor;
  constructor(...args: ArgsOf<typeof linearArgs>) {
    super();
    const { transformationMatrix: m, meanVector: mean } = linearArgs.parse(args);
    if (m.shape[0] !== m.shape[1]) throw new RangeError(`transformation_matrix should be square. Got (${m.shape.join(', ')}) rectangular matrix.`);
    if (mean.shape[0] !== m.shape[0]) {
      throw new RangeError(`mean_vector should have the same length ${mean.shape[0]} as any one of the dimensions of the transformation_matrix [(${m.shape.join(', ')})]`);
    }
    this.transformationMatrix = m;
    this.meanVector = mean;
  }
  forward(t: Tensor): Tensor {
    const shape = t.shape;
    const [c, h, w] = shape.slice(-3);
    const n = c * h * w;
    if (n !== this.transformationMatrix.shape[0]) {
      throw new RangeError(`Input tensor and transformation matrix have incompatible shape.[${c} x ${h} x ${w}] != ${this.transformationMatrix.shape[0]}`);
    }
    const flat = t.view([-1, n]).sub(this.meanVector);
    return flat.mm(this.transformationMatrix).view(shape.slice());
  }
  override toString(): string {
    const list = (v: unknown): string => (Array.isArray(v) ? `[${v.map(list).join(', ')}]` : pyFloat(v as number));
    return `LinearTransformation(transformation_matrix=${list(this.transformationMatrix.tolist())}, mean_vector=${list(this.meanVector.tolist())})`;
  }
}
