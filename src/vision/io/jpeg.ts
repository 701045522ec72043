// JPEG through the optional npm packages: `jpeg-js` (pure JS, synchronous) for the
// synchronous API that Dataset.getItem needs; `sharp` (libvips/libjpeg-turbo, much
// faster) for the async API when it is installed.
import { createRequire } from 'node:module';
import { Image } from '../image.js';

interface JpegJs {
  decode(data: Uint8Array, opts: { useTArray: true; formatAsRGBA: boolean; maxMemoryUsageInMB?: number }): { width: number; height: number; data: Uint8Array };
  encode(image: { width: number; height: number; data: Uint8Array }, quality?: number): { data: Uint8Array };
}

const require = createRequire(import.meta.url);
let jpegJs: JpegJs | null | undefined;

function loadJpegJs(): JpegJs | null {
  if (jpegJs === undefined) {
    try {
      jpegJs = require('jpeg-js') as JpegJs;
    } catch {
      jpegJs = null;
    }
  }
  return jpegJs;
}

function requireJpegJs(what: string): JpegJs {
  const lib = loadJpegJs();
  if (!lib) throw new Error(`${what} needs the npm package 'jpeg-js' (npm install jpeg-js)`);
  return lib;
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export function decodeJpeg(bytes: Uint8Array, name = 'JPEG data'): Image {
  const lib = requireJpegJs(`decoding ${name}`);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = lib.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
  } catch (e) {
    throw new Error(`${name}: cannot decode JPEG (${(e as Error).message})`);
  }
  const { width, height, data } = decoded;
  const channels = width * height > 0 ? data.length / (width * height) : 3;
  if (!Number.isInteger(channels) || channels < 1 || channels > 4) throw new Error(`${name}: cannot decode JPEG (unexpected ${data.length} bytes for ${width}x${height})`);
  return new Image(width, height, channels, data);
}

export function encodeJpeg(image: Image, quality = 75): Uint8Array {
  const lib = requireJpegJs('encoding JPEG');
  const rgba = image.convert('RGBA');
  return lib.encode({ width: image.width, height: image.height, data: rgba.data }, quality).data;
}

type SharpFactory = (input: Uint8Array) => {
  raw(): { toBuffer(opts: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }> };
};
let sharp: SharpFactory | null | undefined;

export async function loadSharp(): Promise<SharpFactory | null> {
  if (sharp === undefined) {
    try {
      const name = 'sharp';
      sharp = ((await import(name)) as { default: SharpFactory }).default;
    } catch {
      sharp = null;
    }
  }
  return sharp;
}

/** Decodes any format sharp reads (JPEG, PNG, WebP, TIFF, GIF, AVIF…) to 8-bit pixels. */
export async function decodeWithSharp(bytes: Uint8Array, name: string): Promise<Image | null> {
  const lib = await loadSharp();
  if (!lib) return null;
  try {
    const { data, info } = await lib(bytes).raw().toBuffer({ resolveWithObject: true });
    return new Image(info.width, info.height, info.channels, new Uint8Array(data.buffer, data.byteOffset, data.length));
  } catch (e) {
    throw new Error(`${name}: cannot decode image (${(e as Error).message})`);
  }
}
