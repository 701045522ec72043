// torchvision's tensor code path (functional_tensor.py) for colour on [..., C, H, W]
// tensors, written with the tensor ops as torchvision writes it, so that ATen's type
// promotion gives the same numbers: uint8 images compute in float32 (a Python float
// times a uint8 tensor) and are truncated back by .to(uint8).
import '../../ops/index.js';
import { zerosLike } from '../../tensor/create.js';
import { allocate, isFloatingDtype, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { hsvSectorToRgb } from './hsv.js';
import { channelsOf, planar } from './tensor-ops.js';

const f = Math.fround;

function assertChannels(t: Tensor, permitted: readonly number[]): number {
  const c = channelsOf(t);
  if (!permitted.includes(c)) throw new TypeError(`Input image tensor permitted channel values are [${permitted.join(', ')}], but found ${c}`);
  return c;
}

/** rgb_to_grayscale: (0.2989 R + 0.587 G + 0.114 B).to(dtype), or a copy of a 1-channel image. */
export function tensorGrayscale(t: Tensor, numOutputChannels = 1): Tensor {
  if (t.dim() < 3) throw new TypeError(`Input image tensor should have at least 3 dimensions, but found ${t.dim()}`);
  const c = assertChannels(t, [1, 3]);
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError('num_output_channels should be either 1 or 3');
  let gray: Tensor;
  if (c === 3) {
    const [r, g, b] = t.unbind(-3);
    gray = r.mul(0.2989).add(g.mul(0.587)).add(b.mul(0.114)).to(t.dtype).unsqueeze(-3);
  } else {
    gray = t.clone();
  }
  return numOutputChannels === 3 ? gray.expand(t.shape).contiguous() : gray;
}

/**
 * _blend: (ratio * img1 + (1 - ratio) * img2).clamp(0, bound).to(img1.dtype); img2 broadcasts.
 * `ratio` is a Python float, so integer images compute in float32 even for a whole-number ratio.
 */
function blend(img1: Tensor, img2: Tensor, ratio: number): Tensor {
  const bound = isFloatingDtype(img1.dtype) ? 1 : 255;
  const asFloat = (t: Tensor) => (isFloatingDtype(t.dtype) ? t : t.to('float32'));
  return asFloat(img1).mul(ratio).add(asFloat(img2).mul(1 - ratio)).clamp(0, bound).to(img1.dtype);
}

export function tensorBrightness(t: Tensor, factor: number): Tensor {
  if (factor < 0) throw new RangeError(`brightness_factor (${factor}) is not non-negative.`);
  return blend(t, zerosLike(t), factor);
}

export function tensorContrast(t: Tensor, factor: number): Tensor {
  if (factor < 0) throw new RangeError(`contrast_factor (${factor}) is not non-negative.`);
  const c = assertChannels(t, [1, 3]);
  const dtype: DType = isFloatingDtype(t.dtype) ? t.dtype : 'float32';
  const gray = c === 3 ? tensorGrayscale(t) : t;
  const mean = gray.to(dtype).mean([-3, -2, -1], true);
  return blend(t, mean, factor);
}

export function tensorSaturation(t: Tensor, factor: number): Tensor {
  if (factor < 0) throw new RangeError(`saturation_factor (${factor}) is not non-negative.`);
  if (assertChannels(t, [1, 3]) === 1) return t;
  return blend(t, tensorGrayscale(t), factor);
}

/**
 * F_t.adjust_hue: float32 RGB -> HSV -> RGB with the hue shifted (mod 1), per pixel in
 * the order of torchvision's _rgb2hsv / _hsv2rgb (uint8 through x / 255 and back).
 */
export function tensorHue(t: Tensor, hueFactor: number): Tensor {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new RangeError(`hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  if (assertChannels(t, [1, 3]) === 1) return t;
  const p = planar(t, 'adjust_hue');
  const isU8 = p.dtype === 'uint8';
  const r = p.dtype === 'float64' ? (x: number) => x : f;
  const plane = p.h * p.w;
  const out = allocate(p.dtype, p.data.length);
  const hf = r(hueFactor);
  const clamp01 = (x: number) => Math.min(Math.max(x, 0), 1);
  for (let base = 0; base < p.data.length; base += 3 * plane) {
    for (let i = 0; i < plane; i++) {
      const get = (k: number) => (isU8 ? f(p.data[base + k * plane + i] / 255) : p.data[base + k * plane + i]);
      const R = get(0);
      const G = get(1);
      const B = get(2);
      // _rgb2hsv
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
      // _hsv2rgb
      const v = maxc;
      const h6 = r(hs * 6);
      const fi = Math.floor(h6);
      const fr = r(h6 - fi);
      const pp = clamp01(r(v * r(1 - s)));
      const q = clamp01(r(v * r(1 - r(s * fr))));
      const tt = clamp01(r(v * r(1 - r(s * r(1 - fr)))));
      const rgb = hsvSectorToRgb(fi, v, pp, q, tt);
      for (let k = 0; k < 3; k++) out[base + k * plane + i] = isU8 ? Math.trunc(f(rgb[k] * 255)) : rgb[k];
    }
  }
  return Tensor.fromData(out, p.dtype, t.shape.slice());
}
