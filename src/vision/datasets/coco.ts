// COCO detection and captions as torchvision reads them through pycocotools: the
// annotation JSON indexed as pycocotools' COCO does (images by id, annotations by id and
// by image in file order); items are the sorted image ids; the target is the image's
// annotation objects exactly as the JSON holds them.
import { readFileSync } from '#platform/fs';
import { join } from '#platform/path';
import { func, nullable, signature, string, type Args, type Check, type OptionsOf } from '../../tensor/args.js';
import type { Image } from '../image.js';
import { loadImage } from '../io/index.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** One annotation or image record of the JSON. */
export type CocoRecord = { [key: string]: JsonValue };

function isRecord(v: JsonValue | undefined): v is CocoRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function records(dataset: CocoRecord, key: string, file: string): CocoRecord[] {
  const list = dataset[key];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every(isRecord)) throw new Error(`${file}: '${key}' must be a list of objects`);
  return list as CocoRecord[];
}

/** The part of pycocotools' COCO that the datasets use: its index and look-ups. */
export class COCO {
  readonly dataset: CocoRecord;
  readonly imgs = new Map<JsonValue, CocoRecord>();
  readonly anns = new Map<JsonValue, CocoRecord>();
  readonly cats = new Map<JsonValue, CocoRecord>();
  readonly imgToAnns = new Map<JsonValue, CocoRecord[]>();

  constructor(annotationFile: string) {
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(readFileSync(annotationFile, 'utf8')) as JsonValue;
    } catch (e) {
      throw new Error(`${annotationFile}: cannot read the annotation file (${(e as Error).message})`);
    }
    if (!isRecord(parsed)) throw new Error(`annotation file format ${Array.isArray(parsed) ? 'list' : typeof parsed} not supported (${annotationFile})`);
    this.dataset = parsed;
    // createIndex: later records with the same id replace earlier ones, as in a Python dict
    for (const ann of records(parsed, 'annotations', annotationFile)) {
      const list = this.imgToAnns.get(ann.image_id) ?? [];
      list.push(ann);
      this.imgToAnns.set(ann.image_id, list);
      this.anns.set(ann.id, ann);
    }
    for (const img of records(parsed, 'images', annotationFile)) this.imgs.set(img.id, img);
    for (const cat of records(parsed, 'categories', annotationFile)) this.cats.set(cat.id, cat);
  }

  /** getAnnIds(imgIds): the ids of the images' annotations, in file order. */
  getAnnIds(imgIds: JsonValue | JsonValue[]): JsonValue[] {
    const ids = Array.isArray(imgIds) ? imgIds : [imgIds];
    return ids.flatMap((id) => this.imgToAnns.get(id) ?? []).map((a) => a.id);
  }

  loadAnns(ids: JsonValue[]): CocoRecord[] {
    return ids.map((id) => {
      const ann = this.anns.get(id);
      if (ann === undefined) throw new Error(`no annotation with id ${JSON.stringify(id)}`);
      return ann;
    });
  }

  loadImgs(ids: JsonValue[]): CocoRecord[] {
    return ids.map((id) => {
      const img = this.imgs.get(id);
      if (img === undefined) throw new Error(`no image with id ${JSON.stringify(id)}`);
      return img;
    });
  }
}

// Python's sorted() of the image ids: numbers numerically, strings by code point
function compareIds(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TypeError(`'<' not supported between image ids ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
}

const cocoSpec = <T, I, L>() =>
  [
    ['root', string],
    ['annFile', string],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<T, L>(), null],
    ['transforms', nullable(func) as unknown as Check<((input: Image, target: T) => [I, L]) | null>, null],
  ] as const;
type CocoSpec<T, I, L> = ReturnType<typeof cocoSpec<T, I, L>>;
export type CocoDetectionOptions<I, L> = OptionsOf<CocoSpec<CocoRecord[], I, L>>;
export type CocoCaptionsOptions<I, L> = OptionsOf<CocoSpec<string[], I, L>>;

abstract class CocoBase<T, I, L> extends VisionDataset<Image, T, I, L> {
  readonly coco: COCO;
  /** The image ids, sorted: item i is image ids[i]. */
  readonly ids: JsonValue[];

  constructor(name: string, args: unknown[]) {
    const a = signature(name, cocoSpec<T, I, L>()).parse(args as Args<CocoSpec<T, I, L>>);
    super(a.root, a.transforms, a.transform, a.targetTransform);
    this.coco = new COCO(a.annFile);
    this.ids = [...this.coco.imgs.keys()].sort(compareIds);
  }

  get length(): number {
    return this.ids.length;
  }

  protected loadImage(id: JsonValue): Image {
    const fileName = this.coco.loadImgs([id])[0].file_name;
    if (typeof fileName !== 'string') throw new Error(`image ${JSON.stringify(id)} has no file_name`);
    return loadImage(join(this.root, fileName), 'RGB');
  }
}

/** CocoDetection(root, annFile, transform=None, target_transform=None, transforms=None): (RGB image, its annotation objects). */
export class CocoDetection<I = Image, L = CocoRecord[]> extends CocoBase<CocoRecord[], I, L> {
  constructor(...args: Args<CocoSpec<CocoRecord[], I, L>>) {
    super('CocoDetection', args);
  }

  protected rawItem(index: number): [Image, CocoRecord[]] {
    const id = this.ids[index];
    return [this.loadImage(id), this.coco.loadAnns(this.coco.getAnnIds(id))];
  }
}

/** CocoCaptions(root, annFile, transform=None, target_transform=None, transforms=None): (RGB image, its captions). */
export class CocoCaptions<I = Image, L = string[]> extends CocoBase<string[], I, L> {
  constructor(...args: Args<CocoSpec<string[], I, L>>) {
    super('CocoCaptions', args);
  }

  protected rawItem(index: number): [Image, string[]] {
    const id = this.ids[index];
    const captions = this.coco.loadAnns(this.coco.getAnnIds(id)).map((ann) => ann.caption);
    if (!captions.every((c): c is string => typeof c === 'string')) throw new Error(`an annotation of image ${JSON.stringify(id)} has no caption`);
    return [this.loadImage(id), captions];
  }
}
