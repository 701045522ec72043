// The image type that stands in for PIL images: rows top to bottom, bands interleaved
// (HWC), stored as PIL stores them: 8-bit bands for L, LA, RGB, RGBA, YCbCr and CMYK,
// one int32 band for I, one float32 band for F, and 8-bit palette indices for P (with
// the palette beside them).
import { registerTransferableClass } from '../utils/data/transfer.js';
import { convert, MODE_BANDS, type ImageInfo, type ImageMode, type PixelData } from './image-modes.js';

export type { ImageInfo, ImageMode, PixelData } from './image-modes.js';
export { MODE_BANDS } from './image-modes.js';

const MODES: Record<number, ImageMode> = { 1: 'L', 2: 'LA', 3: 'RGB', 4: 'RGBA' };

/** The storage a mode's pixels live in. */
export function storageOf(mode: ImageMode): 'int32' | 'float32' | 'uint8' {
  return mode === 'I' ? 'int32' : mode === 'F' ? 'float32' : 'uint8';
}

function allocate(mode: ImageMode, size: number): PixelData {
  const kind = storageOf(mode);
  return kind === 'int32' ? new Int32Array(size) : kind === 'float32' ? new Float32Array(size) : new Uint8Array(size);
}

function storageName(data: PixelData): string {
  return data instanceof Int32Array ? 'Int32Array' : data instanceof Float32Array ? 'Float32Array' : 'Uint8Array';
}

/** Pillow's default palette (ImagingPaletteNew): the grey ramp, 256 entries. */
export function greyRamp(): Uint8Array {
  const p = new Uint8Array(768);
  for (let i = 0; i < 256; i++) p[i * 3] = p[i * 3 + 1] = p[i * 3 + 2] = i;
  return p;
}

/** A palette given as PIL's putpalette takes it: whole RGB triplets, at most 256 (a partial last triplet is dropped, as Pillow does). */
export function checkPalette(palette: ArrayLike<number>): Uint8Array {
  const entries = Math.floor(palette.length / 3);
  if (entries > 256) throw new RangeError('invalid palette size');
  const out = new Uint8Array(entries * 3);
  for (let i = 0; i < out.length; i++) {
    const v = palette[i];
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError('bytes must be in range(0, 256)');
    out[i] = v;
  }
  return out;
}

export class Image {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: PixelData;
  /** PIL's mode; by default the one its channel count implies (L, LA, RGB, RGBA). */
  readonly mode: ImageMode;
  /** Mode P's palette: RGB triplets (Pillow's getpalette()), up to 256 entries; null for other modes. */
  readonly palette: Uint8Array | null;
  /** PIL's img.info (only `transparency` is kept). */
  info: ImageInfo;

  constructor(width: number, height: number, channels: number, data?: PixelData, mode?: ImageMode, palette?: ArrayLike<number> | null) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new RangeError(`invalid image size ${width}x${height}`);
    if (!(channels in MODES)) throw new RangeError(`an image has 1 to 4 channels (L, LA, RGB, RGBA, YCbCr, CMYK, I, F, P), got ${channels}`);
    if (mode !== undefined && MODE_BANDS[mode] !== channels) throw new RangeError(`mode ${mode} has ${MODE_BANDS[mode] ?? '?'} bands, not ${channels}`);
    const m = mode ?? MODES[channels];
    const size = width * height * channels;
    if (data !== undefined) {
      const want = storageOf(m);
      const kind = data instanceof Int32Array ? 'int32' : data instanceof Float32Array ? 'float32' : data instanceof Uint8Array ? 'uint8' : null;
      if (kind !== want) throw new TypeError(`mode ${m} stores its pixels in a ${want === 'uint8' ? 'Uint8Array' : want === 'int32' ? 'Int32Array' : 'Float32Array'}, got ${kind === null ? typeof data : storageName(data)}`);
      if (data.length !== size) throw new RangeError(`a ${width}x${height} image with ${channels} channels needs ${size} values, got ${data.length}`);
    }
    if (palette != null && m !== 'P') throw new RangeError(`only mode P images have a palette, not mode ${m}`);
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.data = data ?? allocate(m, size);
    this.mode = m;
    this.palette = m === 'P' ? (palette == null ? greyRamp() : checkPalette(palette)) : null;
    this.info = {};
  }

  /** PIL's img.size: [width, height]. */
  get size(): [number, number] {
    return [this.width, this.height];
  }

  /** A zero image of this mode, palette and info with another size: what geometric operations fill (PIL's _new keeps info). */
  blank(width: number, height: number): Image {
    const img = new Image(width, height, this.channels, undefined, this.mode, this.palette);
    img.info = { ...this.info };
    return img;
  }

  /** PIL's img.copy(): the same pixels, palette and info in a new image. */
  copy(): Image {
    const img = new Image(this.width, this.height, this.channels, this.data.slice(), this.mode, this.palette);
    img.info = { ...this.info };
    return img;
  }

  /** The 8-bit pixels, for operations defined only on the 8-bit colour modes; other modes throw an error naming `op`. */
  bytes(op: string, allowPalette = false): Uint8Array {
    if (this.mode === 'I' || this.mode === 'F' || (this.mode === 'P' && !allowPalette)) throw new TypeError(`${op} does not support mode ${this.mode} images (convert it to L or RGB first)`);
    return this.data as Uint8Array;
  }

  /**
   * PIL's Image.convert(mode) with Pillow's exact formulas between L, LA, RGB, RGBA, YCbCr,
   * CMYK, I, F and P (default dither and palette: Floyd-Steinberg onto the WEB palette).
   */
  convert(mode: ImageMode): Image {
    const out = convert(this, mode);
    const img = new Image(this.width, this.height, MODE_BANDS[mode], out.data, mode, out.palette);
    img.info = out.info;
    return img;
  }

  /**
   * Image.fromarray for HWC (or HW) data: uint8 with 1 to 4 channels (L, LA, RGB, RGBA, or
   * `mode`, e.g. 'P' for indices with the grey-ramp palette), Int32Array as I, Float32Array as F.
   */
  static fromArray(data: PixelData, height: number, width: number, channels = 1, mode?: ImageMode): Image {
    const m = mode ?? (data instanceof Int32Array ? 'I' : data instanceof Float32Array ? 'F' : MODES[channels]);
    if (m === undefined) throw new RangeError(`Cannot handle this data type: (1, 1, ${channels}), |u1`);
    return new Image(width, height, channels, data, m);
  }

  /** PIL's getpalette(): the palette as a list of R, G, B values, or null when the image has none. */
  getpalette(): number[] | null {
    return this.palette === null ? null : Array.from(this.palette);
  }

  /** PIL's putpalette(data): sets a P image's palette, or turns an L image into P with it (in place). */
  putpalette(data: ArrayLike<number>): void {
    if (this.mode !== 'L' && this.mode !== 'P') throw new RangeError('illegal image mode');
    const self = this as { mode: ImageMode; palette: Uint8Array | null };
    self.palette = checkPalette(data);
    self.mode = 'P';
  }

  toString(): string {
    return `<Image mode=${this.mode} size=${this.width}x${this.height}>`;
  }
}

export function isImage(x: unknown): x is Image {
  return x instanceof Image;
}

registerTransferableClass('torchlette.vision.Image', Image);
