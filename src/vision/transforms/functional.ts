// torchvision.transforms.functional: each op takes an Image (PIL's code path,
// reproduced byte for byte) or a [..., C, H, W] tensor (functional_tensor's path).
import { warnOnce } from '../../tensor/warnings.js';
import { any, bool, check, dtype, int, intOrList, nullable, number, numberList, numberOrList, oneOf, pyTypeName, signature, string, tensor, type Args, type ArgsOf, type Check, type OptionsObjectOf } from '../../tensor/args.js';
import { getDefaultDtype, isFloatingDtype, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { imageToTensor, tensorToImage } from '../convert.js';
import { Image } from '../image.js';
import { pilBrightness, pilContrast, pilCrop, pilFlip, pilHue, pilPad, pilRotate, pilSaturation, type PaddingMode } from './pil-ops.js';
import { pilResize, type PilFilter } from './pil-resample.js';
import { roundHalfEven } from './round.js';
import { tensorAffineGrid } from './tensor-affine.js';
import { tensorBrightness, tensorContrast, tensorGrayscale, tensorHue, tensorSaturation } from './tensor-color.js';
import { channelsOf, tensorCrop, tensorFlip, tensorPad } from './tensor-ops.js';
import { interpolatePlanes } from './tensor-resample.js';
import { interpolate } from '../../nn/functional/interpolate.js';

export type { PaddingMode } from './pil-ops.js';

/** torchvision's InterpolationMode values. */
export type InterpolationMode = 'nearest' | 'bilinear' | 'bicubic' | 'box' | 'hamming' | 'lanczos';
export const InterpolationMode = {
  NEAREST: 'nearest',
  BILINEAR: 'bilinear',
  BICUBIC: 'bicubic',
  BOX: 'box',
  HAMMING: 'hamming',
  LANCZOS: 'lanczos',
} as const;

export type ImageLike = Image | Tensor;

// --- argument checks shared by the functional ops and the transform classes ---

const imageCheck: Check<ImageLike> = check('an Image or a Tensor', (v) => v instanceof Image || v instanceof Tensor);
/** The `img` parameter, typed as the caller's image type (ops return the type they get). */
const img = <T extends ImageLike>() => ['img', imageCheck as unknown as Check<T>] as const;
/**
 * torchvision's InterpolationMode values (InterpolationMode.BILINEAR is 'bilinear'), or one of
 * PIL's filter numbers (Image.BICUBIC is 3), deprecated in torchvision 0.13 with its warning.
 */
const MODES_BY_PIL_NUMBER: readonly InterpolationMode[] = ['nearest', 'lanczos', 'bilinear', 'bicubic', 'box', 'hamming'];
const modeNames = oneOf('nearest', 'bilinear', 'bicubic', 'box', 'hamming', 'lanczos');
export const interpolationArg: Check<InterpolationMode, InterpolationMode | 0 | 1 | 2 | 3 | 4 | 5> = {
  test: (v) => modeNames.test(v) || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < MODES_BY_PIL_NUMBER.length),
  expected: `${modeNames.expected} (or a PIL filter number)`,
  coerce: (v) => {
    if (typeof v !== 'number') return v;
    warnOnce("Argument 'interpolation' of type int is deprecated since 0.13 and will be removed in 0.15. Please use InterpolationMode enum.");
    return MODES_BY_PIL_NUMBER[v];
  },
};
/** A size or a list of sizes: 5, [5], [4, 6]. */
export const sizeArg = intOrList;
/** Padding: n, [leftRight, topBottom] or [left, top, right, bottom]. */
export const paddingArg = intOrList;
/** A fill value, or one per channel. */
export const fillArg = numberOrList;

const getDimensionsArgs = signature('getDimensions', [img()] as const);

/** [channels, height, width] */
export function getDimensions(...args: ArgsOf<typeof getDimensionsArgs>): [number, number, number] {
  const { img } = getDimensionsArgs.parse(args);
  if (img instanceof Image) return [img.channels, img.height, img.width];
  if (img.dim() < 2) throw new TypeError(`Tensor is not a torch image (got shape [${img.shape.join(', ')}])`);
  return [channelsOf(img), img.shape[img.dim() - 2], img.shape[img.dim() - 1]];
}

// `pic` is checked with torchvision's messages below
const toTensorArgs = signature('toTensor', [['pic', any as Check<Image>]] as const);
const pilToTensorArgs = signature('pilToTensor', [['pic', any as Check<Image>]] as const);
const toPilImageArgs = signature('toPilImage', [['pic', any as Check<Tensor>], ['mode', nullable(string), null]] as const);

/**
 * to_tensor(pic): an Image as a float [C, H, W] tensor in [0, 1] (the default dtype); mode I
 * gives its int32 values and F its float32 values, unscaled (only uint8 pixels are divided by 255,
 * P's indices included).
 */
export function toTensor(...args: ArgsOf<typeof toTensorArgs>): Tensor {
  const { pic } = toTensorArgs.parse(args);
  if (!(pic instanceof Image)) throw new TypeError(`pic should be an Image. Got ${(pic as unknown) instanceof Tensor ? 'Tensor' : typeof pic}`);
  const t = imageToTensor(pic);
  return t.dtype === 'uint8' ? t.to(getDefaultDtype()).div(255) : t;
}

/** pil_to_tensor(pic): [C, H, W], uint8 (P: the indices), int32 for mode I, float32 for F */
export function pilToTensor(...args: ArgsOf<typeof pilToTensorArgs>): Tensor {
  const { pic } = pilToTensorArgs.parse(args);
  if (!(pic instanceof Image)) throw new TypeError('pic should be an Image');
  return imageToTensor(pic);
}

const MODES: Record<number, string> = { 1: 'L', 2: 'LA', 3: 'RGB', 4: 'RGBA' };

// to_pil_image's mode of a one-channel array by its numpy type.
const ONE_CHANNEL_MODE: Partial<Record<DType, string>> = { uint8: 'L', int32: 'I', float32: 'F' };

/**
 * to_pil_image(pic, mode=None): uint8 tensors as L, LA, RGB, RGBA; float tensors as
 * pic.mul(255).byte() unless mode is 'F' (one float32 channel: mode F); one int32 channel as
 * mode I. `mode`, when given, must be the one the tensor's type and channels imply.
 */
export function toPilImage(...args: ArgsOf<typeof toPilImageArgs>): Image {
  const { pic, mode } = toPilImageArgs.parse(args);
  if (!(pic instanceof Tensor)) throw new TypeError(`pic should be Tensor. Got ${pyTypeName(pic)}.`);
  let t = pic.dim() === 2 ? pic.unsqueeze(0) : pic;
  if (t.dim() !== 3) throw new RangeError(`pic should be 2/3 dimensional. Got ${pic.dim()} dimensions.`);
  if (isFloatingDtype(t.dtype) && mode !== 'F') t = t.mul(255).to('uint8');
  if (t.shape[0] === 1) {
    const expected = ONE_CHANNEL_MODE[t.dtype] ?? null;
    // torchvision's message prints numpy's dtype class, not the array's type
    if (mode !== null && mode !== expected) throw new RangeError(`Incorrect mode (${mode}) supplied for input type <class 'numpy.dtype'>. Should be ${expected === null ? 'None' : expected}`);
    if (expected === null) throw new TypeError(`Input type ${t.dtype} is not supported`);
    return tensorToImage(t, 'pic');
  }
  const expected = MODES[t.shape[0]];
  if (mode !== null && expected !== undefined && mode !== expected) throw new RangeError(`Incorrect mode (${mode}) supplied for an image of ${t.shape[0]} channel(s): it is ${expected}`);
  if (t.dtype !== 'uint8') throw new TypeError(`Input type ${t.dtype} is not supported`);
  return tensorToImage(t, 'pic');
}

const MAX_VALUE: Partial<Record<DType, number>> = { uint8: 255, int32: 2147483647, int64: 9223372036854775807, bool: 1 };

const convertImageDtypeArgs = signature('convertImageDtype', [['image', tensor], ['dtype', dtype, 'float32']] as const);

/** convert_image_dtype(image, dtype=torch.float): rescales values between integer ranges and [0, 1] floats. */
export function convertImageDtype(...args: ArgsOf<typeof convertImageDtypeArgs>): Tensor {
  const { image, dtype } = convertImageDtypeArgs.parse(args);
  if (image.dtype === dtype) return image;
  if (isFloatingDtype(image.dtype)) {
    if (isFloatingDtype(dtype)) return image.to(dtype);
    if ((image.dtype === 'float32' && (dtype === 'int32' || dtype === 'int64')) || (image.dtype === 'float64' && dtype === 'int64')) {
      throw new TypeError(`The cast from ${image.dtype} to ${dtype} cannot be performed safely.`);
    }
    return image.mul((MAX_VALUE[dtype] as number) + 1 - 1e-3).to(dtype);
  }
  const inputMax = MAX_VALUE[image.dtype] as number;
  if (isFloatingDtype(dtype)) return image.to(dtype).div(inputMax);
  const outputMax = MAX_VALUE[dtype] as number;
  if (inputMax > outputMax) {
    const factor = Math.floor((inputMax + 1) / (outputMax + 1));
    return image.div(factor, { roundingMode: 'floor' }).to(dtype);
  }
  const factor = Math.floor((outputMax + 1) / (inputMax + 1));
  return image.to(dtype).mul(factor);
}

/** normalize's mean and std: numbers, one-element tensors among them, or a tensor (torch.as_tensor takes each). */
export type ChannelValues = number | Tensor | readonly (number | Tensor)[];
export const channelValuesArg: Check<ChannelValues> = check('a number, a list of numbers or a Tensor', (v) =>
  typeof v === 'number' || v instanceof Tensor || (Array.isArray(v) && v.every((e) => typeof e === 'number' || (e instanceof Tensor && e.numel() === 1))));

/** The per-channel numbers of a ChannelValues. */
function channelNumbers(v: ChannelValues): number[] {
  if (typeof v === 'number') return [v];
  if (v instanceof Tensor) return (v.detach().reshape(-1).tolist() as number[]).map(Number);
  return v.map((e) => (typeof e === 'number' ? e : Number(e.item())));
}

const normalizeArgs = signature('normalize', [['tensor', tensor], ['mean', channelValuesArg], ['std', channelValuesArg], ['inplace', bool, false]] as const);

/** normalize(tensor, mean, std, inplace=False): (tensor - mean) / std per channel (a number: every channel). */
export function normalize(...args: ArgsOf<typeof normalizeArgs>): Tensor {
  const { tensor, mean: m0, std: s0, inplace } = normalizeArgs.parse(args);
  const mean = channelNumbers(m0);
  const std = channelNumbers(s0);
  if (!isFloatingDtype(tensor.dtype)) throw new TypeError(`Input tensor should be a float tensor. Got ${tensor.dtype}.`);
  if (tensor.dim() < 3) throw new RangeError(`Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${tensor.shape.join(', ')}]`);
  if (std.some((s) => s === 0)) throw new RangeError(`std evaluated to zero after conversion to ${tensor.dtype}, leading to division by zero.`);
  const m = Tensor.fromData(Float64Array.from(mean), 'float64', [mean.length, 1, 1]).to(tensor.dtype);
  const s = Tensor.fromData(Float64Array.from(std), 'float64', [std.length, 1, 1]).to(tensor.dtype);
  return inplace ? tensor.sub_(m).div_(s) : tensor.sub(m).div(s);
}

/** _compute_resized_output_size: [newH, newW] for size [h, w] or [shorter side]. */
export function computeResizedOutputSize(height: number, width: number, size: readonly number[], maxSize?: number): [number, number] {
  if (size.length === 1) {
    const [short, long] = width <= height ? [width, height] : [height, width];
    const requested = size[0];
    let newShort = requested;
    let newLong = Math.trunc((requested * long) / short);
    if (maxSize !== undefined) {
      if (maxSize <= requested) throw new RangeError(`max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${requested}`);
      if (newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
    }
    return width <= height ? [newLong, newShort] : [newShort, newLong];
  }
  return [size[0], size[1]];
}


function tensorResize(img: Tensor, oh: number, ow: number, mode: InterpolationMode, antialias: boolean): Tensor {
  if (mode !== 'nearest' && mode !== 'bilinear' && mode !== 'bicubic') throw new TypeError(`tensor resize supports nearest, bilinear and bicubic interpolation, got ${mode}`);
  const h = img.shape[img.dim() - 2];
  const w = img.shape[img.dim() - 1];
  const lead = img.shape.slice(0, -2);
  const planes = lead.reduce((a, b) => a * b, 1);
  if (isFloatingDtype(img.dtype)) {
    // torchvision calls interpolate: the result stays in the autograd graph (U-Net skip connections).
    const planes4d = img.reshape(1, planes, h, w);
    const alignCorners = mode === 'nearest' ? null : false;
    return interpolate(planes4d, { size: [oh, ow], mode, alignCorners, antialias }).reshape([...lead, oh, ow]);
  }
  // _cast_squeeze_in: integer images are interpolated as float32
  const src = img.to('float32').toTypedArray() as Float32Array;
  let out = Tensor.fromData(interpolatePlanes(src, planes, h, w, oh, ow, mode, antialias), 'float32', [...lead, oh, ow]);
  // resize's clamp of bicubic uint8 results, then _cast_squeeze_out: round, then cast
  if (mode === 'bicubic' && img.dtype === 'uint8') out = out.clamp(0, 255);
  return out.round().to(img.dtype);
}

const resizeArgs = signature('resize', [
  img(),
  ['size', sizeArg],
  ['interpolation', interpolationArg, 'bilinear'],
  ['maxSize', nullable(int), null],
  ['antialias', nullable(bool), null],
] as const);
/** resize's options; `antialias` concerns tensors only (Images always antialias, as PIL); null (torchvision 0.14's default) is false for tensors. */
export type ResizeOptions = OptionsObjectOf<typeof resizeArgs>;

/**
 * resize(img, size, interpolation=BILINEAR, max_size=None, antialias=None): `size` is
 * [h, w], or a number / [n] for the shorter side (keeping the aspect ratio).
 */
export function resize(...args: ArgsOf<typeof resizeArgs>): ImageLike {
  const { img, size, interpolation, maxSize, antialias } = resizeArgs.parse(args);
  const sizes = typeof size === 'number' ? [size] : size;
  if (sizes.length !== 1 && sizes.length !== 2) throw new RangeError(`Size must be an int or a 1 or 2 element tuple/list, not a ${sizes.length} element tuple/list`);
  if (maxSize !== null && sizes.length !== 1) throw new RangeError('max_size should only be passed if size specifies the length of the smaller edge');
  const [, h, w] = getDimensions(img);
  const [oh, ow] = computeResizedOutputSize(h, w, sizes, maxSize ?? undefined);
  if (oh === h && ow === w) return img;
  if (img instanceof Image) return pilResize(img, ow, oh, interpolation as PilFilter);
  if (antialias === true && interpolation !== 'bilinear' && interpolation !== 'bicubic') throw new RangeError('Antialias option is supported for bilinear and bicubic interpolation modes only');
  return tensorResize(img, oh, ow, interpolation, antialias ?? false);
}

const cropSpec = <T extends ImageLike>() => [img<T>(), ['top', int], ['left', int], ['height', int], ['width', int]] as const;
const cropArgs = signature('crop', cropSpec());

/** crop(img, top, left, height, width) */
export function crop<T extends ImageLike>(...args: Args<ReturnType<typeof cropSpec<T>>>): T {
  const { img, top, left, height, width } = cropArgs.parse(args);
  return (img instanceof Image ? pilCrop(img, top, left, height, width) : tensorCrop(img, top, left, height, width)) as T;
}

const centerCropSpec = <T extends ImageLike>() => [img<T>(), ['outputSize', sizeArg]] as const;
const centerCropArgs = signature('centerCrop', centerCropSpec());

/** center_crop(img, output_size): pads with zeros first where the image is smaller. */
export function centerCrop<T extends ImageLike>(...args: Args<ReturnType<typeof centerCropSpec<T>>>): T {
  const { img, outputSize } = centerCropArgs.parse(args);
  if (typeof outputSize !== 'number' && outputSize.length !== 1 && outputSize.length !== 2) throw new RangeError('Please provide only two dimensions (h, w) for size.');
  const [ch, cw] = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize.length === 1 ? [outputSize[0], outputSize[0]] : [outputSize[0], outputSize[1]];
  let [, h, w] = getDimensions(img);
  let image: ImageLike = img;
  if (cw > w || ch > h) {
    const pad = [cw > w ? (cw - w) >> 1 : 0, ch > h ? (ch - h) >> 1 : 0, cw > w ? (cw - w + 1) >> 1 : 0, ch > h ? (ch - h + 1) >> 1 : 0];
    image = padImage(image, pad, 0, 'constant');
    [, h, w] = getDimensions(image);
    if (cw === w && ch === h) return image as T;
  }
  return crop(image, roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2), ch, cw) as T;
}

/** padding: n, [leftRight, topBottom], or [left, top, right, bottom]. */
export function parsePadding(padding: number | readonly number[]): number[] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0], padding[0], padding[0], padding[0]];
  if (padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
  if (padding.length === 4) return padding.slice();
  throw new RangeError(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`);
}

const PADDING_MODES: readonly string[] = ['constant', 'edge', 'reflect', 'symmetric'] satisfies readonly PaddingMode[];

/** Throws torchvision's error unless `mode` is one of pad's padding modes. */
export function checkPaddingMode(mode: string): asserts mode is PaddingMode {
  if (!PADDING_MODES.includes(mode)) throw new RangeError('Padding mode should be either constant, edge, reflect or symmetric');
}

function padImage(img: ImageLike, ltrb: number[], fill: number | readonly number[], mode: PaddingMode): ImageLike {
  if (img instanceof Image) {
    const fills = typeof fill === 'number' ? new Array(img.channels).fill(Math.trunc(fill)) : fill.map(Math.trunc);
    if (fills.length !== img.channels) throw new RangeError(`The number of elements in 'fill' does not match the number of channels of the image (${fills.length} != ${img.channels})`);
    return pilPad(img, ltrb, fills, mode);
  }
  if (typeof fill !== 'number') throw new TypeError('fill must be a number for tensor images');
  return tensorPad(img, ltrb, fill, mode);
}

const padSpec = <T extends ImageLike>() =>
  [img<T>(), ['padding', paddingArg], ['fill', fillArg, 0], ['paddingMode', string as Check<PaddingMode>, 'constant']] as const;
const padArgs = signature('pad', padSpec());

/** pad(img, padding, fill=0, padding_mode='constant') */
export function pad<T extends ImageLike>(...args: Args<ReturnType<typeof padSpec<T>>>): T {
  const { img, padding, fill, paddingMode } = padArgs.parse(args);
  checkPaddingMode(paddingMode);
  return padImage(img, parsePadding(padding), fill, paddingMode) as T;
}

const resizedCropArgs = signature('resizedCrop', [
  img(),
  ['top', int],
  ['left', int],
  ['height', int],
  ['width', int],
  ['size', sizeArg],
  ['interpolation', interpolationArg, 'bilinear'],
  ['antialias', nullable(bool), null],
] as const);

/** resized_crop(img, top, left, height, width, size, interpolation=BILINEAR, antialias=None) */
export function resizedCrop(...args: ArgsOf<typeof resizedCropArgs>): ImageLike {
  const { img, top, left, height, width, size, interpolation, antialias } = resizedCropArgs.parse(args);
  return resize(crop(img, top, left, height, width), size, interpolation, { antialias });
}

const flipSpec = <T extends ImageLike>() => [img<T>()] as const;
const hflipArgs = signature('hflip', flipSpec());
const vflipArgs = signature('vflip', flipSpec());

/** hflip(img) */
export function hflip<T extends ImageLike>(...args: Args<ReturnType<typeof flipSpec<T>>>): T {
  const { img } = hflipArgs.parse(args);
  return (img instanceof Image ? pilFlip(img, true) : tensorFlip(img, true)) as T;
}

/** vflip(img) */
export function vflip<T extends ImageLike>(...args: Args<ReturnType<typeof flipSpec<T>>>): T {
  const { img } = vflipArgs.parse(args);
  return (img instanceof Image ? pilFlip(img, false) : tensorFlip(img, false)) as T;
}

/** torchvision's _get_inverse_affine_matrix (as used by rotate). */
export function inverseAffineMatrix(center: [number, number], angle: number, translate: [number, number], scale: number, shear: [number, number]): number[] {
  // math.radians: d * (pi / 180), rounded as Python rounds it
  const rad = (d: number) => d * (Math.PI / 180);
  const rot = rad(angle);
  const sx = rad(shear[0]);
  const sy = rad(shear[1]);
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((x) => x / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

/** Throws unless rotate supports `interpolation` (nearest and bilinear, for Images and tensors alike). */
export function checkRotateInterpolation(interpolation: InterpolationMode): void {
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new TypeError(`rotate supports nearest and bilinear interpolation, got ${interpolation}`);
}

/** A rotation centre: [x, y]. */
export const centerArg: Check<readonly number[] | null> = nullable(check('a list of 2 numbers', (v) => numberList.test(v) && (v as number[]).length === 2));

const rotateSpec = <T extends ImageLike>() =>
  [
    img<T>(),
    ['angle', number],
    ['interpolation', interpolationArg, 'nearest'],
    ['expand', bool, false],
    ['center', centerArg, null],
    ['fill', nullable(fillArg), null],
  ] as const;
const rotateArgs = signature('rotate', rotateSpec());
export type RotateOptions = OptionsObjectOf<typeof rotateArgs>;

/**
 * rotate(img, angle, interpolation=NEAREST, expand=False, center=None, fill=None): by
 * `angle` degrees counter-clockwise. Pixels outside get `fill` (zeros when null).
 */
export function rotate<T extends ImageLike>(...args: Args<ReturnType<typeof rotateSpec<T>>>): T {
  const { img, angle, interpolation, expand, center, fill } = rotateArgs.parse(args);
  checkRotateInterpolation(interpolation);
  if (img instanceof Image) {
    const f = fill ?? 0;
    const fills = typeof f === 'number' ? new Array(img.channels).fill(Math.trunc(f)) : f.map(Math.trunc);
    return pilRotate(img, angle, interpolation === 'bilinear', expand, center === null ? null : [center[0], center[1]], fills) as T;
  }
  const [c, h, w] = getDimensions(img);
  const centerF: [number, number] = center ? [center[0] - w * 0.5, center[1] - h * 0.5] : [0, 0];
  const matrix = inverseAffineMatrix(centerF, -angle, [0, 0], 1, [0, 0]);
  let ow = w;
  let oh = h;
  if (expand) {
    // _compute_affine_output_size: the matrix applied to the corners (about the centre), as torchvision does
    const pts = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]];
    const xs = pts.map(([x, y]) => matrix[0] * x + matrix[1] * y + matrix[2] + w * 0.5);
    const ys = pts.map(([x, y]) => matrix[3] * x + matrix[4] * y + matrix[5] + h * 0.5);
    const tol = 1e-4;
    const snap = (v: number) => Math.trunc(v / tol) * tol;
    ow = Math.ceil(snap(Math.max(...xs))) - Math.floor(snap(Math.min(...xs)));
    oh = Math.ceil(snap(Math.max(...ys))) - Math.floor(snap(Math.min(...ys)));
  }
  const fills = fill === null ? null : typeof fill === 'number' ? new Array(c).fill(fill) : fill.slice();
  return tensorAffineGrid(img, matrix, interpolation === 'bilinear', fills, ow, oh) as T;
}

const grayscaleSpec = <T extends ImageLike>() => [img<T>(), ['numOutputChannels', int, 1]] as const;
const rgbToGrayscaleArgs = signature('rgbToGrayscale', grayscaleSpec());

/** rgb_to_grayscale(img, num_output_channels=1) */
export function rgbToGrayscale<T extends ImageLike>(...args: Args<ReturnType<typeof grayscaleSpec<T>>>): T {
  const { img, numOutputChannels } = rgbToGrayscaleArgs.parse(args);
  if (img instanceof Image) {
    if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('num_output_channels should be either 1 or 3');
    const gray = img.convert('L');
    return (numOutputChannels === 1 ? gray : gray.convert('RGB')) as T;
  }
  return tensorGrayscale(img, numOutputChannels) as T;
}

const factorSpec = <N extends string, T extends ImageLike = ImageLike>(name: N) => [img<T>(), [name, number]] as const;

const adjustBrightnessArgs = signature('adjustBrightness', factorSpec('brightnessFactor'));

/** adjust_brightness(img, brightness_factor) */
export function adjustBrightness<T extends ImageLike>(...args: Args<ReturnType<typeof factorSpec<'brightnessFactor', T>>>): T {
  const { img, brightnessFactor: factor } = adjustBrightnessArgs.parse(args);
  return (img instanceof Image ? pilBrightness(img, factor) : tensorBrightness(img, factor)) as T;
}

const adjustContrastArgs = signature('adjustContrast', factorSpec('contrastFactor'));

/** adjust_contrast(img, contrast_factor) */
export function adjustContrast<T extends ImageLike>(...args: Args<ReturnType<typeof factorSpec<'contrastFactor', T>>>): T {
  const { img, contrastFactor: factor } = adjustContrastArgs.parse(args);
  return (img instanceof Image ? pilContrast(img, factor) : tensorContrast(img, factor)) as T;
}

const adjustSaturationArgs = signature('adjustSaturation', factorSpec('saturationFactor'));

/** adjust_saturation(img, saturation_factor) */
export function adjustSaturation<T extends ImageLike>(...args: Args<ReturnType<typeof factorSpec<'saturationFactor', T>>>): T {
  const { img, saturationFactor: factor } = adjustSaturationArgs.parse(args);
  return (img instanceof Image ? pilSaturation(img, factor) : tensorSaturation(img, factor)) as T;
}

const adjustHueArgs = signature('adjustHue', factorSpec('hueFactor'));

/** adjust_hue(img, hue_factor) */
export function adjustHue<T extends ImageLike>(...args: Args<ReturnType<typeof factorSpec<'hueFactor', T>>>): T {
  const { img, hueFactor } = adjustHueArgs.parse(args);
  return (img instanceof Image ? pilHue(img, hueFactor) : tensorHue(img, hueFactor)) as T;
}
