// Matrix products: mm (and torch.spmm, its strided-input twin), bmm, addmm, dot, mv,
// outer, matmul (PyTorch's dispatch by rank, so results and node names match), and linear.
import { backend } from '../backend/index.js';
import { checkTensor } from '../tensor/args.js';
import { castScalar, resultType, scalarTypeName } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkCast } from './inplace.js';
import { broadcastTo, scalarView } from './kernels.js';
import { needsGrad, record } from './record.js';
import { squeeze } from './view.js';
import { pairOp } from './op-args.js';

type Grad = Tensor | null;

// PyTorch 1.13's messages for operands of different dtypes (no promotion in products):
// the GEMM kernels' `expected scalar type <first> but found <second>` (mm, bmm, mv and
// what matmul and linear route to them), addmm's own checks, and dot's.
function gemmDtypes(a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new TypeError(`expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`);
}
function addmmDtypes(input: Tensor, a: Tensor, b: Tensor): void {
  // addmm checks self against mat2 before mat1 against mat2
  if (input.dtype !== b.dtype) throw new TypeError('self and mat2 must have the same dtype');
  if (a.dtype !== b.dtype) throw new TypeError('mat1 and mat2 must have the same dtype');
}

/** The batched GEMM kernel: a [..., M, K] @ b [..., K, N] with equal batch dims. */
function gemm(a: Tensor, b: Tensor): Tensor {
  const nd = a.dim();
  const shape = [...a.shape.slice(0, nd - 2), a.shape[nd - 2], b.shape[nd - 1]];
  // The GEMM writes every output element when K > 0 (K = 0: zeros, so zero-filled).
  const out = a.shape[nd - 1] > 0 ? Tensor.emptyForOverwrite(shape, a.dtype) : Tensor.empty(shape, a.dtype);
  backend().matmul(a, b, out.buffer);
  return out;
}

class MmBackward0 extends Node {
  readonly name = 'MmBackward0';
  backward([g]: Grad[]): Grad[] {
    const [a, b] = this.saved();
    const grad = g as Tensor;
    return [this.next[0] ? mmMat1Backward(grad, b, a) : null, this.next[1] ? mmMat2Backward(grad, a, b) : null];
  }
}

/** A matrix stored column-major (e.g. weight.t()): strides [1, rows]. */
function columnMajor(m: Tensor): boolean {
  return m.strides[0] === 1 && m.strides[1] === m.shape[0];
}

// PyTorch's mm_mat1_backward / mm_mat2_backward: the gradient of a column-major operand
// is computed transposed, so that it comes out column-major too. For linear layers
// (mat2 = weight.t()) the weight's gradient then reaches AccumulateGrad contiguous:
// accumulating a transposed 128x784 gradient read it with a 512-byte stride.
function mmMat1Backward(grad: Tensor, b: Tensor, a: Tensor): Tensor {
  return columnMajor(a) ? b.mm(grad.t()).t() : grad.mm(b.t());
}
function mmMat2Backward(grad: Tensor, a: Tensor, b: Tensor): Tensor {
  return columnMajor(b) ? grad.t().mm(a).t() : a.t().mm(grad);
}

function mmOf(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 2) throw new RangeError('self must be a matrix');
  if (b.dim() !== 2) throw new RangeError('mat2 must be a matrix');
  if (a.shape[1] !== b.shape[0]) {
    throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  }
  gemmDtypes(a, b);
  const out = gemm(a, b);
  if (needsGrad(a, b)) record(new MmBackward0(), [a, b], [out]).save(a, b);
  return out;
}

class BmmBackward0 extends Node {
  readonly name = 'BmmBackward0';
  backward([g]: Grad[]): Grad[] {
    const [a, b] = this.saved();
    const grad = g as Tensor;
    return [this.next[0] ? grad.bmm(b.transpose(1, 2)) : null, this.next[1] ? a.transpose(1, 2).bmm(grad) : null];
  }
}

function bmmOf(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3) throw new RangeError(`batch1 must be a 3D tensor`);
  if (b.dim() !== 3) throw new RangeError(`batch2 must be a 3D tensor`);
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(`Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  if (a.shape[2] !== b.shape[1]) {
    throw new RangeError(`Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  gemmDtypes(a, b);
  const out = gemm(a, b);
  if (needsGrad(a, b)) record(new BmmBackward0(), [a, b], [out]).save(a, b);
  return out;
}

class AddmmBackward0 extends Node {
  readonly name = 'AddmmBackward0';
  constructor(private readonly beta: number, private readonly alpha: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [a, b] = this.saved();
    const grad = g as Tensor;
    const scale = (t: Tensor, s: number) => (s === 1 ? t : t.mul(s));
    return [
      this.next[0] ? scale(grad, this.beta) : null,
      this.next[1] ? scale(mmMat1Backward(grad, b, a), this.alpha) : null,
      this.next[2] ? scale(mmMat2Backward(grad, a, b), this.alpha) : null,
    ];
  }
}

/** beta * input + alpha * (a @ b), input broadcast to the product's shape. */
export function addmm(input: Tensor, a: Tensor, b: Tensor, opts: { beta?: number; alpha?: number } = {}): Tensor {
  checkTensor('addmm', 'input', 1, input);
  checkTensor('addmm', 'mat1', 2, a);
  checkTensor('addmm', 'mat2', 3, b);
  const beta = opts.beta ?? 1;
  const alpha = opts.alpha ?? 1;
  if (a.dim() !== 2 || b.dim() !== 2) throw new RangeError('addmm: mat1 and mat2 must be matrices');
  if (a.shape[1] !== b.shape[0]) {
    throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  }
  addmmDtypes(input, a, b);
  const product = gemm(a, b);
  const shape = product.shape;
  broadcastShapes(input.shape, shape);
  const dtype = a.dtype;
  const bias = broadcastTo(input, shape);
  // beta 0 or 1: the result overwrites the product in place (each element is read, then
  // written), saving an output buffer the size of the product (5.6 MB per step for the
  // LSTM language model's decoder).
  let out = product;
  if (beta === 0) {
    backend().binary('mul', product, broadcastTo(scalarView(alpha, dtype), shape), out.buffer);
  } else if (beta === 1) {
    backend().binary('add', bias, product, out.buffer, castScalar(alpha, dtype));
  } else {
    out = Tensor.empty(shape.slice(), dtype);
    backend().binary('mul', bias, broadcastTo(scalarView(beta, dtype), shape), out.buffer);
    backend().binary('add', out, product, out.buffer, castScalar(alpha, dtype));
  }
  if (needsGrad(input, a, b)) record(new AddmmBackward0(beta, alpha), [input, a, b], [out]).save(a, b);
  return out;
}

class DotBackward0 extends Node {
  readonly name = 'DotBackward0';
  backward([g]: Grad[]): Grad[] {
    const [a, b] = this.saved();
    const grad = g as Tensor;
    return [this.next[0] ? grad.mul(b) : null, this.next[1] ? grad.mul(a) : null];
  }
}

function dotOf(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new RangeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  if (a.dtype !== b.dtype) throw new TypeError(`dot : expected both vectors to have same dtype, but found ${scalarTypeName(a.dtype)} and ${scalarTypeName(b.dtype)}`);
  const out = new Tensor(gemm(a.view(1, -1), b.view(-1, 1))._storage, a.dtype, []);
  if (needsGrad(a, b)) record(new DotBackward0(), [a, b], [out]).save(a, b);
  return out;
}

class MvBackward0 extends Node {
  readonly name = 'MvBackward0';
  backward([g]: Grad[]): Grad[] {
    const [a, v] = this.saved();
    const grad = g as Tensor;
    return [this.next[0] ? grad.unsqueeze(1).mul(v) : null, this.next[1] ? a.t().mv(grad) : null];
  }
}

function mvOf(a: Tensor, v: Tensor): Tensor {
  if (a.dim() !== 2 || v.dim() !== 1) throw new RangeError(`vector + matrix @ vector expected, got ${a.dim()}, ${v.dim()}`);
  if (a.shape[1] !== v.shape[0]) {
    throw new RangeError(`size mismatch, got ${a.shape[0]}, ${a.shape[0]}x${a.shape[1]},${v.shape[0]}`);
  }
  gemmDtypes(a, v);
  const out = new Tensor(gemm(a, v.view(-1, 1))._storage, a.dtype, [a.shape[0]]);
  if (needsGrad(a, v)) record(new MvBackward0(), [a, v], [out]).save(a, v);
  return out;
}

function outerOf(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new RangeError('outer: expected 1-D tensors');
  return a.reshape(-1, 1).mul(b);
}

/** torch.matmul: dot, mm, mv, or a batched product with broadcast batch dims. */
function matmulOf(a: Tensor, b: Tensor): Tensor {
  const da = a.dim();
  const db = b.dim();
  if (da === 0 || db === 0) throw new RangeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) return dot(a, b);
  // PyTorch folds a 1-D or 2-D first operand against a batched second one transposed, so its
  // GEMM names b's dtype first; every other route names a's. (This implementation takes other
  // routes for some ranks, so the message is decided here, by rank, as PyTorch's is.)
  if (a.dtype !== b.dtype) (db >= 3 && da <= 2 ? gemmDtypes(b, a) : gemmDtypes(a, b));
  if (da === 2 && db === 1) return mv(a, b);
  // PyTorch squeezes in place here (node SqueezeBackward3).
  if (da === 1 && db === 2) return squeeze(mm(a.unsqueeze(0), b), 0, 'SqueezeBackward3');
  if (da === 2 && db === 2) return mm(a, b);
  if (da >= 3 && db <= 2) {
    // Fold the batch into the rows of one mm.
    const k = a.shape[da - 1];
    const rows = a.reshape(-1, k);
    const prod = db === 1 ? mm(rows, b.unsqueeze(1)) : mm(rows, b);
    const outShape = db === 1 ? a.shape.slice(0, da - 1) : [...a.shape.slice(0, da - 1), b.shape[1]];
    return unsafeView(prod, outShape);
  }
  if (da === 2 && db >= 3) {
    // PyTorch folds the transposed problem (b^T a^T)^T and returns it contiguous.
    return matmul(b.mT, a.t()).mT.contiguous();
  }
  // Batched: broadcast the batch dims, then bmm.
  const aa = da === 1 ? a.unsqueeze(0) : a;
  const bb = db === 1 ? b.unsqueeze(1) : b;
  const batch = broadcastShapes(aa.shape.slice(0, -2), bb.shape.slice(0, -2));
  const [n, k] = aa.shape.slice(-2);
  const [k2, p] = bb.shape.slice(-2);
  if (k !== k2) {
    throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${batch.reduce((x, y) => x * y, 1) * n}x${k} and ${k2}x${p})`);
  }
  const count = batch.reduce((x, y) => x * y, 1);
  const a3 = aa.expand([...batch, n, k]).reshape(count, n, k);
  const b3 = bb.expand([...batch, k, p]).reshape(count, k, p);
  let shape = [...batch, n, p];
  if (da === 1) shape = [...batch, p];
  else if (db === 1) shape = [...batch, n];
  return unsafeView(bmm(a3, b3), shape);
}

class UnsafeViewBackward0 extends Node {
  readonly name = 'UnsafeViewBackward0';
  constructor(private readonly shape: number[]) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return [(g as Tensor).reshape(this.shape)];
  }
}

/** PyTorch's _unsafe_view: a reshape of a fresh result that is not tracked as a view. */
function unsafeView(x: Tensor, shape: number[]): Tensor {
  const out = new Tensor(x._storage, x.dtype, shape);
  if (needsGrad(x)) record(new UnsafeViewBackward0(x.shape.slice()), [x], [out]);
  return out;
}

/** nn.functional.linear: x @ weight.T + bias, as PyTorch composes it. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('linear', 'input', 1, x);
  checkTensor('linear', 'weight', 2, weight);
  if (bias != null) checkTensor('linear', 'bias', 3, bias);
  const inFeatures = weight.shape[weight.dim() - 1];
  if (x.shape[x.dim() - 1] !== inFeatures) {
    const rows = x.dim() === 1 ? 1 : x.numel() / x.shape[x.dim() - 1];
    throw new RangeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape[x.dim() - 1]} and ${weight.shape[1]}x${weight.shape[0]})`);
  }
  if (bias === undefined || bias === null) return matmul(x, weight.t());
  if (x.dim() === 2) return addmm(bias, x, weight.t());
  if (x.dim() >= 3 && x.isContiguous()) {
    const out = addmm(bias, x.view(-1, inFeatures), weight.t());
    return out.view([...x.shape.slice(0, -1), weight.shape[0]]);
  }
  // PyTorch adds the bias in place (output.add_(bias)), so the result keeps the product's dtype
  // even where the bias's differs (refused, as add_ refuses, where the sum's type cannot be cast
  // back, e.g. a float bias on an int64 product); the cast stands in for add_'s in-place one.
  const out = matmul(x, weight.t());
  if (bias.dtype === out.dtype) return out.add(bias);
  checkCast(resultType(out, bias), out.dtype);
  return out.add(bias.to(out.dtype));
}

// torch.op(input, other) and input.op(other), the second tensor by PyTorch's name
// (mm's mat2, mv's vec, dot's tensor, outer's vec2) positionally or as an option.
const mmOp = pairOp('mm', 'mat2', mmOf);
const bmmOp = pairOp('bmm', 'mat2', bmmOf);
const dotOp = pairOp('dot', 'tensor', dotOf);
const mvOp = pairOp('mv', 'vec', mvOf);
const outerOp = pairOp('outer', 'vec2', outerOf);
const matmulOp = pairOp('matmul', 'other', matmulOf);
// torch.spmm (a torch function, not a Tensor method): on strided tensors PyTorch 1.13 computes
// mm itself (node MmBackward0) and parses its arguments as mm's, naming mm() in its errors.
// torchlette has no sparse layouts, so a sparse operand cannot reach it; anything but a
// Tensor is refused by the parse.
const spmmOp = pairOp('mm', 'mat2', mmOf);
export const mm = mmOp.fn;
/** torch.spmm(input, mat2): mm for strided tensors (torchlette has no sparse layouts). */
export const spmm = spmmOp.fn;
export const bmm = bmmOp.fn;
export const dot = dotOp.fn;
export const mv = mvOp.fn;
export const outer = outerOp.fn;
/** torch.matmul: dot, mm, mv, or a batched product with broadcast batch dims. */
export const matmul = matmulOp.fn;

declare module '../tensor/tensor.js' {
  interface Tensor {
    matmul(...args: Parameters<typeof matmulOp.method>): Tensor;
    mm(...args: Parameters<typeof mmOp.method>): Tensor;
    bmm(...args: Parameters<typeof bmmOp.method>): Tensor;
    mv(...args: Parameters<typeof mvOp.method>): Tensor;
    dot(...args: Parameters<typeof dotOp.method>): Tensor;
    outer(...args: Parameters<typeof outerOp.method>): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor;
  }
}

const P = Tensor.prototype;
P.matmul = matmulOp.method;
P.mm = mmOp.method;
P.bmm = bmmOp.method;
P.mv = mvOp.method;
P.dot = dotOp.method;
P.outer = outerOp.method;
P.addmm = function (this: Tensor, mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }) {
  checkTensor('addmm', 'mat1', 1, mat1);
  checkTensor('addmm', 'mat2', 2, mat2);
  return addmm(this, mat1, mat2, opts);
};
