// Tensor.backward and autograd.grad: validate the roots, then run the engine.
import { formatShape, sameShape } from '../tensor/shape.js';
import { backend } from '../backend/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { Edge } from '../tensor/graph.js';
import { edgeOf } from '../ops/record.js';
import { accumulate, runBackward } from './engine.js';
import { bool, check, isPlainObject, nullable, signature, tensor as tensorArg, type ArgsOf } from '../tensor/args.js';

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
  // validate_outputs: the root's gradient takes its dtype (v.backward(torch.tensor([1, 2])) on a float leaf)
  return grad.dtype === output.dtype ? grad : grad.to(output.dtype);
}

function rootEdge(output: Tensor, index: number): Edge {
  const e = edgeOf(output);
  if (e === null) throw new Error(`element ${index} of tensors does not require grad and does not have a grad_fn`);
  return e;
}

// PyTorch's signatures, by position or by name (the plain `loss.backward()` skips the parser):
//   Tensor.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)
//   autograd.backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None)
//   autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
//                 allow_unused=False, is_grads_batched=False)
/** A Tensor or a list of them (also gradcheck's gradOutputs). */
export const tensors = check<Tensor | Iterable<Tensor>>('a Tensor or a list of Tensors', (v) => v instanceof Tensor || (Array.isArray(v) && v.every((t) => t instanceof Tensor)));
const gradTensors = nullable(check<Tensor | readonly (Tensor | null)[]>('a Tensor or a list of Tensors', (v) => v instanceof Tensor || (Array.isArray(v) && v.every((t) => t === null || t instanceof Tensor))));
const methodSig = signature('backward', [
  ['gradient', nullable(tensorArg), null], ['retainGraph', nullable(bool), null], ['createGraph', bool, false], ['inputs', nullable(tensors), null],
] as const);
const backwardSig = signature('backward', [
  ['tensors', tensors], ['gradTensors', gradTensors, null], ['retainGraph', nullable(bool), null], ['createGraph', bool, false],
  ['gradVariables', gradTensors, null], ['inputs', nullable(tensors), null],
] as const);
const gradSig = signature('grad', [
  ['outputs', tensors], ['inputs', tensors], ['gradOutputs', gradTensors, null], ['retainGraph', nullable(bool), null], ['createGraph', bool, false],
  ['onlyInputs', bool, true], ['allowUnused', bool, false], ['isGradsBatched', bool, false],
] as const);

/** Python takes any sequence of tensors (autograd.grad(loss, model.parameters())): an iterable that is not a list becomes one. */
function materialize(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Tensor || Array.isArray(v) || isPlainObject(v)) return v;
  return Symbol.iterator in v ? [...(v as Iterable<unknown>)] : v;
}
function materializeArgs<A extends unknown[]>(args: A): A {
  return args.map((v) => (isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)])) : materialize(v))) as A;
}

// (arguments are materialized first: an iterable that is not a Tensor is an array by now)
const list = <T>(v: T | Iterable<T> | null | undefined): (T | null | undefined)[] => (Array.isArray(v) ? [...(v as readonly T[])] : [v as T | null | undefined]);

/**
 * Backpropagates from `outputs`, accumulating into the leaves' .grad, or with `inputs`
 * only into those tensors' .grad.
 */
function backwardFrom(
  outputs: Tensor | Iterable<Tensor>, gradients: Tensor | readonly (Tensor | null)[] | null, retainGraph: boolean | null, createGraph: boolean,
  inputs: Tensor | Iterable<Tensor> | null,
): void {
  const outs = list(outputs) as Tensor[];
  const gs = list(gradients);
  const edges = outs.map((o, i) => rootEdge(o, i));
  const grads = outs.map((o, i) => rootGrad(o, gs[i], i));
  const opts = { retainGraph: retainGraph ?? createGraph, createGraph };
  if (inputs === null) {
    runBackward(edges, grads, opts);
    return;
  }
  const ins = list(inputs) as Tensor[];
  if (ins.length === 0) throw new RangeError("'inputs' argument to backward() cannot be empty.");
  const targets = ins.map((t) => {
    const e = edgeOf(t);
    if (e === null) throw new Error('One of the differentiated Tensors does not require grad');
    return e;
  });
  runBackward(edges, grads, opts, targets).forEach((g, i) => {
    if (g !== null) accumulate(ins[i], g, createGraph);
  });
}

/** torch.autograd.backward(tensors, gradTensors, retainGraph, createGraph, gradVariables, inputs). */
export function backward(...args: ArgsOf<typeof backwardSig>): void {
  const a = backwardSig.parse(materializeArgs(args));
  if (a.gradVariables !== null && a.gradTensors !== null) throw new TypeError("backward(): 'grad_tensors' and 'grad_variables' (deprecated) arguments both passed; use grad_tensors only");
  backwardFrom(a.tensors, a.gradTensors ?? a.gradVariables, a.retainGraph, a.createGraph, a.inputs);
}

/** torch.autograd.grad: the gradients of outputs with respect to inputs, without touching .grad. */
export function grad(...args: ArgsOf<typeof gradSig>): (Tensor | null)[] {
  const a = gradSig.parse(materializeArgs(args));
  if (a.isGradsBatched) throw new TypeError('grad(): isGradsBatched (vmap over the gradient outputs) is not supported; call grad once per gradient output');
  const outs = list(a.outputs) as Tensor[];
  const ins = list(a.inputs) as Tensor[];
  const gs = list(a.gradOutputs);
  const edges = outs.map((o, i) => rootEdge(o, i));
  const grads = outs.map((o, i) => rootGrad(o, gs[i], i));
  const targets = ins.map((t) => {
    const e = edgeOf(t);
    if (e === null) throw new Error('One of the differentiated Tensors does not require grad');
    return e;
  });
  const createGraph = a.createGraph;
  const result = runBackward(edges, grads, { retainGraph: a.retainGraph ?? createGraph, createGraph }, targets);
  return result.map((g) => {
    if (g === null && !a.allowUnused) {
      throw new Error('One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.');
    }
    return g !== null && !createGraph ? g.detach() : g;
  });
}

/** The options Tensor.backward takes by name. */
export interface BackwardOptions {
  gradient?: Tensor | null;
  retainGraph?: boolean | null;
  createGraph?: boolean;
  inputs?: Tensor | readonly Tensor[] | null;
}

/** The options autograd.grad takes by name. */
export interface GradOptions {
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  retainGraph?: boolean | null;
  createGraph?: boolean;
  onlyInputs?: boolean;
  allowUnused?: boolean;
  isGradsBatched?: boolean;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Accumulates this tensor's gradient into the leaves' .grad (gradient is required unless scalar). */
    backward(...args: ArgsOf<typeof methodSig>): void;
  }
}

Tensor.prototype.backward = function (this: Tensor, ...args: ArgsOf<typeof methodSig>) {
  if (args.length === 0) return backwardFrom(this, null, null, false, null);
  const a = methodSig.parse(materializeArgs(args));
  backwardFrom(this, a.gradient, a.retainGraph, a.createGraph, a.inputs);
};
