// Distance functions of torch.nn.functional and their torch.* twins, as PyTorch 1.13 computes
// them: cosine_similarity (each input divided by its eps-clamped norm, then the dot product),
// pairwise_distance (the p-norm of x1 - x2 + eps over the last dim), normalize, pdist and cdist
// (the matmul form for p = 2 on more than 25 rows, as ATen's cdist picks, so values agree).
// Composed of differentiable tensor ops; the two nodes below carry ATen's backward formulas
// where autograd through the composition would differ from PyTorch's.
import { triuIndices } from '../../ops/triangular.js';
import { cat } from '../../ops/join.js';
import { needsGrad, record } from '../../ops/record.js';
import { bool, int, nullable, number, signature, string, tensor, type ArgsOf } from '../../tensor/args.js';
import { onesLike } from '../../tensor/create.js';
import { Node } from '../../tensor/graph.js';
import { broadcastShapes, normalizeDim } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

type Grad = Tensor | null;

/**
 * ATen's cosine_similarity norm: sqrt(sum of squares), clamped to eps in place without autograd
 * seeing the clamp, so its gradient is that of sqrt with the clamped result (SqrtBackward0).
 */
class ClampedSqrtBackward extends Node {
  readonly name = 'SqrtBackward0';
  backward([g]: Grad[]): Grad[] {
    const [result] = this.saved();
    return [(g as Tensor).div(result.mul(2))];
  }
}

function clampedSqrt(s: Tensor, eps: number): Tensor {
  const out = s.detach().sqrt().clampMin(eps);
  if (needsGrad(s)) record(new ClampedSqrtBackward(), [s], [out]).save(out);
  return out;
}

const cosineSimilarityArgs = signature('cosine_similarity', [
  ['x1', tensor],
  ['x2', tensor],
  ['dim', int, 1],
  ['eps', number, 1e-8],
] as const);

/** cosine_similarity(x1, x2, dim=1, eps=1e-8): sum over dim of (x1 / max(‖x1‖, eps)) (x2 / max(‖x2‖, eps)). */
export function cosineSimilarity(...args: ArgsOf<typeof cosineSimilarityArgs>): Tensor {
  const { x1, x2, dim, eps } = cosineSimilarityArgs.parse(args);
  const shape = broadcastShapes(x1.shape, x2.shape);
  const a = x1.expand(shape);
  const b = x2.expand(shape);
  const d = normalizeDim(dim, shape.length);
  const n1 = clampedSqrt(a.pow(2).sum(d, true), eps);
  const n2 = clampedSqrt(b.pow(2).sum(d, true), eps);
  return a.div(n1).mul(b.div(n2)).sum(d);
}

const pairwiseDistanceArgs = signature('pairwise_distance', [
  ['x1', tensor],
  ['x2', tensor],
  ['p', number, 2],
  ['eps', number, 1e-6],
  ['keepdim', bool, false],
] as const);

/** pairwise_distance(x1, x2, p=2, eps=1e-6, keepdim=False): ‖x1 - x2 + eps‖_p over the last dim. */
export function pairwiseDistance(...args: ArgsOf<typeof pairwiseDistanceArgs>): Tensor {
  const { x1, x2, p, eps, keepdim } = pairwiseDistanceArgs.parse(args);
  const innermost = Math.max(x1.dim(), x2.dim()) - 1;
  return x1.sub(x2).add(eps).norm(p, innermost, keepdim);
}

const normalizeArgs = signature('normalize', [
  ['input', tensor],
  ['p', number, 2],
  ['dim', int, 1],
  ['eps', number, 1e-12],
  ['out', nullable(tensor), null],
] as const);

/** normalize(input, p=2, dim=1, eps=1e-12): input / max(‖input‖_p over dim, eps). */
export function normalize(...args: ArgsOf<typeof normalizeArgs>): Tensor {
  const { input, p, dim, eps, out } = normalizeArgs.parse(args);
  if (out !== null) throw new TypeError('normalize(): the out= argument is not supported in torchlette; use the returned tensor');
  const denom = input.norm(p, dim, true).clampMin(eps).expandAs(input);
  return input.div(denom);
}

const pdistArgs = signature('pdist', [['input', tensor], ['p', number, 2]] as const);

/** pdist(input, p=2): the p-norm distances between the rows of input [N, M], pairs i < j in row-major order. */
export function pdist(...args: ArgsOf<typeof pdistArgs>): Tensor {
  const { input, p } = pdistArgs.parse(args);
  if (input.dim() !== 2) throw new RangeError(`pdist only supports 2D tensors, got: ${input.dim()}D`);
  if (p < 0) throw new RangeError('pdist only supports non-negative p values');
  const n = input.shape[0];
  const pairs = triuIndices(n, n, 1);
  const rows = input.indexSelect(0, pairs.select(0, 0)).sub(input.indexSelect(0, pairs.select(0, 1)));
  return rows.norm(p, 1);
}

/** ATen's _euclidean_dist backward: a zero subgradient where the distance is 0. */
class EuclideanDistBackward0 extends Node {
  readonly name = 'EuclideanDistBackward0';
  backward([g]: Grad[]): Grad[] {
    const [x1, x2, res] = this.saved();
    const ratio = (g as Tensor).div(res).maskedFill(res.eq(0), 0);
    return [
      x1.mul(ratio.sum(-1, true)).sub(ratio.matmul(x2)),
      x2.mul(ratio.sum(-2).unsqueeze(-1)).sub(ratio.mT.matmul(x1)),
    ];
  }
}

/** ATen's _euclidean_dist: sqrt(max(0, ‖a‖² - 2 a·b + ‖b‖²)) through one batched matmul. */
function euclideanDist(x1: Tensor, x2: Tensor): Tensor {
  const a = x1.detach();
  const b = x2.detach();
  const n1 = a.pow(2).sum(-1, true);
  const n2 = b.pow(2).sum(-1, true);
  const left = cat([a.mul(-2), n1, onesLike(n1)], -1);
  const right = cat([b, onesLike(n2), n2], -1);
  const res = left.matmul(right.mT).clampMin(0).sqrt();
  if (needsGrad(x1, x2)) record(new EuclideanDistBackward0(), [x1, x2], [res]).save(x1, x2, res);
  return res;
}

const COMPUTE_MODES = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];

const cdistArgs = signature('cdist', [
  ['x1', tensor],
  ['x2', tensor],
  ['p', number, 2],
  ['computeMode', string, 'use_mm_for_euclid_dist_if_necessary'],
] as const);

/**
 * torch.cdist(x1, x2, p=2, compute_mode='use_mm_for_euclid_dist_if_necessary'): the p-norm
 * distances between the rows of x1 [*, R1, M] and x2 [*, R2, M] (batch dims broadcast),
 * shaped [*, R1, R2]. For p = 2 the matmul form is used when compute_mode asks for it, or by
 * default when R1 or R2 exceeds 25, as PyTorch does.
 */
export function cdist(...args: ArgsOf<typeof cdistArgs>): Tensor {
  const { x1, x2, p, computeMode } = cdistArgs.parse(args);
  const mode = COMPUTE_MODES.indexOf(computeMode);
  if (mode < 0) throw new RangeError(`${computeMode} is not a valid value for compute_mode`);
  if (x1.dim() < 2) throw new RangeError(`cdist only supports at least 2D tensors, X1 got: ${x1.dim()}D`);
  if (x2.dim() < 2) throw new RangeError(`cdist only supports at least 2D tensors, X2 got: ${x2.dim()}D`);
  const m = x1.shape[x1.dim() - 1];
  if (m !== x2.shape[x2.dim() - 1]) throw new RangeError(`X1 and X2 must have the same number of columns. X1: ${m} X2: ${x2.shape[x2.dim() - 1]}`);
  if (p < 0) throw new RangeError('cdist only supports non-negative p values');
  const r1 = x1.shape[x1.dim() - 2];
  const r2 = x2.shape[x2.dim() - 2];
  const batch = broadcastShapes(x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const a = x1.expand([...batch, r1, m]);
  const b = x2.expand([...batch, r2, m]);
  const useMm = p === 2 && x1.numel() > 0 && x2.numel() > 0 && (mode === 1 || (mode === 0 && (r1 > 25 || r2 > 25)));
  if (useMm) {
    const size = batch.reduce((s, v) => s * v, 1);
    return euclideanDist(a.reshape(size, r1, m), b.reshape(size, r2, m)).view([...batch, r1, r2]);
  }
  return a.unsqueeze(-2).sub(b.unsqueeze(-3)).norm(p, -1);
}
