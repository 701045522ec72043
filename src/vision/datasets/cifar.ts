// CIFAR-10 from its binary version (cifar-10-batches-bin: records of one label byte
// and 3072 pixel bytes, red, green then blue planes of 32x32).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signature, type Args, type OptionsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { Image } from '../image.js';
import { downloadFromMirrors, extractTar } from './download.js';
import { VisionDataset, splitDatasetSpec } from './vision-dataset.js';

/** CIFAR10(root, train=True, transform=None, target_transform=None, download=False) */
type CIFAR10Spec<I, L> = ReturnType<typeof splitDatasetSpec<Image, number, I, L>>;
export type CIFAR10Options<I, L> = OptionsOf<CIFAR10Spec<I, L>>;
const cifar10Args = signature('CIFAR10', splitDatasetSpec());

const RECORD = 1 + 3 * 32 * 32;

export class CIFAR10<I = Image, L = number> extends VisionDataset<Image, number, I, L> {
  static baseFolder = 'cifar-10-batches-bin';
  static url = 'https://www.cs.toronto.edu/~kriz/';
  static filename = 'cifar-10-binary.tar.gz';
  static tgzMd5 = 'c32a1d4ab5d03f1284b67883e8d87530';
  static trainList = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
  static testList = ['test_batch.bin'];
  static classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

  readonly train: boolean;
  /** uint8 [N, 32, 32, 3] (HWC, as torchvision's numpy array) */
  private readonly pixels: Uint8Array;
  private readonly labels: Uint8Array;

  constructor(...args: Args<CIFAR10Spec<I, L>>) {
    const a = cifar10Args.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    const root = a.root;
    this.train = a.train;
    const meta = this.constructor as typeof CIFAR10;
    const folder = join(root, meta.baseFolder);
    const files = this.train ? meta.trainList : meta.testList;
    const missing = () => files.filter((f) => !existsSync(join(folder, f)));
    if (missing().length > 0 && a.download) {
      const help = `To use CIFAR10 offline, extract ${meta.filename} so that ${folder} holds ${[...meta.trainList, ...meta.testList].join(', ')}.`;
      const archive = downloadFromMirrors([meta.url], meta.filename, root, meta.tgzMd5, help);
      extractTar(archive, root);
    }
    if (missing().length > 0) throw new Error(`Dataset not found or corrupted: missing ${missing().map((f) => join(folder, f)).join(', ')}. You can use download: true to download it.`);
    const chunks = files.map((f) => {
      const path = join(folder, f);
      const bytes = readFileSync(path);
      if (bytes.length === 0 || bytes.length % RECORD !== 0) throw new Error(`${path}: truncated or corrupt CIFAR-10 batch (${bytes.length} bytes is not a multiple of ${RECORD})`);
      return bytes;
    });
    const n = chunks.reduce((s, c) => s + c.length / RECORD, 0);
    this.pixels = new Uint8Array(n * 3072);
    this.labels = new Uint8Array(n);
    let k = 0;
    for (const chunk of chunks) {
      for (let r = 0; r < chunk.length / RECORD; r++, k++) {
        const base = r * RECORD;
        const label = chunk[base];
        if (label > 9) throw new Error(`${join(folder, files[chunks.indexOf(chunk)])}: label ${label} at record ${r} is not a CIFAR-10 class`);
        this.labels[k] = label;
        const out = k * 3072;
        for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) this.pixels[out + p * 3 + c] = chunk[base + 1 + c * 1024 + p];
      }
    }
  }

  /** uint8 [N, 32, 32, 3] */
  get data(): Tensor {
    return Tensor.fromData(this.pixels, 'uint8', [this.labels.length, 32, 32, 3]);
  }

  get targets(): number[] {
    return Array.from(this.labels);
  }

  get classes(): string[] {
    return (this.constructor as typeof CIFAR10).classes;
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  get length(): number {
    return this.labels.length;
  }

  override extraRepr(): string {
    return `Split: ${this.train ? 'Train' : 'Test'}`;
  }

  protected rawItem(index: number): [Image, number] {
    return [new Image(32, 32, 3, this.pixels.slice(index * 3072, (index + 1) * 3072)), this.labels[index]];
  }
}

