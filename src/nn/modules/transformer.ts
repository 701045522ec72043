// The Transformer (Attention Is All You Need) as PyTorch 1.13 builds it: TransformerEncoderLayer,
// TransformerDecoderLayer (post- or pre-norm, batch first or not, relu / gelu / any activation),
// the TransformerEncoder / TransformerDecoder stacks of deep copies of one layer (PyTorch's
// _get_clones), and nn.Transformer with its xavier_uniform_ re-initialisation. Submodules carry
// PyTorch's names (self_attn, multihead_attn, linear1, norm1, …) so state dicts and seeded
// weights are PyTorch's. PyTorch's inference fast paths (nested tensors,
// _transformer_encoder_layer_fwd) compute the same function, so they have no twin here:
// enableNestedTensor and maskCheck are accepted and kept.
import { isGradEnabled } from '../../tensor/graph.js';
import { deepcopy } from '../copy.js';
import { bool, check, deviceArg, dtype, int, nullable, number, signature, tensor, type ArgsOf, type Check } from '../../tensor/args.js';
import { arange, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { MultiheadAttention } from './attention.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';
import { GELU, ReLU } from './activation.js';

/** An activation: 'relu', 'gelu', a function of a tensor, or a module. */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;
const activationCheck: Check<Activation> = check(
  "'relu', 'gelu', a function or a Module",
  (v) => typeof v === 'string' || typeof v === 'function' || v instanceof Module,
);

const relu = (x: Tensor): Tensor => F.relu(x);
const gelu = (x: Tensor): Tensor => F.gelu(x);

/** _get_activation_fn. */
function activationOf(a: Activation): ((x: Tensor) => Tensor) | Module {
  if (typeof a !== 'string') return a;
  if (a === 'relu') return relu;
  if (a === 'gelu') return gelu;
  throw new Error(`activation should be relu/gelu, not ${a as string}`);
}

function checkKeyPaddingMask(mask: Tensor | null, name = 'key_padding_mask'): void {
  if (mask !== null && mask.dtype !== 'bool' && !mask.isFloatingPoint()) {
    throw new Error(`only bool and floating types of ${name} are supported`);
  }
}

/** _get_clones: N deep copies of a module in a ModuleList. */
function clones(module: Module, n: number): ModuleList {
  const copies: Module[] = [];
  for (let i = 0; i < n; i++) copies.push(deepcopy(module));
  return new ModuleList(copies);
}

const layerSpec = [
  ['dModel', int], ['nhead', int], ['dimFeedforward', int, 2048], ['dropout', number, 0.1],
  ['activation', activationCheck, 'relu'], ['layerNormEps', number, 1e-5], ['batchFirst', bool, false],
  ['normFirst', bool, false], ['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null],
] as const;
const encoderLayerArgs = signature('TransformerEncoderLayer', layerSpec);
const decoderLayerArgs = signature('TransformerDecoderLayer', layerSpec);

const encoderLayerForward = signature('TransformerEncoderLayer.forward', [
  ['src', tensor], ['srcMask', nullable(tensor), null], ['srcKeyPaddingMask', nullable(tensor), null],
] as const);
const decoderForwardSpec = [
  ['tgt', tensor], ['memory', tensor], ['tgtMask', nullable(tensor), null], ['memoryMask', nullable(tensor), null],
  ['tgtKeyPaddingMask', nullable(tensor), null], ['memoryKeyPaddingMask', nullable(tensor), null],
] as const;
const decoderLayerForward = signature('TransformerDecoderLayer.forward', decoderForwardSpec);
const decoderForward = signature('TransformerDecoder.forward', decoderForwardSpec);
const encoderForward = signature('TransformerEncoder.forward', [
  ['src', tensor], ['mask', nullable(tensor), null], ['srcKeyPaddingMask', nullable(tensor), null],
] as const);

function applyActivation(act: ((x: Tensor) => Tensor) | Module, x: Tensor): Tensor {
  return act instanceof Module ? (act.forward(x) as Tensor) : act(x);
}

/** Self-attention and a feed-forward block, each with a residual connection and LayerNorm. */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  /** 1 for relu, 2 for gelu, 0 otherwise (PyTorch's fast-path flag). */
  readonly activationReluOrGelu: number;
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(...args: ArgsOf<typeof encoderLayerArgs>) {
    super();
    const a = encoderLayerArgs.parse(args);
    const factory = { dtype: a.dtype };
    this.self_attn = new MultiheadAttention(a.dModel, a.nhead, { dropout: a.dropout, batchFirst: a.batchFirst, ...factory });
    this.linear1 = new Linear(a.dModel, a.dimFeedforward, factory);
    this.dropout = new Dropout(a.dropout);
    this.linear2 = new Linear(a.dimFeedforward, a.dModel, factory);
    this.normFirst = a.normFirst;
    this.norm1 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...factory });
    this.norm2 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...factory });
    this.dropout1 = new Dropout(a.dropout);
    this.dropout2 = new Dropout(a.dropout);
    const act = activationOf(a.activation);
    this.activationReluOrGelu = act === relu || act === F.relu || act instanceof ReLU ? 1 : act === gelu || act === F.gelu || act instanceof GELU ? 2 : 0;
    this.activation = act;
  }

  /** forward(src, srcMask=null, srcKeyPaddingMask=null). */
  override forward(...args: ArgsOf<typeof encoderLayerForward>): Tensor {
    const { src, srcMask, srcKeyPaddingMask } = encoderLayerForward.parse(args);
    checkKeyPaddingMask(srcKeyPaddingMask);
    let x = src;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.forward(x), srcMask, srcKeyPaddingMask));
      x = x.add(this._ffBlock(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this._saBlock(x, srcMask, srcKeyPaddingMask)));
      x = this.norm2.forward(x.add(this._ffBlock(x)));
    }
    return x;
  }

  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.self_attn.forward(x, x, x, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout1.forward(out);
  }

  _ffBlock(x: Tensor): Tensor {
    x = this.linear2.forward(this.dropout.forward(applyActivation(this.activation, this.linear1.forward(x))));
    return this.dropout2.forward(x);
  }
}

/** Self-attention, attention over the encoder's memory and a feed-forward block, each with a residual and LayerNorm. */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(...args: ArgsOf<typeof decoderLayerArgs>) {
    super();
    const a = decoderLayerArgs.parse(args);
    const factory = { dtype: a.dtype };
    this.self_attn = new MultiheadAttention(a.dModel, a.nhead, { dropout: a.dropout, batchFirst: a.batchFirst, ...factory });
    this.multihead_attn = new MultiheadAttention(a.dModel, a.nhead, { dropout: a.dropout, batchFirst: a.batchFirst, ...factory });
    this.linear1 = new Linear(a.dModel, a.dimFeedforward, factory);
    this.dropout = new Dropout(a.dropout);
    this.linear2 = new Linear(a.dimFeedforward, a.dModel, factory);
    this.normFirst = a.normFirst;
    this.norm1 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...factory });
    this.norm2 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...factory });
    this.norm3 = new LayerNorm(a.dModel, { eps: a.layerNormEps, ...factory });
    this.dropout1 = new Dropout(a.dropout);
    this.dropout2 = new Dropout(a.dropout);
    this.dropout3 = new Dropout(a.dropout);
    this.activation = activationOf(a.activation);
  }

  /** forward(tgt, memory, tgtMask=null, memoryMask=null, tgtKeyPaddingMask=null, memoryKeyPaddingMask=null). */
  override forward(...args: ArgsOf<typeof decoderLayerForward>): Tensor {
    const a = decoderLayerForward.parse(args);
    let x = a.tgt;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.forward(x), a.tgtMask, a.tgtKeyPaddingMask));
      x = x.add(this._mhaBlock(this.norm2.forward(x), a.memory, a.memoryMask, a.memoryKeyPaddingMask));
      x = x.add(this._ffBlock(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this._saBlock(x, a.tgtMask, a.tgtKeyPaddingMask)));
      x = this.norm2.forward(x.add(this._mhaBlock(x, a.memory, a.memoryMask, a.memoryKeyPaddingMask)));
      x = this.norm3.forward(x.add(this._ffBlock(x)));
    }
    return x;
  }

  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.self_attn.forward(x, x, x, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout1.forward(out);
  }

  _mhaBlock(x: Tensor, mem: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.multihead_attn.forward(x, mem, mem, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout2.forward(out);
  }

  _ffBlock(x: Tensor): Tensor {
    x = this.linear2.forward(this.dropout.forward(applyActivation(this.activation, this.linear1.forward(x))));
    return this.dropout3.forward(x);
  }
}

const moduleCheck: Check<Module> = check('a Module', (v) => v instanceof Module);

const encoderArgs = signature('TransformerEncoder', [
  ['encoderLayer', moduleCheck], ['numLayers', int], ['norm', nullable(moduleCheck), null],
  ['enableNestedTensor', bool, true], ['maskCheck', bool, true],
] as const);
const decoderArgs = signature('TransformerDecoder', [['decoderLayer', moduleCheck], ['numLayers', int], ['norm', nullable(moduleCheck), null]] as const);

/** numLayers deep copies of encoderLayer applied in turn, then the optional norm. */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;
  /** Accepted as PyTorch's (its nested-tensor fast path computes the same outputs). */
  readonly enableNestedTensor: boolean;
  readonly maskCheck: boolean;

  constructor(...args: ArgsOf<typeof encoderArgs>) {
    super();
    const a = encoderArgs.parse(args);
    this.layers = clones(a.encoderLayer, a.numLayers);
    this.numLayers = a.numLayers;
    this.norm = a.norm;
    this.enableNestedTensor = a.enableNestedTensor;
    this.maskCheck = a.maskCheck;
  }

  /** forward(src, mask=null, srcKeyPaddingMask=null). */
  override forward(...args: ArgsOf<typeof encoderForward>): Tensor {
    const { src, mask, srcKeyPaddingMask } = encoderForward.parse(args);
    checkKeyPaddingMask(srcKeyPaddingMask);
    let output = src;
    for (const mod of this.layers) output = mod.forward(output, { srcMask: mask, srcKeyPaddingMask }) as Tensor;
    // PyTorch's sparsity fast path runs the layers on a nested tensor and pads the result with
    // zeros: the padded positions come out 0 (before the norm). Its other results are the same.
    if (srcKeyPaddingMask !== null && mask === null && this.takesNestedFastPath(src, srcKeyPaddingMask)) {
      const padded = srcKeyPaddingMask.logicalNot().logicalNot(); // bool, or a float mask's nonzeros
      output = output.maskedFill(padded.unsqueeze(-1), 0);
    }
    if (this.norm !== null) output = this.norm.forward(output) as Tensor;
    return output;
  }

  /** The conditions under which PyTorch 1.13's TransformerEncoder converts its input to a nested tensor. */
  private takesNestedFastPath(src: Tensor, kpm: Tensor): boolean {
    const first = this.layers.get(0);
    if (!(first instanceof TransformerEncoderLayer) || first.normFirst || first.training) return false;
    const attn = first.self_attn;
    if (!attn.batchFirst || !attn._qkvSameEmbedDim || first.activationReluOrGelu === 0 || first.norm1.eps !== first.norm2.eps) return false;
    if (src.dim() !== 3 || !this.enableNestedTensor || attn.numHeads % 2 === 1) return false;
    const tensors = [src, attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias, first.norm1.weight, first.norm1.bias,
      first.norm2.weight, first.norm2.bias, first.linear1.weight, first.linear1.bias, first.linear2.weight, first.linear2.bias];
    if (isGradEnabled() && tensors.some((t) => t !== null && t.requiresGrad)) return false;
    if (this.maskCheck) {
      // Left aligned: in each row, no kept position after a padded one.
      const S = kpm.size(-1);
      const keep = kpm.logicalNot();
      if (S > 1 && keep.narrow(-1, 1, S - 1).logicalAnd(keep.narrow(-1, 0, S - 1).logicalNot()).any().item()) return false;
    }
    return true;
  }
}

/** numLayers deep copies of decoderLayer applied in turn (each attending to memory), then the optional norm. */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(...args: ArgsOf<typeof decoderArgs>) {
    super();
    const a = decoderArgs.parse(args);
    this.layers = clones(a.decoderLayer, a.numLayers);
    this.numLayers = a.numLayers;
    this.norm = a.norm;
  }

  /** forward(tgt, memory, tgtMask=null, memoryMask=null, tgtKeyPaddingMask=null, memoryKeyPaddingMask=null). */
  override forward(...args: ArgsOf<typeof decoderForward>): Tensor {
    const { tgt, memory, ...masks } = decoderForward.parse(args);
    let output = tgt;
    for (const mod of this.layers) output = mod.forward(output, memory, masks) as Tensor;
    if (this.norm !== null) output = this.norm.forward(output) as Tensor;
    return output;
  }
}

const transformerArgs = signature('Transformer', [
  ['dModel', int, 512], ['nhead', int, 8], ['numEncoderLayers', int, 6], ['numDecoderLayers', int, 6],
  ['dimFeedforward', int, 2048], ['dropout', number, 0.1], ['activation', activationCheck, 'relu'],
  ['customEncoder', nullable(moduleCheck), null], ['customDecoder', nullable(moduleCheck), null],
  ['layerNormEps', number, 1e-5], ['batchFirst', bool, false], ['normFirst', bool, false],
  ['device', nullable(deviceArg), null], ['dtype', nullable(dtype), null],
] as const);
const transformerForward = signature('Transformer.forward', [
  ['src', tensor], ['tgt', tensor], ['srcMask', nullable(tensor), null], ['tgtMask', nullable(tensor), null],
  ['memoryMask', nullable(tensor), null], ['srcKeyPaddingMask', nullable(tensor), null],
  ['tgtKeyPaddingMask', nullable(tensor), null], ['memoryKeyPaddingMask', nullable(tensor), null],
] as const);
const squareMaskArgs = signature('generateSquareSubsequentMask', [['sz', int], ['device', deviceArg, 'cpu']] as const);

/** The encoder-decoder Transformer: an encoder stack over src, a decoder stack over tgt attending to its output. */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(...args: ArgsOf<typeof transformerArgs>) {
    super();
    const a = transformerArgs.parse(args);
    const layerArgs = [a.dModel, a.nhead, a.dimFeedforward, a.dropout, a.activation, a.layerNormEps, a.batchFirst, a.normFirst, { dtype: a.dtype }] as const;
    if (a.customEncoder !== null) {
      this.encoder = a.customEncoder;
    } else {
      const encoderLayer = new TransformerEncoderLayer(...layerArgs);
      const encoderNorm = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype: a.dtype });
      this.encoder = new TransformerEncoder(encoderLayer, a.numEncoderLayers, encoderNorm);
    }
    if (a.customDecoder !== null) {
      this.decoder = a.customDecoder;
    } else {
      const decoderLayer = new TransformerDecoderLayer(...layerArgs);
      const decoderNorm = new LayerNorm(a.dModel, { eps: a.layerNormEps, dtype: a.dtype });
      this.decoder = new TransformerDecoder(decoderLayer, a.numDecoderLayers, decoderNorm);
    }
    this._resetParameters();
    this.dModel = a.dModel;
    this.nhead = a.nhead;
    this.batchFirst = a.batchFirst;
  }

  /** forward(src, tgt, srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask). */
  override forward(...args: ArgsOf<typeof transformerForward>): Tensor {
    const a = transformerForward.parse(args);
    const { src, tgt } = a;
    const isBatched = src.dim() === 3;
    if (!this.batchFirst && src.size(1) !== tgt.size(1) && isBatched) throw new Error('the batch number of src and tgt must be equal');
    if (this.batchFirst && src.size(0) !== tgt.size(0) && isBatched) throw new Error('the batch number of src and tgt must be equal');
    if (src.size(-1) !== this.dModel || tgt.size(-1) !== this.dModel) throw new Error('the feature number of src and tgt must be equal to d_model');
    const memory = this.encoder.forward(src, { mask: a.srcMask, srcKeyPaddingMask: a.srcKeyPaddingMask }) as Tensor;
    return this.decoder.forward(tgt, memory, {
      tgtMask: a.tgtMask, memoryMask: a.memoryMask, tgtKeyPaddingMask: a.tgtKeyPaddingMask, memoryKeyPaddingMask: a.memoryKeyPaddingMask,
    }) as Tensor;
  }

  /**
   * generate_square_subsequent_mask(sz, device='cpu'): the causal mask for a sequence of sz
   * items, -inf above the diagonal (future positions) and 0 elsewhere.
   */
  static generateSquareSubsequentMask(...args: ArgsOf<typeof squareMaskArgs>): Tensor {
    const { sz } = squareMaskArgs.parse(args);
    const future = arange(sz).unsqueeze(0).gt(arange(sz).unsqueeze(1));
    return zeros([sz, sz]).maskedFill_(future, -Infinity);
  }

  /** xavier_uniform_ on every parameter with more than one dim, in parameters() order. */
  _resetParameters(): void {
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
  }
}
