// torch.utils.checkpoint: trade compute for memory. The forward runs without recording a
// graph; backward runs the function again (with the RNG state of the forward restored, so
// dropout draws the same mask) and backpropagates through that recomputation, as
// PyTorch 1.13's reentrant CheckpointFunction does.
import { backward } from '../autograd/backward.js';
import { Function, type FunctionCtx } from '../autograd/function.js';
import { enableGrad } from '../autograd/grad-mode.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/modules/container.js';
import { isPlainObject } from '../tensor/args.js';
import { getDefaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';

type RunFunction = (...args: never[]) => unknown;
type RngState = ReturnType<ReturnType<typeof getDefaultGenerator>['getState']>;

/** The keyword arguments checkpoint and checkpointSequential take. */
export interface CheckpointOptions {
  /** True (PyTorch 1.13's default): recompute in backward through a custom autograd Function. */
  useReentrant?: boolean;
  /** Restore the forward's RNG state for the recomputation (default true). */
  preserveRngState?: boolean;
}

/** A trailing plain object is the options, as Python's keywords; unknown names throw PyTorch's ValueError text. */
function splitOptions(args: unknown[]): [unknown[], Required<CheckpointOptions>] {
  const last = args[args.length - 1];
  const opts = { useReentrant: true, preserveRngState: true };
  if (!isPlainObject(last)) return [args, opts];
  const unknown = Object.keys(last).filter((k) => k !== 'useReentrant' && k !== 'preserveRngState');
  if (unknown.length > 0) throw new RangeError(`Unexpected keyword arguments: ${unknown.join(',')}`);
  for (const key of ['useReentrant', 'preserveRngState'] as const) {
    const v = last[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new TypeError(`checkpoint(): argument '${key}' must be a bool`);
    opts[key] = v;
  }
  return [args.slice(0, -1), opts];
}

class CheckpointFunction extends Function {
  static forward(ctx: FunctionCtx, runFunction: RunFunction, preserveRngState: boolean, ...args: unknown[]): Tensor | Tensor[] {
    if (!args.some((a) => a instanceof Tensor && a.requiresGrad)) warnOnce('None of the inputs have requires_grad=True. Gradients will be None');
    ctx.values.runFunction = runFunction;
    ctx.values.args = args;
    if (preserveRngState) ctx.values.rngState = getDefaultGenerator().getState();
    ctx.saveForBackward(...args.filter((a): a is Tensor => a instanceof Tensor));
    return (runFunction as (...a: unknown[]) => Tensor | Tensor[])(...args);
  }

  static backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const saved = ctx.savedTensors;
    let k = 0;
    // Detached copies of the inputs, as leaves that require grad where the originals did.
    const inputs = (ctx.values.args as unknown[]).map((a) => {
      if (!(a instanceof Tensor)) return a;
      const t = saved[k++];
      return t.detach().requiresGrad_(a.requiresGrad);
    });
    const rngState = ctx.values.rngState as RngState | undefined;
    // torch.random.fork_rng: the recomputation draws from the forward's state, then the
    // generator continues from where it was.
    const before = rngState === undefined ? undefined : getDefaultGenerator().getState();
    let result: unknown;
    try {
      if (rngState !== undefined) getDefaultGenerator().setState(rngState);
      result = enableGrad(() => (ctx.values.runFunction as (...a: unknown[]) => unknown)(...inputs));
    } finally {
      if (before !== undefined) getDefaultGenerator().setState(before);
    }
    const outputs = Array.isArray(result) ? (result as unknown[]) : [result];
    const withGrad: Tensor[] = [];
    const gradsWith: (Tensor | null)[] = [];
    outputs.forEach((o, i) => {
      if (o instanceof Tensor && o.requiresGrad) {
        withGrad.push(o);
        gradsWith.push(grads[i]);
      }
    });
    if (withGrad.length === 0) throw new Error('none of output has requires_grad=True, this checkpoint() is not necessary');
    backward(withGrad, gradsWith);
    return [null, null, ...inputs.map((t) => (t instanceof Tensor ? t.grad : null))];
  }
}

/**
 * checkpoint(function, ...args, { useReentrant = true, preserveRngState = true }): runs
 * function(...args) (function may be a Module: its forward) without keeping its intermediate results and recomputes them in
 * backward. Gradients equal those of function(...args) run directly. With useReentrant
 * true (the default), as in PyTorch, gradients flow only if some input tensor requires
 * grad (otherwise PyTorch's warning), and backward must be .backward() (not
 * autograd.grad). useReentrant false (PyTorch's saved-tensor-hook variant) runs the
 * function with its graph recorded: the same values and gradients, without the memory saving.
 */
export function checkpoint(fn: RunFunction | Module, ...rest: unknown[]): Tensor | Tensor[] {
  // A module is called as Python calls it (module(*args) runs its forward with hooks).
  if (fn instanceof Module) {
    const m = fn;
    fn = (...a: unknown[]) => (m.forward as (...x: unknown[]) => unknown)(...a);
  }
  if (typeof fn !== 'function') throw new TypeError(`checkpoint(): argument 'function' must be a function or a Module, not ${fn === null ? 'None' : typeof fn}`);
  const [args, { useReentrant, preserveRngState }] = splitOptions(rest);
  if (!useReentrant) return (fn as (...a: unknown[]) => Tensor | Tensor[])(...args);
  return CheckpointFunction.apply(fn, preserveRngState, ...args);
}

type Stage = Module | ((input: Tensor) => Tensor);

/**
 * checkpointSequential(functions, segments, input, { preserveRngState = true, useReentrant = true }):
 * runs a Sequential (or an array of modules/functions) in `segments` chunks, checkpointing
 * every chunk but the last, as PyTorch does.
 */
export function checkpointSequential(functions: Sequential | readonly Stage[], segments: number, input: Tensor, options: CheckpointOptions = {}): Tensor {
  const [, opts] = splitOptions([options]);
  if (!Number.isInteger(segments)) throw new TypeError(`checkpointSequential(): argument 'segments' must be an int, not ${typeof segments}`);
  const stages: Stage[] = functions instanceof Sequential ? [...functions.children()] : [...functions];
  const run = (start: number, end: number) => (x: Tensor) => {
    for (let j = start; j <= end; j++) {
      const f = stages[j];
      x = (f instanceof Module ? f.forward(x) : f(x)) as Tensor;
    }
    return x;
  };
  const segmentSize = Math.floor(stages.length / segments);
  // Python's range(0, …, 0) raises here; a JavaScript loop would never end.
  if (segmentSize === 0 && segments > 1) throw new RangeError(`checkpointSequential(): ${segments} segments for ${stages.length} functions leaves empty segments (PyTorch: range() arg 3 must not be zero)`);
  let end = -1;
  for (let start = 0; start < segmentSize * (segments - 1); start += segmentSize) {
    end = start + segmentSize - 1;
    input = checkpoint(run(start, end), input, opts) as Tensor;
  }
  return run(end + 1, stages.length - 1)(input);
}
