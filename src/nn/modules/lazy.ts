// PyTorch's LazyModuleMixin: a Lazy module (LazyLinear, LazyConv2d, LazyBatchNorm2d, …) holds
// UninitializedParameters until its first forward, which infers the missing size from the
// input, materializes them in place, runs resetParameters() (so the random numbers drawn are
// those of the eager module built with that size) and turns the module into its eager class
// (a LazyLinear becomes a Linear: instanceof, the repr and constructor.name say so).
// load_state_dict into a Lazy module takes the shapes from the checkpoint.
import { warnOnce } from '../../tensor/warnings.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Module, StateDict } from '../module.js';
import { isLazy } from '../parameter.js';

/** What a Lazy module class adds to its eager one. */
export interface LazyModule extends Module {
  /** Infers the sizes from the first input, materializes the parameters, resets them. */
  initializeParameters(input: Tensor): void;
  /** has_uninitialized_params(): whether a parameter or buffer still waits for the first forward. */
  hasUninitializedParams(): boolean;
}

/** LazyModuleMixin.__init__: warns as PyTorch 1.13 does, and hooks the first forward. */
export function initLazy(m: LazyModule, becomes: abstract new (...args: never) => Module): void {
  warnOnce('Lazy modules are a new feature under heavy development so changes to the API or functionality can happen at any moment.');
  const handle = m.registerForwardPreHook((mod, input) => {
    (mod as LazyModule).initializeParameters(input[0] as Tensor);
    if (hasUninitializedParams(mod)) throw new Error(`module ${mod.constructor.name} has not been fully initialized`);
    handle.remove();
    Object.setPrototypeOf(mod, becomes.prototype);
  });
}

/** has_uninitialized_params(): whether any of m's own parameters or buffers is still uninitialized. */
export function hasUninitializedParams(m: Module): boolean {
  return [...m.namedParameters('', false), ...m.namedBuffers('', false)].some(([, t]) => isLazy(t));
}

/** PyTorch's _lazy_load_hook: uninitialized entries of m take the shapes the checkpoint holds. */
export function materializeFromStateDict(m: Module, sd: StateDict, prefix: string): void {
  for (const [name, t] of [...m.namedParameters('', false), ...m.namedBuffers('', false)]) {
    const given = sd[prefix + name];
    if (isLazy(t) && Object.hasOwn(sd, prefix + name) && !isLazy(given)) t.materialize(given.shape);
  }
}
