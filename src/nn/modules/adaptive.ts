// nn.AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for GPUs"):
// a head over the shortlist classes plus one entry per cluster, and per cluster a two-layer
// projection (in -> in / divValue^(i+1) -> cluster size). Built in PyTorch's order so that a
// seeded construction gives PyTorch's weights; forward returns { output, loss } (PyTorch's
// _ASMoutput named tuple).
import { bool, deviceArg, dtype, int, intList, nullable, number, signature, type ArgsOf } from '../../tensor/args.js';
import { checkTensor } from '../../tensor/args.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { cat } from '../../ops/join.js';
import { where } from '../../ops/binary.js';
import { Module } from '../module.js';
import { ModuleList, Sequential } from './container.js';
import { Linear } from './linear.js';

const adaptiveArgs = signature('AdaptiveLogSoftmaxWithLoss', [
  ['inFeatures', int], ['nClasses', int], ['cutoffs', intList], ['divValue', number, 4], ['headBias', bool, false],
  ['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null],
] as const);

/** PyTorch's _ASMoutput: the target log-probabilities and the mean negative log-likelihood. */
export interface ASMoutput {
  output: Tensor;
  loss: Tensor;
}

export class AdaptiveLogSoftmaxWithLoss extends Module {
  readonly inFeatures: number;
  readonly nClasses: number;
  /** The cutoffs followed by nClasses, as PyTorch stores them. */
  readonly cutoffs: number[];
  readonly divValue: number;
  readonly headBias: boolean;
  readonly shortlistSize: number;
  readonly nClusters: number;
  readonly headSize: number;
  declare head: Linear;
  declare tail: ModuleList;

  constructor(...args: ArgsOf<typeof adaptiveArgs>) {
    super();
    const a = adaptiveArgs.parse(args);
    const cutoffs = [...a.cutoffs];
    const sorted = [...cutoffs].sort((x, y) => x - y);
    if (
      cutoffs.some((c, i) => c !== sorted[i]) || Math.min(...cutoffs) <= 0 || Math.max(...cutoffs) > a.nClasses - 1 ||
      new Set(cutoffs).size !== cutoffs.length
    ) {
      throw new RangeError(
        'cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1',
      );
    }
    this.inFeatures = a.inFeatures;
    this.nClasses = a.nClasses;
    this.cutoffs = [...cutoffs, a.nClasses];
    this.divValue = a.divValue;
    this.headBias = a.headBias;
    this.shortlistSize = this.cutoffs[0];
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const factory = { device: a.device, dtype: a.dtype };
    this.head = new Linear(this.inFeatures, this.headSize, { bias: this.headBias, ...factory });
    this.tail = new ModuleList();
    for (let i = 0; i < this.nClusters; i++) {
      const hsz = Math.floor(this.inFeatures / this.divValue ** (i + 1));
      const osz = this.cutoffs[i + 1] - this.cutoffs[i];
      this.tail.append(new Sequential(new Linear(this.inFeatures, hsz, { bias: false, ...factory }), new Linear(hsz, osz, { bias: false, ...factory })));
    }
  }

  resetParameters(): void {
    this.head.resetParameters();
    for (let i = 0; i < this.nClusters; i++) {
      const seq = this.tail.get(i) as Sequential;
      (seq.get(0) as Linear).resetParameters();
      (seq.get(1) as Linear).resetParameters();
    }
  }

  private cluster(i: number, x: Tensor): Tensor {
    return (this.tail.get(i) as Sequential).forward(x);
  }

  override forward(input_: Tensor, target_?: Tensor): ASMoutput {
    checkTensor('AdaptiveLogSoftmaxWithLoss.forward', 'input', 1, input_);
    checkTensor('AdaptiveLogSoftmaxWithLoss.forward', 'target', 2, target_);
    const targDim = target_.dim();
    if (targDim === 1) {
      if (input_.shape[0] !== target_.shape[0]) throw new RangeError('Input and target should have the same size in the batch dimension.');
      if (input_.dim() !== 2) throw new RangeError(`1D target tensor expects 2D input tensors, but found inputs with size [${input_.shape.join(', ')}]`);
    } else if (targDim === 0) {
      if (input_.dim() !== 1) throw new RangeError(`0D target tensor expects 1D input tensors, but found inputs with size [${input_.shape.join(', ')}]`);
    } else {
      throw new RangeError('0D or 1D target tensor expected, multi-target not supported');
    }
    const batched = targDim > 0;
    const input = batched ? input_ : input_.unsqueeze(0);
    const target = batched ? target_ : target_.unsqueeze(0);
    const batchSize = target.shape[0];
    let output = zeros([batchSize], { dtype: input.dtype });
    let gatherInds = target;
    let usedRows = 0;
    const cutoffValues = [0, ...this.cutoffs];
    for (let i = 0; i < cutoffValues.length - 1; i++) {
      const low = cutoffValues[i];
      const high = cutoffValues[i + 1];
      const mask = target.ge(low).logicalAnd(target.lt(high));
      const rows = mask.nonzero().view([-1]);
      if (rows.numel() === 0) continue;
      if (i > 0) {
        const relative = target.maskedSelect(mask).sub(low);
        const clusterOutput = this.cluster(i - 1, input.indexSelect(0, rows));
        gatherInds = where(mask, this.shortlistSize + i - 1, gatherInds);
        const local = clusterOutput.logSoftmax(1).gather(1, relative.unsqueeze(1));
        // Each row belongs to one cluster: adding to zeros copies (index_copy_ in PyTorch).
        output = output.scatterAdd(0, rows, local.squeeze(1));
      }
      usedRows += rows.numel();
    }
    if (usedRows !== batchSize) {
      throw new RangeError(
        `Target values should be in [0, ${this.nClasses - 1}], but values in range [${target.min().item()}, ${target.max().item()}] were found. `,
      );
    }
    const headLogprob = this.head.forward(input).logSoftmax(1);
    output = output.add(headLogprob.gather(1, gatherInds.unsqueeze(1)).squeeze());
    const loss = output.neg().mean();
    return { output: batched ? output : output.squeeze(0), loss };
  }

  /** Log of the full distribution, given the input and the head's output. */
  private fullLogProb(input: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = headOutput.logSoftmax(1);
    const parts = [headLogprob.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const clusterLogprob = this.cluster(i, input).logSoftmax(1);
      parts.push(clusterLogprob.add(headLogprob.select(1, this.shortlistSize + i).unsqueeze(1)));
    }
    return cat(parts, 1);
  }

  /** Log-probabilities of all nClasses classes: [N, nClasses]. */
  logProb(input: Tensor): Tensor {
    return this.fullLogProb(input, this.head.forward(input));
  }

  /** The most likely class of each example (logProb(input).argmax(1), computed lazily as PyTorch does). */
  predict(input: Tensor): Tensor {
    const headOutput = this.head.forward(input);
    const output = headOutput.argmax(1);
    const notInShortlist = output.ge(this.shortlistSize);
    if (!notInShortlist.any().item()) return output;
    if (notInShortlist.all().item()) return this.fullLogProb(input, headOutput).argmax(1);
    const rows = notInShortlist.nonzero().view([-1]);
    const logProb = this.fullLogProb(input.indexSelect(0, rows), headOutput.indexSelect(0, rows));
    return output.scatter(0, rows, logProb.argmax(1));
  }

  override extraRepr(): string {
    return '';
  }
}
