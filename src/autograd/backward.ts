// Tensor.backward and autograd.grad: validate the roots, then run the engine.
import { formatShape, sameShape } from '../tensor/shape.js';
import { backend } from '../backend/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { Edge } from '../tensor/graph.js';
import { edgeOf } from '../ops/record.js';
import { runBackward } from './engine.js';

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

function rootGrad(output: Tensor, grad: Tensor | null | undefined, index: number): Tensor {
  if (grad === null || grad === undefined) {
    if (output.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
    const ones = Tensor.empty(output.shape.slice(), output.dtype);
    backend().fill(ones, 1);
    return ones;
  }
  if (!sameShape(grad.shape, output.shape)) {
    throw new RangeError(
      `Mismatch in shape: grad_output[${index}] has a shape of torch.Size(${formatShape(grad.shape)}) and output[${index}] has a shape of torch.Size(${formatShape(output.shape)}).`,
    );
  }
  return grad;
}

function rootEdge(output: Tensor, index: number): Edge {
  const e = edgeOf(output);
  if (e === null) throw new Error(`element ${index} of tensors does not require grad and does not have a grad_fn`);
  return e;
}

/** Tensor.backward: accumulates d(outputs)/d(leaf) * gradient into every leaf's .grad. */
export function backward(outputs: Tensor | readonly Tensor[], gradients?: Tensor | null | readonly (Tensor | null)[], opts: BackwardOptions = {}): void {
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const gs = gradients instanceof Tensor || gradients === null || gradients === undefined ? [gradients] : [...gradients];
  const edges = outs.map((o, i) => rootEdge(o, i));
  const grads = outs.map((o, i) => rootGrad(o, gs[i], i));
  const createGraph = opts.createGraph ?? false;
  runBackward(edges, grads, { retainGraph: opts.retainGraph ?? createGraph, createGraph });
}

export interface GradOptions extends BackwardOptions {
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  allowUnused?: boolean;
}

/** autograd.grad: the gradients of outputs with respect to inputs, without touching .grad. */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  const go = opts.gradOutputs;
  const gs = go instanceof Tensor || go === null || go === undefined ? [go] : [...go];
  const edges = outs.map((o, i) => rootEdge(o, i));
  const grads = outs.map((o, i) => rootGrad(o, gs[i], i));
  const targets = ins.map((t) => {
    const e = edgeOf(t);
    if (e === null) throw new Error('One of the differentiated Tensors does not require grad');
    return e;
  });
  const createGraph = opts.createGraph ?? false;
  const result = runBackward(edges, grads, { retainGraph: opts.retainGraph ?? createGraph, createGraph }, targets);
  return result.map((g) => {
    if (g === null && !opts.allowUnused) {
      throw new Error('One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.');
    }
    return g !== null && !createGraph ? g.detach() : g;
  });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Accumulates this tensor's gradient into the leaves' .grad (gradient is required unless scalar). */
    backward(gradient?: Tensor | null, opts?: BackwardOptions): void;
  }
}

Tensor.prototype.backward = function (this: Tensor, gradient?: Tensor | null, opts?: BackwardOptions) {
  backward(this, gradient, opts);
};
