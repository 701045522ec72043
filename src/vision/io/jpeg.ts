// JPEG decoding with the built-in decoder (jpeg-decoder.ts: PIL's pixels, byte for byte,
// synchronously); encoding through the npm package `jpeg-js`; `sharp` (libvips) for the
// other formats the async API reads when it is installed.
import { createRequire } from '#platform/module';
import { platformName } from '#platform/os';
import { Image } from '../image.js';
import { type DecodedJpeg, decodeJpegPixels, type JpegDecodeMode } from './jpeg-decoder.js';
import { DecompressionBombError } from './limits.js';

interface JpegJs {
  encode(image: { width: number; height: number; data: Uint8Array }, quality?: number): { data: Uint8Array };
}

let jpegJs: JpegJs | null | undefined;

function loadJpegJs(): JpegJs | null {
  if (jpegJs === undefined) {
    // jpeg-js is CommonJS and returns Node Buffers: loaded on first use, and only in Node.
    if (platformName === 'browser') {
      throw new Error("encoding JPEG is not available in a web page (it uses the npm package 'jpeg-js', which needs Node's Buffer): encode PNG with encodePng, or draw the image on a canvas and call canvas.toBlob(callback, 'image/jpeg')");
    }
    try {
      jpegJs = createRequire(import.meta.url)('jpeg-js') as JpegJs;
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

/** A decoder error with the file's name; a decompression bomb keeps its class (callers catch it by type, as PIL's). */
function decodeError(name: string, e: unknown): Error {
  const message = `${name}: cannot decode JPEG (${(e as Error).message})`;
  return e instanceof DecompressionBombError ? new DecompressionBombError(message) : new Error(message);
}

/**
 * JPEG bytes as PIL's Image.open gives them: mode L for one component, RGB for three, CMYK for
 * four (CMYK and YCCK files; ImageFolder's loader then converts to RGB with Pillow's cmyk2rgb).
 */
export function decodeJpeg(bytes: Uint8Array, name = 'JPEG data'): Image {
  let decoded: DecodedJpeg;
  try {
    decoded = decodeJpegPixels(bytes);
  } catch (e) {
    throw decodeError(name, e);
  }
  const { width, height, channels, data } = decoded;
  return new Image(width, height, channels, data, decoded.mode === 'CMYK' ? 'CMYK' : undefined);
}

/**
 * JPEG bytes as torchvision.io.decode_jpeg gives them for an ImageReadMode (libjpeg's own
 * conversions: GRAY from YCbCr is the decoded luma, CMYK stays 4 channels as stored), as an
 * Image only to carry the channels (a 4-channel result is CMYK, not RGBA).
 */
export function decodeJpegLikeTorchvision(bytes: Uint8Array, mode: 'UNCHANGED' | 'GRAY' | 'GRAY_ALPHA' | 'RGB' | 'RGB_ALPHA', name = 'JPEG data'): Image {
  const modes: Record<string, JpegDecodeMode> = { UNCHANGED: 'native', GRAY: 'L', RGB: 'RGB' };
  if (!(mode in modes)) throw new Error(`${name}: the provided mode (${mode}) is not supported for JPEG files`);
  let decoded: DecodedJpeg;
  try {
    decoded = decodeJpegPixels(bytes, modes[mode]);
  } catch (e) {
    throw decodeError(name, e);
  }
  return new Image(decoded.width, decoded.height, decoded.channels, decoded.data);
}

export function encodeJpeg(image: Image, quality = 75): Uint8Array {
  const lib = requireJpegJs('encoding JPEG');
  const rgba = image.convert('RGBA');
  return lib.encode({ width: image.width, height: image.height, data: rgba.bytes('encode_jpeg') }, quality).data;
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
