// torch.trapezoid / trapz / cumulative_trapezoid: the trapezoid rule along one dim, with
// unit spacing, a constant `dx`, or sample points `x` — composed of differentiable ops
// in the order PyTorch's ATen/native/Integration.cpp computes them.
import { checkTensor, int, nullable, number, signature, tensor, type ArgsOf } from '../tensor/args.js';
import { zeros } from '../tensor/create.js';
import { normalizeDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

const spec = [['x', nullable(tensor), null], '*', ['dx', nullable(number), null], ['dim', int, -1]] as const;
const trapezoidArgs = signature('trapezoid', spec);
const trapzArgs = signature('trapz', spec);
const cumulativeArgs = signature('cumulative_trapezoid', spec);

/** The spacing along dim: x's differences viewed to broadcast against y's, or null for a constant dx. */
function spacing(name: string, y: Tensor, x: Tensor | null, dx: number | null, dim: number): Tensor | null {
  if (x !== null && dx !== null) throw new TypeError(`${name}(): give either the sample points x or a constant dx, not both`);
  if (y.dtype === 'bool' || x?.dtype === 'bool') {
    throw new TypeError(`${name}: received a bool input for ${x === null ? '`y`' : '`x` or `y`'}, but bool is not supported`);
  }
  if (x === null) return null;
  let viewed = x;
  if (x.dim() === 1) {
    if (x.shape[0] !== y.shape[dim]) throw new RangeError(`${name}: There must be one \`x\` value for each sample point`);
    viewed = x.view(y.shape.map((n, i) => (i === dim ? x.shape[0] : 1)));
  } else if (x.dim() < y.dim()) {
    viewed = x.view([...new Array<number>(y.dim() - x.dim()).fill(1), ...x.shape]);
  }
  return viewed.slice(dim, 1).sub(viewed.slice(dim, 0, -1));
}

function integrate(name: string, y: Tensor, a: { x: Tensor | null; dx: number | null; dim: number }): Tensor {
  checkTensor(name, 'y', 1, y);
  const dim = normalizeDim(a.dim, y.dim());
  const dx = spacing(name, y, a.x, a.dx, dim);
  // Integrating zero samples gives 0, as NumPy.
  if (y.shape[dim] === 0) return zeros(y.shape.filter((_, i) => i !== dim), { dtype: y.dtype });
  if (dx !== null) return y.slice(dim, 0, -1).add(y.slice(dim, 1)).mul(dx).sum(dim).div(2);
  return y.sum(dim).sub(y.select(dim, 0).add(y.select(dim, -1)).mul(0.5)).mul(a.dx ?? 1);
}

/** torch.trapezoid(y, x?, { dx, dim }): the integral of y along dim by the trapezoid rule. */
export function trapezoid(y: Tensor, ...args: ArgsOf<typeof trapezoidArgs>): Tensor {
  return integrate('trapezoid', y, trapezoidArgs.parse(args));
}

/** torch.trapz: the older name of trapezoid. */
export function trapz(y: Tensor, ...args: ArgsOf<typeof trapzArgs>): Tensor {
  return integrate('trapz', y, trapzArgs.parse(args));
}

/** torch.cumulative_trapezoid: the running trapezoid integral (one value per interval) along dim. */
export function cumulativeTrapezoid(y: Tensor, ...args: ArgsOf<typeof cumulativeArgs>): Tensor {
  checkTensor('cumulative_trapezoid', 'y', 1, y);
  const a = cumulativeArgs.parse(args);
  const dim = normalizeDim(a.dim, y.dim());
  const dx = spacing('cumulative_trapezoid', y, a.x, a.dx, dim);
  const pairs = y.slice(dim, 0, -1).add(y.slice(dim, 1));
  if (dx !== null) return pairs.mul(dx).cumsum(dim).div(2);
  return pairs.mul((a.dx ?? 1) / 2).cumsum(dim);
}
