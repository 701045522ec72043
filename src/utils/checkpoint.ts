// torch.utils.checkpoint: trade compute for memory. The forward keeps no graph of the
// function; backward runs it again (with the RNG state of the forward restored, so
// dropout draws the same mask) and backpropagates through that recomputation, as
// PyTorch 1.13's reentrant CheckpointFunction (the default) and its non-reentrant variant do.
import { backward, grad } from '../autograd/backward.js';
import { Function, type FunctionCtx } from '../autograd/function.js';
import { enableGrad, isGradEnabled } from '../autograd/grad-mode.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/modules/container.js';
import { isPlainObject } from '../tensor/args.js';
import { getDefaultGenerator } from '../tensor/random.js';
import { AccumulateGrad, type Node } from '../tensor/graph.js';
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
    const outputs = recompute(ctx.values.runFunction as RunFunction, inputs, ctx.values.rngState as RngState | undefined);
    const [withGrad, gradsWith] = differentiable(outputs, grads);
    if (withGrad.length === 0) throw new Error('none of output has requires_grad=True, this checkpoint() is not necessary');
    backward(withGrad, gradsWith);
    return [null, null, ...inputs.map((t) => (t instanceof Tensor ? t.grad : null))];
  }
}

/** The leaf tensors (parameters and inputs that accumulate .grad) the graph of `outputs` reaches. */
function leavesOf(outputs: Tensor[]): Tensor[] {
  const leaves = new Set<Tensor>(outputs.filter((o) => o.requiresGrad && o.gradFn === null));
  const seen = new Set<Node>();
  const stack = outputs.map((o) => o.gradFn).filter((n): n is Node => n !== null);
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (seen.has(n)) continue;
    seen.add(n);
    if (n instanceof AccumulateGrad) leaves.add(n.variable);
    for (const e of n.next) if (e !== null) stack.push(e.node);
  }
  return [...leaves];
}

/**
 * The non-reentrant variant: the forward records as usual but on detached inputs, so the
 * leaves it reaches (the parameters inside as well as the inputs) are found; its graph is
 * then dropped and one node takes its place, with an edge to every input and leaf. Backward
 * recomputes and differentiates with autograd.grad, so gradients reach parameters even when
 * no input requires grad, and autograd.grad works through it (PyTorch 1.13 does this with
 * saved-tensor hooks).
 */
class CheckpointNonReentrant extends Function {
  static forward(ctx: FunctionCtx, outputs: Tensor | Tensor[], run: RunFunction, args: unknown[], rngState: RngState | undefined, nInputs: number, ...inputsAndLeaves: Tensor[]): Tensor | Tensor[] {
    Object.assign(ctx.values, { run, args, rngState, nInputs, inputsAndLeaves });
    return outputs;
  }

  static backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const { run, args, rngState, nInputs, inputsAndLeaves } = ctx.values as { run: RunFunction; args: unknown[]; rngState: RngState | undefined; nInputs: number; inputsAndLeaves: Tensor[] };
    const inputs = args.map((a) => (a instanceof Tensor ? a.detach().requiresGrad_(a.requiresGrad) : a));
    const outputs = recompute(run, inputs, rngState);
    const [withGrad, gradsWith] = differentiable(outputs, grads);
    // The targets: the recomputation's own inputs, then the leaves found in the forward.
    const tensorInputs = inputs.filter((t): t is Tensor => t instanceof Tensor);
    const targets = [...tensorInputs, ...inputsAndLeaves.slice(nInputs)];
    const wanted = targets.map((t, i) => t.requiresGrad && ctx.needsInputGrad[i + 5]);
    const result = withGrad.length === 0 || !wanted.some(Boolean) ? [] : grad(withGrad, targets.filter((_, i) => wanted[i]), { gradOutputs: gradsWith, allowUnused: true });
    let k = 0;
    return [null, null, null, null, null, ...targets.map((_, i) => (wanted[i] ? result[k++] : null))];
  }
}

/** The recomputed outputs that require grad, with their incoming gradients. */
function differentiable(outputs: unknown[], grads: (Tensor | null)[]): [Tensor[], (Tensor | null)[]] {
  const keep = outputs.flatMap((o, i) => (o instanceof Tensor && o.requiresGrad ? [i] : []));
  return [keep.map((i) => outputs[i] as Tensor), keep.map((i) => grads[i])];
}

/** Runs the function again with grad on, drawing from the forward's RNG state (torch.random.fork_rng). */
function recompute(run: RunFunction, inputs: unknown[], rngState: RngState | undefined): unknown[] {
  const before = rngState === undefined ? undefined : getDefaultGenerator().getState();
  try {
    if (rngState !== undefined) getDefaultGenerator().setState(rngState);
    const result = enableGrad(() => (run as (...a: unknown[]) => unknown)(...inputs));
    return Array.isArray(result) ? (result as unknown[]) : [result];
  } finally {
    if (before !== undefined) getDefaultGenerator().setState(before);
  }
}

function checkpointWithoutReentrant(fn: RunFunction, preserveRngState: boolean, args: unknown[]): Tensor | Tensor[] {
  if (!isGradEnabled()) return (fn as (...a: unknown[]) => Tensor | Tensor[])(...args);
  const rngState = preserveRngState ? getDefaultGenerator().getState() : undefined;
  const detached = args.map((a) => (a instanceof Tensor ? a.detach().requiresGrad_(a.requiresGrad) : a));
  const result = (fn as (...a: unknown[]) => Tensor | Tensor[])(...detached);
  const outs = Array.isArray(result) ? result : [result];
  const own = new Set(detached);
  const leaves = leavesOf(outs.filter((o) => o instanceof Tensor)).filter((t) => !own.has(t));
  const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
  // Detached outputs: the recorded graph (and the activations it holds) is garbage from here.
  const plain = outs.map((o) => (o instanceof Tensor ? o.detach() : o));
  return CheckpointNonReentrant.apply(Array.isArray(result) ? plain : plain[0], fn, args, rngState, inputs.length, ...inputs, ...leaves);
}

/**
 * checkpoint(function, ...args, { useReentrant = true, preserveRngState = true }): runs
 * function(...args) (function may be a Module: its forward) without keeping its intermediate results and recomputes them in
 * backward. Gradients equal those of function(...args) run directly. With useReentrant
 * true (the default), as in PyTorch, gradients flow only if some input tensor requires
 * grad (otherwise PyTorch's warning), and backward must be .backward() (not
 * autograd.grad). With useReentrant false, gradients also reach parameters when no input
 * requires grad, and autograd.grad works; the forward's graph is dropped as soon as it returns.
 */
export function checkpoint(fn: RunFunction | Module, ...rest: unknown[]): Tensor | Tensor[] {
  // A module is called as Python calls it (module(*args) runs its forward with hooks).
  if (fn instanceof Module) {
    const m = fn;
    fn = (...a: unknown[]) => (m.forward as (...x: unknown[]) => unknown)(...a);
  }
  if (typeof fn !== 'function') throw new TypeError(`checkpoint(): argument 'function' must be a function or a Module, not ${fn === null ? 'None' : typeof fn}`);
  const [args, { useReentrant, preserveRngState }] = splitOptions(rest);
  if (!useReentrant) return checkpointWithoutReentrant(fn, preserveRngState, args);
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
