// DatasetFolder / ImageFolder: one class per subfolder of root (sorted), samples
// in torchvision's order (folders walked in sorted path order, files sorted).
import { readdirSync, statSync } from '#platform/fs';
import { join } from '#platform/path';
import { check, func, isPlainObject, nullable, signature, string, type Args, type Check, type OptionsOf } from '../../tensor/args.js';
import type { Image } from '../image.js';
import { loadImage } from '../io/index.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

export const IMG_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'] as const;

/** Whether `filename` ends with one of `extensions` (or with `extensions` itself, a string), ignoring case. */
export function hasFileAllowedExtension(filename: string, extensions: string | readonly string[]): boolean {
  const lower = filename.toLowerCase();
  return (typeof extensions === 'string' ? [extensions] : extensions).some((e) => lower.endsWith(e.toLowerCase()));
}

/** Python's Tuple[str, ...] of extensions (a single string too, as has_file_allowed_extension takes). */
const extensionsArg: Check<string | readonly string[] | null> = nullable(check('a string or a list of strings', (v) => typeof v === 'string' || (Array.isArray(v) && v.every((e) => typeof e === 'string'))));
const isValidFileArg = nullable(func) as unknown as Check<((path: string) => boolean) | null>;

export function isImageFile(filename: string): boolean {
  return hasFileAllowedExtension(filename, IMG_EXTENSIONS);
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory(); // follows symlinks, as os.walk(followlinks=True)
  } catch {
    return false;
  }
}

// Python's sorted() on str compares code points; JS sorts by UTF-16 units, which
// differs only past the BMP, so compare code points explicitly.
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) as number) - (y[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The class folders of `directory`, sorted, and their indices. */
export function findClasses(directory: string): { classes: string[]; classToIdx: Record<string, number> } {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (e) {
    throw new Error(`${directory}: cannot list the dataset folder (${(e as Error).message})`);
  }
  const classes = names.filter((n) => isDir(join(directory, n))).sort(byCodePoint);
  if (classes.length === 0) throw new Error(`Couldn't find any class folder in ${directory}.`);
  return { classes, classToIdx: Object.fromEntries(classes.map((c, i) => [c, i])) };
}

function walk(dir: string, out: { dir: string; files: string[] }[]): void {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (isDir(path)) walk(path, out);
    else files.push(name);
  }
  out.push({ dir, files: files.sort(byCodePoint) });
}

const makeDatasetArgs = signature('makeDataset', [
  ['directory', string],
  // not taken for the options: a plain object last is the options, so pass it by name or before extensions
  ['classToIdx', nullable(check<Record<string, number>>('an object of class indices', (v) => isPlainObject(v) && Object.values(v).every((i) => Number.isInteger(i)))), null],
  ['extensions', extensionsArg, null],
  ['isValidFile', isValidFileArg, null],
] as const);

/**
 * make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None):
 * (path, class index) pairs in torchvision's order. Exactly one of extensions and
 * isValidFile is given.
 */
export function makeDataset(...args: Args<typeof makeDatasetArgs.spec>): [string, number][] {
  const { directory, classToIdx: given, extensions, isValidFile } = makeDatasetArgs.parse(args);
  const classToIdx = given ?? findClasses(directory).classToIdx;
  if ((extensions === null) === (isValidFile === null)) throw new TypeError('Both extensions and isValidFile cannot be null or not null at the same time');
  const valid = isValidFile ?? ((p: string) => hasFileAllowedExtension(p, extensions as string | readonly string[]));
  const instances: [string, number][] = [];
  const empty: string[] = [];
  for (const cls of Object.keys(classToIdx).sort(byCodePoint)) {
    const target = join(directory, cls);
    if (!isDir(target)) continue;
    const dirs: { dir: string; files: string[] }[] = [];
    walk(target, dirs);
    dirs.sort((a, b) => byCodePoint(a.dir, b.dir));
    const before = instances.length;
    for (const { dir, files } of dirs) for (const f of files) if (valid(join(dir, f))) instances.push([join(dir, f), classToIdx[cls]]);
    if (instances.length === before) empty.push(target);
  }
  if (empty.length > 0) {
    let msg = `Found no valid file for the classes ${empty.map((p) => p.slice(directory.length).replace(/^[\\/]/, '')).join(', ')} (empty class folders: ${empty.join(', ')}). `;
    if (extensions !== null) msg += `Supported extensions are: ${typeof extensions === 'string' ? extensions : extensions.join(', ')}`;
    throw new Error(msg);
  }
  return instances;
}

const datasetFolderSpec = <S, I, L>() =>
  [
    ['root', string],
    ['loader', func as unknown as Check<(path: string) => S>],
    ['extensions', extensionsArg, null],
    ['transform', transformArg<S, I>(), null],
    ['targetTransform', transformArg<number, L>(), null],
    ['isValidFile', isValidFileArg, null],
  ] as const;
const datasetFolderArgs = signature('DatasetFolder', datasetFolderSpec());
export type DatasetFolderOptions<S, I, L> = OptionsOf<ReturnType<typeof datasetFolderSpec<S, I, L>>>;

/**
 * DatasetFolder(root, loader, extensions=None, transform=None, target_transform=None,
 * is_valid_file=None): one class per subfolder of root, files loaded by `loader`.
 */
export class DatasetFolder<S = unknown, I = S, L = number> extends VisionDataset<S, number, I, L> {
  readonly loader: (path: string) => S;
  readonly extensions: string | readonly string[] | null;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  readonly samples: [string, number][];
  readonly targets: number[];

  constructor(...args: Args<ReturnType<typeof datasetFolderSpec<S, I, L>>>) {
    const a = datasetFolderArgs.parse(args);
    super(a.root, null, a.transform as ((input: S) => I) | null, a.targetTransform as ((target: number) => L) | null);
    const { classes, classToIdx } = this.findClasses(a.root);
    this.loader = a.loader as (path: string) => S;
    this.extensions = a.extensions;
    this.classes = classes;
    this.classToIdx = classToIdx;
    this.samples = makeDataset(a.root, classToIdx, a.extensions, a.isValidFile);
    this.targets = this.samples.map(([, t]) => t);
  }

  /** Override to change how classes are found (as DatasetFolder.find_classes). */
  findClasses(directory: string): { classes: string[]; classToIdx: Record<string, number> } {
    return findClasses(directory);
  }

  get length(): number {
    return this.samples.length;
  }

  protected rawItem(index: number): [S, number] {
    const [path, target] = this.samples[index];
    return [this.loader(path), target];
  }
}

/** torchvision's default_loader: the file as an RGB image. */
export function defaultLoader(path: string): Image {
  return loadImage(path, 'RGB');
}

const imageFolderSpec = <I, L>() =>
  [
    ['root', string],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<number, L>(), null],
    ['loader', func as unknown as Check<(path: string) => Image>, defaultLoader],
    ['isValidFile', isValidFileArg, null],
  ] as const;
const imageFolderArgs = signature('ImageFolder', imageFolderSpec());
export type ImageFolderOptions<I, L> = OptionsOf<ReturnType<typeof imageFolderSpec<I, L>>>;

/**
 * ImageFolder(root, transform=None, target_transform=None, loader=default_loader,
 * is_valid_file=None): a DatasetFolder of images (IMG_EXTENSIONS unless isValidFile).
 */
export class ImageFolder<I = Image, L = number> extends DatasetFolder<Image, I, L> {
  constructor(...args: Args<ReturnType<typeof imageFolderSpec<I, L>>>) {
    const a = imageFolderArgs.parse(args);
    super(a.root, a.loader, a.isValidFile === null ? IMG_EXTENSIONS : null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null, a.isValidFile);
  }

  /** torchvision's alias of samples. */
  get imgs(): [string, number][] {
    return this.samples;
  }
}

