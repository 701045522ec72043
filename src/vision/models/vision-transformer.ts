// torchvision.models.vision_transformer: ViT-B/16, B/32, L/16, L/32, H/14 (class token, learned
// position embedding, pre-norm encoder blocks with nn.MultiheadAttention).
import * as nn from '../../nn/index.js';
import { cat } from '../../ops/join.js';
import { empty, zeros } from '../../tensor/create.js';
import type { StateDict } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions, MLP } from './misc.js';
import { Weights } from './weights-enum.js';
import { loadWeights, resolveModelOptions, type ModelOptions, type ResolvedModelOptions } from './weights.js';

type NormFactory = (dim: number) => nn.Module;
const defaultNorm: NormFactory = (dim) => new nn.LayerNorm(dim, { eps: 1e-6 });

/** Linear - GELU - Dropout - Linear - Dropout (torchvision's MLP with two layers), Xavier-initialised. */
export class MLPBlock extends MLP {
  constructor(inDim: number, mlpDim: number, dropout: number) {
    super(inDim, [mlpDim, inDim], () => new nn.GELU(), dropout);
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.xavierUniform_(m.weight);
        if (m.bias) nn.init.normal_(m.bias, 0, 1e-6);
      }
    }
  }

  /** Checkpoints from before torchvision's MLPBlock v2 name the layers linear_1 / linear_2 (now 0 / 3). */
  protected override upgradeStateDict(sd: StateDict, prefix: string): void {
    for (let i = 0; i < 2; i++) {
      for (const type of ['weight', 'bias']) {
        const oldKey = `${prefix}linear_${i + 1}.${type}`;
        if (oldKey in sd) {
          sd[`${prefix}${3 * i}.${type}`] = sd[oldKey];
          delete sd[oldKey];
        }
      }
    }
  }
}

/** Pre-norm block: x + dropout(attention(ln_1(x))), then + mlp(ln_2(.)). */
export class EncoderBlock extends nn.Module {
  readonly numHeads: number;
  ln_1: nn.Module;
  self_attention: nn.MultiheadAttention;
  dropout: nn.Dropout;
  ln_2: nn.Module;
  mlp: MLPBlock;

  constructor(numHeads: number, hiddenDim: number, mlpDim: number, dropout: number, attentionDropout: number, normLayer: NormFactory = defaultNorm) {
    super();
    this.numHeads = numHeads;
    this.ln_1 = normLayer(hiddenDim);
    this.self_attention = new nn.MultiheadAttention(hiddenDim, numHeads, { dropout: attentionDropout, batchFirst: true });
    this.dropout = new nn.Dropout(dropout);
    this.ln_2 = normLayer(hiddenDim);
    this.mlp = new MLPBlock(hiddenDim, mlpDim, dropout);
  }

  override forward(input: Tensor): Tensor {
    if (input.dim() !== 3) throw new RangeError(`Expected (batch_size, seq_length, hidden_dim) got [${input.shape.join(', ')}]`);
    const h = this.ln_1.forward(input) as Tensor;
    const [attn] = this.self_attention.forward(h, h, h, null, false);
    const x = this.dropout.forward(attn).add(input);
    return x.add(this.mlp.forward(this.ln_2.forward(x) as Tensor));
  }
}

/** Position embedding + dropout + encoder_layer_0..n + final LayerNorm. */
export class Encoder extends nn.Module {
  pos_embedding: nn.Parameter;
  dropout: nn.Dropout;
  layers: nn.Sequential;
  ln: nn.Module;

  constructor(seqLength: number, numLayers: number, numHeads: number, hiddenDim: number, mlpDim: number, dropout: number, attentionDropout: number, normLayer: NormFactory = defaultNorm) {
    super();
    // Drawn before the layers, as torchvision does (BERT's init).
    this.pos_embedding = new nn.Parameter(empty(1, seqLength, hiddenDim).normal_(0, 0.02));
    this.dropout = new nn.Dropout(dropout);
    const layers = new Map<string, nn.Module>();
    for (let i = 0; i < numLayers; i++) layers.set(`encoder_layer_${i}`, new EncoderBlock(numHeads, hiddenDim, mlpDim, dropout, attentionDropout, normLayer));
    this.layers = new nn.Sequential(layers);
    this.ln = normLayer(hiddenDim);
  }

  override forward(input: Tensor): Tensor {
    if (input.dim() !== 3) throw new RangeError(`Expected (batch_size, seq_length, hidden_dim) got [${input.shape.join(', ')}]`);
    return this.ln.forward(this.layers.forward(this.dropout.forward(input.add(this.pos_embedding)))) as Tensor;
  }
}

export interface VisionTransformerArgs {
  imageSize: number;
  patchSize: number;
  numLayers: number;
  numHeads: number;
  hiddenDim: number;
  mlpDim: number;
  dropout?: number;
  attentionDropout?: number;
  numClasses?: number;
  /** A Linear + Tanh pre-logits layer of this size before the head. */
  representationSize?: number | null;
}

export class VisionTransformer extends nn.Module {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly hiddenDim: number;
  readonly seqLength: number;
  conv_proj: nn.Conv2d;
  class_token: nn.Parameter;
  encoder: Encoder;
  heads: nn.Sequential;

  constructor(args: VisionTransformerArgs) {
    super();
    const { imageSize, patchSize, hiddenDim } = args;
    if (imageSize % patchSize !== 0) throw new RangeError('Input shape indivisible by patch size!');
    this.imageSize = imageSize;
    this.patchSize = patchSize;
    this.hiddenDim = hiddenDim;
    this.conv_proj = new nn.Conv2d(3, hiddenDim, patchSize, { stride: patchSize });
    this.class_token = new nn.Parameter(zeros(1, 1, hiddenDim));
    const seqLength = (Math.floor(imageSize / patchSize) ** 2) + 1;
    this.encoder = new Encoder(seqLength, args.numLayers, args.numHeads, hiddenDim, args.mlpDim, args.dropout ?? 0, args.attentionDropout ?? 0);
    this.seqLength = seqLength;
    const numClasses = args.numClasses ?? 1000;
    const heads = new Map<string, nn.Module>();
    const rep = args.representationSize ?? null;
    if (rep === null) heads.set('head', new nn.Linear(hiddenDim, numClasses));
    else {
      heads.set('pre_logits', new nn.Linear(hiddenDim, rep));
      heads.set('act', new nn.Tanh());
      heads.set('head', new nn.Linear(rep, numClasses));
    }
    this.heads = new nn.Sequential(heads);
    const fanIn = 3 * patchSize * patchSize;
    nn.init.truncNormal_(this.conv_proj.weight, 0, Math.sqrt(1 / fanIn));
    if (this.conv_proj.bias) nn.init.zeros_(this.conv_proj.bias);
    if (rep !== null) {
      const preLogits = heads.get('pre_logits') as nn.Linear;
      nn.init.truncNormal_(preLogits.weight, 0, Math.sqrt(1 / hiddenDim));
      nn.init.zeros_(preLogits.bias!);
    }
    const head = heads.get('head') as nn.Linear;
    nn.init.zeros_(head.weight);
    nn.init.zeros_(head.bias!);
  }

  /** Patches as a sequence: (n, hidden, n_h * n_w) -> (n, n_h * n_w, hidden). */
  private processInput(x: Tensor): Tensor {
    const [n, , h, w] = x.shape;
    if (h !== this.imageSize) throw new RangeError(`Wrong image height! Expected ${this.imageSize} but got ${h}!`);
    if (w !== this.imageSize) throw new RangeError(`Wrong image width! Expected ${this.imageSize} but got ${w}!`);
    const p = this.patchSize;
    return this.conv_proj.forward(x).reshape(n, this.hiddenDim, Math.floor(h / p) * Math.floor(w / p)).permute(0, 2, 1);
  }

  override forward(input: Tensor): Tensor {
    const x = this.processInput(input);
    const classToken = this.class_token.expand(x.shape[0], -1, -1);
    const encoded = this.encoder.forward(cat([classToken, x], 1));
    return this.heads.forward(encoded.select(1, 0));
  }
}

/** ViT builders' options: torchvision's keyword arguments. */
export interface ViTOptions extends ModelOptions {
  /** Input height and width (default 224); the position embedding is sized for it. */
  imageSize?: number;
  dropout?: number;
  attentionDropout?: number;
  representationSize?: number | null;
}

/** torchvision's _ovewrite_named_param: enum weights fix the input size to the one they were trained at. */
export function sizeFromWeights(resolved: ResolvedModelOptions, given: number | undefined, fallback: number, param: string): number {
  if (!(resolved.weights instanceof Weights)) return given ?? fallback;
  const expected = resolved.weights.meta.min_size[0];
  if (given !== undefined && given !== expected) throw new RangeError(`The parameter '${param}' expected value ${expected} but got ${given} instead.`);
  return expected;
}

function vit(name: string, patchSize: number, numLayers: number, numHeads: number, hiddenDim: number, mlpDim: number, opts: ViTOptions): VisionTransformer {
  builderOptions(name, opts, ['imageSize', 'dropout', 'attentionDropout', 'representationSize']);
  const resolved = resolveModelOptions(opts, name);
  const model = new VisionTransformer({
    imageSize: sizeFromWeights(resolved, opts.imageSize, 224, 'image_size'), patchSize, numLayers, numHeads, hiddenDim, mlpDim,
    dropout: opts.dropout, attentionDropout: opts.attentionDropout, numClasses: resolved.numClasses, representationSize: opts.representationSize,
  });
  return loadWeights(model, resolved.weights, name, resolved.progress);
}

export const vitB16 = (opts: ViTOptions = {}) => vit('vit_b_16', 16, 12, 12, 768, 3072, opts);
export const vitB32 = (opts: ViTOptions = {}) => vit('vit_b_32', 32, 12, 12, 768, 3072, opts);
export const vitL16 = (opts: ViTOptions = {}) => vit('vit_l_16', 16, 24, 16, 1024, 4096, opts);
export const vitL32 = (opts: ViTOptions = {}) => vit('vit_l_32', 32, 24, 16, 1024, 4096, opts);
export const vitH14 = (opts: ViTOptions = {}) => vit('vit_h_14', 14, 32, 16, 1280, 5120, opts);
