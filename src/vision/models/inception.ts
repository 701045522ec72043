// torchvision.models.inception_v3: Inception v3 (input at least 75x75) with its auxiliary classifier.
import * as nn from '../../nn/index.js';
import { cat } from '../../ops/join.js';
import type { Tensor } from '../../tensor/tensor.js';
import { BasicConv2d, transformInputImageNet } from './googlenet.js';
import { builderOptions } from './misc.js';
import { loadWeights, resolveModelOptions, type ModelOptions } from './weights.js';

const F = nn.functional;

/** torchvision's InceptionOutputs namedtuple, returned in training mode when aux_logits is on. */
export interface InceptionOutputs {
  logits: Tensor;
  aux_logits: Tensor | null;
}

type K = number | [number, number];
const conv = (i: number, o: number, kernelSize: K, padding: K = 0, stride = 1) => new BasicConv2d(i, o, { kernelSize, padding, stride });
const avgPool3 = (x: Tensor) => F.avgPool2d(x, 3, { stride: 1, padding: 1 });

export class InceptionA extends nn.Module {
  branch1x1: BasicConv2d;
  branch5x5_1: BasicConv2d;
  branch5x5_2: BasicConv2d;
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2: BasicConv2d;
  branch3x3dbl_3: BasicConv2d;
  branch_pool: BasicConv2d;

  constructor(inChannels: number, poolFeatures: number) {
    super();
    this.branch1x1 = conv(inChannels, 64, 1);
    this.branch5x5_1 = conv(inChannels, 48, 1);
    this.branch5x5_2 = conv(48, 64, 5, 2);
    this.branch3x3dbl_1 = conv(inChannels, 64, 1);
    this.branch3x3dbl_2 = conv(64, 96, 3, 1);
    this.branch3x3dbl_3 = conv(96, 96, 3, 1);
    this.branch_pool = conv(inChannels, poolFeatures, 1);
  }

  override forward(x: Tensor): Tensor {
    return cat([
      this.branch1x1.forward(x),
      this.branch5x5_2.forward(this.branch5x5_1.forward(x)),
      this.branch3x3dbl_3.forward(this.branch3x3dbl_2.forward(this.branch3x3dbl_1.forward(x))),
      this.branch_pool.forward(avgPool3(x)),
    ], 1);
  }
}

export class InceptionB extends nn.Module {
  branch3x3: BasicConv2d;
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2: BasicConv2d;
  branch3x3dbl_3: BasicConv2d;

  constructor(inChannels: number) {
    super();
    this.branch3x3 = conv(inChannels, 384, 3, 0, 2);
    this.branch3x3dbl_1 = conv(inChannels, 64, 1);
    this.branch3x3dbl_2 = conv(64, 96, 3, 1);
    this.branch3x3dbl_3 = conv(96, 96, 3, 0, 2);
  }

  override forward(x: Tensor): Tensor {
    return cat([
      this.branch3x3.forward(x),
      this.branch3x3dbl_3.forward(this.branch3x3dbl_2.forward(this.branch3x3dbl_1.forward(x))),
      F.maxPool2d(x, 3, { stride: 2 }),
    ], 1);
  }
}

export class InceptionC extends nn.Module {
  branch1x1: BasicConv2d;
  branch7x7_1: BasicConv2d;
  branch7x7_2: BasicConv2d;
  branch7x7_3: BasicConv2d;
  branch7x7dbl_1: BasicConv2d;
  branch7x7dbl_2: BasicConv2d;
  branch7x7dbl_3: BasicConv2d;
  branch7x7dbl_4: BasicConv2d;
  branch7x7dbl_5: BasicConv2d;
  branch_pool: BasicConv2d;

  constructor(inChannels: number, channels7x7: number) {
    super();
    const c7 = channels7x7;
    this.branch1x1 = conv(inChannels, 192, 1);
    this.branch7x7_1 = conv(inChannels, c7, 1);
    this.branch7x7_2 = conv(c7, c7, [1, 7], [0, 3]);
    this.branch7x7_3 = conv(c7, 192, [7, 1], [3, 0]);
    this.branch7x7dbl_1 = conv(inChannels, c7, 1);
    this.branch7x7dbl_2 = conv(c7, c7, [7, 1], [3, 0]);
    this.branch7x7dbl_3 = conv(c7, c7, [1, 7], [0, 3]);
    this.branch7x7dbl_4 = conv(c7, c7, [7, 1], [3, 0]);
    this.branch7x7dbl_5 = conv(c7, 192, [1, 7], [0, 3]);
    this.branch_pool = conv(inChannels, 192, 1);
  }

  override forward(x: Tensor): Tensor {
    let dbl = this.branch7x7dbl_2.forward(this.branch7x7dbl_1.forward(x));
    dbl = this.branch7x7dbl_5.forward(this.branch7x7dbl_4.forward(this.branch7x7dbl_3.forward(dbl)));
    return cat([
      this.branch1x1.forward(x),
      this.branch7x7_3.forward(this.branch7x7_2.forward(this.branch7x7_1.forward(x))),
      dbl,
      this.branch_pool.forward(avgPool3(x)),
    ], 1);
  }
}

export class InceptionD extends nn.Module {
  branch3x3_1: BasicConv2d;
  branch3x3_2: BasicConv2d;
  branch7x7x3_1: BasicConv2d;
  branch7x7x3_2: BasicConv2d;
  branch7x7x3_3: BasicConv2d;
  branch7x7x3_4: BasicConv2d;

  constructor(inChannels: number) {
    super();
    this.branch3x3_1 = conv(inChannels, 192, 1);
    this.branch3x3_2 = conv(192, 320, 3, 0, 2);
    this.branch7x7x3_1 = conv(inChannels, 192, 1);
    this.branch7x7x3_2 = conv(192, 192, [1, 7], [0, 3]);
    this.branch7x7x3_3 = conv(192, 192, [7, 1], [3, 0]);
    this.branch7x7x3_4 = conv(192, 192, 3, 0, 2);
  }

  override forward(x: Tensor): Tensor {
    let b7 = this.branch7x7x3_2.forward(this.branch7x7x3_1.forward(x));
    b7 = this.branch7x7x3_4.forward(this.branch7x7x3_3.forward(b7));
    return cat([this.branch3x3_2.forward(this.branch3x3_1.forward(x)), b7, F.maxPool2d(x, 3, { stride: 2 })], 1);
  }
}

export class InceptionE extends nn.Module {
  branch1x1: BasicConv2d;
  branch3x3_1: BasicConv2d;
  branch3x3_2a: BasicConv2d;
  branch3x3_2b: BasicConv2d;
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2: BasicConv2d;
  branch3x3dbl_3a: BasicConv2d;
  branch3x3dbl_3b: BasicConv2d;
  branch_pool: BasicConv2d;

  constructor(inChannels: number) {
    super();
    this.branch1x1 = conv(inChannels, 320, 1);
    this.branch3x3_1 = conv(inChannels, 384, 1);
    this.branch3x3_2a = conv(384, 384, [1, 3], [0, 1]);
    this.branch3x3_2b = conv(384, 384, [3, 1], [1, 0]);
    this.branch3x3dbl_1 = conv(inChannels, 448, 1);
    this.branch3x3dbl_2 = conv(448, 384, 3, 1);
    this.branch3x3dbl_3a = conv(384, 384, [1, 3], [0, 1]);
    this.branch3x3dbl_3b = conv(384, 384, [3, 1], [1, 0]);
    this.branch_pool = conv(inChannels, 192, 1);
  }

  override forward(x: Tensor): Tensor {
    const b3 = this.branch3x3_1.forward(x);
    const dbl = this.branch3x3dbl_2.forward(this.branch3x3dbl_1.forward(x));
    return cat([
      this.branch1x1.forward(x),
      cat([this.branch3x3_2a.forward(b3), this.branch3x3_2b.forward(b3)], 1),
      cat([this.branch3x3dbl_3a.forward(dbl), this.branch3x3dbl_3b.forward(dbl)], 1),
      this.branch_pool.forward(avgPool3(x)),
    ], 1);
  }
}

/** torchvision's inception.InceptionAux (exported as InceptionV3Aux, as GoogLeNet has its own InceptionAux). */
class InceptionAux extends nn.Module {
  conv0: BasicConv2d;
  conv1: BasicConv2d;
  fc: nn.Linear;

  constructor(inChannels: number, numClasses: number) {
    super();
    this.conv0 = conv(inChannels, 128, 1);
    this.conv1 = conv(128, 768, 5);
    this.fc = new nn.Linear(768, numClasses);
  }

  override forward(x: Tensor): Tensor {
    const h = this.conv1.forward(this.conv0.forward(F.avgPool2d(x, 5, { stride: 3 })));
    return this.fc.forward(F.adaptiveAvgPool2d(h, [1, 1]).flatten(1));
  }
}

export { InceptionAux as InceptionV3Aux };

export interface Inception3Args {
  numClasses?: number;
  auxLogits?: boolean;
  transformInput?: boolean;
  initWeights?: boolean;
  dropout?: number;
}

export class Inception3 extends nn.Module {
  auxLogits: boolean;
  readonly transformInput: boolean;
  Conv2d_1a_3x3: BasicConv2d;
  Conv2d_2a_3x3: BasicConv2d;
  Conv2d_2b_3x3: BasicConv2d;
  maxpool1: nn.MaxPool2d;
  Conv2d_3b_1x1: BasicConv2d;
  Conv2d_4a_3x3: BasicConv2d;
  maxpool2: nn.MaxPool2d;
  Mixed_5b: InceptionA;
  Mixed_5c: InceptionA;
  Mixed_5d: InceptionA;
  Mixed_6a: InceptionB;
  Mixed_6b: InceptionC;
  Mixed_6c: InceptionC;
  Mixed_6d: InceptionC;
  Mixed_6e: InceptionC;
  AuxLogits: InceptionAux | null;
  Mixed_7a: InceptionD;
  Mixed_7b: InceptionE;
  Mixed_7c: InceptionE;
  avgpool: nn.AdaptiveAvgPool2d;
  dropout: nn.Dropout;
  fc: nn.Linear;

  constructor(args: Inception3Args = {}) {
    super();
    const numClasses = args.numClasses ?? 1000;
    this.auxLogits = args.auxLogits ?? true;
    this.transformInput = args.transformInput ?? false;
    this.Conv2d_1a_3x3 = conv(3, 32, 3, 0, 2);
    this.Conv2d_2a_3x3 = conv(32, 32, 3);
    this.Conv2d_2b_3x3 = conv(32, 64, 3, 1);
    this.maxpool1 = new nn.MaxPool2d(3, { stride: 2 });
    this.Conv2d_3b_1x1 = conv(64, 80, 1);
    this.Conv2d_4a_3x3 = conv(80, 192, 3);
    this.maxpool2 = new nn.MaxPool2d(3, { stride: 2 });
    this.Mixed_5b = new InceptionA(192, 32);
    this.Mixed_5c = new InceptionA(256, 64);
    this.Mixed_5d = new InceptionA(288, 64);
    this.Mixed_6a = new InceptionB(288);
    this.Mixed_6b = new InceptionC(768, 128);
    this.Mixed_6c = new InceptionC(768, 160);
    this.Mixed_6d = new InceptionC(768, 160);
    this.Mixed_6e = new InceptionC(768, 192);
    this.AuxLogits = this.auxLogits ? new InceptionAux(768, numClasses) : null;
    this.Mixed_7a = new InceptionD(768);
    this.Mixed_7b = new InceptionE(1280);
    this.Mixed_7c = new InceptionE(2048);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.dropout = new nn.Dropout(args.dropout ?? 0.5);
    this.fc = new nn.Linear(2048, numClasses);
    if (args.initWeights ?? true) {
      // torchvision reads a `stddev` attribute off each conv/linear: only the aux head's fc
      // has one (0.001); the 0.01 it sets on AuxLogits.conv1 sits on the BasicConv2d wrapper,
      // not on its Conv2d, so every conv gets the default 0.1.
      const auxFc = this.AuxLogits?.fc;
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d || m instanceof nn.Linear) nn.init.truncNormal_(m.weight, 0, m === auxFc ? 0.001 : 0.1, -2, 2);
        else if (m instanceof nn.BatchNorm2d) {
          nn.init.constant_(m.weight!, 1);
          nn.init.constant_(m.bias!, 0);
        }
      }
    }
  }

  /** The logits in eval mode (or without the aux classifier); InceptionOutputs in training mode with it. */
  override forward(input: Tensor): Tensor | InceptionOutputs {
    let x = this.transformInput ? transformInputImageNet(input) : input;
    x = this.Conv2d_2b_3x3.forward(this.Conv2d_2a_3x3.forward(this.Conv2d_1a_3x3.forward(x)));
    x = this.maxpool2.forward(this.Conv2d_4a_3x3.forward(this.Conv2d_3b_1x1.forward(this.maxpool1.forward(x))));
    x = this.Mixed_6a.forward(this.Mixed_5d.forward(this.Mixed_5c.forward(this.Mixed_5b.forward(x))));
    x = this.Mixed_6e.forward(this.Mixed_6d.forward(this.Mixed_6c.forward(this.Mixed_6b.forward(x))));
    const aux = this.AuxLogits !== null && this.training ? this.AuxLogits.forward(x) : null;
    x = this.Mixed_7c.forward(this.Mixed_7b.forward(this.Mixed_7a.forward(x)));
    const logits = this.fc.forward(this.dropout.forward(this.avgpool.forward(x)).flatten(1));
    return this.training && this.auxLogits ? { logits, aux_logits: aux } : logits;
  }
}

export type InceptionV3Options = ModelOptions & Omit<Inception3Args, 'numClasses'>;

/**
 * torchvision.models.inception_v3. With weights, as torchvision: transformInput defaults to true,
 * the checkpoint (with its aux head) is loaded, and the aux head is dropped if auxLogits is false.
 */
export function inceptionV3(opts: InceptionV3Options = {}): Inception3 {
  const { weights: _w, pretrained: _p, progress: _pr, ...args } = opts;
  builderOptions('inception_v3', opts, ['auxLogits', 'transformInput', 'initWeights', 'dropout']);
  const resolved = resolveModelOptions(opts, 'inception_v3');
  if (resolved.weights === null) return new Inception3(args);
  const model = new Inception3({ ...args, numClasses: resolved.numClasses, transformInput: args.transformInput ?? true, auxLogits: true, initWeights: false });
  loadWeights(model, resolved.weights, 'inception_v3', resolved.progress);
  if (!(args.auxLogits ?? true)) {
    model.auxLogits = false;
    model.AuxLogits = null;
  }
  return model;
}
