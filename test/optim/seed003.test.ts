// Seed 003's training programs: linear regression with nn.Linear + SGD + MSELoss
// (against PyTorch running the same program from the same seed), and the MnistNet
// loop that saves model and optimizer state dicts with torch.save and resumes from
// them: the resumed run must equal the uninterrupted one exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { load, save } from '../../src/serialization/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Seed003 {
  lr: number;
  iterations: number;
  checkpoints: { iteration: number; loss: number; weight: number; bias: number }[];
}

const { seed003 } = loadFixture<{ seed003: Seed003[] }>('optim.json');

class MyLinear extends nn.Module {
  linear = new nn.Linear(1, 1);
  override forward(x: Tensor): Tensor {
    return this.linear.forward(x);
  }
}

describe('seed 003: linear regression with nn.Linear, SGD and MSELoss', () => {
  for (const c of seed003) {
    test(`lr ${c.lr}, ${c.iterations} iterations, as PyTorch`, () => {
      torch.manualSeed(0);
      const x = torch.rand([500, 1]);
      const yTrue = x.mul(3).add(0.8);
      const myLinear = new MyLinear();
      const optimizer = new optim.SGD(myLinear.parameters(), c.lr);
      const lossFn = new nn.MSELoss();
      const close = (got: number, want: number, what: string) =>
        // Reductions (the mean, the weight gradient's sum) may add in another order than PyTorch's.
        assert.ok(Math.abs(got - want) <= 1e-4 * Math.abs(want) + 1e-6, `${what}: got ${got}, expected ${want}`);
      let k = 0;
      for (let i = 0; i < c.iterations; i++) {
        const loss = lossFn.forward(myLinear.forward(x), yTrue);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        const cp = c.checkpoints[k];
        if (cp && cp.iteration === i + 1) {
          close(Number(myLinear.linear.weight.item()), cp.weight, `weight at ${cp.iteration}`);
          close(Number((myLinear.linear.bias as Tensor).item()), cp.bias, `bias at ${cp.iteration}`);
          if (cp.loss > 1e-9) close(Number(loss.item()), cp.loss, `loss at ${cp.iteration}`);
          k++;
        }
      }
      if (c.lr === 0.1) {
        assert.ok(Math.abs(Number(myLinear.linear.weight.item()) - 3) < 1e-3, 'w ≈ 3');
        assert.ok(Math.abs(Number((myLinear.linear.bias as Tensor).item()) - 0.8) < 1e-3, 'b ≈ 0.8');
      }
    });
  }
});

class MnistNet extends nn.Module {
  fc1 = new nn.Linear(28 * 28, 28);
  fc2 = new nn.Linear(28, 10);
  override forward(x: Tensor): Tensor {
    x = x.view(-1, 28 * 28);
    x = nn.functional.relu(this.fc1.forward(x));
    return this.fc2.forward(x);
  }
}

describe('seed 003: MnistNet resumes from saved model and optimizer state dicts', () => {
  // A small synthetic "dataset": 6 batches of 16 images.
  torch.manualSeed(1);
  const batches = Array.from({ length: 6 }, () => ({ inputs: torch.randn([16, 1, 28, 28]), labels: torch.randint(0, 10, [16]) }));
  const criterion = new nn.CrossEntropyLoss();

  function trainEpoch(net: MnistNet, optimizer: optim.Optimizer, scheduler: optim.lrScheduler.StepLR): number[] {
    const losses = batches.map(({ inputs, labels }) => {
      const outputs = net.forward(inputs);
      optimizer.zeroGrad();
      const loss = criterion.forward(outputs, labels);
      loss.backward();
      optimizer.step();
      return Number(loss.item());
    });
    scheduler.step();
    return losses;
  }

  const setup = () => {
    torch.manualSeed(2);
    const net = new MnistNet();
    const optimizer = new optim.Adam(net.parameters(), { lr: 0.001 });
    const scheduler = new optim.lrScheduler.StepLR(optimizer, 1, { gamma: 0.5 });
    return { net, optimizer, scheduler };
  };

  test('the loss falls, and a resumed run equals the uninterrupted one', () => {
    const uninterrupted = setup();
    const epochs = [0, 1, 2, 3].map(() => trainEpoch(uninterrupted.net, uninterrupted.optimizer, uninterrupted.scheduler));
    assert.ok(epochs[3][5] < epochs[0][0], `loss falls: ${epochs[0][0]} -> ${epochs[3][5]}`);

    const dir = mkdtempSync(join(tmpdir(), 'torchlette-seed003-'));
    try {
      const first = setup();
      trainEpoch(first.net, first.optimizer, first.scheduler);
      trainEpoch(first.net, first.optimizer, first.scheduler);
      save(first.net.stateDict(), join(dir, 'model_temp.pt'));
      save(first.optimizer.stateDict(), join(dir, 'optimizer_temp.pt'));
      save(first.scheduler.stateDict(), join(dir, 'scheduler_temp.pt'));

      // A new process: fresh objects (different initial weights), then the checkpoints.
      torch.manualSeed(99);
      const net = new MnistNet();
      const optimizer = new optim.Adam(net.parameters(), { lr: 0.001 });
      const scheduler = new optim.lrScheduler.StepLR(optimizer, 1, { gamma: 0.5 });
      net.loadStateDict(load(join(dir, 'model_temp.pt')));
      optimizer.loadStateDict(load(join(dir, 'optimizer_temp.pt')));
      scheduler.loadStateDict(load(join(dir, 'scheduler_temp.pt')));
      assert.equal(optimizer.paramGroups[0].lr, 0.00025);
      const resumed = [trainEpoch(net, optimizer, scheduler), trainEpoch(net, optimizer, scheduler)];
      assert.deepEqual(resumed, epochs.slice(2));
      const want = uninterrupted.net.stateDict();
      for (const [k, v] of Object.entries(net.stateDict())) assert.ok(v.equal(want[k]), `${k} equal after resuming`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
