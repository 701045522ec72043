// CelebA as torchvision reads it: root/celeba/img_align_celeba/*.jpg and the text files
// (list_eval_partition, identity_CelebA, list_bbox_celeba, list_landmarks_align_celeba,
// list_attr_celeba), each checked by MD5; targets are int64 tensors.
import { readFileSync, statSync } from '#platform/fs';
import { join } from '#platform/path';
import { bool, check, signature, string, type Args, type Check, type OptionsOf } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Image } from '../image.js';
import { loadImage } from '../io/index.js';
import { checkIntegrity } from './download.js';
import { verifyStrArg } from './verify-str-arg.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

/** attr, identity, bbox, landmarks: one tensor; several types: an array of them; none: null. */
export type CelebATarget = Tensor | Tensor[] | null;

const targetTypeArg: Check<string | readonly string[]> = check('a string or a list of strings', (v) => typeof v === 'string' || (Array.isArray(v) && v.every((t) => typeof t === 'string')));
const celebaSpec = <I, L>() =>
  [
    ['root', string],
    ['split', string, 'train'],
    ['targetType', targetTypeArg, 'attr'],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<CelebATarget, L>(), null],
    ['download', bool, false],
  ] as const;
const celebaArgs = signature('CelebA', celebaSpec());
export type CelebAOptions<I, L> = OptionsOf<ReturnType<typeof celebaSpec<I, L>>>;

interface Csv {
  header: string[];
  index: string[];
  rows: number[][];
}

/** Python's csv.reader(delimiter=' ', skipinitialspace=True) on one line: runs of spaces split; a trailing space leaves an empty field. */
function fields(line: string): string[] {
  const trimmed = line.replace(/^ +/, '');
  if (trimmed === '') return [];
  return trimmed.split(/ +/);
}

function readCsv(path: string, header: number | null): Csv {
  const lines = readFileSync(path, 'utf8').split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  let data = lines.map(fields).filter((r) => r.length > 0);
  let head: string[] = [];
  if (header !== null) {
    head = data[header] ?? [];
    data = data.slice(header + 1);
  }
  const rows = data.map((r, i) =>
    r.slice(1).map((v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isInteger(n)) throw new Error(`${path}: invalid literal for int() with base 10: '${v}' (row ${i + 1 + (header === null ? 0 : header + 1)})`);
      return n;
    }),
  );
  return { header: head, index: data.map((r) => r[0]), rows };
}

function rowsTensor(rows: number[][], path: string): Tensor {
  const width = rows.length > 0 ? rows[0].length : 0;
  if (rows.some((r) => r.length !== width)) throw new Error(`${path}: rows of different lengths`);
  return Tensor.fromData(Float64Array.from(rows.flat()), 'int64', [rows.length, width]);
}

/** CelebA(root, split='train', target_type='attr', transform=None, target_transform=None, download=False) */
export class CelebA<I = Image, L = CelebATarget> extends VisionDataset<Image, CelebATarget, I, L> {
  static baseFolder = 'celeba';
  /** [Google Drive file id, MD5 or null to skip the check, file name] */
  static fileList: [string, string | null, string][] = [
    ['0B7EVK8r0v71pZjFTYXZWM3FlRnM', '00d2c5bc6d35e252742224ab0c1e8fcb', 'img_align_celeba.zip'],
    ['0B7EVK8r0v71pblRyaVFSWGxPY0U', '75e246fa4810816ffd6ee81facbd244c', 'list_attr_celeba.txt'],
    ['1_ee_0u7vcNLOfNLegJRHmolfH5ICW-XS', '32bd1bd63d3c78cd57e08160ec5ed1e2', 'identity_CelebA.txt'],
    ['0B7EVK8r0v71pbThiMVRxWXZ4dU0', '00566efa6fedff7a56946cd1c10f1c16', 'list_bbox_celeba.txt'],
    ['0B7EVK8r0v71pd0FJY3Blby1HUTQ', 'cc24ecafdb5b50baae59b03474781f8c', 'list_landmarks_align_celeba.txt'],
    ['0B7EVK8r0v71pY0NSMzRuSXJEVkk', 'd32c9cbf5e040fd4025c592c306e6668', 'list_eval_partition.txt'],
  ];

  readonly split: string;
  readonly targetType: string[];
  /** The image file names of the split. */
  readonly filename: string[];
  /** int64 [N, 1] */
  readonly identity: Tensor;
  /** int64 [N, 4] */
  readonly bbox: Tensor;
  /** int64 [N, 10] */
  readonly landmarksAlign: Tensor;
  /** int64 [N, 40], 0 or 1 */
  readonly attr: Tensor;
  readonly attrNames: string[];

  constructor(...args: Args<ReturnType<typeof celebaSpec<I, L>>>) {
    const a = celebaArgs.parse(args);
    super(a.root, null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: CelebATarget) => L) | null);
    this.split = a.split;
    this.targetType = typeof a.targetType === 'string' ? [a.targetType] : a.targetType.slice();
    if (this.targetType.length === 0 && this.targetTransform !== null) throw new Error('target_transform is specified but target_type is empty');
    if (a.download) this.download();
    if (!this.checkIntegrity()) throw new Error(`Dataset not found or corrupted. You can use download=True to download it (looked in ${this.folder})`);
    const splitCode = { train: 0, valid: 1, test: 2, all: null }[verifyStrArg(a.split.toLowerCase(), 'split', ['train', 'valid', 'test', 'all'] as const)];
    const csv = (name: string, header: number | null) => readCsv(join(this.folder, name), header);
    const splits = csv('list_eval_partition.txt', null);
    const keep = splits.rows.map((r, i) => (splitCode === null || r[0] === splitCode ? i : -1)).filter((i) => i >= 0);
    const pick = (c: Csv, name: string) => {
      if (c.rows.length !== splits.rows.length && splitCode !== null) throw new Error(`${join(this.folder, name)} has ${c.rows.length} rows, list_eval_partition.txt ${splits.rows.length}`);
      return rowsTensor(splitCode === null ? c.rows : keep.map((i) => c.rows[i]), join(this.folder, name));
    };
    this.filename = splitCode === null ? splits.index : keep.map((i) => splits.index[i]);
    this.identity = pick(csv('identity_CelebA.txt', null), 'identity_CelebA.txt');
    this.bbox = pick(csv('list_bbox_celeba.txt', 1), 'list_bbox_celeba.txt');
    this.landmarksAlign = pick(csv('list_landmarks_align_celeba.txt', 1), 'list_landmarks_align_celeba.txt');
    const attr = csv('list_attr_celeba.txt', 1);
    this.attr = pick(attr, 'list_attr_celeba.txt').add(1).div(2, { roundingMode: 'floor' });
    this.attrNames = attr.header;
  }

  private get folder(): string {
    return join(this.root, (this.constructor as typeof CelebA).baseFolder);
  }

  /** The text files match their MD5s and img_align_celeba is a folder (the zip is not checked, as torchvision). */
  checkIntegrity(): boolean {
    for (const [, md5, name] of (this.constructor as typeof CelebA).fileList) {
      if (/\.(zip|7z)$/.test(name)) continue;
      if (!checkIntegrity(join(this.folder, name), md5 ?? undefined)) return false;
    }
    try {
      return statSync(join(this.folder, 'img_align_celeba')).isDirectory();
    } catch {
      return false;
    }
  }

  /** torchvision fetches the files from Google Drive, which needs its interactive confirmation; torchlette does not. */
  download(): void {
    if (this.checkIntegrity()) {
      console.log('Files already downloaded and verified'); // as torchvision's download() prints it
      return;
    }
    const names = (this.constructor as typeof CelebA).fileList.map(([, , n]) => n).join(', ');
    throw new Error(`CelebA's files are on Google Drive, which torchlette does not download from: download ${names} from https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html, put them into ${this.folder} and unzip img_align_celeba.zip there.`);
  }

  get length(): number {
    return this.attr.shape[0];
  }

  override extraRepr(): string {
    return `Target type: [${this.targetType.map((t) => `'${t}'`).join(', ')}]\nSplit: ${this.split}`;
  }

  protected rawItem(index: number): [Image, CelebATarget] {
    const x = loadImage(join(this.folder, 'img_align_celeba', this.filename[index]));
    const target = this.targetType.map((t) => {
      if (t === 'attr') return this.attr.select(0, index);
      if (t === 'identity') return this.identity.select(0, index).select(0, 0);
      if (t === 'bbox') return this.bbox.select(0, index);
      if (t === 'landmarks') return this.landmarksAlign.select(0, index);
      throw new Error(`Target type "${t}" is not recognized.`);
    });
    return [x, target.length === 0 ? null : target.length === 1 ? target[0] : target];
  }
}
