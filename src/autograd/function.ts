// Custom differentiable functions (torch.autograd.Function): a static forward run
// without recording, a static backward written with ops, and a ctx that is the node.
import { isGradEnabled, Node } from '../tensor/graph.js';
import type { DType } from '../tensor/dtype.js';
import { pyTypeName } from '../tensor/args.js';
import { Tensor } from '../tensor/tensor.js';
import { needsGrad, record } from '../ops/record.js';
import { noGrad } from './grad-mode.js';

type Grads = Tensor | null | undefined | readonly (Tensor | null | undefined)[];

interface FunctionClass {
  readonly name: string;
  forward(ctx: FunctionCtx, ...args: never[]): Tensor | Tensor[];
  backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): Grads;
}

/** The `ctx` of a custom Function: saves tensors for backward and is the graph node. */
export class FunctionCtx extends Node {
  readonly name: string;
  /** Per forward argument: whether its gradient is needed. */
  needsInputGrad: boolean[] = [];
  /** Free-form values forward wants backward to see (ctx.values.alpha = 2). */
  readonly values: Record<string, unknown> = {};
  private readonly fn: FunctionClass;
  private nonDifferentiable = new Set<Tensor>();
  private materializeGrads = true;
  private outputMeta: { shape: number[]; dtype: DType }[] = [];
  /** Per forward argument: whether it was a Tensor (a gradient for one that needs none is dropped, as PyTorch). */
  private tensorInputs: boolean[] = [];

  constructor(fn: FunctionClass) {
    super();
    this.fn = fn;
    this.name = `${fn.name}Backward`;
  }

  /** Which of the saveForBackward arguments were null (PyTorch saves None and gives it back). */
  private savedNull: boolean[] = [];

  saveForBackward(...tensors: (Tensor | null)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && !(t instanceof Tensor)) throw new TypeError(`save_for_backward can only save variables, but argument ${i} is of type ${pyTypeName(t)}`);
    });
    this.savedNull = tensors.map((t) => t === null);
    this.save(...tensors.filter((t): t is Tensor => t !== null));
  }

  /** The saved tensors in saveForBackward's order; a slot saved as null is null (typed Tensor for the common case). */
  get savedTensors(): Tensor[] {
    const kept = this.saved();
    let k = 0;
    return this.savedNull.map((isNull) => (isNull ? null : kept[k++])) as Tensor[];
  }

  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this.nonDifferentiable.add(t);
  }

  setMaterializeGrads(value: boolean): void {
    this.materializeGrads = value;
  }

  /** A new alias of an input forward returned as-is (marked non-differentiable if the input was). */
  _alias(input: Tensor): Tensor {
    const alias = input.detach();
    if (this.nonDifferentiable.has(input)) this.nonDifferentiable.add(alias);
    return alias;
  }

  /** Records the outputs (after forward), leaving non-differentiable ones out of the graph. */
  _attach(inputs: (Tensor | null)[], outputs: Tensor[]): void {
    record(this, inputs, outputs);
    this.tensorInputs = inputs.map((t) => t !== null);
    this.numOutputs = outputs.length;
    this.outputMeta = outputs.map((o) => ({ shape: o.shape.slice(), dtype: o.dtype }));
    for (const o of outputs) {
      if (this.nonDifferentiable.has(o)) {
        o._gradFn = null;
        o._requiresGrad = false;
      }
    }
  }

  backward(grads: (Tensor | null)[]): (Tensor | null)[] {
    const filled = grads.map((g, i) => {
      if (g !== null || !this.materializeGrads) return g;
      const meta = this.outputMeta[i];
      return Tensor.empty(meta.shape.slice(), meta.dtype);
    });
    const result = this.fn.backward(this, ...filled);
    const list = result instanceof Tensor || result === null || result === undefined ? [result] : [...result];
    const expected = this.next.length;
    if (list.length < expected || list.slice(expected).some((g) => g !== null && g !== undefined)) {
      throw new Error(`function ${this.name} returned an incorrect number of gradients (expected ${expected}, got ${list.length})`);
    }
    return list.slice(0, expected).map((g, i) => {
      if (g === null || g === undefined) return null;
      if (this.next[i] === null) {
        if (this.tensorInputs[i]) return null;
        throw new Error(`function ${this.name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
      }
      return g;
    });
  }
}

/** The node onceDifferentiable puts on a backward's results: differentiating through it raises. */
class DelayedError extends Node {
  readonly name = 'Error';

  backward(): (Tensor | null)[] {
    throw new Error('trying to differentiate twice a function that was marked with @once_differentiable');
  }
}

type Backward<A extends unknown[], R> = (ctx: FunctionCtx, ...grads: A) => R;

function onceDifferentiableWrap<A extends unknown[], R extends Grads>(backward: Backward<A, R>): Backward<A, R> {
  return function (this: unknown, ctx: FunctionCtx, ...grads: A): R {
    const outputs = noGrad(() => backward.call(this, ctx, ...grads));
    if (!isGradEnabled() || !grads.some((g) => g instanceof Tensor && g.requiresGrad)) return outputs;
    // As PyTorch's: each result becomes the output of an error node whose input is a
    // detached copy that requires grad, so a double backward reaches the node and raises.
    const list = outputs instanceof Tensor || outputs === null || outputs === undefined ? [outputs] : [...outputs];
    const leaves = list.map((g) => (g instanceof Tensor ? g.detach().requiresGrad_(true) : null));
    const aliased = leaves.map((leaf) => (leaf === null ? null : leaf.detach()));
    record(new DelayedError(), leaves, aliased);
    const results = list.map((g, i) => aliased[i] ?? g);
    return (outputs instanceof Tensor || outputs === null || outputs === undefined ? results[0] : results) as R;
  };
}

/**
 * torch.autograd.function.once_differentiable: a custom Function's backward that runs without
 * recording (its results have no history), for backward formulas that are not differentiable
 * themselves. Where a double backward would need them (createGraph with gradients that require
 * grad), differentiating through the results raises "trying to differentiate twice a function
 * that was marked with @once_differentiable", as PyTorch does. Wraps the function
 * (`static backward = onceDifferentiable((ctx, grad) => ...)`) or decorates the static method
 * (`@onceDifferentiable static backward(ctx, grad) { ... }`, standard or legacy decorators).
 */
export function onceDifferentiable<A extends unknown[], R extends Grads>(backward: Backward<A, R>, context?: unknown, descriptor?: PropertyDescriptor): Backward<A, R> {
  if (descriptor !== undefined && typeof descriptor.value === 'function') {
    // experimentalDecorators: (target, key, descriptor)
    descriptor.value = onceDifferentiableWrap(descriptor.value as Backward<A, R>);
    return descriptor.value as Backward<A, R>;
  }
  if (typeof backward !== 'function') throw new TypeError(`once_differentiable expects a backward function, got ${pyTypeName(backward)}`);
  void context;
  return onceDifferentiableWrap(backward);
}

type ForwardArgs<T> = T extends { forward(ctx: FunctionCtx, ...args: infer A): unknown } ? A : never;
type ForwardResult<T> = T extends { forward(...args: never[]): infer R } ? R : never;

/**
 * Subclass with `static forward(ctx, ...args)` and `static backward(ctx, ...grads)`,
 * then call `MyFunction.apply(...args)`.
 */
export abstract class Function {
  static apply<T extends FunctionClass>(this: T, ...args: ForwardArgs<T>): ForwardResult<T> {
    const ctx = new FunctionCtx(this);
    const inputs = (args as unknown[]).map((a) => (a instanceof Tensor ? a : null));
    ctx.needsInputGrad = inputs.map((t) => t !== null && isGradEnabled() && t.requiresGrad);
    const result = noGrad(() => (this.forward as (ctx: FunctionCtx, ...a: unknown[]) => Tensor | Tensor[])(ctx, ...(args as unknown[])));
    const outs = Array.isArray(result) ? result : [result];
    // An input returned as-is becomes a new alias, so its own history is left alone.
    const wrapped = outs.map((o) => (inputs.includes(o) ? ctx._alias(o) : o));
    if (needsGrad(...inputs)) ctx._attach(inputs, wrapped);
    return (Array.isArray(result) ? wrapped : wrapped[0]) as ForwardResult<T>;
  }
}

// Python's `P3 = LegendrePolynomial3.apply` takes apply bound to its class (a classmethod), so
// the JavaScript `const P3 = LegendrePolynomial3.apply` must too: reading `apply` off a class
// gives the method bound to that class (calling it through the class is unchanged).
const applyMethod = Object.getOwnPropertyDescriptor(Function, 'apply')!.value as (this: FunctionClass, ...args: unknown[]) => unknown;
Object.defineProperty(Function, 'apply', {
  configurable: true,
  get(this: FunctionClass) {
    return (...args: unknown[]) => applyMethod.apply(this, args);
  },
});
