// torchvision.utils: make_grid and save_image.
import { writeFileAtomic } from '../serialization/atomic-write.js';
import { extname } from '#platform/path';
import '../ops/index.js';
import { cat, stack } from '../ops/join.js';
import { bool, check, int, nullable, number, numberList, signature, string, type ArgsOf, type Check, type OptionsObjectOf, type ParsedOf } from '../tensor/args.js';
import { full } from '../tensor/create.js';
import { Tensor as TensorClass, type Tensor } from '../tensor/tensor.js';
import { tensorToImage } from './convert.js';
import { encodeJpeg } from './io/jpeg.js';
import { encodePng } from './io/png.js';

const tensorOrList: Check<Tensor | readonly Tensor[]> = check('Tensor or a list of Tensors', (v) => v instanceof TensorClass || (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof TensorClass)));
const valueRangeArg: Check<readonly number[] | null> = nullable(check('a list of 2 numbers (min, max)', (v) => numberList.test(v) && (v as number[]).length === 2));
const gridOptions = [
  ['nrow', int, 8],
  ['padding', int, 2],
  ['normalize', bool, false],
  ['valueRange', valueRangeArg, null],
  ['scaleEach', bool, false],
  ['padValue', number, 0],
] as const;
const makeGridArgs = signature('makeGrid', [['tensor', tensorOrList], ...gridOptions] as const);
const saveImageArgs = signature('saveImage', [['tensor', tensorOrList], ['fp', string], ['format', nullable(string), null], '*', ...gridOptions] as const);
export type MakeGridOptions = OptionsObjectOf<typeof makeGridArgs>;

function normRange(t: Tensor, range: readonly number[] | null): void {
  const [low, high] = range ?? [Number(t.min().item()), Number(t.max().item())];
  t.clamp_(low, high);
  t.sub_(low).div_(Math.max(high - low, 1e-5));
}

/**
 * make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None,
 * scale_each=False, pad_value=0.0): lays a batch of images [B, C, H, W] (or a list of
 * [C, H, W]) out in a grid of `nrow` columns.
 */
export function makeGrid(...args: ArgsOf<typeof makeGridArgs>): Tensor {
  return grid(makeGridArgs.parse(args));
}

function grid(a: ParsedOf<typeof makeGridArgs>): Tensor {
  const { tensor: input, nrow, padding, normalize, valueRange, scaleEach, padValue } = a;
  let t = input instanceof TensorClass ? input : stack([...input], 0);
  if (t.dim() === 2) t = t.unsqueeze(0);
  if (t.dim() === 3) {
    if (t.shape[0] === 1) t = cat([t, t, t], 0);
    t = t.unsqueeze(0);
  }
  if (t.dim() !== 4) throw new RangeError(`makeGrid expects [B, C, H, W], [C, H, W] or [H, W], got [${t.shape.join(', ')}]`);
  if (t.shape[1] === 1) t = cat([t, t, t], 1);
  if (normalize) {
    t = t.clone();
    if (scaleEach) for (let i = 0; i < t.shape[0]; i++) normRange(t.select(0, i), valueRange);
    else normRange(t, valueRange);
  }
  if (t.shape[0] === 1) return t.squeeze(0);
  const nmaps = t.shape[0];
  const xmaps = Math.min(nrow, nmaps);
  const ymaps = Math.ceil(nmaps / xmaps);
  const height = t.shape[2] + padding;
  const width = t.shape[3] + padding;
  const grid = full([t.shape[1], height * ymaps + padding, width * xmaps + padding], padValue, { dtype: t.dtype });
  let k = 0;
  for (let y = 0; y < ymaps && k < nmaps; y++) {
    for (let x = 0; x < xmaps && k < nmaps; x++, k++) {
      grid.narrow(1, y * height + padding, height - padding).narrow(2, x * width + padding, width - padding).copy_(t.select(0, k));
    }
  }
  return grid;
}

const FORMATS: Record<string, 'png' | 'jpeg'> = { PNG: 'png', JPEG: 'jpeg', JPG: 'jpeg' };
const EXTENSIONS: Record<string, 'png' | 'jpeg'> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.jpe': 'jpeg', '.jfif': 'jpeg' };

/**
 * save_image(tensor, fp, format=None, **kwargs): makeGrid (kwargs are its options), then
 * values in [0, 1] to 8 bits (x * 255 + 0.5, clamped), written as PNG or JPEG (quality
 * 75) — `format` if given, else by the file's extension, as PIL.
 */
export function saveImage(...args: ArgsOf<typeof saveImageArgs>): void {
  const { fp, format: given, ...gridArgs } = saveImageArgs.parse(args);
  let format: 'png' | 'jpeg' | undefined;
  if (given !== null) {
    format = FORMATS[given.toUpperCase()];
    if (format === undefined) throw new RangeError(`unknown file format '${given}' (torchlette writes PNG and JPEG)`);
  } else {
    format = EXTENSIONS[extname(fp).toLowerCase()];
    if (format === undefined) throw new RangeError(`unknown file extension: ${extname(fp) || `none in '${fp}'`} (give format 'png' or 'jpeg')`);
  }
  const u8 = grid(gridArgs).mul(255).add(0.5).clamp(0, 255).to('uint8');
  const img = tensorToImage(u8, 'save_image grid');
  // Atomically: a full disk or a crash leaves the previous file, never a truncated one.
  writeFileAtomic(fp, [format === 'jpeg' ? encodeJpeg(img, 75) : encodePng(img)]);
}
