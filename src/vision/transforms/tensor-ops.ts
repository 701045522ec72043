// torchvision's tensor code path (functional_tensor.py) for geometry on [..., C, H, W]
// tensors: pad, crop and flip, through the tensor ops (nn.functional.pad, slicing,
// indexSelect, flip). Colour ops are in tensor-color.ts, rotate in tensor-affine.ts.
import { pad as nnPad } from '../../nn/functional/index.js';
import { tensor } from '../../tensor/create.js';
import { asNumbers, type DType, type NumberArray } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { padIndex, type PaddingMode } from './pil-ops.js';

/** A tensor image's values in row-major order, for the ops that are loops over pixels. */
export interface Planar {
  data: NumberArray;
  dtype: DType;
  /** Dims before H, W (…, C). */
  lead: number[];
  h: number;
  w: number;
}

/** [H, W] of a [..., H, W] tensor image; TypeError for fewer than 2 dims. */
export function imageSize(t: Tensor, op: string): [number, number] {
  if (t.dim() < 2) throw new TypeError(`${op}: tensor is not a torch image (expected [..., H, W], got [${t.shape.join(', ')}])`);
  return [t.shape[t.dim() - 2], t.shape[t.dim() - 1]];
}

export function planar(t: Tensor, op: string): Planar {
  const [h, w] = imageSize(t, op);
  return { data: asNumbers(t.toTypedArray()), dtype: t.dtype, lead: t.shape.slice(0, -2), h, w };
}

export function channelsOf(t: Tensor): number {
  return t.dim() === 2 ? 1 : t.shape[t.dim() - 3];
}

/** Source indices along one dim of n cells padded by (before, after) in numpy's 'symmetric' mode. */
function symmetricIndices(n: number, before: number, after: number): Tensor {
  return tensor(Array.from({ length: before + n + after }, (_, j) => padIndex(j - before, n, 'symmetric')), { dtype: 'int64' });
}

/** F_t._pad_symmetric: crop where the padding is negative, then gather rows and columns. */
function padSymmetric(t: Tensor, [left, top, right, bottom]: number[], h: number, w: number): Tensor {
  const cropped = t.index('...', `${Math.max(-top, 0)}:${h - Math.max(-bottom, 0)}`, `${Math.max(-left, 0)}:${w - Math.max(-right, 0)}`);
  const [ch, cw] = imageSize(cropped, 'pad');
  return cropped.indexSelect(-2, symmetricIndices(ch, Math.max(top, 0), Math.max(bottom, 0))).indexSelect(-1, symmetricIndices(cw, Math.max(left, 0), Math.max(right, 0)));
}

/**
 * F_t.pad with [left, top, right, bottom] (negative values crop): nn.functional.pad
 * ('edge' is its 'replicate'; reflect / replicate pad the [N, H, W] planes), except
 * 'symmetric', which torch.nn.functional.pad has not.
 */
export function tensorPad(t: Tensor, [left, top, right, bottom]: number[], fill: number, mode: PaddingMode): Tensor {
  const [h, w] = imageSize(t, 'pad');
  if (mode === 'symmetric') return padSymmetric(t, [left, top, right, bottom], h, w);
  const pad = [left, right, top, bottom];
  if (mode === 'constant') return nnPad(t, pad, 'constant', fill);
  const lead = t.shape.slice(0, -2);
  const out = nnPad(t.reshape([lead.reduce((a, b) => a * b, 1), h, w]), pad, mode === 'edge' ? 'replicate' : 'reflect');
  return out.reshape([...lead, ...out.shape.slice(-2)]);
}

/** F_t.crop: a view when inside the image, zero-padded where the box leaves it. */
export function tensorCrop(t: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const [h, w] = imageSize(t, 'crop');
  const right = left + width;
  const bottom = top + height;
  if (left < 0 || top < 0 || right > w || bottom > h) {
    const inside = t.index('...', `${Math.max(top, 0)}:${bottom}`, `${Math.max(left, 0)}:${right}`);
    const pad = [Math.max(-left + Math.min(0, right), 0), Math.max(-top + Math.min(0, bottom), 0), Math.max(right - w, 0), Math.max(bottom - h, 0)];
    return tensorPad(inside, pad, 0, 'constant');
  }
  return t.index('...', `${top}:${bottom}`, `${left}:${right}`);
}

export function tensorFlip(t: Tensor, horizontal: boolean): Tensor {
  return t.flip(horizontal ? -1 : -2);
}
