// PIL's palette conversions (libImaging/Convert.c frompalette / topalette, Palette.c):
// P to every other mode through the palette, and L / RGB to P (L keeps its values with a
// grey-ramp palette; RGB maps to Pillow's "WEB" palette with its Floyd-Steinberg dither).

/** ITU-R 601-2 luma as Pillow computes it for 8-bit (L24) and float (L / 1000) results. */
const L24 = (r: number, g: number, b: number) => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
const L1000 = (r: number, g: number, b: number) => r * 299 + g * 587 + b * 114;

/**
 * The palette as Pillow's core holds it: 256 RGBA entries, the first ones from the image's
 * palette and the rest still the grey ramp ImagingPaletteNew starts from (so an index past
 * the palette's end reads as grey, as in Pillow); alpha from PIL's transparency info.
 */
export function paletteTable(palette: Uint8Array, transparency?: number | Uint8Array | readonly number[]): Uint8Array {
  const t = new Uint8Array(1024);
  for (let i = 0; i < 256; i++) {
    t[i * 4] = t[i * 4 + 1] = t[i * 4 + 2] = i;
    t[i * 4 + 3] = 255;
  }
  for (let i = 0; i < palette.length / 3; i++) for (let c = 0; c < 3; c++) t[i * 4 + c] = palette[i * 3 + c];
  if (typeof transparency === 'number') {
    if (transparency >= 0 && transparency < 256) t[transparency * 4 + 3] = 0; // putpalettealpha(t, 0)
  } else if (transparency !== undefined) {
    for (let i = 0; i < Math.min(transparency.length, 256); i++) t[i * 4 + 3] = transparency[i]; // putpalettealphas
  }
  return t;
}

// The YCbCr and CMYK targets go through RGB as Pillow's p2ycbcr / p2cmyk do.
export type PaletteTarget = 'L' | 'LA' | 'I' | 'F' | 'RGB' | 'RGBA';

/** frompalette: `n` palette indices mapped through `table` (paletteTable) to `to`. */
export function fromPalette(indices: Uint8Array, n: number, table: Uint8Array, to: PaletteTarget): Uint8Array | Int32Array | Float32Array {
  const px = (p: number) => indices[p] * 4;
  switch (to) {
    case 'L': {
      const out = new Uint8Array(n);
      for (let p = 0; p < n; p++) out[p] = L24(table[px(p)], table[px(p) + 1], table[px(p) + 2]);
      return out;
    }
    case 'LA': {
      const out = new Uint8Array(n * 2);
      for (let p = 0; p < n; p++) {
        out[p * 2] = L24(table[px(p)], table[px(p) + 1], table[px(p) + 2]);
        out[p * 2 + 1] = table[px(p) + 3];
      }
      return out;
    }
    case 'I': {
      const out = new Int32Array(n);
      for (let p = 0; p < n; p++) out[p] = L24(table[px(p)], table[px(p) + 1], table[px(p) + 2]);
      return out;
    }
    case 'F': {
      // (float) L / 1000.0F: one float division (rounding the double quotient once more is exact here).
      const out = new Float32Array(n);
      for (let p = 0; p < n; p++) out[p] = L1000(table[px(p)], table[px(p) + 1], table[px(p) + 2]) / 1000;
      return out;
    }
    case 'RGB':
    case 'RGBA': {
      const c = to === 'RGB' ? 3 : 4;
      const out = new Uint8Array(n * c);
      for (let p = 0; p < n; p++) for (let k = 0; k < c; k++) out[p * c + k] = table[px(p) + k];
      return out;
    }
  }
}

/** ImagingPaletteNewBrowser, Pillow's "WEB" palette: 10 black entries, the 6x6x6 colour cube (red fastest), black to 256. */
export function webPalette(): Uint8Array {
  const p = new Uint8Array(768);
  let i = 10;
  for (let b = 0; b < 256; b += 51) {
    for (let g = 0; g < 256; g += 51) {
      for (let r = 0; r < 256; r += 51) {
        p[i * 3] = r;
        p[i * 3 + 1] = g;
        p[i * 3 + 2] = b;
        i++;
      }
    }
  }
  return p;
}

/**
 * Pillow's colour cache (ImagingPaletteCacheUpdate): the slot of (r, g, b) holds the entry
 * nearest (squared RGB distance, lowest index on ties) to (r & ~3, g & ~3, b & ~3) — the
 * Heckbert box pruning it uses only skips entries that cannot be nearest.
 */
class ColourCache {
  private readonly slots = new Int16Array(64 * 64 * 64).fill(-1);
  constructor(private readonly palette: Uint8Array) {}

  lookup(r: number, g: number, b: number): number {
    const key = (r >> 2) + (g >> 2) * 64 + (b >> 2) * 4096;
    let v = this.slots[key];
    if (v < 0) {
      const [pr, pg, pb] = [r & ~3, g & ~3, b & ~3];
      let best = Infinity;
      for (let i = 0; i < this.palette.length / 3; i++) {
        const dr = pr - this.palette[i * 3];
        const dg = pg - this.palette[i * 3 + 1];
        const db = pb - this.palette[i * 3 + 2];
        const d = dr * dr + dg * dg + db * db;
        if (d < best) {
          best = d;
          v = i;
        }
      }
      this.slots[key] = v;
    }
    return v;
  }
}

const clip8 = (v: number) => (v <= 0 ? 0 : v < 256 ? v : 255);

/**
 * topalette for an RGB source (`bands` 3 or 4, the 4th ignored) with the WEB palette and
 * Floyd-Steinberg dithering, Pillow's defaults for convert('P'). The error propagation is
 * Convert.c's line for line, including its end-of-row store of the blue terms into all three slots.
 */
export function rgbToWebPalette(src: Uint8Array, width: number, height: number, bands: number): { data: Uint8Array; palette: Uint8Array } {
  const palette = webPalette();
  const cache = new ColourCache(palette);
  const out = new Uint8Array(width * height);
  const errors = new Int32Array((width + 1) * 3);
  for (let y = 0; y < height; y++) {
    let r = 0, r0 = 0, r1 = 0, r2 = 0;
    let g = 0, g0 = 0, g1 = 0, g2 = 0;
    let b = 0, b0 = 0, b1 = 0, b2 = 0;
    let e = 0;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * bands;
      r = clip8(src[i] + Math.trunc((r + errors[e + 3]) / 16));
      g = clip8(src[i + 1] + Math.trunc((g + errors[e + 4]) / 16));
      b = clip8(src[i + 2] + Math.trunc((b + errors[e + 5]) / 16));
      const c = cache.lookup(r, g, b);
      out[y * width + x] = c;
      r -= palette[c * 3];
      g -= palette[c * 3 + 1];
      b -= palette[c * 3 + 2];
      let d2: number;
      r2 = r; d2 = r + r; r += d2; errors[e] = r + r0; r += d2; r0 = r + r1; r1 = r2; r += d2;
      g2 = g; d2 = g + g; g += d2; errors[e + 1] = g + g0; g += d2; g0 = g + g1; g1 = g2; g += d2;
      b2 = b; d2 = b + b; b += d2; errors[e + 2] = b + b0; b += d2; b0 = b + b1; b1 = b2; b += d2;
      e += 3;
    }
    errors[e] = b0;
    errors[e + 1] = b1;
    errors[e + 2] = b2;
  }
  return { data: out, palette };
}
