// torchvision.models.mobilenetv3: MobileNetV3 large and small.
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { activations, builderOptions, Conv2dNormActivation, makeDivisible, SqueezeExcitation, type NormLayer } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

/** One bneck row of the paper's tables (channels already scaled by the width multiplier). */
export interface InvertedResidualConfig {
  inputChannels: number;
  kernel: number;
  expandedChannels: number;
  outChannels: number;
  useSe: boolean;
  useHs: boolean;
  stride: number;
  dilation: number;
}

/** torchvision's mobilenetv3.InvertedResidual (exported as MobileNetV3InvertedResidual; the class keeps torchvision's name for repr). */
class InvertedResidual extends nn.Module {
  private readonly useResConnect: boolean;
  block: nn.Sequential;
  readonly outChannels: number;

  constructor(cnf: InvertedResidualConfig, normLayer: NormLayer) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const activation = cnf.useHs ? activations.hardswish : activations.relu;
    const layers: nn.Module[] = [];
    if (cnf.expandedChannels !== cnf.inputChannels) {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, cnf.expandedChannels, { kernelSize: 1, normLayer, activation }));
    }
    layers.push(
      new Conv2dNormActivation(cnf.expandedChannels, cnf.expandedChannels, {
        kernelSize: cnf.kernel, stride: cnf.dilation > 1 ? 1 : cnf.stride, dilation: cnf.dilation, groups: cnf.expandedChannels, normLayer, activation,
      }),
    );
    if (cnf.useSe) {
      const squeezeChannels = makeDivisible(Math.floor(cnf.expandedChannels / 4), 8);
      layers.push(new SqueezeExcitation(cnf.expandedChannels, squeezeChannels, () => new nn.ReLU(), () => new nn.Hardsigmoid()));
    }
    layers.push(new Conv2dNormActivation(cnf.expandedChannels, cnf.outChannels, { kernelSize: 1, normLayer, activation: null }));
    this.block = new nn.Sequential(...layers);
    this.outChannels = cnf.outChannels;
  }

  override forward(input: Tensor): Tensor {
    const result = this.block.forward(input);
    return this.useResConnect ? result.add_(input) : result;
  }
}

export { InvertedResidual as MobileNetV3InvertedResidual };

export class MobileNetV3 extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(setting: readonly InvertedResidualConfig[], lastChannel: number, numClasses = 1000, dropout = 0.2) {
    super();
    if (setting.length === 0) throw new RangeError('The inverted_residual_setting should not be empty');
    const normLayer: NormLayer = (c) => new nn.BatchNorm2d(c, { eps: 0.001, momentum: 0.01 });
    const layers: nn.Module[] = [new Conv2dNormActivation(3, setting[0].inputChannels, { kernelSize: 3, stride: 2, normLayer, activation: activations.hardswish })];
    for (const cnf of setting) layers.push(new InvertedResidual(cnf, normLayer));
    const lastconvInput = setting[setting.length - 1].outChannels;
    const lastconvOutput = 6 * lastconvInput;
    layers.push(new Conv2dNormActivation(lastconvInput, lastconvOutput, { kernelSize: 1, normLayer, activation: activations.hardswish }));
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.classifier = new nn.Sequential(
      new nn.Linear(lastconvOutput, lastChannel),
      new nn.Hardswish(true),
      new nn.Dropout(dropout, true),
      new nn.Linear(lastChannel, numClasses),
    );
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out' });
        if (m.bias) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.01);
        nn.init.zeros_(m.bias!);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

type Row = [number, number, number, number, boolean, 'RE' | 'HS', number, number];

/** torchvision's _mobilenet_v3_conf: the bneck table and the last channel count. */
function mobilenetV3Conf(arch: 'large' | 'small', widthMult = 1, reducedTail = false, dilated = false): [InvertedResidualConfig[], number] {
  const r = reducedTail ? 2 : 1;
  const d = dilated ? 2 : 1;
  const adjust = (c: number) => makeDivisible(c * widthMult, 8);
  const rows: Row[] = arch === 'large'
    ? [
      [16, 3, 16, 16, false, 'RE', 1, 1], [16, 3, 64, 24, false, 'RE', 2, 1], [24, 3, 72, 24, false, 'RE', 1, 1],
      [24, 5, 72, 40, true, 'RE', 2, 1], [40, 5, 120, 40, true, 'RE', 1, 1], [40, 5, 120, 40, true, 'RE', 1, 1],
      [40, 3, 240, 80, false, 'HS', 2, 1], [80, 3, 200, 80, false, 'HS', 1, 1], [80, 3, 184, 80, false, 'HS', 1, 1],
      [80, 3, 184, 80, false, 'HS', 1, 1], [80, 3, 480, 112, true, 'HS', 1, 1], [112, 3, 672, 112, true, 'HS', 1, 1],
      [112, 5, 672, 160 / r, true, 'HS', 2, d], [160 / r, 5, 960 / r, 160 / r, true, 'HS', 1, d], [160 / r, 5, 960 / r, 160 / r, true, 'HS', 1, d],
    ]
    : [
      [16, 3, 16, 16, true, 'RE', 2, 1], [16, 3, 72, 24, false, 'RE', 2, 1], [24, 3, 88, 24, false, 'RE', 1, 1],
      [24, 5, 96, 40, true, 'HS', 2, 1], [40, 5, 240, 40, true, 'HS', 1, 1], [40, 5, 240, 40, true, 'HS', 1, 1],
      [40, 5, 120, 48, true, 'HS', 1, 1], [48, 5, 144, 48, true, 'HS', 1, 1], [48, 5, 288, 96 / r, true, 'HS', 2, d],
      [96 / r, 5, 576 / r, 96 / r, true, 'HS', 1, d], [96 / r, 5, 576 / r, 96 / r, true, 'HS', 1, d],
    ];
  const setting = rows.map(([inputChannels, kernel, expanded, out, useSe, act, stride, dilation]) => ({
    inputChannels: adjust(inputChannels), kernel, expandedChannels: adjust(expanded), outChannels: adjust(out), useSe, useHs: act === 'HS', stride, dilation,
  }));
  return [setting, adjust((arch === 'large' ? 1280 : 1024) / r)];
}

/** MobileNetV3 builders' options: torchvision's keyword arguments. */
export interface MobileNetV3Options extends ModelOptions {
  widthMult?: number;
  reducedTail?: boolean;
  dilated?: boolean;
  dropout?: number;
}

function mobilenetV3(arch: 'large' | 'small', opts: MobileNetV3Options): MobileNetV3 {
  builderOptions(`mobilenet_v3_${arch}`, opts, ['widthMult', 'reducedTail', 'dilated', 'dropout']);
  const [setting, lastChannel] = mobilenetV3Conf(arch, opts.widthMult ?? 1, opts.reducedTail ?? false, opts.dilated ?? false);
  return loadWeights(new MobileNetV3(setting, lastChannel, opts.numClasses ?? 1000, opts.dropout ?? 0.2), opts, `mobilenet_v3_${arch}`);
}

export const mobilenetV3Large = (opts: MobileNetV3Options = {}) => mobilenetV3('large', opts);
export const mobilenetV3Small = (opts: MobileNetV3Options = {}) => mobilenetV3('small', opts);
