// Random draws exactly as torchvision 0.14's transforms make them, from torch's
// default generator (so torch.manualSeed reproduces torchvision's choices).
import '../../ops/index.js';
import * as torch from '../../tensor/create.js';
import { roundHalfEven } from './round.js';
import { asNumbers } from '../../tensor/dtype.js';

/** torch.rand(1) < p */
export function coin(p: number): boolean {
  return Number(torch.rand(1).item()) < p;
}

/** torch.randint(low, high, size=(1,)).item() */
export function randomInt(low: number, high: number): number {
  return Number(torch.randint(low, high, [1]).item());
}

/** float(torch.empty(1).uniform_(a, b).item()) */
export function uniform(a: number, b: number): number {
  return Number(torch.empty(1).uniform_(a, b).item());
}

/** RandomCrop.get_params: [top, left, h, w] */
export function randomCropParams(height: number, width: number, th: number, tw: number): [number, number, number, number] {
  if (height < th || width < tw) throw new RangeError(`Required crop size (${th}, ${tw}) is larger than input image size (${height}, ${width})`);
  if (width === tw && height === th) return [0, 0, height, width];
  const i = randomInt(0, height - th + 1);
  const j = randomInt(0, width - tw + 1);
  return [i, j, th, tw];
}

/** RandomResizedCrop.get_params: [top, left, h, w] */
export function randomResizedCropParams(height: number, width: number, scale: [number, number], ratio: [number, number]): [number, number, number, number] {
  const area = height * width;
  const logRatio = torch.tensor(ratio, { dtype: 'float32' }).log();
  const [lr0, lr1] = Array.from(asNumbers(logRatio.toTypedArray()));
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * uniform(scale[0], scale[1]);
    const aspectRatio = Number(torch.empty(1).uniform_(lr0, lr1).exp().item());
    const w = roundHalfEven(Math.sqrt(targetArea * aspectRatio));
    const h = roundHalfEven(Math.sqrt(targetArea / aspectRatio));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const i = randomInt(0, height - h + 1);
      const j = randomInt(0, width - w + 1);
      return [i, j, h, w];
    }
  }
  const inRatio = width / height;
  let w: number;
  let h: number;
  if (inRatio < Math.min(...ratio)) {
    w = width;
    h = roundHalfEven(w / Math.min(...ratio));
  } else if (inRatio > Math.max(...ratio)) {
    h = height;
    w = roundHalfEven(h * Math.max(...ratio));
  } else {
    w = width;
    h = height;
  }
  return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
}

export interface JitterParams {
  order: number[];
  brightness: number | null;
  contrast: number | null;
  saturation: number | null;
  hue: number | null;
}

/** ColorJitter.get_params */
export function colorJitterParams(b: [number, number] | null, c: [number, number] | null, s: [number, number] | null, h: [number, number] | null): JitterParams {
  const order = Array.from(asNumbers(torch.randperm(4).toTypedArray()));
  const draw = (range: [number, number] | null) => (range === null ? null : uniform(range[0], range[1]));
  const brightness = draw(b);
  const contrast = draw(c);
  const saturation = draw(s);
  const hue = draw(h);
  return { order, brightness, contrast, saturation, hue };
}
