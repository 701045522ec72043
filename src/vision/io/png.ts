// A small PNG codec on node:zlib: decodes every standard PNG (bit depths 1-16,
// gray/RGB/palette/alpha, tRNS, Adam7) to 8-bit pixels — palette PNGs to mode P as PIL
// opens them, or expanded to RGB(A) as torchvision.io reads them — and encodes 8-bit
// images (mode P as a palette PNG).
import { concatBytes } from '../../platform/bytes.js';
import { deflateZlib, inflateAtMost } from '#platform/zlib';
import { checkImageSize } from './limits.js';
import { Image } from '../image.js';

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters of one (sub)image in place; returns the raw rows. */
function unfilter(data: Uint8Array, pos: number, rowBytes: number, rows: number, bpp: number, name: string): Uint8Array {
  const out = new Uint8Array(rowBytes * rows);
  for (let y = 0; y < rows; y++) {
    if (pos + 1 + rowBytes > data.length) throw new Error(`${name}: image file is truncated`);
    const filter = data[pos++];
    const row = y * rowBytes;
    const prev = row - rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const raw = data[pos + x];
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let v: number;
      switch (filter) {
        case 0: v = raw; break;
        case 1: v = raw + a; break;
        case 2: v = raw + b; break;
        case 3: v = raw + ((a + b) >> 1); break;
        case 4: v = raw + paeth(a, b, c); break;
        default: throw new Error(`${name}: invalid PNG filter type ${filter}`);
      }
      out[row + x] = v;
    }
    pos += rowBytes;
  }
  return out;
}

/** Reads sample s of a row (any bit depth) scaled to 8 bits (16-bit keeps the high byte). */
function sampleAt(row: Uint8Array, offset: number, index: number, depth: number): number {
  if (depth === 8) return row[offset + index];
  if (depth === 16) return row[offset + index * 2];
  const perByte = 8 / depth;
  const byte = row[offset + Math.floor(index / perByte)];
  const shift = 8 - depth * ((index % perByte) + 1);
  return (byte >> shift) & ((1 << depth) - 1);
}

function rawSampleAt(row: Uint8Array, offset: number, index: number, depth: number): number {
  if (depth === 16) return (row[offset + index * 2] << 8) | row[offset + index * 2 + 1];
  return sampleAt(row, offset, index, depth);
}

/**
 * PngImagePlugin's reading of tRNS for a palette image: one fully transparent entry among
 * opaque ones becomes its index, anything else the alpha of each entry.
 */
function paletteTransparency(trns: Uint8Array): number | Uint8Array {
  const zero = trns.indexOf(0);
  const simple = zero >= 0 && trns.every((v, i) => v === 255 || i === zero);
  return simple ? zero : trns.slice();
}

/**
 * Decodes a PNG file's bytes; `name` (the file) appears in every error. By default as PIL's
 * Image.open: a palette PNG gives mode P with its palette, 16-bit grey gives mode I (the
 * 16-bit values), other 16-bit samples keep their high byte, and tRNS stays out of the pixels
 * as info.transparency (an index or per-entry alphas for P, the raw grey value or RGB triplet
 * otherwise). With `asLibpng`, as torchvision.io.decode_png reads through libpng: palettes
 * expand to RGB, tRNS becomes an alpha channel, every 16-bit sample keeps its high byte.
 */
export function decodePng(bytes: Uint8Array, name = 'PNG data', asLibpng = false): Image {
  if (!isPng(bytes)) throw new Error(`${name}: not a PNG file (bad signature)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let header: Header | null = null;
  let palette: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos + 8 <= bytes.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const start = pos + 8;
    const end = start + length;
    if (end + 4 > bytes.length) throw new Error(`${name}: PNG chunk ${type} is truncated`);
    if (view.getUint32(end) !== crc32(bytes, pos + 4, end)) throw new Error(`${name}: PNG chunk ${type} has a bad CRC (corrupt file)`);
    const body = bytes.subarray(start, end);
    if (type === 'IHDR') {
      header = { width: view.getUint32(start), height: view.getUint32(start + 4), bitDepth: body[8], colorType: body[9], interlace: body[12] };
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') trns = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    pos = end + 4;
  }
  if (!header) throw new Error(`${name}: PNG has no IHDR chunk`);
  if (!ended && idat.length === 0) throw new Error(`${name}: PNG image data is truncated`);
  const { width, height, bitDepth, colorType, interlace } = header;
  if (width === 0 || height === 0) throw new Error(`${name}: cannot identify image file (the PNG header says ${width}x${height} pixels)`);
  checkImageSize(width, height);
  const samples = SAMPLES[colorType];
  if (samples === undefined || ![1, 2, 4, 8, 16].includes(bitDepth)) throw new Error(`${name}: unsupported PNG color type ${colorType} / bit depth ${bitDepth}`);
  if (colorType === 3 && !palette) throw new Error(`${name}: palette PNG without a PLTE chunk`);
  const bitsPerPixel = samples * bitDepth;
  const passes = interlace
    ? [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]]
    : [[0, 0, 1, 1]];
  // The filtered rows' size is known from the header: inflate no further (a small stream can inflate to gigabytes).
  let expected = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw > 0 && ph > 0) expected += (Math.ceil((pw * bitsPerPixel) / 8) + 1) * ph;
  }
  let data: Uint8Array;
  try {
    data = inflateAtMost(concatBytes(idat), expected, 'zlib');
  } catch (e) {
    throw new Error(`${name}: PNG image data cannot be decompressed (${(e as Error).message})`);
  }

  // Output channels: palette expands to RGB(A) or stays indices (mode P); tRNS adds alpha for libpng only.
  const keepIndices = colorType === 3 && !asLibpng;
  const wide = colorType === 0 && bitDepth === 16 && !asLibpng; // PIL's mode I
  const hasAlpha = !keepIndices && (colorType === 4 || colorType === 6 || (asLibpng && trns !== null));
  const color = !keepIndices && (colorType === 2 || colorType === 3 || colorType === 6);
  const outC = (color ? 3 : 1) + (hasAlpha ? 1 : 0);
  const image = keepIndices
    ? new Image(width, height, 1, undefined, 'P', (palette as Uint8Array).subarray(0, Math.min(256, Math.floor((palette as Uint8Array).length / 3)) * 3))
    : new Image(width, height, outC, undefined, wide ? 'I' : undefined);
  const out = image.data;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const maxSample = (1 << Math.min(bitDepth, 8)) - 1;
  const scale = (v: number) => (bitDepth < 8 && colorType !== 3 ? Math.round((v * 255) / maxSample) : v);
  const trnsGray = trns && colorType === 0 ? (trns[0] << 8) | trns[1] : -1;
  const trnsRgb = trns && colorType === 2 ? [(trns[0] << 8) | trns[1], (trns[2] << 8) | trns[3], (trns[4] << 8) | trns[5]] : null;
  if (!asLibpng && trns !== null) {
    // PngImagePlugin keeps the chunk's raw values (unscaled for low bit depths, 16-bit for 16-bit files)
    if (keepIndices) image.info.transparency = paletteTransparency(trns);
    else if (colorType === 0) image.info.transparency = trnsGray;
    else if (trnsRgb) image.info.transparency = trnsRgb;
  }

  const writePixel = (rows: Uint8Array, rowOffset: number, i: number, x: number, y: number) => {
    const d = (y * width + x) * outC;
    if (keepIndices) {
      out[d] = sampleAt(rows, rowOffset, i, bitDepth); // an index past the palette reads as grey later, as in Pillow
      return;
    }
    if (colorType === 3) {
      const idx = sampleAt(rows, rowOffset, i, bitDepth);
      if (idx * 3 + 2 >= (palette as Uint8Array).length) throw new Error(`${name}: PNG palette index ${idx} out of range`);
      out[d] = (palette as Uint8Array)[idx * 3];
      out[d + 1] = (palette as Uint8Array)[idx * 3 + 1];
      out[d + 2] = (palette as Uint8Array)[idx * 3 + 2];
      if (hasAlpha) out[d + 3] = trns && idx < trns.length ? trns[idx] : 255;
      return;
    }
    if (wide) {
      out[d] = rawSampleAt(rows, rowOffset, i, bitDepth);
      return;
    }
    for (let s = 0; s < samples; s++) out[d + s] = scale(sampleAt(rows, rowOffset, i * samples + s, bitDepth));
    if (hasAlpha && samples === 1) out[d + 1] = rawSampleAt(rows, rowOffset, i, bitDepth) === trnsGray ? 0 : 255;
    if (hasAlpha && samples === 3 && trnsRgb) {
      const same = [0, 1, 2].every((s) => rawSampleAt(rows, rowOffset, i * 3 + s, bitDepth) === trnsRgb[s]);
      out[d + 3] = same ? 0 : 255;
    }
  };

  let pos2 = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    const rows = unfilter(data, pos2, rowBytes, ph, bpp, name);
    pos2 += (rowBytes + 1) * ph;
    for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) writePixel(rows, y * rowBytes, x, x0 + x * dx, y0 + y * dy);
  }
  return image;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out, 4, 8 + body.length));
  return out;
}

/**
 * Encodes an 8-bit image as PNG (per-row filter chosen by the minimum-sum heuristic, as
 * libpng): L, LA, RGB, RGBA, and P as an 8-bit palette PNG with its palette and
 * transparency (tRNS), which PIL reads back as the same mode-P image.
 */
export function encodePng(image: Image, compressionLevel = 6): Uint8Array {
  const { width, height, channels, mode } = image;
  if (mode !== 'L' && mode !== 'LA' && mode !== 'RGB' && mode !== 'RGBA' && mode !== 'P') throw new TypeError(`cannot write mode ${mode} as PNG (PNG holds L, LA, RGB, RGBA and P images)`);
  const data = image.bytes('encode_png', true);
  const colorType = mode === 'P' ? 3 : ({ 1: 0, 2: 4, 3: 2, 4: 6 }[channels] as number);
  const rowBytes = width * channels;
  const filtered = new Uint8Array((rowBytes + 1) * height);
  const candidate = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    let best = -1;
    let bestSum = Infinity;
    for (let f = 0; f < 5; f++) {
      let sum = 0;
      for (let x = 0; x < rowBytes; x++) {
        const a = x >= channels ? data[row + x - channels] : 0;
        const b = y > 0 ? data[row - rowBytes + x] : 0;
        const c = x >= channels && y > 0 ? data[row - rowBytes + x - channels] : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const v = (data[row + x] - pred) & 0xff;
        candidate[x] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
        filtered[y * (rowBytes + 1)] = f;
        filtered.set(candidate, y * (rowBytes + 1) + 1);
      }
    }
    void best;
  }
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const extra: Uint8Array[] = [];
  if (mode === 'P') {
    extra.push(chunk('PLTE', image.palette as Uint8Array));
    const t = image.info.transparency;
    if (typeof t === 'number') {
      const alphas = new Uint8Array(t + 1).fill(255);
      alphas[t] = 0;
      extra.push(chunk('tRNS', alphas));
    } else if (t !== undefined) extra.push(chunk('tRNS', Uint8Array.from(t)));
  } else if ((mode === 'L' || mode === 'RGB') && image.info.transparency !== undefined) {
    // PIL writes the transparent grey value or RGB triplet as 16-bit numbers
    const t = image.info.transparency;
    const values = typeof t === 'number' ? [t] : Array.from(t);
    if (values.length !== (mode === 'L' ? 1 : 3)) throw new TypeError(`a mode ${mode} image's info.transparency must be ${mode === 'L' ? 'a number' : 'an [r, g, b] triplet'}`);
    const body = new Uint8Array(values.length * 2);
    values.forEach((v, k) => {
      const c = Math.max(0, Math.min(65535, v));
      body[k * 2] = c >> 8;
      body[k * 2 + 1] = c & 255;
    });
    extra.push(chunk('tRNS', body));
  }
  return concatBytes([Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), ...extra, chunk('IDAT', deflateZlib(filtered, compressionLevel)), chunk('IEND', new Uint8Array(0))]);
}
