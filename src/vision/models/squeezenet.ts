// torchvision.models.squeezenet: SqueezeNet 1.0 and 1.1 with torchvision's module names and init.
import * as nn from '../../nn/index.js';
import { cat } from '../../ops/join.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

/** Squeeze (1x1) then two expand branches (1x1 and 3x3) concatenated on channels. */
export class Fire extends nn.Module {
  readonly inplanes: number;
  squeeze: nn.Conv2d;
  squeeze_activation: nn.ReLU;
  expand1x1: nn.Conv2d;
  expand1x1_activation: nn.ReLU;
  expand3x3: nn.Conv2d;
  expand3x3_activation: nn.ReLU;

  constructor(inplanes: number, squeezePlanes: number, expand1x1Planes: number, expand3x3Planes: number) {
    super();
    this.inplanes = inplanes;
    this.squeeze = new nn.Conv2d(inplanes, squeezePlanes, 1);
    this.squeeze_activation = new nn.ReLU(true);
    this.expand1x1 = new nn.Conv2d(squeezePlanes, expand1x1Planes, 1);
    this.expand1x1_activation = new nn.ReLU(true);
    this.expand3x3 = new nn.Conv2d(squeezePlanes, expand3x3Planes, 3, { padding: 1 });
    this.expand3x3_activation = new nn.ReLU(true);
  }

  override forward(x: Tensor): Tensor {
    const s = this.squeeze_activation.forward(this.squeeze.forward(x));
    return cat([this.expand1x1_activation.forward(this.expand1x1.forward(s)), this.expand3x3_activation.forward(this.expand3x3.forward(s))], 1);
  }
}

const pool = () => new nn.MaxPool2d(3, { stride: 2, ceilMode: true });

export class SqueezeNet extends nn.Module {
  readonly numClasses: number;
  features: nn.Sequential;
  classifier: nn.Sequential;

  constructor(version: '1_0' | '1_1' = '1_0', numClasses = 1000, dropout = 0.5) {
    super();
    this.numClasses = numClasses;
    if (version === '1_0') {
      this.features = new nn.Sequential(
        new nn.Conv2d(3, 96, 7, { stride: 2 }), new nn.ReLU(true), pool(),
        new Fire(96, 16, 64, 64), new Fire(128, 16, 64, 64), new Fire(128, 32, 128, 128), pool(),
        new Fire(256, 32, 128, 128), new Fire(256, 48, 192, 192), new Fire(384, 48, 192, 192), new Fire(384, 64, 256, 256), pool(),
        new Fire(512, 64, 256, 256),
      );
    } else if (version === '1_1') {
      this.features = new nn.Sequential(
        new nn.Conv2d(3, 64, 3, { stride: 2 }), new nn.ReLU(true), pool(),
        new Fire(64, 16, 64, 64), new Fire(128, 16, 64, 64), pool(),
        new Fire(128, 32, 128, 128), new Fire(256, 32, 128, 128), pool(),
        new Fire(256, 48, 192, 192), new Fire(384, 48, 192, 192), new Fire(384, 64, 256, 256), new Fire(512, 64, 256, 256),
      );
    } else {
      throw new RangeError(`Unsupported SqueezeNet version ${String(version)}: 1_0 or 1_1 expected`);
    }
    // The final convolution is initialised differently from the rest.
    const finalConv = new nn.Conv2d(512, numClasses, 1);
    this.classifier = new nn.Sequential(new nn.Dropout(dropout), finalConv, new nn.ReLU(true), new nn.AdaptiveAvgPool2d([1, 1]));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        if (m === finalConv) nn.init.normal_(m.weight, 0, 0.01);
        else nn.init.kaimingUniform_(m.weight);
        if (m.bias) nn.init.constant_(m.bias, 0);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x)).flatten(1);
  }
}

export const squeezenet1_0 = (opts: ModelOptions = {}) => loadWeights(new SqueezeNet('1_0', builderOptions('squeezenet1_0', opts).numClasses ?? 1000), opts, 'squeezenet1_0');
export const squeezenet1_1 = (opts: ModelOptions = {}) => loadWeights(new SqueezeNet('1_1', builderOptions('squeezenet1_1', opts).numClasses ?? 1000), opts, 'squeezenet1_1');
