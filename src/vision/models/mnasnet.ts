// torchvision.models.mnasnet: MNASNet-B1 at depth multipliers 0.5/0.75/1.0/1.3.
import * as nn from '../../nn/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions } from './misc.js';
import { loadWeights, type ModelOptions } from './weights.js';

/** TensorFlow's BN momentum 0.9997 as PyTorch's (1 - decay). */
const BN_MOMENTUM = 1 - 0.9997;

/** torchvision's mnasnet._InvertedResidual (exported as MNASNetInvertedResidual; the class keeps torchvision's name for repr). */
class _InvertedResidual extends nn.Module {
  readonly applyResidual: boolean;
  layers: nn.Sequential;

  constructor(inCh: number, outCh: number, kernelSize: number, stride: number, expansionFactor: number, bnMomentum = 0.1) {
    super();
    if (stride !== 1 && stride !== 2) throw new RangeError(`stride should be 1 or 2 instead of ${stride}`);
    if (kernelSize !== 3 && kernelSize !== 5) throw new RangeError(`kernel_size should be 3 or 5 instead of ${kernelSize}`);
    const midCh = inCh * expansionFactor;
    this.applyResidual = inCh === outCh && stride === 1;
    this.layers = new nn.Sequential(
      new nn.Conv2d(inCh, midCh, 1, { bias: false }),
      new nn.BatchNorm2d(midCh, { momentum: bnMomentum }),
      new nn.ReLU(true),
      new nn.Conv2d(midCh, midCh, kernelSize, { padding: Math.floor(kernelSize / 2), stride, groups: midCh, bias: false }),
      new nn.BatchNorm2d(midCh, { momentum: bnMomentum }),
      new nn.ReLU(true),
      // Linear pointwise: no activation.
      new nn.Conv2d(midCh, outCh, 1, { bias: false }),
      new nn.BatchNorm2d(outCh, { momentum: bnMomentum }),
    );
  }

  override forward(input: Tensor): Tensor {
    return this.applyResidual ? this.layers.forward(input).add(input) : this.layers.forward(input);
  }
}

export { _InvertedResidual as MNASNetInvertedResidual };

function stack(inCh: number, outCh: number, kernelSize: number, stride: number, expFactor: number, repeats: number, bnMomentum: number): nn.Sequential {
  if (repeats < 1) throw new RangeError(`repeats should be >= 1, instead got ${repeats}`);
  // The first block has no skip: the feature map size changes.
  const blocks = [new _InvertedResidual(inCh, outCh, kernelSize, stride, expFactor, bnMomentum)];
  for (let i = 1; i < repeats; i++) blocks.push(new _InvertedResidual(outCh, outCh, kernelSize, 1, expFactor, bnMomentum));
  return new nn.Sequential(...blocks);
}

/** Rounds up to a multiple of `divisor` unless that is no more than 10% above the value below. */
function roundToMultipleOf(val: number, divisor: number, roundUpBias = 0.9): number {
  const newVal = Math.max(divisor, Math.floor(Math.trunc(val + divisor / 2) / divisor) * divisor);
  return newVal >= roundUpBias * val ? newVal : newVal + divisor;
}

export class MNASNet extends nn.Module {
  readonly alpha: number;
  readonly numClasses: number;
  layers: nn.Sequential;
  classifier: nn.Sequential;

  constructor(alpha: number, numClasses = 1000, dropout = 0.2) {
    super();
    if (alpha <= 0) throw new RangeError(`alpha should be greater than 0.0 instead of ${alpha}`);
    this.alpha = alpha;
    this.numClasses = numClasses;
    const d = [32, 16, 24, 40, 80, 96, 192, 320].map((depth) => roundToMultipleOf(depth * alpha, 8));
    this.layers = new nn.Sequential(
      new nn.Conv2d(3, d[0], 3, { padding: 1, stride: 2, bias: false }),
      new nn.BatchNorm2d(d[0], { momentum: BN_MOMENTUM }),
      new nn.ReLU(true),
      // Depthwise separable, no skip.
      new nn.Conv2d(d[0], d[0], 3, { padding: 1, stride: 1, groups: d[0], bias: false }),
      new nn.BatchNorm2d(d[0], { momentum: BN_MOMENTUM }),
      new nn.ReLU(true),
      new nn.Conv2d(d[0], d[1], 1, { padding: 0, stride: 1, bias: false }),
      new nn.BatchNorm2d(d[1], { momentum: BN_MOMENTUM }),
      stack(d[1], d[2], 3, 2, 3, 3, BN_MOMENTUM),
      stack(d[2], d[3], 5, 2, 3, 3, BN_MOMENTUM),
      stack(d[3], d[4], 5, 2, 6, 3, BN_MOMENTUM),
      stack(d[4], d[5], 3, 1, 6, 2, BN_MOMENTUM),
      stack(d[5], d[6], 5, 2, 6, 4, BN_MOMENTUM),
      stack(d[6], d[7], 3, 1, 6, 1, BN_MOMENTUM),
      new nn.Conv2d(d[7], 1280, 1, { padding: 0, stride: 1, bias: false }),
      new nn.BatchNorm2d(1280, { momentum: BN_MOMENTUM }),
      new nn.ReLU(true),
    );
    this.classifier = new nn.Sequential(new nn.Dropout(dropout, true), new nn.Linear(1280, numClasses));
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.BatchNorm2d) {
        nn.init.ones_(m.weight!);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Linear) {
        nn.init.kaimingUniform_(m.weight, { mode: 'fan_out', nonlinearity: 'sigmoid' });
        nn.init.zeros_(m.bias!);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.layers.forward(x).mean([2, 3]));
  }
}

const mnasnet = (name: string, alpha: number, opts: ModelOptions) => loadWeights(new MNASNet(alpha, builderOptions(name, opts).numClasses ?? 1000), opts, name);

export const mnasnet0_5 = (opts: ModelOptions = {}) => mnasnet('mnasnet0_5', 0.5, opts);
export const mnasnet0_75 = (opts: ModelOptions = {}) => mnasnet('mnasnet0_75', 0.75, opts);
export const mnasnet1_0 = (opts: ModelOptions = {}) => mnasnet('mnasnet1_0', 1.0, opts);
export const mnasnet1_3 = (opts: ModelOptions = {}) => mnasnet('mnasnet1_3', 1.3, opts);
