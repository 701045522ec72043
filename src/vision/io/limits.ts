// PIL's decompression-bomb rule for every image decoder: an image header claiming more than
// MAX_IMAGE_PIXELS pixels warns, more than twice that raises, before any pixel memory is
// allocated — a few hundred bytes of PNG can otherwise claim gigabytes.
import { warnOnce } from '../../tensor/warnings.js';

/** PIL.Image.MAX_IMAGE_PIXELS: 1024 * 1024 * 1024 // 4 // 3 (a 1 GB RGB image). */
const PIL_DEFAULT = 89478485;
let maxImagePixels: number | null = PIL_DEFAULT;

/** PIL's DecompressionBombError: the image claims more than twice the pixel limit. */
export class DecompressionBombError extends Error {
  override readonly name = 'DecompressionBombError';
}

/** `Image.MAX_IMAGE_PIXELS = n` (null: no limit, as PIL's None). */
export function setMaxImagePixels(n: number | null): void {
  if (n !== null && !(Number.isFinite(n) && n > 0)) throw new RangeError(`MAX_IMAGE_PIXELS must be a positive number or null, got ${n}`);
  maxImagePixels = n;
}

export function getMaxImagePixels(): number | null {
  return maxImagePixels;
}

/** PIL's _decompression_bomb_check: a warning past the limit, an error past twice it. */
export function checkImageSize(width: number, height: number): void {
  if (maxImagePixels === null) return;
  const pixels = width * height;
  if (pixels > 2 * maxImagePixels) {
    throw new DecompressionBombError(`Image size (${pixels} pixels) exceeds limit of ${2 * maxImagePixels} pixels, could be decompression bomb DOS attack.`);
  }
  if (pixels > maxImagePixels) {
    warnOnce(`Image size (${pixels} pixels) exceeds limit of ${maxImagePixels} pixels, could be decompression bomb DOS attack.`, 'DecompressionBombWarning');
  }
}
