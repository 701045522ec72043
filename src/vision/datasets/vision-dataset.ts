// torchvision's VisionDataset: a map-style dataset of (input, target) pairs with
// optional transform / targetTransform (or one joint `transforms`).
import { Dataset, checkIndex } from '../../utils/data/dataset.js';

export interface VisionDatasetOptions<In, Target, OutIn, OutTarget> {
  transform?: (input: In) => OutIn;
  targetTransform?: (target: Target) => OutTarget;
  /** Applied to both at once (instead of transform / targetTransform). */
  transforms?: (input: In, target: Target) => [OutIn, OutTarget];
}

export abstract class VisionDataset<In, Target, OutIn = In, OutTarget = Target> extends Dataset<[OutIn, OutTarget]> {
  readonly root: string;
  readonly transform: ((input: In) => OutIn) | undefined;
  readonly targetTransform: ((target: Target) => OutTarget) | undefined;
  private readonly joint: ((input: In, target: Target) => [OutIn, OutTarget]) | undefined;

  constructor(root: string, opts: VisionDatasetOptions<In, Target, OutIn, OutTarget>) {
    super();
    if (opts.transforms && (opts.transform || opts.targetTransform)) throw new TypeError('Only transforms or transform/targetTransform can be passed as argument');
    this.root = root;
    this.transform = opts.transform;
    this.targetTransform = opts.targetTransform;
    this.joint = opts.transforms;
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
}
