// The engine: one dependency-counted pass over the graph in PyTorch's order (ready
// nodes by descending sequence number), summing gradients per input slot,
// un-broadcasting and casting each to its input's shape and dtype, accumulating
// into leaves, then freeing saved tensors unless retainGraph.
import { isFloatingDtype } from '../tensor/dtype.js';
import { AccumulateGrad, anomalyMode, swapGradEnabled, type Edge, type Node, type PostHook } from '../tensor/graph.js';
import { warnOnce } from '../tensor/warnings.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { sumToShape } from '../ops/reduce.js';

export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
}

/** A max-heap of nodes by priority: later-created nodes first, leaf accumulators immediately. */
class ReadyQueue {
  private readonly heap: Node[] = [];
  private static priority(n: Node): number {
    return n instanceof AccumulateGrad ? Infinity : n.sequenceNr;
  }
  get size(): number {
    return this.heap.length;
  }
  push(n: Node): void {
    const h = this.heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ReadyQueue.priority(h[parent]) >= ReadyQueue.priority(h[i])) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }
  pop(): Node {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Node;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && ReadyQueue.priority(h[l]) > ReadyQueue.priority(h[m])) m = l;
        if (r < h.length && ReadyQueue.priority(h[r]) > ReadyQueue.priority(h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

/** Counts, for every node reachable from the roots, how many edges lead into it. */
function countDependencies(roots: readonly Node[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const seen = new Set<Node>(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const e of node.next) {
      if (e === null) continue;
      deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
      if (!seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  return deps;
}

/** Nodes from which some target is reachable (the only ones autograd.grad needs to run). */
function nodesLeadingTo(roots: readonly Node[], targets: ReadonlySet<Node>): Set<Node> {
  const needed = new Set<Node>();
  const state = new Map<Node, 0 | 1>(); // 0: on the stack, 1: done
  const stack: { node: Node; child: number }[] = roots.map((node) => ({ node, child: 0 }));
  for (const r of roots) state.set(r, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const edges = top.node.next;
    if (top.child < edges.length) {
      const e = edges[top.child++];
      if (e !== null && !state.has(e.node)) {
        state.set(e.node, 0);
        stack.push({ node: e.node, child: 0 });
      }
      continue;
    }
    stack.pop();
    state.set(top.node, 1);
    if (targets.has(top.node) || edges.some((e) => e !== null && needed.has(e.node))) needed.add(top.node);
  }
  return needed;
}

/** PyTorch's validate_outputs: sum a gradient down to its input's shape and cast it to its dtype. */
function conform(g: Tensor, node: Node, i: number): Tensor {
  const meta = node.inputMeta[i];
  let out = g;
  if (!sameShape(out.shape, meta.shape)) {
    let ok = out.dim() >= meta.shape.length;
    for (let d = 0; ok && d < meta.shape.length; d++) {
      const want = meta.shape[meta.shape.length - 1 - d];
      const have = out.shape[out.dim() - 1 - d];
      ok = want === have || want === 1;
    }
    if (!ok) {
      throw new Error(`Function ${node.name} returned an invalid gradient at index ${i} - got ${formatShape(out.shape)} but expected shape compatible with ${formatShape(meta.shape)}`);
    }
    out = sumToShape(out, meta.shape);
  }
  if (out.dtype !== meta.dtype) out = out.to(meta.dtype);
  return out;
}

function runHooks(node: Node, grads: (Tensor | null)[]): void {
  if (node.preHooks !== null) {
    for (const [nr, hooks] of node.preHooks) {
      for (const hook of hooks) {
        const g = grads[nr];
        if (g === null) continue;
        const replaced = hook(g);
        if (replaced instanceof Tensor) grads[nr] = replaced;
      }
    }
  }
}

/** A node's hooks after it ran: each sees the gradients so far, and may return replacements for them. */
function runPostHooks(hooks: readonly PostHook[], outputs: (Tensor | null)[], inputs: (Tensor | null)[]): (Tensor | null)[] {
  for (const hook of hooks) {
    const replaced = hook(outputs, inputs);
    if (replaced === undefined || replaced === null) continue;
    if (!Array.isArray(replaced) || replaced.length !== outputs.length) {
      const got = Array.isArray(replaced) ? replaced.length : 1;
      throw new Error(`hook '${hook.name || 'hook'}' has returned an incorrect number of values (got ${got}, but expected ${outputs.length})`);
    }
    outputs = [...replaced];
  }
  return outputs;
}

/** Adds `incoming` into leaf.grad as AccumulateGrad does (hooks first; a copy the first time). */
export function accumulate(leaf: Tensor, incoming: Tensor, createGraph: boolean): void {
  let g = incoming;
  if (leaf._leafHooks !== null) {
    for (const hook of leaf._leafHooks) {
      const replaced = hook(g);
      if (replaced instanceof Tensor) g = replaced;
    }
  }
  if (leaf._grad === null) {
    // Under createGraph PyTorch stores a differentiable copy (grad_fn CopyBackwards).
    leaf._grad = createGraph ? Tensor.empty(g.shape.slice(), g.dtype).copy_(g) : g.detach().clone();
  }
  else if (createGraph) leaf._grad = leaf._grad.add(g);
  else leaf._grad.add_(g.detach());
}

/**
 * Backpropagates `grads` from `roots`. With `capture`, returns the gradients
 * reaching those edges (autograd.grad) instead of accumulating into leaves.
 */
export function runBackward(
  roots: readonly Edge[],
  grads: readonly Tensor[],
  opts: EngineOptions,
  capture?: readonly Edge[],
): (Tensor | null)[] {
  const rootNodes = [...new Set(roots.map((e) => e.node))];
  const deps = countDependencies(rootNodes);
  const captured: (Tensor | null)[] = capture ? capture.map(() => null) : [];
  const captureAt = new Map<Node, { nr: number; slot: number }[]>();
  capture?.forEach((e, slot) => {
    const list = captureAt.get(e.node) ?? [];
    list.push({ nr: e.inputNr, slot });
    captureAt.set(e.node, list);
  });
  const needed = capture ? nodesLeadingTo(rootNodes, new Set(captureAt.keys())) : null;

  const buffers = new Map<Node, (Tensor | null)[]>();
  const addTo = (node: Node, nr: number, g: Tensor) => {
    let buf = buffers.get(node);
    if (buf === undefined) {
      buf = new Array<Tensor | null>(Math.max(node.numOutputs, nr + 1)).fill(null);
      buffers.set(node, buf);
    }
    const prev = buf[nr];
    buf[nr] = prev === null ? g : prev.add(g);
  };

  const previousMode = swapGradEnabled(opts.createGraph);
  const executed: Node[] = [];
  try {
    roots.forEach((e, i) => addTo(e.node, e.inputNr, grads[i]));
    const ready = new ReadyQueue();
    for (const n of rootNodes) if (!deps.has(n)) ready.push(n);
    while (ready.size > 0) {
      const node = ready.pop();
      const inputs = buffers.get(node) ?? new Array<Tensor | null>(node.numOutputs).fill(null);
      buffers.delete(node);
      runHooks(node, inputs);
      const captures = captureAt.get(node);
      if (captures) for (const c of captures) captured[c.slot] = inputs[c.nr];

      if (node instanceof AccumulateGrad) {
        if (!capture && inputs[0] !== null) accumulate(node.variable, inputs[0], opts.createGraph);
        // Post hooks of a leaf's accumulator run once .grad holds the sum (PyTorch's; DDP's reducer uses them).
        if (!capture && node.postHooks !== null) for (const hook of node.postHooks) hook([], inputs);
        continue;
      }
      if (needed !== null && !needed.has(node)) continue;

      executed.push(node);
      // A node no gradient reached passes nothing on (its edges still count as visited).
      let outputs = inputs.some((g) => g !== null) ? runNode(node, inputs) : node.next.map(() => null);
      if (outputs.length !== node.next.length) {
        throw new Error(`function ${node.name} returned an incorrect number of gradients (expected ${node.next.length}, got ${outputs.length})`);
      }
      if (node.postHooks !== null) outputs = runPostHooks(node.postHooks, outputs, inputs);
      for (let i = 0; i < node.next.length; i++) {
        const e = node.next[i];
        if (e === null) continue;
        const g = outputs[i];
        if (g !== null && g !== undefined) addTo(e.node, e.inputNr, conform(g, node, i));
        const left = (deps.get(e.node) as number) - 1;
        deps.set(e.node, left);
        if (left === 0) ready.push(e.node);
      }
    }
  } finally {
    swapGradEnabled(previousMode);
    if (!opts.retainGraph) for (const n of executed) n.release();
  }
  return captured;
}

/**
 * node.backward(inputs), with anomaly detection when it is on: a failure, or (with checkNan)
 * a NaN in a returned gradient, first reports the forward call that made the node.
 */
function runNode(node: Node, inputs: (Tensor | null)[]): (Tensor | null)[] {
  const mode = anomalyMode();
  if (!mode.enabled) return node.backward(inputs);
  let outputs: (Tensor | null)[];
  try {
    outputs = node.backward(inputs);
  } catch (e) {
    reportAnomaly(node);
    throw e;
  }
  if (mode.checkNan) {
    outputs.forEach((g, i) => {
      if (g !== null && g !== undefined && isFloatingDtype(g.dtype) && g.isnan().any().item()) {
        reportAnomaly(node);
        throw new Error(`Function '${node.name}' returned nan values in its ${i}th output.`);
      }
    });
  }
  return outputs;
}

function reportAnomaly(node: Node): void {
  warnOnce(
    node.forwardTrace === null
      ? `Error detected in ${node.name}. No forward pass information available. Enable detect anomaly during forward pass for more information.`
      : `Error detected in ${node.name}. Traceback of forward call that caused the error:\n${node.forwardTrace}`,
  );
}
