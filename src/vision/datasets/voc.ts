// Pascal VOC 2007-2012 as torchvision reads it: root/VOCdevkit/VOC<year>/ with
// ImageSets/{Segmentation,Main}/<image_set>.txt naming the items, JPEGImages/<id>.jpg,
// SegmentationClass/<id>.png (VOCSegmentation) and Annotations/<id>.xml (VOCDetection).
import { readFileSync, statSync } from '#platform/fs';
import { join } from '#platform/path';
import { bool, func, nullable, signature, string, type Args, type Check, type OptionsOf } from '../../tensor/args.js';
import type { Image } from '../image.js';
import { loadImage } from '../io/index.js';
import { downloadFromMirrors, extractTar } from './download.js';
import { verifyStrArg } from './verify-str-arg.js';
import { parseVocXml, parseXml, type VOCDict } from './voc-xml.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

export type { VOCDict, VOCValue } from './voc-xml.js';

/** year → the archive torchvision downloads and the folder it holds. */
export const DATASET_YEAR_DICT: Record<string, { url: string; filename: string; md5: string; baseDir: string }> = {
  '2012': { url: 'http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar', filename: 'VOCtrainval_11-May-2012.tar', md5: '6cd6e144f989b92b3379bac3b3de84fd', baseDir: join('VOCdevkit', 'VOC2012') },
  '2011': { url: 'http://host.robots.ox.ac.uk/pascal/VOC/voc2011/VOCtrainval_25-May-2011.tar', filename: 'VOCtrainval_25-May-2011.tar', md5: '6c3384ef61512963050cb5d687e5bf1e', baseDir: join('TrainVal', 'VOCdevkit', 'VOC2011') },
  '2010': { url: 'http://host.robots.ox.ac.uk/pascal/VOC/voc2010/VOCtrainval_03-May-2010.tar', filename: 'VOCtrainval_03-May-2010.tar', md5: 'da459979d0c395079b5c75ee67908abb', baseDir: join('VOCdevkit', 'VOC2010') },
  '2009': { url: 'http://host.robots.ox.ac.uk/pascal/VOC/voc2009/VOCtrainval_11-May-2009.tar', filename: 'VOCtrainval_11-May-2009.tar', md5: 'a3e00b113cfcfebf17e343f59da3caa1', baseDir: join('VOCdevkit', 'VOC2009') },
  // torchvision's entry names the 2012 file for the 2008 URL; kept as it is
  '2008': { url: 'http://host.robots.ox.ac.uk/pascal/VOC/voc2008/VOCtrainval_14-Jul-2008.tar', filename: 'VOCtrainval_11-May-2012.tar', md5: '2629fa636546599198acfcfbfcf1904a', baseDir: join('VOCdevkit', 'VOC2008') },
  '2007': { url: 'http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtrainval_06-Nov-2007.tar', filename: 'VOCtrainval_06-Nov-2007.tar', md5: 'c52e279531787c972589f7e41ab4ae64', baseDir: join('VOCdevkit', 'VOC2007') },
  '2007-test': { url: 'http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtest_06-Nov-2007.tar', filename: 'VOCtest_06-Nov-2007.tar', md5: 'b6e924de25625d8de591ea690078ad9f', baseDir: join('VOCdevkit', 'VOC2007') },
};

const vocSpec = <T, I, L>() =>
  [
    ['root', string],
    ['year', string, '2012'],
    ['imageSet', string, 'train'],
    ['download', bool, false],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<T, L>(), null],
    ['transforms', nullable(func) as unknown as Check<((input: Image, target: T) => [I, L]) | null>, null],
  ] as const;
type VOCSpec<T, I, L> = ReturnType<typeof vocSpec<T, I, L>>;
export type VOCSegmentationOptions<I, L> = OptionsOf<VOCSpec<Image, I, L>>;
export type VOCDetectionOptions<I, L> = OptionsOf<VOCSpec<VOCDict, I, L>>;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** torchvision's _VOCBase: the items of an image set and where their images and targets are. */
abstract class VOCBase<T, I, L> extends VisionDataset<Image, T, I, L> {
  readonly year: string;
  readonly imageSet: string;
  readonly url: string;
  readonly filename: string;
  readonly md5: string;
  readonly images: string[];
  readonly targets: string[];

  constructor(name: string, args: unknown[], dirs: { splits: string; target: string; ext: string }) {
    const a = signature(name, vocSpec<T, I, L>()).parse(args as Args<VOCSpec<T, I, L>>);
    super(a.root, a.transforms, a.transform, a.targetTransform);
    this.year = verifyStrArg(a.year, 'year', ['2007', '2008', '2009', '2010', '2011', '2012']);
    this.imageSet = verifyStrArg(a.imageSet, 'image_set', this.year === '2007' ? ['train', 'trainval', 'val', 'test'] : ['train', 'trainval', 'val']);
    const entry = DATASET_YEAR_DICT[this.year === '2007' && this.imageSet === 'test' ? '2007-test' : this.year];
    this.url = entry.url;
    this.filename = entry.filename;
    this.md5 = entry.md5;
    const vocRoot = join(this.root, entry.baseDir);
    if (a.download) {
      const help = `To use VOC offline, extract ${entry.filename} (${entry.url}) into ${this.root}.`;
      const archive = downloadFromMirrors([entry.url.slice(0, entry.url.lastIndexOf('/') + 1)], entry.filename, this.root, entry.md5, help);
      extractTar(archive, this.root);
    }
    if (!isDirectory(vocRoot)) throw new Error(`Dataset not found or corrupted. You can use download=True to download it (${vocRoot} is not a folder)`);
    const splitFile = join(vocRoot, 'ImageSets', dirs.splits, `${this.imageSet}.txt`);
    // f.readlines(), each stripped
    const fileNames = (readFileSync(splitFile, 'utf8').match(/[^\n]*\n|[^\n]+$/g) ?? []).map((l) => l.trim());
    this.images = fileNames.map((x) => join(vocRoot, 'JPEGImages', `${x}.jpg`));
    this.targets = fileNames.map((x) => join(vocRoot, dirs.target, `${x}${dirs.ext}`));
  }

  get length(): number {
    return this.images.length;
  }
}

/**
 * VOCSegmentation(root, year='2012', image_set='train', download=False, transform=None,
 * target_transform=None, transforms=None): (RGB image, segmentation mask).
 */
export class VOCSegmentation<I = Image, L = Image> extends VOCBase<Image, I, L> {
  constructor(...args: Args<VOCSpec<Image, I, L>>) {
    super('VOCSegmentation', args, { splits: 'Segmentation', target: 'SegmentationClass', ext: '.png' });
  }

  get masks(): string[] {
    return this.targets;
  }

  protected rawItem(index: number): [Image, Image] {
    // PIL opens the masks as palette (mode P) images, whose pixels are the class indices
    return [loadImage(this.images[index], 'RGB'), loadImage(this.masks[index])];
  }
}

/**
 * VOCDetection(root, year='2012', image_set='train', download=False, transform=None,
 * target_transform=None, transforms=None): (RGB image, the annotation XML as torchvision's nested dict).
 */
export class VOCDetection<I = Image, L = VOCDict> extends VOCBase<VOCDict, I, L> {
  constructor(...args: Args<VOCSpec<VOCDict, I, L>>) {
    super('VOCDetection', args, { splits: 'Main', target: 'Annotations', ext: '.xml' });
  }

  get annotations(): string[] {
    return this.targets;
  }

  /** torchvision's VOCDetection.parse_voc_xml. */
  static parseVocXml = parseVocXml;

  protected rawItem(index: number): [Image, VOCDict] {
    const path = this.annotations[index];
    return [loadImage(this.images[index], 'RGB'), parseVocXml(parseXml(readFileSync(path, 'utf8'), path))];
  }
}
