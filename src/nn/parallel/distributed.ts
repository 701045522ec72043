// nn.parallel.DistributedDataParallel (PyTorch 1.13's DDP on Gloo): the module's parameters
// and buffers are broadcast from rank 0 at construction; during backward each parameter's
// gradient accumulator hook marks it ready, and when a bucket's parameters are all ready its
// gradients (times 1/worldSize, as PyTorch's reducer copies them) are all-reduced
// asynchronously while backward goes on; the last ready parameter waits for every bucket
// and writes the averaged gradients back, so backward returns with them in .grad.
import { bool, check, int, nullable, number, signature, type ArgsOf } from '../../tensor/args.js';
import { AccumulateGrad, type Node } from '../../tensor/graph.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled, noGrad } from '../../autograd/grad-mode.js';
import { allReduce, broadcast, getWorldSize, ProcessGroup, type Work } from '../../distributed/index.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { assignBuckets } from './buckets.js';

const moduleArg = check<Module>('a Module', (v) => v instanceof Module);
const groupArg = check<ProcessGroup>('a ProcessGroup', (v) => v instanceof ProcessGroup);
const unsupported = check<never>('null (torchlette runs on the CPU)', () => false);

const ddpArgs = signature('DistributedDataParallel', [
  ['module', moduleArg],
  ['deviceIds', nullable(unsupported), null],
  ['outputDevice', nullable(unsupported), null],
  ['dim', int, 0],
  ['broadcastBuffers', bool, true],
  ['processGroup', nullable(groupArg), null],
  ['bucketCapMb', number, 25],
  ['findUnusedParameters', bool, false],
  ['checkReduction', bool, false],
  ['gradientAsBucketView', bool, false],
  ['staticGraph', bool, false],
] as const);

interface Bucket {
  params: number[];
  offsets: number[];
  numel: number;
  pending: number;
  flat: Tensor | null;
  work: Work | null;
}

/** Leaves reachable from the outputs' graph (the parameters this forward used). */
function reachedLeaves(output: unknown): Set<Tensor> {
  const seen = new Set<Node>();
  const leaves = new Set<Tensor>();
  const stack: Node[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (v instanceof Tensor) {
      if (v.gradFn !== null && !seen.has(v.gradFn)) {
        seen.add(v.gradFn);
        stack.push(v.gradFn);
      } else if (v.gradFn === null && v.requiresGrad) leaves.add(v);
    } else if (depth < 4 && Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (depth < 4 && v !== null && typeof v === 'object' && !(v instanceof Module)) Object.values(v).forEach((x) => visit(x, depth + 1));
  };
  visit(output, 0);
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node instanceof AccumulateGrad) {
      leaves.add(node.variable);
      continue;
    }
    for (const e of node.next) {
      if (e !== null && !seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  return leaves;
}

export class DistributedDataParallel extends Module {
  module: Module;
  readonly broadcastBuffers: boolean;
  readonly findUnusedParameters: boolean;
  readonly bucketCapMb: number;
  readonly dim: number;
  /** False inside noSync(): gradients then accumulate locally. */
  requireBackwardGradSync = true;
  private readonly group: ProcessGroup | null;
  private readonly params: Parameter[];
  private readonly buckets: Bucket[];
  private readonly bucketOf: number[];
  private armed = false;
  private ready: boolean[] = [];
  private nextBucket = 0;

  constructor(...args: ArgsOf<typeof ddpArgs>) {
    super();
    const a = ddpArgs.parse(args);
    if (a.gradientAsBucketView || a.staticGraph || a.checkReduction) {
      throw new Error('DistributedDataParallel: gradientAsBucketView, staticGraph and checkReduction are not supported by torchlette');
    }
    this.module = a.module;
    this.broadcastBuffers = a.broadcastBuffers;
    this.findUnusedParameters = a.findUnusedParameters;
    this.bucketCapMb = a.bucketCapMb;
    this.dim = a.dim;
    this.group = a.processGroup;
    const params = [...a.module.parameters()].filter((p) => p.requiresGrad);
    if (params.length === 0) throw new Error("DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient.");
    this.params = params;
    for (const key of ['group', 'params', 'buckets', 'bucketOf', 'armed', 'ready', 'nextBucket', 'requireBackwardGradSync', 'broadcastBuffers', 'findUnusedParameters', 'bucketCapMb', 'dim']) {
      Object.defineProperty(this, key, { enumerable: false, writable: true });
    }
    // Every replica starts from rank 0's parameters and buffers (PyTorch's _sync_module_states).
    noGrad(() => {
      for (const t of [...a.module.parameters(), ...a.module.buffers()]) broadcast(t.detach(), this.srcRank(), { group: this.group });
    });
    this.buckets = assignBuckets(params, a.bucketCapMb * 1024 * 1024).map((indices) => {
      const offsets: number[] = [];
      let numel = 0;
      for (const i of indices) {
        offsets.push(numel);
        numel += params[i].numel();
      }
      return { params: indices, offsets, numel, pending: 0, flat: null, work: null };
    });
    this.bucketOf = new Array<number>(params.length);
    this.buckets.forEach((b, k) => b.params.forEach((i) => (this.bucketOf[i] = k)));
    params.forEach((p, i) => p._gradAccumulator().registerHook(() => this.markReady(i)));
  }

  /** The global rank parameters come from: the group's first rank (rank 0 of the world). */
  private srcRank(): number {
    return this.group === null ? 0 : this.group.ranks[0];
  }

  private worldSize(): number {
    return this.group === null ? getWorldSize() : this.group.size();
  }

  /** Bucket layout, for inspection: parameter indices (module.parameters() order) per bucket, in reduction order. */
  get bucketIndices(): number[][] {
    return this.buckets.map((b) => [...b.params]);
  }

  override forward(...inputs: unknown[]): unknown {
    if (this.armed && this.ready.some((r) => r)) {
      throw new Error(
        'Expected to have finished reduction in the prior iteration before starting a new one. This error indicates that your module has parameters that were not used in producing loss. You can enable unused parameter detection by passing the keyword argument `find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs participate in calculating loss.',
      );
    }
    if (this.broadcastBuffers) {
      noGrad(() => {
        for (const b of this.module.buffers()) broadcast(b.detach(), this.srcRank(), { group: this.group });
      });
    }
    const output = (this.module.forward as (...a: unknown[]) => unknown)(...inputs);
    if (isGradEnabled() && this.requireBackwardGradSync) this.prepareForBackward(output);
    else this.armed = false;
    return output;
  }

  private prepareForBackward(output: unknown): void {
    this.armed = true;
    this.nextBucket = 0;
    this.ready = this.params.map(() => false);
    for (const b of this.buckets) {
      b.pending = b.params.length;
      b.flat = null;
      b.work = null;
    }
    if (this.findUnusedParameters) {
      const used = reachedLeaves(output);
      // Unused parameters are ready at once: their share of a bucket is zeros.
      this.params.forEach((p, i) => {
        if (!used.has(p)) this.markReady(i);
      });
    }
  }

  private markReady(i: number): void {
    if (!this.armed || this.ready[i]) return;
    this.ready[i] = true;
    this.buckets[this.bucketOf[i]].pending--;
    // Buckets go out in order, the same on every rank.
    while (this.nextBucket < this.buckets.length && this.buckets[this.nextBucket].pending === 0) this.launch(this.buckets[this.nextBucket++]);
    if (this.nextBucket === this.buckets.length) this.finalize();
  }

  private launch(b: Bucket): void {
    const first = this.params[b.params[0]];
    const flat = Tensor.empty([b.numel], first.dtype);
    noGrad(() => {
      b.params.forEach((i, k) => {
        const g = this.params[i].grad;
        const view = flat.narrow(0, b.offsets[k], this.params[i].numel());
        if (g === null) view.zero_();
        else view.copy_(g.detach().reshape([-1]));
      });
      // As PyTorch's reducer: divide while filling the bucket, then sum.
      flat.mul_(1 / this.worldSize());
    });
    b.flat = flat;
    b.work = allReduce(flat, { group: this.group, asyncOp: true }) as Work;
  }

  private finalize(): void {
    this.armed = false;
    let globallyUsed: Float64Array | null = null;
    if (this.findUnusedParameters) {
      const used = Tensor.fromData(Float64Array.from(this.params, (p) => (p.grad !== null ? 1 : 0)), 'float64', [this.params.length]);
      allReduce(used, { group: this.group });
      globallyUsed = used.buffer as Float64Array;
    }
    for (const b of this.buckets) {
      (b.work as Work).wait();
      const flat = b.flat as Tensor;
      noGrad(() => {
        b.params.forEach((i, k) => {
          const p = this.params[i];
          if (globallyUsed !== null && globallyUsed[i] === 0) return; // unused everywhere: .grad untouched
          const reduced = flat.narrow(0, b.offsets[k], p.numel()).view(p.shape);
          if (p.grad === null) p.grad = reduced.clone();
          else p.grad.copy_(reduced);
        });
      });
      b.flat = null;
      b.work = null;
    }
  }

  /**
   * PyTorch's `with ddp.no_sync():` — runs fn with gradient synchronisation off: backward
   * passes inside only accumulate local gradients; the first synchronised backward after
   * it all-reduces the accumulated sum. Returns fn's result (awaiting it when a Promise).
   */
  noSync<T>(fn: () => T): T {
    const previous = this.requireBackwardGradSync;
    this.requireBackwardGradSync = false;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.requireBackwardGradSync = previous;
      throw e;
    }
    if (result instanceof Promise) {
      return result.finally(() => (this.requireBackwardGradSync = previous)) as T;
    }
    this.requireBackwardGradSync = previous;
    return result;
  }
}
