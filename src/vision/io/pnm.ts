// Binary PGM (P5) and PPM (P6), two of torchvision's image-folder extensions.
import { Image } from '../image.js';

export function isPnm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x36);
}

export function decodePnm(bytes: Uint8Array, name = 'PNM data'): Image {
  const channels = bytes[1] === 0x36 ? 3 : 1;
  const fields: number[] = [];
  let pos = 2;
  while (fields.length < 3) {
    while (pos < bytes.length && (bytes[pos] === 0x20 || (bytes[pos] >= 0x09 && bytes[pos] <= 0x0d))) pos++;
    if (bytes[pos] === 0x23) {
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
      continue;
    }
    let v = 0;
    let digits = 0;
    while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) {
      v = v * 10 + bytes[pos++] - 0x30;
      digits++;
    }
    if (digits === 0) throw new Error(`${name}: malformed PNM header`);
    fields.push(v);
  }
  pos++;
  const [width, height, maxval] = fields;
  const wide = maxval > 255;
  const n = width * height * channels;
  if (bytes.length - pos < n * (wide ? 2 : 1)) throw new Error(`${name}: PNM pixel data is truncated`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = wide ? (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1] : bytes[pos + i];
    out[i] = maxval === 255 ? v : Math.round((v * 255) / maxval);
  }
  return new Image(width, height, channels, out);
}
