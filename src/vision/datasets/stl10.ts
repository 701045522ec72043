// STL-10 from its binary release (root/stl10_binary): *_X.bin hold 96x96 colour images,
// each channel column-major; *_y.bin the labels 1-10; fold_indices.txt ten lines of
// training indices; class_names.txt the names. Every file is checked by MD5 as torchvision does.
import { existsSync, readFileSync } from '#platform/fs';
import { join } from '#platform/path';
import { bool, int, nullable, signature, string, type Args, type OptionsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { Image } from '../image.js';
import type { CheckedFile } from './cifar.js';
import { downloadFromMirrors, extractTar } from './download.js';
import { checkLargeFileIntegrity, readLargeFile } from './large-files.js';
import { verifyStrArg } from './verify-str-arg.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

const SIDE = 96;
const IMAGE = 3 * SIDE * SIDE;

const stl10Spec = <I, L>() =>
  [
    ['root', string],
    ['split', string, 'train'],
    ['folds', nullable(int), null],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<number, L>(), null],
    ['download', bool, false],
  ] as const;
const stl10Args = signature('STL10', stl10Spec());
export type STL10Options<I, L> = OptionsOf<ReturnType<typeof stl10Spec<I, L>>>;

/** STL10(root, split='train', folds=None, transform=None, target_transform=None, download=False); unlabeled items have target -1. */
export class STL10<I = Image, L = number> extends VisionDataset<Image, number, I, L> {
  static baseFolder = 'stl10_binary';
  static url = 'http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz';
  static filename = 'stl10_binary.tar.gz';
  static tgzMd5 = '91f7769df0f17e558f3565bffb0c7dfb';
  static classNamesFile = 'class_names.txt';
  static foldsListFile = 'fold_indices.txt';
  static trainList: CheckedFile[] = [
    ['train_X.bin', '918c2871b30a85fa023e0c44e0bee87f'],
    ['train_y.bin', '5a34089d4802c674881badbb80307741'],
    ['unlabeled_X.bin', '5242ba1fed5e4be9e1e742405eb56ca4'],
  ];
  static testList: CheckedFile[] = [
    ['test_X.bin', '7f263ba9f9e0b06b93213547f721ac82'],
    ['test_y.bin', '36f9794fa4beb8a2c72628de14fa638e'],
  ];
  static splits = ['train', 'train+unlabeled', 'unlabeled', 'test'] as const;

  readonly split: string;
  readonly folds: number | null;
  /** The names in class_names.txt (absent when the file is). */
  readonly classes: string[] | undefined;
  readonly labels: number[];
  /** Raw images as in the files: [N, 3, 96 (columns), 96 (rows)]. */
  private readonly raw: Uint8Array;

  constructor(...args: Args<ReturnType<typeof stl10Spec<I, L>>>) {
    const a = stl10Args.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    const meta = this.constructor as typeof STL10;
    this.split = verifyStrArg(a.split, 'split', meta.splits);
    if (a.folds !== null && !(a.folds >= 0 && a.folds < 10)) throw new Error(`Value for argument folds should be in the range [0, 10), but got ${a.folds}.`);
    this.folds = a.folds;
    const folder = join(this.root, meta.baseFolder);
    // as torchvision: with download, the integrity is not checked again afterwards
    if (a.download) this.download();
    else if (!this.checkIntegrity()) throw new Error(`Dataset not found or corrupted. You can use download=True to download it (looked in ${folder})`);
    let images: Uint8Array;
    let labels: number[];
    const [[trainX], [trainY], [unlabeledX]] = meta.trainList;
    if (this.split === 'train' || this.split === 'train+unlabeled') {
      [images, labels] = this.withFolds(this.loadImages(trainX), this.loadLabels(trainY));
      if (this.split === 'train+unlabeled') {
        const extra = this.loadImages(unlabeledX);
        const both = new Uint8Array(images.length + extra.length);
        both.set(images);
        both.set(extra, images.length);
        images = both;
        labels = [...labels, ...new Array<number>(extra.length / IMAGE).fill(-1)];
      }
    } else if (this.split === 'unlabeled') {
      images = this.loadImages(unlabeledX);
      labels = new Array<number>(images.length / IMAGE).fill(-1);
    } else {
      images = this.loadImages(meta.testList[0][0]);
      labels = this.loadLabels(meta.testList[1][0]);
    }
    if (labels.length !== images.length / IMAGE) throw new Error(`${folder}: ${images.length / IMAGE} images but ${labels.length} labels`);
    this.raw = images;
    this.labels = labels;
    const classFile = join(folder, meta.classNamesFile);
    if (existsSync(classFile)) this.classes = readFileSync(classFile, 'utf8').split(/\r\n|\r|\n/).filter((l, i, all) => i < all.length - 1 || l !== '');
  }

  private get meta(): typeof STL10 {
    return this.constructor as typeof STL10;
  }

  private path(name: string): string {
    return join(this.root, this.meta.baseFolder, name);
  }

  checkIntegrity(): boolean {
    return [...this.meta.trainList, ...this.meta.testList].every(([f, md5]) => checkLargeFileIntegrity(this.path(f), md5 ?? undefined));
  }

  download(): void {
    if (this.checkIntegrity()) {
      console.log('Files already downloaded and verified'); // as torchvision's download() prints it
      return;
    }
    const meta = this.meta;
    const help = `To use STL10 offline, extract ${meta.filename} (${meta.url}) into ${this.root}.`;
    const archive = downloadFromMirrors([meta.url.slice(0, -meta.filename.length)], meta.filename, this.root, meta.tgzMd5, help);
    extractTar(archive, this.root);
  }

  private loadImages(name: string): Uint8Array {
    // unlabeled_X.bin is 2.7 GB, past readFileSync's limit
    const bytes = readLargeFile(this.path(name));
    if (bytes.length % IMAGE !== 0) throw new Error(`${this.path(name)}: ${bytes.length} bytes is not a whole number of 3x96x96 images`);
    return bytes;
  }

  private loadLabels(name: string): number[] {
    // np.fromfile(uint8) - 1 stays uint8: a 0 in the file becomes 255
    return Array.from(readFileSync(this.path(name)), (v) => (v + 255) % 256);
  }

  private withFolds(images: Uint8Array, labels: number[]): [Uint8Array, number[]] {
    if (this.folds === null) return [images, labels];
    const path = this.path(this.meta.foldsListFile);
    const line = readFileSync(path, 'utf8').split(/\r\n|\r|\n/)[this.folds];
    if (line === undefined) throw new Error(`${path}: no line for fold ${this.folds}`);
    const indices = line.split(' ').filter((s) => s !== '').map(Number);
    const n = labels.length;
    const out = new Uint8Array(indices.length * IMAGE);
    indices.forEach((i, k) => {
      if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`${path}: fold ${this.folds} has index ${i}, outside the ${n} training images`);
      const j = i < 0 ? i + n : i;
      out.set(images.subarray(j * IMAGE, (j + 1) * IMAGE), k * IMAGE);
    });
    return [out, indices.map((i) => labels[i < 0 ? i + n : i])];
  }

  /** uint8 [N, 3, 96, 96] (channel, row, column), as torchvision's data */
  get data(): Tensor {
    return Tensor.fromData(this.raw, 'uint8', [this.length, 3, SIDE, SIDE]).transpose(2, 3);
  }

  get length(): number {
    return this.labels.length;
  }

  override extraRepr(): string {
    return `Split: ${this.split}`;
  }

  protected rawItem(index: number): [Image, number] {
    const pixels = new Uint8Array(IMAGE);
    const base = index * IMAGE;
    for (let c = 0; c < 3; c++) for (let col = 0; col < SIDE; col++) for (let row = 0; row < SIDE; row++) {
      pixels[(row * SIDE + col) * 3 + c] = this.raw[base + c * SIDE * SIDE + col * SIDE + row];
    }
    return [new Image(SIDE, SIDE, 3, pixels), this.labels[index]];
  }
}
