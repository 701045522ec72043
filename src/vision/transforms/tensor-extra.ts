// torchvision's tensor code path (functional_tensor.py) for the ops that issue 12 added:
// invert, posterize, solarize, adjust_sharpness, autocontrast, equalize, gaussian_blur
// and erase, written with the tensor ops as torchvision writes them (so ATen's type
// promotion and the conv2d / pad kernels give the same numbers).
import '../../ops/index.js';
import { conv2d, pad as nnPad } from '../../nn/functional/index.js';
import { stack } from '../../ops/join.js';
import { linspace, ones, tensor } from '../../tensor/create.js';
import { isFloatingDtype, type DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { channelsOf } from './tensor-ops.js';

/** _assert_image_tensor: [..., H, W] */
export function assertImageTensor(t: Tensor): void {
  if (t.dim() < 2) throw new TypeError('Tensor is not a torch image.');
}

function assertAtLeast3d(t: Tensor): void {
  if (t.dim() < 3) throw new TypeError(`Input image tensor should have at least 3 dimensions, but found ${t.dim()}`);
}

function assertChannels(t: Tensor, permitted: readonly number[]): void {
  const c = channelsOf(t);
  if (!permitted.includes(c)) throw new TypeError(`Input image tensor permitted channel values are [${permitted.join(', ')}], but found ${c}`);
}

function assertUint8(t: Tensor): void {
  if (t.dtype !== 'uint8') throw new TypeError(`Only torch.uint8 image tensors are supported, but found torch.${t.dtype}`);
}

/** The dtype torchvision computes in: the image's own when floating, float32 otherwise. */
function workDtype(t: Tensor): DType {
  return isFloatingDtype(t.dtype) ? t.dtype : 'float32';
}

/** _cast_squeeze_in / _cast_squeeze_out around a computation on [N, C, H, W] in `dtype`. */
export function castSqueeze(t: Tensor, dtype: DType, fn: (x: Tensor) => Tensor): Tensor {
  const squeeze = t.dim() < 4;
  let x = squeeze ? t.unsqueeze(0) : t;
  const cast = x.dtype !== dtype;
  if (cast) x = x.to(dtype);
  let out = fn(x);
  if (squeeze) out = out.squeeze(0);
  if (cast) {
    if (!isFloatingDtype(t.dtype) && t.dtype !== 'bool') out = out.round();
    out = out.to(t.dtype);
  }
  return out;
}

/**
 * _blend: (ratio * img1 + (1 - ratio) * img2).clamp(0, bound).to(img1.dtype). `ratio` is a
 * Python float, so integer images compute in float32 even when it is a whole number.
 */
function blend(img1: Tensor, img2: Tensor, ratio: number): Tensor {
  const bound = isFloatingDtype(img1.dtype) ? 1 : 255;
  const asFloat = (t: Tensor) => (isFloatingDtype(t.dtype) ? t : t.to('float32'));
  return asFloat(img1).mul(ratio).add(asFloat(img2).mul(1 - ratio)).clamp(0, bound).to(img1.dtype);
}

export function tensorInvert(t: Tensor): Tensor {
  assertImageTensor(t);
  assertAtLeast3d(t);
  assertChannels(t, [1, 3]);
  const bound = tensor(isFloatingDtype(t.dtype) ? 1 : 255, { dtype: t.dtype });
  return bound.sub(t);
}

export function tensorPosterize(t: Tensor, bits: number): Tensor {
  assertImageTensor(t);
  assertAtLeast3d(t);
  assertUint8(t);
  assertChannels(t, [1, 3]);
  // -(2 ** (8 - bits)) as a uint8 mask: ~(2 ** (8 - bits) - 1) in the low byte
  return t.bitwiseAnd(tensor(-(2 ** (8 - bits)) & 0xff, { dtype: 'uint8' }));
}

export function tensorSolarize(t: Tensor, threshold: number): Tensor {
  assertImageTensor(t);
  assertAtLeast3d(t);
  assertChannels(t, [1, 3]);
  const bound = isFloatingDtype(t.dtype) ? 1 : 255;
  if (threshold > bound) throw new TypeError('Threshold should be less than bound of img.');
  return tensorInvert(t).where(t.ge(threshold), t);
}

/** _blurred_degenerate_image: the 3x3 smoothing kernel [[1,1,1],[1,5,1],[1,1,1]] / 13 inside the border. */
function blurredDegenerate(t: Tensor): Tensor {
  const dtype = workDtype(t);
  const kernel = ones([3, 3], { dtype });
  kernel.index(1, 1).fill_(5);
  const k = kernel.div(kernel.sum()).expand([channelsOf(t), 1, 3, 3]);
  const inner = castSqueeze(t, dtype, (x) => conv2d(x, k, { groups: x.shape[x.dim() - 3] }));
  const result = t.clone();
  result.index('...', '1:-1', '1:-1').copy_(inner);
  return result;
}

export function tensorSharpness(t: Tensor, factor: number): Tensor {
  if (factor < 0) throw new RangeError(`sharpness_factor (${factor}) is not non-negative.`);
  assertImageTensor(t);
  assertChannels(t, [1, 3]);
  const [h, w] = t.shape.slice(-2);
  if (w <= 2 || h <= 2) return t;
  return blend(t, blurredDegenerate(t), factor);
}

export function tensorAutocontrast(t: Tensor): Tensor {
  assertImageTensor(t);
  assertAtLeast3d(t);
  assertChannels(t, [1, 3]);
  const bound = isFloatingDtype(t.dtype) ? 1 : 255;
  const dtype = workDtype(t);
  const minimum = t.amin([-2, -1], true).to(dtype);
  const maximum = t.amax([-2, -1], true).to(dtype);
  // bound / tensor is Tensor.__rdiv__: reciprocal() * bound
  const scale = maximum.sub(minimum).reciprocal().mul(bound);
  // channels with one value: leave them as they are (scale 1, minimum 0)
  const flat = scale.isfinite().logicalNot();
  const min = minimum.where(flat.logicalNot(), 0);
  const sc = scale.where(flat.logicalNot(), 1);
  return t.sub(min).mul(sc).clamp(0, bound).to(t.dtype);
}

/** _scale_channel: the histogram-equalising lookup table of one channel. */
function scaleChannel(chan: Tensor): Tensor {
  const hist = chan.reshape([-1]).bincount({ minlength: 256 });
  const nonzero = Array.from(hist.toTypedArray(), Number).filter((v) => v !== 0);
  const step = Math.floor(nonzero.slice(0, -1).reduce((a, b) => a + b, 0) / 255);
  if (step === 0) return chan;
  const lut = hist.cumsum(0).add(Math.floor(step / 2)).div(step, { roundingMode: 'floor' });
  const shifted = nnPad(lut, [1, 0]).index(':-1').clamp(0, 255);
  return shifted.index(chan.to('int64')).to('uint8');
}

export function tensorEqualize(t: Tensor): Tensor {
  assertImageTensor(t);
  if (!(t.dim() >= 3 && t.dim() <= 4)) throw new TypeError(`Input image tensor should have 3 or 4 dimensions, but found ${t.dim()}`);
  assertUint8(t);
  assertChannels(t, [1, 3]);
  const single = (img: Tensor) => stack(img.unbind(0).map(scaleChannel));
  return t.dim() === 3 ? single(t) : stack(t.unbind(0).map(single));
}

/** _get_gaussian_kernel1d in float32: exp(-x^2 / 2 sigma^2) over the taps, normalised. */
function gaussianKernel1d(size: number, sigma: number): Tensor {
  const half = (size - 1) * 0.5;
  const x = linspace(-half, half, size);
  const pdf = x.div(sigma).pow(2).mul(-0.5).exp();
  return pdf.div(pdf.sum());
}

export function tensorGaussianBlur(t: Tensor, kernelSize: readonly number[], sigma: readonly number[]): Tensor {
  assertImageTensor(t);
  const dtype = workDtype(t);
  const kx = gaussianKernel1d(kernelSize[0], sigma[0]).to(dtype);
  const ky = gaussianKernel1d(kernelSize[1], sigma[1]).to(dtype);
  const kernel = ky.unsqueeze(1).mm(kx.unsqueeze(0));
  const k = kernel.expand([t.shape[t.dim() - 3], 1, kernel.shape[0], kernel.shape[1]]);
  const [px, py] = [Math.floor(kernelSize[0] / 2), Math.floor(kernelSize[1] / 2)];
  return castSqueeze(t, dtype, (x) => conv2d(nnPad(x, [px, px, py, py], 'reflect'), k, { groups: x.shape[x.dim() - 3] }));
}

/** F_t.erase: img[..., i:i+h, j:j+w] = v (on a clone unless inplace). */
export function tensorErase(t: Tensor, i: number, j: number, h: number, w: number, v: Tensor, inplace: boolean): Tensor {
  assertImageTensor(t);
  const img = inplace ? t : t.clone();
  img.index('...', `${i}:${i + h}`, `${j}:${j + w}`).copy_(v);
  return img;
}
