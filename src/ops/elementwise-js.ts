// Elementwise functions evaluated per element in JS, in float64, stored in the result's
// dtype, with a backward given as a closure (special.ts, special-scipy.ts): for the
// functions PyTorch evaluates with scalar code (Cephes-style) rather than vector kernels.
// Not re-exported from ops/index.ts (these are not torch.* functions).
import { backend } from '../backend/index.js';
import { checkTensor } from '../tensor/args.js';
import { asNumbers, floatResult, resultType, type DType } from '../tensor/dtype.js';
import { Node } from '../tensor/graph.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from './kernels.js';
import { needsGrad, record } from './record.js';
import { sumToShape } from './reduce.js';

type Grad = Tensor | null;

/** A backward given as a closure over the tensors the forward saved. */
export class ElementwiseBackward extends Node {
  constructor(
    readonly name: string,
    private readonly grads: (g: Tensor, saved: Tensor[]) => Grad[],
  ) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    return this.grads(g as Tensor, this.saved());
  }
}

export const asTensor = (v: TensorLike, dtype: DType): Tensor => (v instanceof Tensor ? v : Tensor.fromData(new Float64Array([Number(v)]), 'float64', []).to(dtype));

/** Float64 results stored in `dtype` (C++ cast semantics). */
function stored(o: Float64Array, shape: number[], dtype: DType): Tensor {
  if (dtype === 'float64') return Tensor.fromData(o, dtype, shape);
  const out = Tensor.empty(shape, dtype);
  backend().copy(Tensor.fromData(o, 'float64', shape), out);
  return out;
}

/** out[i] = f(x[i]) computed in float64 and stored in `dtype`. */
export function map1(x: Tensor, dtype: DType, f: (v: number) => number): Tensor {
  const src = asNumbers(x.toTypedArray());
  const o = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) o[i] = f(src[i]);
  return stored(o, x.shape.slice(), dtype);
}

/** out = f(a, b) over the broadcast shape, stored in `dtype`. */
export function map2(a: Tensor, b: Tensor, dtype: DType, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const x = asNumbers(a.expand(shape).toTypedArray());
  const y = asNumbers(b.expand(shape).toTypedArray());
  const o = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) o[i] = f(x[i], y[i]);
  return stored(o, shape, dtype);
}

/** A float-valued unary op evaluated in JS with its derivative d(x, result). */
export function unaryJs(name: string, node: string, f: (v: number) => number, d: ((x: Tensor, r: Tensor) => Tensor) | null) {
  return (x: Tensor): Tensor => {
    checkTensor(name, 'input', 1, x);
    const out = map1(x, floatResult(x.dtype), f);
    if (d !== null && needsGrad(x)) {
      record(new ElementwiseBackward(node, (g, [xs, r]) => [g.mul(d(xs, r))]), [x], [out]).save(x, out);
    }
    return out;
  };
}

/** The two operands of a binary JS function as tensors of their float result dtype. */
export function floatPair(name: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, DType] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError(`${name}(): argument 'input' (position 1) must be Tensor, not number`);
  const dtype = floatResult(resultType(a, b));
  return [asTensor(a, dtype).to(dtype), asTensor(b, dtype).to(dtype), dtype];
}

export function binaryJs(name: string, node: string, f: (x: number, y: number) => number, d: ((a: Tensor, b: Tensor, r: Tensor) => [Tensor | null, Tensor | null]) | null) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y, dtype] = floatPair(name, a, b);
    const out = map2(x, y, dtype, f);
    const ta = a instanceof Tensor ? a : null;
    const tb = b instanceof Tensor ? b : null;
    if (d !== null && needsGrad(ta, tb)) {
      record(new ElementwiseBackward(node, (g, [xs, ys, r]) => {
        const [ga, gb] = d(xs, ys, r);
        return [ta && ga ? sumToShape(g.mul(ga), ta.shape) : null, tb && gb ? sumToShape(g.mul(gb), tb.shape) : null];
      }), [ta, tb], [out]).save(x, y, out);
    }
    return out;
  };
}

