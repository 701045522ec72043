// PIL's operations behind torchvision's PIL code path for the ops issue 12 added,
// reproduced on Image byte for byte: ImageOps' lookup tables (invert, posterize,
// solarize, autocontrast, equalize), ImageEnhance.Sharpness (the SMOOTH filter, then a
// blend), and Image.transform's AFFINE and PERSPECTIVE methods (Geometry.c) with the
// NEAREST, BILINEAR and BICUBIC filters.
import { Image } from '../image.js';
import { affineNearest, pilBlend } from './pil-ops.js';
import { premultiply, unpremultiply } from './pil-resample.js';

const f = Math.fround;

/** ImageOps._lut: one 256-entry table per band, for modes L and RGB only. */
function applyLut(img: Image, luts: Uint8Array[]): Image {
  if (img.mode === 'P') throw new Error('mode P support coming soon');
  if (img.mode !== 'L' && img.mode !== 'RGB') throw new Error('not supported for this image mode');
  const out = img.blank(img.width, img.height);
  const ch = img.channels;
  for (let i = 0; i < img.data.length; i++) out.data[i] = luts[i % ch][img.data[i]];
  return out;
}

function sameLut(img: Image, fn: (v: number) => number): Image {
  const lut = Uint8Array.from({ length: 256 }, (_, i) => fn(i));
  return applyLut(img, new Array<Uint8Array>(img.channels).fill(lut));
}

/** image.histogram(): 256 counts per band. */
function histograms(img: Image): number[][] {
  const ch = img.channels;
  const h = Array.from({ length: ch }, () => new Array<number>(256).fill(0));
  const data = img.bytes('histogram');
  for (let i = 0; i < data.length; i++) h[i % ch][data[i]]++;
  return h;
}

export function pilInvert(img: Image): Image {
  return sameLut(img, (i) => 255 - i);
}

export function pilPosterize(img: Image, bits: number): Image {
  const mask = ~(2 ** (8 - bits) - 1);
  return sameLut(img, (i) => i & mask);
}

export function pilSolarize(img: Image, threshold: number): Image {
  return sameLut(img, (i) => (i < threshold ? i : 255 - i));
}

/** ImageOps.autocontrast(image): per band, the lowest level to 0 and the highest to 255. */
export function pilAutocontrast(img: Image): Image {
  if (img.channels !== 1 && img.channels !== 3) throw new Error('not supported for this image mode');
  const luts = histograms(img).map((h) => {
    const lo = h.findIndex((v) => v !== 0);
    let hi = 255;
    while (hi >= 0 && h[hi] === 0) hi--;
    if (lo < 0 || hi <= lo) return Uint8Array.from({ length: 256 }, (_, i) => i);
    const scale = 255 / (hi - lo);
    const offset = -lo * scale;
    return Uint8Array.from({ length: 256 }, (_, i) => Math.min(Math.max(Math.trunc(i * scale + offset), 0), 255));
  });
  return applyLut(img, luts);
}

/** ImageOps.equalize(image) */
export function pilEqualize(img: Image): Image {
  if (img.channels !== 1 && img.channels !== 3) throw new Error('not supported for this image mode');
  const luts = histograms(img).map((h) => {
    const histo = h.filter((v) => v !== 0);
    const identity = Uint8Array.from({ length: 256 }, (_, i) => i);
    if (histo.length <= 1) return identity;
    const step = Math.floor((histo.reduce((a, b) => a + b, 0) - histo[histo.length - 1]) / 255);
    if (step === 0) return identity;
    const lut = new Uint8Array(256);
    let n = Math.floor(step / 2);
    for (let i = 0; i < 256; i++) {
      lut[i] = Math.min(Math.floor(n / step), 255);
      n += h[i];
    }
    return lut;
  });
  return applyLut(img, luts);
}

/**
 * image.filter(ImageFilter.SMOOTH): ImagingFilter3x3 with the kernel
 * [[1,1,1],[1,5,1],[1,1,1]] / 13 in float32, plus 0.5 for rounding; the border rows and
 * columns are copied. Images smaller than the kernel are copied whole.
 */
function smooth(img: Image): Image {
  const { width: w, height: h, channels: ch } = img;
  const data = img.bytes('ImageFilter.SMOOTH');
  const out = new Image(w, h, ch, data.slice());
  if (w < 3 || h < 3) return out;
  const k1 = f(1 / 13);
  const k5 = f(5 / 13);
  const clip8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v));
  const at = (y: number, x: number, b: number) => data[(y * w + x) * ch + b];
  const row = (y: number, x: number, b: number, centre: number) => f(f(f(at(y, x - 1, b) * k1) + f(at(y, x, b) * centre)) + f(at(y, x + 1, b) * k1));
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let b = 0; b < ch; b++) {
        let ss = f(0.5);
        ss = f(ss + row(y + 1, x, b, k1));
        ss = f(ss + row(y, x, b, k5));
        ss = f(ss + row(y - 1, x, b, k1));
        out.data[(y * w + x) * ch + b] = clip8(ss);
      }
    }
  }
  return out;
}

/** ImageEnhance.Sharpness(img).enhance(factor): blend of the smoothed image (with the original alpha) and the image. */
export function pilSharpness(img: Image, factor: number): Image {
  const degenerate = smooth(img).bytes('adjust_sharpness');
  if (img.channels === 2 || img.channels === 4) {
    for (let p = img.channels - 1; p < degenerate.length; p += img.channels) degenerate[p] = img.data[p];
  }
  return pilBlend(degenerate, img, factor);
}

export type PilTransformFilter = 'nearest' | 'bilinear' | 'bicubic';

function filled(img: Image, fill: readonly number[]): Image {
  const out = img.blank(img.width, img.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = fill[i % img.channels];
  return out;
}

/**
 * ImagingGenericTransform: each output pixel centre (x + 0.5, y + 0.5) mapped into the
 * input by `map`; pixels that map outside keep the fill colour.
 */
function genericTransform(img: Image, map: (x: number, y: number) => [number, number], filter: PilTransformFilter, fill: readonly number[]): Image {
  const out = filled(img, fill);
  const { width: w, height: h, channels: ch, data } = img;
  if (filter !== 'nearest') img.bytes(`transform with ${filter.toUpperCase()}`); // Pillow's float filters for I and F are not reproduced
  const clipX = (x: number) => Math.min(Math.max(x, 0), w - 1);
  const clipY = (y: number) => Math.min(Math.max(y, 0), h - 1);
  const coord = (v: number) => (v < 0 ? -1 : Math.trunc(v));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [xin, yin] = map(x + 0.5, y + 0.5);
      const o = (y * w + x) * ch;
      if (filter === 'nearest') {
        // nearest_filter8 / nearest_filter32
        const xi = coord(xin);
        const yi = coord(yin);
        if (xi < 0 || xi >= w || yi < 0 || yi >= h) continue;
        for (let b = 0; b < ch; b++) out.data[o + b] = data[(yi * w + xi) * ch + b];
        continue;
      }
      if (xin < 0 || xin >= w || yin < 0 || yin >= h) continue;
      if (filter === 'bicubic') {
        bicubic(img, xin, yin, out.data as Uint8Array, o);
        continue;
      }
      // bilinear_filter8 / bilinear_filter32RGB: BILINEAR_HEAD and BILINEAR_BODY in doubles
      const xs = xin - 0.5;
      const ys = yin - 0.5;
      const x0 = Math.floor(xs);
      const y0 = Math.floor(ys);
      const dx = xs - x0;
      const dy = ys - y0;
      const c0 = clipX(x0);
      const c1 = clipX(x0 + 1);
      const r0 = clipY(y0);
      const nextRow = y0 + 1 >= 0 && y0 + 1 < h;
      for (let b = 0; b < ch; b++) {
        const px = (yy: number, xx: number) => data[(yy * w + xx) * ch + b];
        let v1 = px(r0, c0) + (px(r0, c1) - px(r0, c0)) * dx;
        const v2 = nextRow ? px(y0 + 1, c0) + (px(y0 + 1, c1) - px(y0 + 1, c0)) * dx : v1;
        v1 = v1 + (v2 - v1) * dy;
        out.data[o + b] = Math.trunc(v1);
      }
    }
  }
  return out;
}

/** Geometry.c's BICUBIC: the cubic through four samples (a = -1), at d in [0, 1). */
function cubic(v1: number, v2: number, v3: number, v4: number, d: number): number {
  const p1 = v2;
  const p2 = -v1 + v3;
  const p3 = 2 * (v1 - v2) + v3 - v4;
  const p4 = -v1 + v2 - v3 + v4;
  return p1 + d * (p2 + d * (p3 + d * p4));
}

/** bicubic_filter8 / bicubic_filter32RGB: BICUBIC_HEAD and BICUBIC_BODY, clipped to 8 bits. */
function bicubic(img: Image, xin: number, yin: number, out: Uint8Array, o: number): void {
  const { width: w, height: h, channels: ch, data } = img;
  const xs = xin - 0.5;
  const ys = yin - 0.5;
  const x = Math.floor(xs) - 1;
  const y = Math.floor(ys) - 1;
  const dx = xs - Math.floor(xs);
  const dy = ys - Math.floor(ys);
  const clipX = (v: number) => Math.min(Math.max(v, 0), w - 1);
  const cols = [clipX(x), clipX(x + 1), clipX(x + 2), clipX(x + 3)];
  const rowOk = (yy: number) => yy >= 0 && yy < h;
  for (let b = 0; b < ch; b++) {
    const along = (row: number) => {
      const at = (c: number) => data[(row * w + cols[c]) * ch + b];
      return cubic(at(0), at(1), at(2), at(3), dx);
    };
    const v1 = along(Math.min(Math.max(y, 0), h - 1));
    const v2 = rowOk(y + 1) ? along(y + 1) : v1;
    const v3 = rowOk(y + 2) ? along(y + 2) : v2;
    const v4 = rowOk(y + 3) ? along(y + 3) : v3;
    const v = cubic(v1, v2, v3, v4, dy);
    out[o + b] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
}

/** ImagingScaleAffine: nearest sampling when the matrix only scales and translates. */
function scaleAffine(img: Image, a: readonly number[], fill: readonly number[]): Image {
  const out = filled(img, fill);
  const { width: w, height: h, channels: ch, data } = img;
  const coord = (v: number) => (v < 0 ? -1 : Math.trunc(v));
  const xintab = new Int32Array(w);
  let xmin = w;
  let xmax = 0;
  let xo = a[2] + a[0] * 0.5;
  for (let x = 0; x < w; x++) {
    const xin = coord(xo);
    if (xin >= 0 && xin < w) {
      xmax = x + 1;
      if (x < xmin) xmin = x;
      xintab[x] = xin;
    }
    xo += a[0];
  }
  let yo = a[5] + a[4] * 0.5;
  for (let y = 0; y < h; y++) {
    const yi = coord(yo);
    if (yi >= 0 && yi < h) {
      for (let x = xmin; x < xmax; x++) for (let b = 0; b < ch; b++) out.data[(y * w + x) * ch + b] = data[(yi * w + xintab[x]) * ch + b];
    }
    yo += a[4];
  }
  return out;
}

/** Image.transform transforms LA / RGBA premultiplied (La / RGBa) for filters other than NEAREST. */
function withAlpha(img: Image, filter: PilTransformFilter, fill: readonly number[], run: (src: Image, fill: readonly number[]) => Image): Image {
  if (filter === 'nearest' || (img.channels !== 2 && img.channels !== 4)) return run(img, fill);
  // the fill colour is a pixel of the premultiplied image, converted back with the rest
  return unpremultiply(run(premultiply(img), fill));
}

/** img.transform(img.size, Image.AFFINE, matrix, filter, fillcolor=fill) */
export function pilAffine(img: Image, matrix: readonly number[], filter: PilTransformFilter, fill: readonly number[]): Image {
  if (img.mode === 'P') filter = 'nearest'; // as Image.transform does
  return withAlpha(img, filter, fill, (src, f) => affineOn(src, matrix, filter, f));
}

function affineOn(img: Image, matrix: readonly number[], filter: PilTransformFilter, fill: readonly number[]): Image {
  const a = matrix;
  if (filter === 'nearest') {
    if (a[1] === 0 && a[3] === 0) return scaleAffine(img, a, fill);
    return affineNearest(img, img.width, img.height, a.slice(), fill.slice());
  }
  return genericTransform(img, (x, y) => [a[0] * x + a[1] * y + a[2], a[3] * x + a[4] * y + a[5]], filter, fill);
}

/** img.transform(img.size, Image.PERSPECTIVE, coeffs, filter, fillcolor=fill) */
export function pilPerspective(img: Image, c: readonly number[], filter: PilTransformFilter, fill: readonly number[]): Image {
  if (img.mode === 'P') filter = 'nearest'; // as Image.transform does
  return withAlpha(img, filter, fill, (src, f) => genericTransform(
    src,
    (x, y) => {
      const d = c[6] * x + c[7] * y + 1;
      return [(c[0] * x + c[1] * y + c[2]) / d, (c[3] * x + c[4] * y + c[5]) / d];
    },
    filter,
    f,
  ));
}
