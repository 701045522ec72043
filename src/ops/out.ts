// PyTorch's out= parameter: the result written into a given tensor, which the call returns.
// A function takes it by listing `outArg` last in its signature and returning
// writeOut(name, p.out, inputs, () => result). As PyTorch: no autograd through out= (an
// input or out requiring grad throws), the result must cast to out's dtype, and an out of
// another shape is resized (with PyTorch's warning unless it was empty).
import { nullable, tensor as tensorArg, type Check } from '../tensor/args.js';
import { canCast, scalarTypeName } from '../tensor/dtype.js';
import { isGradEnabled, swapGradEnabled } from '../tensor/graph.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';

/** The `out` entry of a signature: `['out', outArg, null]` after '*'. */
export const outArg: Check<Tensor | null> = nullable(tensorArg);

/** Points `out` at fresh contiguous memory of `shape` (PyTorch's resize_output). */
function resizeOutput(out: Tensor, shape: readonly number[]): void {
  if (sameShape(out.shape, shape)) return;
  if (out.numel() !== 0) {
    warnOnce(
      `An output with one or more elements was resized since it had shape [${out.shape.join(', ')}], which does not match the required output shape [${shape.join(', ')}]. ` +
        'This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. ' +
        'You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).',
    );
  }
  const fresh = Tensor.empty(shape.slice(), out.dtype);
  out._storage = fresh._storage;
  out._shape = fresh._shape;
  out._strides = fresh._strides;
  out._offset = 0;
}

/** `compute()`, or, with an `out` tensor, its result written into `out`, which is returned. */
export function writeOut(name: string, out: Tensor | null, inputs: readonly unknown[], compute: () => Tensor): Tensor {
  if (out === null) return compute();
  if (isGradEnabled() && (out.requiresGrad || inputs.some((t) => t instanceof Tensor && t.requiresGrad))) {
    throw new Error(`${name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
  }
  const previous = swapGradEnabled(false);
  try {
    const result = compute();
    if (!canCast(result.dtype, out.dtype)) throw new Error(`result type ${scalarTypeName(result.dtype)} can't be cast to the desired output type ${scalarTypeName(out.dtype)}`);
    resizeOutput(out, result.shape);
    out.copy_(result);
  } finally {
    swapGradEnabled(previous);
  }
  return out;
}
