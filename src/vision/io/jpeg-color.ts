// Component samples to pixels: libjpeg-turbo's colour conversions (jdcolor.c) for the
// output colour spaces PIL and torchvision.io ask for, with its 16-bit fixed-point
// tables and rounding.
import type { FullPlane } from './jpeg-upsample.js';

/** How the components are coded (libjpeg's jpeg_color_space). */
export type JpegColorSpace = 'gray' | 'ycbcr' | 'rgb' | 'cmyk' | 'ycck';
/**
 * What to produce: 'gray' (libjpeg's JCS_GRAYSCALE), 'rgb' (JCS_RGB), 'cmyk' (JCS_CMYK
 * as libjpeg gives it) or 'pil-cmyk' (the same inverted, as PIL's "CMYK;I" raw mode).
 */
export type JpegOutSpace = 'gray' | 'rgb' | 'cmyk' | 'pil-cmyk';

const SCALE_BITS = 16;
const ONE_HALF = 1 << (SCALE_BITS - 1);
const fix16 = (x: number): number => Math.floor(x * (1 << SCALE_BITS) + 0.5);

// build_ycc_rgb_table: per Cb/Cr value, its (rounded) contribution to R and B, and to G in fixed point
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
// rgb_gray_convert's weights (rgb_ycc_start's Y tables), the rounding half folded into blue's
const R_Y = new Int32Array(256);
const G_Y = new Int32Array(256);
const B_Y = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix16(1.402) * x + ONE_HALF) >> SCALE_BITS;
  CB_B[i] = (fix16(1.772) * x + ONE_HALF) >> SCALE_BITS;
  CR_G[i] = -fix16(0.71414) * x;
  CB_G[i] = -fix16(0.34414) * x + ONE_HALF;
  R_Y[i] = fix16(0.299) * i;
  G_Y[i] = fix16(0.587) * i;
  B_Y[i] = fix16(0.114) * i + ONE_HALF;
}

function clamp255(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}

/** sample_range_limit as a table: LIMIT[x + 384] = x clamped to 0..255, for x in -384..639. */
const LIMIT = new Uint8Array(1024);
for (let i = 0; i < 1024; i++) LIMIT[i] = clamp255(i - 384);

/** Which components the conversion reads (libjpeg's component_needed): Y alone for YCbCr to gray. */
export function componentsNeeded(inSpace: JpegColorSpace, out: JpegOutSpace, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => i === 0 || !(out === 'gray' && inSpace === 'ycbcr'));
}

/** Whether libjpeg-turbo converts inSpace to out (else: "Unsupported color conversion request"). */
export function canConvert(inSpace: JpegColorSpace, out: JpegOutSpace): boolean {
  const fourComponents = inSpace === 'cmyk' || inSpace === 'ycck';
  return out === 'cmyk' || out === 'pil-cmyk' ? fourComponents : !fourComponents;
}

/** ycc_rgb_convert for one row. */
function yccRow(y: Uint8Array, i0: number, cb: Uint8Array, i1: number, cr: Uint8Array, i2: number, out: Uint8Array, o: number, width: number): void {
  const crR = CR_R, cbB = CB_B, crG = CR_G, cbG = CB_G, limit = LIMIT;
  for (let x = 0; x < width; x++) {
    const yy = y[i0 + x] + 384;
    const b = cb[i1 + x];
    const r = cr[i2 + x];
    out[o] = limit[yy + crR[r]];
    out[o + 1] = limit[yy + ((cbG[b] + crG[r]) >> SCALE_BITS)];
    out[o + 2] = limit[yy + cbB[b]];
    o += 3;
  }
}

/** rgb_gray_convert (libjpeg's luma, the same weights and rounding as PIL's convert('L')) or a plain interleave, for one row. */
function rgbRow(r: Uint8Array, i0: number, g: Uint8Array, i1: number, b: Uint8Array, i2: number, out: Uint8Array, o: number, width: number, gray: boolean): void {
  if (gray) {
    for (let x = 0; x < width; x++) out[o + x] = (R_Y[r[i0 + x]] + G_Y[g[i1 + x]] + B_Y[b[i2 + x]]) >> SCALE_BITS;
    return;
  }
  for (let x = 0; x < width; x++, o += 3) {
    out[o] = r[i0 + x];
    out[o + 1] = g[i1 + x];
    out[o + 2] = b[i2 + x];
  }
}

/**
 * CMYK passes through; YCCK's first three go through YCbCr to RGB and are inverted
 * (ycck_cmyk_convert); PIL then inverts all four (flip = 255).
 */
function cmykRow(planes: FullPlane[], y: number, ycck: boolean, flip: number, out: Uint8Array, o: number, width: number): void {
  const [p0, p1, p2, p3] = planes;
  const i0 = y * p0.stride, i1 = y * p1.stride, i2 = y * p2.stride, i3 = y * p3.stride;
  for (let x = 0; x < width; x++) {
    const a = p0.data[i0 + x];
    const b = p1.data[i1 + x];
    const c = p2.data[i2 + x];
    if (ycck) {
      out[o++] = flip ^ (255 - LIMIT[a + CR_R[c] + 384]);
      out[o++] = flip ^ (255 - LIMIT[a + ((CB_G[b] + CR_G[c]) >> SCALE_BITS) + 384]);
      out[o++] = flip ^ (255 - LIMIT[a + CB_B[b] + 384]);
    } else {
      out[o++] = flip ^ a;
      out[o++] = flip ^ b;
      out[o++] = flip ^ c;
    }
    out[o++] = flip ^ p3.data[i3 + x];
  }
}

/** Interleaves width x height pixels from full planes, converted from inSpace to out. */
export function toPixels(planes: (FullPlane | null)[], inSpace: JpegColorSpace, out: JpegOutSpace, width: number, height: number): Uint8Array {
  const channels = out === 'gray' ? 1 : out === 'rgb' ? 3 : 4;
  const pixels = new Uint8Array(width * height * channels);
  const [p0, p1, p2] = planes;
  for (let y = 0, o = 0; y < height; y++, o += width * channels) {
    const i0 = y * p0!.stride;
    if (inSpace === 'gray' || (inSpace === 'ycbcr' && out === 'gray')) {
      // grayscale_convert copies Y; gray_rgb_convert repeats it
      if (channels === 1) pixels.set(p0!.data.subarray(i0, i0 + width), o);
      else for (let x = 0; x < width; x++) pixels.fill(p0!.data[i0 + x], o + 3 * x, o + 3 * x + 3);
    } else if (inSpace === 'ycbcr') {
      yccRow(p0!.data, i0, p1!.data, y * p1!.stride, p2!.data, y * p2!.stride, pixels, o, width);
    } else if (inSpace === 'rgb') {
      rgbRow(p0!.data, i0, p1!.data, y * p1!.stride, p2!.data, y * p2!.stride, pixels, o, width, out === 'gray');
    } else {
      cmykRow(planes as FullPlane[], y, inSpace === 'ycck', out === 'pil-cmyk' ? 255 : 0, pixels, o, width);
    }
  }
  return pixels;
}
