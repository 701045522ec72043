// torchvision.models.efficientnet: EfficientNet B0-B7 (MBConv) and V2 S/M/L (Fused-MBConv + MBConv).
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { activations, builderOptions, Conv2dNormActivation, makeDivisible, SqueezeExcitation, StochasticDepth, type NormLayer } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

/** One stage of the network: torchvision's MBConvConfig / FusedMBConvConfig (channels already scaled). */
export interface MBConvConfig {
  block: 'MBConv' | 'FusedMBConv';
  expandRatio: number;
  kernel: number;
  stride: number;
  inputChannels: number;
  outChannels: number;
  numLayers: number;
}

const adjustChannels = (channels: number, widthMult: number) => makeDivisible(channels * widthMult, 8);

/** Expand (1x1) - depthwise - squeeze-excite - project (1x1), with stochastic depth on the residual. */
export class MBConv extends nn.Module {
  private readonly useResConnect: boolean;
  block: nn.Sequential;
  stochastic_depth: StochasticDepth;
  readonly outChannels: number;

  constructor(cnf: MBConvConfig, stochasticDepthProb: number, normLayer: NormLayer) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const layers: nn.Module[] = [];
    const expanded = adjustChannels(cnf.inputChannels, cnf.expandRatio);
    if (expanded !== cnf.inputChannels) {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, expanded, { kernelSize: 1, normLayer, activation: activations.silu }));
    }
    layers.push(new Conv2dNormActivation(expanded, expanded, { kernelSize: cnf.kernel, stride: cnf.stride, groups: expanded, normLayer, activation: activations.silu }));
    layers.push(new SqueezeExcitation(expanded, Math.max(1, Math.floor(cnf.inputChannels / 4)), activations.silu));
    layers.push(new Conv2dNormActivation(expanded, cnf.outChannels, { kernelSize: 1, normLayer, activation: null }));
    this.block = new nn.Sequential(...layers);
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
    this.outChannels = cnf.outChannels;
  }

  override forward(input: Tensor): Tensor {
    const result = this.block.forward(input);
    return this.useResConnect ? this.stochastic_depth.forward(result).add_(input) : result;
  }
}

/** EfficientNetV2's fused block: one regular conv replaces the expand + depthwise pair; no SE. */
export class FusedMBConv extends nn.Module {
  private readonly useResConnect: boolean;
  block: nn.Sequential;
  stochastic_depth: StochasticDepth;
  readonly outChannels: number;

  constructor(cnf: MBConvConfig, stochasticDepthProb: number, normLayer: NormLayer) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const layers: nn.Module[] = [];
    const expanded = adjustChannels(cnf.inputChannels, cnf.expandRatio);
    if (expanded !== cnf.inputChannels) {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, expanded, { kernelSize: cnf.kernel, stride: cnf.stride, normLayer, activation: activations.silu }));
      layers.push(new Conv2dNormActivation(expanded, cnf.outChannels, { kernelSize: 1, normLayer, activation: null }));
    } else {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, cnf.outChannels, { kernelSize: cnf.kernel, stride: cnf.stride, normLayer, activation: activations.silu }));
    }
    this.block = new nn.Sequential(...layers);
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, 'row');
    this.outChannels = cnf.outChannels;
  }

  override forward(input: Tensor): Tensor {
    const result = this.block.forward(input);
    return this.useResConnect ? this.stochastic_depth.forward(result).add_(input) : result;
  }
}

export class EfficientNet extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(setting: readonly MBConvConfig[], dropout: number, stochasticDepthProb = 0.2, numClasses = 1000, normLayer: NormLayer = (c) => new nn.BatchNorm2d(c), lastChannel: number | null = null) {
    super();
    if (setting.length === 0) throw new RangeError('The inverted_residual_setting should not be empty');
    const layers: nn.Module[] = [new Conv2dNormActivation(3, setting[0].inputChannels, { kernelSize: 3, stride: 2, normLayer, activation: activations.silu })];
    const totalStageBlocks = setting.reduce((n, c) => n + c.numLayers, 0);
    let stageBlockId = 0;
    for (const cnf of setting) {
      const stage: nn.Module[] = [];
      for (let i = 0; i < cnf.numLayers; i++) {
        const blockCnf = i === 0 ? cnf : { ...cnf, inputChannels: cnf.outChannels, stride: 1 };
        // Stochastic depth grows linearly with the block's index over the whole network.
        const sdProb = (stochasticDepthProb * stageBlockId) / totalStageBlocks;
        stage.push(cnf.block === 'MBConv' ? new MBConv(blockCnf, sdProb, normLayer) : new FusedMBConv(blockCnf, sdProb, normLayer));
        stageBlockId++;
      }
      layers.push(new nn.Sequential(...stage));
    }
    const lastconvInput = setting[setting.length - 1].outChannels;
    const lastconvOutput = lastChannel ?? 4 * lastconvInput;
    layers.push(new Conv2dNormActivation(lastconvInput, lastconvOutput, { kernelSize: 1, normLayer, activation: activations.silu }));
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.classifier = new nn.Sequential(new nn.Dropout(dropout, true), new nn.Linear(lastconvOutput, numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out' });
        if (m.bias) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        const initRange = 1 / Math.sqrt(m.outFeatures);
        nn.init.uniform_(m.weight, -initRange, initRange);
        nn.init.zeros_(m.bias!);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

type Row = [number, number, number, number, number, number];

/** EfficientNet B-series stages, widths and depths scaled as torchvision's MBConvConfig does. */
function bConf(widthMult: number, depthMult: number): MBConvConfig[] {
  const rows: Row[] = [[1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3], [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1]];
  return rows.map(([expandRatio, kernel, stride, inp, out, n]) => ({
    block: 'MBConv', expandRatio, kernel, stride, inputChannels: adjustChannels(inp, widthMult), outChannels: adjustChannels(out, widthMult), numLayers: Math.ceil(n * depthMult),
  }));
}

/** EfficientNetV2 stages: [fused?, expand, kernel, stride, in, out, layers]. */
function v2Conf(rows: [boolean, ...Row][]): MBConvConfig[] {
  return rows.map(([fused, expandRatio, kernel, stride, inputChannels, outChannels, numLayers]) => ({
    block: fused ? 'FusedMBConv' : 'MBConv', expandRatio, kernel, stride, inputChannels, outChannels, numLayers,
  }));
}

const V2: Record<'s' | 'm' | 'l', [boolean, ...Row][]> = {
  s: [[true, 1, 3, 1, 24, 24, 2], [true, 4, 3, 2, 24, 48, 4], [true, 4, 3, 2, 48, 64, 4], [false, 4, 3, 2, 64, 128, 6], [false, 6, 3, 1, 128, 160, 9], [false, 6, 3, 2, 160, 256, 15]],
  m: [[true, 1, 3, 1, 24, 24, 3], [true, 4, 3, 2, 24, 48, 5], [true, 4, 3, 2, 48, 80, 5], [false, 4, 3, 2, 80, 160, 7], [false, 6, 3, 1, 160, 176, 14], [false, 6, 3, 2, 176, 304, 18], [false, 6, 3, 1, 304, 512, 5]],
  l: [[true, 1, 3, 1, 32, 32, 4], [true, 4, 3, 2, 32, 64, 7], [true, 4, 3, 2, 64, 96, 7], [false, 4, 3, 2, 96, 192, 10], [false, 6, 3, 1, 192, 224, 19], [false, 6, 3, 2, 224, 384, 25], [false, 6, 3, 1, 384, 640, 7]],
};

/** EfficientNet builders' options: torchvision's keyword arguments. */
export interface EfficientNetOptions extends ModelOptions {
  /** Largest stochastic-depth drop probability (last block); default 0.2. */
  stochasticDepthProb?: number;
}

function build(name: string, setting: MBConvConfig[], dropout: number, lastChannel: number | null, normLayer: NormLayer, opts: EfficientNetOptions): EfficientNet {
  builderOptions(name, opts, ['stochasticDepthProb']);
  const model = new EfficientNet(setting, dropout, opts.stochasticDepthProb ?? 0.2, opts.numClasses ?? 1000, normLayer, lastChannel);
  return loadWeights(model, opts, name);
}

const bn = (c: number) => new nn.BatchNorm2d(c);
/** B5-B7 were ported from TensorFlow: its BN epsilon and momentum. */
const tfBn = (c: number) => new nn.BatchNorm2d(c, { eps: 0.001, momentum: 0.01 });
const v2Bn = (c: number) => new nn.BatchNorm2d(c, { eps: 1e-3 });

export const efficientnetB0 = (opts: EfficientNetOptions = {}) => build('efficientnet_b0', bConf(1.0, 1.0), 0.2, null, bn, opts);
export const efficientnetB1 = (opts: EfficientNetOptions = {}) => build('efficientnet_b1', bConf(1.0, 1.1), 0.2, null, bn, opts);
export const efficientnetB2 = (opts: EfficientNetOptions = {}) => build('efficientnet_b2', bConf(1.1, 1.2), 0.3, null, bn, opts);
export const efficientnetB3 = (opts: EfficientNetOptions = {}) => build('efficientnet_b3', bConf(1.2, 1.4), 0.3, null, bn, opts);
export const efficientnetB4 = (opts: EfficientNetOptions = {}) => build('efficientnet_b4', bConf(1.4, 1.8), 0.4, null, bn, opts);
export const efficientnetB5 = (opts: EfficientNetOptions = {}) => build('efficientnet_b5', bConf(1.6, 2.2), 0.4, null, tfBn, opts);
export const efficientnetB6 = (opts: EfficientNetOptions = {}) => build('efficientnet_b6', bConf(1.8, 2.6), 0.5, null, tfBn, opts);
export const efficientnetB7 = (opts: EfficientNetOptions = {}) => build('efficientnet_b7', bConf(2.0, 3.1), 0.5, null, tfBn, opts);
export const efficientnetV2S = (opts: EfficientNetOptions = {}) => build('efficientnet_v2_s', v2Conf(V2.s), 0.2, 1280, v2Bn, opts);
export const efficientnetV2M = (opts: EfficientNetOptions = {}) => build('efficientnet_v2_m', v2Conf(V2.m), 0.3, 1280, v2Bn, opts);
export const efficientnetV2L = (opts: EfficientNetOptions = {}) => build('efficientnet_v2_l', v2Conf(V2.l), 0.4, 1280, v2Bn, opts);
