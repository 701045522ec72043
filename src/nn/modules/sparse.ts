// nn.Embedding: a lookup table initialised N(0, 1), with the padding row zeroed.
import { noGrad } from '../../autograd/grad-mode.js';
import { empty } from '../../tensor/create.js';
import type { DType } from '../../tensor/dtype.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import { normalizePaddingIdx } from '../functional/sparse.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat } from '../repr.js';

export interface EmbeddingOptions extends F.EmbeddingOptions {
  /** Use this tensor as the weight (PyTorch's _weight) instead of a fresh N(0, 1) one. */
  weight?: Tensor;
  dtype?: DType;
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  readonly sparse: boolean;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    const pad = normalizePaddingIdx(opts.paddingIdx, numEmbeddings);
    this.paddingIdx = pad < 0 ? null : pad;
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.scaleGradByFreq = opts.scaleGradByFreq ?? false;
    this.sparse = opts.sparse ?? false;
    if (opts.weight !== undefined) {
      if (!sameShape(opts.weight.shape, [numEmbeddings, embeddingDim])) {
        throw new RangeError(`Shape of weight does not match num_embeddings and embedding_dim: ${formatShape(opts.weight.shape)}`);
      }
      this.weight = new Parameter(opts.weight);
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: opts.dtype }));
      this.resetParameters();
    }
  }

  /** Embedding.from_pretrained: wraps `embeddings` [num, dim]; frozen unless freeze is false. */
  static fromPretrained(embeddings: Tensor, opts: F.EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    if (embeddings.dim() !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape;
    const e = new Embedding(rows, cols, { ...opts, weight: embeddings });
    e.weight.requiresGrad = !(opts.freeze ?? true);
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
    return F.embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      sparse: this.sparse,
    });
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
