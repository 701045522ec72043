// DatasetFolder / ImageFolder: one class per subfolder of root (sorted), samples
// in torchvision's order (folders walked in sorted path order, files sorted).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Image } from '../image.js';
import { loadImage } from '../io/index.js';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';

export const IMG_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'] as const;

export function hasFileAllowedExtension(filename: string, extensions: readonly string[]): boolean {
  const lower = filename.toLowerCase();
  return extensions.some((e) => lower.endsWith(e.toLowerCase()));
}

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

/** (path, class index) pairs in torchvision's make_dataset order. */
export function makeDataset(
  directory: string,
  classToIdx: Record<string, number>,
  extensions?: readonly string[],
  isValidFile?: (path: string) => boolean,
): [string, number][] {
  if ((extensions === undefined) === (isValidFile === undefined)) throw new TypeError('Both extensions and isValidFile cannot be undefined or defined at the same time');
  const valid = isValidFile ?? ((p: string) => hasFileAllowedExtension(p, extensions as readonly string[]));
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
    if (extensions) msg += `Supported extensions are: ${extensions.join(', ')}`;
    throw new Error(msg);
  }
  return instances;
}

export interface DatasetFolderOptions<S, I, L> extends VisionDatasetOptions<S, number, I, L> {
  extensions?: readonly string[];
  isValidFile?: (path: string) => boolean;
}

export class DatasetFolder<S = unknown, I = S, L = number> extends VisionDataset<S, number, I, L> {
  readonly loader: (path: string) => S;
  readonly extensions: readonly string[] | undefined;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  readonly samples: [string, number][];
  readonly targets: number[];

  constructor(root: string, loader: (path: string) => S, opts: DatasetFolderOptions<S, I, L> = {}) {
    super(root, opts);
    const { classes, classToIdx } = this.findClasses(root);
    this.loader = loader;
    this.extensions = opts.extensions;
    this.classes = classes;
    this.classToIdx = classToIdx;
    this.samples = makeDataset(root, classToIdx, opts.isValidFile ? undefined : opts.extensions, opts.isValidFile);
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

export interface ImageFolderOptions<I, L> extends VisionDatasetOptions<Image, number, I, L> {
  loader?: (path: string) => Image;
  isValidFile?: (path: string) => boolean;
}

export class ImageFolder<I = Image, L = number> extends DatasetFolder<Image, I, L> {
  constructor(root: string, opts: ImageFolderOptions<I, L> = {}) {
    super(root, opts.loader ?? defaultLoader, { ...opts, extensions: opts.isValidFile ? undefined : IMG_EXTENSIONS });
  }

  /** torchvision's alias of samples. */
  get imgs(): [string, number][] {
    return this.samples;
  }
}
