// Pretrained weights for the model builders, as torchvision 0.14's builders take them:
// `weights` is a weights enum member (`ResNet18_Weights.IMAGENET1K_V1`), its name
// ('IMAGENET1K_V1', 'DEFAULT', 'ResNet18_Weights.IMAGENET1K_V1') or — torchlette's
// addition — the path of a checkpoint; the legacy `pretrained: true` means DEFAULT with
// torchvision's deprecation warnings. Enum weights come from torch.hub's cache or are
// downloaded there.
import { existsSync } from '#platform/fs';
import { platformName } from '#platform/os';
import type { Module } from '../../nn/module.js';
import { load } from '../../serialization/index.js';
import { isPlainObject } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { warnOnce } from '../../tensor/warnings.js';
import './weights-catalog.js';
import { registeredWeightsEnums, Weights, type WeightsEnum } from './weights-enum.js';

/** What `weights` accepts: an enum member, a member's name, or a checkpoint path. */
export type WeightsLike = Weights | string;

export interface ModelOptions {
  /** Pretrained weights: `ResNet18_Weights.IMAGENET1K_V1`, 'IMAGENET1K_V1', 'DEFAULT', or a .pt/.pth checkpoint path. */
  weights?: WeightsLike | null;
  /** Deprecated (as in torchvision 0.13+): `true` is `weights: 'DEFAULT'`, with a warning. */
  pretrained?: boolean;
  /** Show a progress bar on stderr while downloading weights (default true). */
  progress?: boolean;
  /** Size of the classification head; with enum weights it must be (or defaults to) their number of categories. */
  numClasses?: number;
}

/** A builder's options once weights are resolved: what to build and what to load. */
export interface ResolvedModelOptions {
  weights: Weights | string | null;
  /** Given, or the weights' number of categories; undefined leaves the builder's default. */
  numClasses: number | undefined;
  progress: boolean;
}

/**
 * Builder names compare without the underscores that camelCase drops, keeping the ones
 * between two digits: 'vgg16Bn' ~ 'vgg16_bn', 'regnetY1_6gf' ~ 'regnet_y_1_6gf' (and not
 * 'regnet_y_16gf').
 */
function builderKey(name: string): string {
  return name.toLowerCase().replace(/_/g, (_m, at: number, s: string) => (/\d/.test(s[at - 1] ?? '') && /\d/.test(s[at + 1] ?? '') ? '_' : ''));
}

/** The weights enum of a builder, by torchvision's name ('vgg16_bn') or torchlette's ('vgg16Bn'); null when it has none. */
export function findWeightsEnum(builderName: string): WeightsEnum | null {
  const key = builderKey(builderName);
  return registeredWeightsEnums().find((e) => builderKey(e.builder) === key) ?? null;
}

/** torchvision.models.get_model_weights(name): the weights enum of a builder (its name or the builder itself). */
export function getModelWeights(builder: string | ((...args: never[]) => unknown)): WeightsEnum {
  const name = typeof builder === 'string' ? builder : builder.name;
  const e = findWeightsEnum(name);
  if (e === null) throw new RangeError(`Unknown model ${name.toLowerCase()}`);
  return e;
}

/** torchvision.models.get_weight(name): a member by its full name, 'ResNet50_Weights.IMAGENET1K_V2'. */
export function getWeight(name: string): Weights {
  const parts = name.split('.');
  if (parts.length !== 2) throw new RangeError(`Invalid weight name provided: '${name}'.`);
  const e = registeredWeightsEnums().find((x) => x.name === parts[0]);
  if (e === undefined) throw new RangeError(`The weight enum '${parts[0]}' for the specific method couldn't be retrieved.`);
  return e.fromStr(parts[1]);
}

const MEMBER_NAME = /^(?:[A-Za-z0-9]+_Weights\.)?[A-Z][A-Z0-9_]*$/;

/** `<Enum>.verify(weights)`, where a string that names no member and is a file is a checkpoint path. */
function resolveWeights(weights: WeightsLike | null | undefined, builderName: string): Weights | string | null {
  if (weights === null || weights === undefined) return null;
  const e = findWeightsEnum(builderName);
  if (typeof weights === 'string') {
    if (e !== null) {
      const member = weights.replace(`${e.name}.`, '');
      if (member === 'DEFAULT' || e.members().some((w) => w.name === member)) return e.fromStr(member);
    }
    // A name of weights this builder lacks, rather than a path that happens not to exist.
    // (A web page has no files: there the string is always a name.)
    if (MEMBER_NAME.test(weights) && (platformName === 'browser' || !existsSync(weights))) {
      if (e === null) throw new RangeError(`No weights available for model ${builderName}`);
      return e.verify(weights);
    }
    return weights;
  }
  if (!(weights instanceof Weights)) throw new TypeError(`${builderName}(): 'weights' must be a weights enum member, its name or a checkpoint path, not ${typeof weights}`);
  if (e === null) throw new TypeError(`Invalid Weight class provided; ${builderName} has no weights enum but received ${weights.enumName}.`);
  return e.verify(weights);
}

/**
 * torchvision's handle_legacy_interface and _ovewrite_named_param('num_classes') for a
 * builder: `pretrained` becomes the DEFAULT weights (or none) with torchvision's
 * warnings, the weights are verified against the builder's enum, and enum weights fix
 * the number of classes. Call it before building the model.
 */
export function resolveModelOptions(opts: ModelOptions, builderName: string): ResolvedModelOptions {
  let weightsArg: WeightsLike | null | undefined = opts.weights;
  if (opts.pretrained !== undefined) {
    if (weightsArg !== undefined) throw new TypeError(`${builderName}(): 'pretrained' is deprecated and cannot be combined with 'weights'; pass only 'weights'`);
    const e = findWeightsEnum(builderName);
    if (opts.pretrained && e === null) throw new RangeError(`No weights available for model ${builderName}`);
    const chosen = opts.pretrained && e !== null ? e.fromStr('DEFAULT') : null;
    warnOnce("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, please use 'weights' instead.");
    let msg =
      "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed in the future. " +
      `The current behavior is equivalent to passing \`weights=${chosen === null ? 'None' : String(chosen)}\`.`;
    if (chosen !== null) msg += ` You can also use \`weights=${chosen.enumName}.DEFAULT\` to get the most up-to-date weights.`;
    warnOnce(msg);
    weightsArg = chosen;
  }
  const weights = resolveWeights(weightsArg, builderName);
  let numClasses = opts.numClasses;
  if (weights instanceof Weights && weights.meta.categories !== null) {
    const expected = weights.meta.categories.length;
    if (numClasses !== undefined && numClasses !== expected) throw new RangeError(`The parameter 'num_classes' expected value ${expected} but got ${numClasses} instead.`);
    numClasses = expected;
  }
  return { weights, numClasses, progress: opts.progress ?? true };
}

/**
 * Loads pretrained weights into a freshly built `model`. The second argument is the
 * builder's options (resolved here: `pretrained`, the `numClasses` check, `progress`) or
 * just the weights: an enum member, a member's name, or a checkpoint path (a state dict,
 * or a checkpoint holding one under 'state_dict' / 'model'). `builderName` picks the enum
 * that names resolve in (torchvision's or torchlette's builder name). A builder that
 * needs the resolved options first (the number of classes, whether to initialise) calls
 * resolveModelOptions itself and passes `resolved.weights` and `resolved.progress`.
 */
export function loadWeights<M extends Module>(model: M, weights: ModelOptions | WeightsLike | null | undefined, builderName: string, progress = true): M {
  const resolved = isPlainObject(weights)
    ? resolveModelOptions(weights as ModelOptions, builderName)
    : { weights: resolveWeights(weights as WeightsLike | null | undefined, builderName), progress };
  const w = resolved.weights;
  if (w === null) return model;
  const stateDict = w instanceof Weights ? w.getStateDict(resolved.progress) : pickStateDict(load<unknown>(w), w);
  model.loadStateDict(stateDict);
  return model;
}

function isStateDict(v: unknown): v is Record<string, Tensor> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).length > 0 && Object.values(v).every((t) => t instanceof Tensor);
}

function pickStateDict(loaded: unknown, path: string): Record<string, Tensor> {
  if (isStateDict(loaded)) return loaded;
  if (typeof loaded === 'object' && loaded !== null) {
    for (const key of ['state_dict', 'model', 'model_state_dict']) {
      const inner = (loaded as Record<string, unknown>)[key];
      if (isStateDict(inner)) return inner;
    }
  }
  throw new Error(`${path}: expected a state dict (an object of tensors) or a checkpoint with a 'state_dict' or 'model' entry`);
}
