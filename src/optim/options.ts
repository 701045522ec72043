// Argument checks shared by the optimizers: the parameter types of their signatures
// (declared with src/tensor/args.ts) and PyTorch's value checks, with PyTorch's messages.
import { check } from '../tensor/args.js';
import type { Params } from './optimizer.js';

/**
 * `params`: tensors or parameter groups. Any value passes here; the Optimizer base
 * class rejects what is not an iterable of Tensors or dicts with PyTorch's message.
 */
export const paramsArg = check<Params>('an iterable of Tensors or dicts', () => true);

/** Adam's `betas`: a pair of numbers (Python's tuple). */
export const betasArg = check<readonly [number, number]>(
  'a pair of numbers',
  (v) => Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === 'number'),
);

/** PyTorch's `if not 0.0 <= x: raise ValueError("Invalid <what>: x")` (NaN fails too). */
export function checkNonNegative(what: string, value: number): void {
  if (!(value >= 0)) throw new RangeError(`Invalid ${what}: ${value}`);
}

/** Adam's `0.0 <= beta < 1.0` checks. */
export function checkBetas(betas: readonly [number, number]): void {
  betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new RangeError(`Invalid beta parameter at index ${i}: ${b}`);
  });
}

/** Options PyTorch has for CUDA or for differentiating through the step, which torchlette does not implement. */
export function rejectUnsupported(o: { differentiable?: boolean; capturable?: boolean; fused?: boolean }): void {
  if (o.differentiable) throw new Error('differentiable=true is not supported by torchlette optimizers');
  if (o.capturable) throw new Error('If capturable=True, params and state_steps must be CUDA tensors.');
  if (o.fused) throw new Error('FusedAdam requires all the params to be CUDA, floating point');
}
