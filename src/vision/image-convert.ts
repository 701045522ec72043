// PIL's Image.convert between the 8-bit modes L, LA, RGB, RGBA, YCbCr and CMYK, with
// Pillow's exact integer formulas (libImaging/Convert.c, ConvertYCbCr.c): the direct
// converters Pillow has, and for the other pairs Pillow's fallback through the source's base
// mode (LA -> L, RGBA / YCbCr / CMYK -> RGB).

export type PixelMode = 'L' | 'LA' | 'RGB' | 'RGBA' | 'YCbCr' | 'CMYK';

export const BANDS: Record<PixelMode, number> = { L: 1, LA: 2, RGB: 3, RGBA: 4, YCbCr: 3, CMYK: 4 };
const BASE: Record<PixelMode, PixelMode> = { L: 'L', LA: 'L', RGB: 'RGB', RGBA: 'RGB', YCbCr: 'RGB', CMYK: 'RGB' };

// ConvertYCbCr.c's tables: coefficient * value * 2^6, rounded as C's (int)(x + 0.5) does
// (half up, then toward zero), and summed then shifted right by 6.
const SCALE = 6;
const table = (coef: number, offset = 0) => Int32Array.from({ length: 256 }, (_, i) => Math.trunc(coef * (i - offset) * (1 << SCALE) + 0.5));
const Y_R = table(0.299);
const Y_G = table(0.587);
const Y_B = table(0.114);
const CB_R = table(-0.16874);
const CB_G = table(-0.33126);
const CB_B = table(0.5);
const CR_G = table(-0.41869);
const CR_B = table(-0.08131);
const R_CR = table(1.402, 128);
const G_CB = table(-0.34414, 128);
const G_CR = table(-0.71414, 128);
const B_CB = table(1.772, 128);

const clip8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : v);
/** rgb2l: ITU-R 601-2 luma in 16-bit fixed point. */
const luma = (r: number, g: number, b: number) => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;

type Converter = (src: Uint8Array, s: number, dst: Uint8Array, d: number) => void;

// The pairs Pillow converts directly (its converter table), one pixel at a time.
const DIRECT: Partial<Record<`${PixelMode}>${PixelMode}`, Converter>> = {
  'L>LA': (s, i, d, o) => { d[o] = s[i]; d[o + 1] = 255; },
  'L>RGB': (s, i, d, o) => { d[o] = d[o + 1] = d[o + 2] = s[i]; },
  'L>RGBA': (s, i, d, o) => { d[o] = d[o + 1] = d[o + 2] = s[i]; d[o + 3] = 255; },
  'L>CMYK': (s, i, d, o) => { d[o] = d[o + 1] = d[o + 2] = 0; d[o + 3] = 255 - s[i]; },
  'L>YCbCr': (s, i, d, o) => { d[o] = s[i]; d[o + 1] = d[o + 2] = 128; },
  'LA>L': (s, i, d, o) => { d[o] = s[i]; },
  'LA>RGB': (s, i, d, o) => { d[o] = d[o + 1] = d[o + 2] = s[i]; },
  'LA>RGBA': (s, i, d, o) => { d[o] = d[o + 1] = d[o + 2] = s[i]; d[o + 3] = s[i + 1]; },
  'RGB>L': (s, i, d, o) => { d[o] = luma(s[i], s[i + 1], s[i + 2]); },
  'RGB>LA': (s, i, d, o) => { d[o] = luma(s[i], s[i + 1], s[i + 2]); d[o + 1] = 255; },
  'RGB>RGBA': (s, i, d, o) => { d[o] = s[i]; d[o + 1] = s[i + 1]; d[o + 2] = s[i + 2]; d[o + 3] = 255; },
  'RGB>CMYK': (s, i, d, o) => { d[o] = 255 - s[i]; d[o + 1] = 255 - s[i + 1]; d[o + 2] = 255 - s[i + 2]; d[o + 3] = 0; },
  'RGB>YCbCr': (s, i, d, o) => rgbToYcbcr(s, i, d, o),
  'RGBA>L': (s, i, d, o) => { d[o] = luma(s[i], s[i + 1], s[i + 2]); },
  'RGBA>LA': (s, i, d, o) => { d[o] = luma(s[i], s[i + 1], s[i + 2]); d[o + 1] = s[i + 3]; },
  'RGBA>RGB': (s, i, d, o) => { d[o] = s[i]; d[o + 1] = s[i + 1]; d[o + 2] = s[i + 2]; },
  'RGBA>CMYK': (s, i, d, o) => { d[o] = 255 - s[i]; d[o + 1] = 255 - s[i + 1]; d[o + 2] = 255 - s[i + 2]; d[o + 3] = 0; },
  'RGBA>YCbCr': (s, i, d, o) => rgbToYcbcr(s, i, d, o),
  'CMYK>RGB': (s, i, d, o) => cmykToRgb(s, i, d, o),
  'CMYK>RGBA': (s, i, d, o) => { cmykToRgb(s, i, d, o); d[o + 3] = 255; },
  'YCbCr>L': (s, i, d, o) => { d[o] = s[i]; },
  'YCbCr>LA': (s, i, d, o) => { d[o] = s[i]; d[o + 1] = 255; },
  'YCbCr>RGB': (s, i, d, o) => ycbcrToRgb(s, i, d, o),
};

function rgbToYcbcr(s: Uint8Array, i: number, d: Uint8Array, o: number): void {
  const r = s[i];
  const g = s[i + 1];
  const b = s[i + 2];
  d[o] = (Y_R[r] + Y_G[g] + Y_B[b]) >> SCALE;
  d[o + 1] = ((CB_R[r] + CB_G[g] + CB_B[b]) >> SCALE) + 128;
  d[o + 2] = ((CB_B[r] + CR_G[g] + CR_B[b]) >> SCALE) + 128; // Cr_R is Cb_B's table in Pillow
}

function ycbcrToRgb(s: Uint8Array, i: number, d: Uint8Array, o: number): void {
  const y = s[i];
  const cb = s[i + 1];
  const cr = s[i + 2];
  d[o] = clip8(y + (R_CR[cr] >> SCALE));
  d[o + 1] = clip8(y + ((G_CB[cb] + G_CR[cr]) >> SCALE));
  d[o + 2] = clip8(y + (B_CB[cb] >> SCALE));
}

/** cmyk2rgb: (255 - K) - C (255 - K) / 255 with Pillow's MULDIV255 rounding. */
function cmykToRgb(s: Uint8Array, i: number, d: Uint8Array, o: number): void {
  const notK = 255 - s[i + 3];
  for (let c = 0; c < 3; c++) {
    const t = s[i + c] * notK + 128;
    d[o + c] = clip8(notK - ((t + (t >> 8)) >> 8));
  }
}

/** `n` pixels of `src` in mode `from` converted to mode `to`, as Pillow's Image.convert. */
export function convertPixels(src: Uint8Array, n: number, from: PixelMode, to: PixelMode): Uint8Array {
  if (from === to) return src.slice();
  const direct = DIRECT[`${from}>${to}`];
  if (direct === undefined) {
    // Pillow's fallback: convert to the source's base mode, then on.
    return convertPixels(convertPixels(src, n, from, BASE[from]), n, BASE[from], to);
  }
  const sb = BANDS[from];
  const db = BANDS[to];
  const out = new Uint8Array(n * db);
  for (let p = 0; p < n; p++) direct(src, p * sb, out, p * db);
  return out;
}
