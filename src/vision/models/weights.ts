// Loading a checkpoint (e.g. torchvision's resnet18-f37072fd.pth) into a freshly built model.
import type { Module } from '../../nn/module.js';
import { load } from '../../serialization/index.js';
import { Tensor } from '../../tensor/tensor.js';

export interface ModelOptions {
  /** Path of a PyTorch (.pt/.pth) or state-dict checkpoint to load into the model. */
  weights?: string | null;
  /** Size of the classification head. */
  numClasses?: number;
}

/** Loads `path` (a state dict, or a checkpoint holding one under 'state_dict' / 'model') into `model`. */
export function loadWeights<M extends Module>(model: M, path: string | null | undefined): M {
  if (path === null || path === undefined) return model;
  const loaded = load<unknown>(path);
  const sd = pickStateDict(loaded, path);
  model.loadStateDict(sd);
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
