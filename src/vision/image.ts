// The image type that stands in for PIL images: 8-bit pixels, rows top to bottom,
// channels interleaved (HWC), as PIL stores modes L, LA, RGB and RGBA.
import { registerTransferableClass } from '../utils/data/transfer.js';

export type ImageMode = 'L' | 'LA' | 'RGB' | 'RGBA';

const MODES: Record<number, ImageMode> = { 1: 'L', 2: 'LA', 3: 'RGB', 4: 'RGBA' };

export class Image {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;

  constructor(width: number, height: number, channels: number, data?: Uint8Array) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new RangeError(`invalid image size ${width}x${height}`);
    if (!(channels in MODES)) throw new RangeError(`an image has 1 to 4 channels (L, LA, RGB, RGBA), got ${channels}`);
    const size = width * height * channels;
    if (data !== undefined && data.length !== size) throw new RangeError(`a ${width}x${height} image with ${channels} channels needs ${size} bytes, got ${data.length}`);
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.data = data ?? new Uint8Array(size);
  }

  /** PIL's mode name. */
  get mode(): ImageMode {
    return MODES[this.channels];
  }

  /** PIL's img.size: [width, height]. */
  get size(): [number, number] {
    return [this.width, this.height];
  }

  /** PIL's Image.convert for the modes here (L uses PIL's ITU-R 601-2 luma in fixed point). */
  convert(mode: ImageMode): Image {
    if (mode === this.mode) return new Image(this.width, this.height, this.channels, this.data.slice());
    const target = Object.entries(MODES).find(([, m]) => m === mode);
    if (!target) throw new RangeError(`unknown image mode ${mode}`);
    const outC = Number(target[0]);
    const n = this.width * this.height;
    const src = this.data;
    const inC = this.channels;
    const out = new Uint8Array(n * outC);
    const hasColor = inC >= 3;
    const inAlpha = inC === 2 || inC === 4;
    for (let p = 0; p < n; p++) {
      const s = p * inC;
      const d = p * outC;
      let gray: number;
      if (hasColor) gray = (src[s] * 19595 + src[s + 1] * 38470 + src[s + 2] * 7471 + 0x8000) >>> 16;
      else gray = src[s];
      const alpha = inAlpha ? src[s + inC - 1] : 255;
      if (outC <= 2) {
        out[d] = gray;
        if (outC === 2) out[d + 1] = alpha;
      } else {
        out[d] = hasColor ? src[s] : gray;
        out[d + 1] = hasColor ? src[s + 1] : gray;
        out[d + 2] = hasColor ? src[s + 2] : gray;
        if (outC === 4) out[d + 3] = alpha;
      }
    }
    return new Image(this.width, this.height, outC, out);
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
