// SVHN's cropped digits: root/<split>_32x32.mat, MATLAB 5 files holding X (uint8
// [32, 32, 3, N]) and y ([N, 1], the digit, 10 standing for 0), checked by MD5.
import { readFileSync } from '#platform/fs';
import { join } from '#platform/path';
import { bool, signature, string, type Args, type OptionsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { Image } from '../image.js';
import { checkIntegrity, downloadFromMirrors } from './download.js';
import { parseMat, type MatNumeric } from './mat5.js';
import { verifyStrArg } from './verify-str-arg.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

const svhnSpec = <I, L>() =>
  [
    ['root', string],
    ['split', string, 'train'],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<number, L>(), null],
    ['download', bool, false],
  ] as const;
const svhnArgs = signature('SVHN', svhnSpec());
export type SVHNOptions<I, L> = OptionsOf<ReturnType<typeof svhnSpec<I, L>>>;

/** SVHN(root, split='train', transform=None, target_transform=None, download=False) */
export class SVHN<I = Image, L = number> extends VisionDataset<Image, number, I, L> {
  /** split → [url, file name, MD5 or null to skip the check] */
  static splitList: Record<string, [string, string, string | null]> = {
    train: ['http://ufldl.stanford.edu/housenumbers/train_32x32.mat', 'train_32x32.mat', 'e26dedcc434d2e4c54c9b2d4a06d8373'],
    test: ['http://ufldl.stanford.edu/housenumbers/test_32x32.mat', 'test_32x32.mat', 'eb5a983be6a315427106f1b164d9cef3'],
    extra: ['http://ufldl.stanford.edu/housenumbers/extra_32x32.mat', 'extra_32x32.mat', 'a93ce644f1a588dc4d68dda5feec44a7'],
  };

  readonly split: string;
  readonly url: string;
  readonly filename: string;
  /** The digit of each image (0-9). */
  readonly labels: number[];
  /** uint8 [N, H, W, C] */
  private readonly pixels: Uint8Array;
  private readonly size: [number, number, number];

  constructor(...args: Args<ReturnType<typeof svhnSpec<I, L>>>) {
    const a = svhnArgs.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    const list = (this.constructor as typeof SVHN).splitList;
    this.split = verifyStrArg(a.split, 'split', Object.keys(list));
    const [url, filename, md5] = list[this.split];
    this.url = url;
    this.filename = filename;
    const path = join(this.root, filename);
    if (a.download) {
      const help = `To use SVHN offline, put ${filename} (${url}) into ${this.root}.`;
      downloadFromMirrors([url.slice(0, -filename.length)], filename, this.root, md5 ?? undefined, help);
    }
    if (!checkIntegrity(path, md5 ?? undefined)) throw new Error(`Dataset not found or corrupted. You can use download=True to download it (${path} is missing or fails its MD5 check)`);
    const vars = parseMat(readFileSync(path), path);
    const x = vars.get('X');
    const y = vars.get('y');
    if (x?.kind !== 'numeric' || x.class !== 'uint8' || x.dims.length !== 4 || x.dims[2] !== 3) throw new Error(`${path}: expected X, a uint8 array of [H, W, 3, N]`);
    if (y?.kind !== 'numeric') throw new Error(`${path}: expected y, a numeric array of labels`);
    const [h, w, c, n] = x.dims;
    if ((y as MatNumeric).data.length !== n) throw new Error(`${path}: X holds ${n} images but y ${(y as MatNumeric).data.length} labels`);
    // astype(int64) truncates; 10 stands for the digit 0
    this.labels = Array.from((y as MatNumeric).data, (v) => (Math.trunc(v) === 10 ? 0 : Math.trunc(v)));
    this.size = [h, w, c];
    this.pixels = new Uint8Array(n * h * w * c);
    const src = x.data;
    // column-major X[row, col, channel, item] to HWC images
    for (let k = 0; k < n; k++) for (let ch = 0; ch < c; ch++) for (let col = 0; col < w; col++) for (let row = 0; row < h; row++) {
      this.pixels[((k * h + row) * w + col) * c + ch] = src[row + h * (col + w * (ch + c * k))];
    }
  }

  /** uint8 [N, 3, H, W], as torchvision's data */
  get data(): Tensor {
    const [h, w, c] = this.size;
    return Tensor.fromData(this.pixels, 'uint8', [this.length, h, w, c]).permute(0, 3, 1, 2);
  }

  get length(): number {
    return this.labels.length;
  }

  override extraRepr(): string {
    return `Split: ${this.split}`;
  }

  protected rawItem(index: number): [Image, number] {
    const [h, w, c] = this.size;
    const n = h * w * c;
    return [new Image(w, h, c, this.pixels.slice(index * n, (index + 1) * n)), this.labels[index]];
  }
}
