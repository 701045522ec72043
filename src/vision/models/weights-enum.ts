// torchvision.models' WeightsEnum: `ResNet18_Weights.IMAGENET1K_V1`, `.DEFAULT`, the
// string forms ('IMAGENET1K_V1', 'ResNet18_Weights.IMAGENET1K_V1'), and each member's
// url, meta and evaluation transforms. The members themselves are data generated from
// torchvision 0.14 (weights-catalog.ts).
import { loadStateDictFromUrl } from '../../hub/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { InterpolationMode } from '../transforms/functional.js';
import { ImageClassification } from '../transforms/presets.js';

/** A weights entry's meta, with torchvision's keys (a data dict, as a state dict's keys stay PyTorch's). */
export interface WeightsMeta {
  /** The class names the head predicts (ImageNet's 1000), or null for feature-only weights. */
  readonly categories: readonly string[] | null;
  readonly num_params: number;
  readonly min_size: readonly number[];
  readonly recipe: string;
  readonly license?: string;
  /** Accuracy on the evaluation set, e.g. `{ 'ImageNet-1K': { 'acc@1': 69.758, 'acc@5': 89.078 } }`. */
  readonly _metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly _docs: string;
}

/** The ImageClassification parameters of a weights entry's `transforms`. */
export interface ClassificationPreset {
  readonly cropSize: number;
  readonly resizeSize: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly interpolation: InterpolationMode;
}

export interface WeightsRecord {
  readonly url: string;
  readonly meta: WeightsMeta;
  readonly preset: ClassificationPreset;
}

/** One member of a weights enum (torchvision's WeightsEnum member with its Weights value). */
export class Weights {
  readonly meta: WeightsMeta;
  private readonly preset: ClassificationPreset;

  constructor(
    /** The enum it belongs to, e.g. 'ResNet18_Weights'. */
    readonly enumName: string,
    /** The member's name, e.g. 'IMAGENET1K_V1'. */
    readonly name: string,
    readonly url: string,
    record: WeightsRecord,
  ) {
    this.meta = Object.freeze({ ...record.meta });
    this.preset = record.preset;
    Object.freeze(this);
  }

  /** The preprocessing these weights were evaluated with (a new ImageClassification each call, as torchvision's). */
  transforms(): ImageClassification {
    const p = this.preset;
    return new ImageClassification({ cropSize: p.cropSize, resizeSize: p.resizeSize, mean: [...p.mean], std: [...p.std], interpolation: p.interpolation });
  }

  /**
   * The state dict, from the cache ($TORCH_HOME/hub/checkpoints) or downloaded there
   * (with a progress bar when `progress`), its SHA-256 checked against the hash in its name.
   */
  getStateDict(progress = true): Record<string, Tensor> {
    return loadStateDictFromUrl(this.url, { progress, checkHash: true });
  }

  /** 'ResNet18_Weights.IMAGENET1K_V1', as str() and repr() of torchvision's member. */
  toString(): string {
    return `${this.enumName}.${this.name}`;
  }
}

/** A weights enum: its members by name (DEFAULT included), iteration in torchvision's order, verify/fromStr. */
export class WeightsEnum implements Iterable<Weights> {
  private readonly byName = new Map<string, Weights>();

  constructor(
    /** The enum's torchvision name, e.g. 'ResNet18_Weights'. */
    readonly name: string,
    /** The torchvision builder these weights are for, e.g. 'resnet18'. */
    readonly builder: string,
    members: readonly Weights[],
    defaultMember: Weights,
  ) {
    for (const w of members) this.byName.set(w.name, w);
    this.byName.set('DEFAULT', defaultMember);
  }

  /** The members, without the DEFAULT alias (Python's `list(ResNet50_Weights)`). */
  members(): Weights[] {
    return [...this.byName.entries()].filter(([k]) => k !== 'DEFAULT').map(([, w]) => w);
  }

  [Symbol.iterator](): Iterator<Weights> {
    return this.members()[Symbol.iterator]();
  }

  /** from_str: the member called `member` ('IMAGENET1K_V1' or 'DEFAULT'). */
  fromStr(member: string): Weights {
    const w = this.byName.get(member);
    if (w === undefined) throw new RangeError(`Unknown value '${member}' for ${this.name}.`);
    return w;
  }

  /** verify: a member, or its name with or without the enum's prefix, gives the member; null stays null. */
  verify(obj: Weights | string | null | undefined): Weights | null {
    if (obj === null || obj === undefined) return null;
    if (typeof obj === 'string') return this.fromStr(obj.replace(`${this.name}.`, ''));
    if (!(obj instanceof Weights) || this.byName.get(obj.name) !== obj) {
      const received = obj instanceof Weights ? obj.enumName : typeof obj;
      throw new TypeError(`Invalid Weight class provided; expected ${this.name} but received ${received}.`);
    }
    return obj;
  }

  toString(): string {
    return `<enum '${this.name}'>`;
  }
}

/** A weights enum with its members as properties: `ResNet50_Weights.IMAGENET1K_V2`, `.DEFAULT`. */
export type WeightsEnumOf<K extends string> = WeightsEnum & { readonly [M in K | 'DEFAULT']: Weights };

const enums = new Map<string, WeightsEnum>();

/** Builds and registers an enum from the generated catalogue. */
export function defineWeights<R extends Record<string, WeightsRecord>>(name: string, builder: string, records: R, defaultName: keyof R & string): WeightsEnumOf<keyof R & string> {
  const members = Object.entries(records).map(([member, record]) => new Weights(name, member, record.url, record));
  const e = new WeightsEnum(name, builder, members, members.find((w) => w.name === defaultName)!);
  for (const w of members) Object.defineProperty(e, w.name, { value: w, enumerable: true });
  Object.defineProperty(e, 'DEFAULT', { value: e.fromStr(defaultName), enumerable: false });
  enums.set(name, e);
  return Object.freeze(e) as WeightsEnumOf<keyof R & string>;
}

/** Every registered enum (the catalogue's, once it is loaded). */
export function registeredWeightsEnums(): WeightsEnum[] {
  return [...enums.values()];
}
