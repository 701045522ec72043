// Image <-> uint8 tensor (CHW), the layout torchvision.io and pil_to_tensor use.
import { numeric } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Image } from './image.js';

/** pil_to_tensor: a uint8 [C, H, W] tensor of the image's pixels. */
export function imageToTensor(img: Image): Tensor {
  const { width, height, channels, data } = img;
  const plane = width * height;
  const out = new Uint8Array(plane * channels);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c];
  return Tensor.fromData(out, 'uint8', [channels, height, width]);
}

/** A [C, H, W] (or [H, W]) uint8 tensor as an image; C is 1 to 4. */
export function tensorToImage(t: Tensor, what = 'tensor'): Image {
  const shape = t.dim() === 2 ? [1, ...t.shape] : t.shape;
  if (shape.length !== 3) throw new RangeError(`${what} must be [C, H, W] or [H, W], got [${t.shape.join(', ')}]`);
  if (t.dtype !== 'uint8') throw new TypeError(`${what} must be uint8, got ${t.dtype}`);
  const [channels, height, width] = shape;
  if (channels < 1 || channels > 4) throw new RangeError(`${what} must have 1 to 4 channels, got ${channels}`);
  const src = numeric(t.toTypedArray()); // uint8 (checked above)
  const plane = width * height;
  const data = new Uint8Array(plane * channels);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = src[c * plane + p];
  return new Image(width, height, channels, data);
}
