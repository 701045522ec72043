// torchvision's FakeData: item i is drawn from torch's default generator seeded with
// i + random_offset (randn image, randint target), the generator's state restored after,
// so the items equal torchvision's under the same arguments.
import { int, intAtLeast, intList, signature, type Args, type OptionsOf } from '../../tensor/args.js';
import { randint, randn } from '../../tensor/create.js';
import { getDefaultGenerator, manualSeed } from '../../tensor/random.js';
import type { Image } from '../image.js';
import { toPilImage } from '../transforms/functional.js';
import { VisionDataset, transformArg } from './vision-dataset.js';

const fakeDataSpec = <I, L>() =>
  [
    ['size', intAtLeast(0), 1000],
    ['imageSize', intList, [3, 224, 224]],
    ['numClasses', intAtLeast(1), 10],
    ['transform', transformArg<Image, I>(), null],
    ['targetTransform', transformArg<number, L>(), null],
    ['randomOffset', int, 0],
  ] as const;
const fakeDataArgs = signature('FakeData', fakeDataSpec());
export type FakeDataOptions<I, L> = OptionsOf<ReturnType<typeof fakeDataSpec<I, L>>>;

/** FakeData(size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None, random_offset=0) */
export class FakeData<I = Image, L = number> extends VisionDataset<Image, number, I, L> {
  readonly size: number;
  readonly imageSize: readonly number[];
  readonly numClasses: number;
  readonly randomOffset: number;

  constructor(...args: Args<ReturnType<typeof fakeDataSpec<I, L>>>) {
    const a = fakeDataArgs.parse(args);
    // torchvision passes root=None; the repr leaves the root out (toString below)
    super('', null, a.transform as ((input: Image) => I) | null, a.targetTransform as ((target: number) => L) | null);
    if (a.imageSize.length !== 3) throw new Error(`FakeData: imageSize must be [C, H, W], got [${a.imageSize.join(', ')}]`);
    this.size = a.size;
    this.imageSize = a.imageSize.slice();
    this.numClasses = a.numClasses;
    this.randomOffset = a.randomOffset;
  }

  get length(): number {
    return this.size;
  }

  /**
   * As torchvision: any index below size is an item, a negative one too (seeded with
   * index + randomOffset, not counted from the end).
   */
  override getItem(index: number): [I, L] {
    if (!Number.isInteger(index)) throw new TypeError(`FakeData indices must be integers, not ${typeof index === 'number' ? 'float' : typeof index}`);
    if (index >= this.size) throw new RangeError(`${this.constructor.name} index out of range`);
    const [img, target] = this.rawItem(index);
    return [this.transform ? this.transform(img) : (img as unknown as I), this.targetTransform ? this.targetTransform(target) : (target as unknown as L)];
  }

  protected rawItem(index: number): [Image, number] {
    const gen = getDefaultGenerator();
    const state = gen.snapshot();
    let img;
    let target: number;
    try {
      manualSeed(index + this.randomOffset);
      img = randn([...this.imageSize]);
      target = randint(0, this.numClasses, [1], { dtype: 'int64' }).item() as number;
    } finally {
      gen.restore(state);
    }
    return [toPilImage(img), target];
  }

  override toString(): string {
    return super.toString().replace(/\n {4}Root location: [^\n]*/, '');
  }
}
