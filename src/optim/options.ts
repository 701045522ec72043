// Constructor checks shared by the optimizers, with PyTorch's messages.

/** PyTorch's `if not 0.0 <= x: raise ValueError("Invalid <what>: x")` (NaN fails too). */
export function checkNonNegative(what: string, value: number | undefined): void {
  if (value !== undefined && !(value >= 0)) throw new RangeError(`Invalid ${what}: ${value}`);
}

/** Adam's `0.0 <= beta < 1.0` checks. */
export function checkBetas(betas: readonly [number, number]): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`betas must be a pair of numbers, got ${String(betas)}`);
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
