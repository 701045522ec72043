// torchvision.models.regnet: RegNetX / RegNetY (with squeeze-excitation) from the design-space parameters.
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { rint } from '../../backend/js/math.js';
import { activations, builderOptions, Conv2dNormActivation, makeDivisible, SqueezeExcitation, type ActivationLayer, type NormLayer } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

/** 1x1 reduce - grouped 3x3 (stride) - optional SE - 1x1 expand, as a Sequential named a, b, se, c. */
export class BottleneckTransform extends nn.Sequential {
  constructor(widthIn: number, widthOut: number, stride: number, normLayer: NormLayer, activation: ActivationLayer, groupWidth: number, bottleneckMultiplier: number, seRatio: number | null) {
    const wB = Math.trunc(pyRound(widthOut * bottleneckMultiplier));
    const g = Math.floor(wB / groupWidth);
    const layers = new Map<string, nn.Module>();
    layers.set('a', new Conv2dNormActivation(widthIn, wB, { kernelSize: 1, stride: 1, normLayer, activation }));
    layers.set('b', new Conv2dNormActivation(wB, wB, { kernelSize: 3, stride, groups: g, normLayer, activation }));
    // torchvision builds the SE's activation without inplace.
    if (seRatio) layers.set('se', new SqueezeExcitation(wB, Math.trunc(pyRound(seRatio * widthIn)), () => new nn.ReLU()));
    layers.set('c', new Conv2dNormActivation(wB, widthOut, { kernelSize: 1, stride: 1, normLayer, activation: null }));
    super(layers);
  }
}

/** Python's round(): half to even. */
const pyRound = (x: number) => rint(x);

export class ResBottleneckBlock extends nn.Module {
  proj: Conv2dNormActivation | null;
  f: BottleneckTransform;
  activation: nn.Module;

  constructor(widthIn: number, widthOut: number, stride: number, normLayer: NormLayer, activation: ActivationLayer, groupWidth = 1, bottleneckMultiplier = 1, seRatio: number | null = null) {
    super();
    this.proj = widthIn !== widthOut || stride !== 1
      ? new Conv2dNormActivation(widthIn, widthOut, { kernelSize: 1, stride, normLayer, activation: null })
      : null;
    this.f = new BottleneckTransform(widthIn, widthOut, stride, normLayer, activation, groupWidth, bottleneckMultiplier, seRatio);
    this.activation = activation();
  }

  override forward(x: Tensor): Tensor {
    const out = this.proj !== null ? this.proj.forward(x).add(this.f.forward(x)) : x.add(this.f.forward(x));
    return this.activation.forward(out) as Tensor;
  }
}

/** One stage: blocks named `block{stage}-{i}`, the first one carrying the stride. */
export class AnyStage extends nn.Sequential {
  constructor(widthIn: number, widthOut: number, stride: number, depth: number, normLayer: NormLayer, activation: ActivationLayer, groupWidth: number, bottleneckMultiplier: number, seRatio: number | null, stageIndex: number) {
    super();
    for (let i = 0; i < depth; i++) {
      const block = new ResBottleneckBlock(i === 0 ? widthIn : widthOut, widthOut, i === 0 ? stride : 1, normLayer, activation, groupWidth, bottleneckMultiplier, seRatio);
      this.addModule(`block${stageIndex}-${i}`, block);
    }
  }
}

/** Per-stage settings (torchvision's BlockParams). */
export interface BlockParams {
  depths: number[];
  widths: number[];
  groupWidths: number[];
  bottleneckMultipliers: number[];
  strides: number[];
  seRatio: number | null;
}

const f32 = Math.fround;

/**
 * torchvision's BlockParams.from_init_params: quantised linear widths in log space. The
 * arithmetic is float32 as torchvision does it with tensors, so the rounding lands the same.
 */
export function blockParamsFromInitParams(depth: number, w0: number, wA: number, wM: number, groupWidth: number, bottleneckMultiplier = 1, seRatio: number | null = null): BlockParams {
  const QUANT = 8;
  if (wA < 0 || w0 <= 0 || wM <= 1 || w0 % 8 !== 0) throw new RangeError('Invalid RegNet settings');
  const logWm = f32(Math.log(wM));
  const blockWidths: number[] = [];
  for (let i = 0; i < depth; i++) {
    const widthCont = f32(f32(f32(i) * f32(wA)) + f32(w0));
    const capacity = rint(f32(f32(Math.log(f32(widthCont / f32(w0)))) / logWm));
    blockWidths.push(rint(f32(f32(f32(w0) * f32(Math.pow(f32(wM), capacity))) / QUANT)) * QUANT);
  }
  const numStages = new Set(blockWidths).size;
  // A stage ends where the width changes.
  const splits: boolean[] = [];
  for (let i = 0; i <= blockWidths.length; i++) {
    const w = i < blockWidths.length ? blockWidths[i] : 0;
    const wp = i > 0 ? blockWidths[i - 1] : 0;
    splits.push(w !== wp);
  }
  const stageWidths = blockWidths.filter((_, i) => splits[i]);
  const starts = splits.flatMap((t, i) => (t ? [i] : []));
  const stageDepths = starts.slice(1).map((s, i) => s - starts[i]);
  const bottleneckMultipliers = new Array<number>(numStages).fill(bottleneckMultiplier);
  // Make widths and group widths compatible with the bottleneck ratio.
  const wBot = stageWidths.map((w, i) => Math.trunc(w * bottleneckMultipliers[i]));
  const groupWidths = wBot.map((w) => Math.min(groupWidth, w));
  const widths = wBot.map((w, i) => Math.trunc(makeDivisible(w, groupWidths[i]) / bottleneckMultipliers[i]));
  return { depths: stageDepths, widths, groupWidths, bottleneckMultipliers, strides: new Array<number>(numStages).fill(2), seRatio };
}

/** The stem: a 3x3 stride-2 conv-norm-activation (torchvision's SimpleStemIN). */
export class SimpleStemIN extends Conv2dNormActivation {
  constructor(widthIn: number, widthOut: number, normLayer: NormLayer, activation: ActivationLayer) {
    super(widthIn, widthOut, { kernelSize: 3, stride: 2, normLayer, activation });
  }
}

export class RegNet extends nn.Module {
  stem: SimpleStemIN;
  trunk_output: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  fc: nn.Linear;

  constructor(blockParams: BlockParams, numClasses = 1000, stemWidth = 32, normLayer: NormLayer = (c) => new nn.BatchNorm2d(c), activation: ActivationLayer = activations.relu) {
    super();
    this.stem = new SimpleStemIN(3, stemWidth, normLayer, activation);
    let currentWidth = stemWidth;
    const blocks = new Map<string, nn.Module>();
    blockParams.widths.forEach((widthOut, i) => {
      blocks.set(`block${i + 1}`, new AnyStage(currentWidth, widthOut, blockParams.strides[i], blockParams.depths[i], normLayer, activation, blockParams.groupWidths[i], blockParams.bottleneckMultipliers[i], blockParams.seRatio, i + 1));
      currentWidth = widthOut;
    });
    this.trunk_output = new nn.Sequential(blocks);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(currentWidth, numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        const fanOut = m.weight.shape[2] * m.weight.shape[3] * m.weight.shape[0];
        nn.init.normal_(m.weight, 0, Math.sqrt(2 / fanOut));
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.01);
        nn.init.zeros_(m.bias!);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.fc.forward(this.avgpool.forward(this.trunk_output.forward(this.stem.forward(x))).flatten(1));
  }
}

const regnet = (name: string, params: BlockParams, opts: ModelOptions) =>
  loadWeights(new RegNet(params, builderOptions(name, opts).numClasses ?? 1000, 32, (c) => new nn.BatchNorm2d(c, { eps: 1e-5, momentum: 0.1 })), opts, name);
const p = blockParamsFromInitParams;

export const regnetY400mf = (opts: ModelOptions = {}) => regnet('regnet_y_400mf', p(16, 48, 27.89, 2.09, 8, 1, 0.25), opts);
export const regnetY800mf = (opts: ModelOptions = {}) => regnet('regnet_y_800mf', p(14, 56, 38.84, 2.4, 16, 1, 0.25), opts);
export const regnetY1_6gf = (opts: ModelOptions = {}) => regnet('regnet_y_1_6gf', p(27, 48, 20.71, 2.65, 24, 1, 0.25), opts);
export const regnetY3_2gf = (opts: ModelOptions = {}) => regnet('regnet_y_3_2gf', p(21, 80, 42.63, 2.66, 24, 1, 0.25), opts);
export const regnetY8gf = (opts: ModelOptions = {}) => regnet('regnet_y_8gf', p(17, 192, 76.82, 2.19, 56, 1, 0.25), opts);
export const regnetY16gf = (opts: ModelOptions = {}) => regnet('regnet_y_16gf', p(18, 200, 106.23, 2.48, 112, 1, 0.25), opts);
export const regnetY32gf = (opts: ModelOptions = {}) => regnet('regnet_y_32gf', p(20, 232, 115.89, 2.53, 232, 1, 0.25), opts);
export const regnetY128gf = (opts: ModelOptions = {}) => regnet('regnet_y_128gf', p(27, 456, 160.83, 2.52, 264, 1, 0.25), opts);
export const regnetX400mf = (opts: ModelOptions = {}) => regnet('regnet_x_400mf', p(22, 24, 24.48, 2.54, 16), opts);
export const regnetX800mf = (opts: ModelOptions = {}) => regnet('regnet_x_800mf', p(16, 56, 35.73, 2.28, 16), opts);
export const regnetX1_6gf = (opts: ModelOptions = {}) => regnet('regnet_x_1_6gf', p(18, 80, 34.01, 2.25, 24), opts);
export const regnetX3_2gf = (opts: ModelOptions = {}) => regnet('regnet_x_3_2gf', p(25, 88, 26.31, 2.25, 48), opts);
export const regnetX8gf = (opts: ModelOptions = {}) => regnet('regnet_x_8gf', p(23, 80, 49.56, 2.88, 120), opts);
export const regnetX16gf = (opts: ModelOptions = {}) => regnet('regnet_x_16gf', p(22, 216, 55.59, 2.1, 128), opts);
export const regnetX32gf = (opts: ModelOptions = {}) => regnet('regnet_x_32gf', p(23, 320, 69.86, 2.0, 168), opts);
