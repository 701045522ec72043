// CIFAR-10 / CIFAR-100 as torchvision reads them: the Python release (cifar-10-batches-py,
// cifar-100-python: pickled dicts holding a uint8 array of 3072-byte rows, red, green then
// blue planes of 32x32, and the labels), every file checked by MD5. CIFAR-10's binary
// release (cifar-10-batches-bin: records of one label byte and the 3072 pixel bytes) is
// read too when the Python one is absent.
import { existsSync, readFileSync } from '#platform/fs';
import { join } from '#platform/path';
import { signature, type Args, type OptionsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { Image } from '../image.js';
import { checkIntegrity, downloadFromMirrors, extractTar } from './download.js';
import { isNdArray, loadDatasetPickle, type PickleValue } from './numpy-pickle.js';
import { VisionDataset, splitDatasetSpec } from './vision-dataset.js';

/** CIFAR10(root, train=True, transform=None, target_transform=None, download=False) */
type CIFAR10Spec<I, L> = ReturnType<typeof splitDatasetSpec<Image, number, I, L>>;
export type CIFAR10Options<I, L> = OptionsOf<CIFAR10Spec<I, L>>;

const RECORD = 1 + 3 * 32 * 32;
const NOT_FOUND = 'Dataset not found or corrupted. You can use download=True to download it';

/** [file name, MD5 or null to skip the check] */
export type CheckedFile = [string, string | null];

/** Pixels of n images from rows of R, G, B planes (3072 bytes each) into HWC order. */
function planesToHwc(rows: Uint8Array, n: number, out: Uint8Array, at: number, stride = 3072, skip = 0): void {
  for (let r = 0; r < n; r++) {
    const base = r * stride + skip;
    const dst = (at + r) * 3072;
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) out[dst + p * 3 + c] = rows[base + c * 1024 + p];
  }
}

/** The pickled dict holding `key`; throws naming the file otherwise. */
function dictWith(entry: PickleValue, key: string, file: string): { [key: string]: PickleValue } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || entry instanceof Uint8Array || isNdArray(entry) || !(key in entry)) {
    throw new Error(`${file}: expected a pickled dict with the key '${key}'`);
  }
  return entry;
}

function intList(value: PickleValue, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v))) throw new Error(`${what} must be a list of ints`);
  return value as number[];
}

export class CIFAR10<I = Image, L = number> extends VisionDataset<Image, number, I, L> {
  static baseFolder = 'cifar-10-batches-py';
  static url = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz';
  static filename = 'cifar-10-python.tar.gz';
  static tgzMd5 = 'c58f30108f718f92721af3b95e74349a';
  static trainList: CheckedFile[] = [
    ['data_batch_1', 'c99cafc152244af753f735de768cd75f'],
    ['data_batch_2', 'd4bba439e000b95fd0a9bffe97cbabec'],
    ['data_batch_3', '54ebc095f3ab1f0389bbae665268c751'],
    ['data_batch_4', '634d18415352ddfa80567beed471001a'],
    ['data_batch_5', '482c414d41f54cd18b22e5b47cb7c3cb'],
  ];
  static testList: CheckedFile[] = [['test_batch', '40351d587109b95175f43aff81a1287e']];
  static meta: { filename: string; key: string; md5: string | null } = { filename: 'batches.meta', key: 'label_names', md5: '5ff9c542aee3614f3951f8cda6e48888' };
  /** The binary release, read when baseFolder is absent (null: none). */
  static binaryFolder: string | null = 'cifar-10-batches-bin';
  static binaryTrainList = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
  static binaryTestList = ['test_batch.bin'];
  /** The class names the binary release's batches.meta.txt lists. */
  static binaryClasses = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

  protected static signature = signature('CIFAR10', splitDatasetSpec());

  readonly train: boolean;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** uint8 [N, 32, 32, 3] (HWC, as torchvision's numpy array) */
  private readonly pixels: Uint8Array;
  private readonly labels: number[];

  constructor(...args: Args<CIFAR10Spec<I, L>>) {
    const meta = new.target as typeof CIFAR10;
    const a = meta.signature.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    this.train = a.train;
    const folder = join(this.root, meta.baseFolder);
    const binary = meta.binaryFolder === null ? null : join(this.root, meta.binaryFolder);
    const binaryFiles = this.train ? meta.binaryTrainList : meta.binaryTestList;
    let loaded: { pixels: Uint8Array; labels: number[]; classes: string[] };
    if (binary !== null && !existsSync(folder) && binaryFiles.every((f) => existsSync(join(binary, f)))) {
      loaded = this.loadBinary(binary, binaryFiles);
    } else {
      if (a.download) this.download();
      const bad = [...meta.trainList, ...meta.testList].map(([f, md5]) => [join(folder, f), md5] as const).filter(([p, md5]) => !checkIntegrity(p, md5 ?? undefined));
      if (bad.length > 0) throw new Error(`${NOT_FOUND} (missing or failing its MD5 check: ${bad.map(([p]) => p).join(', ')})`);
      loaded = this.loadPickles(folder, this.train ? meta.trainList : meta.testList);
    }
    this.pixels = loaded.pixels;
    this.labels = loaded.labels;
    this.classes = loaded.classes;
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  private get meta(): typeof CIFAR10 {
    return this.constructor as typeof CIFAR10;
  }

  /** torchvision's download(): fetches and extracts the archive unless every file checks out. */
  download(): void {
    const meta = this.meta;
    const folder = join(this.root, meta.baseFolder);
    if ([...meta.trainList, ...meta.testList].every(([f, md5]) => checkIntegrity(join(folder, f), md5 ?? undefined))) {
      console.log('Files already downloaded and verified'); // as torchvision's download() prints it
      return;
    }
    const help = `To use ${meta.name} offline, extract ${meta.filename} (${meta.url}) into ${this.root}, so that ${folder} holds ${[...meta.trainList, ...meta.testList, [meta.meta.filename]].map(([f]) => f).join(', ')}.`;
    const archive = downloadFromMirrors([meta.url.slice(0, meta.url.length - meta.filename.length)], meta.filename, this.root, meta.tgzMd5, help);
    extractTar(archive, this.root);
  }

  private loadPickles(folder: string, files: CheckedFile[]): { pixels: Uint8Array; labels: number[]; classes: string[] } {
    const chunks: Uint8Array[] = [];
    const labels: number[] = [];
    for (const [name] of files) {
      const path = join(folder, name);
      const entry = dictWith(loadDatasetPickle(readFileSync(path), path), 'data', path);
      const data = entry.data;
      if (!isNdArray(data) || data.dtype !== 'uint8' || data.data.length % 3072 !== 0) throw new Error(`${path}: 'data' must be a uint8 numpy array of 3072-byte rows`);
      // CIFAR-10 names them labels, CIFAR-100 fine_labels (and coarse_labels)
      const key = 'labels' in entry ? 'labels' : 'fine_labels';
      const batchLabels = intList(dictWith(entry, key, path)[key], `${path}: '${key}'`);
      if (batchLabels.length !== data.data.length / 3072) throw new Error(`${path}: ${data.data.length / 3072} images but ${batchLabels.length} labels`);
      chunks.push(data.data as Uint8Array);
      for (const label of batchLabels) labels.push(label);
    }
    const n = chunks.reduce((s, c) => s + c.length / 3072, 0);
    const pixels = new Uint8Array(n * 3072);
    let at = 0;
    for (const c of chunks) {
      planesToHwc(c, c.length / 3072, pixels, at);
      at += c.length / 3072;
    }
    return { pixels, labels, classes: this.loadMeta(folder) };
  }

  private loadMeta(folder: string): string[] {
    const { filename, key, md5 } = this.meta.meta;
    const path = join(folder, filename);
    if (!checkIntegrity(path, md5 ?? undefined)) throw new Error(`Dataset metadata file not found or corrupted. You can use download=True to download it (${path})`);
    const names = dictWith(loadDatasetPickle(readFileSync(path), path), key, path)[key];
    if (!Array.isArray(names) || !names.every((s) => typeof s === 'string')) throw new Error(`${path}: '${key}' must be a list of str`);
    return names as string[];
  }

  private loadBinary(folder: string, files: string[]): { pixels: Uint8Array; labels: number[]; classes: string[] } {
    const chunks = files.map((f) => {
      const path = join(folder, f);
      const bytes = readFileSync(path);
      if (bytes.length === 0 || bytes.length % RECORD !== 0) throw new Error(`${path}: truncated or corrupt CIFAR-10 batch (${bytes.length} bytes is not a multiple of ${RECORD})`);
      return { path, bytes };
    });
    const n = chunks.reduce((s, c) => s + c.bytes.length / RECORD, 0);
    const pixels = new Uint8Array(n * 3072);
    const labels: number[] = [];
    for (const { path, bytes } of chunks) {
      const records = bytes.length / RECORD;
      for (let r = 0; r < records; r++) {
        const label = bytes[r * RECORD];
        if (label > 9) throw new Error(`${path}: label ${label} at record ${r} is not a CIFAR-10 class`);
        labels.push(label);
      }
      planesToHwc(bytes, records, pixels, labels.length - records, RECORD, 1);
    }
    return { pixels, labels, classes: this.meta.binaryClasses.slice() };
  }

  /** uint8 [N, 32, 32, 3] */
  get data(): Tensor {
    return Tensor.fromData(this.pixels, 'uint8', [this.pixels.length / 3072, 32, 32, 3]);
  }

  get targets(): number[] {
    return this.labels.slice();
  }

  get length(): number {
    return this.pixels.length / 3072;
  }

  override extraRepr(): string {
    return `Split: ${this.train ? 'Train' : 'Test'}`;
  }

  protected rawItem(index: number): [Image, number] {
    return [new Image(32, 32, 3, this.pixels.slice(index * 3072, (index + 1) * 3072)), this.labels[index]];
  }
}

/** CIFAR100(root, train=True, transform=None, target_transform=None, download=False): fine labels. */
export class CIFAR100<I = Image, L = number> extends CIFAR10<I, L> {
  static override baseFolder = 'cifar-100-python';
  static override url = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz';
  static override filename = 'cifar-100-python.tar.gz';
  static override tgzMd5 = 'eb9058c3a382ffc7106e4002c42a8d85';
  static override trainList: CheckedFile[] = [['train', '16019d7e3df5f24257cddd939b257f8d']];
  static override testList: CheckedFile[] = [['test', 'f0ef6b0ae62326f3e7ffdfab6717acfc']];
  static override meta = { filename: 'meta', key: 'fine_label_names', md5: '7973b15100ade9c7d40fb424638fde48' as string | null };
  static override binaryFolder: string | null = null;
  protected static override signature = signature('CIFAR100', splitDatasetSpec());
}
