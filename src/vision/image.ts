// The image type that stands in for PIL images: 8-bit pixels, rows top to bottom,
// channels interleaved (HWC), as PIL stores modes L, LA, RGB, RGBA, YCbCr and CMYK.
import { registerTransferableClass } from '../utils/data/transfer.js';
import { BANDS, convertPixels, type PixelMode } from './image-convert.js';

export type ImageMode = PixelMode;

const MODES: Record<number, ImageMode> = { 1: 'L', 2: 'LA', 3: 'RGB', 4: 'RGBA' };

export class Image {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
  /** PIL's mode; by default the one its channel count implies (L, LA, RGB, RGBA). */
  readonly mode: ImageMode;

  constructor(width: number, height: number, channels: number, data?: Uint8Array, mode?: ImageMode) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new RangeError(`invalid image size ${width}x${height}`);
    if (!(channels in MODES)) throw new RangeError(`an image has 1 to 4 channels (L, LA, RGB, RGBA, YCbCr, CMYK), got ${channels}`);
    if (mode !== undefined && BANDS[mode] !== channels) throw new RangeError(`mode ${mode} has ${BANDS[mode] ?? '?'} bands, not ${channels}`);
    const size = width * height * channels;
    if (data !== undefined && data.length !== size) throw new RangeError(`a ${width}x${height} image with ${channels} channels needs ${size} bytes, got ${data.length}`);
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.data = data ?? new Uint8Array(size);
    this.mode = mode ?? MODES[channels];
  }

  /** PIL's img.size: [width, height]. */
  get size(): [number, number] {
    return [this.width, this.height];
  }

  /** PIL's Image.convert between L, LA, RGB, RGBA, YCbCr and CMYK, with Pillow's integer formulas. */
  convert(mode: ImageMode): Image {
    if (!(mode in BANDS)) throw new RangeError(`conversion from ${this.mode} to ${String(mode)} not supported (modes: ${Object.keys(BANDS).join(', ')})`);
    const data = convertPixels(this.data, this.width * this.height, this.mode, mode);
    return new Image(this.width, this.height, BANDS[mode], data, mode);
  }

  /** Image.fromarray for HWC (or HW) uint8 data. */
  static fromArray(data: Uint8Array, height: number, width: number, channels = 1): Image {
    return new Image(width, height, channels, data);
  }

  toString(): string {
    return `<Image mode=${this.mode} size=${this.width}x${this.height}>`;
  }
}

export function isImage(x: unknown): x is Image {
  return x instanceof Image;
}

registerTransferableClass('torchlette.vision.Image', Image);
