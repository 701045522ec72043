// How ops attach themselves to the graph.
import { isGradEnabled, type Edge, type InputMeta, type Node } from '../tensor/graph.js';
import type { Tensor } from '../tensor/tensor.js';

/** Whether an op on these inputs must record a backward node. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/** The edge a gradient for `t` travels along: its gradFn, its leaf accumulator, or nothing. */
export function edgeOf(t: Tensor): Edge | null {
  const fn = t.gradFn;
  if (fn !== null) return { node: fn, inputNr: t._outputNr };
  if (t._requiresGrad) return { node: t._gradAccumulator(), inputNr: 0 };
  return null;
}

const NO_META: InputMeta = { shape: [], dtype: 'float32' };

/**
 * Connects `node` to the inputs it differentiates (null for non-differentiable
 * arguments) and makes it the gradFn of `outputs`; output i is the node's output
 * number i, and a null output (one the op did not compute) keeps its number unused.
 */
export function record<N extends Node>(node: N, inputs: readonly (Tensor | null)[], outputs: readonly (Tensor | null)[]): N {
  const next: (Edge | null)[] = new Array(inputs.length);
  const meta: InputMeta[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    next[i] = t ? edgeOf(t) : null;
    meta[i] = t ? { shape: t._shape, dtype: t._dtype } : NO_META;
  }
  node.next = next;
  node.inputMeta = meta;
  node.numOutputs = outputs.length;
  outputs.forEach((t, i) => {
    if (t === null) return;
    t._gradFn = node;
    t._outputNr = i;
  });
  return node;
}
