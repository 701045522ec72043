// torchvision.models.mobilenet_v2 (with torchvision.ops.Conv2dNormActivation blocks).
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Conv2dNormActivation, makeDivisible } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

export { Conv2dNormActivation };

export class InvertedResidual extends nn.Module {
  private readonly useResConnect: boolean;
  conv: nn.Sequential;

  constructor(inp: number, oup: number, stride: number, expandRatio: number) {
    super();
    if (stride !== 1 && stride !== 2) throw new RangeError(`stride should be 1 or 2 insted of ${stride}`);
    const hidden = Math.round(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    const layers: nn.Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1, activation: 'relu6' }));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden, activation: 'relu6' }),
      new nn.Conv2d(hidden, oup, 1, { stride: 1, padding: 0, bias: false }),
      new nn.BatchNorm2d(oup),
    );
    this.conv = new nn.Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    return this.useResConnect ? x.add(this.conv.forward(x)) : this.conv.forward(x);
  }
}

const SETTING: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export class MobileNetV2 extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;

  constructor(numClasses = 1000, widthMult = 1, dropout = 0.2) {
    super();
    let inputChannel = makeDivisible(32 * widthMult, 8);
    const lastChannel = makeDivisible(1280 * Math.max(1, widthMult), 8);
    const features: nn.Module[] = [new Conv2dNormActivation(3, inputChannel, { stride: 2, activation: 'relu6' })];
    for (const [t, c, n, s] of SETTING) {
      const outputChannel = makeDivisible(c * widthMult, 8);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(inputChannel, outputChannel, i === 0 ? s : 1, t));
        inputChannel = outputChannel;
      }
    }
    features.push(new Conv2dNormActivation(inputChannel, lastChannel, { kernelSize: 1, activation: 'relu6' }));
    this.features = new nn.Sequential(...features);
    this.classifier = new nn.Sequential(new nn.Dropout(dropout), new nn.Linear(lastChannel, numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out' });
        if (m.bias) nn.init.zeros_(m.bias);
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
    const h = nn.functional.adaptiveAvgPool2d(this.features.forward(x), [1, 1]).flatten(1);
    return this.classifier.forward(h);
  }
}

export const mobilenetV2 = (opts: ModelOptions = {}) => loadWeights(new MobileNetV2(opts.numClasses ?? 1000), opts, 'mobilenet_v2');
