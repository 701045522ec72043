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

/** The decorator form (`@torch.no_grad()` over a def): f wrapped to run in the mode, with its `this` and arguments. */
export type GradModeDecorator = <A extends unknown[], R>(f: (...args: A) => R) => (...args: A) => R;

/** fn run in the mode, or with no fn the decorator; anything else names the JavaScript spelling. */
function scoped(name: string, enabled: boolean, fn: unknown): unknown {
  if (typeof fn === 'function') return withGradMode(enabled, fn as () => unknown);
  const usage = `torch.${name}(() => { ... }) runs a block as PyTorch's \`with\` statement, and torch.${name}()(fn) wraps a function as its decorator`;
  if (fn !== undefined) throw new TypeError(`${name}(): expected a function, not ${fn === null ? 'null' : typeof fn}; ${usage}`);
  return (f: unknown) => {
    if (typeof f !== 'function') throw new TypeError(`${name}()(f): f must be a function; ${usage}`);
    return function (this: unknown, ...args: unknown[]) {
      return withGradMode(enabled, () => (f as (...a: unknown[]) => unknown).apply(this, args));
    };
  };
}

/** Runs fn with recording off (`with torch.no_grad():`); `torch.noGrad()(f)` is `@torch.no_grad()`. fn must be synchronous. */
export function noGrad(): GradModeDecorator;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | GradModeDecorator {
  return scoped('noGrad', false, fn) as T | GradModeDecorator;
}

/** Runs fn with recording on, e.g. inside noGrad (`with torch.enable_grad():`); `torch.enableGrad()(f)` is the decorator. */
export function enableGrad(): GradModeDecorator;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | GradModeDecorator {
  return scoped('enableGrad', true, fn) as T | GradModeDecorator;
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

/** torch.inference_mode: in torchlette the same as noGrad (and `torch.inferenceMode()(f)` its decorator). */
export function inferenceMode(): GradModeDecorator;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(fn?: () => T): T | GradModeDecorator {
  return scoped('inferenceMode', false, fn) as T | GradModeDecorator;
}
