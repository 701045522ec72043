// The geometric random transforms issue 12 added: RandomAffine, RandomPerspective and
// ElasticTransform, drawing their parameters from torch's default generator in
// torchvision 0.14's order.
import { nullable, number, numberList, numberOrList, signature, type ArgsOf, type OptionsObjectOf } from '../../tensor/args.js';
import { cat } from '../../ops/join.js';
import * as torch from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { getDimensions, interpolationArg, type ImageLike, type InterpolationMode } from './functional.js';
import * as FX from './functional-extra.js';
import { coin, randomInt, uniform } from './random-params.js';
import { roundHalfEven } from './round.js';
import { Transform } from './transform.js';
import { checkSequence, floats, py, pyNum, setupAngle, tensorFill } from './transform-args.js';

const randomAffineArgs = signature('RandomAffine', [
  ['degrees', numberOrList],
  ['translate', nullable(numberList), null],
  ['scale', nullable(numberList), null],
  ['shear', nullable(numberOrList), null],
  ['interpolation', interpolationArg, 'nearest'],
  ['fill', numberOrList, 0],
  ['center', nullable(numberList), null],
] as const);
export type RandomAffineOptions = OptionsObjectOf<typeof randomAffineArgs>;

/**
 * RandomAffine(degrees, translate=None, scale=None, shear=None, interpolation=NEAREST, fill=0,
 * center=None): rotation, translation (fractions of the size), scale and shear drawn per call.
 */
export class RandomAffine extends Transform<ImageLike, ImageLike> {
  readonly degrees: number[];
  readonly translate: readonly number[] | null;
  readonly scale: readonly number[] | null;
  readonly shear: number[] | null;
  readonly interpolation: InterpolationMode;
  readonly fill: number | readonly number[];
  readonly center: readonly number[] | null;
  constructor(...args: ArgsOf<typeof randomAffineArgs>) {
    super();
    const a = randomAffineArgs.parse(args);
    this.degrees = setupAngle(a.degrees, 'degrees', [2]);
    if (a.translate !== null) {
      checkSequence(a.translate, 'translate', [2]);
      for (const t of a.translate) if (!(t >= 0 && t <= 1)) throw new RangeError('translation values should be between 0 and 1');
    }
    if (a.scale !== null) {
      checkSequence(a.scale, 'scale', [2]);
      for (const s of a.scale) if (s <= 0) throw new RangeError('scale values should be positive');
    }
    if (a.center !== null) checkSequence(a.center, 'center', [2]);
    this.translate = a.translate;
    this.scale = a.scale;
    this.shear = a.shear === null ? null : setupAngle(a.shear, 'shear', [2, 4]);
    this.interpolation = a.interpolation;
    this.fill = a.fill;
    this.center = a.center;
  }
  /** RandomAffine.get_params: angle, [tx, ty], scale, [shearX, shearY]. */
  private params(width: number, height: number): [number, [number, number], number, [number, number]] {
    const angle = uniform(this.degrees[0], this.degrees[1]);
    let translations: [number, number] = [0, 0];
    if (this.translate !== null) {
      const maxDx = this.translate[0] * width;
      const maxDy = this.translate[1] * height;
      const tx = roundHalfEven(uniform(-maxDx, maxDx));
      const ty = roundHalfEven(uniform(-maxDy, maxDy));
      translations = [tx, ty];
    }
    const scale = this.scale === null ? 1 : uniform(this.scale[0], this.scale[1]);
    let shear: [number, number] = [0, 0];
    if (this.shear !== null) {
      shear = [uniform(this.shear[0], this.shear[1]), 0];
      if (this.shear.length === 4) shear[1] = uniform(this.shear[2], this.shear[3]);
    }
    return [angle, translations, scale, shear];
  }
  forward(img: ImageLike): ImageLike {
    const fill = tensorFill(img, this.fill);
    const [, height, width] = getDimensions(img);
    const [angle, translate, scale, shear] = this.params(width, height);
    return FX.affine(img, angle, translate, scale, shear, { interpolation: this.interpolation, fill, center: this.center });
  }
  override toString(): string {
    let s = `RandomAffine(degrees=${floats(this.degrees)}`;
    if (this.translate !== null) s += `, translate=${py(this.translate)}`;
    if (this.scale !== null) s += `, scale=${py(this.scale)}`;
    if (this.shear !== null) s += `, shear=${floats(this.shear)}`;
    if (this.interpolation !== 'nearest') s += `, interpolation=${this.interpolation}`;
    if (this.fill !== 0) s += `, fill=${py(this.fill)}`;
    if (this.center !== null) s += `, center=${py(this.center)}`;
    return `${s})`;
  }
}

const randomPerspectiveArgs = signature('RandomPerspective', [
  ['distortionScale', number, 0.5],
  ['p', number, 0.5],
  ['interpolation', interpolationArg, 'bilinear'],
  ['fill', nullable(numberOrList), 0],
] as const);
export type RandomPerspectiveOptions = OptionsObjectOf<typeof randomPerspectiveArgs>;

/** RandomPerspective(distortion_scale=0.5, p=0.5, interpolation=BILINEAR, fill=0) */
export class RandomPerspective extends Transform<ImageLike, ImageLike> {
  readonly distortionScale: number;
  readonly p: number;
  readonly interpolation: InterpolationMode;
  readonly fill: number | readonly number[];
  constructor(...args: ArgsOf<typeof randomPerspectiveArgs>) {
    super();
    const a = randomPerspectiveArgs.parse(args);
    this.distortionScale = a.distortionScale;
    this.p = a.p;
    this.interpolation = a.interpolation;
    this.fill = a.fill ?? 0;
  }
  /** RandomPerspective.get_params: the image corners and where they go. */
  static getParams(width: number, height: number, distortionScale: number): [number[][], number[][]] {
    const dw = Math.trunc(distortionScale * Math.floor(width / 2));
    const dh = Math.trunc(distortionScale * Math.floor(height / 2));
    const topleft = [randomInt(0, dw + 1), randomInt(0, dh + 1)];
    const topright = [randomInt(width - dw - 1, width), randomInt(0, dh + 1)];
    const botright = [randomInt(width - dw - 1, width), randomInt(height - dh - 1, height)];
    const botleft = [randomInt(0, dw + 1), randomInt(height - dh - 1, height)];
    const startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]];
    return [startpoints, [topleft, topright, botright, botleft]];
  }
  forward(img: ImageLike): ImageLike {
    const fill = tensorFill(img, this.fill);
    const [, height, width] = getDimensions(img);
    if (!coin(this.p)) return img;
    const [start, end] = RandomPerspective.getParams(width, height, this.distortionScale);
    return FX.perspective(img, start, end, this.interpolation, fill);
  }
  override toString(): string {
    return `RandomPerspective(p=${pyNum(this.p)})`;
  }
}

const elasticArgs = signature('ElasticTransform', [
  ['alpha', numberOrList, 50],
  ['sigma', numberOrList, 5],
  ['interpolation', interpolationArg, 'bilinear'],
  ['fill', number, 0],
] as const);
export type ElasticTransformOptions = OptionsObjectOf<typeof elasticArgs>;

/** ElasticTransform's alpha / sigma: a number or [x, y]. */
function pairOf(v: number | readonly number[], name: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (v.length === 1) return [v[0], v[0]];
  if (v.length !== 2) throw new RangeError(`If ${name} is a sequence its length should be 2. Got ${v.length}`);
  return [v[0], v[1]];
}

/**
 * ElasticTransform(alpha=50.0, sigma=5.0, interpolation=BILINEAR, fill=0): displaces pixels by
 * Gaussian-smoothed uniform noise (strength alpha, smoothness sigma) drawn per call.
 */
export class ElasticTransform extends Transform<ImageLike, ImageLike> {
  readonly alpha: [number, number];
  readonly sigma: [number, number];
  readonly interpolation: InterpolationMode;
  readonly fill: number;
  constructor(...args: ArgsOf<typeof elasticArgs>) {
    super();
    const a = elasticArgs.parse(args);
    this.alpha = pairOf(a.alpha, 'alpha');
    this.sigma = pairOf(a.sigma, 'sigma');
    this.interpolation = a.interpolation;
    this.fill = a.fill;
  }
  /** ElasticTransform.get_params: the [1, H, W, 2] displacement. */
  static getParams(alpha: readonly number[], sigma: readonly number[], size: readonly number[]): Tensor {
    const draw = (k: number) => {
      let d = torch.rand([1, 1, size[0], size[1]]).mul(2).sub(1);
      if (sigma[k] > 0) {
        let ks = Math.trunc(8 * sigma[k] + 1);
        if (ks % 2 === 0) ks += 1;
        d = FX.gaussianBlur(d, [ks, ks], sigma.slice());
      }
      return d.mul(alpha[k]).div(size[k]);
    };
    const dx = draw(0);
    const dy = draw(1);
    return cat([dx, dy], 1).permute([0, 2, 3, 1]);
  }
  forward(img: ImageLike): ImageLike {
    const [, height, width] = getDimensions(img);
    const displacement = ElasticTransform.getParams(this.alpha, this.sigma, [height, width]);
    return FX.elasticTransform(img, displacement, this.interpolation, this.fill);
  }
  override toString(): string {
    // torchvision 0.14's repr, unformatted placeholders included
    return `ElasticTransform(alpha=${floats(this.alpha)}), (sigma=${floats(this.sigma)}), interpolation={self.interpolation}, fill={self.fill})`;
  }
}
