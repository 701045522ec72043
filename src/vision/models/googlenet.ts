// torchvision.models.googlenet: GoogLeNet (Inception v1) with its two auxiliary classifiers.
import * as nn from '../../nn/index.js';
import { cat } from '../../ops/join.js';
import type { Tensor } from '../../tensor/tensor.js';
import { builderOptions } from './misc.js';
import { loadWeights, resolveModelOptions, type ModelOptions } from './weights.js';

const F = nn.functional;

/** torchvision's GoogLeNetOutputs namedtuple, returned in training mode when aux_logits is on. */
export interface GoogLeNetOutputs {
  logits: Tensor;
  aux_logits2: Tensor | null;
  aux_logits1: Tensor | null;
}

/** Conv2d (no bias) + BatchNorm2d(eps=0.001) + ReLU. */
export class BasicConv2d extends nn.Module {
  conv: nn.Conv2d;
  bn: nn.BatchNorm2d;

  constructor(inChannels: number, outChannels: number, opts: { kernelSize: number | [number, number]; stride?: number; padding?: number | [number, number] }) {
    super();
    this.conv = new nn.Conv2d(inChannels, outChannels, opts.kernelSize, { stride: opts.stride ?? 1, padding: opts.padding ?? 0, bias: false });
    this.bn = new nn.BatchNorm2d(outChannels, { eps: 0.001 });
  }

  override forward(x: Tensor): Tensor {
    return F.relu(this.bn.forward(this.conv.forward(x)), true);
  }
}

/** The four parallel branches (1x1; 1x1-3x3; 1x1-3x3; maxpool-1x1) concatenated. */
export class Inception extends nn.Module {
  branch1: BasicConv2d;
  branch2: nn.Sequential;
  branch3: nn.Sequential;
  branch4: nn.Sequential;

  constructor(inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number) {
    super();
    this.branch1 = new BasicConv2d(inChannels, ch1x1, { kernelSize: 1 });
    this.branch2 = new nn.Sequential(new BasicConv2d(inChannels, ch3x3red, { kernelSize: 1 }), new BasicConv2d(ch3x3red, ch3x3, { kernelSize: 3, padding: 1 }));
    // torchvision uses a 3x3 conv here (not the paper's 5x5), kept for its checkpoints.
    this.branch3 = new nn.Sequential(new BasicConv2d(inChannels, ch5x5red, { kernelSize: 1 }), new BasicConv2d(ch5x5red, ch5x5, { kernelSize: 3, padding: 1 }));
    this.branch4 = new nn.Sequential(new nn.MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inChannels, poolProj, { kernelSize: 1 }));
  }

  override forward(x: Tensor): Tensor {
    return cat([this.branch1.forward(x), this.branch2.forward(x), this.branch3.forward(x), this.branch4.forward(x)], 1);
  }
}

export class InceptionAux extends nn.Module {
  conv: BasicConv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  dropout: nn.Dropout;

  constructor(inChannels: number, numClasses: number, dropout = 0.7) {
    super();
    this.conv = new BasicConv2d(inChannels, 128, { kernelSize: 1 });
    this.fc1 = new nn.Linear(2048, 1024);
    this.fc2 = new nn.Linear(1024, numClasses);
    this.dropout = new nn.Dropout(dropout);
  }

  override forward(x: Tensor): Tensor {
    const h = this.conv.forward(F.adaptiveAvgPool2d(x, [4, 4])).flatten(1);
    return this.fc2.forward(this.dropout.forward(F.relu(this.fc1.forward(h), true)));
  }
}

/** ImageNet normalisation folded into the model for checkpoints trained on [-1, 1] inputs. */
export function transformInputImageNet(x: Tensor): Tensor {
  const ch = (i: number, std: number, mean: number) => x.select(1, i).unsqueeze(1).mul(std / 0.5).add((mean - 0.5) / 0.5);
  return cat([ch(0, 0.229, 0.485), ch(1, 0.224, 0.456), ch(2, 0.225, 0.406)], 1);
}

export interface GoogLeNetArgs {
  numClasses?: number;
  /** Build the two auxiliary classifiers (returned in training mode). */
  auxLogits?: boolean;
  /** Map ImageNet-normalised input to the [-1, 1] range the original checkpoint expects. */
  transformInput?: boolean;
  /** torchvision's truncated-normal init; false leaves PyTorch's default layer init. */
  initWeights?: boolean;
  dropout?: number;
  dropoutAux?: number;
}

export class GoogLeNet extends nn.Module {
  auxLogits: boolean;
  readonly transformInput: boolean;
  conv1: BasicConv2d;
  maxpool1: nn.MaxPool2d;
  conv2: BasicConv2d;
  conv3: BasicConv2d;
  maxpool2: nn.MaxPool2d;
  inception3a: Inception;
  inception3b: Inception;
  maxpool3: nn.MaxPool2d;
  inception4a: Inception;
  inception4b: Inception;
  inception4c: Inception;
  inception4d: Inception;
  inception4e: Inception;
  maxpool4: nn.MaxPool2d;
  inception5a: Inception;
  inception5b: Inception;
  aux1: InceptionAux | null;
  aux2: InceptionAux | null;
  avgpool: nn.AdaptiveAvgPool2d;
  dropout: nn.Dropout;
  fc: nn.Linear;

  constructor(args: GoogLeNetArgs = {}) {
    super();
    const numClasses = args.numClasses ?? 1000;
    this.auxLogits = args.auxLogits ?? true;
    this.transformInput = args.transformInput ?? false;
    this.conv1 = new BasicConv2d(3, 64, { kernelSize: 7, stride: 2, padding: 3 });
    this.maxpool1 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });
    this.conv2 = new BasicConv2d(64, 64, { kernelSize: 1 });
    this.conv3 = new BasicConv2d(64, 192, { kernelSize: 3, padding: 1 });
    this.maxpool2 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });
    this.inception3a = new Inception(192, 64, 96, 128, 16, 32, 32);
    this.inception3b = new Inception(256, 128, 128, 192, 32, 96, 64);
    this.maxpool3 = new nn.MaxPool2d(3, { stride: 2, ceilMode: true });
    this.inception4a = new Inception(480, 192, 96, 208, 16, 48, 64);
    this.inception4b = new Inception(512, 160, 112, 224, 24, 64, 64);
    this.inception4c = new Inception(512, 128, 128, 256, 24, 64, 64);
    this.inception4d = new Inception(512, 112, 144, 288, 32, 64, 64);
    this.inception4e = new Inception(528, 256, 160, 320, 32, 128, 128);
    this.maxpool4 = new nn.MaxPool2d(2, { stride: 2, ceilMode: true });
    this.inception5a = new Inception(832, 256, 160, 320, 32, 128, 128);
    this.inception5b = new Inception(832, 384, 192, 384, 48, 128, 128);
    this.aux1 = this.auxLogits ? new InceptionAux(512, numClasses, args.dropoutAux ?? 0.7) : null;
    this.aux2 = this.auxLogits ? new InceptionAux(528, numClasses, args.dropoutAux ?? 0.7) : null;
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.dropout = new nn.Dropout(args.dropout ?? 0.2);
    this.fc = new nn.Linear(1024, numClasses);
    if (args.initWeights ?? true) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d || m instanceof nn.Linear) nn.init.truncNormal_(m.weight, 0, 0.01, -2, 2);
        else if (m instanceof nn.BatchNorm2d) {
          nn.init.constant_(m.weight!, 1);
          nn.init.constant_(m.bias!, 0);
        }
      }
    }
  }

  /** The logits in eval mode (or without aux classifiers); GoogLeNetOutputs in training mode with them. */
  override forward(input: Tensor): Tensor | GoogLeNetOutputs {
    let x = this.transformInput ? transformInputImageNet(input) : input;
    x = this.maxpool1.forward(this.conv1.forward(x));
    x = this.maxpool2.forward(this.conv3.forward(this.conv2.forward(x)));
    x = this.maxpool3.forward(this.inception3b.forward(this.inception3a.forward(x)));
    x = this.inception4a.forward(x);
    const aux1 = this.aux1 !== null && this.training ? this.aux1.forward(x) : null;
    x = this.inception4d.forward(this.inception4c.forward(this.inception4b.forward(x)));
    const aux2 = this.aux2 !== null && this.training ? this.aux2.forward(x) : null;
    x = this.maxpool4.forward(this.inception4e.forward(x));
    x = this.inception5b.forward(this.inception5a.forward(x));
    const logits = this.fc.forward(this.dropout.forward(this.avgpool.forward(x).flatten(1)));
    // torchvision 0.14 swaps the two heads on the way out: aux_logits2 holds aux1's output
    // (after inception4a) and aux_logits1 holds aux2's; kept so results line up with it.
    return this.training && this.auxLogits ? { logits, aux_logits2: aux1, aux_logits1: aux2 } : logits;
  }
}

export type GoogLeNetOptions = ModelOptions & Omit<GoogLeNetArgs, 'numClasses'>;

/**
 * torchvision.models.googlenet. With weights, as torchvision: transformInput defaults to true,
 * the checkpoint (which has the aux heads) is loaded, and the aux heads are dropped unless
 * auxLogits was asked for.
 */
export function googlenet(opts: GoogLeNetOptions = {}): GoogLeNet {
  const { weights: _w, pretrained: _p, progress: _pr, ...args } = opts;
  builderOptions('googlenet', opts, ['auxLogits', 'transformInput', 'initWeights', 'dropout', 'dropoutAux']);
  const resolved = resolveModelOptions(opts, 'googlenet');
  if (resolved.weights === null) return new GoogLeNet(args);
  const model = new GoogLeNet({ ...args, numClasses: resolved.numClasses, transformInput: args.transformInput ?? true, auxLogits: true, initWeights: false });
  loadWeights(model, resolved.weights, 'googlenet', resolved.progress);
  if (!(args.auxLogits ?? false)) {
    model.auxLogits = false;
    model.aux1 = null;
    model.aux2 = null;
  }
  return model;
}
