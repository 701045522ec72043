// nn.Embedding: a lookup table initialised N(0, 1), with the padding row zeroed.
import { noGrad } from '../../autograd/grad-mode.js';
import { bool, deviceArg, dtype, int, nullable, number, signature, string, tensor, type ArgsOf } from '../../tensor/args.js';
import { empty } from '../../tensor/create.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { normalizePaddingIdx } from '../functional/sparse.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat } from '../repr.js';

const options = [
  ['paddingIdx', nullable(int), null],
  ['maxNorm', nullable(number), null],
  ['normType', number, 2],
  ['scaleGradByFreq', bool, false],
  ['sparse', bool, false],
] as const;
// Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
//           scale_grad_by_freq=False, sparse=False, _weight=None, device=None, dtype=None)
const embeddingArgs = signature('Embedding', [
  ['numEmbeddings', int],
  ['embeddingDim', int],
  ...options,
  /** Use this tensor as the weight instead of a fresh N(0, 1) one (PyTorch's _weight). */
  ['_weight', nullable(tensor), null],
  ['device', nullable(deviceArg), null],
  ['dtype', nullable(dtype), null],
] as const);
// Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
//                           scale_grad_by_freq=False, sparse=False)
const fromPretrainedArgs = signature('Embedding.fromPretrained', [['embeddings', tensor], ['freeze', bool, true], ...options] as const);

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  readonly sparse: boolean;
  weight: Parameter;

  constructor(...args: ArgsOf<typeof embeddingArgs>) {
    super();
    const { numEmbeddings, embeddingDim, _weight: weight, ...a } = embeddingArgs.parse(args);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    const pad = normalizePaddingIdx(a.paddingIdx, numEmbeddings);
    this.paddingIdx = pad < 0 ? null : pad;
    this.maxNorm = a.maxNorm;
    this.normType = a.normType;
    this.scaleGradByFreq = a.scaleGradByFreq;
    this.sparse = a.sparse;
    if (weight !== null) {
      if (!sameShape(weight.shape, [numEmbeddings, embeddingDim])) {
        throw new RangeError(`Shape of weight does not match num_embeddings and embedding_dim: ${formatShape(weight.shape)}`);
      }
      this.weight = new Parameter(weight);
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: a.dtype ?? undefined }));
      this.resetParameters();
    }
  }

  /** Embedding.from_pretrained: wraps `embeddings` [num, dim]; frozen unless freeze is false. */
  static fromPretrained(...args: ArgsOf<typeof fromPretrainedArgs>): Embedding {
    const { embeddings, freeze, ...opts } = fromPretrainedArgs.parse(args);
    if (embeddings.dim() !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape;
    const e = new Embedding(rows, cols, { ...opts, _weight: embeddings });
    e.weight.requiresGrad = !freeze;
    return e;
  }

  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.paddingIdx;
      noGrad(() => this.weight.select(0, row).fill_(0));
    }
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, this.paddingIdx, this.maxNorm, this.normType, this.scaleGradByFreq, this.sparse);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}

const bagOptions = [
  ['maxNorm', nullable(number), null],
  ['normType', number, 2],
  ['scaleGradByFreq', bool, false],
  ['mode', string, 'mean'],
  ['sparse', bool, false],
] as const;
// EmbeddingBag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
//              mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None,
//              device=None, dtype=None)
const embeddingBagArgs = signature('EmbeddingBag', [
  ['numEmbeddings', int],
  ['embeddingDim', int],
  ...bagOptions,
  /** Use this tensor as the weight instead of a fresh N(0, 1) one (PyTorch's _weight). */
  ['_weight', nullable(tensor), null],
  ['includeLastOffset', bool, false],
  ['paddingIdx', nullable(int), null],
  ['device', nullable(deviceArg), null],
  ['dtype', nullable(dtype), null],
] as const);
// EmbeddingBag.from_pretrained(embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
//                              mode='mean', sparse=False, include_last_offset=False, padding_idx=None)
const bagFromPretrainedArgs = signature('EmbeddingBag.fromPretrained', [
  ['embeddings', tensor],
  ['freeze', bool, true],
  ...bagOptions,
  ['includeLastOffset', bool, false],
  ['paddingIdx', nullable(int), null],
] as const);
const bagForwardArgs = signature('EmbeddingBag.forward', [
  ['input', tensor],
  ['offsets', nullable(tensor), null],
  ['perSampleWeights', nullable(tensor), null],
] as const);

/**
 * nn.EmbeddingBag: sums, means or maxima of bags of embeddings without materialising the
 * looked-up rows per bag; weight initialised N(0, 1) with the padding row zeroed. sparse=true
 * is refused on forward (torchlette has no sparse gradients).
 */
export class EmbeddingBag extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  mode: string;
  readonly sparse: boolean;
  includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(...args: ArgsOf<typeof embeddingBagArgs>) {
    super();
    const { numEmbeddings, embeddingDim, _weight: weight, ...a } = embeddingBagArgs.parse(args);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.maxNorm = a.maxNorm;
    this.normType = a.normType;
    this.scaleGradByFreq = a.scaleGradByFreq;
    if (a.paddingIdx !== null && (a.paddingIdx >= numEmbeddings || a.paddingIdx < -numEmbeddings)) {
      throw new RangeError('padding_idx must be within num_embeddings');
    }
    this.paddingIdx = a.paddingIdx !== null && a.paddingIdx < 0 ? numEmbeddings + a.paddingIdx : a.paddingIdx;
    if (weight !== null) {
      if (!sameShape(weight.shape, [numEmbeddings, embeddingDim])) throw new RangeError('Shape of weight does not match num_embeddings and embedding_dim');
      this.weight = new Parameter(weight);
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: a.dtype ?? undefined }));
      this.resetParameters();
    }
    this.mode = a.mode;
    this.sparse = a.sparse;
    this.includeLastOffset = a.includeLastOffset;
  }

  /** EmbeddingBag.from_pretrained: wraps `embeddings` [num, dim]; frozen unless freeze is false. */
  static fromPretrained(...args: ArgsOf<typeof bagFromPretrainedArgs>): EmbeddingBag {
    const { embeddings, freeze, ...opts } = bagFromPretrainedArgs.parse(args);
    if (embeddings.dim() !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape;
    const e = new EmbeddingBag(rows, cols, { ...opts, _weight: embeddings });
    e.weight.requiresGrad = !freeze;
    return e;
  }

  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.paddingIdx;
      noGrad(() => this.weight.select(0, row).fill_(0));
    }
  }

  /** forward(input, offsets=None, per_sample_weights=None). */
  override forward(...args: ArgsOf<typeof bagForwardArgs>): Tensor {
    const { input, offsets, perSampleWeights } = bagForwardArgs.parse(args);
    return F.embeddingBag(input, this.weight, offsets, this.maxNorm, this.normType, this.scaleGradByFreq, this.mode, this.sparse, perSampleWeights, this.includeLastOffset, this.paddingIdx);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }
}
