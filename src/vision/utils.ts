// torchvision.utils: make_grid and save_image.
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import '../ops/index.js';
import { cat, stack } from '../ops/join.js';
import { full } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensorToImage } from './convert.js';
import { encodeJpeg } from './io/jpeg.js';
import { encodePng } from './io/png.js';

export interface MakeGridOptions {
  nrow?: number;
  padding?: number;
  normalize?: boolean;
  valueRange?: [number, number] | null;
  scaleEach?: boolean;
  padValue?: number;
}

function normRange(t: Tensor, range: [number, number] | null | undefined): void {
  const [low, high] = range ?? [t.min().item(), t.max().item()];
  t.clamp_(low, high);
  t.sub_(low).div_(Math.max(high - low, 1e-5));
}

/** Lays a batch of images [B, C, H, W] (or a list of [C, H, W]) out in a grid of `nrow` columns. */
export function makeGrid(input: Tensor | Tensor[], opts: MakeGridOptions = {}): Tensor {
  const { nrow = 8, padding = 2, normalize = false, valueRange = null, scaleEach = false, padValue = 0 } = opts;
  let t = Array.isArray(input) ? stack(input, 0) : input;
  if (t.dim() === 2) t = t.unsqueeze(0);
  if (t.dim() === 3) {
    if (t.shape[0] === 1) t = cat([t, t, t], 0);
    t = t.unsqueeze(0);
  }
  if (t.dim() !== 4) throw new RangeError(`makeGrid expects [B, C, H, W], [C, H, W] or [H, W], got [${t.shape.join(', ')}]`);
  if (t.shape[1] === 1) t = cat([t, t, t], 1);
  if (normalize) {
    t = t.clone();
    if (scaleEach) for (let i = 0; i < t.shape[0]; i++) normRange(t.select(0, i), valueRange);
    else normRange(t, valueRange);
  }
  if (t.shape[0] === 1) return t.squeeze(0);
  const nmaps = t.shape[0];
  const xmaps = Math.min(nrow, nmaps);
  const ymaps = Math.ceil(nmaps / xmaps);
  const height = t.shape[2] + padding;
  const width = t.shape[3] + padding;
  const grid = full([t.shape[1], height * ymaps + padding, width * xmaps + padding], padValue, { dtype: t.dtype });
  let k = 0;
  for (let y = 0; y < ymaps && k < nmaps; y++) {
    for (let x = 0; x < xmaps && k < nmaps; x++, k++) {
      grid.narrow(1, y * height + padding, height - padding).narrow(2, x * width + padding, width - padding).copy_(t.select(0, k));
    }
  }
  return grid;
}

/** save_image: makeGrid, then values in [0, 1] to 8 bits (x * 255 + 0.5, clamped) as PNG (or JPEG by extension). */
export function saveImage(input: Tensor | Tensor[], path: string, opts: MakeGridOptions & { format?: 'png' | 'jpeg' } = {}): void {
  const grid = makeGrid(input, opts);
  const u8 = grid.mul(255).add(0.5).clamp(0, 255).to('uint8');
  const img = tensorToImage(u8, 'save_image grid');
  const format = opts.format ?? (/^\.jpe?g$/i.test(extname(path)) ? 'jpeg' : 'png');
  writeFileSync(path, format === 'jpeg' ? encodeJpeg(img, 75) : encodePng(img));
}
