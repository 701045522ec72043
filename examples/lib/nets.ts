// The Fashion-MNIST networks the examples train, and how inference rebuilds one from a
// checkpoint (a state dict alone, or a dict holding one, as PyTorch users save them).
import * as torch from 'torchlette';
import { nn, type Tensor } from 'torchlette';
import { models } from 'torchlette/vision';

const F = nn.functional;

/** BENCHMARKS.md's B2: Linear(784,128)-ReLU-Linear(128,64)-ReLU-Linear(64,10), keys 1.*, 3.*, 5.*. */
export function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10));
}

/** Seed 003's MnistNet, line for line. */
export class MnistNet extends nn.Module {
  fc1 = new nn.Linear(28 * 28, 28); // Linear's input and output shapes
  fc2 = new nn.Linear(28, 10);

  override forward(x: Tensor): Tensor {
    x = x.view(-1, 28 * 28); // -1: that dimension follows from the others
    x = this.fc1.forward(x); // [batch_size, 28]
    x = F.relu(x); // [batch_size, 28]
    return this.fc2.forward(x); // [batch_size, 10]; CrossEntropyLoss applies the softmax
  }
}

type StateDict = Record<string, Tensor>;

function isStateDict(v: unknown): v is StateDict {
  return typeof v === 'object' && v !== null && Object.values(v).length > 0 && Object.values(v).every((t) => t instanceof torch.Tensor);
}

/** The model weights in a checkpoint file: the file's state dict, or its 'model_state_dict' / 'state_dict' / 'model' entry. */
export function readStateDict(path: string): StateDict {
  const loaded = torch.load<unknown>(path);
  if (isStateDict(loaded)) return loaded;
  for (const key of ['model_state_dict', 'state_dict', 'model']) {
    const inner = (loaded as Record<string, unknown> | null)?.[key];
    if (isStateDict(inner)) return inner;
  }
  throw new Error(`${path}: no state dict in this checkpoint (expected a dict of tensors, or one under 'model_state_dict', 'state_dict' or 'model')`);
}

/** Builds the network a state dict was saved from (the main job's MLP, seed 003's MnistNet or LeNet-5) and loads it. */
export function modelFromStateDict(sd: StateDict): { name: string; model: nn.Module } {
  const candidates: [string, () => nn.Module][] = [
    ['MLP 784-128-64-10', mlp],
    ['MnistNet (seed 003)', () => new MnistNet()],
    ['LeNet-5', () => models.lenet5()],
  ];
  for (const [name, build] of candidates) {
    const model = build();
    const own = model.stateDict();
    const fits = Object.keys(own).length === Object.keys(sd).length && Object.entries(own).every(([k, t]) => sd[k] !== undefined && sd[k].shape.join() === t.shape.join());
    if (fits) {
      model.loadStateDict(sd);
      return { name, model };
    }
  }
  throw new Error(`the checkpoint's keys (${Object.keys(sd).slice(0, 4).join(', ')}, ...) match none of the examples' networks`);
}
