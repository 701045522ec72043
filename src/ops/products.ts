// Products beyond matmul.ts: einsum (contractions as permute/reshape + bmm), tensordot,
// kron, inner, ger, vdot, and the fused forms addr, addmv, addbmm, baddbmm (and their
// in-place twins, with addmm_).
import { checkTensor, either, int, intList, number as numberArg, pyTypeName, signature, tensor as tensorArg, check, type ArgsOf } from '../tensor/args.js';
import { isFloatingDtype, scalarTypeName } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { formatShape, normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { inplace } from './inplace.js';
import { addmm, bmm, dot, mm, mv, outer } from './matmul.js';
import { tensorOp } from './op-args.js';
import { needsGrad, record } from './record.js';
import { sumToShape } from './reduce.js';

type Grad = Tensor | null;
const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

// --- einsum ---

/** A subscript: a letter, or '.k' for the k-th (right-aligned) ellipsis dim. */
type Label = string;

interface Term {
  labels: Label[];
  ellipsis: boolean;
}

function parseTerm(text: string, at: number): Term {
  const labels: Label[] = [];
  let ellipsis = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '.') {
      if (ellipsis || text.slice(i, i + 3) !== '...') throw new SyntaxError('einsum(): found \'.\' for operand but it is not part of any ellipsis');
      ellipsis = true;
      labels.push('...');
      i += 2;
    } else if (/[a-zA-Z]/.test(c)) {
      labels.push(c);
    } else {
      throw new SyntaxError(`einsum(): invalid subscript given at index ${at + i} in the equation string, subscripts must be in [a-zA-Z]`);
    }
  }
  return { labels, ellipsis };
}

/** An operand with one label per dim. */
interface Labeled {
  t: Tensor;
  labels: Label[];
}

/** Sums the dims whose labels `drop` says, keeping the others in order. */
function sumOut(op: Labeled, drop: (l: Label) => boolean): Labeled {
  const dims = op.labels.map((l, i) => (drop(l) ? i : -1)).filter((i) => i >= 0);
  if (dims.length === 0) return op;
  return { t: op.t.sum(dims), labels: op.labels.filter((l) => !drop(l)) };
}

function permuteTo(op: Labeled, order: readonly Label[]): Tensor {
  const perm = order.map((l) => op.labels.indexOf(l));
  return perm.every((p, i) => p === i) ? op.t : op.t.permute(perm);
}

/** One pairwise contraction: batch labels kept, contracted labels summed, through one bmm. */
function contract(a: Labeled, b: Labeled, needed: ReadonlySet<Label>, sizes: ReadonlyMap<Label, number>): Labeled {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !inA.has(l));
  const size = (ls: readonly Label[]) => ls.map((l) => sizes.get(l) as number);
  const a3 = permuteTo(a, [...batch, ...aOnly, ...summed]).expand([...size(batch), ...size(aOnly), ...size(summed)]).reshape(prod(size(batch)), prod(size(aOnly)), prod(size(summed)));
  const b3 = permuteTo(b, [...batch, ...summed, ...bOnly]).expand([...size(batch), ...size(summed), ...size(bOnly)]).reshape(prod(size(batch)), prod(size(summed)), prod(size(bOnly)));
  const labels = [...batch, ...aOnly, ...bOnly];
  return { t: bmm(a3, b3).reshape(size(labels)), labels };
}

const equationArg = signature('einsum', [['equation', check<string>('str', (v) => typeof v === 'string')]] as const);

/**
 * torch.einsum(equation, *operands): Einstein summation with '...' and implicit output
 * (the ellipsis dims, then the labels used once, in alphabetical order). Operands may be
 * given as varargs or as one list. Repeated labels within an operand take diagonals;
 * contractions run left to right through bmm.
 */
export function einsum(equation: string, ...operands: Tensor[] | [readonly Tensor[]]): Tensor {
  equationArg.parse([equation]);
  const ops = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  ops.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`einsum(): expected Tensor as element ${i} in argument 1, but got ${pyTypeName(t)}`);
  });
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const texts = lhs.split(',');
  if (texts.length > ops.length) throw new RangeError('einsum(): fewer operands were provided than specified in the equation');
  if (texts.length < ops.length) throw new RangeError('einsum(): more operands were provided than specified in the equation');
  let at = 0;
  const terms = texts.map((text) => {
    const term = parseTerm(text, at);
    at += text.length + 1;
    return term;
  });

  // Ellipsis dims get labels '.0' … '.(n-1)', right-aligned across operands.
  let ellipsisDims = 0;
  terms.forEach((term, i) => {
    const letters = term.labels.filter((l) => l !== '...').length;
    const t = ops[i];
    if (!term.ellipsis && letters !== t.dim()) {
      throw new RangeError(`einsum(): the number of subscripts in the equation (${letters}) does not match the number of dimensions (${t.dim()}) for operand ${i} and no ellipsis was given`);
    }
    if (term.ellipsis && letters > t.dim()) {
      throw new RangeError(`einsum(): the number of subscripts in the equation (${letters}) is more than the number of dimensions (${t.dim()}) for operand ${i}`);
    }
    if (term.ellipsis) ellipsisDims = Math.max(ellipsisDims, t.dim() - letters);
  });
  const ellipsisLabels = Array.from({ length: ellipsisDims }, (_, k) => `.${k}`);
  let labeled: Labeled[] = terms.map((term, i) => {
    const k = ops[i].dim() - (term.labels.length - (term.ellipsis ? 1 : 0));
    const labels = term.labels.flatMap((l) => (l === '...' ? ellipsisLabels.slice(ellipsisDims - k) : [l]));
    return { t: ops[i], labels };
  });

  // The output labels.
  const counts = new Map<Label, number>();
  for (const op of labeled) for (const l of op.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let output: Label[];
  if (arrow >= 0) {
    const term = parseTerm(eq.slice(arrow + 2), arrow + 2);
    output = term.labels.flatMap((l) => (l === '...' ? ellipsisLabels : [l]));
    const seen = new Set<Label>();
    for (const l of term.labels) {
      if (l === '...') continue;
      if (!counts.has(l)) throw new RangeError(`einsum(): output subscript ${l} does not appear in the equation for any input operand`);
      if (seen.has(l)) throw new RangeError(`einsum(): output subscript ${l} appears more than once in the output`);
      seen.add(l);
    }
  } else {
    const once = [...counts.entries()].filter(([l, n]) => n === 1 && !l.startsWith('.')).map(([l]) => l).sort();
    output = [...ellipsisLabels, ...once];
  }

  // Diagonals for labels repeated within an operand; then the broadcast size of each label.
  labeled = labeled.map((op, i) => {
    let { t, labels } = op;
    for (;;) {
      const dup = labels.findIndex((l, p) => labels.indexOf(l) !== p);
      if (dup < 0) break;
      const first = labels.indexOf(labels[dup]);
      if (t.shape[first] !== t.shape[dup]) {
        throw new RangeError(`einsum(): subscript ${labels[dup]} is repeated for operand ${i} but the sizes don't match, ${t.shape[dup]} != ${t.shape[first]}`);
      }
      const l = labels[dup];
      t = t.diagonal(0, first, dup);
      labels = [...labels.filter((_, p) => p !== first && p !== dup), l];
    }
    return { t, labels };
  });
  const sizes = new Map<Label, number>();
  labeled.forEach((op, i) => {
    op.labels.forEach((l, d) => {
      const s = op.t.shape[d];
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, s);
      else if (s !== 1 && s !== prev) {
        throw new RangeError(`einsum(): subscript ${l.startsWith('.') ? '...' : l} has size ${s} for operand ${i} which does not broadcast with previously seen size ${prev}`);
      }
    });
  });

  // Labels needed after operand i: the output's and those of later operands.
  const neededAfter = (i: number) => new Set<Label>([...output, ...labeled.slice(i + 1).flatMap((op) => op.labels)]);
  let acc = sumOut(labeled[0], (l) => !neededAfter(0).has(l) && !labeled.slice(1).some((op) => op.labels.includes(l)));
  for (let i = 1; i < labeled.length; i++) {
    const needed = neededAfter(i);
    const others = new Set([...acc.labels, ...labeled.slice(i + 1).flatMap((op) => op.labels), ...output]);
    const b = sumOut(labeled[i], (l) => !others.has(l));
    acc = contract(acc, b, needed, sizes);
  }
  acc = sumOut(acc, (l) => !output.includes(l));
  const result = permuteTo(acc, output);
  // A label of size 1 in every operand but broadcast elsewhere keeps its size 1 (as PyTorch).
  return result;
}

// --- tensordot ---

const tensordotArgs = signature('tensordot', [['a', tensorArg], ['b', tensorArg], ['dims', either(either(int, check<readonly (readonly number[])[]>('a pair of lists of ints', (v) => Array.isArray(v) && v.length === 2 && v.every((d) => intList.test(d) || Number.isInteger(d)))), tensorArg), 2]] as const);

/** torch.tensordot(a, b, dims=2): sums a's dims dims[0] against b's dims[1] (an int n: a's last n with b's first n). */
export function tensordot(...args: ArgsOf<typeof tensordotArgs>): Tensor {
  const { a, b, dims } = tensordotArgs.parse(args);
  let da: number[];
  let db: number[];
  if (typeof dims === 'number' || (dims instanceof Tensor && dims.dim() === 0)) {
    const n = typeof dims === 'number' ? dims : Number(dims.item());
    if (n < 0) throw new RangeError(`tensordot expects dims >= 0, but got dims=${n}`);
    if (n > a.dim() || n > b.dim()) throw new RangeError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${n}`);
    da = Array.from({ length: n }, (_, i) => a.dim() - n + i);
    db = Array.from({ length: n }, (_, i) => i);
  } else {
    const pair = dims instanceof Tensor ? (dims.tolist() as number[][]) : dims;
    const toList = (d: number | readonly number[]) => (typeof d === 'number' ? [d] : d.slice());
    da = toList(pair[0]);
    db = toList(pair[1]);
  }
  if (da.length !== db.length) throw new RangeError('both dimension lists should have same length');
  da = da.map((d) => normalizeDim(d, a.dim()));
  db = db.map((d) => normalizeDim(d, b.dim()));
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]]) {
      throw new RangeError(`contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${d} and second has size ${b.shape[db[i]]} in dim ${db[i]}`);
    }
  });
  const freeA = Array.from({ length: a.dim() }, (_, i) => i).filter((i) => !da.includes(i));
  const freeB = Array.from({ length: b.dim() }, (_, i) => i).filter((i) => !db.includes(i));
  const k = prod(da.map((d) => a.shape[d]));
  const a2 = a.permute([...freeA, ...da]).reshape(prod(freeA.map((d) => a.shape[d])), k);
  const b2 = b.permute([...db, ...freeB]).reshape(k, prod(freeB.map((d) => b.shape[d])));
  return mm(a2, b2).reshape([...freeA.map((d) => a.shape[d]), ...freeB.map((d) => b.shape[d])]);
}

// --- kron / inner / ger / vdot ---

const kronOp = tensorOp('kron', [['other', tensorArg]] as const, (a, a2) => {
  const b = a2.other;
  const n = Math.max(a.dim(), b.dim());
  const pa = [...new Array<number>(n - a.dim()).fill(1), ...a.shape];
  const pb = [...new Array<number>(n - b.dim()).fill(1), ...b.shape];
  const ia: number[] = [];
  const ib: number[] = [];
  for (let d = 0; d < n; d++) ia.push(pa[d], 1), ib.push(1, pb[d]);
  return a.reshape(ia).mul(b.reshape(ib)).reshape(pa.map((s, d) => s * pb[d]));
});
/** torch.kron(input, other): the Kronecker product (block [i, j] is input[i, j] * other). */
export const kron = kronOp.fn;

const innerOp = tensorOp('inner', [['other', tensorArg]] as const, (a, x) => {
  const b = x.other;
  if (a.dim() === 0 || b.dim() === 0) return a.mul(b);
  if (a.shape[a.dim() - 1] !== b.shape[b.dim() - 1]) {
    throw new RangeError(`inner() the last dimension must match on both input tensors but got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return tensordot(a, b, [[-1], [-1]]);
});
/** torch.inner(input, other): sums over the last dims of both (a product when either is 0-d). */
export const inner = innerOp.fn;

const gerOp = tensorOp('ger', [['vec2', tensorArg]] as const, (a, x) => outer(a, x.vec2));
/** torch.ger(input, vec2): outer. */
export const ger = gerOp.fn;

class VdotBackward0 extends Node {
  readonly name = 'VdotBackward0';
  backward([g]: Grad[]): Grad[] {
    const [a, b] = this.saved();
    const grad = g as Tensor;
    return [this.next[0] ? grad.mul(b) : null, this.next[1] ? grad.mul(a) : null];
  }
}

const vdotOp = tensorOp('vdot', [['other', tensorArg]] as const, (a, x) => {
  const b = x.other;
  if (a.dim() !== 1 || b.dim() !== 1) throw new RangeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  if (a.dtype !== b.dtype) throw new TypeError(`dot : expected both vectors to have same dtype, but found ${scalarTypeName(a.dtype)} and ${scalarTypeName(b.dtype)}`);
  const out = dot(a.detach(), b.detach());
  if (needsGrad(a, b)) record(new VdotBackward0(), [a, b], [out]).save(a, b);
  return out;
});
/** torch.vdot(input, other): the dot product of two 1-d tensors (the first conjugated: real tensors here). */
export const vdot = vdotOp.fn;

// --- addr / addmv / addbmm / baddbmm ---

type Grads = (g: Tensor, saved: Tensor[], next: readonly unknown[]) => Grad[];

class FusedBackward extends Node {
  constructor(readonly name: string, private readonly inputShape: number[], private readonly beta: number, private readonly grads: Grads) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const grad = g as Tensor;
    const gi = this.next[0] ? sumToShape(this.beta === 1 ? grad : grad.mul(this.beta), this.inputShape) : null;
    return [gi, ...this.grads(grad, this.saved(), this.next)];
  }
}

const scale = (t: Tensor, s: number) => (s === 1 ? t : t.mul(s));

/** beta * input + alpha * product (input broadcast to the product's shape; ignored when beta is 0). */
function fused(name: string, input: Tensor, a: Tensor, b: Tensor, beta: number, alpha: number, product: (a: Tensor, b: Tensor) => Tensor, grads: Grads): Tensor {
  if (!isFloatingDtype(input.dtype) && (!Number.isInteger(alpha) || !Number.isInteger(beta))) {
    throw new TypeError(`For integral input tensors, argument ${Number.isInteger(beta) ? 'alpha' : 'beta'} must not be a floating point number.`);
  }
  const p = product(a.detach(), b.detach());
  if (input.dtype !== p.dtype) throw new TypeError(`expected scalar type ${scalarTypeName(p.dtype)} but found ${scalarTypeName(input.dtype)}`);
  const bias = input.detach().expand(p.shape);
  const out = beta === 0 ? scale(p, alpha) : scale(p, alpha).add(scale(bias, beta));
  if (needsGrad(input, a, b)) record(new FusedBackward(`${name}Backward0`, input.shape.slice(), beta, grads), [input, a, b], [out]).save(a, b);
  return out;
}

const betaAlpha = ['*', ['beta', numberArg, 1], ['alpha', numberArg, 1]] as const;

const addrOp = tensorOp('addr', [['vec1', tensorArg], ['vec2', tensorArg], ...betaAlpha] as const, (input, x) => {
  if (x.vec1.dim() !== 1) throw new RangeError(`addr: Expected 1-D argument vec1, but got ${x.vec1.dim()}-D`);
  if (x.vec2.dim() !== 1) throw new RangeError(`addr: Expected 1-D argument vec2, but got ${x.vec2.dim()}-D`);
  return fused('Addr', input, x.vec1, x.vec2, x.beta, x.alpha, (a, b) => outer(a, b), (g, [v1, v2], next) => [
    next[1] ? scale(g.mv(v2), x.alpha) : null,
    next[2] ? scale(g.t().mv(v1), x.alpha) : null,
  ]);
});
const addmvOp = tensorOp('addmv', [['mat', tensorArg], ['vec', tensorArg], ...betaAlpha] as const, (input, x) =>
  fused('Addmv', input, x.mat, x.vec, x.beta, x.alpha, (a, b) => mv(a, b), (g, [m, v], next) => [
    next[1] ? scale(outer(g, v), x.alpha) : null,
    next[2] ? scale(m.t().mv(g), x.alpha) : null,
  ]),
);
const addbmmOp = tensorOp('addbmm', [['batch1', tensorArg], ['batch2', tensorArg], ...betaAlpha] as const, (input, x) => {
  const { batch1, batch2 } = x;
  if (batch1.dim() !== 3) throw new RangeError('batch1 must be a 3D tensor');
  if (batch2.dim() !== 3) throw new RangeError('batch2 must be a 3D tensor');
  if (batch1.shape[0] !== batch2.shape[0]) throw new RangeError(`batch1 and batch2 must have same number of batches, got ${batch1.shape[0]} and ${batch2.shape[0]}`);
  if (batch1.shape[2] !== batch2.shape[1]) {
    throw new RangeError(`Incompatible matrix sizes for bmm (${batch1.shape[1]}x${batch1.shape[2]} and ${batch2.shape[1]}x${batch2.shape[2]})`);
  }
  // sum_b A_b B_b is one mm of [n, B*m] by [B*m, p].
  const product = (a: Tensor, b: Tensor) => mm(a.permute(1, 0, 2).reshape(a.shape[1], -1), b.reshape(-1, b.shape[2]));
  return fused('Addbmm', input, batch1, batch2, x.beta, x.alpha, product, (g, [b1, b2], next) => {
    const ge = g.unsqueeze(0).expand(b1.shape[0], g.shape[0], g.shape[1]);
    return [next[1] ? scale(ge.bmm(b2.transpose(1, 2)), x.alpha) : null, next[2] ? scale(b1.transpose(1, 2).bmm(ge), x.alpha) : null];
  });
});
const baddbmmOp = tensorOp('baddbmm', [['batch1', tensorArg], ['batch2', tensorArg], ...betaAlpha] as const, (input, x) =>
  fused('Baddbmm', input, x.batch1, x.batch2, x.beta, x.alpha, (a, b) => bmm(a, b), (g, [b1, b2], next) => [
    next[1] ? scale(g.bmm(b2.transpose(1, 2)), x.alpha) : null,
    next[2] ? scale(b1.transpose(1, 2).bmm(g), x.alpha) : null,
  ]),
);
/** torch.addr(input, vec1, vec2, *, beta=1, alpha=1): beta * input + alpha * outer(vec1, vec2). */
export const addr = addrOp.fn;
/** torch.addmv(input, mat, vec, *, beta=1, alpha=1): beta * input + alpha * (mat @ vec). */
export const addmv = addmvOp.fn;
/** torch.addbmm(input, batch1, batch2, *, beta=1, alpha=1): beta * input + alpha * sum_b batch1[b] @ batch2[b]. */
export const addbmm = addbmmOp.fn;
/** torch.baddbmm(input, batch1, batch2, *, beta=1, alpha=1): beta * input + alpha * bmm(batch1, batch2). */
export const baddbmm = baddbmmOp.fn;

function inplaceOf<A extends unknown[]>(fn: (this: Tensor, ...args: A) => Tensor) {
  return function (this: Tensor, ...args: A): Tensor {
    const others = args.filter((v): v is Tensor => v instanceof Tensor);
    return inplace(this, others, (s) => fn.call(s, ...args));
  };
}

/** torch.addmv_(input, mat, vec, *, beta=1, alpha=1): addmv into input. */
export function addmv_(input: Tensor, ...args: Parameters<typeof addmvOp.method>): Tensor {
  checkTensor('addmv_', 'input', 1, input);
  return (P.addmv_ as (...a: unknown[]) => Tensor).call(input, ...args);
}

function addmmMethod(this: Tensor, mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
  checkTensor('addmm_', 'mat1', 1, mat1);
  checkTensor('addmm_', 'mat2', 2, mat2);
  return addmm(this, mat1, mat2, opts);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    kron(...args: Parameters<typeof kronOp.method>): Tensor;
    inner(...args: Parameters<typeof innerOp.method>): Tensor;
    ger(...args: Parameters<typeof gerOp.method>): Tensor;
    vdot(...args: Parameters<typeof vdotOp.method>): Tensor;
    addr(...args: Parameters<typeof addrOp.method>): Tensor;
    addr_(...args: Parameters<typeof addrOp.method>): Tensor;
    addmv(...args: Parameters<typeof addmvOp.method>): Tensor;
    addmv_(...args: Parameters<typeof addmvOp.method>): Tensor;
    addbmm(...args: Parameters<typeof addbmmOp.method>): Tensor;
    addbmm_(...args: Parameters<typeof addbmmOp.method>): Tensor;
    baddbmm(...args: Parameters<typeof baddbmmOp.method>): Tensor;
    baddbmm_(...args: Parameters<typeof baddbmmOp.method>): Tensor;
    addmm_(mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor;
  }
}

const P = Tensor.prototype;
P.kron = kronOp.method;
P.inner = innerOp.method;
P.ger = gerOp.method;
P.vdot = vdotOp.method;
P.addr = addrOp.method;
P.addr_ = inplaceOf(addrOp.method);
P.addmv = addmvOp.method;
P.addmv_ = inplaceOf(addmvOp.method);
P.addbmm = addbmmOp.method;
P.addbmm_ = inplaceOf(addbmmOp.method);
P.baddbmm = baddbmmOp.method;
P.baddbmm_ = inplaceOf(baddbmmOp.method);
P.addmm_ = inplaceOf(addmmMethod);
