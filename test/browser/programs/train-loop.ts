// The seeded training loop the browser tests run three times on the same backend: in
// Node, in a page and in a module Worker. Everything random comes from manualSeed (data,
// weights, dropout), so the losses must agree bit for bit; any difference is a platform
// difference in the library (Math functions, typed-array or float handling, wasm loading).
import * as torch from '../../../src/index.js';
import { nn, optim } from '../../../src/index.js';

/** What one run returns: every loss as the float32 value item() gives (a double, exact). */
export interface LoopResult {
  backend: string;
  losses: number[];
  /** A checksum of the final weights: sum of every parameter's float32 bits as numbers (exact in a double). */
  weightsSum: number;
}

/** A small CNN then an MLP head, 20 steps of SGD with momentum and 20 of Adam on generated data. */
export function trainLoop(steps = 20): LoopResult {
  torch.manualSeed(0);
  // 10 classes of 12x12 one-channel images: a class-dependent pattern plus noise.
  const n = 64;
  const labels = torch.randint(0, 10, [n]);
  const patterns = torch.randn([10, 1, 12, 12]);
  const images = patterns.indexSelect(0, labels).add(torch.randn([n, 1, 12, 12]).mul(0.5));

  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 3, { padding: 1 }),
    new nn.BatchNorm2d(6),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 8, 3),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(8 * 4 * 4, 32),
    new nn.Tanh(),
    new nn.Dropout(0.2),
    new nn.Linear(32, 10),
  );
  const criterion = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  const phases: optim.Optimizer[] = [
    new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
    new optim.Adam(model.parameters(), { lr: 0.003 }),
  ];
  for (const opt of phases) {
    for (let step = 0; step < steps; step++) {
      const batch = torch.randperm(n).narrow(0, 0, 32);
      const x = images.indexSelect(0, batch);
      const y = labels.indexSelect(0, batch);
      opt.zeroGrad();
      const loss = criterion.forward(model.forward(x), y);
      loss.backward();
      opt.step();
      losses.push(Number(loss.item()));
    }
  }
  let weightsSum = 0;
  for (const p of model.parameters()) weightsSum += Number(p.detach().double().sum().item());
  return { backend: torch.backends.info().active, losses, weightsSum };
}
