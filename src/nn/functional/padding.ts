// nn.functional.pad as PyTorch 1.13's _pad_enum dispatches it: constant padding of any
// trailing dims through constant_pad_nd, reflect / replicate / circular of the last 1, 2
// or 3 dims of a (batched or unbatched) input through the index padding ops.
import { constantPadNd, indexPad } from '../../ops/pad.js';
import { intList, nullable, number, signature, string, tensor, type ArgsOf, type Check } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const padArgs = signature('pad', [
  ['input', tensor],
  ['pad', intList],
  // Any string: a wrong one gets PyTorch's own message.
  ['mode', string as Check<PadMode>, 'constant'],
  ['value', nullable(number), null],
] as const);

/**
 * pad(input, pad, mode='constant', value=None): pad lists (left, right) pairs from the last
 * dim backwards. Non-constant modes pad the last 1, 2 or 3 dims of an input with one or two more dims.
 */
export function pad(...args: ArgsOf<typeof padArgs>): Tensor {
  const { input, pad, mode, value } = padArgs.parse(args);
  const nd = input.dim();
  if (pad.length % 2 !== 0) throw new RangeError('Padding length must be divisible by 2');
  if (pad.length > nd * 2) throw new RangeError('Padding length too large');
  if (mode === 'constant') return constantPadNd(input, pad, value ?? 0);
  if (mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') throw new Error(`Unrecognised padding mode ${String(mode)}`);
  if (value !== null && value !== 0) throw new RangeError(`Padding mode "${mode}" doesn't take in value argument`);
  const pairs = pad.length / 2;
  if (!(pairs >= 1 && pairs <= 3 && (nd === pairs + 1 || nd === pairs + 2))) {
    throw new Error('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  }
  return indexPad(input, pad, mode);
}
