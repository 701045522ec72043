// Module full backward hooks (PyTorch's torch.utils.hooks.BackwardHook): the tensor inputs
// and outputs of a hooked forward pass through an identity autograd function
// (BackwardHookFunctionBackward). Backward through the outputs' node records the gradients
// w.r.t. the outputs; backward through the inputs' node calls each hook with
// (module, gradInput, gradOutput) and lets it replace gradInput.
import { Function, type FunctionCtx } from '../autograd/function.js';
import { isGradEnabled } from '../tensor/graph.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';

export type Grads = (Tensor | null)[];
/** hook(module, gradInput, gradOutput): one entry per forward argument / output (null where none); may return a replacement gradInput. */
export type FullBackwardHook = (module: Module, gradInput: Grads, gradOutput: Grads) => Grads | void | undefined;

type OnGrads = (grads: Grads) => Grads;

/** The identity whose backward hands its gradients to ctx.values.onGrads (PyTorch's BackwardHookFunction). */
class BackwardHookFunction extends Function {
  static forward(ctx: FunctionCtx, ...args: Tensor[]): Tensor[] {
    ctx.markNonDifferentiable(...args.filter((a) => !a.requiresGrad));
    return args;
  }

  static backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): Grads {
    return (ctx.values.onGrads as OnGrads)(grads);
  }
}

/** Passes the Tensors among `values` (at `positions`) through one BackwardHookFunction. */
function wrap(values: unknown[], onGrads: OnGrads): { values: unknown[]; positions: number[] } {
  const positions = values.flatMap((v, i) => (v instanceof Tensor ? [i] : []));
  if (positions.length === 0 || !isGradEnabled() || !positions.some((i) => (values[i] as Tensor).requiresGrad)) return { values, positions: [] };
  const outs = BackwardHookFunction.apply(...positions.map((i) => values[i] as Tensor));
  // Function.apply makes the ctx the outputs' gradFn.
  (outs.find((o) => o.gradFn !== null)?.gradFn as FunctionCtx).values.onGrads = onGrads;
  const wrapped = values.slice();
  positions.forEach((i, k) => (wrapped[i] = outs[k]));
  return { values: wrapped, positions };
}

const spread = (grads: Grads, positions: number[], n: number): Grads => {
  const all: Grads = new Array(n).fill(null);
  positions.forEach((i, k) => (all[i] = grads[k] ?? null));
  return all;
};

/**
 * One hooked call: wrapInputs before forward, wrapOutput after it (and after the forward
 * hooks, as PyTorch). The hooks run once the gradients w.r.t. the inputs are known.
 */
export class BackwardHookCall {
  private gradOutputs: Grads = [];
  private inputPositions: number[] = [];
  private nInputs = 0;

  constructor(
    private readonly module: Module,
    private readonly hooks: readonly FullBackwardHook[],
  ) {}

  wrapInputs(input: unknown[]): unknown[] {
    this.nInputs = input.length;
    const r = wrap(input, (grads) => {
      let res = spread(grads, this.inputPositions, this.nInputs);
      for (const hook of this.hooks) {
        const out = hook(this.module, res, this.gradOutputs);
        if (out === undefined) continue;
        if (!Array.isArray(out) || out.length !== res.length) {
          throw new RangeError(`Backward hook returned an invalid number of grad_input, got ${Array.isArray(out) ? out.length : 1}, but expected ${res.length}`);
        }
        res = out.map((g) => g ?? null);
      }
      return this.inputPositions.map((i) => res[i]);
    });
    this.inputPositions = r.positions;
    return r.values;
  }

  /** The output (a Tensor, or an array of values) with its Tensors routed through the output node. */
  wrapOutput(output: unknown): unknown {
    const isTensor = output instanceof Tensor;
    if (!isTensor && !Array.isArray(output)) return output;
    const values = isTensor ? [output] : (output as unknown[]);
    let positions: number[] = [];
    const r = wrap(values, (grads) => {
      this.gradOutputs = spread(grads, positions, values.length);
      if (this.inputPositions.length === 0) this.runWithoutInputGrads();
      return grads;
    });
    positions = r.positions;
    return isTensor ? r.values[0] : r.values;
  }

  /** No input needs a gradient: the hooks see gradInput all null and may not return any. */
  private runWithoutInputGrads(): void {
    const none: Grads = new Array(this.nInputs).fill(null);
    for (const hook of this.hooks) {
      const out = hook(this.module, none, this.gradOutputs);
      if (out !== undefined && out.some((g) => g !== null)) {
        throw new Error('Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
      }
    }
  }
}
