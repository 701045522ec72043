// torchvision.models.resnet: the same modules, names and initialisation, so
// state_dict keys match torchvision's checkpoints and seeds give its weights.
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { loadWeights, type ModelOptions } from './weights.js';

const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1) =>
  new nn.Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) => new nn.Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

export class BasicBlock extends nn.Module {
  static readonly expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Sequential | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: nn.Sequential | null = null) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = new nn.BatchNorm2d(planes);
    this.relu = new nn.ReLU(true);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new nn.BatchNorm2d(planes);
    this.downsample = downsample;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.bn2.forward(this.conv2.forward(out));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    out.add_(identity);
    return this.relu.forward(out);
  }
}

export class Bottleneck extends nn.Module {
  static readonly expansion = 4;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  conv3: nn.Conv2d;
  bn3: nn.BatchNorm2d;
  relu: nn.ReLU;
  downsample: nn.Sequential | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: nn.Sequential | null = null) {
    super();
    const width = planes;
    this.conv1 = conv1x1(inPlanes, width);
    this.bn1 = new nn.BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, stride);
    this.bn2 = new nn.BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new nn.BatchNorm2d(planes * Bottleneck.expansion);
    this.relu = new nn.ReLU(true);
    this.downsample = downsample;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.relu.forward(this.bn2.forward(this.conv2.forward(out)));
    out = this.bn3.forward(this.conv3.forward(out));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    out.add_(identity);
    return this.relu.forward(out);
  }
}

type Block = typeof BasicBlock | typeof Bottleneck;

export class ResNet extends nn.Module {
  private inPlanes = 64;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  maxpool: nn.MaxPool2d;
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  layer4: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  /** The classification head; replace it for transfer learning (`model.fc = new nn.Linear(512, 2)`). */
  fc: nn.Linear;

  constructor(block: Block, layers: [number, number, number, number], numClasses = 1000) {
    super();
    this.conv1 = new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new nn.BatchNorm2d(64);
    this.relu = new nn.ReLU(true);
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.makeLayer(block, 64, layers[0]);
    this.layer2 = this.makeLayer(block, 128, layers[1], 2);
    this.layer3 = this.makeLayer(block, 256, layers[2], 2);
    this.layer4 = this.makeLayer(block, 512, layers[3], 2);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(512 * block.expansion, numClasses);
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      }
    }
  }

  private makeLayer(block: Block, planes: number, blocks: number, stride = 1): nn.Sequential {
    let downsample: nn.Sequential | null = null;
    if (stride !== 1 || this.inPlanes !== planes * block.expansion) {
      downsample = new nn.Sequential(conv1x1(this.inPlanes, planes * block.expansion, stride), new nn.BatchNorm2d(planes * block.expansion));
    }
    const layers: nn.Module[] = [new block(this.inPlanes, planes, stride, downsample)];
    this.inPlanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inPlanes, planes));
    return new nn.Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    let h = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
    h = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(h))));
    return this.fc.forward(this.avgpool.forward(h).flatten(1));
  }
}

function build(block: Block, layers: [number, number, number, number], opts: ModelOptions): ResNet {
  return loadWeights(new ResNet(block, layers, opts.numClasses ?? 1000), opts.weights);
}

export const resnet18 = (opts: ModelOptions = {}) => build(BasicBlock, [2, 2, 2, 2], opts);
export const resnet34 = (opts: ModelOptions = {}) => build(BasicBlock, [3, 4, 6, 3], opts);
export const resnet50 = (opts: ModelOptions = {}) => build(Bottleneck, [3, 4, 6, 3], opts);
