// Image <-> tensor (CHW), the layout torchvision.io and pil_to_tensor use: uint8 for the
// 8-bit modes (P: its indices), int32 for I, float32 for F, as np.array(pic) gives.
import { numeric } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Image } from './image.js';

/** pil_to_tensor: a [C, H, W] tensor of the image's pixels (uint8; int32 for mode I, float32 for F). */
export function imageToTensor(img: Image): Tensor {
  const { width, height, channels, data } = img;
  const plane = width * height;
  if (channels === 1) {
    const dtype = img.mode === 'I' ? 'int32' : img.mode === 'F' ? 'float32' : 'uint8';
    return Tensor.fromData(data.slice(), dtype, [1, height, width]);
  }
  const out = new Uint8Array(plane * channels);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c];
  return Tensor.fromData(out, 'uint8', [channels, height, width]);
}

/**
 * A [C, H, W] (or [H, W]) uint8 tensor as an image; C is 1 to 4. A one-channel int32 tensor
 * gives mode I and a float32 one mode F (Image.fromarray's modes for those types).
 */
export function tensorToImage(t: Tensor, what = 'tensor'): Image {
  const shape = t.dim() === 2 ? [1, ...t.shape] : t.shape;
  if (shape.length !== 3) throw new RangeError(`${what} must be [C, H, W] or [H, W], got [${t.shape.join(', ')}]`);
  if (shape[0] === 1 && (t.dtype === 'int32' || t.dtype === 'float32')) {
    const data = t.contiguous().toTypedArray() as Int32Array | Float32Array;
    return new Image(shape[2], shape[1], 1, data.slice(), t.dtype === 'int32' ? 'I' : 'F');
  }
  if (t.dtype !== 'uint8') throw new TypeError(`${what} must be uint8, got ${t.dtype}`);
  const [channels, height, width] = shape;
  if (channels < 1 || channels > 4) throw new RangeError(`${what} must have 1 to 4 channels, got ${channels}`);
  const src = numeric(t.toTypedArray()); // uint8 (checked above)
  const plane = width * height;
  const data = new Uint8Array(plane * channels);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = src[c * plane + p];
  return new Image(width, height, channels, data);
}
