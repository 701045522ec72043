// torchvision.transforms._presets.ImageClassification (0.14): the evaluation
// preprocessing that `weights.transforms()` returns — resize the shorter side, centre
// crop, scale to float in [0, 1], normalise per channel — with torchvision's functional
// ops, so an Image takes PIL's path and a tensor the tensor path (no antialias, as 0.14).
import { pyFloat } from '../../nn/repr.js';
import { int, numberList, signature, type ArgsOf } from '../../tensor/args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Image } from '../image.js';
import * as F from './functional.js';
import { interpolationArg, type ImageLike } from './functional.js';
import { Transform } from './transform.js';

const imageClassificationArgs = signature('ImageClassification', [
  '*',
  ['cropSize', int],
  ['resizeSize', int, 256],
  ['mean', numberList, [0.485, 0.456, 0.406]],
  ['std', numberList, [0.229, 0.224, 0.225]],
  ['interpolation', interpolationArg, 'bilinear'],
] as const);

/** ImageClassification(*, crop_size, resize_size=256, mean=ImageNet's, std=ImageNet's, interpolation=BILINEAR) */
export class ImageClassification extends Transform<ImageLike, Tensor> {
  readonly cropSize: number[];
  readonly resizeSize: number[];
  readonly mean: number[];
  readonly std: number[];
  readonly interpolation: F.InterpolationMode;

  constructor(...args: ArgsOf<typeof imageClassificationArgs>) {
    super();
    const a = imageClassificationArgs.parse(args);
    this.cropSize = [a.cropSize];
    this.resizeSize = [a.resizeSize];
    this.mean = [...a.mean];
    this.std = [...a.std];
    this.interpolation = a.interpolation;
  }

  forward(img: ImageLike): Tensor {
    const resized = F.resize(img, this.resizeSize, this.interpolation);
    const cropped = F.centerCrop(resized, this.cropSize);
    const tensor = cropped instanceof Image ? F.pilToTensor(cropped) : cropped;
    return F.normalize(F.convertImageDtype(tensor, 'float32'), this.mean, this.std);
  }

  override toString(): string {
    const list = (values: readonly number[], fmt: (x: number) => string) => `[${values.map(fmt).join(', ')}]`;
    return (
      'ImageClassification(' +
      `\n    crop_size=${list(this.cropSize, String)}` +
      `\n    resize_size=${list(this.resizeSize, String)}` +
      `\n    mean=${list(this.mean, pyFloat)}` +
      `\n    std=${list(this.std, pyFloat)}` +
      `\n    interpolation=InterpolationMode.${this.interpolation.toUpperCase()}` +
      '\n)'
    );
  }
}
