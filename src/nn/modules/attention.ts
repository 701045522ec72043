// MultiheadAttention(embedDim, numHeads, dropout, bias, addBiasKv, addZeroAttn, kdim, vdim,
// batchFirst, device, dtype), PyTorch 1.13's: parameters named, ordered and initialised as
// there (state-dict keys in_proj_weight, in_proj_bias, bias_k, bias_v, out_proj.weight, …), so
// a seed reproduces PyTorch's weights; forward is F.multiHeadAttentionForward. PyTorch's
// inference fast path (_native_multi_head_attention) computes the same function, so it has
// no twin here.
import { bool, checkTensor, deviceArg, dtype, int, nullable, number, signature, tensor, type ArgsOf } from '../../tensor/args.js';
import { empty } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { multiHeadAttentionForward } from '../functional/attention.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Linear } from './linear.js';

/** PyTorch's out_proj class: a Linear under another name (it only matters to quantization). */
export class NonDynamicallyQuantizableLinear extends Linear {}

const mhaArgs = signature('MultiheadAttention', [
  ['embedDim', int], ['numHeads', int], ['dropout', number, 0], ['bias', bool, true],
  ['addBiasKv', bool, false], ['addZeroAttn', bool, false],
  ['kdim', nullable(int), null], ['vdim', nullable(int), null], ['batchFirst', bool, false],
  ['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null],
] as const);

const forwardArgs = signature('MultiheadAttention.forward', [
  ['query', tensor], ['key', tensor], ['value', tensor], ['keyPaddingMask', nullable(tensor), null],
  ['needWeights', bool, true], ['attnMask', nullable(tensor), null], ['averageAttnWeights', bool, true],
] as const);

/** Multi-head attention (Attention Is All You Need): heads of embedDim / numHeads features. */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  /** Whether key and value have embedDim features (then one packed in_proj_weight). */
  readonly _qkvSameEmbedDim: boolean;
  // Fields in PyTorch's registration order (state-dict keys are PyTorch's).
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: NonDynamicallyQuantizableLinear;
  bias_k: Parameter | null = null;
  bias_v: Parameter | null = null;

  constructor(...args: ArgsOf<typeof mhaArgs>) {
    super();
    const a = mhaArgs.parse(args);
    const { embedDim, numHeads } = a;
    const factory = { dtype: a.dtype ?? undefined };
    this.embedDim = embedDim;
    this.kdim = a.kdim ?? embedDim;
    this.vdim = a.vdim ?? embedDim;
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = a.dropout;
    this.batchFirst = a.batchFirst;
    this.headDim = Math.trunc(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new Error('embed_dim must be divisible by num_heads');
    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], factory));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], factory));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], factory));
    } else {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], factory));
    }
    if (a.bias) this.in_proj_bias = new Parameter(empty([3 * embedDim], factory));
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias: a.bias, dtype: a.dtype });
    if (a.addBiasKv) {
      this.bias_k = new Parameter(empty([1, 1, embedDim], factory));
      this.bias_v = new Parameter(empty([1, 1, embedDim], factory));
    }
    this.addZeroAttn = a.addZeroAttn;
    this._resetParameters();
  }

  /** PyTorch's _reset_parameters: xavier_uniform_ projections, zero biases, xavier_normal_ bias_k / bias_v. */
  _resetParameters(): void {
    if (this._qkvSameEmbedDim) {
      init.xavierUniform_(this.in_proj_weight as Parameter);
    } else {
      init.xavierUniform_(this.q_proj_weight as Parameter);
      init.xavierUniform_(this.k_proj_weight as Parameter);
      init.xavierUniform_(this.v_proj_weight as Parameter);
    }
    if (this.in_proj_bias !== null) {
      init.constant_(this.in_proj_bias, 0);
      init.constant_(this.out_proj.bias as Parameter, 0);
    }
    if (this.bias_k !== null) init.xavierNormal_(this.bias_k);
    if (this.bias_v !== null) init.xavierNormal_(this.bias_v);
  }

  /**
   * forward(query, key, value, keyPaddingMask=null, needWeights=true, attnMask=null,
   * averageAttnWeights=true) -> [attnOutput, attnWeights | null]. Inputs (L, N, E), or
   * (N, L, E) with batchFirst, or unbatched (L, E). keyPaddingMask (N, S): true (or -inf)
   * marks keys to ignore; attnMask (L, S) or (N * numHeads, L, S): true marks pairs that may
   * not attend, float masks are added to the scores.
   */
  override forward(...args: ArgsOf<typeof forwardArgs>): [Tensor, Tensor | null] {
    const f = forwardArgs.parse(args);
    let { query, key, value } = f;
    const { keyPaddingMask } = f;
    checkTensor('MultiheadAttention.forward', 'query', 1, query);
    const isBatched = query.dim() === 3;
    if (keyPaddingMask !== null && keyPaddingMask.dtype !== 'bool' && !keyPaddingMask.isFloatingPoint()) {
      throw new Error('only bool and floating types of key_padding_mask are supported');
    }
    if (this.batchFirst && isBatched) {
      // Keep the identities that select the packed projections (self- / encoder-decoder attention).
      if (key === value) {
        if (query === key) {
          query = key = value = query.transpose(1, 0);
        } else {
          [query, key] = [query.transpose(1, 0), key.transpose(1, 0)];
          value = key;
        }
      } else {
        [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
      }
    }
    const common = {
      training: this.training, keyPaddingMask, needWeights: f.needWeights, attnMask: f.attnMask, averageAttnWeights: f.averageAttnWeights,
    };
    const [out, weights] = this._qkvSameEmbedDim
      ? multiHeadAttentionForward(
          query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
          this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias, common,
        )
      : multiHeadAttentionForward(
          query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
          this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias,
          { ...common, useSeparateProjWeight: true, qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight },
        );
    return [this.batchFirst && isBatched ? out.transpose(1, 0) : out, weights];
  }
}
