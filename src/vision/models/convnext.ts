// torchvision.models.convnext: ConvNeXt tiny/small/base/large.
import * as nn from '../../nn/index.js';
import { ones } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions, Conv2dNormActivation, Permute, StochasticDepth, type NormLayer } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

const F = nn.functional;

/** LayerNorm over the channels of an NCHW tensor (normalises NHWC, then permutes back). */
export class LayerNorm2d extends nn.LayerNorm {
  override forward(x: Tensor): Tensor {
    const nhwc = x.permute(0, 2, 3, 1);
    return F.layerNorm(nhwc, this.normalizedShape, this.weight, this.bias, this.eps).permute(0, 3, 1, 2);
  }
}

/** Depthwise 7x7 - LayerNorm - Linear(4x) - GELU - Linear, scaled by layer_scale, with stochastic depth. */
export class CNBlock extends nn.Module {
  block: nn.Sequential;
  layer_scale: nn.Parameter;
  stochastic_depth: StochasticDepth;

  constructor(dim: number, layerScale: number, stochasticDepthProb: number, normLayer: NormLayer = (c) => new nn.LayerNorm(c, { eps: 1e-6 })) {
    super();
    this.block = new nn.Sequential(
      new nn.Conv2d(dim, dim, 7, { padding: 3, groups: dim, bias: true }),
      new Permute([0, 2, 3, 1]),
      normLayer(dim),
      new nn.Linear(dim, 4 * dim, { bias: true }),
      new nn.GELU(),
      new nn.Linear(4 * dim, dim, { bias: true }),
      new Permute([0, 3, 1, 2]),
    );
    this.layer_scale = new nn.Parameter(ones(dim, 1, 1).mul(layerScale));
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
  }

  override forward(input: Tensor): Tensor {
    const result = this.layer_scale.mul(this.block.forward(input));
    return this.stochastic_depth.forward(result).add_(input);
  }
}

/** One stage: its width, the next stage's width (null for the last) and its depth. */
export interface CNBlockConfig {
  inputChannels: number;
  outChannels: number | null;
  numLayers: number;
}

export class ConvNeXt extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(blockSetting: readonly CNBlockConfig[], stochasticDepthProb = 0, layerScale = 1e-6, numClasses = 1000) {
    super();
    if (blockSetting.length === 0) throw new RangeError('The block_setting should not be empty');
    const normLayer: NormLayer = (c) => new LayerNorm2d(c, { eps: 1e-6 });
    const layers: nn.Module[] = [
      new Conv2dNormActivation(3, blockSetting[0].inputChannels, { kernelSize: 4, stride: 4, padding: 0, normLayer, activation: null, bias: true }),
    ];
    const totalStageBlocks = blockSetting.reduce((n, c) => n + c.numLayers, 0);
    let stageBlockId = 0;
    for (const cnf of blockSetting) {
      const stage: nn.Module[] = [];
      for (let i = 0; i < cnf.numLayers; i++) {
        // Drop probability ramps linearly from 0 (first block) to stochasticDepthProb (last).
        const sdProb = (stochasticDepthProb * stageBlockId) / (totalStageBlocks - 1.0);
        stage.push(new CNBlock(cnf.inputChannels, layerScale, sdProb));
        stageBlockId++;
      }
      layers.push(new nn.Sequential(...stage));
      if (cnf.outChannels !== null) {
        layers.push(new nn.Sequential(normLayer(cnf.inputChannels), new nn.Conv2d(cnf.inputChannels, cnf.outChannels, 2, { stride: 2 })));
      }
    }
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    const last = blockSetting[blockSetting.length - 1];
    const lastconvOutput = last.outChannels ?? last.inputChannels;
    this.classifier = new nn.Sequential(normLayer(lastconvOutput), new nn.Flatten(1), new nn.Linear(lastconvOutput, numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
        nn.init.truncNormal_(m.weight, 0, 0.02);
        if (m.bias) nn.init.zeros_(m.bias);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)));
  }
}

/** ConvNeXt builders' options: torchvision's keyword arguments. */
export interface ConvNeXtOptions extends ModelOptions {
  stochasticDepthProb?: number;
  layerScale?: number;
}

function convnext(name: string, stages: [number, number | null, number][], defaultSdProb: number, opts: ConvNeXtOptions): ConvNeXt {
  builderOptions(name, opts, ['stochasticDepthProb', 'layerScale']);
  const setting = stages.map(([inputChannels, outChannels, numLayers]) => ({ inputChannels, outChannels, numLayers }));
  const model = new ConvNeXt(setting, opts.stochasticDepthProb ?? defaultSdProb, opts.layerScale ?? 1e-6, opts.numClasses ?? 1000);
  return loadWeights(model, opts, name);
}

export const convnextTiny = (opts: ConvNeXtOptions = {}) => convnext('convnext_tiny', [[96, 192, 3], [192, 384, 3], [384, 768, 9], [768, null, 3]], 0.1, opts);
export const convnextSmall = (opts: ConvNeXtOptions = {}) => convnext('convnext_small', [[96, 192, 3], [192, 384, 3], [384, 768, 27], [768, null, 3]], 0.4, opts);
export const convnextBase = (opts: ConvNeXtOptions = {}) => convnext('convnext_base', [[128, 256, 3], [256, 512, 3], [512, 1024, 27], [1024, null, 3]], 0.5, opts);
export const convnextLarge = (opts: ConvNeXtOptions = {}) => convnext('convnext_large', [[192, 384, 3], [384, 768, 3], [768, 1536, 27], [1536, null, 3]], 0.5, opts);
