// One op, two spellings: torch.op(input, ...) and input.op(...), both parsed by one
// PyTorch signature (positional arguments, a trailing options object, or both).
import { signature, tensor as tensorArg, type Args, type Check, type Parsed, type Spec } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { outArg, writeOut } from './out.js';

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

/** out=: the result written into this tensor (ops/out.ts). */
type OutEntry = readonly ['out', Check<Tensor | null>, null];

/** The spec of torch.op(input, <second>, *, out=None): two tensors, by position or by name. */
type PairSpec<N extends string> = readonly [InputEntry, readonly [N, Check<Tensor>], '*', OutEntry];

export interface PairOp<N extends string, R = Tensor> {
  fn: (...args: Args<PairSpec<N>>) => R;
  method: (this: Tensor, ...args: Args<readonly [readonly [N, Check<Tensor>]]>) => R;
}

/**
 * An op of two tensors on the hot path (mm, matmul, …): the plain call with two tensors
 * goes straight to `impl`; anything else (names in an options object, a wrong type, an
 * extra argument) is parsed by the signature, which binds the names or throws.
 */
export function pairOp<const N extends string, R = Tensor>(name: string, second: N, impl: (a: Tensor, b: Tensor) => R): PairOp<N, R> {
  const fnSig = signature(name, [['input', tensorArg], [second, tensorArg], '*', ['out', outArg, null]] as const);
  const methodSig = signature(name, [[second, tensorArg]] as const);
  function fn(a: unknown, b?: unknown, extra?: unknown): R {
    if (a instanceof Tensor && b instanceof Tensor && extra === undefined) return impl(a, b);
    const p = fnSig.parse([a, b, extra]) as Record<string, Tensor | null>;
    const [x, y] = [p.input as Tensor, p[second] as Tensor];
    return p.out === null ? impl(x, y) : (writeOut(name, p.out, [x, y], () => impl(x, y) as Tensor) as R);
  }
  function method(this: Tensor, b: unknown, extra?: unknown): R {
    if (b instanceof Tensor && extra === undefined) return impl(this, b);
    return impl(this, (methodSig.parse([b, extra]) as Record<string, Tensor>)[second]);
  }
  return { fn: fn as PairOp<N, R>['fn'], method: method as PairOp<N, R>['method'] };
}
