// torchvision.transforms.functional's ops added by issue 12: affine, perspective, erase,
// gaussian_blur, invert, posterize, solarize, adjust_sharpness, autocontrast, equalize,
// elastic_transform, five_crop, ten_crop. Each takes an Image (PIL's code path,
// reproduced byte for byte) or a [..., C, H, W] tensor (functional_tensor's path).
import { bool, check, int, intOrList, nullable, number, numberList, numberOrList, signature, tensor, type Args, type ArgsOf, type Check, type OptionsObjectOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { imageToTensor, tensorToImage } from '../convert.js';
import { Image } from '../image.js';
import { centerCrop, crop, getDimensions, hflip, interpolationArg, inverseAffineMatrix, vflip, type ImageLike, type InterpolationMode } from './functional.js';
import { pilAffine, pilAutocontrast, pilEqualize, pilInvert, pilPerspective, pilPosterize, pilSharpness, pilSolarize, type PilTransformFilter } from './pil-extra.js';
import { tensorAffineGrid } from './tensor-affine.js';
import { tensorAutocontrast, tensorEqualize, tensorErase, tensorGaussianBlur, tensorInvert, tensorPosterize, tensorSharpness, tensorSolarize } from './tensor-extra.js';
import { checkGridInputs, perspectiveCoeffs, tensorElastic, tensorPerspective, type GridMode } from './tensor-geometry.js';

const imageCheck: Check<ImageLike> = check('an Image or a Tensor', (v) => v instanceof Image || v instanceof Tensor);
const img = <T extends ImageLike>() => ['img', imageCheck as unknown as Check<T>] as const;
const fillArg = nullable(numberOrList);
const pointsArg: Check<readonly (readonly number[])[]> = check('a list of 4 [x, y] points', (v) => Array.isArray(v) && v.length === 4 && v.every((p) => numberList.test(p) && (p as number[]).length === 2));

/** F_pil._parse_fill: one int per band (a number repeats), checked against the image's bands. */
function pilFill(image: Image, fill: number | readonly number[] | null): number[] {
  const f = fill ?? 0;
  const values = typeof f === 'number' ? new Array<number>(image.channels).fill(f) : f.slice();
  if (values.length !== image.channels) throw new RangeError(`The number of elements in 'fill' does not match the number of channels of the image (${values.length} != ${image.channels})`);
  return values.map(Math.trunc);
}

/** The fill list _apply_grid_transform gets (a number as [number]). */
function tensorFill(fill: number | readonly number[] | null): number[] | null {
  return fill === null ? null : typeof fill === 'number' ? [fill] : fill.slice();
}

const PIL_FILTER_IDS: Record<string, number> = { nearest: 0, lanczos: 1, bilinear: 2, bicubic: 3, box: 4, hamming: 5 };

/** The filters Image.transform accepts (PIL's ValueError otherwise). */
function pilFilter(interpolation: InterpolationMode): PilTransformFilter {
  if (interpolation === 'nearest' || interpolation === 'bilinear' || interpolation === 'bicubic') return interpolation;
  throw new RangeError(
    `Image.Resampling.${interpolation.toUpperCase()} (${PIL_FILTER_IDS[interpolation]}) cannot be used. Use Image.Resampling.NEAREST (0), Image.Resampling.BILINEAR (2) or Image.Resampling.BICUBIC (3)`,
  );
}

// --- geometry ---

const affineSpec = <T extends ImageLike>() =>
  [
    img<T>(),
    ['angle', number],
    ['translate', numberList],
    ['scale', number],
    ['shear', numberOrList],
    ['interpolation', interpolationArg, 'nearest'],
    ['fill', fillArg, null],
    ['center', nullable(numberList), null],
  ] as const;
const affineArgs = signature('affine', affineSpec());
export type AffineOptions = OptionsObjectOf<typeof affineArgs>;

/**
 * affine(img, angle, translate, scale, shear, interpolation=NEAREST, fill=None, center=None):
 * rotation by `angle` degrees (clockwise), translation [tx, ty] in pixels, scale, and shear
 * (a number: along x; [sx, sy]) about the centre (default the image centre).
 */
export function affine<T extends ImageLike>(...args: Args<ReturnType<typeof affineSpec<T>>>): T {
  const { img, angle, translate, scale, shear: shearArg, interpolation, fill, center } = affineArgs.parse(args);
  if (translate.length !== 2) throw new RangeError('Argument translate should be a sequence of length 2');
  if (scale <= 0) throw new RangeError('Argument scale should be positive');
  let shear = typeof shearArg === 'number' ? [shearArg, 0] : shearArg.slice();
  if (shear.length === 1) shear = [shear[0], shear[0]];
  if (shear.length !== 2) throw new RangeError(`Shear should be a sequence containing two values. Got [${shear.join(', ')}]`);
  const [, height, width] = getDimensions(img);
  const sh: [number, number] = [shear[0], shear[1]];
  const tr: [number, number] = [translate[0], translate[1]];
  if (img instanceof Image) {
    const c: [number, number] = center === null ? [width * 0.5, height * 0.5] : [center[0], center[1]];
    const matrix = inverseAffineMatrix(c, angle, tr, scale, sh);
    return pilAffine(img, matrix, pilFilter(interpolation), pilFill(img, fill)) as T;
  }
  const centerF: [number, number] = center === null ? [0, 0] : [center[0] - width * 0.5, center[1] - height * 0.5];
  const matrix = inverseAffineMatrix(centerF, angle, tr, scale, sh);
  const fills = tensorFill(fill);
  checkGridInputs(img, fills, interpolation);
  return tensorAffineGrid(img, matrix, interpolation === 'bilinear', fills) as T;
}

const perspectiveSpec = <T extends ImageLike>() =>
  [img<T>(), ['startpoints', pointsArg], ['endpoints', pointsArg], ['interpolation', interpolationArg, 'bilinear'], ['fill', fillArg, null]] as const;
const perspectiveArgs = signature('perspective', perspectiveSpec());
export type PerspectiveOptions = OptionsObjectOf<typeof perspectiveArgs>;

/**
 * perspective(img, startpoints, endpoints, interpolation=BILINEAR, fill=None): the
 * perspective transform taking the four corners `startpoints` ([top-left, top-right,
 * bottom-right, bottom-left], [x, y] each) to `endpoints`.
 */
export function perspective<T extends ImageLike>(...args: Args<ReturnType<typeof perspectiveSpec<T>>>): T {
  const { img, startpoints, endpoints, interpolation, fill } = perspectiveArgs.parse(args);
  const coeffs = perspectiveCoeffs(startpoints, endpoints);
  if (img instanceof Image) return pilPerspective(img, coeffs, pilFilter(interpolation), pilFill(img, fill)) as T;
  const fills = tensorFill(fill);
  checkGridInputs(img, fills, interpolation);
  return tensorPerspective(img, coeffs, interpolation as GridMode, fills) as T;
}

const elasticSpec = <T extends ImageLike>() => [img<T>(), ['displacement', tensor], ['interpolation', interpolationArg, 'bilinear'], ['fill', fillArg, null]] as const;
const elasticArgs = signature('elasticTransform', elasticSpec());

/**
 * elastic_transform(img, displacement, interpolation=BILINEAR, fill=None): samples the image
 * at the identity grid plus `displacement` ([1, H, W, 2], normalised coordinates).
 */
export function elasticTransform<T extends ImageLike>(...args: Args<ReturnType<typeof elasticSpec<T>>>): T {
  const { img, displacement, interpolation, fill } = elasticArgs.parse(args);
  const t = img instanceof Image ? imageToTensor(img) : img;
  const [h, w] = t.shape.slice(-2);
  const want = [1, h, w, 2];
  if (displacement.shape.join() !== want.join()) throw new RangeError(`Argument displacement shape should be [${want.join(', ')}], but given [${displacement.shape.join(', ')}]`);
  const fills = tensorFill(fill);
  checkGridInputs(t, fills, interpolation);
  const out = tensorElastic(t, displacement, interpolation as GridMode, fills);
  return (img instanceof Image ? backToImage(out, img) : out) as T;
}

/**
 * to_pil_image(output, mode=img.mode), how torchvision returns a PIL input it processed as a
 * tensor: the input's mode again (YCbCr, CMYK, I, F), and for P the error torchvision raises.
 */
function backToImage(out: Tensor, like: Image): Image {
  if (like.mode === 'P') throw new RangeError("Incorrect mode (P) supplied for input type <class 'numpy.dtype'>. Should be L");
  const img = tensorToImage(out);
  return img.mode === like.mode ? img : new Image(img.width, img.height, img.channels, img.data, like.mode);
}

// --- erase, blur ---

const eraseArgs = signature('erase', [['img', tensor], ['i', int], ['j', int], ['h', int], ['w', int], ['v', tensor], ['inplace', bool, false]] as const);

/** erase(img, i, j, h, w, v, inplace=False): img[..., i:i+h, j:j+w] = v (tensors only). */
export function erase(...args: ArgsOf<typeof eraseArgs>): Tensor {
  if (args[0] instanceof Image) throw new TypeError('img should be Tensor Image. Got Image');
  const { img, i, j, h, w, v, inplace } = eraseArgs.parse(args);
  return tensorErase(img, i, j, h, w, v, inplace);
}

const gaussianBlurSpec = <T extends ImageLike>() => [img<T>(), ['kernelSize', intOrList], ['sigma', nullable(numberOrList), null]] as const;
const gaussianBlurArgs = signature('gaussianBlur', gaussianBlurSpec());

/**
 * gaussian_blur(img, kernel_size, sigma=None): kernel_size odd and positive ([kx, ky] or
 * one size); sigma [sx, sy] or one value, by default 0.3 ((k - 1) 0.5 - 1) + 0.8.
 */
export function gaussianBlur<T extends ImageLike>(...args: Args<ReturnType<typeof gaussianBlurSpec<T>>>): T {
  const { img, kernelSize, sigma } = gaussianBlurArgs.parse(args);
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize.slice();
  if (ks.length !== 2) throw new RangeError(`If kernel_size is a sequence its length should be 2. Got ${ks.length}`);
  for (const k of ks) if (k % 2 === 0 || k < 0) throw new RangeError(`kernel_size should have odd and positive integers. Got [${ks.join(', ')}]`);
  let s = sigma === null ? ks.map((k) => k * 0.15 + 0.35) : typeof sigma === 'number' ? [sigma, sigma] : sigma.slice();
  if (s.length === 1) s = [s[0], s[0]];
  if (s.length !== 2) throw new RangeError(`If sigma is a sequence, its length should be 2. Got ${s.length}`);
  for (const v of s) if (v <= 0) throw new RangeError(`sigma should have positive values. Got [${s.join(', ')}]`);
  if (img instanceof Image) return backToImage(tensorGaussianBlur(imageToTensor(img), ks, s), img) as T;
  return tensorGaussianBlur(img, ks, s) as T;
}

// --- colour ---

const plainSpec = <T extends ImageLike>() => [img<T>()] as const;
const invertArgs = signature('invert', plainSpec());
const autocontrastArgs = signature('autocontrast', plainSpec());
const equalizeArgs = signature('equalize', plainSpec());

/** invert(img): 255 - v (1 - v for float tensors). */
export function invert<T extends ImageLike>(...args: Args<ReturnType<typeof plainSpec<T>>>): T {
  const { img } = invertArgs.parse(args);
  return (img instanceof Image ? pilInvert(img) : tensorInvert(img)) as T;
}

const posterizeSpec = <T extends ImageLike>() => [img<T>(), ['bits', int]] as const;
const posterizeArgs = signature('posterize', posterizeSpec());

/** posterize(img, bits): keeps the top `bits` bits of each channel (uint8 tensors or Images). */
export function posterize<T extends ImageLike>(...args: Args<ReturnType<typeof posterizeSpec<T>>>): T {
  const { img, bits } = posterizeArgs.parse(args);
  if (!(bits >= 0 && bits <= 8)) throw new RangeError(`The number if bits should be between 0 and 8. Got ${bits}`);
  return (img instanceof Image ? pilPosterize(img, bits) : tensorPosterize(img, bits)) as T;
}

const solarizeSpec = <T extends ImageLike>() => [img<T>(), ['threshold', number]] as const;
const solarizeArgs = signature('solarize', solarizeSpec());

/** solarize(img, threshold): inverts the values at or above the threshold. */
export function solarize<T extends ImageLike>(...args: Args<ReturnType<typeof solarizeSpec<T>>>): T {
  const { img, threshold } = solarizeArgs.parse(args);
  return (img instanceof Image ? pilSolarize(img, threshold) : tensorSolarize(img, threshold)) as T;
}

const sharpnessSpec = <T extends ImageLike>() => [img<T>(), ['sharpnessFactor', number]] as const;
const sharpnessArgs = signature('adjustSharpness', sharpnessSpec());

/** adjust_sharpness(img, sharpness_factor): 0 blurs, 1 keeps, 2 sharpens by a factor of 2. */
export function adjustSharpness<T extends ImageLike>(...args: Args<ReturnType<typeof sharpnessSpec<T>>>): T {
  const { img, sharpnessFactor } = sharpnessArgs.parse(args);
  return (img instanceof Image ? pilSharpness(img, sharpnessFactor) : tensorSharpness(img, sharpnessFactor)) as T;
}

/** autocontrast(img): per channel, the lowest value to black and the highest to white. */
export function autocontrast<T extends ImageLike>(...args: Args<ReturnType<typeof plainSpec<T>>>): T {
  const { img } = autocontrastArgs.parse(args);
  return (img instanceof Image ? pilAutocontrast(img) : tensorAutocontrast(img)) as T;
}

/** equalize(img): histogram equalisation per channel (uint8 tensors or Images). */
export function equalize<T extends ImageLike>(...args: Args<ReturnType<typeof plainSpec<T>>>): T {
  const { img } = equalizeArgs.parse(args);
  return (img instanceof Image ? pilEqualize(img) : tensorEqualize(img)) as T;
}

// --- multi-crop ---

/** five_crop / ten_crop's size: a number or [n] is square, else [h, w]. */
function cropSize(size: number | readonly number[]): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length !== 2) throw new RangeError('Please provide only two dimensions (h, w) for size.');
  return [size[0], size[1]];
}

const fiveCropSpec = <T extends ImageLike>() => [img<T>(), ['size', intOrList]] as const;
const fiveCropArgs = signature('fiveCrop', fiveCropSpec());

/** five_crop(img, size): [top-left, top-right, bottom-left, bottom-right, centre] crops. */
export function fiveCrop<T extends ImageLike>(...args: Args<ReturnType<typeof fiveCropSpec<T>>>): [T, T, T, T, T] {
  const { img: image, size } = fiveCropArgs.parse(args);
  const img = image as T;
  const [ch, cw] = cropSize(size);
  const [, h, w] = getDimensions(img);
  if (cw > w || ch > h) throw new RangeError(`Requested crop size (${ch}, ${cw}) is bigger than input size (${h}, ${w})`);
  return [crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw), crop(img, h - ch, 0, ch, cw), crop(img, h - ch, w - cw, ch, cw), centerCrop(img, [ch, cw])];
}

const tenCropSpec = <T extends ImageLike>() => [img<T>(), ['size', intOrList], ['verticalFlip', bool, false]] as const;
const tenCropArgs = signature('tenCrop', tenCropSpec());

/** ten_crop(img, size, vertical_flip=False): five_crop of the image, then of its flip. */
export function tenCrop<T extends ImageLike>(...args: Args<ReturnType<typeof tenCropSpec<T>>>): T[] {
  const { img: image, size, verticalFlip } = tenCropArgs.parse(args);
  const img = image as T;
  const s = cropSize(size);
  const flipped: T = verticalFlip ? vflip(img) : hflip(img);
  return [...fiveCrop(img, s), ...fiveCrop(flipped, s)];
}
