// affine_grid (2-D and 3-D) as PyTorch 1.13 generates it: a base grid of normalised
// coordinates (PyTorch's linspace_from_neg_one) times theta^T, one batched matmul.
// (grid_sample is not implemented yet.)
import { noGrad } from '../../autograd/grad-mode.js';
import { needsGrad, record } from '../../ops/record.js';
import { intList, nullable, bool, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { linspace, ones } from '../../tensor/create.js';
import { Node } from '../../tensor/graph.js';
import type { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import { stack } from '../../ops/join.js';

type Grad = Tensor | null;

const affineGridArgs = signature('affine_grid', [['theta', tensor], ['size', intList], ['alignCorners', nullable(bool), null]] as const);

const pyTuple = (v: readonly number[]) => `[${v.join(', ')}]`;

/** linspace_from_neg_one: n points over [-1, 1], pulled in to pixel centres without align_corners. */
function fromNegOne(theta: Tensor, n: number, alignCorners: boolean): Tensor {
  if (n <= 1) return linspace(0, 0, 1, { dtype: theta.dtype });
  const r = linspace(-1, 1, n, { dtype: theta.dtype });
  return alignCorners ? r : r.mul(n - 1).div(n);
}

/** The (prod(spatial), k + 1) base grid: x fastest, then y (then z), then a column of ones. */
function baseGrid(theta: Tensor, spatial: readonly number[], alignCorners: boolean): Tensor {
  const k = spatial.length;
  const numel = spatial.reduce((a, b) => a * b, 1);
  const cols: Tensor[] = [];
  // Coordinates in (x, y, z) order: x runs along the last spatial dim.
  for (let c = 0; c < k; c++) {
    const d = k - 1 - c;
    const shape = spatial.map((_, i) => (i === d ? spatial[d] : 1));
    cols.push(fromNegOne(theta, spatial[d], alignCorners).reshape(shape).expand(spatial.slice()).reshape([numel]));
  }
  cols.push(ones([numel], { dtype: theta.dtype }));
  return stack(cols, 1);
}

class AffineGridGeneratorBackward0 extends Node {
  readonly name = 'AffineGridGeneratorBackward0';
  constructor(private readonly base: Tensor, private readonly n: number) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    // grid = base @ theta^T  =>  dtheta = (g^T @ base) per batch.
    const grad = g as Tensor;
    const k = this.base.shape[1] - 1;
    const flat = grad.reshape([this.n, -1, k]);
    return [flat.transpose(1, 2).matmul(this.base)];
  }
}

/**
 * affine_grid(theta, size, align_corners=None): the sampling grid (N, H, W, 2) of a batch of
 * 2x3 matrices for size (N, C, H, W), or (N, D, H, W, 3) of 3x4 matrices for (N, C, D, H, W).
 */
export function affineGrid(...args: ArgsOf<typeof affineGridArgs>): Tensor {
  const a = affineGridArgs.parse(args);
  const { theta, size } = a;
  let alignCorners = a.alignCorners;
  if (alignCorners === null) {
    warnOnce(
      'Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.',
    );
    alignCorners = false;
  }
  if (!theta.isFloatingPoint()) throw new TypeError(`Expected theta to have floating point type, but got ${theta.dtype}`);
  let spatial: number[];
  if (size.length === 4) {
    if (theta.dim() !== 3 || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
      throw new RangeError(`Expected a batch of 2D affine matrices of shape Nx2x3 for size ${pyTuple(size)}. Got torch.Size(${pyTuple(theta.shape)}).`);
    }
    spatial = size.slice(-2);
  } else if (size.length === 5) {
    if (theta.dim() !== 3 || theta.shape[1] !== 3 || theta.shape[2] !== 4) {
      throw new RangeError(`Expected a batch of 3D affine matrices of shape Nx3x4 for size ${pyTuple(size)}. Got torch.Size(${pyTuple(theta.shape)}).`);
    }
    spatial = size.slice(-3);
  } else {
    throw new Error(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${pyTuple(size)}.`);
  }
  if (alignCorners && Math.min(...spatial) === 1) {
    warnOnce(
      'Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an intended use case of affine_grid. See the documentation of affine_grid for details.',
    );
  } else if (Math.min(...size) <= 0) {
    throw new RangeError(`Expected non-zero, positive output size. Got ${pyTuple(size)}`);
  }
  const n = size[0];
  const k = spatial.length;
  const base = baseGrid(theta, spatial, alignCorners);
  const out = noGrad(() => base.expand([n, ...base.shape]).bmm(theta.transpose(1, 2)).reshape([n, ...spatial, k]));
  if (needsGrad(theta)) record(new AffineGridGeneratorBackward0(base, n), [theta], [out]);
  return out;
}
