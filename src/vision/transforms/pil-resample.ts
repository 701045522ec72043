// PIL's Image.resize for 8-bit images (Pillow's Resample.c): separable convolution,
// horizontal pass then vertical, coefficients in 22-bit fixed point, 8-bit
// intermediate — so resizing an Image gives the bytes torchvision gets from PIL.
import { Image } from '../image.js';

export type PilFilter = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';

const PRECISION_BITS = 32 - 8 - 2;

function sinc(x: number): number {
  if (x === 0) return 1;
  x *= Math.PI;
  return Math.sin(x) / x;
}

const FILTERS: Record<Exclude<PilFilter, 'nearest'>, { support: number; fn: (x: number) => number }> = {
  box: { support: 0.5, fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: {
    support: 1,
    fn: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
  },
  hamming: {
    support: 1,
    fn: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      return sinc(a) * (0.54 + 0.46 * Math.cos(Math.PI * a));
    },
  },
  bicubic: {
    support: 2,
    fn: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, fn: (x) => (x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

interface Coeffs {
  ksize: number;
  bounds: Int32Array; // xmin, count per output
  kk: Int32Array; // fixed-point weights
}

function precompute(inSize: number, in0: number, in1: number, outSize: number, filter: (typeof FILTERS)['box']): Coeffs {
  const scale = (in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.fn((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? k[x] / ww : k[x];
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(v: number): number {
  if (v >= 1 << PRECISION_BITS << 8) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

function horizontal(src: Image, outW: number, c: Coeffs): Image {
  const { width, height, channels: ch, data } = src;
  const out = new Image(outW, height, ch);
  for (let y = 0; y < height; y++) {
    const row = y * width * ch;
    for (let xx = 0; xx < outW; xx++) {
      const xmin = c.bounds[xx * 2];
      const xmax = c.bounds[xx * 2 + 1];
      const k = xx * c.ksize;
      for (let b = 0; b < ch; b++) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let x = 0; x < xmax; x++) ss += data[row + (x + xmin) * ch + b] * c.kk[k + x];
        out.data[(y * outW + xx) * ch + b] = clip8(ss);
      }
    }
  }
  return out;
}

function vertical(src: Image, outH: number, c: Coeffs): Image {
  const { width, channels: ch, data } = src;
  const out = new Image(width, outH, ch);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = c.bounds[yy * 2];
    const ymax = c.bounds[yy * 2 + 1];
    const k = yy * c.ksize;
    for (let xx = 0; xx < width; xx++) {
      for (let b = 0; b < ch; b++) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let y = 0; y < ymax; y++) ss += data[((y + ymin) * width + xx) * ch + b] * c.kk[k + y];
        out.data[(yy * width + xx) * ch + b] = clip8(ss);
      }
    }
  }
  return out;
}

/** PIL's NEAREST resize: an affine transform sampling floor((x + 0.5) * scale). */
function nearest(src: Image, outW: number, outH: number): Image {
  const { width, height, channels: ch, data } = src;
  const out = new Image(outW, outH, ch);
  const sx = width / outW;
  const sy = height / outH;
  for (let y = 0; y < outH; y++) {
    const yin = Math.min(Math.trunc((y + 0.5) * sy), height - 1);
    for (let x = 0; x < outW; x++) {
      const xin = Math.min(Math.trunc((x + 0.5) * sx), width - 1);
      for (let b = 0; b < ch; b++) out.data[(y * outW + x) * ch + b] = data[(yin * width + xin) * ch + b];
    }
  }
  return out;
}

// PIL resizes and transforms LA/RGBA images premultiplied (modes La/RGBa) so colour does not bleed from transparent pixels.
export function premultiply(img: Image): Image {
  const out = new Image(img.width, img.height, img.channels, img.data.slice());
  const ch = img.channels;
  for (let p = 0; p < out.data.length; p += ch) {
    const a = out.data[p + ch - 1];
    for (let b = 0; b < ch - 1; b++) {
      const tmp = out.data[p + b] * a + 128;
      out.data[p + b] = ((tmp >> 8) + tmp) >> 8;
    }
  }
  return out;
}

/** convert('RGBA' / 'LA') from premultiplied: c 255 / a, clipped (alpha 0 and 255 unchanged). */
export function unpremultiply(img: Image): Image {
  const ch = img.channels;
  for (let p = 0; p < img.data.length; p += ch) {
    const a = img.data[p + ch - 1];
    if (a === 255 || a === 0) continue;
    for (let b = 0; b < ch - 1; b++) img.data[p + b] = Math.min(255, Math.trunc((255 * img.data[p + b]) / a));
  }
  return img;
}

/** PIL's img.resize((width, height), filter). */
export function pilResize(img: Image, width: number, height: number, filter: PilFilter = 'bicubic'): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new RangeError(`resize target must be positive integers, got ${width}x${height}`);
  if (width === img.width && height === img.height) return new Image(width, height, img.channels, img.data.slice());
  if (filter === 'nearest') return nearest(img, width, height);
  // Pillow premultiplies alpha for LA and RGBA only (a CMYK image's 4th band is K, not alpha).
  if (img.mode === 'LA' || img.mode === 'RGBA') return unpremultiply(separable(premultiply(img), width, height, filter));
  return separable(img, width, height, filter);
}

/** The horizontal then vertical pass of Pillow's ImagingResample. */
function separable(img: Image, width: number, height: number, filter: Exclude<PilFilter, 'nearest'>): Image {
  const f = FILTERS[filter];
  let out = img;
  if (width !== img.width) out = horizontal(out, width, precompute(img.width, 0, img.width, width, f));
  if (height !== img.height) out = vertical(out, height, precompute(img.height, 0, img.height, height, f));
  return out;
}
