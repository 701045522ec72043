// torchvision.transforms.functional: each op takes an Image (PIL's code path,
// reproduced byte for byte) or a [..., C, H, W] tensor (functional_tensor's path).
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

function checkImage(img: unknown, op: string): asserts img is ImageLike {
  if (!(img instanceof Image) && !(img instanceof Tensor)) throw new TypeError(`${op}: img should be an Image or a Tensor, got ${img === null ? 'null' : typeof img}`);
}

/** [channels, height, width] */
export function getDimensions(img: ImageLike): [number, number, number] {
  checkImage(img, 'get_dimensions');
  if (img instanceof Image) return [img.channels, img.height, img.width];
  if (img.dim() < 2) throw new TypeError(`Tensor is not a torch image (got shape [${img.shape.join(', ')}])`);
  return [channelsOf(img), img.shape[img.dim() - 2], img.shape[img.dim() - 1]];
}

/** to_tensor: an Image as a float [C, H, W] tensor in [0, 1] (the default dtype). */
export function toTensor(pic: Image): Tensor {
  if (!(pic instanceof Image)) throw new TypeError(`pic should be an Image. Got ${(pic as unknown) instanceof Tensor ? 'Tensor' : typeof pic}`);
  return imageToTensor(pic).to(getDefaultDtype()).div(255);
}

/** pil_to_tensor: uint8 [C, H, W] */
export function pilToTensor(pic: Image): Tensor {
  if (!(pic instanceof Image)) throw new TypeError('pic should be an Image');
  return imageToTensor(pic);
}

/** to_pil_image for uint8 tensors, and float tensors in [0, 1] (pic.mul(255).byte()). */
export function toPilImage(pic: Tensor): Image {
  const t = pic.dim() === 2 ? pic.unsqueeze(0) : pic;
  if (t.dim() !== 3) throw new RangeError(`pic should be 2/3 dimensional. Got ${pic.dim()} dimensions.`);
  return tensorToImage(isFloatingDtype(t.dtype) ? t.mul(255).to('uint8') : t.to('uint8'), 'pic');
}

const MAX_VALUE: Partial<Record<DType, number>> = { uint8: 255, int32: 2147483647, int64: 9223372036854775807, bool: 1 };

/** convert_image_dtype: rescales values between integer ranges and [0, 1] floats. */
export function convertImageDtype(image: Tensor, dtype: DType = 'float32'): Tensor {
  if (!(image instanceof Tensor)) throw new TypeError('Input img should be Tensor Image');
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

/** normalize: (tensor - mean) / std per channel. */
export function normalize(tensor: Tensor, mean: readonly number[], std: readonly number[], inplace = false): Tensor {
  if (!(tensor instanceof Tensor)) throw new TypeError(`img should be Tensor Image. Got ${typeof tensor}`);
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

export interface ResizeOptions {
  interpolation?: InterpolationMode;
  maxSize?: number;
  /** Tensors only (Images always antialias, as PIL); torchvision 0.14's default is false for tensors. */
  antialias?: boolean;
}

function tensorResize(img: Tensor, oh: number, ow: number, mode: InterpolationMode, antialias: boolean): Tensor {
  if (mode !== 'nearest' && mode !== 'bilinear' && mode !== 'bicubic') throw new TypeError(`tensor resize supports nearest, bilinear and bicubic interpolation, got ${mode}`);
  const h = img.shape[img.dim() - 2];
  const w = img.shape[img.dim() - 1];
  const lead = img.shape.slice(0, -2);
  const planes = lead.reduce((a, b) => a * b, 1);
  // _cast_squeeze_in: integer images are interpolated as float32
  const dtype = img.dtype === 'float64' ? 'float64' : 'float32';
  const src = img.to(dtype).toTypedArray() as Float32Array | Float64Array;
  let out = Tensor.fromData(interpolatePlanes(src, planes, h, w, oh, ow, mode, antialias), dtype, [...lead, oh, ow]);
  if (isFloatingDtype(img.dtype)) return out.to(img.dtype);
  // resize's clamp of bicubic uint8 results, then _cast_squeeze_out: round, then cast
  if (mode === 'bicubic' && img.dtype === 'uint8') out = out.clamp(0, 255);
  return out.round().to(img.dtype);
}

/** resize: `size` is [h, w], or a number / [n] for the shorter side (keeping the aspect ratio). */
export function resize(img: ImageLike, size: number | readonly number[], opts: ResizeOptions = {}): ImageLike {
  checkImage(img, 'resize');
  const interpolation = opts.interpolation ?? 'bilinear';
  const sizes = typeof size === 'number' ? [size] : size;
  if (sizes.length !== 1 && sizes.length !== 2) throw new RangeError(`Size must be an int or a 1 or 2 element tuple/list, not a ${sizes.length} element tuple/list`);
  if (opts.maxSize !== undefined && sizes.length !== 1) throw new RangeError('max_size should only be passed if size specifies the length of the smaller edge');
  const [, h, w] = getDimensions(img);
  const [oh, ow] = computeResizedOutputSize(h, w, sizes, opts.maxSize);
  if (oh === h && ow === w) return img;
  if (img instanceof Image) return pilResize(img, ow, oh, interpolation as PilFilter);
  return tensorResize(img, oh, ow, interpolation, opts.antialias ?? false);
}

export function crop<T extends ImageLike>(img: T, top: number, left: number, height: number, width: number): T {
  checkImage(img, 'crop');
  return (img instanceof Image ? pilCrop(img, top, left, height, width) : tensorCrop(img, top, left, height, width)) as T;
}

export function centerCrop<T extends ImageLike>(img: T, outputSize: number | readonly number[]): T {
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

export function pad<T extends ImageLike>(img: T, padding: number | readonly number[], fill: number | readonly number[] = 0, paddingMode: PaddingMode = 'constant'): T {
  checkImage(img, 'pad');
  checkPaddingMode(paddingMode);
  return padImage(img, parsePadding(padding), fill, paddingMode) as T;
}

export function resizedCrop(img: ImageLike, top: number, left: number, height: number, width: number, size: number | readonly number[], opts: ResizeOptions = {}): ImageLike {
  return resize(crop(img, top, left, height, width), size, opts);
}

export function hflip<T extends ImageLike>(img: T): T {
  checkImage(img, 'hflip');
  return (img instanceof Image ? pilFlip(img, true) : tensorFlip(img, true)) as T;
}

export function vflip<T extends ImageLike>(img: T): T {
  checkImage(img, 'vflip');
  return (img instanceof Image ? pilFlip(img, false) : tensorFlip(img, false)) as T;
}

/** torchvision's _get_inverse_affine_matrix (as used by rotate). */
export function inverseAffineMatrix(center: [number, number], angle: number, translate: [number, number], scale: number, shear: [number, number]): number[] {
  const rad = (d: number) => (d * Math.PI) / 180;
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

export interface RotateOptions {
  interpolation?: 'nearest' | 'bilinear';
  expand?: boolean;
  center?: [number, number] | null;
  fill?: number | readonly number[];
}

export function rotate<T extends ImageLike>(img: T, angle: number, opts: RotateOptions = {}): T {
  checkImage(img, 'rotate');
  const interpolation = opts.interpolation ?? 'nearest';
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new TypeError(`rotate supports nearest and bilinear interpolation, got ${interpolation}`);
  const fill = opts.fill ?? 0;
  if (img instanceof Image) {
    const fills = typeof fill === 'number' ? new Array(img.channels).fill(Math.trunc(fill)) : fill.map(Math.trunc);
    return pilRotate(img, angle, interpolation === 'bilinear', opts.expand ?? false, opts.center ?? null, fills) as T;
  }
  const [c, h, w] = getDimensions(img);
  const centerF: [number, number] = opts.center ? [opts.center[0] - w * 0.5, opts.center[1] - h * 0.5] : [0, 0];
  const matrix = inverseAffineMatrix(centerF, -angle, [0, 0], 1, [0, 0]);
  let ow = w;
  let oh = h;
  if (opts.expand) {
    // _compute_affine_output_size: the matrix applied to the corners (about the centre), as torchvision does
    const pts = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]];
    const xs = pts.map(([x, y]) => matrix[0] * x + matrix[1] * y + matrix[2] + w * 0.5);
    const ys = pts.map(([x, y]) => matrix[3] * x + matrix[4] * y + matrix[5] + h * 0.5);
    const tol = 1e-4;
    const snap = (v: number) => Math.trunc(v / tol) * tol;
    ow = Math.ceil(snap(Math.max(...xs))) - Math.floor(snap(Math.min(...xs)));
    oh = Math.ceil(snap(Math.max(...ys))) - Math.floor(snap(Math.min(...ys)));
  }
  const fills = typeof fill === 'number' ? new Array(c).fill(fill) : fill.slice();
  return tensorAffineGrid(img, matrix, interpolation === 'bilinear', fills, ow, oh) as T;
}

export function rgbToGrayscale<T extends ImageLike>(img: T, numOutputChannels = 1): T {
  checkImage(img, 'rgb_to_grayscale');
  if (img instanceof Image) {
    if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('num_output_channels should be either 1 or 3');
    const gray = img.convert('L');
    return (numOutputChannels === 1 ? gray : gray.convert('RGB')) as T;
  }
  return tensorGrayscale(img, numOutputChannels) as T;
}

export function adjustBrightness<T extends ImageLike>(img: T, factor: number): T {
  checkImage(img, 'adjust_brightness');
  return (img instanceof Image ? pilBrightness(img, factor) : tensorBrightness(img, factor)) as T;
}

export function adjustContrast<T extends ImageLike>(img: T, factor: number): T {
  checkImage(img, 'adjust_contrast');
  return (img instanceof Image ? pilContrast(img, factor) : tensorContrast(img, factor)) as T;
}

export function adjustSaturation<T extends ImageLike>(img: T, factor: number): T {
  checkImage(img, 'adjust_saturation');
  return (img instanceof Image ? pilSaturation(img, factor) : tensorSaturation(img, factor)) as T;
}

export function adjustHue<T extends ImageLike>(img: T, hueFactor: number): T {
  checkImage(img, 'adjust_hue');
  return (img instanceof Image ? pilHue(img, hueFactor) : tensorHue(img, hueFactor)) as T;
}
