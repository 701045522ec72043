// torchvision.io: reading images into uint8 [C, H, W] tensors and writing PNG/JPEG,
// plus loadImage, the Image that torchvision's default loader (PIL) would give.
import { readFileSync } from '#platform/fs';
import { writeFileAtomic } from '../../serialization/atomic-write.js';
import { readFile } from '#platform/fs';
import type { Tensor } from '../../tensor/tensor.js';
import { imageToTensor, tensorToImage } from '../convert.js';
import { Image, type ImageMode } from '../image.js';
import { decodeJpeg, decodeJpegLikeTorchvision, decodeWithSharp, encodeJpeg as encodeJpegImage, isJpeg, loadSharp } from './jpeg.js';
import { decodePng, encodePng as encodePngImage, isPng } from './png.js';
import { decodePnm, isPnm } from './pnm.js';

export { decodePng, isPng } from './png.js';
export { decodeJpeg, isJpeg } from './jpeg.js';

/** torchvision.io.ImageReadMode */
export const ImageReadMode = { UNCHANGED: 'UNCHANGED', GRAY: 'GRAY', GRAY_ALPHA: 'GRAY_ALPHA', RGB: 'RGB', RGB_ALPHA: 'RGB_ALPHA' } as const;
export type ImageReadMode = (typeof ImageReadMode)[keyof typeof ImageReadMode];

const MODE_OF: Record<Exclude<ImageReadMode, 'UNCHANGED'>, ImageMode> = { GRAY: 'L', GRAY_ALPHA: 'LA', RGB: 'RGB', RGB_ALPHA: 'RGBA' };

function withMode(img: Image, mode: ImageReadMode): Image {
  return mode === 'UNCHANGED' ? img : img.convert(MODE_OF[mode]);
}

/** Whether the optional `sharp` package is installed (the async readers then also read WebP, TIFF, GIF, AVIF). */
export async function hasSharp(): Promise<boolean> {
  return (await loadSharp()) !== null;
}

/** Decodes PNG, PGM/PPM and JPEG bytes synchronously (PIL's pixels and modes); `name` appears in errors. */
export function decodeImageData(bytes: Uint8Array, name = 'image data'): Image {
  if (isPng(bytes)) return decodePng(bytes, name);
  if (isJpeg(bytes)) return decodeJpeg(bytes, name);
  if (isPnm(bytes)) return decodePnm(bytes, name);
  throw new Error(`${name}: cannot identify image file (supported synchronously: PNG, JPEG, PGM/PPM; loadImageAsync also reads what sharp reads)`);
}

/**
 * Like decodeImageData, and reads the other formats sharp reads when it is installed.
 * JPEG stays with the built-in decoder: sharp's pixels are the same, but it gives
 * grayscale JPEGs 3 channels where PIL gives mode L.
 */
export async function decodeImageDataAsync(bytes: Uint8Array, name = 'image data'): Promise<Image> {
  if (isPng(bytes) || isPnm(bytes) || isJpeg(bytes)) return decodeImageData(bytes, name);
  return (await decodeWithSharp(bytes, name)) ?? decodeImageData(bytes, name);
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read image file (${(e as Error).message})`);
  }
}

/** An image file as an Image (PIL.Image.open(path), converted to `mode` if given). */
export function loadImage(path: string, mode?: ImageMode): Image {
  const img = decodeImageData(readBytes(path), path);
  return mode ? img.convert(mode) : img;
}

// PIL.Image.open(path): the same as loadImage (decoded at once rather than lazily).
Image.open = loadImage;
declare module '../image.js' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- a static member added to the class, as PIL's Image.open
  namespace Image {
    /** PIL.Image.open(path): the image file decoded (then `.convert('RGB')` as in PIL). */
    let open: (path: string, mode?: ImageMode) => Image;
  }
}

export async function loadImageAsync(path: string, mode?: ImageMode): Promise<Image> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read image file (${(e as Error).message})`);
  }
  const img = await decodeImageDataAsync(bytes, path);
  return mode ? img.convert(mode) : img;
}

/** torchvision.io's decoding: JPEG through libjpeg's own colour conversions, other formats as PIL reads them. */
function decodeForTensor(bytes: Uint8Array, mode: ImageReadMode, name?: string): Tensor {
  if (isJpeg(bytes)) return imageToTensor(decodeJpegLikeTorchvision(bytes, mode, name));
  // libpng expands palettes to RGB and tRNS to alpha, and keeps 16-bit samples' high byte
  if (isPng(bytes)) return imageToTensor(withMode(decodePng(bytes, name, true), mode));
  return imageToTensor(withMode(decodeImageData(bytes, name), mode));
}

/** torchvision.io.decode_image: bytes to a uint8 [C, H, W] tensor. */
export function decodeImage(bytes: Uint8Array, mode: ImageReadMode = 'UNCHANGED'): Tensor {
  return decodeForTensor(bytes, mode);
}

/** torchvision.io.read_image: an image file as a uint8 [C, H, W] tensor. */
export function readImage(path: string, mode: ImageReadMode = 'UNCHANGED'): Tensor {
  return decodeForTensor(readBytes(path), mode, path);
}

export async function readImageAsync(path: string, mode: ImageReadMode = 'UNCHANGED'): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read image file (${(e as Error).message})`);
  }
  if (isJpeg(bytes) || isPng(bytes) || isPnm(bytes)) return decodeForTensor(bytes, mode, path);
  return imageToTensor(withMode(await decodeImageDataAsync(bytes, path), mode));
}

/** torchvision.io.encode_png: a uint8 [C, H, W] tensor (C = 1 to 4) as PNG bytes. */
export function encodePng(input: Tensor, compressionLevel = 6): Uint8Array {
  return encodePngImage(tensorToImage(input, 'encode_png input'), compressionLevel);
}

/** torchvision.io.write_png */
export function writePng(input: Tensor, path: string, compressionLevel = 6): void {
  writeFileAtomic(path, [encodePng(input, compressionLevel)]);
}

/** torchvision.io.encode_jpeg (needs jpeg-js): a uint8 [1 or 3, H, W] tensor as JPEG bytes. */
export function encodeJpeg(input: Tensor, quality = 75): Uint8Array {
  return encodeJpegImage(tensorToImage(input, 'encode_jpeg input'), quality);
}

export function writeJpeg(input: Tensor, path: string, quality = 75): void {
  writeFileAtomic(path, [encodeJpeg(input, quality)]);
}

/** Writes an Image as PNG (PIL's img.save(path) for .png). */
export function saveImagePng(img: Image, path: string): void {
  writeFileAtomic(path, [encodePngImage(img)]);
}
export { DecompressionBombError, getMaxImagePixels, setMaxImagePixels } from './limits.js';
