// Grad mode: whether ops record the graph. The flag lives in the tensor layer;
// these are the scoped helpers users call (torch.no_grad and friends).
import { isGradEnabled, swapGradEnabled } from '../tensor/graph.js';

export { isGradEnabled };

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = swapGradEnabled(enabled);
  try {
    return fn();
  } finally {
    swapGradEnabled(previous);
  }
}

/** Runs fn with recording off (`with torch.no_grad():`). fn must be synchronous. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with recording on, e.g. inside noGrad (`with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/**
 * `torch.set_grad_enabled(flag)`: with fn, runs fn in that mode (the `with` form);
 * without, sets the mode globally as PyTorch's function call does.
 */
export function setGradEnabled(enabled: boolean): void;
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T;
export function setGradEnabled<T>(enabled: boolean, fn?: () => T): T | void {
  if (fn === undefined) {
    swapGradEnabled(enabled);
    return;
  }
  return withGradMode(enabled, fn);
}

/** torch.inference_mode: in torchlette the same as noGrad. */
export function inferenceMode<T>(fn: () => T): T {
  return withGradMode(false, fn);
}
