// torchvision.transforms.autoaugment: AutoAugment (ImageNet / CIFAR10 / SVHN policies),
// RandAugment, TrivialAugmentWide and AugMix, composing the functional ops, with their
// draws (torch.randint / torch.rand / torch._sample_dirichlet) in torchvision 0.14's order.
import { bool, check, int, nullable, number, numberOrList, signature, type ArgsOf, type Check, type OptionsObjectOf } from '../../tensor/args.js';
import { pyFloat } from '../../nn/repr.js';
import * as torch from '../../tensor/create.js';
import { getDefaultGenerator, normalSampleDouble, uniformSample } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import { imageToTensor, tensorToImage } from '../convert.js';
import { Image } from '../image.js';
import { adjustBrightness, adjustContrast, adjustSaturation, getDimensions, interpolationArg, rotate, type ImageLike, type InterpolationMode } from './functional.js';
import { adjustSharpness, affine, autocontrast, equalize, invert, posterize, solarize } from './functional-extra.js';
import { randomInt } from './random-params.js';
import { roundHalfEven } from './round.js';
import { Transform } from './transform.js';
import { asNumbers } from '../../tensor/dtype.js';

/** torchvision's AutoAugmentPolicy values. */
export type AutoAugmentPolicy = 'imagenet' | 'cifar10' | 'svhn';
export const AutoAugmentPolicy = { IMAGENET: 'imagenet', CIFAR10: 'cifar10', SVHN: 'svhn' } as const;

type Fill = number | readonly number[] | null;
type OpName = 'Identity' | 'ShearX' | 'ShearY' | 'TranslateX' | 'TranslateY' | 'Rotate' | 'Brightness' | 'Color' | 'Contrast' | 'Sharpness' | 'Posterize' | 'Solarize' | 'AutoContrast' | 'Equalize' | 'Invert';
/** An op's magnitudes (null: it takes none) and whether a random sign applies. */
type OpMeta = [OpName, number[] | null, boolean][];

const degrees = (rad: number) => rad * (180 / Math.PI);

/** _apply_op(img, op_name, magnitude, interpolation, fill) */
function applyOp(img: ImageLike, op: OpName, magnitude: number, interpolation: InterpolationMode, fill: Fill): ImageLike {
  switch (op) {
    case 'ShearX':
      return affine(img, 0, [0, 0], 1, [degrees(Math.atan(magnitude)), 0], { interpolation, fill, center: [0, 0] });
    case 'ShearY':
      return affine(img, 0, [0, 0], 1, [0, degrees(Math.atan(magnitude))], { interpolation, fill, center: [0, 0] });
    case 'TranslateX':
      return affine(img, 0, [Math.trunc(magnitude), 0], 1, [0, 0], { interpolation, fill });
    case 'TranslateY':
      return affine(img, 0, [0, Math.trunc(magnitude)], 1, [0, 0], { interpolation, fill });
    case 'Rotate':
      return rotate(img, magnitude, { interpolation, fill });
    case 'Brightness':
      return adjustBrightness(img, 1 + magnitude);
    case 'Color':
      return adjustSaturation(img, 1 + magnitude);
    case 'Contrast':
      return adjustContrast(img, 1 + magnitude);
    case 'Sharpness':
      return adjustSharpness(img, 1 + magnitude);
    case 'Posterize':
      return posterize(img, Math.trunc(magnitude));
    case 'Solarize':
      return solarize(img, magnitude);
    case 'AutoContrast':
      return autocontrast(img);
    case 'Equalize':
      return equalize(img);
    case 'Invert':
      return invert(img);
    case 'Identity':
      return img;
  }
}

/** torch.linspace(start, end, n) in float32, as numbers. */
function linspace(start: number, end: number, n: number): number[] {
  return Array.from(asNumbers(torch.linspace(start, end, n).toTypedArray()), Number);
}

/** top - (arange(n) / ((n - 1) / steps)).round().int(): the int64 / float division is in float32. */
function posterizeBits(top: number, n: number, steps: number): number[] {
  const q = Math.fround((n - 1) / steps);
  return Array.from({ length: n }, (_, k) => top - roundHalfEven(Math.fround(k / q)));
}

/** The fill the ops get: per channel floats for tensors (a number repeats), as given for Images. */
function opFill(img: ImageLike, fill: Fill): Fill {
  if (!(img instanceof Tensor) || fill === null) return fill;
  const [channels] = getDimensions(img);
  return typeof fill === 'number' ? new Array<number>(channels).fill(fill) : fill.slice();
}

const fillArg: Check<Fill> = nullable(numberOrList);
const fillRepr = (fill: Fill): string => (fill === null ? 'None' : typeof fill === 'number' ? pyNum(fill) : `[${fill.map(pyNum).join(', ')}]`);
const pyNum = (x: number): string => (Number.isInteger(x) ? String(x) : pyFloat(x));
const modeRepr = (m: InterpolationMode): string => `InterpolationMode.${m.toUpperCase()}`;

type PolicyStep = [OpName, number, number | null];
const POLICIES: Record<AutoAugmentPolicy, [PolicyStep, PolicyStep][]> = {
  imagenet: [
    [['Posterize', 0.4, 8], ['Rotate', 0.6, 9]], [['Solarize', 0.6, 5], ['AutoContrast', 0.6, null]], [['Equalize', 0.8, null], ['Equalize', 0.6, null]],
    [['Posterize', 0.6, 7], ['Posterize', 0.6, 6]], [['Equalize', 0.4, null], ['Solarize', 0.2, 4]], [['Equalize', 0.4, null], ['Rotate', 0.8, 8]],
    [['Solarize', 0.6, 3], ['Equalize', 0.6, null]], [['Posterize', 0.8, 5], ['Equalize', 1.0, null]], [['Rotate', 0.2, 3], ['Solarize', 0.6, 8]],
    [['Equalize', 0.6, null], ['Posterize', 0.4, 6]], [['Rotate', 0.8, 8], ['Color', 0.4, 0]], [['Rotate', 0.4, 9], ['Equalize', 0.6, null]],
    [['Equalize', 0.0, null], ['Equalize', 0.8, null]], [['Invert', 0.6, null], ['Equalize', 1.0, null]], [['Color', 0.6, 4], ['Contrast', 1.0, 8]],
    [['Rotate', 0.8, 8], ['Color', 1.0, 2]], [['Color', 0.8, 8], ['Solarize', 0.8, 7]], [['Sharpness', 0.4, 7], ['Invert', 0.6, null]],
    [['ShearX', 0.6, 5], ['Equalize', 1.0, null]], [['Color', 0.4, 0], ['Equalize', 0.6, null]], [['Equalize', 0.4, null], ['Solarize', 0.2, 4]],
    [['Solarize', 0.6, 5], ['AutoContrast', 0.6, null]], [['Invert', 0.6, null], ['Equalize', 1.0, null]], [['Color', 0.6, 4], ['Contrast', 1.0, 8]],
    [['Equalize', 0.8, null], ['Equalize', 0.6, null]],
  ],
  cifar10: [
    [['Invert', 0.1, null], ['Contrast', 0.2, 6]], [['Rotate', 0.7, 2], ['TranslateX', 0.3, 9]], [['Sharpness', 0.8, 1], ['Sharpness', 0.9, 3]],
    [['ShearY', 0.5, 8], ['TranslateY', 0.7, 9]], [['AutoContrast', 0.5, null], ['Equalize', 0.9, null]], [['ShearY', 0.2, 7], ['Posterize', 0.3, 7]],
    [['Color', 0.4, 3], ['Brightness', 0.6, 7]], [['Sharpness', 0.3, 9], ['Brightness', 0.7, 9]], [['Equalize', 0.6, null], ['Equalize', 0.5, null]],
    [['Contrast', 0.6, 7], ['Sharpness', 0.6, 5]], [['Color', 0.7, 7], ['TranslateX', 0.5, 8]], [['Equalize', 0.3, null], ['AutoContrast', 0.4, null]],
    [['TranslateY', 0.4, 3], ['Sharpness', 0.2, 6]], [['Brightness', 0.9, 6], ['Color', 0.2, 8]], [['Solarize', 0.5, 2], ['Invert', 0.0, null]],
    [['Equalize', 0.2, null], ['AutoContrast', 0.6, null]], [['Equalize', 0.2, null], ['Equalize', 0.6, null]], [['Color', 0.9, 9], ['Equalize', 0.6, null]],
    [['AutoContrast', 0.8, null], ['Solarize', 0.2, 8]], [['Brightness', 0.1, 3], ['Color', 0.7, 0]], [['Solarize', 0.4, 5], ['AutoContrast', 0.9, null]],
    [['TranslateY', 0.9, 9], ['TranslateY', 0.7, 9]], [['AutoContrast', 0.9, null], ['Solarize', 0.8, 3]], [['Equalize', 0.8, null], ['Invert', 0.1, null]],
    [['TranslateY', 0.7, 9], ['AutoContrast', 0.9, null]],
  ],
  svhn: [
    [['ShearX', 0.9, 4], ['Invert', 0.2, null]], [['ShearY', 0.9, 8], ['Invert', 0.7, null]], [['Equalize', 0.6, null], ['Solarize', 0.6, 6]],
    [['Invert', 0.9, null], ['Equalize', 0.6, null]], [['Equalize', 0.6, null], ['Rotate', 0.9, 3]], [['ShearX', 0.9, 4], ['AutoContrast', 0.8, null]],
    [['ShearY', 0.9, 8], ['Invert', 0.4, null]], [['ShearY', 0.9, 5], ['Solarize', 0.2, 6]], [['Invert', 0.9, null], ['AutoContrast', 0.8, null]],
    [['Equalize', 0.6, null], ['Rotate', 0.9, 3]], [['ShearX', 0.9, 4], ['Solarize', 0.3, 3]], [['ShearY', 0.8, 8], ['Invert', 0.7, null]],
    [['Equalize', 0.9, null], ['TranslateY', 0.6, 6]], [['Invert', 0.9, null], ['Equalize', 0.6, null]], [['Contrast', 0.3, 3], ['Rotate', 0.8, 4]],
    [['Invert', 0.8, null], ['TranslateY', 0.0, 2]], [['ShearY', 0.7, 6], ['Solarize', 0.4, 8]], [['Invert', 0.6, null], ['Rotate', 0.8, 4]],
    [['ShearY', 0.3, 7], ['TranslateX', 0.9, 3]], [['ShearX', 0.1, 6], ['Invert', 0.6, null]], [['Solarize', 0.7, 2], ['TranslateY', 0.6, 7]],
    [['ShearY', 0.8, 4], ['Invert', 0.8, null]], [['ShearX', 0.7, 9], ['TranslateY', 0.8, 3]], [['ShearY', 0.8, 5], ['AutoContrast', 0.7, null]],
    [['ShearX', 0.7, 2], ['Invert', 0.1, null]],
  ],
};

/** AutoAugment's and RandAugment's operations (RandAugment adds Identity first and drops Invert). */
function autoAugmentSpace(n: number, height: number, width: number, withIdentity: boolean): OpMeta {
  const space: OpMeta = [
    ['ShearX', linspace(0, 0.3, n), true],
    ['ShearY', linspace(0, 0.3, n), true],
    ['TranslateX', linspace(0, (150 / 331) * width, n), true],
    ['TranslateY', linspace(0, (150 / 331) * height, n), true],
    ['Rotate', linspace(0, 30, n), true],
    ['Brightness', linspace(0, 0.9, n), true],
    ['Color', linspace(0, 0.9, n), true],
    ['Contrast', linspace(0, 0.9, n), true],
    ['Sharpness', linspace(0, 0.9, n), true],
    ['Posterize', posterizeBits(8, n, 4), false],
    ['Solarize', linspace(255, 0, n), false],
    ['AutoContrast', null, false],
    ['Equalize', null, false],
  ];
  return withIdentity ? [['Identity', null, false], ...space] : [...space, ['Invert', null, false]];
}

const policyArg: Check<AutoAugmentPolicy> = check('an AutoAugmentPolicy', (v) => typeof v === 'string');
const autoAugmentArgs = signature('AutoAugment', [['policy', policyArg, 'imagenet'], ['interpolation', interpolationArg, 'nearest'], ['fill', fillArg, null]] as const);
export type AutoAugmentOptions = OptionsObjectOf<typeof autoAugmentArgs>;

/** AutoAugment(policy=IMAGENET, interpolation=NEAREST, fill=None): one of the policy's 25 pairs of ops per call. */
export class AutoAugment extends Transform<ImageLike, ImageLike> {
  readonly policy: AutoAugmentPolicy;
  readonly interpolation: InterpolationMode;
  readonly fill: Fill;
  readonly policies: [PolicyStep, PolicyStep][];
  constructor(...args: ArgsOf<typeof autoAugmentArgs>) {
    super();
    const a = autoAugmentArgs.parse(args);
    const policies = (POLICIES as Record<string, [PolicyStep, PolicyStep][]>)[a.policy];
    if (policies === undefined) throw new RangeError(`The provided policy ${a.policy} is not recognized.`);
    this.policy = a.policy;
    this.interpolation = a.interpolation;
    this.fill = a.fill;
    this.policies = policies;
  }
  forward(input: ImageLike): ImageLike {
    const fill = opFill(input, this.fill);
    const [, height, width] = getDimensions(input);
    // get_params: policy id, two probabilities, two signs
    const transformId = randomInt(0, this.policies.length);
    const probs = Array.from(asNumbers(torch.rand(2).toTypedArray()));
    const signs = Array.from(asNumbers(torch.randint(0, 2, [2]).toTypedArray()), Number);
    const meta = new Map(autoAugmentSpace(10, height, width, false).map(([name, mags, signed]) => [name, { mags, signed }]));
    let img = input;
    this.policies[transformId].forEach(([op, p, magnitudeId], i) => {
      // float32 probability <= Python float: compared in float32
      if (!(probs[i] <= Math.fround(p))) return;
      const { mags, signed } = meta.get(op) as { mags: number[] | null; signed: boolean };
      let magnitude = magnitudeId !== null && mags !== null ? mags[magnitudeId] : 0;
      if (signed && signs[i] === 0) magnitude *= -1;
      img = applyOp(img, op, magnitude, this.interpolation, fill);
    });
    return img;
  }
  override toString(): string {
    return `AutoAugment(policy=AutoAugmentPolicy.${this.policy.toUpperCase()}, fill=${fillRepr(this.fill)})`;
  }
}

const randAugmentArgs = signature('RandAugment', [
  ['numOps', int, 2],
  ['magnitude', int, 9],
  ['numMagnitudeBins', int, 31],
  ['interpolation', interpolationArg, 'nearest'],
  ['fill', fillArg, null],
] as const);
export type RandAugmentOptions = OptionsObjectOf<typeof randAugmentArgs>;

/** RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=NEAREST, fill=None) */
export class RandAugment extends Transform<ImageLike, ImageLike> {
  readonly numOps: number;
  readonly magnitude: number;
  readonly numMagnitudeBins: number;
  readonly interpolation: InterpolationMode;
  readonly fill: Fill;
  constructor(...args: ArgsOf<typeof randAugmentArgs>) {
    super();
    const a = randAugmentArgs.parse(args);
    this.numOps = a.numOps;
    this.magnitude = a.magnitude;
    this.numMagnitudeBins = a.numMagnitudeBins;
    this.interpolation = a.interpolation;
    this.fill = a.fill;
  }
  forward(input: ImageLike): ImageLike {
    const fill = opFill(input, this.fill);
    const [, height, width] = getDimensions(input);
    const meta = autoAugmentSpace(this.numMagnitudeBins, height, width, true);
    let img = input;
    for (let k = 0; k < this.numOps; k++) {
      const [op, mags, signed] = meta[randomInt(0, meta.length)];
      let magnitude = 0;
      if (mags !== null) {
        if (this.magnitude < 0 || this.magnitude >= mags.length) throw new RangeError(`index ${this.magnitude} is out of bounds for dimension 0 with size ${mags.length}`);
        magnitude = mags[this.magnitude];
      }
      if (signed && randomInt(0, 2) !== 0) magnitude *= -1;
      img = applyOp(img, op, magnitude, this.interpolation, fill);
    }
    return img;
  }
  override toString(): string {
    return `RandAugment(num_ops=${this.numOps}, magnitude=${this.magnitude}, num_magnitude_bins=${this.numMagnitudeBins}, interpolation=${modeRepr(this.interpolation)}, fill=${fillRepr(this.fill)})`;
  }
}

const trivialArgs = signature('TrivialAugmentWide', [['numMagnitudeBins', int, 31], ['interpolation', interpolationArg, 'nearest'], ['fill', fillArg, null]] as const);
export type TrivialAugmentWideOptions = OptionsObjectOf<typeof trivialArgs>;

/** TrivialAugmentWide(num_magnitude_bins=31, interpolation=NEAREST, fill=None): one op at a random magnitude per call. */
export class TrivialAugmentWide extends Transform<ImageLike, ImageLike> {
  readonly numMagnitudeBins: number;
  readonly interpolation: InterpolationMode;
  readonly fill: Fill;
  constructor(...args: ArgsOf<typeof trivialArgs>) {
    super();
    const a = trivialArgs.parse(args);
    this.numMagnitudeBins = a.numMagnitudeBins;
    this.interpolation = a.interpolation;
    this.fill = a.fill;
  }
  forward(img: ImageLike): ImageLike {
    const fill = opFill(img, this.fill);
    const n = this.numMagnitudeBins;
    const meta: OpMeta = [
      ['Identity', null, false],
      ['ShearX', linspace(0, 0.99, n), true],
      ['ShearY', linspace(0, 0.99, n), true],
      ['TranslateX', linspace(0, 32, n), true],
      ['TranslateY', linspace(0, 32, n), true],
      ['Rotate', linspace(0, 135, n), true],
      ['Brightness', linspace(0, 0.99, n), true],
      ['Color', linspace(0, 0.99, n), true],
      ['Contrast', linspace(0, 0.99, n), true],
      ['Sharpness', linspace(0, 0.99, n), true],
      ['Posterize', posterizeBits(8, n, 6), false],
      ['Solarize', linspace(255, 0, n), false],
      ['AutoContrast', null, false],
      ['Equalize', null, false],
    ];
    const [op, mags, signed] = meta[randomInt(0, meta.length)];
    let magnitude = mags === null ? 0 : mags[randomInt(0, mags.length)];
    if (signed && randomInt(0, 2) !== 0) magnitude *= -1;
    return applyOp(img, op, magnitude, this.interpolation, fill);
  }
  override toString(): string {
    return `TrivialAugmentWide(num_magnitude_bins=${this.numMagnitudeBins}, interpolation=${modeRepr(this.interpolation)}, fill=${fillRepr(this.fill)})`;
  }
}

/**
 * torch._sample_dirichlet on one row of concentrations (float32): Marsaglia-Tsang gamma
 * draws in doubles from the default generator (ATen's sample_gamma), normalised, cast to
 * float32 and kept inside (0, 1).
 */
function sampleDirichlet(alphas: readonly number[]): number[] {
  const gen = getDefaultGenerator();
  const uniform = () => uniformSample(gen, 'float64', 0, 1);
  const gamma = (a0: number): number => {
    let alpha = Math.fround(a0);
    let scale = 1;
    if (alpha < 1) {
      if (alpha === 0) return 0;
      scale *= Math.pow(1 - uniform(), 1 / alpha);
      alpha += 1;
    }
    const d = alpha - Math.fround(1 / 3);
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let y: number;
      do {
        x = normalSampleDouble(gen, 0, 1);
        y = 1 + c * x;
      } while (y <= 0);
      const v = y * y * y;
      const u = 1 - uniform();
      const xx = x * x;
      // 0.0331f: a float constant
      if (u < 1 - Math.fround(0.0331) * xx * xx || Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) {
        return scale * d * v;
      }
    }
  };
  // std::max(DBL_MIN, sample)
  const gammas = alphas.map((a) => Math.max(2.2250738585072014e-308, gamma(a)));
  const sum = gammas.reduce((s, g) => s + g, 0);
  const maxBelowOne = 1 - 2 ** -24;
  return gammas.map((g) => Math.min(maxBelowOne, Math.max(1.1754943508222875e-38, Math.fround(g / sum))));
}

const augMixArgs = signature('AugMix', [
  ['severity', int, 3],
  ['mixtureWidth', int, 3],
  ['chainDepth', int, -1],
  ['alpha', number, 1.0],
  ['allOps', bool, true],
  ['interpolation', interpolationArg, 'bilinear'],
  ['fill', fillArg, null],
] as const);
export type AugMixOptions = OptionsObjectOf<typeof augMixArgs>;

/**
 * AugMix(severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
 * interpolation=BILINEAR, fill=None): a Dirichlet-weighted mix of augmentation chains
 * (computed on the uint8 tensor; an Image comes back as an Image).
 */
export class AugMix extends Transform<ImageLike, ImageLike> {
  readonly severity: number;
  readonly mixtureWidth: number;
  readonly chainDepth: number;
  readonly alpha: number;
  readonly allOps: boolean;
  readonly interpolation: InterpolationMode;
  readonly fill: Fill;
  constructor(...args: ArgsOf<typeof augMixArgs>) {
    super();
    const a = augMixArgs.parse(args);
    if (!(a.severity >= 1 && a.severity <= 10)) throw new RangeError(`The severity must be between [1, 10]. Got ${a.severity} instead.`);
    this.severity = a.severity;
    this.mixtureWidth = a.mixtureWidth;
    this.chainDepth = a.chainDepth;
    this.alpha = a.alpha;
    this.allOps = a.allOps;
    this.interpolation = a.interpolation;
    this.fill = a.fill;
  }
  private space(height: number, width: number): OpMeta {
    const n = 10;
    const space: OpMeta = [
      ['ShearX', linspace(0, 0.3, n), true],
      ['ShearY', linspace(0, 0.3, n), true],
      ['TranslateX', linspace(0, width / 3, n), true],
      ['TranslateY', linspace(0, height / 3, n), true],
      ['Rotate', linspace(0, 30, n), true],
      ['Posterize', posterizeBits(4, n, 4), false],
      ['Solarize', linspace(255, 0, n), false],
      ['AutoContrast', null, false],
      ['Equalize', null, false],
    ];
    if (this.allOps) space.push(['Brightness', linspace(0, 0.9, n), true], ['Color', linspace(0, 0.9, n), true], ['Contrast', linspace(0, 0.9, n), true], ['Sharpness', linspace(0, 0.9, n), true]);
    return space;
  }
  forward(orig: ImageLike): ImageLike {
    const [, height, width] = getDimensions(orig);
    const img = orig instanceof Image ? imageToTensor(orig) : orig;
    const fill = orig instanceof Tensor ? opFill(orig, this.fill) : this.fill;
    const meta = this.space(height, width);
    const dims = img.shape.slice();
    const batch = img.view([...new Array<number>(Math.max(4 - img.dim(), 0)).fill(1), ...dims]);
    const n = batch.shape[0];
    const batchDims = [n, ...new Array<number>(batch.dim() - 1).fill(1)];
    // one Dirichlet draw per batch row: Beta(alpha, alpha) for the original vs the chains, then the chain weights
    const m = Array.from({ length: n }, () => sampleDirichlet([this.alpha, this.alpha]));
    const chainWeights = Array.from({ length: n }, () => sampleDirichlet(new Array<number>(this.mixtureWidth).fill(this.alpha)));
    const column = (rows: number[][], k: number) => torch.tensor(rows.map((r) => r[k]), { dtype: 'float32' }).view(batchDims);
    const combined = torch.tensor(chainWeights, { dtype: 'float32' }).mul(torch.tensor(m.map((r) => r[1]), { dtype: 'float32' }).view([n, -1]));
    const mix = column(m, 0).mul(batch);
    for (let i = 0; i < this.mixtureWidth; i++) {
      let aug: Tensor = batch;
      const depth = this.chainDepth > 0 ? this.chainDepth : randomInt(1, 4);
      for (let k = 0; k < depth; k++) {
        const [op, mags, signed] = meta[randomInt(0, meta.length)];
        let magnitude = mags === null ? 0 : mags[randomInt(0, this.severity)];
        if (signed && randomInt(0, 2) !== 0) magnitude *= -1;
        aug = applyOp(aug, op, magnitude, this.interpolation, fill) as Tensor;
      }
      mix.add_(combined.narrow(1, i, 1).reshape(batchDims).mul(aug));
    }
    const out = mix.view(dims).to(img.dtype);
    return orig instanceof Image ? tensorToImage(out) : out;
  }
  override toString(): string {
    return `AugMix(severity=${this.severity}, mixture_width=${this.mixtureWidth}, chain_depth=${this.chainDepth}, alpha=${pyFloat(this.alpha)}, all_ops=${this.allOps ? 'True' : 'False'}, interpolation=${modeRepr(this.interpolation)}, fill=${fillRepr(this.fill)})`;
  }
}
