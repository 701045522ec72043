// torchvision.models.swin_transformer: Swin-T/S/B and Swin V2-T/S/B: windowed self-attention with
// a relative position bias (a learned table in v1, a small MLP over log-spaced coordinates with
// cosine attention in v2), windows shifted every other block, patch merging between stages.
import * as nn from '../../nn/index.js';
import { cat } from '../../ops/join.js';
import { arange, ones, tensor, zeros } from '../../tensor/create.js';
import { meshgrid } from '../../ops/shape-ops.js';
import { stack } from '../../ops/join.js';
import type { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { builderOptions, MLP, Permute, StochasticDepth } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

const F = nn.functional;
type NormFactory = (dim: number) => nn.Module;

/** Pads H and W to even sizes and stacks the 2x2 neighbours on channels: [..., H/2, W/2, 4C]. */
function patchMergingPad(x: Tensor): Tensor {
  const [h, w] = x.shape.slice(-3, -1);
  const p = F.pad(x, [0, 0, 0, w % 2, 0, h % 2]);
  const d = p.dim();
  const pick = (i: number, j: number) => p.slice(d - 3, i, null, 2).slice(d - 2, j, null, 2);
  return cat([pick(0, 0), pick(1, 0), pick(0, 1), pick(1, 1)], -1);
}

/** Halves the resolution and doubles the channels: LayerNorm(4C) then Linear(4C, 2C). */
export class PatchMerging extends nn.Module {
  readonly dim: number;
  reduction: nn.Linear;
  norm: nn.Module;

  constructor(dim: number, normLayer: NormFactory = (c) => new nn.LayerNorm(c)) {
    super();
    this.dim = dim;
    this.reduction = new nn.Linear(4 * dim, 2 * dim, { bias: false });
    this.norm = normLayer(4 * dim);
  }

  override forward(x: Tensor): Tensor {
    return this.reduction.forward(this.norm.forward(patchMergingPad(x)) as Tensor);
  }
}

/** Swin V2's patch merging: Linear(4C, 2C) first, then LayerNorm(2C). */
export class PatchMergingV2 extends nn.Module {
  readonly dim: number;
  reduction: nn.Linear;
  norm: nn.Module;

  constructor(dim: number, normLayer: NormFactory = (c) => new nn.LayerNorm(c)) {
    super();
    this.dim = dim;
    this.reduction = new nn.Linear(4 * dim, 2 * dim, { bias: false });
    this.norm = normLayer(2 * dim);
  }

  override forward(x: Tensor): Tensor {
    return this.norm.forward(this.reduction.forward(patchMergingPad(x))) as Tensor;
  }
}

/** Which of the 3x3 shifted regions each padded pixel came from, as torchvision's mask slices say. */
function shiftedWindowMask(padH: number, padW: number, window: [number, number], shift: [number, number]): Tensor {
  const region = (i: number, n: number, ws: number, ss: number) => (i < n - ws ? 0 : i < n - ss ? 1 : 2);
  const nWh = padH / window[0];
  const nWw = padW / window[1];
  const n = window[0] * window[1];
  const ids: number[][] = [];
  for (let wh = 0; wh < nWh; wh++) {
    for (let ww = 0; ww < nWw; ww++) {
      const win: number[] = [];
      for (let i = 0; i < window[0]; i++) {
        for (let j = 0; j < window[1]; j++) {
          win.push(region(wh * window[0] + i, padH, window[0], shift[0]) * 3 + region(ww * window[1] + j, padW, window[1], shift[1]));
        }
      }
      ids.push(win);
    }
  }
  // Tokens from different regions must not attend to each other: -100 before the softmax.
  const mask = ids.map((win) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (win[j] - win[i] !== 0 ? -100 : 0))));
  return tensor(mask);
}

/**
 * torchvision's shifted_window_attention (v1): pad to whole windows, roll by the shift,
 * multi-head attention inside each window with the relative position bias (and the shift
 * mask), then undo the roll and the padding. Its dropouts run even in eval mode when p > 0,
 * as torchvision 0.14 calls F.dropout without `training`.
 */
export function shiftedWindowAttention(
  input: Tensor, qkvWeight: Tensor, projWeight: Tensor, relativePositionBias: Tensor, windowSize: [number, number], numHeads: number,
  shiftSize: [number, number], attentionDropout = 0, dropout = 0, qkvBias: Tensor | null = null, projBias: Tensor | null = null,
  logitScale: Tensor | null = null,
): Tensor {
  const [b, h, w, c] = input.shape;
  const padR = (windowSize[1] - (w % windowSize[1])) % windowSize[1];
  const padB = (windowSize[0] - (h % windowSize[0])) % windowSize[0];
  let x = F.pad(input, [0, 0, 0, padR, 0, padB]);
  const [, padH, padW] = x.shape;
  const shift: [number, number] = [windowSize[0] >= padH ? 0 : shiftSize[0], windowSize[1] >= padW ? 0 : shiftSize[1]];
  const shifted = shift[0] + shift[1] > 0;
  if (shifted) x = x.roll([-shift[0], -shift[1]], [1, 2]);
  const numWindows = (padH / windowSize[0]) * (padW / windowSize[1]);
  const n = windowSize[0] * windowSize[1];
  x = x.view(b, padH / windowSize[0], windowSize[0], padW / windowSize[1], windowSize[1], c).permute(0, 1, 3, 2, 4, 5).reshape(b * numWindows, n, c);
  let bias = qkvBias;
  if (logitScale !== null && bias !== null) {
    // v2 has no key bias: its middle third is zeroed on a copy.
    bias = bias.clone();
    const length = Math.floor(bias.numel() / 3);
    bias.narrow(0, length, length).zero_();
  }
  const qkv = F.linear(x, qkvWeight, bias).reshape(x.shape[0], x.shape[1], 3, numHeads, Math.floor(c / numHeads)).permute(2, 0, 3, 1, 4);
  const [q, k, v] = [qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2)];
  let attn: Tensor;
  if (logitScale !== null) {
    // Cosine attention with a learned, clamped temperature.
    attn = F.normalize(q, { dim: -1 }).matmul(F.normalize(k, { dim: -1 }).transpose(-2, -1));
    attn = attn.mul(logitScale.clamp(null, Math.log(100)).exp());
  } else {
    attn = q.mul(Math.floor(c / numHeads) ** -0.5).matmul(k.transpose(-2, -1));
  }
  attn = attn.add(relativePositionBias);
  if (shifted) {
    const mask = shiftedWindowMask(padH, padW, windowSize, shift);
    attn = attn.view(x.shape[0] / numWindows, numWindows, numHeads, n, n).add(mask.unsqueeze(1).unsqueeze(0)).view(-1, numHeads, n, n);
  }
  attn = F.dropout(F.softmax(attn, -1), attentionDropout);
  let out = attn.matmul(v).transpose(1, 2).reshape(x.shape[0], n, c);
  out = F.dropout(F.linear(out, projWeight, projBias), dropout);
  out = out.view(b, padH / windowSize[0], padW / windowSize[1], windowSize[0], windowSize[1], c).permute(0, 1, 3, 2, 4, 5).reshape(b, padH, padW, c);
  if (shifted) out = out.roll([shift[0], shift[1]], [1, 2]);
  return out.slice(1, 0, h).slice(2, 0, w).contiguous();
}

export class ShiftedWindowAttention extends nn.Module {
  readonly windowSize: [number, number];
  readonly shiftSize: [number, number];
  readonly numHeads: number;
  readonly attentionDropout: number;
  readonly dropout: number;
  qkv: nn.Linear;
  proj: nn.Linear;
  declare relative_position_bias_table: nn.Parameter;
  declare relative_position_index: Tensor;

  constructor(dim: number, windowSize: [number, number], shiftSize: [number, number], numHeads: number, qkvBias = true, projBias = true, attentionDropout = 0, dropout = 0) {
    super();
    if (windowSize.length !== 2 || shiftSize.length !== 2) throw new RangeError('window_size and shift_size must be of length 2');
    this.windowSize = windowSize;
    this.shiftSize = shiftSize;
    this.numHeads = numHeads;
    this.attentionDropout = attentionDropout;
    this.dropout = dropout;
    this.qkv = new nn.Linear(dim, dim * 3, { bias: qkvBias });
    this.proj = new nn.Linear(dim, dim, { bias: projBias });
    this.defineRelativePositionBiasTable();
    // Index of (dy + Wh - 1) * (2 Ww - 1) + (dx + Ww - 1) for every pair of window positions.
    const [wh, ww] = windowSize;
    const index: number[] = [];
    for (let i = 0; i < wh * ww; i++) {
      for (let j = 0; j < wh * ww; j++) {
        const dy = Math.floor(i / ww) - Math.floor(j / ww);
        const dx = (i % ww) - (j % ww);
        index.push((dy + wh - 1) * (2 * ww - 1) + (dx + ww - 1));
      }
    }
    this.registerBuffer('relative_position_index', tensor(index, { dtype: 'int64' }));
  }

  /** v1: a learned (2Wh-1)(2Ww-1) x heads table, trunc-normal initialised. */
  protected defineRelativePositionBiasTable(): void {
    this.relative_position_bias_table = new nn.Parameter(zeros((2 * this.windowSize[0] - 1) * (2 * this.windowSize[1] - 1), this.numHeads));
    nn.init.truncNormal_(this.relative_position_bias_table, 0, 0.02);
  }

  /** The bias table gathered per pair of window positions: [1, heads, N, N]. */
  getRelativePositionBias(): Tensor {
    return this.gatherBias(this.relative_position_bias_table);
  }

  /** A (2Wh-1)(2Ww-1) x heads table gathered per pair of window positions: [1, heads, N, N]. */
  protected gatherBias(table: Tensor): Tensor {
    const n = this.windowSize[0] * this.windowSize[1];
    return table.indexSelect(0, this.relative_position_index).view(n, n, -1).permute(2, 0, 1).contiguous().unsqueeze(0);
  }

  override forward(x: Tensor): Tensor {
    return shiftedWindowAttention(
      x, this.qkv.weight, this.proj.weight, this.getRelativePositionBias(), this.windowSize, this.numHeads, this.shiftSize,
      this.attentionDropout, this.dropout, this.qkv.bias, this.proj.bias,
    );
  }
}

/** Swin V2 attention: cosine attention with a learned scale, the bias from an MLP over log-spaced relative coordinates. */
export class ShiftedWindowAttentionV2 extends ShiftedWindowAttention {
  declare relative_coords_table: Tensor;
  logit_scale: nn.Parameter;
  cpb_mlp: nn.Sequential;

  constructor(dim: number, windowSize: [number, number], shiftSize: [number, number], numHeads: number, qkvBias = true, projBias = true, attentionDropout = 0, dropout = 0) {
    super(dim, windowSize, shiftSize, numHeads, qkvBias, projBias, attentionDropout, dropout);
    this.logit_scale = new nn.Parameter(ones(numHeads, 1, 1).mul(10).log());
    this.cpb_mlp = new nn.Sequential(new nn.Linear(2, 512, { bias: true }), new nn.ReLU(true), new nn.Linear(512, numHeads, { bias: false }));
    if (qkvBias) {
      const length = Math.floor(this.qkv.bias!.numel() / 3);
      noGrad(() => this.qkv.bias!.narrow(0, length, length).zero_());
    }
  }

  /** v2: no table; a buffer of relative coordinates scaled to [-8, 8] and log-spaced. */
  protected override defineRelativePositionBiasTable(): void {
    const [wh, ww] = this.windowSize;
    const h = arange(-(wh - 1), wh, { dtype: 'float32' });
    const w = arange(-(ww - 1), ww, { dtype: 'float32' });
    const table = stack(meshgrid([h, w], { indexing: 'ij' })).permute(1, 2, 0).contiguous().unsqueeze(0);
    table.select(3, 0).div_(wh - 1);
    table.select(3, 1).div_(ww - 1);
    table.mul_(8);
    this.registerBuffer('relative_coords_table', table.sign().mul(table.abs().add(1.0).log2()).div(3.0));
  }

  override getRelativePositionBias(): Tensor {
    const table = (this.cpb_mlp.forward(this.relative_coords_table) as Tensor).view(-1, this.numHeads);
    return this.gatherBias(table).sigmoid().mul(16);
  }

  override forward(x: Tensor): Tensor {
    return shiftedWindowAttention(
      x, this.qkv.weight, this.proj.weight, this.getRelativePositionBias(), this.windowSize, this.numHeads, this.shiftSize,
      this.attentionDropout, this.dropout, this.qkv.bias, this.proj.bias, this.logit_scale,
    );
  }
}

export class SwinTransformerBlock extends nn.Module {
  norm1: nn.Module;
  attn: ShiftedWindowAttention;
  stochastic_depth: StochasticDepth;
  norm2: nn.Module;
  mlp: MLP;

  constructor(dim: number, numHeads: number, windowSize: [number, number], shiftSize: [number, number], mlpRatio = 4, dropout = 0, attentionDropout = 0, stochasticDepthProb = 0, normLayer: NormFactory = (c) => new nn.LayerNorm(c), attnLayer: typeof ShiftedWindowAttention = ShiftedWindowAttention) {
    super();
    this.norm1 = normLayer(dim);
    this.attn = new attnLayer(dim, windowSize, shiftSize, numHeads, true, true, attentionDropout, dropout);
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
    this.norm2 = normLayer(dim);
    this.mlp = new MLP(dim, [Math.trunc(dim * mlpRatio), dim], () => new nn.GELU(), dropout);
    for (const m of this.mlp.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.xavierUniform_(m.weight);
        if (m.bias) nn.init.normal_(m.bias, 0, 1e-6);
      }
    }
  }

  override forward(input: Tensor): Tensor {
    const x = input.add(this.stochastic_depth.forward(this.attn.forward(this.norm1.forward(input) as Tensor)));
    return x.add(this.stochastic_depth.forward(this.mlp.forward(this.norm2.forward(x) as Tensor)));
  }
}

/** Swin V2 block: post-norm residuals (norm after attention and after the MLP). */
export class SwinTransformerBlockV2 extends SwinTransformerBlock {
  constructor(dim: number, numHeads: number, windowSize: [number, number], shiftSize: [number, number], mlpRatio = 4, dropout = 0, attentionDropout = 0, stochasticDepthProb = 0, normLayer: NormFactory = (c) => new nn.LayerNorm(c)) {
    super(dim, numHeads, windowSize, shiftSize, mlpRatio, dropout, attentionDropout, stochasticDepthProb, normLayer, ShiftedWindowAttentionV2);
  }

  override forward(input: Tensor): Tensor {
    const x = input.add(this.stochastic_depth.forward(this.norm1.forward(this.attn.forward(input)) as Tensor));
    return x.add(this.stochastic_depth.forward(this.norm2.forward(this.mlp.forward(x)) as Tensor));
  }
}

export interface SwinTransformerArgs {
  patchSize: [number, number];
  embedDim: number;
  depths: number[];
  numHeads: number[];
  windowSize: [number, number];
  mlpRatio?: number;
  dropout?: number;
  attentionDropout?: number;
  stochasticDepthProb?: number;
  numClasses?: number;
  /** 'v2': SwinTransformerBlockV2 and PatchMergingV2 (torchvision's block / downsample_layer for swin_v2_*). */
  version?: 'v1' | 'v2';
}

export class SwinTransformer extends nn.Module {
  readonly numClasses: number;
  features: nn.Sequential;
  norm: nn.Module;
  permute: Permute;
  avgpool: nn.AdaptiveAvgPool2d;
  flatten: nn.Flatten;
  head: nn.Linear;

  constructor(args: SwinTransformerArgs) {
    super();
    const { patchSize, embedDim, depths, numHeads, windowSize } = args;
    this.numClasses = args.numClasses ?? 1000;
    const normLayer: NormFactory = (c) => new nn.LayerNorm(c, { eps: 1e-5 });
    const layers: nn.Module[] = [
      new nn.Sequential(new nn.Conv2d(3, embedDim, patchSize, { stride: patchSize }), new Permute([0, 2, 3, 1]), normLayer(embedDim)),
    ];
    const totalStageBlocks = depths.reduce((a, d) => a + d, 0);
    let stageBlockId = 0;
    depths.forEach((depth, iStage) => {
      const dim = embedDim * 2 ** iStage;
      const stage: nn.Module[] = [];
      for (let iLayer = 0; iLayer < depth; iLayer++) {
        const sdProb = ((args.stochasticDepthProb ?? 0.1) * stageBlockId) / (totalStageBlocks - 1);
        const shift: [number, number] = iLayer % 2 === 0 ? [0, 0] : [Math.floor(windowSize[0] / 2), Math.floor(windowSize[1] / 2)];
        const Block = args.version === 'v2' ? SwinTransformerBlockV2 : SwinTransformerBlock;
        stage.push(new Block(dim, numHeads[iStage], windowSize, shift, args.mlpRatio ?? 4, args.dropout ?? 0, args.attentionDropout ?? 0, sdProb, normLayer));
        stageBlockId++;
      }
      layers.push(new nn.Sequential(...stage));
      if (iStage < depths.length - 1) layers.push(args.version === 'v2' ? new PatchMergingV2(dim, normLayer) : new PatchMerging(dim, normLayer));
    });
    this.features = new nn.Sequential(...layers);
    const numFeatures = embedDim * 2 ** (depths.length - 1);
    this.norm = normLayer(numFeatures);
    this.permute = new Permute([0, 3, 1, 2]);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.flatten = new nn.Flatten(1);
    this.head = new nn.Linear(numFeatures, this.numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.truncNormal_(m.weight, 0, 0.02);
        if (m.bias) nn.init.zeros_(m.bias);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    const h = this.norm.forward(this.features.forward(x)) as Tensor;
    return this.head.forward(this.flatten.forward(this.avgpool.forward(this.permute.forward(h))));
  }
}

/** Swin builders' options: torchvision's keyword arguments. */
export interface SwinOptions extends ModelOptions {
  stochasticDepthProb?: number;
  dropout?: number;
  attentionDropout?: number;
}

function swin(name: string, embedDim: number, depths: number[], numHeads: number[], sdProb: number, opts: SwinOptions, version: 'v1' | 'v2' = 'v1'): SwinTransformer {
  builderOptions(name, opts, ['stochasticDepthProb', 'dropout', 'attentionDropout']);
  const window: [number, number] = version === 'v2' ? [8, 8] : [7, 7];
  const model = new SwinTransformer({
    patchSize: [4, 4], embedDim, depths, numHeads, windowSize: window, stochasticDepthProb: opts.stochasticDepthProb ?? sdProb, version,
    dropout: opts.dropout, attentionDropout: opts.attentionDropout, numClasses: opts.numClasses,
  });
  return loadWeights(model, opts, name);
}

export const swinT = (opts: SwinOptions = {}) => swin('swin_t', 96, [2, 2, 6, 2], [3, 6, 12, 24], 0.2, opts);
export const swinS = (opts: SwinOptions = {}) => swin('swin_s', 96, [2, 2, 18, 2], [3, 6, 12, 24], 0.3, opts);
export const swinB = (opts: SwinOptions = {}) => swin('swin_b', 128, [2, 2, 18, 2], [4, 8, 16, 32], 0.5, opts);
export const swinV2T = (opts: SwinOptions = {}) => swin('swin_v2_t', 96, [2, 2, 6, 2], [3, 6, 12, 24], 0.2, opts, 'v2');
export const swinV2S = (opts: SwinOptions = {}) => swin('swin_v2_s', 96, [2, 2, 18, 2], [3, 6, 12, 24], 0.3, opts, 'v2');
export const swinV2B = (opts: SwinOptions = {}) => swin('swin_v2_b', 128, [2, 2, 18, 2], [4, 8, 16, 32], 0.5, opts, 'v2');
