// PIL's pixel operations that torchvision's PIL code path uses, reproduced on Image:
// crop, pad (ImageOps.expand / numpy.pad), flips, rotate (Image.rotate's affine
// transform), and ImageEnhance's blends for brightness, contrast, saturation, hue.
import { Image } from '../image.js';
import { hsvSectorToRgb } from './hsv.js';

const f = Math.fround;

/** PIL's img.crop((left, top, right, bottom)): areas outside the image are zero. */
export function pilCrop(img: Image, top: number, left: number, height: number, width: number): Image {
  const { channels: ch } = img;
  const out = img.blank(Math.max(width, 0), Math.max(height, 0));
  for (let y = 0; y < height; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= img.height) continue;
    for (let x = 0; x < width; x++) {
      const sx = left + x;
      if (sx < 0 || sx >= img.width) continue;
      for (let b = 0; b < ch; b++) out.data[(y * width + x) * ch + b] = img.data[(sy * img.width + sx) * ch + b];
    }
  }
  return out;
}

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** Maps an out-of-range coordinate back into [0, n) (numpy.pad's modes). */
export function padIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return Math.min(Math.max(i, 0), n - 1);
  if (mode === 'reflect') {
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    const m = ((i % period) + period) % period;
    return m < n ? m : period - m;
  }
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/** Pads by [left, top, right, bottom] (negative values crop). */
export function pilPad(img: Image, [left, top, right, bottom]: number[], fill: number[], mode: PaddingMode): Image {
  const ch = img.channels;
  const w = img.width + left + right;
  const h = img.height + top + bottom;
  const out = img.blank(w, h);
  for (let y = 0; y < h; y++) {
    const sy = padIndex(y - top, img.height, mode);
    for (let x = 0; x < w; x++) {
      const sx = padIndex(x - left, img.width, mode);
      const d = (y * w + x) * ch;
      if (sy < 0 || sx < 0) for (let b = 0; b < ch; b++) out.data[d + b] = fill[b];
      else for (let b = 0; b < ch; b++) out.data[d + b] = img.data[(sy * img.width + sx) * ch + b];
    }
  }
  return out;
}

export function pilFlip(img: Image, horizontal: boolean): Image {
  const { width: w, height: h, channels: ch } = img;
  const out = img.blank(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = horizontal ? w - 1 - x : x;
      const sy = horizontal ? y : h - 1 - y;
      for (let b = 0; b < ch; b++) out.data[(y * w + x) * ch + b] = img.data[(sy * w + sx) * ch + b];
    }
  }
  return out;
}

/**
 * PIL's Image.transpose methods that swap width and height: ROTATE_90 (2, counter-clockwise),
 * ROTATE_270 (4), TRANSPOSE (5) and TRANSVERSE (6). out(x, y) = in(sx, sy) of the source.
 */
export function pilTransposeSwap(img: Image, method: 2 | 4 | 5 | 6): Image {
  const { width: w, height: h, channels: ch } = img;
  const out = img.blank(h, w);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < h; x++) {
      const sx = method === 2 || method === 6 ? w - 1 - y : y;
      const sy = method === 4 || method === 6 ? h - 1 - x : x;
      for (let b = 0; b < ch; b++) out.data[(y * h + x) * ch + b] = img.data[(sy * w + sx) * ch + b];
    }
  }
  return out;
}

const round15 = (v: number) => Number(v.toFixed(15));

/** Image.rotate(angle, NEAREST | BILINEAR, expand, center, fillcolor). */
export function pilRotate(img: Image, angleDeg: number, bilinear: boolean, expand: boolean, center: [number, number] | null, fill: number[]): Image {
  const angle = ((angleDeg % 360) + 360) % 360;
  if (!center) {
    if (angle === 0) return img.copy();
    if (angle === 180) return pilFlip(pilFlip(img, true), false);
    if ((angle === 90 || angle === 270) && (expand || img.width === img.height)) return pilTransposeSwap(img, angle === 270 ? 4 : 2);
  }
  let w = img.width;
  let h = img.height;
  const [cx, cy] = center ?? [w / 2, h / 2];
  const rad = -(angle * Math.PI) / 180;
  const m = [round15(Math.cos(rad)), round15(Math.sin(rad)), 0, round15(-Math.sin(rad)), round15(Math.cos(rad)), 0];
  const apply = (x: number, y: number): [number, number] => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
  [m[2], m[5]] = apply(-cx, -cy);
  m[2] += cx;
  m[5] += cy;
  if (expand) {
    const corners = [[0, 0], [w, 0], [w, h], [0, h]].map(([x, y]) => apply(x, y));
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const nw = Math.ceil(Math.max(...xs)) - Math.floor(Math.min(...xs));
    const nh = Math.ceil(Math.max(...ys)) - Math.floor(Math.min(...ys));
    [m[2], m[5]] = apply(-(nw - w) / 2, -(nh - h) / 2);
    w = nw;
    h = nh;
  }
  // Pillow transforms P images with NEAREST whatever the filter; its 8-bit bilinear filter is what is reproduced here.
  if (bilinear && img.mode !== 'P') img.bytes('rotate with BILINEAR');
  return bilinear && img.mode !== 'P' ? affineBilinear(img, w, h, m, fill) : affineNearest(img, w, h, m, fill);
}

function filled(img: Image, w: number, h: number, fill: number[]): Image {
  const out = img.blank(w, h);
  for (let p = 0; p < w * h; p++) for (let b = 0; b < img.channels; b++) out.data[p * img.channels + b] = fill[b];
  return out;
}

// ImagingTransformAffine with NEAREST: 16.16 fixed point when every coordinate fits, else doubles.
export function affineNearest(img: Image, w: number, h: number, a: number[], fill: number[]): Image {
  const out = filled(img, w, h, fill);
  const ch = img.channels;
  const fits = (x: number, y: number) => Math.abs(x * a[0] + y * a[1] + a[2]) < 32768 && Math.abs(x * a[3] + y * a[4] + a[5]) < 32768;
  const copy = (x: number, y: number, xin: number, yin: number) => {
    if (xin >= 0 && xin < img.width && yin >= 0 && yin < img.height) {
      for (let b = 0; b < ch; b++) out.data[(y * w + x) * ch + b] = img.data[(yin * img.width + xin) * ch + b];
    }
  };
  if (fits(0, 0) && fits(w, h) && fits(0, h) && fits(w, 0)) {
    const fix = (v: number) => Math.floor(v * 65536 + 0.5);
    const [a0, a1, a3, a4] = [fix(a[0]), fix(a[1]), fix(a[3]), fix(a[4])];
    let a2 = fix(a[2] + a[0] * 0.5 + a[1] * 0.5);
    let a5 = fix(a[5] + a[3] * 0.5 + a[4] * 0.5);
    for (let y = 0; y < h; y++) {
      let xx = a2;
      let yy = a5;
      for (let x = 0; x < w; x++) {
        copy(x, y, xx >> 16, yy >> 16);
        xx = (xx + a0) | 0;
        yy = (yy + a3) | 0;
      }
      a2 = (a2 + a1) | 0;
      a5 = (a5 + a4) | 0;
    }
    return out;
  }
  let xo = a[2] + a[0] * 0.5 + a[1] * 0.5;
  let yo = a[5] + a[3] * 0.5 + a[4] * 0.5;
  const coord = (v: number) => (v < 0 ? -1 : Math.trunc(v));
  for (let y = 0; y < h; y++) {
    let xx = xo;
    let yy = yo;
    for (let x = 0; x < w; x++) {
      copy(x, y, coord(xx), coord(yy));
      xx += a[0];
      yy += a[3];
    }
    xo += a[1];
    yo += a[4];
  }
  return out;
}

// ImagingGenericTransform with the 8-bit bilinear filter.
function affineBilinear(img: Image, w: number, h: number, a: number[], fill: number[]): Image {
  const out = filled(img, w, h, fill);
  const ch = img.channels;
  const clipX = (x: number) => Math.min(Math.max(x, 0), img.width - 1);
  const clipY = (y: number) => Math.min(Math.max(y, 0), img.height - 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let xin = a[0] * (x + 0.5) + a[1] * (y + 0.5) + a[2];
      let yin = a[3] * (x + 0.5) + a[4] * (y + 0.5) + a[5];
      if (xin < 0 || xin >= img.width || yin < 0 || yin >= img.height) continue;
      xin -= 0.5;
      yin -= 0.5;
      const x0 = Math.floor(xin);
      const y0 = Math.floor(yin);
      const dx = xin - x0;
      const dy = yin - y0;
      const c0 = clipX(x0);
      const c1 = clipX(x0 + 1);
      const r0 = clipY(y0);
      for (let b = 0; b < ch; b++) {
        const at = (yy: number, xx: number) => img.data[(yy * img.width + xx) * ch + b];
        let v1 = at(r0, c0) + (at(r0, c1) - at(r0, c0)) * dx;
        const v2 = y0 + 1 >= 0 && y0 + 1 < img.height ? at(y0 + 1, c0) + (at(y0 + 1, c1) - at(y0 + 1, c0)) * dx : v1;
        v1 = v1 + (v2 - v1) * dy;
        out.data[(y * w + x) * ch + b] = Math.trunc(v1);
      }
    }
  }
  return out;
}

/** Image.blend(degenerate, img, factor): float32 interpolation, truncated to 8 bits. */
export function pilBlend(degenerate: Uint8Array, img: Image, factor: number): Image {
  const alpha = f(factor);
  const src = img.bytes('Image.blend');
  const out = img.blank(img.width, img.height);
  const inside = alpha >= 0 && alpha <= 1;
  for (let i = 0; i < src.length; i++) {
    const v = f(degenerate[i] + f(alpha * (src[i] - degenerate[i])));
    out.data[i] = inside ? Math.trunc(v) : v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}

function keepAlpha(degenerate: Uint8Array, img: Image): void {
  if (img.channels !== 2 && img.channels !== 4) return;
  for (let p = img.channels - 1; p < degenerate.length; p += img.channels) degenerate[p] = img.data[p];
}

export function pilBrightness(img: Image, factor: number): Image {
  const degenerate = new Uint8Array(img.bytes('adjust_brightness').length);
  keepAlpha(degenerate, img);
  return pilBlend(degenerate, img, factor);
}

export function pilContrast(img: Image, factor: number): Image {
  const gray = img.convert('L').bytes('adjust_contrast');
  img.bytes('adjust_contrast');
  let sum = 0;
  for (const v of gray) sum += v;
  const mean = Math.trunc(sum / gray.length + 0.5);
  const degenerate = new Image(img.width, img.height, 1, new Uint8Array(gray.length).fill(mean)).convert(img.mode).bytes('adjust_contrast');
  keepAlpha(degenerate, img);
  return pilBlend(degenerate, img, factor);
}

export function pilSaturation(img: Image, factor: number): Image {
  img.bytes('adjust_saturation');
  const hasAlpha = img.channels === 2 || img.channels === 4;
  const degenerate = img.convert(hasAlpha ? 'LA' : 'L').convert(img.mode).bytes('adjust_saturation');
  return pilBlend(degenerate, img, factor);
}

/** torchvision's PIL adjust_hue: shift H of PIL's 8-bit HSV by uint8(hueFactor * 255), wrapping. */
export function pilHue(img: Image, hueFactor: number): Image {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new RangeError(`hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  // torchvision returns L, 1, I and F images unchanged.
  if (img.mode === 'I' || img.mode === 'F') return img;
  img.bytes('adjust_hue');
  if (img.channels < 3) return img;
  const shift = ((Math.trunc(hueFactor * 255) % 256) + 256) % 256;
  const out = new Image(img.width, img.height, img.channels, img.data.slice());
  const d = out.data;
  const clip8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : v);
  for (let p = 0; p < d.length; p += img.channels) {
    const r = d[p];
    const g = d[p + 1];
    const b = d[p + 2];
    // rgb2hsv_row (float arithmetic, as Pillow's Convert.c)
    const maxc = Math.max(r, g, b);
    const minc = Math.min(r, g, b);
    let uh = 0;
    let us = 0;
    const uv = maxc;
    if (minc !== maxc) {
      const cr = f(maxc - minc);
      const s = f(cr / maxc);
      const rc = f((maxc - r) / cr);
      const gc = f((maxc - g) / cr);
      const bc = f((maxc - b) / cr);
      let h: number;
      if (r === maxc) h = f(bc - gc);
      else if (g === maxc) h = f(2 + rc - bc);
      else h = f(4 + gc - rc);
      h = f((h / 6 + 1) % 1);
      uh = clip8(Math.trunc(h * 255));
      us = clip8(Math.trunc(s * 255));
    }
    const hh = (uh + shift) & 0xff;
    // hsv2rgb
    if (us === 0) {
      d[p] = d[p + 1] = d[p + 2] = uv;
      continue;
    }
    const i = Math.floor((hh * 6) / 255);
    const fr = f((hh * 6) / 255 - i);
    const fs = f(us / 255);
    const pp = clip8(Math.round(uv * (1 - fs)));
    const q = clip8(Math.round(uv * (1 - f(fs * fr))));
    const t = clip8(Math.round(uv * (1 - fs * (1 - fr))));
    const rgb = hsvSectorToRgb(i, uv, pp, q, t);
    d[p] = rgb[0];
    d[p + 1] = rgb[1];
    d[p + 2] = rgb[2];
  }
  return out;
}
