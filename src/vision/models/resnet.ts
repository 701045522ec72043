// torchvision.models.resnet: the same modules, names and initialisation, so
// state_dict keys match torchvision's checkpoints and seeds give its weights.
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1, groups = 1) =>
  new nn.Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, groups, bias: false });
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) => new nn.Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

export class BasicBlock extends nn.Module {
  static readonly expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Sequential | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: nn.Sequential | null = null, groups = 1, baseWidth = 64) {
    super();
    if (groups !== 1 || baseWidth !== 64) throw new RangeError('BasicBlock only supports groups=1 and base_width=64');
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

  constructor(inPlanes: number, planes: number, stride = 1, downsample: nn.Sequential | null = null, groups = 1, baseWidth = 64) {
    super();
    // ResNeXt / wide ResNet: the 3x3 conv is grouped and widened (torchvision's width formula).
    const width = Math.trunc(planes * (baseWidth / 64)) * groups;
    this.conv1 = conv1x1(inPlanes, width);
    this.bn1 = new nn.BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, stride, groups);
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
  private readonly groups: number;
  private readonly baseWidth: number;
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

  constructor(block: Block, layers: [number, number, number, number], numClasses = 1000, zeroInitResidual = false, groups = 1, widthPerGroup = 64) {
    super();
    this.groups = groups;
    this.baseWidth = widthPerGroup;
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
    // Each residual branch starts as identity when asked (torchvision's zero_init_residual).
    if (zeroInitResidual) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck) nn.init.constant_(m.bn3.weight!, 0);
        else if (m instanceof BasicBlock) nn.init.constant_(m.bn2.weight!, 0);
      }
    }
  }

  private makeLayer(block: Block, planes: number, blocks: number, stride = 1): nn.Sequential {
    let downsample: nn.Sequential | null = null;
    if (stride !== 1 || this.inPlanes !== planes * block.expansion) {
      downsample = new nn.Sequential(conv1x1(this.inPlanes, planes * block.expansion, stride), new nn.BatchNorm2d(planes * block.expansion));
    }
    const layers: nn.Module[] = [new block(this.inPlanes, planes, stride, downsample, this.groups, this.baseWidth)];
    this.inPlanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inPlanes, planes, 1, null, this.groups, this.baseWidth));
    return new nn.Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    let h = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
    h = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(h))));
    return this.fc.forward(this.avgpool.forward(h).flatten(1));
  }
}

/** ResNet builders' options: torchvision's keyword arguments. */
export interface ResNetOptions extends ModelOptions {
  /** Zero-initialise the last BN of each residual branch. */
  zeroInitResidual?: boolean;
}

function build(name: string, block: Block, layers: [number, number, number, number], opts: ResNetOptions, groups = 1, widthPerGroup = 64): ResNet {
  builderOptions(name, opts, ['zeroInitResidual']);
  const model = new ResNet(block, layers, opts.numClasses ?? 1000, opts.zeroInitResidual ?? false, groups, widthPerGroup);
  return loadWeights(model, opts, name);
}

export const resnet18 = (opts: ResNetOptions = {}) => build('resnet18', BasicBlock, [2, 2, 2, 2], opts);
export const resnet34 = (opts: ResNetOptions = {}) => build('resnet34', BasicBlock, [3, 4, 6, 3], opts);
export const resnet50 = (opts: ResNetOptions = {}) => build('resnet50', Bottleneck, [3, 4, 6, 3], opts);
export const resnet101 = (opts: ResNetOptions = {}) => build('resnet101', Bottleneck, [3, 4, 23, 3], opts);
export const resnet152 = (opts: ResNetOptions = {}) => build('resnet152', Bottleneck, [3, 8, 36, 3], opts);
export const resnext50_32x4d = (opts: ResNetOptions = {}) => build('resnext50_32x4d', Bottleneck, [3, 4, 6, 3], opts, 32, 4);
export const resnext101_32x8d = (opts: ResNetOptions = {}) => build('resnext101_32x8d', Bottleneck, [3, 4, 23, 3], opts, 32, 8);
export const resnext101_64x4d = (opts: ResNetOptions = {}) => build('resnext101_64x4d', Bottleneck, [3, 4, 23, 3], opts, 64, 4);
/** Wide ResNet-50-2: the bottleneck's 3x3 conv has twice the channels. */
export const wideResnet50_2 = (opts: ResNetOptions = {}) => build('wide_resnet50_2', Bottleneck, [3, 4, 6, 3], opts, 1, 128);
export const wideResnet101_2 = (opts: ResNetOptions = {}) => build('wide_resnet101_2', Bottleneck, [3, 4, 23, 3], opts, 1, 128);
