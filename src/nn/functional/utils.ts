// Int-list arguments as torch/nn/modules/utils.py expands them (_single, _pair, _ntuple,
// _list_with_default, _reverse_repeat_tuple), shared by nn.functional and the modules;
// and the argument checks and signature types they share.
import { check, intOrList, nullable, type Check, type Signature } from '../../tensor/args.js';
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

// --- argument checks shared by the layers and nn.functional ---

/** stride=None (the kernel size) or an int / list of ints. */
export const intOrListOrNull = nullable(intOrList);

/** An adaptive pool's output size: an int, or a list of ints and nulls (keep that input size). */
export const outputSize: Check<OutputSize> = check(
  'an int or a list of ints and nulls',
  (v) => Number.isInteger(v) || (Array.isArray(v) && v.every((e) => e === null || Number.isInteger(e))),
);

// --- signature types for parameters that decide the return type (return_indices) ---

type Param = readonly [string, Check<unknown>, ...unknown[]];
type TypeOf<C> = C extends Check<infer T> ? T : never;
type PositionalWith<S, K, V> = S extends readonly [infer H, ...infer R]
  ? H extends '*'
    ? []
    : H extends Param
      ? [H[0] extends K ? V : TypeOf<H[1]>, ...PositionalWith<R, K, V>]
      : []
  : [];
type OptionsWith<S, K, V> = {
  [E in S extends readonly unknown[] ? S[number] : never as E extends Param ? E[0] : never]?: E extends Param ? (E[0] extends K ? V : TypeOf<E[1]>) : never;
};
type Prefixes<T extends unknown[]> = T extends [...infer I, unknown] ? T | Prefixes<I> : [];
type ThenOptions<P, O> = P extends unknown[] ? [...P, options?: O] : never;

/**
 * ArgsOf<G> with parameter K typed V (a type parameter): lets `returnIndices: true`, given by
 * position or by name, pick the return type of a pooling function or module.
 */
export type ArgsWith<G, K extends string, V> = G extends Signature<infer S> ? ThenOptions<Prefixes<PositionalWith<S, K, V>>, OptionsWith<S, K, V>> : never;
