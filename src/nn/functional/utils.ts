// Int-list arguments as torch/nn/modules/utils.py expands them (_single, _pair, _ntuple,
// _list_with_default, _reverse_repeat_tuple), shared by nn.functional and the modules.
import type { Tensor } from '../../tensor/tensor.js';

/** A Python int-or-tuple argument: an int stands for every dim. */
export type IntOrList = number | readonly number[];

/** _ntuple(n): an int repeated n times; a list taken as given (its length is checked by the op). */
export function ntuple(v: IntOrList, n: number): number[] {
  return typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();
}

/** _single: (v,) for an int. */
export const single = (v: IntOrList): number[] => ntuple(v, 1);

/** _pair: (v, v) for an int. */
export const pair = (v: IntOrList): number[] => ntuple(v, 2);

/** An adaptive output size: null keeps the input's size along that dim. */
export type OutputSize = number | readonly (number | null)[];

/** _list_with_default: an int for all `n` dims; null entries take the input's trailing sizes. */
export function listWithDefault(size: OutputSize, x: Tensor, n: number): number[] {
  if (typeof size === 'number') return new Array<number>(n).fill(size);
  if (x.dim() <= size.length) throw new RangeError(`Input dimension should be at least ${size.length + 1}`);
  const defaults = x.shape.slice(-size.length);
  return size.map((v, i) => v ?? defaults[i]);
}

/** _reverse_repeat_tuple(t, 2): F.pad's (left, right) pairs from the last dim for per-dim paddings. */
export function reverseRepeatTuple(t: readonly number[]): number[] {
  return t
    .slice()
    .reverse()
    .flatMap((v) => [v, v]);
}
