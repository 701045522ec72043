// torchvision.models.maxvit: MaxViT-T (MBConv, then block-window and grid attention with a
// relative position bias, in every layer).
import * as nn from '../../nn/index.js';
import { empty, tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions, Conv2dNormActivation, SqueezeExcitation, StochasticDepth, type ActivationLayer, type NormLayer } from './misc.js';
import { Weights } from './weights-enum.js';
import { loadWeights, resolveModelOptions, type ModelOptions } from './weights.js';

const F = nn.functional;

/** Output size of a k x k convolution with this stride and padding. */
const convOutputShape = ([h, w]: [number, number], k: number, stride: number, padding: number): [number, number] => [
  Math.floor((h - k + 2 * padding) / stride) + 1,
  Math.floor((w - k + 2 * padding) / stride) + 1,
];

/** Pre-norm MBConv with a squeeze-excitation and a projected (pooled when strided) shortcut. */
export class MBConv extends nn.Module {
  proj: nn.Module;
  stochastic_depth: nn.Module;
  layers: nn.Sequential;

  constructor(inChannels: number, outChannels: number, expansionRatio: number, squeezeRatio: number, stride: number, activation: ActivationLayer, normLayer: NormLayer, pStochasticDropout = 0) {
    super();
    if (stride !== 1 || inChannels !== outChannels) {
      const proj: nn.Module[] = [new nn.Conv2d(inChannels, outChannels, 1, { stride: 1, bias: true })];
      if (stride === 2) proj.unshift(new nn.AvgPool2d(3, { stride, padding: 1 }));
      this.proj = new nn.Sequential(...proj);
    } else {
      this.proj = new nn.Identity();
    }
    const mid = Math.trunc(outChannels * expansionRatio);
    const sqz = Math.trunc(outChannels * squeezeRatio);
    this.stochastic_depth = pStochasticDropout ? new StochasticDepth(pStochasticDropout, 'row') : new nn.Identity();
    this.layers = new nn.Sequential(
      new Map<string, nn.Module>([
        ['pre_norm', normLayer(inChannels)],
        ['conv_a', new Conv2dNormActivation(inChannels, mid, { kernelSize: 1, stride: 1, padding: 0, activation, normLayer })],
        ['conv_b', new Conv2dNormActivation(mid, mid, { kernelSize: 3, stride, padding: 1, activation, normLayer, groups: mid })],
        ['squeeze_excitation', new SqueezeExcitation(mid, sqz, () => new nn.SiLU())],
        ['conv_c', new nn.Conv2d(mid, outChannels, 1, { bias: true })],
      ]),
    );
  }

  override forward(x: Tensor): Tensor {
    const res = this.proj.forward(x) as Tensor;
    return res.add(this.stochastic_depth.forward(this.layers.forward(x)) as Tensor);
  }
}

/** Multi-head self-attention within each partition, with a learned relative position bias. */
export class RelativePositionalMultiHeadAttention extends nn.Module {
  readonly nHeads: number;
  readonly headDim: number;
  readonly size: number;
  readonly maxSeqLen: number;
  to_qkv: nn.Linear;
  readonly scaleFactor: number;
  merge: nn.Linear;
  relative_position_bias_table: nn.Parameter;
  declare relative_position_index: Tensor;

  constructor(featDim: number, headDim: number, maxSeqLen: number) {
    super();
    if (featDim % headDim !== 0) throw new RangeError(`feat_dim: ${featDim} must be divisible by head_dim: ${headDim}`);
    this.nHeads = Math.floor(featDim / headDim);
    this.headDim = headDim;
    this.size = Math.trunc(Math.sqrt(maxSeqLen));
    this.maxSeqLen = maxSeqLen;
    this.to_qkv = new nn.Linear(featDim, this.nHeads * this.headDim * 3);
    this.scaleFactor = featDim ** -0.5;
    this.merge = new nn.Linear(this.headDim * this.nHeads, featDim);
    this.relative_position_bias_table = new nn.Parameter(empty((2 * this.size - 1) * (2 * this.size - 1), this.nHeads));
    const s = this.size;
    const index = Array.from({ length: s * s }, (_, i) =>
      Array.from({ length: s * s }, (_, j) => (Math.floor(i / s) - Math.floor(j / s) + s - 1) * (2 * s - 1) + ((i % s) - (j % s) + s - 1)),
    );
    this.registerBuffer('relative_position_index', tensor(index, { dtype: 'int64' }));
    nn.init.truncNormal_(this.relative_position_bias_table, 0, 0.02);
  }

  getRelativePositionalBias(): Tensor {
    const bias = this.relative_position_bias_table.indexSelect(0, this.relative_position_index.view(-1)).view(this.maxSeqLen, this.maxSeqLen, -1);
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0);
  }

  /** x: [B, G, P, D] (batch, partitions, tokens per partition, features). */
  override forward(x: Tensor): Tensor {
    const [b, g, p, d] = x.shape;
    const heads = (t: Tensor) => t.reshape(b, g, p, this.nHeads, this.headDim).permute(0, 1, 3, 2, 4);
    const [q, k0, v] = this.to_qkv.forward(x).chunk(3, -1).map(heads);
    const k = k0.mul(this.scaleFactor);
    const attn = F.softmax(q.matmul(k.transpose(-2, -1)).add(this.getRelativePositionalBias()), -1);
    return this.merge.forward(attn.matmul(v).permute(0, 1, 3, 2, 4).reshape(b, g, p, d));
  }
}

/** torch.swapaxes(x, a, b) as a module. */
export class SwapAxes extends nn.Module {
  constructor(readonly a: number, readonly b: number) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x.transpose(this.a, this.b);
  }
}

/** [B, C, H, W] -> [B, (H/P)(W/P), P*P, C]: non-overlapping P x P windows as token groups. */
export class WindowPartition extends nn.Module {
  override forward(x: Tensor, p: number): Tensor {
    const [b, c, h, w] = x.shape;
    return x.reshape(b, c, h / p, p, w / p, p).permute(0, 2, 4, 3, 5, 1).reshape(b, (h / p) * (w / p), p * p, c);
  }
}

/** The inverse of WindowPartition. */
export class WindowDepartition extends nn.Module {
  override forward(x: Tensor, p: number, hPartitions: number, wPartitions: number): Tensor {
    const [b, , , c] = x.shape;
    return x.reshape(b, hPartitions, wPartitions, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, hPartitions * p, wPartitions * p);
  }
}

/** Attention over windows (neighbouring pixels) or over a grid (pixels a stride apart), then an MLP. */
export class PartitionAttentionLayer extends nn.Module {
  readonly nHeads: number;
  readonly headDim: number;
  readonly nPartitions: number;
  readonly partitionType: 'grid' | 'window';
  readonly gridSize: [number, number];
  readonly p: number;
  readonly g: number;
  partition_op: WindowPartition;
  departition_op: WindowDepartition;
  partition_swap: nn.Module;
  departition_swap: nn.Module;
  attn_layer: nn.Sequential;
  mlp_layer: nn.Sequential;
  stochastic_dropout: StochasticDepth;

  constructor(inChannels: number, headDim: number, partitionSize: number, partitionType: 'grid' | 'window', gridSize: [number, number], mlpRatio: number, activation: ActivationLayer, normLayer: NormLayer, attentionDropout: number, mlpDropout: number, pStochasticDropout: number) {
    super();
    this.nHeads = Math.floor(inChannels / headDim);
    this.headDim = headDim;
    this.nPartitions = Math.floor(gridSize[0] / partitionSize);
    if (partitionType !== 'grid' && partitionType !== 'window') throw new RangeError("partition_type must be either 'grid' or 'window'");
    this.partitionType = partitionType;
    this.gridSize = gridSize;
    [this.p, this.g] = partitionType === 'window' ? [partitionSize, this.nPartitions] : [this.nPartitions, partitionSize];
    this.partition_op = new WindowPartition();
    this.departition_op = new WindowDepartition();
    this.partition_swap = partitionType === 'grid' ? new SwapAxes(-2, -3) : new nn.Identity();
    this.departition_swap = partitionType === 'grid' ? new SwapAxes(-2, -3) : new nn.Identity();
    this.attn_layer = new nn.Sequential(normLayer(inChannels), new RelativePositionalMultiHeadAttention(inChannels, headDim, partitionSize ** 2), new nn.Dropout(attentionDropout));
    this.mlp_layer = new nn.Sequential(
      new nn.LayerNorm(inChannels),
      new nn.Linear(inChannels, inChannels * mlpRatio),
      activation(),
      new nn.Linear(inChannels * mlpRatio, inChannels),
      new nn.Dropout(mlpDropout),
    );
    this.stochastic_dropout = new StochasticDepth(pStochasticDropout, 'row');
  }

  override forward(input: Tensor): Tensor {
    if (this.gridSize[0] % this.p !== 0 || this.gridSize[1] % this.p !== 0) {
      throw new RangeError(`Grid size must be divisible by partition size. Got grid size of (${this.gridSize.join(', ')}) and partition size of ${this.p}`);
    }
    const gh = Math.floor(this.gridSize[0] / this.p);
    const gw = Math.floor(this.gridSize[1] / this.p);
    let x = this.partition_swap.forward(this.partition_op.forward(input, this.p)) as Tensor;
    x = x.add(this.stochastic_dropout.forward(this.attn_layer.forward(x)));
    x = x.add(this.stochastic_dropout.forward(this.mlp_layer.forward(x)));
    return this.departition_op.forward(this.departition_swap.forward(x) as Tensor, this.p, gh, gw);
  }
}

/** MBConv, window attention, grid attention. */
export class MaxVitLayer extends nn.Module {
  layers: nn.Sequential;

  constructor(inChannels: number, outChannels: number, squeezeRatio: number, expansionRatio: number, stride: number, normLayer: NormLayer, activation: ActivationLayer, headDim: number, mlpRatio: number, mlpDropout: number, attentionDropout: number, pStochasticDropout: number, partitionSize: number, gridSize: [number, number]) {
    super();
    const attention = (type: 'grid' | 'window') =>
      new PartitionAttentionLayer(outChannels, headDim, partitionSize, type, gridSize, mlpRatio, activation, (c) => new nn.LayerNorm(c), attentionDropout, mlpDropout, pStochasticDropout);
    this.layers = new nn.Sequential(
      new Map<string, nn.Module>([
        ['MBconv', new MBConv(inChannels, outChannels, expansionRatio, squeezeRatio, stride, activation, normLayer, pStochasticDropout)],
        ['window_attention', attention('window')],
        ['grid_attention', attention('grid')],
      ]),
    );
  }

  override forward(x: Tensor): Tensor {
    return this.layers.forward(x);
  }
}

/** A stage: its first layer halves the resolution. */
export class MaxVitBlock extends nn.Module {
  layers: nn.ModuleList;
  readonly gridSize: [number, number];

  constructor(inChannels: number, outChannels: number, squeezeRatio: number, expansionRatio: number, normLayer: NormLayer, activation: ActivationLayer, headDim: number, mlpRatio: number, mlpDropout: number, attentionDropout: number, partitionSize: number, inputGridSize: [number, number], nLayers: number, pStochastic: number[]) {
    super();
    if (pStochastic.length !== nLayers) throw new RangeError(`p_stochastic must have length n_layers=${nLayers}, got p_stochastic=[${pStochastic.join(', ')}].`);
    this.layers = new nn.ModuleList();
    this.gridSize = convOutputShape(inputGridSize, 3, 2, 1);
    pStochastic.forEach((p, idx) => {
      this.layers.append(
        new MaxVitLayer(idx === 0 ? inChannels : outChannels, outChannels, squeezeRatio, expansionRatio, idx === 0 ? 2 : 1, normLayer, activation, headDim, mlpRatio, mlpDropout, attentionDropout, p, partitionSize, this.gridSize),
      );
    });
  }

  override forward(input: Tensor): Tensor {
    let x = input;
    for (const layer of this.layers) x = layer.forward(x) as Tensor;
    return x;
  }
}

export interface MaxVitArgs {
  inputSize: [number, number];
  stemChannels: number;
  partitionSize: number;
  blockChannels: number[];
  blockLayers: number[];
  headDim: number;
  stochasticDepthProb: number;
  squeezeRatio?: number;
  expansionRatio?: number;
  mlpRatio?: number;
  mlpDropout?: number;
  attentionDropout?: number;
  numClasses?: number;
}

/** numpy.linspace(start, stop, num): i * step + start, the last one exactly stop. */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (num > 1 && i === num - 1 ? stop : i * step + start));
}

export class MaxVit extends nn.Module {
  stem: nn.Sequential;
  readonly partitionSize: number;
  blocks: nn.ModuleList;
  classifier: nn.Sequential;

  constructor(args: MaxVitArgs) {
    super();
    const { partitionSize, blockChannels, blockLayers } = args;
    // torchvision's BatchNorm settings for MaxViT (momentum 0.99 as it passes it).
    const normLayer: NormLayer = (c) => new nn.BatchNorm2d(c, { eps: 1e-3, momentum: 0.99 });
    const activation: ActivationLayer = () => new nn.GELU();
    let shape = convOutputShape(args.inputSize, 3, 2, 1);
    for (let idx = 0, s = shape; idx < blockChannels.length; idx++) {
      s = convOutputShape(s, 3, 2, 1);
      if (s[0] % partitionSize !== 0 || s[1] % partitionSize !== 0) {
        throw new RangeError(`Input size (${s.join(', ')}) of block ${idx} is not divisible by partition size ${partitionSize}. Consider changing the partition size or the input size.`);
      }
    }
    this.stem = new nn.Sequential(
      new Conv2dNormActivation(3, args.stemChannels, { kernelSize: 3, stride: 2, normLayer, activation, bias: false }),
      new Conv2dNormActivation(args.stemChannels, args.stemChannels, { kernelSize: 3, stride: 1, normLayer: null, activation: null, bias: true }),
    );
    this.partitionSize = partitionSize;
    this.blocks = new nn.ModuleList();
    const inChannels = [args.stemChannels, ...blockChannels.slice(0, -1)];
    const pStochastic = linspace(0, args.stochasticDepthProb, blockLayers.reduce((a, n) => a + n, 0));
    let pIdx = 0;
    blockChannels.forEach((outChannel, i) => {
      const block = new MaxVitBlock(
        inChannels[i], outChannel, args.squeezeRatio ?? 0.25, args.expansionRatio ?? 4, normLayer, activation, args.headDim, args.mlpRatio ?? 4,
        args.mlpDropout ?? 0, args.attentionDropout ?? 0, partitionSize, shape, blockLayers[i], pStochastic.slice(pIdx, pIdx + blockLayers[i]),
      );
      this.blocks.append(block);
      shape = block.gridSize;
      pIdx += blockLayers[i];
    });
    const last = blockChannels[blockChannels.length - 1];
    this.classifier = new nn.Sequential(
      new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(),
      new nn.LayerNorm(last),
      new nn.Linear(last, last),
      new nn.Tanh(),
      new nn.Linear(last, args.numClasses ?? 1000, { bias: false }),
    );
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.02);
        if (m.bias) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      }
    }
  }

  override forward(input: Tensor): Tensor {
    let x = this.stem.forward(input);
    for (const block of this.blocks) x = block.forward(x) as Tensor;
    return this.classifier.forward(x);
  }
}

/** MaxViT builder options: torchvision's keyword arguments. */
export interface MaxVitOptions extends ModelOptions {
  /** Input height and width (default [224, 224]); every stage's size must divide by the partition size 7. */
  inputSize?: [number, number];
  stochasticDepthProb?: number;
}

export function maxvitT(opts: MaxVitOptions = {}): MaxVit {
  builderOptions('maxvit_t', opts, ['inputSize', 'stochasticDepthProb']);
  const resolved = resolveModelOptions(opts, 'maxvit_t');
  // Enum weights fix the input size to theirs, as torchvision's _ovewrite_named_param.
  let inputSize = opts.inputSize ?? [224, 224];
  if (resolved.weights instanceof Weights) {
    const [h, w] = resolved.weights.meta.min_size;
    if (opts.inputSize !== undefined && (opts.inputSize[0] !== h || opts.inputSize[1] !== w)) {
      throw new RangeError(`The parameter 'input_size' expected value (${h}, ${w}) but got (${opts.inputSize.join(', ')}) instead.`);
    }
    inputSize = [h, w];
  }
  const model = new MaxVit({
    inputSize, stemChannels: 64, blockChannels: [64, 128, 256, 512], blockLayers: [2, 2, 5, 2], headDim: 32,
    stochasticDepthProb: opts.stochasticDepthProb ?? 0.2, partitionSize: 7, numClasses: resolved.numClasses,
  });
  return loadWeights(model, resolved.weights, 'maxvit_t', resolved.progress);
}
