// One op, two spellings: torch.op(input, ...) and input.op(...), both parsed by one
// PyTorch signature (positional arguments, a trailing options object, or both).
import { signature, tensor as tensorArg, type Args, type Check, type Parsed, type Spec } from '../tensor/args.js';
import type { Tensor } from '../tensor/tensor.js';

export type InputEntry = readonly ['input', Check<Tensor>];

export interface TensorOp<S extends Spec, R> {
  /** torch.op(input, ...): errors count positions from the input. */
  fn: (...args: Args<readonly [InputEntry, ...S]>) => R;
  /** input.op(...): errors count positions after self, as PyTorch's methods do. */
  method: (this: Tensor, ...args: Args<S>) => R;
}

/** Declares an op taking a tensor first and then the parameters of `spec`. */
export function tensorOp<const S extends Spec, R>(name: string, spec: S, impl: (input: Tensor, a: Parsed<S>) => R): TensorOp<S, R> {
  const fnSig = signature(name, [['input', tensorArg], ...spec] as Spec);
  const methodSig = signature(name, spec);
  return {
    fn: (...args) => {
      const a = fnSig.parse(args) as unknown as Parsed<S> & { input: Tensor };
      return impl(a.input, a);
    },
    method(this: Tensor, ...args) {
      return impl(this, methodSig.parse(args));
    },
  };
}
