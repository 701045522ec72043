// The public spellings of cat, stack, split, chunk, unbind and flip (join.ts): PyTorch's
// parameters, positional or as a trailing options object (torch.cat([a, b], { dim: 1 }),
// x.chunk(2, { dim: 1 })). join.ts keeps the positional functions other ops call internally.
import { check, int, intOrList, signature, type ArgsOf } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorOp } from './op-args.js';
import { cat as catImpl, chunk as chunkImpl, flip as flipImpl, split as splitImpl, stack as stackImpl, unbind as unbindImpl } from './join.js';

// The elements are checked by cat/stack themselves, whose errors name the offending position.
const tensors = check<readonly Tensor[]>('tuple of Tensors', (v) => Array.isArray(v));

const catArgs = signature('cat', [['tensors', tensors], ['dim', int, 0]] as const);
const stackArgs = signature('stack', [['tensors', tensors], ['dim', int, 0]] as const);

/** torch.cat(tensors, dim=0). */
export function cat(...args: ArgsOf<typeof catArgs>): Tensor {
  const a = catArgs.parse(args);
  return catImpl(a.tensors, a.dim);
}

/** torch.stack(tensors, dim=0). */
export function stack(...args: ArgsOf<typeof stackArgs>): Tensor {
  const a = stackArgs.parse(args);
  return stackImpl(a.tensors, a.dim);
}

// PyTorch names split's size differently: Tensor.split(split_size, dim=0) but
// torch.split(tensor, split_size_or_sections, dim=0).
const splitMethod = tensorOp('split', [['splitSize', intOrList], ['dim', int, 0]] as const, (x, a) => splitImpl(x, a.splitSize, a.dim));
const chunkOp = tensorOp('chunk', [['chunks', int], ['dim', int, 0]] as const, (x, a) => chunkImpl(x, a.chunks, a.dim));
const unbindOp = tensorOp('unbind', [['dim', int, 0]] as const, (x, a) => unbindImpl(x, a.dim));
const flipOp = tensorOp('flip', [['dims', intOrList]] as const, (x, a) => flipImpl(x, a.dims));

const splitArgs = signature('split', [['tensor', check<Tensor>('Tensor', (v) => v instanceof Tensor)], ['splitSizeOrSections', intOrList], ['dim', int, 0]] as const);
/** torch.split(tensor, split_size_or_sections, dim=0). */
export function split(...args: ArgsOf<typeof splitArgs>): Tensor[] {
  const a = splitArgs.parse(args);
  return splitImpl(a.tensor, a.splitSizeOrSections, a.dim);
}
export const chunk = chunkOp.fn;
export const unbind = unbindOp.fn;
export const flip = flipOp.fn;

declare module '../tensor/tensor.js' {
  interface Tensor {
    split(...args: Parameters<typeof splitMethod.method>): Tensor[];
    chunk(...args: Parameters<typeof chunkOp.method>): Tensor[];
    unbind(...args: Parameters<typeof unbindOp.method>): Tensor[];
    flip(...args: Parameters<typeof flipOp.method>): Tensor;
  }
}

const P = Tensor.prototype;
P.split = splitMethod.method;
P.chunk = chunkOp.method;
P.unbind = unbindOp.method;
P.flip = flipOp.method;
