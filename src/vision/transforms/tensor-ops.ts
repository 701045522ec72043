// torchvision's tensor code path (functional_tensor.py) on [..., C, H, W] tensors,
// computed in the tensor's dtype (float32 arithmetic for uint8 inputs) as ATen does.
import { allocate, isFloatingDtype, type DType, type TypedArray } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { padIndex, type PaddingMode } from './pil-ops.js';

const f = Math.fround;

export interface Planar {
  data: TypedArray;
  dtype: DType;
  /** Dims before H, W (…, C). */
  lead: number[];
  h: number;
  w: number;
}

export function planar(t: Tensor, op: string): Planar {
  if (t.dim() < 2) throw new TypeError(`${op}: tensor is not a torch image (expected [..., H, W], got [${t.shape.join(', ')}])`);
  const shape = t.shape;
  return { data: t.toTypedArray(), dtype: t.dtype, lead: shape.slice(0, -2), h: shape[shape.length - 2], w: shape[shape.length - 1] };
}

export function channelsOf(t: Tensor): number {
  return t.dim() === 2 ? 1 : t.shape[t.dim() - 3];
}

const count = (lead: number[]) => lead.reduce((a, b) => a * b, 1);

function make(data: TypedArray, dtype: DType, lead: number[], h: number, w: number): Tensor {
  return Tensor.fromData(data, dtype, [...lead, h, w]);
}

/** Casts a float result back to an integer dtype as torchvision's _cast_squeeze_out (round half to even). */
export function roundToDtype(v: number, dtype: DType): number {
  if (isFloatingDtype(dtype)) return v;
  const r = v - Math.floor(v) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v);
  return dtype === 'uint8' ? r & 0xff : r;
}

/** Gathers a new [..., oh, ow] tensor with source coordinates from `map` (-1: `fill`). */
function remap(p: Planar, oh: number, ow: number, mapY: (y: number) => number, mapX: (x: number) => number, fill = 0): Tensor {
  const n = count(p.lead);
  const out = allocate(p.dtype, n * oh * ow);
  const ys = Array.from({ length: oh }, (_, y) => mapY(y));
  const xs = Array.from({ length: ow }, (_, x) => mapX(x));
  for (let k = 0; k < n; k++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const sy = ys[y];
        const sx = xs[x];
        out[(k * oh + y) * ow + x] = sy < 0 || sx < 0 ? fill : p.data[(k * p.h + sy) * p.w + sx];
      }
    }
  }
  return make(out, p.dtype, p.lead, oh, ow);
}

/** F_t.pad with [left, top, right, bottom] (negative values crop). */
export function tensorPad(t: Tensor, [left, top, right, bottom]: number[], fill: number, mode: PaddingMode): Tensor {
  const p = planar(t, 'pad');
  if (mode === 'reflect' && (Math.max(left, right) >= p.w || Math.max(top, bottom) >= p.h)) {
    throw new RangeError(`Padding size should be less than the corresponding input dimension, but got: padding (${left}, ${right}) at dimension ${p.w} / (${top}, ${bottom}) at ${p.h}`);
  }
  const cast = isFloatingDtype(p.dtype) ? fill : p.dtype === 'uint8' ? Math.trunc(fill) & 0xff : Math.trunc(fill);
  return remap(p, p.h + top + bottom, p.w + left + right, (y) => padIndex(y - top, p.h, mode), (x) => padIndex(x - left, p.w, mode), cast);
}

/** F_t.crop: a view when inside the image, zero-padded where the box leaves it. */
export function tensorCrop(t: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const p = { h: t.shape[t.dim() - 2], w: t.shape[t.dim() - 1] };
  const right = left + width;
  const bottom = top + height;
  if (left < 0 || top < 0 || right > p.w || bottom > p.h) {
    const inside = t.index('...', `${Math.max(top, 0)}:${bottom}`, `${Math.max(left, 0)}:${right}`);
    const pad = [Math.max(-left + Math.min(0, right), 0), Math.max(-top + Math.min(0, bottom), 0), Math.max(right - p.w, 0), Math.max(bottom - p.h, 0)];
    return tensorPad(inside, pad, 0, 'constant');
  }
  return t.index('...', `${top}:${bottom}`, `${left}:${right}`);
}

export function tensorFlip(t: Tensor, horizontal: boolean): Tensor {
  return t.flip(horizontal ? -1 : -2);
}

/** rgb_to_grayscale: 0.2989 R + 0.587 G + 0.114 B in float32 (truncated for integer images). */
export function tensorGrayscale(t: Tensor, numOutputChannels = 1): Tensor {
  if (t.dim() < 3) throw new TypeError(`Input image tensor should have at least 3 dimensions, but found ${t.dim()}`);
  const c = channelsOf(t);
  if (c !== 1 && c !== 3) throw new TypeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('num_output_channels should be either 1 or 3');
  let gray: Tensor;
  if (c === 3) {
    const p = planar(t, 'rgb_to_grayscale');
    const lead = p.lead.slice(0, -1);
    const n = count(lead);
    const plane = p.h * p.w;
    const out = allocate(p.dtype, n * plane);
    const r = p.dtype === 'float64' ? (x: number) => x : f;
    const [wr, wg, wb] = [r(0.2989), r(0.587), r(0.114)];
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < plane; i++) {
        const base = k * 3 * plane + i;
        const v = r(r(r(wr * p.data[base]) + r(wg * p.data[base + plane])) + r(wb * p.data[base + 2 * plane]));
        out[k * plane + i] = isFloatingDtype(p.dtype) ? v : Math.trunc(v);
      }
    }
    gray = Tensor.fromData(out, p.dtype, [...lead, 1, p.h, p.w]);
  } else {
    gray = t.clone();
  }
  return numOutputChannels === 3 ? gray.expand(t.shape).contiguous() : gray;
}

/** _blend: (ratio * a + (1 - ratio) * b).clamp(0, bound).to(a.dtype); b broadcasts over channels. */
function blend(a: Planar, b: ArrayLike<number>, bPerPlane: number, ratio: number): TypedArray {
  const float = isFloatingDtype(a.dtype);
  const r = a.dtype === 'float64' ? (x: number) => x : f;
  const bound = float ? 1 : 255;
  const k1 = r(ratio);
  const k2 = r(1 - ratio);
  const out = allocate(a.dtype, a.data.length);
  const plane = a.h * a.w;
  for (let i = 0; i < a.data.length; i++) {
    const bv = bPerPlane === 1 ? b[0] : b.length === a.data.length ? b[i] : b[i % plane];
    let v = r(r(k1 * a.data[i]) + r(k2 * bv));
    v = Math.min(Math.max(v, 0), bound);
    out[i] = float ? v : Math.trunc(v);
  }
  return out;
}

export function tensorBrightness(t: Tensor, factor: number): Tensor {
  if (factor < 0) throw new RangeError(`brightness_factor (${factor}) is not non-negative.`);
  const p = planar(t, 'adjust_brightness');
  return Tensor.fromData(blend(p, [0], 1, factor), p.dtype, t.shape.slice());
}

export function tensorContrast(t: Tensor, factor: number): Tensor {
  if (factor < 0) throw new RangeError(`contrast_factor (${factor}) is not non-negative.`);
  const c = channelsOf(t);
  if (c !== 1 && c !== 3) throw new TypeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  const dtype: DType = isFloatingDtype(t.dtype) ? t.dtype : 'float32';
  const gray = c === 3 ? tensorGrayscale(t) : t;
  const means = gray.to(dtype).mean([-3, -2, -1], true);
  const p = planar(t, 'adjust_contrast');
  const perImage = means.toTypedArray();
  const imageSize = c * p.h * p.w;
  const b = Float64Array.from({ length: p.data.length }, (_, i) => perImage[Math.floor(i / imageSize)]);
  return Tensor.fromData(blend(p, b, 0, factor), p.dtype, t.shape.slice());
}

export function tensorSaturation(t: Tensor, factor: number): Tensor {
  if (factor < 0) throw new RangeError(`saturation_factor (${factor}) is not non-negative.`);
  const c = channelsOf(t);
  if (c === 1) return t;
  if (c !== 3) throw new TypeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  const gray = tensorGrayscale(t, 3).toTypedArray();
  const p = planar(t, 'adjust_saturation');
  return Tensor.fromData(blend(p, gray, 0, factor), p.dtype, t.shape.slice());
}

/** F_t.adjust_hue: float32 RGB -> HSV -> RGB with the hue shifted (mod 1). */
export function tensorHue(t: Tensor, hueFactor: number): Tensor {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new RangeError(`hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  const c = channelsOf(t);
  if (c === 1) return t;
  if (c !== 3) throw new TypeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  const p = planar(t, 'adjust_hue');
  const isU8 = p.dtype === 'uint8';
  const r = p.dtype === 'float64' ? (x: number) => x : f;
  const plane = p.h * p.w;
  const out = allocate(p.dtype, p.data.length);
  const hf = r(hueFactor);
  for (let base = 0; base < p.data.length; base += 3 * plane) {
    for (let i = 0; i < plane; i++) {
      const get = (k: number) => (isU8 ? f(p.data[base + k * plane + i] / 255) : p.data[base + k * plane + i]);
      const R = get(0);
      const G = get(1);
      const B = get(2);
      const maxc = Math.max(R, G, B);
      const minc = Math.min(R, G, B);
      const eqc = maxc === minc;
      const cr = r(maxc - minc);
      const s = r(cr / (eqc ? 1 : maxc));
      const div = eqc ? 1 : cr;
      const rc = r(r(maxc - R) / div);
      const gc = r(r(maxc - G) / div);
      const bc = r(r(maxc - B) / div);
      const hr = maxc === R ? r(bc - gc) : 0;
      const hg = maxc === G && maxc !== R ? r(r(2 + rc) - bc) : 0;
      const hb = maxc !== G && maxc !== R ? r(r(4 + gc) - rc) : 0;
      let h = r(r(hr + hg) + hb);
      h = r(r(r(h / 6) + 1) % 1);
      // (h + hue_factor) % 1.0 with Python's sign rule
      let hs = r(h + hf) % 1;
      if (hs !== 0 && hs < 0) hs = r(hs + 1);
      hs = r(hs);
      const v = maxc;
      const h6 = r(hs * 6);
      const fi = Math.floor(h6);
      const fr = r(h6 - fi);
      const clamp01 = (x: number) => Math.min(Math.max(x, 0), 1);
      const pp = clamp01(r(v * r(1 - s)));
      const q = clamp01(r(v * r(1 - r(s * fr))));
      const tt = clamp01(r(v * r(1 - r(s * r(1 - fr)))));
      const sector = ((fi % 6) + 6) % 6;
      const rgb = [
        [v, tt, pp],
        [q, v, pp],
        [pp, v, tt],
        [pp, q, v],
        [tt, pp, v],
        [v, pp, q],
      ][sector];
      for (let k = 0; k < 3; k++) out[base + k * plane + i] = isU8 ? Math.trunc(f(rgb[k] * 255)) : rgb[k];
    }
  }
  return Tensor.fromData(out, p.dtype, t.shape.slice());
}

/**
 * F_t.rotate: the inverse affine `matrix` (torchvision's _get_inverse_affine_matrix)
 * through _gen_affine_grid and grid_sample (zeros padding, align_corners=False) in float32;
 * pixels sampled from outside get `fill`.
 */
export function tensorAffineGrid(t: Tensor, matrix: number[], bilinear: boolean, fill: number[] | null, ow?: number, oh?: number): Tensor {
  const p = planar(t, 'rotate');
  const outW = ow ?? p.w;
  const outH = oh ?? p.h;
  const float64 = p.dtype === 'float64';
  const r = float64 ? (x: number) => x : f;
  const theta = matrix.map(r);
  const cw = r(0.5 * p.w);
  const chh = r(0.5 * p.h);
  const A = [r(theta[0] / cw), r(theta[1] / cw), r(theta[2] / cw)];
  const Bm = [r(theta[3] / chh), r(theta[4] / chh), r(theta[5] / chh)];
  const c = channelsOf(t);
  const n = count(p.lead);
  const out = allocate(p.dtype, n * outH * outW);
  const halfW = r(p.w / 2);
  const halfH = r(p.h / 2);
  for (let y = 0; y < outH; y++) {
    const by = r(-outH * 0.5 + 0.5 + y);
    for (let x = 0; x < outW; x++) {
      const bx = r(-outW * 0.5 + 0.5 + x);
      const gx = r(A[2] + r(by * A[1] + r(bx * A[0])));
      const gy = r(Bm[2] + r(by * Bm[1] + r(bx * Bm[0])));
      const ix = r(r(r(gx + 1) * halfW) - 0.5);
      const iy = r(r(r(gy + 1) * halfH) - 0.5);
      for (let k = 0; k < n; k++) {
        const src = k * p.h * p.w;
        const fillValue = fill ? fill[fill.length === 1 ? 0 : k % c] : 0;
        let value: number;
        if (!bilinear) {
          const nx = roundHalfEven(ix);
          const ny = roundHalfEven(iy);
          const inside = nx >= 0 && nx < p.w && ny >= 0 && ny < p.h;
          value = inside ? p.data[src + ny * p.w + nx] : fill ? fillValue : 0;
        } else {
          const x0 = Math.floor(ix);
          const y0 = Math.floor(iy);
          const w = r(ix - x0);
          const e = r(1 - w);
          const nn = r(iy - y0);
          const s = r(1 - nn);
          const at = (yy: number, xx: number) => (xx >= 0 && xx < p.w && yy >= 0 && yy < p.h ? p.data[src + yy * p.w + xx] : 0);
          const inb = (yy: number, xx: number) => (xx >= 0 && xx < p.w && yy >= 0 && yy < p.h ? 1 : 0);
          const weights = [r(s * e), r(s * w), r(nn * e), r(nn * w)];
          const pts: [number, number][] = [[y0, x0], [y0, x0 + 1], [y0 + 1, x0], [y0 + 1, x0 + 1]];
          let v = 0;
          let mask = 0;
          pts.forEach(([yy, xx], j) => {
            v = r(v + r(at(yy, xx) * weights[j]));
            mask = r(mask + r(inb(yy, xx) * weights[j]));
          });
          value = fill ? r(r(v * mask) + r(r(1 - mask) * fillValue)) : v;
        }
        out[(k * outH + y) * outW + x] = isFloatingDtype(p.dtype) ? value : roundToDtype(value, p.dtype);
      }
    }
  }
  return make(out, p.dtype, p.lead, outH, outW);
}

function roundHalfEven(v: number): number {
  const fl = Math.floor(v);
  const diff = v - fl;
  if (diff > 0.5) return fl + 1;
  if (diff < 0.5) return fl;
  return fl % 2 === 0 ? fl : fl + 1;
}
