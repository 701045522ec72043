// PIL's Image.convert over all of torchlette's modes: the 8-bit ones (image-convert.ts),
// I (int32), F (float32) and P (palette, image-palette.ts), with Pillow 9.4's converters
// (libImaging/Convert.c) and the fallbacks and transparency handling of Image.convert.
import { BANDS, convertPixels, type PixelMode } from './image-convert.js';
import { fromPalette, paletteTable, rgbToWebPalette, type PaletteTarget } from './image-palette.js';
import { emitWarning } from '#platform/os';

export type ImageMode = PixelMode | 'I' | 'F' | 'P';
/** The pixel storage of each mode: Int32Array for I, Float32Array for F, Uint8Array otherwise. */
export type PixelData = Uint8Array | Int32Array | Float32Array;

/** PIL's img.info keys that torchlette keeps. */
export interface ImageInfo {
  /** A P image's transparent index or per-entry alphas (PNG tRNS), or after convert('L' / 'RGB') the transparent colour. */
  transparency?: number | Uint8Array | readonly number[];
}

export const MODE_BANDS: Record<ImageMode, number> = { ...BANDS, I: 1, F: 1, P: 1 };

/** What a conversion reads: the pixels, their mode, and a P image's palette and info. */
export interface PixelSource {
  readonly width: number;
  readonly height: number;
  readonly data: PixelData;
  readonly mode: ImageMode;
  readonly palette: Uint8Array | null;
  readonly info: ImageInfo;
}

export interface Converted {
  data: PixelData;
  palette: Uint8Array | null;
  info: ImageInfo;
}

const L24 = (r: number, g: number, b: number) => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;

/**
 * C's float-to-int32 cast as x86 executes it (cvttss2si): truncation toward zero, and
 * 0x80000000 for NaN and for values outside int32 (the result Pillow's f2i gives there).
 */
export function floatToInt32(v: number): number {
  return v > -2147483649 && v < 2147483648 ? Math.trunc(v) : -2147483648;
}

/** i2l / f2l: clip to [0, 255] then truncate; NaN becomes 0 as (UINT8) of cvttss2si's 0x80000000. */
const toByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : v !== v ? 0 : Math.trunc(v));

/** From I, F or the 8-bit modes to I or F, with Pillow's direct converters. */
function toI(src: PixelSource, n: number): Int32Array | null {
  const out = new Int32Array(n);
  const d = src.data;
  if (src.mode === 'L') out.set(d as Uint8Array);
  else if (src.mode === 'F') for (let p = 0; p < n; p++) out[p] = floatToInt32(d[p]);
  else if (src.mode === 'RGB' || src.mode === 'RGBA') {
    const c = MODE_BANDS[src.mode];
    for (let p = 0; p < n; p++) out[p] = L24(d[p * c], d[p * c + 1], d[p * c + 2]);
  } else return null;
  return out;
}

function toF(src: PixelSource, n: number): Float32Array | null {
  const out = new Float32Array(n);
  const d = src.data;
  if (src.mode === 'L' || src.mode === 'I') out.set(d); // l2f exact; i2f rounds to float as C does
  else if (src.mode === 'RGB' || src.mode === 'RGBA') {
    // rgb2f: (float) L / 1000.0F, one float division (the double quotient rounds to the same float).
    const c = MODE_BANDS[src.mode];
    for (let p = 0; p < n; p++) out[p] = (d[p * c] * 299 + d[p * c + 1] * 587 + d[p * c + 2] * 114) / 1000;
  } else return null;
  return out;
}

/** I or F to L, RGB or RGBA (i2l, f2l, i2rgb); null where Pillow has no direct converter. */
function from32(src: PixelSource, n: number, to: ImageMode): Uint8Array | null {
  if (to !== 'L' && !(src.mode === 'I' && (to === 'RGB' || to === 'RGBA'))) return null;
  const c = MODE_BANDS[to];
  const out = new Uint8Array(n * c);
  for (let p = 0; p < n; p++) {
    const v = toByte(src.data[p]);
    for (let k = 0; k < Math.min(c, 3); k++) out[p * c + k] = v;
    if (c === 4) out[p * c + 3] = 255;
  }
  return out;
}

/** Pillow's getmodebase: where Image.convert goes first when there is no direct converter. */
const BASE: Record<ImageMode, ImageMode> = { L: 'L', LA: 'L', I: 'L', F: 'L', P: 'P', RGB: 'RGB', RGBA: 'RGB', YCbCr: 'RGB', CMYK: 'RGB' };

/** The core's convert (ImagingConvert): one direct step, or null where Pillow raises "conversion not supported". */
function direct(src: PixelSource, to: ImageMode): Converted | null {
  const n = src.width * src.height;
  const plain = (data: PixelData | null): Converted | null => (data === null ? null : { data, palette: null, info: { ...src.info } });
  if (src.mode === 'P') {
    const table = paletteTable(src.palette as Uint8Array);
    const via = to === 'CMYK' || to === 'YCbCr' ? 'RGB' : to;
    const data = fromPalette(src.data as Uint8Array, n, table, via as PaletteTarget);
    return plain(via === to ? data : convertPixels(data as Uint8Array, n, 'RGB', to as PixelMode));
  }
  if (to === 'P') {
    if (src.mode === 'L') return { data: (src.data as Uint8Array).slice(), palette: null, info: { ...src.info } }; // grey ramp (the default palette)
    if (src.mode === 'RGB') {
      const { data, palette } = rgbToWebPalette(src.data as Uint8Array, src.width, src.height, 3);
      return { data, palette, info: { ...src.info } };
    }
    return null;
  }
  if (to === 'I') return plain(toI(src, n));
  if (to === 'F') return plain(toF(src, n));
  if (src.mode === 'I' || src.mode === 'F') return plain(from32(src, n, to));
  if (src.mode in BANDS && to in BANDS) return plain(convertPixels(src.data as Uint8Array, n, src.mode as PixelMode, to as PixelMode));
  return null;
}

/**
 * convert_transparent: an L, I or RGB image's transparent colour promoted to alpha 0 (rgbT2rgba
 * compares the pixel with the colour's low bytes, so a 16-bit PNG's raw value rarely matches).
 */
function promoteTransparency(src: PixelSource, to: 'LA' | 'RGBA', t: number | readonly number[]): Converted {
  const n = src.width * src.height;
  const rgba = convertUnchecked({ ...src, info: {} }, 'RGBA').data as Uint8Array;
  const key = typeof t === 'number' ? [t & 255, t & 255, t & 255] : [t[0] & 255, t[1] & 255, t[2] & 255];
  for (let p = 0; p < n; p++) {
    const o = p * 4;
    if (rgba[o] === key[0] && rgba[o + 1] === key[1] && rgba[o + 2] === key[2]) rgba[o + 3] = 0;
  }
  let data = rgba;
  if (to === 'LA') {
    data = new Uint8Array(n * 2);
    for (let p = 0; p < n; p++) [data[p * 2], data[p * 2 + 1]] = [rgba[p * 4], rgba[p * 4 + 3]];
  }
  const info = { ...src.info };
  delete info.transparency;
  return { data, palette: null, info };
}

/** The transparent colour after conversion, as PIL converts a 1x1 image holding it. */
function convertColour(src: PixelSource, t: number | readonly number[], to: 'L' | 'RGB'): number | number[] {
  const one: PixelSource = {
    width: 1,
    height: 1,
    mode: src.mode,
    palette: src.palette,
    info: {},
    // putpixel clips each value to 8 bits (getink's CLIP8)
    data: Uint8Array.from(typeof t === 'number' ? [t] : t, (v) => Math.max(0, Math.min(255, v))),
  };
  const px = convert(one, to).data;
  return to === 'L' ? px[0] : Array.from(px);
}

/** PIL's Image.convert(mode) with its default arguments (dither FLOYDSTEINBERG, palette WEB). */
export function convert(src: PixelSource, to: ImageMode): Converted {
  if (!(to in MODE_BANDS)) throw new RangeError(`conversion from ${src.mode} to ${String(to)} not supported (modes: ${Object.keys(MODE_BANDS).join(', ')})`);
  if (to === src.mode) return { data: src.data.slice(), palette: src.palette?.slice() ?? null, info: { ...src.info } };
  if (to === 'P' && src.mode === 'RGBA') throw new RangeError("convert('P') of an RGBA image goes through Pillow's quantize (FASTOCTREE), which torchlette does not implement");
  const t = src.info.transparency;
  if (t !== undefined) {
    // Pillow's convert_transparent pairs: L or I to LA or RGBA, RGB to RGBA.
    const promotes = ((src.mode === 'L' || src.mode === 'I') && (to === 'LA' || to === 'RGBA')) || (src.mode === 'RGB' && to === 'RGBA');
    if (promotes && (typeof t === 'number' || Array.isArray(t))) return promoteTransparency(src, to as 'LA' | 'RGBA', t as number | readonly number[]);
    if (src.mode === 'P' && (to === 'LA' || to === 'RGBA')) {
      const n = src.width * src.height;
      const data = fromPalette(src.data as Uint8Array, n, paletteTable(src.palette as Uint8Array, t), to);
      const info = { ...src.info };
      delete info.transparency;
      return { data, palette: null, info };
    }
    if ((src.mode === 'L' || src.mode === 'RGB' || src.mode === 'P') && (to === 'L' || to === 'RGB' || to === 'P')) {
      if (to === 'P') throw new RangeError(`convert('P') of a mode ${src.mode} image with info.transparency is not supported (Pillow looks the colour up in its new palette); delete img.info.transparency first`);
      const out = convertUnchecked(src, to);
      if (typeof t !== 'number' && !Array.isArray(t)) {
        emitWarning('Palette images with Transparency expressed in bytes should be converted to RGBA images');
        delete out.info.transparency;
      } else out.info.transparency = convertColour(src, t as number | readonly number[], to);
      return out;
    }
  }
  return convertUnchecked(src, to);
}

function convertUnchecked(src: PixelSource, to: ImageMode): Converted {
  const once = direct(src, to);
  if (once !== null) return once;
  // Image.convert's fallback: through the source's base mode, then on.
  const base = BASE[src.mode];
  if (base === src.mode) throw new RangeError(`conversion from ${src.mode} to ${to} not supported`);
  const mid = direct(src, base) as Converted;
  const next = direct({ ...src, mode: base, data: mid.data, palette: mid.palette, info: mid.info }, to);
  if (next === null) throw new RangeError(`conversion from ${src.mode} to ${to} not supported`);
  return next;
}
