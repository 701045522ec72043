// The recorded graph: what a Tensor points at through `gradFn`. Ops (src/ops) create
// Nodes; the engine (src/autograd) runs them. This file holds only the data model.
import type { DType } from '../backend/index.js';
import { legacyTypeName } from './dtype.js';

export { legacyTypeName };
import type { Tensor } from './tensor.js';

let gradEnabled = true;

/** Whether ops record the graph (PyTorch's torch.is_grad_enabled()). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets the global grad mode and returns the previous one. */
export function swapGradEnabled(enabled: boolean): boolean {
  const previous = gradEnabled;
  gradEnabled = enabled;
  return previous;
}

/** Anomaly detection (torch.autograd.detect_anomaly): nodes keep their forward stack; backward checks for NaN. */
export interface AnomalyMode {
  enabled: boolean;
  checkNan: boolean;
}
let anomaly: AnomalyMode = { enabled: false, checkNan: true };

export function anomalyMode(): AnomalyMode {
  return anomaly;
}

/** Sets anomaly detection and returns the previous setting. */
export function swapAnomalyMode(mode: AnomalyMode): AnomalyMode {
  const previous = anomaly;
  anomaly = { ...mode };
  return previous;
}

// The library's own layers below nn: their frames (node constructors, op plumbing) say nothing
// about which line of the user's forward pass made a node.
// (The base URL goes through a variable: bundlers such as Vite treat `new URL(literal,
// import.meta.url)` as a file to ship, and would copy these folders' sources into the bundle.)
const HERE = import.meta.url;
const INTERNAL = ['tensor/', 'ops/', 'autograd/', 'backend/'].map((d) => new URL(`../${d}`, HERE).pathname);

/** The JS stack of the forward call that creates a node, from the first frame outside the op layers. */
function forwardStack(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  return lines.filter((l) => !INTERNAL.some((dir) => l.includes(dir))).join('\n');
}

/** Where a gradient goes: input slot `inputNr` of `node`. */
export interface Edge {
  readonly node: Node;
  readonly inputNr: number;
}

/** Shape and dtype a gradient flowing to an input must have (the engine un-broadcasts and casts to it). */
export interface InputMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export type GradHook = (grad: Tensor) => Tensor | void | undefined;
/** A Node hook (Node.registerHook): gradients to the inputs and from the outputs; may return replacements for the first. */
export type PostHook = (gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => readonly (Tensor | null)[] | void | undefined;

export interface RemovableHandle {
  remove(): void;
}

let nextSequenceNr = 0;

export const SECOND_BACKWARD_ERROR =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
  'Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** A tensor kept for backward, with the version it had when saved. */
export class SavedTensor {
  private tensor: Tensor | null;
  private readonly version: number;
  private readonly gradFnName: string | null;
  private readonly outputNr: number;
  constructor(tensor: Tensor) {
    this.tensor = tensor;
    this.version = tensor._versionCounter.value;
    const fn = tensor._gradFn;
    this.gradFnName = fn ? fn.name : null;
    this.outputNr = tensor._outputNr;
  }

  /** The tensor, checked against in-place modification since it was saved. */
  unpack(): Tensor {
    const t = this.tensor;
    if (t === null) throw new Error(SECOND_BACKWARD_ERROR);
    const now = t._versionCounter.value;
    if (now !== this.version) {
      const which = this.gradFnName ? `, which is output ${this.outputNr} of ${this.gradFnName},` : '';
      throw new Error(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${legacyTypeName(t.dtype)} [${t.shape.join(', ')}]]${which} is at version ${now}; expected version ${this.version} instead. ` +
          (anomaly.enabled
            ? 'Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!'
            : 'Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).'),
      );
    }
    return t;
  }

  release(): void {
    this.tensor = null;
  }

  refersTo(t: Tensor): boolean {
    return this.tensor === t;
  }
}

/**
 * A backward function: receives the gradients of its forward outputs and returns
 * the gradients of its forward inputs, written with differentiable ops so that
 * running it with grad mode on (createGraph) records a graph of its own.
 */
export abstract class Node {
  /** PyTorch's node name, e.g. 'MulBackward0'. */
  abstract readonly name: string;
  /** One edge per forward input (null where that input needs no gradient). */
  next: (Edge | null)[] = [];
  inputMeta: InputMeta[] = [];
  /** How many outputs the forward produced (gradient slots the engine fills). */
  numOutputs = 1;
  readonly sequenceNr: number = nextSequenceNr++;
  /** The forward call's stack, kept while anomaly detection is on (reported if backward fails here). */
  readonly forwardTrace: string | null = anomaly.enabled ? forwardStack() : null;
  /** Per forward output: hooks run on its gradient before this node runs. */
  preHooks: Map<number, GradHook[]> | null = null;
  postHooks: PostHook[] | null = null;
  private kept: SavedTensor[] | null = null;
  private savedList: SavedTensor[] = [];

  abstract backward(gradOutputs: (Tensor | null)[]): (Tensor | null)[];

  /** Keeps one tensor for backward; unpack it with .unpack() inside backward. */
  keep(t: Tensor): SavedTensor {
    const s = new SavedTensor(t);
    (this.kept ??= []).push(s);
    return s;
  }

  /** Keeps tensors for backward; read them back in order with saved(). */
  save(...tensors: Tensor[]): this {
    this.savedList = tensors.map((t) => this.keep(t));
    return this;
  }

  /** The tensors given to save(), checked against in-place modification since. */
  saved(): Tensor[] {
    return this.savedList.map((s) => s.unpack());
  }

  /**
   * Re-points what this node saved of `from` at `to` (a tensor or a factory called at
   * most once). In-place ops compute their result from self and then overwrite it:
   * a saved self must move to a copy first, and a saved result must track self.
   */
  rebindSaved(from: Tensor, to: Tensor | (() => Tensor)): void {
    if (this.kept === null || !this.kept.some((s) => s.refersTo(from))) return;
    const target = typeof to === 'function' ? to() : to;
    const replaced = new Map<SavedTensor, SavedTensor>();
    for (const s of this.kept) if (s.refersTo(from)) replaced.set(s, new SavedTensor(target));
    const swap = (s: SavedTensor) => replaced.get(s) ?? s;
    this.kept = this.kept.map(swap);
    this.savedList = this.savedList.map(swap);
  }

  /** Frees saved tensors after a backward without retainGraph. */
  release(): void {
    if (this.kept !== null) for (const s of this.kept) s.release();
  }

  /** PyTorch's next_functions: [node, inputNr] per forward input. */
  get nextFunctions(): [Node | null, number][] {
    return this.next.map((e) => (e ? [e.node, e.inputNr] : [null, 0]));
  }

  /** PyTorch's Node.register_hook: hook(gradInputs, gradOutputs) after this node ran; an array it returns replaces gradInputs. */
  registerHook(hook: PostHook): RemovableHandle {
    const hooks = (this.postHooks ??= []);
    hooks.push(hook);
    return { remove: () => void hooks.splice(hooks.indexOf(hook) >>> 0, 1) };
  }

  addPreHook(outputNr: number, hook: GradHook): RemovableHandle {
    const hooks = (this.preHooks ??= new Map());
    const list = hooks.get(outputNr) ?? [];
    hooks.set(outputNr, list);
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  toString(): string {
    return `<${this.name}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * The sink of a leaf tensor's gradient. The engine accumulates into
 * `variable.grad` when it reaches this node; one node per leaf, reused by
 * every graph the leaf takes part in.
 */
export class AccumulateGrad extends Node {
  readonly name = 'AccumulateGrad';
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super();
    this.variable = variable;
    this.inputMeta = [];
  }
  backward(): (Tensor | null)[] {
    return [];
  }
}
