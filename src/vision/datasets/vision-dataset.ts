// torchvision's VisionDataset: a map-style dataset of (input, target) pairs with
// optional transform / targetTransform (or one joint `transforms`), and the argument
// checks its subclasses share.
import { bool, func, nullable, signature, string, type Args, type Check, type OptionsOf } from '../../tensor/args.js';
import { Dataset, checkIndex } from '../../utils/data/dataset.js';

/** An optional transform: a function of one argument (a Transform or any function), or null. */
export function transformArg<In, Out>(): Check<((input: In) => Out) | null> {
  return nullable(func) as unknown as Check<((input: In) => Out) | null>;
}

/** The signature of MNIST, FashionMNIST, CIFAR10: (root, train, transform, target_transform, download). */
export const splitDatasetSpec = <In, Target, I, L>() =>
  [['root', string], ['train', bool, true], ['transform', transformArg<In, I>(), null], ['targetTransform', transformArg<Target, L>(), null], ['download', bool, false]] as const;

const visionSpec = <In, Target, OutIn, OutTarget>() =>
  [
    ['root', string],
    ['transforms', nullable(func) as unknown as Check<((input: In, target: Target) => [OutIn, OutTarget]) | null>, null],
    ['transform', transformArg<In, OutIn>(), null],
    ['targetTransform', transformArg<Target, OutTarget>(), null],
  ] as const;
const visionArgs = signature('VisionDataset', visionSpec());
export type VisionDatasetOptions<In, Target, OutIn, OutTarget> = OptionsOf<ReturnType<typeof visionSpec<In, Target, OutIn, OutTarget>>>;

/** repr() of a transform: a Transform prints itself; a plain function prints as Python's does. */
function transformRepr(t: unknown): string {
  if (typeof t === 'function' && t.toString === Function.prototype.toString) return `<function ${t.name || '<lambda>'}>`;
  return String(t);
}

export abstract class VisionDataset<In, Target, OutIn = In, OutTarget = Target> extends Dataset<[OutIn, OutTarget]> {
  readonly root: string;
  readonly transform: ((input: In) => OutIn) | null;
  readonly targetTransform: ((target: Target) => OutTarget) | null;
  private readonly joint: ((input: In, target: Target) => [OutIn, OutTarget]) | null;

  /** VisionDataset(root, transforms=None, transform=None, target_transform=None) */
  constructor(...args: Args<ReturnType<typeof visionSpec<In, Target, OutIn, OutTarget>>>) {
    super();
    const a = visionArgs.parse(args);
    if (a.transforms !== null && (a.transform !== null || a.targetTransform !== null)) throw new TypeError('Only transforms or transform/targetTransform can be passed as argument');
    this.root = a.root;
    this.transform = a.transform as ((input: In) => OutIn) | null;
    this.targetTransform = a.targetTransform as ((target: Target) => OutTarget) | null;
    this.joint = a.transforms as ((input: In, target: Target) => [OutIn, OutTarget]) | null;
  }

  /** The raw (untransformed) input and target of item i. */
  protected abstract rawItem(index: number): [In, Target];

  getItem(index: number): [OutIn, OutTarget] {
    const [input, target] = this.rawItem(checkIndex(index, this.length));
    if (this.joint) return this.joint(input, target);
    return [
      this.transform ? this.transform(input) : (input as unknown as OutIn),
      this.targetTransform ? this.targetTransform(target) : (target as unknown as OutTarget),
    ];
  }

  /** Lines after the root location in the repr (torchvision's extra_repr). */
  extraRepr(): string {
    return '';
  }

  /** torchvision's repr: "Dataset MNIST", the number of items, the root, extra lines, the transforms. */
  override toString(): string {
    const body = [`Number of datapoints: ${this.length}`, `Root location: ${this.root}`];
    const extra = this.extraRepr();
    if (extra !== '') body.push(...extra.split('\n'));
    // torchvision indents the first line of the transforms' repr only
    if (this.joint !== null) body.push(transformRepr(this.joint));
    else if (this.transform !== null || this.targetTransform !== null) {
      const lines = ['StandardTransform'];
      const add = (t: unknown, head: string) => {
        const repr = transformRepr(t).split('\n');
        lines.push(head + repr[0], ...repr.slice(1).map((l) => ' '.repeat(head.length) + l));
      };
      if (this.transform !== null) add(this.transform, 'Transform: ');
      if (this.targetTransform !== null) add(this.targetTransform, 'Target transform: ');
      body.push(lines.join('\n'));
    }
    return [`Dataset ${this.constructor.name}`, ...body.map((l) => `    ${l}`)].join('\n');
  }
}
