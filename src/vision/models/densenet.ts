// torchvision.models.densenet: DenseNet-BC 121/161/169/201 with torchvision's module names and init.
import * as nn from '../../nn/index.js';
import { cat } from '../../ops/join.js';
import type { StateDict } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

const F = nn.functional;

/** BN-ReLU-Conv1x1 bottleneck over the concatenation of every earlier feature map, then BN-ReLU-Conv3x3. */
class _DenseLayer extends nn.Module {
  norm1: nn.BatchNorm2d;
  relu1: nn.ReLU;
  conv1: nn.Conv2d;
  norm2: nn.BatchNorm2d;
  relu2: nn.ReLU;
  conv2: nn.Conv2d;
  readonly dropRate: number;
  readonly memoryEfficient: boolean;

  constructor(numInputFeatures: number, growthRate: number, bnSize: number, dropRate: number, memoryEfficient = false) {
    super();
    this.norm1 = new nn.BatchNorm2d(numInputFeatures);
    this.relu1 = new nn.ReLU(true);
    this.conv1 = new nn.Conv2d(numInputFeatures, bnSize * growthRate, 1, { stride: 1, bias: false });
    this.norm2 = new nn.BatchNorm2d(bnSize * growthRate);
    this.relu2 = new nn.ReLU(true);
    this.conv2 = new nn.Conv2d(bnSize * growthRate, growthRate, 3, { stride: 1, padding: 1, bias: false });
    this.dropRate = dropRate;
    this.memoryEfficient = memoryEfficient;
  }

  /**
   * torchvision's DenseNet checkpoints name these 'norm.1', 'conv.2', …: renamed to 'norm1',
   * 'conv2' as torchvision's _load_state_dict does, so its ImageNet weights load.
   */
  protected override upgradeStateDict(sd: StateDict, prefix: string): void {
    for (const key of Object.keys(sd)) {
      if (!key.startsWith(prefix)) continue;
      const m = /^(norm|relu|conv)\.([12])\.(weight|bias|running_mean|running_var)$/.exec(key.slice(prefix.length));
      if (m === null) continue;
      sd[`${prefix}${m[1]}${m[2]}.${m[3]}`] = sd[key];
      delete sd[key];
    }
  }

  override forward(input: Tensor | Tensor[]): Tensor {
    const prev = Array.isArray(input) ? input : [input];
    const bottleneck = this.conv1.forward(this.relu1.forward(this.norm1.forward(cat(prev, 1))));
    const out = this.conv2.forward(this.relu2.forward(this.norm2.forward(bottleneck)));
    return this.dropRate > 0 ? F.dropout(out, this.dropRate, this.training) : out;
  }
}

/** denselayer1..n, each fed the block input and every earlier layer's output. */
class _DenseBlock extends nn.ModuleDict {
  constructor(numLayers: number, numInputFeatures: number, bnSize: number, growthRate: number, dropRate: number, memoryEfficient = false) {
    super();
    for (let i = 0; i < numLayers; i++) {
      this.addModule(`denselayer${i + 1}`, new _DenseLayer(numInputFeatures + i * growthRate, growthRate, bnSize, dropRate, memoryEfficient));
    }
  }

  override forward(initFeatures: Tensor): Tensor {
    const features = [initFeatures];
    for (const layer of this.values()) features.push((layer as _DenseLayer).forward(features));
    return cat(features, 1);
  }
}

/** BN-ReLU-Conv1x1-AvgPool between dense blocks (halves channels and resolution). */
class _Transition extends nn.Sequential {
  constructor(numInputFeatures: number, numOutputFeatures: number) {
    super();
    this.addModule('norm', new nn.BatchNorm2d(numInputFeatures));
    this.addModule('relu', new nn.ReLU(true));
    this.addModule('conv', new nn.Conv2d(numInputFeatures, numOutputFeatures, 1, { stride: 1, bias: false }));
    this.addModule('pool', new nn.AvgPool2d(2, { stride: 2 }));
  }
}

// Exported without the underscore; the classes keep torchvision's names for repr.
export { _DenseLayer as DenseLayer, _DenseBlock as DenseBlock, _Transition as Transition };

export class DenseNet extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Linear;

  /**
   * `memoryEfficient` is torchvision's gradient-checkpointing switch: it trades memory for
   * recomputation and never changes results. It is accepted and kept; torchlette computes
   * the same values without checkpointing.
   */
  constructor(growthRate = 32, blockConfig: readonly number[] = [6, 12, 24, 16], numInitFeatures = 64, bnSize = 4, dropRate = 0, numClasses = 1000, memoryEfficient = false) {
    super();
    this.features = new nn.Sequential(
      new Map<string, nn.Module>([
        ['conv0', new nn.Conv2d(3, numInitFeatures, 7, { stride: 2, padding: 3, bias: false })],
        ['norm0', new nn.BatchNorm2d(numInitFeatures)],
        ['relu0', new nn.ReLU(true)],
        ['pool0', new nn.MaxPool2d(3, { stride: 2, padding: 1 })],
      ]),
    );
    let numFeatures = numInitFeatures;
    blockConfig.forEach((numLayers, i) => {
      this.features.addModule(`denseblock${i + 1}`, new _DenseBlock(numLayers, numFeatures, bnSize, growthRate, dropRate, memoryEfficient));
      numFeatures += numLayers * growthRate;
      if (i !== blockConfig.length - 1) {
        this.features.addModule(`transition${i + 1}`, new _Transition(numFeatures, Math.floor(numFeatures / 2)));
        numFeatures = Math.floor(numFeatures / 2);
      }
    });
    this.features.addModule('norm5', new nn.BatchNorm2d(numFeatures));
    this.classifier = new nn.Linear(numFeatures, numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) nn.init.kaimingNormal_(m.weight);
      else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      } else if (m instanceof nn.Linear) nn.init.constant_(m.bias!, 0);
    }
  }

  override forward(x: Tensor): Tensor {
    const out = F.relu(this.features.forward(x), true);
    return this.classifier.forward(F.adaptiveAvgPool2d(out, [1, 1]).flatten(1));
  }
}

/** DenseNet builders' options: torchvision's keyword arguments. */
export interface DenseNetOptions extends ModelOptions {
  /** Dropout after each dense layer. */
  dropRate?: number;
  /** torchvision's checkpointing switch; results are the same either way (see DenseNet). */
  memoryEfficient?: boolean;
}

function densenet(name: string, growthRate: number, blockConfig: number[], numInitFeatures: number, opts: DenseNetOptions): DenseNet {
  builderOptions(name, opts, ['dropRate', 'memoryEfficient']);
  const model = new DenseNet(growthRate, blockConfig, numInitFeatures, 4, opts.dropRate ?? 0, opts.numClasses ?? 1000, opts.memoryEfficient ?? false);
  return loadWeights(model, opts, name);
}

export const densenet121 = (opts: DenseNetOptions = {}) => densenet('densenet121', 32, [6, 12, 24, 16], 64, opts);
export const densenet161 = (opts: DenseNetOptions = {}) => densenet('densenet161', 48, [6, 12, 36, 24], 96, opts);
export const densenet169 = (opts: DenseNetOptions = {}) => densenet('densenet169', 32, [6, 12, 32, 32], 64, opts);
export const densenet201 = (opts: DenseNetOptions = {}) => densenet('densenet201', 32, [6, 12, 48, 32], 64, opts);
