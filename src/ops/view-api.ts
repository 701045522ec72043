// The public spellings of the view ops in view.ts: PyTorch's parameters, positional or as
// a trailing options object (x.flatten({ startDim: 1 }), torch.transpose(x, { dim0: 0, dim1: 1 })).
// view.ts keeps the positional functions the other ops call internally.
import { int, intList, intOrList, nullable } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorOp } from './op-args.js';
import { flatten as flattenView, narrow as narrowView, select as selectView, squeeze as squeezeView, transpose as transposeView, unflatten as unflattenView, unsqueeze as unsqueezeView } from './view.js';

const flattenOp = tensorOp('flatten', [['startDim', int, 0], ['endDim', int, -1]] as const, (x, a) => flattenView(x, a.startDim, a.endDim));
const unflattenOp = tensorOp('unflatten', [['dim', int], ['sizes', intList]] as const, (x, a) => unflattenView(x, a.dim, a.sizes));
const squeezeOp = tensorOp('squeeze', [['dim', nullable(int), null]] as const, (x, a) => squeezeView(x, a.dim ?? undefined));
const unsqueezeOp = tensorOp('unsqueeze', [['dim', int]] as const, (x, a) => unsqueezeView(x, a.dim));
const transposeOp = tensorOp('transpose', [['dim0', int], ['dim1', int]] as const, (x, a) => transposeView(x, a.dim0, a.dim1));
const narrowOp = tensorOp('narrow', [['dim', int], ['start', int], ['length', int]] as const, (x, a) => narrowView(x, a.dim, a.start, a.length));
const selectOp = tensorOp('select', [['dim', int], ['index', int]] as const, (x, a) => selectView(x, a.dim, a.index));
// movedim takes an int or a list of ints for both (moveaxis is the same op under numpy's name).
const movedimOp = tensorOp('movedim', [['source', intOrList], ['destination', intOrList]] as const, (x, a) => x.moveaxis(a.source, a.destination));

export const flatten = flattenOp.fn;
export const unflatten = unflattenOp.fn;
export const squeeze = squeezeOp.fn;
export const unsqueeze = unsqueezeOp.fn;
export const transpose = transposeOp.fn;
export const narrow = narrowOp.fn;
export const select = selectOp.fn;
export const movedim = movedimOp.fn;

declare module '../tensor/tensor.js' {
  interface Tensor {
    flatten(...args: Parameters<typeof flattenOp.method>): Tensor;
    unflatten(...args: Parameters<typeof unflattenOp.method>): Tensor;
    squeeze(...args: Parameters<typeof squeezeOp.method>): Tensor;
    unsqueeze(...args: Parameters<typeof unsqueezeOp.method>): Tensor;
    transpose(...args: Parameters<typeof transposeOp.method>): Tensor;
    narrow(...args: Parameters<typeof narrowOp.method>): Tensor;
    select(...args: Parameters<typeof selectOp.method>): Tensor;
    movedim(...args: Parameters<typeof movedimOp.method>): Tensor;
  }
}

const P = Tensor.prototype;
P.flatten = flattenOp.method;
P.unflatten = unflattenOp.method;
P.squeeze = squeezeOp.method;
P.unsqueeze = unsqueezeOp.method;
P.transpose = transposeOp.method;
P.narrow = narrowOp.method;
P.select = selectOp.method;
P.movedim = movedimOp.method;
