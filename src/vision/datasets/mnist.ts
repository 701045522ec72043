// MNIST and Fashion-MNIST from their IDX files (gzipped or not), found in
// torchvision's layout (root/MNIST/raw/...) or in a flat folder holding the four files.
import { existsSync } from '#platform/fs';
import { join } from '#platform/path';
import { signature, type Args, type OptionsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import { Image } from '../image.js';
import { downloadFromMirrors } from './download.js';
import { readIdx } from './idx.js';
import { VisionDataset, splitDatasetSpec } from './vision-dataset.js';

/**
 * MNIST(root, train=True, transform=None, target_transform=None, download=False):
 * `train` picks the 60,000 training items (default) or the 10,000 test items;
 * `download` fetches the files from the dataset's mirrors into root/<Name>/raw unless
 * they are found.
 */
type MNISTSpec<I, L> = ReturnType<typeof splitDatasetSpec<Image, number, I, L>>;
export type MNISTOptions<I, L> = OptionsOf<MNISTSpec<I, L>>;

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

export class MNIST<I = Image, L = number> extends VisionDataset<Image, number, I, L> {
  static folderName = 'MNIST';
  static mirrors: string[] = ['http://yann.lecun.com/exdb/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'];
  static resources: [string, string][] = [
    ['train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'],
    ['train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'],
    ['t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'],
    ['t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'],
  ];
  /** Folders searched after root/<Name>/raw and root. */
  static extraFolders: string[] = [];
  static classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];

  readonly train: boolean;
  /** uint8 [N, 28, 28] */
  readonly data: Tensor;
  /** int64 [N] */
  readonly targets: Tensor;

  // torchvision's deprecated names, each warning as it does
  get trainLabels(): Tensor {
    warnOnce('train_labels has been renamed targets');
    return this.targets;
  }
  get testLabels(): Tensor {
    warnOnce('test_labels has been renamed targets');
    return this.targets;
  }
  get trainData(): Tensor {
    warnOnce('train_data has been renamed data');
    return this.data;
  }
  get testData(): Tensor {
    warnOnce('test_data has been renamed data');
    return this.data;
  }
  private readonly pixels: Uint8Array;
  private readonly labels: Uint8Array;
  private readonly rows: number;
  private readonly cols: number;

  /** The signature errors name (the class's own). */
  protected static signature = signature('MNIST', splitDatasetSpec());

  constructor(...args: Args<MNISTSpec<I, L>>) {
    const sig = (new.target as typeof MNIST).signature;
    const a = sig.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    this.train = a.train;
    const [imagesName, labelsName] = FILES[this.train ? 'train' : 'test'];
    let imagesPath = this.find(imagesName);
    let labelsPath = this.find(labelsName);
    if ((!imagesPath || !labelsPath) && a.download) {
      this.download();
      imagesPath = this.find(imagesName);
      labelsPath = this.find(labelsName);
    }
    if (!imagesPath || !labelsPath) {
      throw new Error(`Dataset not found: ${this.missingHelp()}\nYou can use download: true to download it.`);
    }
    const images = readIdx(imagesPath);
    const labels = readIdx(labelsPath);
    if (images.type !== 'uint8' || images.shape.length !== 3) throw new Error(`${imagesPath}: expected uint8 images of 3 dimensions, got ${images.type} [${images.shape.join(', ')}]`);
    if (labels.type !== 'uint8' || labels.shape.length !== 1) throw new Error(`${labelsPath}: expected uint8 labels of 1 dimension, got ${labels.type} [${labels.shape.join(', ')}]`);
    if (images.shape[0] !== labels.shape[0]) throw new Error(`${imagesPath} has ${images.shape[0]} images but ${labelsPath} has ${labels.shape[0]} labels`);
    this.pixels = images.data as Uint8Array;
    this.labels = labels.data as Uint8Array;
    [, this.rows, this.cols] = images.shape;
    this.data = Tensor.fromData(this.pixels, 'uint8', images.shape.slice());
    this.targets = Tensor.fromData(Float64Array.from(this.labels), 'int64', [this.labels.length]);
  }

  private get meta(): typeof MNIST {
    return this.constructor as typeof MNIST;
  }

  /** torchvision's raw_folder: root/<Name>/raw */
  get rawFolder(): string {
    return join(this.root, this.meta.folderName, 'raw');
  }

  get classes(): string[] {
    return this.meta.classes;
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  private folders(): string[] {
    return [this.rawFolder, this.root, ...this.meta.extraFolders];
  }

  private find(base: string): string | null {
    for (const folder of this.folders()) {
      for (const name of [base, `${base}.gz`]) {
        const path = join(folder, name);
        if (existsSync(path)) return path;
      }
    }
    return null;
  }

  private missingHelp(): string {
    const names = Object.values(FILES).flat().map((f) => `${f}[.gz]`).join(', ');
    return `put ${names} into ${this.rawFolder} or directly into ${this.root} (looked in: ${this.folders().join(', ')})`;
  }

  private download(): void {
    const help = `To use ${this.meta.folderName} offline, ${this.missingHelp()}.`;
    for (const [filename, md5] of this.meta.resources) {
      if (this.find(filename.replace(/\.gz$/, ''))) continue;
      downloadFromMirrors(this.meta.mirrors, filename, this.rawFolder, md5, help);
    }
  }

  get length(): number {
    return this.labels.length;
  }

  override extraRepr(): string {
    return `Split: ${this.train ? 'Train' : 'Test'}`;
  }

  protected rawItem(index: number): [Image, number] {
    const size = this.rows * this.cols;
    const pixels = this.pixels.slice(index * size, (index + 1) * size);
    return [new Image(this.cols, this.rows, 1, pixels), this.labels[index]];
  }
}

export class FashionMNIST<I = Image, L = number> extends MNIST<I, L> {
  static override folderName = 'FashionMNIST';
  static override mirrors = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];
  static override resources: [string, string][] = [
    ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'],
    ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'],
    ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'],
    ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'],
  ];
  /** Debian's dataset-fashion-mnist package installs the four gzipped files here. */
  static override extraFolders = ['/usr/share/datasets/fashion-mnist'];
  protected static override signature = signature('FashionMNIST', splitDatasetSpec());
  static override classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
}

