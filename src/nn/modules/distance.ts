// torch.nn CosineSimilarity and PairwiseDistance: thin modules over nn.functional (their reprs
// print no arguments, as PyTorch's).
import { bool, int, number, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { cosineSimilarity, pairwiseDistance } from '../functional/distance.js';
import { Module } from '../module.js';

const cosineSimilarityArgs = signature('CosineSimilarity', [['dim', int, 1], ['eps', number, 1e-8]] as const);
const pairwiseDistanceArgs = signature('PairwiseDistance', [['p', number, 2], ['eps', number, 1e-6], ['keepdim', bool, false]] as const);

/** CosineSimilarity(dim=1, eps=1e-8): the cosine of the angle between x1 and x2 along dim. */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  constructor(...args: ArgsOf<typeof cosineSimilarityArgs>) {
    super();
    const a = cosineSimilarityArgs.parse(args);
    this.dim = a.dim;
    this.eps = a.eps;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

/** PairwiseDistance(p=2, eps=1e-6, keepdim=False): ‖x1 - x2 + eps‖_p over the last dim. */
export class PairwiseDistance extends Module {
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  constructor(...args: ArgsOf<typeof pairwiseDistanceArgs>) {
    super();
    const a = pairwiseDistanceArgs.parse(args);
    this.norm = a.p;
    this.eps = a.eps;
    this.keepdim = a.keepdim;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
