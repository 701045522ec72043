// torchvision's MNIST relatives: KMNIST (MNIST's files and layout), EMNIST (six splits in
// one archive of IDX files) and QMNIST (IDX files whose labels are int32 rows of 8 fields).
// Files live in root/<Name>/raw, uncompressed as torchvision leaves them (.gz accepted too).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from '#platform/fs';
import { basename, join } from '#platform/path';
import { ZipArchive } from '../../serialization/zip-reader.js';
import { withFileSource } from '../../serialization/source.js';
import { bool, nullable, signature, string, type Args, type OptionsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { Image } from '../image.js';
import { downloadFromMirrors } from './download.js';
import { gunzipIfGzipped } from './gzip.js';
import { readIdx, type IdxArray } from './idx.js';
import { MNIST } from './mnist.js';
import { verifyStrArg } from './verify-str-arg.js';
import { VisionDataset, splitDatasetSpec, transformArg } from './vision-dataset.js';

const NOT_FOUND = 'Dataset not found. You can use download=True to download it';

/** `path`, or `path`.gz, whichever exists; null when neither does. */
function existing(path: string): string | null {
  if (existsSync(path)) return path;
  return existsSync(`${path}.gz`) ? `${path}.gz` : null;
}

function readImages(path: string): IdxArray {
  const x = readIdx(path);
  if (x.type !== 'uint8') throw new TypeError(`x should be of dtype torch.uint8 instead of ${x.type} (${path})`);
  if (x.shape.length !== 3) throw new Error(`x should have 3 dimension instead of ${x.shape.length} (${path})`);
  return x;
}

export class KMNIST<I = Image, L = number> extends MNIST<I, L> {
  static override folderName = 'KMNIST';
  static override mirrors = ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/'];
  static override resources: [string, string][] = [
    ['train-images-idx3-ubyte.gz', 'bdb82020997e1d708af4cf47b453dcf7'],
    ['train-labels-idx1-ubyte.gz', 'e144d726b3acfaa3e44228e80efcd344'],
    ['t10k-images-idx3-ubyte.gz', '5c965bf0a639b31b8f53240b1b52f4d7'],
    ['t10k-labels-idx1-ubyte.gz', '7320c461ea6c1c855c0b718fb2a4b134'],
  ];
  protected static override signature = signature('KMNIST', splitDatasetSpec());
  static override classes = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'];
}

/** Images (uint8 [N, H, W]) and per-item targets shared by EMNIST and QMNIST. */
abstract class IdxImageDataset<T, I, L> extends VisionDataset<Image, T, I, L> {
  protected pixels: Uint8Array = new Uint8Array(0);
  protected rows = 0;
  protected cols = 0;
  protected count = 0;

  protected setImages(images: IdxArray): void {
    this.pixels = images.data as Uint8Array;
    [this.count, this.rows, this.cols] = images.shape;
  }

  /** uint8 [N, H, W] */
  get data(): Tensor {
    return Tensor.fromData(this.pixels, 'uint8', [this.count, this.rows, this.cols]);
  }

  get length(): number {
    return this.count;
  }

  protected image(index: number): Image {
    const size = this.rows * this.cols;
    return new Image(this.cols, this.rows, 1, this.pixels.slice(index * size, (index + 1) * size));
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALL = [...DIGITS, ...LETTERS.toUpperCase(), ...LETTERS];
const MERGED = new Set('cijklmopsuvwxyz');
const EMNIST_SPLITS = ['byclass', 'bymerge', 'balanced', 'letters', 'digits', 'mnist'] as const;
export type EMNISTSplit = (typeof EMNIST_SPLITS)[number];

const emnistSpec = <I, L>() =>
  [
    ['root', string],
    ['split', string],
    '*',
    ['train', bool, true],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<number, L>(), null],
    ['download', bool, false],
  ] as const;
const emnistArgs = signature('EMNIST', emnistSpec());
export type EMNISTOptions<I, L> = OptionsOf<ReturnType<typeof emnistSpec<I, L>>>;

/** EMNIST(root, split, *, train=True, transform=None, target_transform=None, download=False) */
export class EMNIST<I = Image, L = number> extends IdxImageDataset<number, I, L> {
  static url = 'https://www.itl.nist.gov/iaui/vip/cs_links/EMNIST/gzip.zip';
  static md5 = '58c8d27c78d21e728a6bc7b3cc06412e';
  static splits = EMNIST_SPLITS;
  static classesSplitDict: Record<EMNISTSplit, string[]> = {
    byclass: [...ALL].sort(),
    bymerge: ALL.filter((c) => !MERGED.has(c)).sort(),
    balanced: ALL.filter((c) => !MERGED.has(c)).sort(),
    letters: ['N/A', ...LETTERS],
    digits: [...DIGITS],
    mnist: [...DIGITS],
  };

  readonly split: EMNISTSplit;
  readonly train: boolean;
  readonly classes: string[];
  /** int64 [N] */
  readonly targets: Tensor;
  private readonly labels: Uint8Array;

  constructor(...args: Args<ReturnType<typeof emnistSpec<I, L>>>) {
    const a = emnistArgs.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    this.split = verifyStrArg(a.split, 'split', EMNIST_SPLITS);
    this.train = a.train;
    if (a.download) this.download();
    const imagesPath = existing(this.imagesFile);
    const labelsPath = existing(this.labelsFile);
    if (imagesPath === null || labelsPath === null) throw new Error(`${NOT_FOUND} (looked for ${this.imagesFile} and ${this.labelsFile})`);
    const images = readImages(imagesPath);
    const labels = readIdx(labelsPath);
    if (labels.type !== 'uint8') throw new TypeError(`x should be of dtype torch.uint8 instead of ${labels.type} (${labelsPath})`);
    if (labels.shape.length !== 1) throw new Error(`x should have 1 dimension instead of ${labels.shape.length} (${labelsPath})`);
    if (labels.shape[0] !== images.shape[0]) throw new Error(`${imagesPath} has ${images.shape[0]} images but ${labelsPath} has ${labels.shape[0]} labels`);
    this.setImages(images);
    this.labels = labels.data as Uint8Array;
    this.targets = Tensor.fromData(Float64Array.from(this.labels), 'int64', [this.labels.length]);
    this.classes = (this.constructor as typeof EMNIST).classesSplitDict[this.split];
  }

  get rawFolder(): string {
    return join(this.root, 'EMNIST', 'raw');
  }

  private get filePrefix(): string {
    return `emnist-${this.split}-${this.train ? 'train' : 'test'}`;
  }

  get imagesFile(): string {
    return join(this.rawFolder, `${this.filePrefix}-images-idx3-ubyte`);
  }

  get labelsFile(): string {
    return join(this.rawFolder, `${this.filePrefix}-labels-idx1-ubyte`);
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /** torchvision's download(): the archive, its gzip/*.gz members gunzipped into the raw folder. */
  download(): void {
    if (existing(this.imagesFile) !== null && existing(this.labelsFile) !== null) return;
    const { url, md5 } = this.constructor as typeof EMNIST;
    const help = `To use EMNIST offline, put the files of ${url} (gzip/*.gz, gunzipped) into ${this.rawFolder}.`;
    const archive = downloadFromMirrors([url.slice(0, -'gzip.zip'.length)], 'gzip.zip', this.rawFolder, md5, help);
    mkdirSync(this.rawFolder, { recursive: true });
    withFileSource(archive, (source) => {
      const zip = new ZipArchive(source);
      for (const [name, entry] of zip.entries) {
        if (!/^gzip\/[^/]+\.gz$/.test(name)) continue;
        const out = join(this.rawFolder, basename(name, '.gz'));
        writeFileSync(out, gunzipIfGzipped(zip.read(entry), name));
      }
    });
  }

  override extraRepr(): string {
    return `Split: ${this.train ? 'Train' : 'Test'}`;
  }

  protected rawItem(index: number): [Image, number] {
    return [this.image(index), this.labels[index]];
  }
}

const QMNIST_WHAT = ['train', 'test', 'test10k', 'test50k', 'nist'] as const;
export type QMNISTWhat = (typeof QMNIST_WHAT)[number];
const SUBSETS: Record<QMNISTWhat, 'train' | 'test' | 'nist'> = { train: 'train', test: 'test', test10k: 'test', test50k: 'test', nist: 'nist' };

const qmnistSpec = <I, L>() =>
  [
    ['root', string],
    ['what', nullable(string), null],
    ['compat', bool, true],
    ['train', bool, true],
    '*',
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<number | Tensor, L>(), null],
    ['download', bool, false],
  ] as const;
const qmnistArgs = signature('QMNIST', qmnistSpec());
export type QMNISTOptions<I, L> = OptionsOf<ReturnType<typeof qmnistSpec<I, L>>>;

/**
 * QMNIST(root, what=None, compat=True, train=True, *, transform=None, target_transform=None,
 * download=False): with compat the target is the class; without, the int64 row of 8 fields
 * (class, NIST series, writer, digit index, NIST class, global index, duplicate, unused).
 */
export class QMNIST<I = Image, L = number | Tensor> extends IdxImageDataset<number | Tensor, I, L> {
  static resources: Record<'train' | 'test' | 'nist', [string, string][]> = {
    train: [
      ['https://raw.githubusercontent.com/facebookresearch/qmnist/master/qmnist-train-images-idx3-ubyte.gz', 'ed72d4157d28c017586c42bc6afe6370'],
      ['https://raw.githubusercontent.com/facebookresearch/qmnist/master/qmnist-train-labels-idx2-int.gz', '0058f8dd561b90ffdd0f734c6a30e5e4'],
    ],
    test: [
      ['https://raw.githubusercontent.com/facebookresearch/qmnist/master/qmnist-test-images-idx3-ubyte.gz', '1394631089c404de565df7b7aeaf9412'],
      ['https://raw.githubusercontent.com/facebookresearch/qmnist/master/qmnist-test-labels-idx2-int.gz', '5b5b05890a5e13444e108efe57b788aa'],
    ],
    nist: [
      ['https://raw.githubusercontent.com/facebookresearch/qmnist/master/xnist-images-idx3-ubyte.xz', '7f124b3b8ab81486c9d8c2749c17f834'],
      ['https://raw.githubusercontent.com/facebookresearch/qmnist/master/xnist-labels-idx2-int.xz', '5ed0e788978e45d4a8bd4b7caec3d79d'],
    ],
  };
  static classes = MNIST.classes;

  readonly what: QMNISTWhat;
  readonly compat: boolean;
  readonly train: boolean;
  /** int64 [N, 8] */
  readonly targets: Tensor;
  private readonly fields: Int32Array;
  private readonly fieldCount: number;

  constructor(...args: Args<ReturnType<typeof qmnistSpec<I, L>>>) {
    const a = qmnistArgs.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number | Tensor) => L) | null);
    this.what = verifyStrArg(a.what ?? (a.train ? 'train' : 'test'), 'what', QMNIST_WHAT);
    this.compat = a.compat;
    this.train = a.train;
    if (a.download) this.download();
    const imagesPath = existing(this.imagesFile);
    const labelsPath = existing(this.labelsFile);
    if (imagesPath === null || labelsPath === null) throw new Error(`${NOT_FOUND} (looked for ${this.imagesFile} and ${this.labelsFile})`);
    const images = readIdx(imagesPath);
    if (images.type !== 'uint8') throw new TypeError(`data should be of dtype torch.uint8 instead of ${images.type} (${imagesPath})`);
    if (images.shape.length !== 3) throw new Error(`data should have 3 dimensions instead of ${images.shape.length} (${imagesPath})`);
    const labels = readIdx(labelsPath);
    if (labels.shape.length !== 2) throw new Error(`targets should have 2 dimensions instead of ${labels.shape.length} (${labelsPath})`);
    let [n, h, w] = images.shape;
    let pixels = images.data as Uint8Array;
    const width = labels.shape[1];
    let fields = Int32Array.from(labels.data);
    // test10k: the first 10,000 test items (those of MNIST's test set); test50k: the rest
    const [from, to] = this.what === 'test10k' ? [0, Math.min(10000, n)] : this.what === 'test50k' ? [Math.min(10000, n), n] : [0, n];
    pixels = pixels.slice(from * h * w, to * h * w);
    fields = fields.slice(from * width, Math.min(to, labels.shape[0]) * width);
    n = to - from;
    this.setImages({ type: 'uint8', shape: [n, h, w], data: pixels });
    this.fields = fields;
    this.fieldCount = width;
    this.targets = Tensor.fromData(Float64Array.from(fields), 'int64', [fields.length / width, width]);
  }

  get rawFolder(): string {
    return join(this.root, 'QMNIST', 'raw');
  }

  private fileOf(k: 0 | 1): string {
    const url = (this.constructor as typeof QMNIST).resources[SUBSETS[this.what]][k][0];
    return join(this.rawFolder, basename(url).replace(/\.[^.]*$/, ''));
  }

  get imagesFile(): string {
    return this.fileOf(0);
  }

  get labelsFile(): string {
    return this.fileOf(1);
  }

  get classes(): string[] {
    return (this.constructor as typeof QMNIST).classes;
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /** Downloads (and gunzips) the two files of `what`'s subset unless they are there. */
  download(): void {
    if (existing(this.imagesFile) !== null && existing(this.labelsFile) !== null) return;
    for (const [url, md5] of (this.constructor as typeof QMNIST).resources[SUBSETS[this.what]]) {
      const name = basename(url);
      if (name.endsWith('.xz')) {
        throw new Error(`QMNIST '${this.what}': ${url} is xz-compressed, which torchlette cannot decompress; download it, run \`xz -d ${name}\` and put ${name.slice(0, -3)} into ${this.rawFolder}`);
      }
      const help = `To use QMNIST offline, put ${name} (or it gunzipped) into ${this.rawFolder}.`;
      const archive = downloadFromMirrors([url.slice(0, -name.length)], name, this.rawFolder, md5, help);
      writeFileSync(archive.slice(0, -3), gunzipIfGzipped(readFileSync(archive), archive));
    }
  }

  override extraRepr(): string {
    return `Split: ${this.what}`;
  }

  protected rawItem(index: number): [Image, number | Tensor] {
    const width = this.fieldCount;
    const row = this.fields.slice(index * width, (index + 1) * width);
    return [this.image(index), this.compat ? row[0] : Tensor.fromData(Float64Array.from(row), 'int64', [width])];
  }
}
