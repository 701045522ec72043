// torchvision.models.vgg (configurations A = vgg11, B = vgg13, D = vgg16, E = vgg19; optional batch norm).
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { loadWeights, type ModelOptions } from './weights.js';

const CONFIGS = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const;

function makeLayers(cfg: readonly (number | 'M')[], batchNorm: boolean): nn.Sequential {
  const layers: nn.Module[] = [];
  let inChannels = 3;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d(2, { stride: 2 }));
      continue;
    }
    layers.push(new nn.Conv2d(inChannels, v, 3, { padding: 1 }));
    if (batchNorm) layers.push(new nn.BatchNorm2d(v));
    layers.push(new nn.ReLU(true));
    inChannels = v;
  }
  return new nn.Sequential(...layers);
}

export class VGG extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(features: nn.Sequential, numClasses = 1000, dropout = 0.5) {
    super();
    this.features = features;
    this.avgpool = new nn.AdaptiveAvgPool2d([7, 7]);
    this.classifier = new nn.Sequential(
      new nn.Linear(512 * 7 * 7, 4096),
      new nn.ReLU(true),
      new nn.Dropout(dropout),
      new nn.Linear(4096, 4096),
      new nn.ReLU(true),
      new nn.Dropout(dropout),
      new nn.Linear(4096, numClasses),
    );
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias) nn.init.constant_(m.bias, 0);
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      } else if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.01);
        nn.init.constant_(m.bias!, 0);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

const vgg = (name: string, cfg: keyof typeof CONFIGS, batchNorm: boolean, opts: ModelOptions) =>
  loadWeights(new VGG(makeLayers(CONFIGS[cfg], batchNorm), opts.numClasses ?? 1000), opts, name);

export const vgg11 = (opts: ModelOptions = {}) => vgg('vgg11', 'A', false, opts);
export const vgg11Bn = (opts: ModelOptions = {}) => vgg('vgg11_bn', 'A', true, opts);
export const vgg13 = (opts: ModelOptions = {}) => vgg('vgg13', 'B', false, opts);
export const vgg13Bn = (opts: ModelOptions = {}) => vgg('vgg13_bn', 'B', true, opts);
export const vgg16 = (opts: ModelOptions = {}) => vgg('vgg16', 'D', false, opts);
export const vgg16Bn = (opts: ModelOptions = {}) => vgg('vgg16_bn', 'D', true, opts);
export const vgg19 = (opts: ModelOptions = {}) => vgg('vgg19', 'E', false, opts);
export const vgg19Bn = (opts: ModelOptions = {}) => vgg('vgg19_bn', 'E', true, opts);
