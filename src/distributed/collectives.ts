// The collectives of torch.distributed on Gloo, with PyTorch's signatures: in place on the
// tensors' storage, on the default group unless a group is given, synchronous unless
// asyncOp (then a Work is returned). src/dst are global ranks, as in PyTorch.
//
// Beyond PyTorch 1.13's Gloo backend: ReduceOp.AVG (a sum, then a division, for floating
// point tensors), reduceScatter (an all-reduce of the concatenated inputs) and allToAll
// with a list of tensors (one Gloo all-to-all of their concatenation).
import { bool, check, int, nullable, signature, type ArgsOf } from '../tensor/args.js';
import type { TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { distributedAddon } from './addon.js';
import { elementKind, scratch, stage, type Staged } from './buffers.js';
import { _groupArg, resolveGroup, type ProcessGroup } from './group.js';
import { Work } from './work.js';

/** torch.distributed.ReduceOp. */
export const ReduceOp = { SUM: 'SUM', AVG: 'AVG', PRODUCT: 'PRODUCT', MIN: 'MIN', MAX: 'MAX' } as const;
export type ReduceOp = (typeof ReduceOp)[keyof typeof ReduceOp];

const NATIVE_OP: Record<ReduceOp, number> = { SUM: 0, AVG: 0, PRODUCT: 1, MIN: 2, MAX: 3 };

const opArg = check<ReduceOp>('a ReduceOp (SUM, AVG, PRODUCT, MIN, MAX)', (v) => typeof v === 'string' && v in NATIVE_OP);
const tensorArg = check<Tensor>('Tensor', (v) => v instanceof Tensor);
const tensorListArg = check<readonly Tensor[]>('a list of Tensors', (v) => Array.isArray(v) && v.every((t) => t instanceof Tensor));
const group = ['group', nullable(_groupArg), null] as const;
const asyncOp = ['asyncOp', bool, false] as const;

/** Runs the op and returns its Work (asyncOp) or waits for it (returning undefined). */
function launch(id: number, keep: unknown[], onDone: (() => void) | null, result: Tensor[], isAsync: boolean): Work | undefined {
  const work = new Work(id, keep, onDone, result);
  if (isAsync) return work;
  work.wait();
  return undefined;
}

function checkSame(what: string, t: Tensor, like: Tensor): void {
  if (t.dtype !== like.dtype) throw new TypeError(`${what}: tensors must all have the same dtype (got ${t.dtype} and ${like.dtype})`);
  if (t.numel() !== like.numel()) throw new RangeError(`${what}: tensors must all have the same number of elements (got ${t.numel()} and ${like.numel()})`);
}

function checkCount(what: string, list: readonly Tensor[], n: number, name: string): void {
  if (list.length !== n) throw new RangeError(`${what}: ${name} must have ${n} tensors (the group's size), got ${list.length}`);
}

/** AVG's division, on the staged buffer (in the tensor's precision: Float32Array rounds). */
function divideBy(buffer: TypedArray, n: number): void {
  const b = buffer as Float32Array | Float64Array;
  for (let i = 0; i < b.length; i++) b[i] = b[i] / n;
}

function reduceKind(what: string, t: Tensor, op: ReduceOp): number {
  const kind = elementKind(t, what);
  if (op === 'AVG' && t.dtype !== 'float32' && t.dtype !== 'float64') throw new TypeError(`${what}: ReduceOp.AVG needs a floating point tensor (got ${t.dtype})`);
  return kind;
}

const allReduceArgs = signature('all_reduce', [['tensor', tensorArg], ['op', opArg, ReduceOp.SUM], group, asyncOp] as const);

/** Reduces the tensor over the group; every process gets the result in place. */
export function allReduce(...args: ArgsOf<typeof allReduceArgs>): Work | undefined {
  const a = allReduceArgs.parse(args);
  const g = resolveGroup(a.group, 'all_reduce');
  if (g === null) return undefined;
  const kind = reduceKind('all_reduce', a.tensor, a.op);
  const s = stage(a.tensor);
  const id = distributedAddon().allReduce(g._live(), s.buffer, kind, NATIVE_OP[a.op]);
  const done = () => {
    if (a.op === 'AVG') divideBy(s.buffer, g.size());
    s.finish(true);
  };
  return launch(id, [s.buffer, a.tensor], done, [a.tensor], a.asyncOp);
}

const broadcastArgs = signature('broadcast', [['tensor', tensorArg], ['src', int], group, asyncOp] as const);

/** Copies src's tensor into every process's tensor. */
export function broadcast(...args: ArgsOf<typeof broadcastArgs>): Work | undefined {
  const a = broadcastArgs.parse(args);
  const g = resolveGroup(a.group, 'broadcast');
  if (g === null) return undefined;
  const root = g._groupRankOf(a.src, 'broadcast');
  const s = stage(a.tensor);
  const id = distributedAddon().broadcast(g._live(), s.buffer, elementKind(a.tensor, 'broadcast'), root);
  return launch(id, [s.buffer, a.tensor], () => s.finish(g.rank() !== root), [a.tensor], a.asyncOp);
}

const reduceArgs = signature('reduce', [['tensor', tensorArg], ['dst', int], ['op', opArg, ReduceOp.SUM], group, asyncOp] as const);

/** Reduces the tensor over the group into dst's tensor (the others' tensors are left as they were). */
export function reduce(...args: ArgsOf<typeof reduceArgs>): Work | undefined {
  const a = reduceArgs.parse(args);
  const g = resolveGroup(a.group, 'reduce');
  if (g === null) return undefined;
  const root = g._groupRankOf(a.dst, 'reduce');
  const kind = reduceKind('reduce', a.tensor, a.op);
  const isRoot = g.rank() === root;
  // Gloo may use a non-root's buffer as scratch: non-roots send a copy and keep their tensor.
  const s: Staged = isRoot ? stage(a.tensor) : { tensor: a.tensor, buffer: a.tensor.detach().contiguous().clone().buffer, finish: () => {} };
  const id = distributedAddon().reduce(g._live(), s.buffer, kind, NATIVE_OP[a.op], root);
  const done = () => {
    if (!isRoot) return;
    if (a.op === 'AVG') divideBy(s.buffer, g.size());
    s.finish(true);
  };
  return launch(id, [s.buffer, a.tensor], done, [a.tensor], a.asyncOp);
}

/** Copies `n` consecutive blocks of flat into the tensors (each its own block). */
function unpack(flat: TypedArray, outs: readonly Tensor[]): void {
  let pos = 0;
  for (const t of outs) {
    const n = t.numel();
    const s = stage(t);
    (s.buffer as Float64Array).set((flat as Float64Array).subarray(pos, pos + n));
    s.finish(true);
    pos += n;
  }
}

/** The tensors' elements concatenated into one new buffer. */
function pack(ins: readonly Tensor[], like: Tensor): TypedArray {
  const total = ins.reduce((n, t) => n + t.numel(), 0);
  const flat = scratch(like, total);
  let pos = 0;
  for (const t of ins) {
    (flat as Float64Array).set(stage(t).buffer as Float64Array, pos);
    pos += t.numel();
  }
  return flat;
}

const allGatherArgs = signature('all_gather', [['tensorList', tensorListArg], ['tensor', tensorArg], group, asyncOp] as const);

/** Every process's tensor into every process's tensorList (tensorList[r] gets rank r's). */
export function allGather(...args: ArgsOf<typeof allGatherArgs>): Work | undefined {
  const a = allGatherArgs.parse(args);
  const g = resolveGroup(a.group, 'all_gather');
  if (g === null) return undefined;
  checkCount('all_gather', a.tensorList, g.size(), 'tensor_list');
  for (const t of a.tensorList) checkSame('all_gather', t, a.tensor);
  const kind = elementKind(a.tensor, 'all_gather');
  const input = stage(a.tensor).buffer;
  const out = scratch(a.tensor, a.tensor.numel() * g.size());
  const id = distributedAddon().allGather(g._live(), input, out, kind);
  return launch(id, [input, out, a.tensor], () => unpack(out, a.tensorList), [...a.tensorList], a.asyncOp);
}

const gatherArgs = signature('gather', [['tensor', tensorArg], ['gatherList', nullable(tensorListArg), null], ['dst', int, 0], group, asyncOp] as const);

/** Every process's tensor into dst's gatherList (which only dst passes). */
export function gather(...args: ArgsOf<typeof gatherArgs>): Work | undefined {
  const a = gatherArgs.parse(args);
  const g = resolveGroup(a.group, 'gather');
  if (g === null) return undefined;
  const root = g._groupRankOf(a.dst, 'gather');
  const kind = elementKind(a.tensor, 'gather');
  const isRoot = g.rank() === root;
  if (isRoot) {
    if (a.gatherList === null) throw new Error('Argument ``gather_list`` must be specified on destination rank.');
    checkCount('gather', a.gatherList, g.size(), 'gather_list');
    for (const t of a.gatherList) checkSame('gather', t, a.tensor);
  } else if (a.gatherList !== null && a.gatherList.length > 0) {
    throw new Error('Argument ``gather_list`` must NOT be specified on non-destination ranks.');
  }
  const input = stage(a.tensor).buffer;
  const out = isRoot ? scratch(a.tensor, a.tensor.numel() * g.size()) : null;
  const id = distributedAddon().gather(g._live(), input, out, kind, root);
  const list = a.gatherList ?? [];
  return launch(id, [input, out, a.tensor], out === null ? null : () => unpack(out, list), [...list], a.asyncOp);
}

const scatterArgs = signature('scatter', [['tensor', tensorArg], ['scatterList', nullable(tensorListArg), null], ['src', int, 0], group, asyncOp] as const);

/** src's scatterList[r] into rank r's tensor (only src passes scatterList). */
export function scatter(...args: ArgsOf<typeof scatterArgs>): Work | undefined {
  const a = scatterArgs.parse(args);
  const g = resolveGroup(a.group, 'scatter');
  if (g === null) return undefined;
  const root = g._groupRankOf(a.src, 'scatter');
  const kind = elementKind(a.tensor, 'scatter');
  const isRoot = g.rank() === root;
  let inputs: TypedArray[] | null = null;
  if (isRoot) {
    if (a.scatterList === null) throw new Error('Argument ``scatter_list`` must be specified on source rank.');
    checkCount('scatter', a.scatterList, g.size(), 'scatter_list');
    for (const t of a.scatterList) checkSame('scatter', t, a.tensor);
    inputs = a.scatterList.map((t) => stage(t).buffer);
  } else if (a.scatterList !== null && a.scatterList.length > 0) {
    throw new Error('Argument ``scatter_list`` must NOT be specified on non-source ranks.');
  }
  const s = stage(a.tensor);
  const id = distributedAddon().scatter(g._live(), inputs, s.buffer, kind, root);
  return launch(id, [inputs, s.buffer, a.tensor, a.scatterList], () => s.finish(true), [a.tensor], a.asyncOp);
}

const reduceScatterArgs = signature('reduce_scatter', [['output', tensorArg], ['inputList', tensorListArg], ['op', opArg, ReduceOp.SUM], group, asyncOp] as const);

/** Reduces inputList over the group and gives rank r the reduction of everyone's inputList[r]. */
export function reduceScatter(...args: ArgsOf<typeof reduceScatterArgs>): Work | undefined {
  const a = reduceScatterArgs.parse(args);
  const g = resolveGroup(a.group, 'reduce_scatter');
  if (g === null) return undefined;
  checkCount('reduce_scatter', a.inputList, g.size(), 'input_list');
  for (const t of a.inputList) checkSame('reduce_scatter', t, a.output);
  const kind = reduceKind('reduce_scatter', a.output, a.op);
  const flat = pack(a.inputList, a.output);
  const id = distributedAddon().allReduce(g._live(), flat, kind, NATIVE_OP[a.op]);
  const n = a.output.numel();
  const done = () => {
    const mine = flat.subarray(g.rank() * n, (g.rank() + 1) * n) as TypedArray;
    if (a.op === 'AVG') divideBy(mine, g.size());
    unpack(mine, [a.output]);
  };
  return launch(id, [flat, a.output], done, [a.output], a.asyncOp);
}

const allToAllArgs = signature('all_to_all', [['outputTensorList', tensorListArg], ['inputTensorList', tensorListArg], group, asyncOp] as const);

/** Rank r's inputTensorList[q] goes to rank q's outputTensorList[r] (equal sizes). */
export function allToAll(...args: ArgsOf<typeof allToAllArgs>): Work | undefined {
  const a = allToAllArgs.parse(args);
  const g = resolveGroup(a.group, 'all_to_all');
  if (g === null) return undefined;
  checkCount('all_to_all', a.inputTensorList, g.size(), 'input_tensor_list');
  checkCount('all_to_all', a.outputTensorList, g.size(), 'output_tensor_list');
  const like = a.inputTensorList[0];
  for (const t of [...a.inputTensorList, ...a.outputTensorList]) checkSame('all_to_all', t, like);
  const kind = elementKind(like, 'all_to_all');
  const input = pack(a.inputTensorList, like);
  const out = scratch(like, input.length);
  const id = distributedAddon().allToAll(g._live(), input, out, kind);
  return launch(id, [input, out], () => unpack(out, a.outputTensorList), [...a.outputTensorList], a.asyncOp);
}

const allToAllSingleArgs = signature('all_to_all_single', [
  ['output', tensorArg], ['input', tensorArg], ['outputSplitSizes', nullable(check<never>('null (equal splits)', () => false)), null],
  ['inputSplitSizes', nullable(check<never>('null (equal splits)', () => false)), null], group, asyncOp,
] as const);

/** Splits input's first dimension into equal blocks, block q to rank q; output gets rank r's block at block r. */
export function allToAllSingle(...args: ArgsOf<typeof allToAllSingleArgs>): Work | undefined {
  const a = allToAllSingleArgs.parse(args);
  const g = resolveGroup(a.group, 'all_to_all_single');
  if (g === null) return undefined;
  checkSame('all_to_all_single', a.output, a.input);
  if (a.input.numel() % g.size() !== 0) throw new RangeError(`all_to_all_single: input's ${a.input.numel()} elements do not split into ${g.size()} equal blocks`);
  const kind = elementKind(a.input, 'all_to_all_single');
  const input = stage(a.input).buffer;
  const s = stage(a.output);
  const id = distributedAddon().allToAll(g._live(), input, s.buffer, kind);
  return launch(id, [input, s.buffer, a.input, a.output], () => s.finish(true), [a.output], a.asyncOp);
}

const barrierArgs = signature('barrier', [group, asyncOp, ['deviceIds', nullable(check<never>('null', () => false)), null]] as const);

/** Waits until every process of the group has reached the barrier. */
export function barrier(...args: ArgsOf<typeof barrierArgs>): Work | undefined {
  const a = barrierArgs.parse(args);
  const g = resolveGroup(a.group, 'barrier');
  if (g === null) return undefined;
  return launch(distributedAddon().barrier(g._live()), [], null, [], a.asyncOp);
}

// ---- point to point ----

const sendArgs = signature('send', [['tensor', tensorArg], ['dst', int], group, ['tag', int, 0]] as const);
const recvArgs = signature('recv', [['tensor', tensorArg], ['src', nullable(int), null], group, ['tag', int, 0]] as const);

function postSend(a: { tensor: Tensor; dst: number; tag: number }, g: ProcessGroup, what: string): Work {
  const peer = g._groupRankOf(a.dst, what);
  if (peer === g.rank()) throw new Error('Invalid destination rank: should not be the same as the rank of the current process.');
  const input = stage(a.tensor).buffer;
  const id = distributedAddon().sendRecv(g._live(), input, peer, a.tag, true);
  return new Work(id, [input, a.tensor], null, [a.tensor]);
}

function postRecv(a: { tensor: Tensor; src: number | null; tag: number }, g: ProcessGroup, what: string): { work: Work; source: () => number } {
  const peer = a.src === null ? -1 : g._groupRankOf(a.src, what);
  const s = stage(a.tensor);
  elementKind(a.tensor, what);
  const id = distributedAddon().sendRecv(g._live(), s.buffer, peer, a.tag, false);
  let source = -1;
  const work = new Work(id, [s.buffer, a.tensor], () => {
    source = distributedAddon().sourceRank(id);
    s.finish(true);
  }, [a.tensor]);
  return { work, source: () => (source < 0 ? -1 : g.ranks[source]) };
}

/** Sends the tensor to rank dst; returns when it has been handed over. */
export function send(...args: ArgsOf<typeof sendArgs>): void {
  const a = sendArgs.parse(args);
  const g = resolveGroup(a.group, 'send');
  if (g === null) return;
  elementKind(a.tensor, 'send');
  postSend(a, g, 'send').wait();
}

/** Receives into the tensor from rank src (any rank when null); returns the sender's rank. */
export function recv(...args: ArgsOf<typeof recvArgs>): number {
  const a = recvArgs.parse(args);
  const g = resolveGroup(a.group, 'recv');
  if (g === null) return -1;
  const r = postRecv(a, g, 'recv');
  r.work.wait();
  return r.source();
}

/** send without waiting: a Work. */
export function isend(...args: ArgsOf<typeof sendArgs>): Work | undefined {
  const a = sendArgs.parse(args);
  const g = resolveGroup(a.group, 'isend');
  if (g === null) return undefined;
  elementKind(a.tensor, 'isend');
  return postSend(a, g, 'isend');
}

/** recv without waiting: a Work. */
export function irecv(...args: ArgsOf<typeof recvArgs>): Work | undefined {
  const a = recvArgs.parse(args);
  const g = resolveGroup(a.group, 'irecv');
  if (g === null) return undefined;
  return postRecv(a, g, 'irecv').work;
}
