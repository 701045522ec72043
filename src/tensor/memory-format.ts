// torch.memory_format (torch.preserve_format, contiguous_format, channels_last,
// channels_last_3d) and the element orders that follow from a tensor's strides: the
// order in which PyTorch's TensorIterator visits a tensor's elements (its memory order:
// random fills draw in it), and the strides the *_like functions give their result.
import { instance, type Check } from './args.js';

/** A torch.memory_format value; prints as PyTorch's name (torch.channels_last). */
export class MemoryFormat {
  /** @internal Use the four constants. */
  constructor(readonly name: 'preserve_format' | 'contiguous_format' | 'channels_last' | 'channels_last_3d') {}
  toString(): string {
    return `torch.${this.name}`;
  }
}

export const preserveFormat = new MemoryFormat('preserve_format');
export const contiguousFormat = new MemoryFormat('contiguous_format');
export const channelsLast = new MemoryFormat('channels_last');
export const channelsLast3d = new MemoryFormat('channels_last_3d');

export const memoryFormatArg: Check<MemoryFormat> = instance(MemoryFormat, 'torch.memory_format');

/**
 * The dims of a tensor from outermost to innermost in memory: sorted by stride, larger
 * first, ties (size-1 dims, overlapping memory) in their own order, as TensorIterator
 * reorders them. Null when that is the dims' own order.
 */
export function memoryOrder(shape: readonly number[], strides: readonly number[]): number[] | null {
  const dims = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  let sorted = true;
  for (let i = 1; i < dims.length; i++) if (strides[dims[i - 1]] < strides[dims[i]]) sorted = false;
  if (sorted) return null;
  dims.sort((a, b) => strides[b] - strides[a] || a - b);
  // size-1 dims keep their places relative to the dims before them
  const order: number[] = [];
  for (let d = 0, k = 0; d < shape.length; d++) order.push(shape[d] === 1 ? d : dims[k++]);
  return order;
}

/** Whether the strides lay the elements out one after another, dims in `order` (outermost first), size-1 dims aside. */
export function laidOutIn(shape: readonly number[], strides: readonly number[], order: readonly number[]): boolean {
  let expected = 1;
  for (let i = order.length - 1; i >= 0; i--) {
    const d = order[i];
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** The dim orders (outermost first) of channels_last (4-d) and channels_last_3d (5-d): channels innermost. */
export const CHANNELS_LAST_ORDER: Readonly<Record<string, readonly number[]>> = {
  channels_last: [0, 2, 3, 1],
  channels_last_3d: [0, 2, 3, 4, 1],
};

/** Whether the strides lay the elements out one after another with no gaps or overlaps. */
function denseNonOverlapping(shape: readonly number[], strides: readonly number[]): boolean {
  return laidOutIn(shape, strides, memoryOrder(shape, strides) ?? shape.map((_, d) => d));
}

/**
 * The dim order (outermost first) of a *_like result of `input`'s shape and strides in
 * `format`, or null for the contiguous one: preserve_format keeps a dense input's layout
 * (PyTorch's empty_like); channels_last puts dim 1 innermost of a 4-d tensor.
 */
export function likeOrder(shape: readonly number[], strides: readonly number[], format: MemoryFormat): number[] | null {
  switch (format.name) {
    case 'contiguous_format':
      return null;
    case 'channels_last':
    case 'channels_last_3d': {
      const order = CHANNELS_LAST_ORDER[format.name];
      if (shape.length !== order.length) throw new RangeError(`required rank ${order.length} tensor to use ${format.name} format`);
      return order.slice();
    }
    default:
      return denseNonOverlapping(shape, strides) ? memoryOrder(shape, strides) : null;
  }
}
