// LeNet-5 as the benchmarks and the Fashion-MNIST examples use it (28x28 inputs).
import * as nn from '../../nn/index.js';
import { loadWeights, type ModelOptions } from './weights.js';

/** Conv(1,6,5,pad 2)-ReLU-MaxPool-Conv(6,16,5)-ReLU-MaxPool-Flatten-FC(400,120)-ReLU-FC(120,84)-ReLU-FC(84,n). */
export function lenet5(opts: ModelOptions = {}): nn.Sequential {
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, opts.numClasses ?? 10),
  );
  return loadWeights(model, opts, 'lenet5');
}
