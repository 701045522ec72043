// torchvision.models.alexnet
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { loadWeights, type ModelOptions } from './weights.js';

export class AlexNet extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(numClasses = 1000, dropout = 0.5) {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 64, 11, { stride: 4, padding: 2 }),
      new nn.ReLU(true),
      new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(64, 192, 5, { padding: 2 }),
      new nn.ReLU(true),
      new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(192, 384, 3, { padding: 1 }),
      new nn.ReLU(true),
      new nn.Conv2d(384, 256, 3, { padding: 1 }),
      new nn.ReLU(true),
      new nn.Conv2d(256, 256, 3, { padding: 1 }),
      new nn.ReLU(true),
      new nn.MaxPool2d(3, { stride: 2 }),
    );
    this.avgpool = new nn.AdaptiveAvgPool2d([6, 6]);
    this.classifier = new nn.Sequential(
      new nn.Dropout(dropout),
      new nn.Linear(256 * 6 * 6, 4096),
      new nn.ReLU(true),
      new nn.Dropout(dropout),
      new nn.Linear(4096, 4096),
      new nn.ReLU(true),
      new nn.Linear(4096, numClasses),
    );
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

export const alexnet = (opts: ModelOptions = {}) => loadWeights(new AlexNet(opts.numClasses ?? 1000), opts, 'alexnet');
