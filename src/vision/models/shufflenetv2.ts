// torchvision.models.shufflenetv2: ShuffleNet V2 x0.5/x1.0/x1.5/x2.0 (default PyTorch init, no init loop).
import * as nn from '../../nn/index.js';
import { cat } from '../../ops/join.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

/** torchvision's channel_shuffle: (N, g, C/g, H, W) transposed to (N, C/g, g, H, W). */
function channelShuffle(x: Tensor, groups: number): Tensor {
  const [n, c, h, w] = x.shape;
  return x.view(n, groups, c / groups, h, w).transpose(1, 2).contiguous().view(n, -1, h, w);
}

const depthwiseConv = (i: number, o: number, kernelSize: number, stride = 1, padding = 0) =>
  new nn.Conv2d(i, o, kernelSize, { stride, padding, bias: false, groups: i });

/** torchvision's shufflenetv2.InvertedResidual (exported as ShuffleInvertedResidual; the class keeps torchvision's name for repr). */
class InvertedResidual extends nn.Module {
  readonly stride: number;
  branch1: nn.Sequential;
  branch2: nn.Sequential;

  constructor(inp: number, oup: number, stride: number) {
    super();
    if (!(stride >= 1 && stride <= 3)) throw new RangeError('illegal stride value');
    this.stride = stride;
    const branchFeatures = Math.floor(oup / 2);
    if (stride === 1 && inp !== branchFeatures << 1) {
      throw new RangeError(`Invalid combination of stride ${stride}, inp ${inp} and oup ${oup} values. If stride == 1 then inp should be equal to oup // 2 << 1.`);
    }
    this.branch1 = stride > 1
      ? new nn.Sequential(
        depthwiseConv(inp, inp, 3, stride, 1),
        new nn.BatchNorm2d(inp),
        new nn.Conv2d(inp, branchFeatures, 1, { stride: 1, padding: 0, bias: false }),
        new nn.BatchNorm2d(branchFeatures),
        new nn.ReLU(true),
      )
      : new nn.Sequential();
    this.branch2 = new nn.Sequential(
      new nn.Conv2d(stride > 1 ? inp : branchFeatures, branchFeatures, 1, { stride: 1, padding: 0, bias: false }),
      new nn.BatchNorm2d(branchFeatures),
      new nn.ReLU(true),
      depthwiseConv(branchFeatures, branchFeatures, 3, stride, 1),
      new nn.BatchNorm2d(branchFeatures),
      new nn.Conv2d(branchFeatures, branchFeatures, 1, { stride: 1, padding: 0, bias: false }),
      new nn.BatchNorm2d(branchFeatures),
      new nn.ReLU(true),
    );
  }

  override forward(x: Tensor): Tensor {
    let out: Tensor;
    if (this.stride === 1) {
      const [x1, x2] = x.chunk(2, 1);
      out = cat([x1, this.branch2.forward(x2)], 1);
    } else {
      out = cat([this.branch1.forward(x), this.branch2.forward(x)], 1);
    }
    return channelShuffle(out, 2);
  }
}

export { InvertedResidual as ShuffleInvertedResidual };

export class ShuffleNetV2 extends nn.Module {
  conv1: nn.Sequential;
  maxpool: nn.MaxPool2d;
  stage2: nn.Sequential;
  stage3: nn.Sequential;
  stage4: nn.Sequential;
  conv5: nn.Sequential;
  fc: nn.Linear;

  constructor(stagesRepeats: readonly number[], stagesOutChannels: readonly number[], numClasses = 1000) {
    super();
    if (stagesRepeats.length !== 3) throw new RangeError('expected stages_repeats as list of 3 positive ints');
    if (stagesOutChannels.length !== 5) throw new RangeError('expected stages_out_channels as list of 5 positive ints');
    let inputChannels = 3;
    let outputChannels = stagesOutChannels[0];
    this.conv1 = new nn.Sequential(
      new nn.Conv2d(inputChannels, outputChannels, 3, { stride: 2, padding: 1, bias: false }),
      new nn.BatchNorm2d(outputChannels),
      new nn.ReLU(true),
    );
    inputChannels = outputChannels;
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    const stages: nn.Sequential[] = [];
    for (let s = 0; s < 3; s++) {
      outputChannels = stagesOutChannels[s + 1];
      const seq: nn.Module[] = [new InvertedResidual(inputChannels, outputChannels, 2)];
      for (let i = 0; i < stagesRepeats[s] - 1; i++) seq.push(new InvertedResidual(outputChannels, outputChannels, 1));
      stages.push(new nn.Sequential(...seq));
      inputChannels = outputChannels;
    }
    [this.stage2, this.stage3, this.stage4] = stages;
    outputChannels = stagesOutChannels[4];
    this.conv5 = new nn.Sequential(
      new nn.Conv2d(inputChannels, outputChannels, 1, { stride: 1, padding: 0, bias: false }),
      new nn.BatchNorm2d(outputChannels),
      new nn.ReLU(true),
    );
    this.fc = new nn.Linear(outputChannels, numClasses);
  }

  override forward(x: Tensor): Tensor {
    let h = this.maxpool.forward(this.conv1.forward(x));
    h = this.conv5.forward(this.stage4.forward(this.stage3.forward(this.stage2.forward(h))));
    return this.fc.forward(h.mean([2, 3]));
  }
}

const shufflenet = (name: string, outChannels: number[], opts: ModelOptions) =>
  loadWeights(new ShuffleNetV2([4, 8, 4], outChannels, builderOptions(name, opts).numClasses ?? 1000), opts, name);

export const shufflenetV2X0_5 = (opts: ModelOptions = {}) => shufflenet('shufflenet_v2_x0_5', [24, 48, 96, 192, 1024], opts);
export const shufflenetV2X1_0 = (opts: ModelOptions = {}) => shufflenet('shufflenet_v2_x1_0', [24, 116, 232, 464, 1024], opts);
export const shufflenetV2X1_5 = (opts: ModelOptions = {}) => shufflenet('shufflenet_v2_x1_5', [24, 176, 352, 704, 1024], opts);
export const shufflenetV2X2_0 = (opts: ModelOptions = {}) => shufflenet('shufflenet_v2_x2_0', [24, 244, 488, 976, 2048], opts);
