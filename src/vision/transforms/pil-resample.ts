// PIL's Image.resize (Pillow's Resample.c): separable convolution, horizontal pass then
// vertical; for 8-bit images coefficients in 22-bit fixed point and an 8-bit intermediate,
// for I and F images double coefficients and an int32 / float32 intermediate — so
// resizing an Image gives the values torchvision gets from PIL.
import { floatToInt32 } from '../image-modes.js';
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
      return sinc(a) * (Math.fround(0.54) + Math.fround(0.46) * Math.cos(Math.PI * a)); // Pillow's 0.54f and 0.46f
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
  lanczos: { support: 3, fn: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

interface Coeffs {
  ksize: number;
  bounds: Int32Array; // xmin, count per output
  kk: Int32Array; // fixed-point weights
  k: Float64Array; // the normalized double weights (the I and F passes use them)
}

function precompute(inSize: number, in0: number, in1: number, outSize: number, filter: (typeof FILTERS)['box']): Coeffs {
  const scale = (in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const kd = new Float64Array(outSize * ksize);
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
      kd[xx * ksize + x] = v;
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk, k: kd };
}

function clip8(v: number): number {
  if (v >= 1 << PRECISION_BITS << 8) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

function horizontal(src: Image, outW: number, c: Coeffs): Image {
  const { width, height, channels: ch } = src;
  const data = src.bytes('resize', true);
  const out = src.blank(outW, height);
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
  const { width, channels: ch } = src;
  const data = src.bytes('resize', true);
  const out = src.blank(width, outH);
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

/**
 * PIL's NEAREST resize: ImagingScaleAffine, whose source coordinates start at scale / 2 and
 * grow by repeated addition of the scale (the float sums, truncated, are what pick the pixels).
 */
function nearest(src: Image, outW: number, outH: number): Image {
  const { width, height, channels: ch, data } = src;
  const out = src.blank(outW, outH);
  const sx = width / outW;
  const sy = height / outH;
  const xintab = new Int32Array(outW).fill(-1);
  let xo = sx * 0.5;
  for (let x = 0; x < outW; x++, xo += sx) {
    const xin = Math.trunc(xo);
    if (xin < width) xintab[x] = xin;
  }
  let yo = sy * 0.5;
  for (let y = 0; y < outH; y++, yo += sy) {
    const yin = Math.trunc(yo);
    if (yin >= height) continue; // left zero, as Pillow
    for (let x = 0; x < outW; x++) {
      if (xintab[x] < 0) continue;
      for (let b = 0; b < ch; b++) out.data[(y * outW + x) * ch + b] = data[(yin * width + xintab[x]) * ch + b];
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
  if (width === img.width && height === img.height) return img.copy();
  // Image.resize uses NEAREST for P images whatever the filter asked for.
  if (filter === 'nearest' || img.mode === 'P') return nearest(img, width, height);
  // Pillow premultiplies alpha for LA and RGBA only (a CMYK image's 4th band is K, not alpha).
  if (img.mode === 'LA' || img.mode === 'RGBA') return unpremultiply(separable(premultiply(img), width, height, filter));
  return separable(img, width, height, filter);
}

/** The horizontal then vertical pass of Pillow's ImagingResample. */
function separable(img: Image, width: number, height: number, filter: Exclude<PilFilter, 'nearest'>): Image {
  const f = FILTERS[filter];
  const wide = img.mode === 'I' || img.mode === 'F';
  let out = img;
  if (width !== img.width) out = (wide ? horizontal32 : horizontal)(out, width, precompute(img.width, 0, img.width, width, f));
  if (height !== img.height) out = (wide ? vertical32 : vertical)(out, height, precompute(img.height, 0, img.height, height, f));
  return out;
}

/** ImagingResample*_32bpc's store: float32 for F, ROUND_UP (half away from zero, C's int cast) for I. */
function store32(mode: string): (v: number) => number {
  return mode === 'F' ? Math.fround : (v) => floatToInt32(v >= 0 ? v + 0.5 : v - 0.5);
}

function horizontal32(src: Image, outW: number, c: Coeffs): Image {
  const { width, height, data } = src;
  const out = src.blank(outW, height);
  const put = store32(src.mode);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < outW; xx++) {
      const xmin = c.bounds[xx * 2];
      const xmax = c.bounds[xx * 2 + 1];
      let ss = 0;
      for (let x = 0; x < xmax; x++) ss += data[y * width + x + xmin] * c.k[xx * c.ksize + x];
      out.data[y * outW + xx] = put(ss);
    }
  }
  return out;
}

function vertical32(src: Image, outH: number, c: Coeffs): Image {
  const { width, data } = src;
  const out = src.blank(width, outH);
  const put = store32(src.mode);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = c.bounds[yy * 2];
    const ymax = c.bounds[yy * 2 + 1];
    for (let xx = 0; xx < width; xx++) {
      let ss = 0;
      for (let y = 0; y < ymax; y++) ss += data[(y + ymin) * width + xx] * c.k[yy * c.ksize + y];
      out.data[yy * width + xx] = put(ss);
    }
  }
  return out;
}
