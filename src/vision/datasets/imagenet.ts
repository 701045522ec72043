// ImageNet 2012 as torchvision lays it out: root/meta.bin (torch.save of wnid_to_classes and
// the validation images' wnids, made once from the devkit archive's meta.mat and
// validation ground truth) and root/train, root/val as ImageFolders of wnid folders.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from '#platform/fs';
import { tmpdir } from '#platform/os';
import { basename, join } from '#platform/path';
import { load } from '../../serialization/torch-load.js';
import { save } from '../../serialization/torch-save.js';
import { func, nullable, signature, string, type Args, type Check, type OptionsOf } from '../../tensor/args.js';
import type { Image } from '../image.js';
import { extractTar } from './download.js';
import { ImageFolder } from './folder.js';
import { parseMat, type MatValue } from './mat5.js';
import { checkLargeFileIntegrity, extractLargeTar } from './large-files.js';
import { verifyStrArg } from './verify-str-arg.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

export const META_FILE = 'meta.bin';

/** The archives torchvision's ImageNet expects in root: [file name, MD5]. */
export const ARCHIVE_META: Record<'train' | 'val' | 'devkit', [string, string]> = {
  train: ['ILSVRC2012_img_train.tar', '1d675b47d978889d74fa0da5fadfb00e'],
  val: ['ILSVRC2012_img_val.tar', '29b22e2961454d5413ddabcf34fc5622'],
  devkit: ['ILSVRC2012_devkit_t12.tar.gz', 'fa75699e90414af021442c21a62c3abf'],
};

function verifyArchive(root: string, file: string, md5: string): void {
  if (!checkLargeFileIntegrity(join(root, file), md5)) {
    throw new Error(`The archive ${file} is not present in the root directory or is corrupted. You need to download it externally and place it in ${root}.`);
  }
}

/** torchvision's load_meta_file: [wnid_to_classes, val_wnids] from root/meta.bin. */
export function loadMetaFile(root: string, file: string = META_FILE): [Record<string, string[]>, string[]] {
  const path = join(root, file);
  if (!existsSync(path)) throw new Error(`The meta file ${path} is not present in the root directory or is corrupted. This file is automatically created by the ImageNet dataset.`);
  const meta = load<unknown>(path);
  if (!Array.isArray(meta) || meta.length !== 2 || typeof meta[0] !== 'object' || !Array.isArray(meta[1])) throw new Error(`${path}: expected a tuple (wnid_to_classes, val_wnids)`);
  return meta as [Record<string, string[]>, string[]];
}

function scalar(v: MatValue | undefined, what: string): number {
  if (v?.kind !== 'numeric' || v.data.length !== 1) throw new Error(`meta.mat: ${what} must be a number`);
  return v.data[0];
}

function chars(v: MatValue | undefined, what: string): string {
  if (v?.kind !== 'char') throw new Error(`meta.mat: ${what} must be text`);
  return v.text;
}

/**
 * torchvision's parse_devkit_archive: reads the devkit's data/meta.mat (the leaf synsets:
 * ILSVRC2012_ID, WNID, words) and validation ground truth, and saves
 * (wnid_to_classes, val_wnids) to root/meta.bin.
 */
export function parseDevkitArchive(root: string, file: string = ARCHIVE_META.devkit[0], md5: string = ARCHIVE_META.devkit[1]): void {
  verifyArchive(root, file, md5);
  const tmp = mkdtempSync(join(tmpdir(), 'torchlette-imagenet-devkit-'));
  try {
    extractTar(join(root, file), tmp);
    const data = join(tmp, 'ILSVRC2012_devkit_t12', 'data');
    const metaPath = join(data, 'meta.mat');
    const synsets = parseMat(readFileSync(metaPath), metaPath).get('synsets');
    if (synsets?.kind !== 'struct') throw new Error(`${metaPath}: expected a struct array 'synsets'`);
    const idxToWnid = new Map<number, string>();
    const wnidToClasses: Record<string, string[]> = {};
    for (const s of synsets.items) {
      if (scalar(s.num_children, 'num_children') !== 0) continue;
      const wnid = chars(s.WNID, 'WNID');
      idxToWnid.set(scalar(s.ILSVRC2012_ID, 'ILSVRC2012_ID'), wnid);
      Object.defineProperty(wnidToClasses, wnid, { value: chars(s.words, 'words').split(', '), enumerable: true, writable: true, configurable: true });
    }
    const truthPath = join(data, 'ILSVRC2012_validation_ground_truth.txt');
    const valWnids = readFileSync(truthPath, 'utf8')
      .split('\n')
      .filter((line, i, all) => i < all.length - 1 || line !== '')
      .map((line, i) => {
        const idx = Number(line.trim());
        const wnid = idxToWnid.get(idx);
        if (!Number.isInteger(idx) || line.trim() === '' || wnid === undefined) throw new Error(`${truthPath}: line ${i + 1} (${JSON.stringify(line)}) is not the ILSVRC2012_ID of a leaf synset`);
        return wnid;
      });
    save([wnidToClasses, valWnids], join(root, META_FILE));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * torchvision's parse_train_archive: extracts ILSVRC2012_img_train.tar into root/<folder>,
 * then each class's <wnid>.tar in it into root/<folder>/<wnid>, removing the class tars.
 */
export function parseTrainArchive(root: string, file: string = ARCHIVE_META.train[0], md5: string = ARCHIVE_META.train[1], folder = 'train'): void {
  verifyArchive(root, file, md5);
  const trainRoot = join(root, folder);
  extractLargeTar(join(root, file), trainRoot);
  for (const archive of readdirSync(trainRoot).map((a) => join(trainRoot, a))) {
    extractLargeTar(archive, archive.replace(/\.[^./]*$/, ''));
    rmSync(archive);
  }
}

/**
 * torchvision's parse_val_archive: extracts ILSVRC2012_img_val.tar into root/<folder> and
 * moves the images, in sorted order, into the folders of their wnids (`wnids`, or
 * meta.bin's val_wnids).
 */
export function parseValArchive(root: string, file: string = ARCHIVE_META.val[0], md5: string = ARCHIVE_META.val[1], wnids: string[] | null = null, folder = 'val'): void {
  const valWnids = wnids ?? loadMetaFile(root)[1];
  verifyArchive(root, file, md5);
  const valRoot = join(root, folder);
  extractLargeTar(join(root, file), valRoot);
  const images = readdirSync(valRoot).map((image) => join(valRoot, image)).sort();
  for (const wnid of new Set(valWnids)) mkdirSync(join(valRoot, wnid));
  valWnids.slice(0, images.length).forEach((wnid, k) => renameSync(images[k], join(valRoot, wnid, basename(images[k]))));
}

const imagenetSpec = <I, L>() =>
  [
    ['root', string],
    ['split', string, 'train'],
    '*',
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<number, L>(), null],
    ['loader', nullable(func) as unknown as Check<((path: string) => Image) | null>, null],
    ['isValidFile', nullable(func) as unknown as Check<((path: string) => boolean) | null>, null],
  ] as const;
const imagenetArgs = signature('ImageNet', imagenetSpec());
export type ImageNetOptions<I, L> = OptionsOf<ReturnType<typeof imagenetSpec<I, L>>>;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * ImageNet(root, split='train', *, transform=None, target_transform=None, loader=default_loader,
 * is_valid_file=None): classes are the tuples of names of each wnid; wnids the folders.
 */
export class ImageNet<I = Image, L = number> extends VisionDataset<Image, number, I, L> {
  /** The archives looked for in root ([file name, MD5]); a subclass may name others. */
  static archiveMeta: Record<'train' | 'val' | 'devkit', [string, string]> = ARCHIVE_META;
  readonly split: 'train' | 'val';
  /** The WordNet ids, one per class (the split folder's subfolders, sorted). */
  readonly wnids: string[];
  readonly wnidToIdx: Record<string, number>;
  /** The names of each class (torchvision's tuples). */
  readonly classes: string[][];
  /** Every name of every class → its index. */
  readonly classToIdx: Record<string, number>;
  readonly samples: [string, number][];
  readonly targets: number[];
  private readonly folder: ImageFolder<Image, number>;

  constructor(...args: Args<ReturnType<typeof imagenetSpec<I, L>>>) {
    const a = imagenetArgs.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    this.split = verifyStrArg(a.split, 'split', ['train', 'val'] as const);
    this.parseArchives();
    const [wnidToClasses] = loadMetaFile(this.root);
    this.folder = new ImageFolder(this.splitFolder, { ...(a.loader ? { loader: a.loader } : {}), isValidFile: a.isValidFile });
    this.wnids = this.folder.classes;
    this.wnidToIdx = this.folder.classToIdx;
    this.classes = this.wnids.map((w) => {
      const names = wnidToClasses[w];
      if (!Array.isArray(names)) throw new Error(`${join(this.root, META_FILE)} has no class names for ${w} (a folder of ${this.splitFolder})`);
      return names;
    });
    this.classToIdx = {};
    this.classes.forEach((names, idx) => names.forEach((n) => Object.defineProperty(this.classToIdx, n, { value: idx, enumerable: true, writable: true, configurable: true })));
    this.samples = this.folder.samples;
    this.targets = this.folder.targets;
  }

  get splitFolder(): string {
    return join(this.root, this.split);
  }

  /** The ImageFolder's alias of samples. */
  get imgs(): [string, number][] {
    return this.samples;
  }

  private parseArchives(): void {
    const archives = (this.constructor as typeof ImageNet).archiveMeta;
    if (!existsSync(join(this.root, META_FILE))) parseDevkitArchive(this.root, ...archives.devkit);
    if (!isDirectory(this.splitFolder)) {
      if (this.split === 'train') parseTrainArchive(this.root, ...archives.train);
      else parseValArchive(this.root, ...archives.val);
    }
  }

  get length(): number {
    return this.samples.length;
  }

  override extraRepr(): string {
    return `Split: ${this.split}`;
  }

  protected rawItem(index: number): [Image, number] {
    const [path, target] = this.samples[index];
    return [this.folder.loader(path), target];
  }
}
