// pytorch/examples mnist_rnn/main.py transcribed line for line (LSTM with batchFirst over image
// rows, BatchNorm1d, Dropout2d on 2-D activations, logSoftmax + nllLoss, Adadelta + StepLR,
// train() and test()) against the same program run by PyTorch on the same synthetic seeded data
// (scripts/fixtures/porting_mnist_rnn.py): every training loss, the test losses and accuracies,
// the learning rates and the final parameters and BatchNorm buffers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { DataLoader, TensorDataset } from '../../src/utils/data/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { warningsOf } from './warnings.js';

const F = nn.functional;
const { StepLR } = optim.lrScheduler;

interface Fixture {
  losses: number[];
  test_loss: number[];
  correct: number[];
  lrs: number[];
  repr: string;
  state: Record<string, TensorJson>;
  warnings: string[];
}
const fx = loadFixture<Fixture>('porting_mnist_rnn.json');

class Net extends nn.Module {
  rnn = new nn.LSTM({ inputSize: 28, hiddenSize: 64, batchFirst: true });
  batchnorm = new nn.BatchNorm1d(64);
  dropout1 = new nn.Dropout2d(0.25);
  dropout2 = new nn.Dropout2d(0.5);
  fc1 = new nn.Linear(64, 32);
  fc2 = new nn.Linear(32, 10);

  override forward(input: Tensor): Tensor {
    input = input.reshape(-1, 28, 28);
    let [output] = this.rnn.forward(input);
    output = output.index(':', -1, ':');
    output = this.batchnorm.forward(output);
    output = this.dropout1.forward(output);
    output = this.fc1.forward(output);
    output = F.relu(output);
    output = this.dropout2.forward(output);
    output = this.fc2.forward(output);
    output = F.logSoftmax(output, { dim: 1 });
    return output;
  }
}

interface Log {
  losses: number[];
  test_loss: number[];
  correct: number[];
  lrs: number[];
}

function train(log: Log, model: Net, trainLoader: DataLoader<Tensor[]>, optimizer: optim.Optimizer): void {
  model.train();
  for (const [data, target] of trainLoader) {
    optimizer.zeroGrad();
    const output = model.forward(data);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    log.losses.push(Number(loss.item()));
  }
}

function testModel(log: Log, model: Net, testLoader: DataLoader<Tensor[]>): void {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  torch.noGrad(() => {
    for (const [data, target] of testLoader) {
      const output = model.forward(data);
      testLoss += Number(F.nllLoss(output, target, { reduction: 'sum' }).item());
      const pred = output.argmax({ dim: 1, keepdim: true });
      correct += Number(pred.eq(target.viewAs(pred)).sum().item());
    }
  });
  testLoss /= (testLoader.dataset as TensorDataset).length;
  log.test_loss.push(testLoss);
  log.correct.push(correct);
}

function synthetic(n: number, g: torch.Generator): TensorDataset {
  // ToTensor() then Normalize((0.1307,), (0.3081,)) of seeded uniform images
  const images = torch.rand([n, 1, 28, 28], { generator: g }).sub(0.1307).div(0.3081);
  const labels = torch.randint(0, 10, [n], { generator: g });
  return new TensorDataset(images, labels);
}

function run(): [Net, Log] {
  const g = new torch.Generator().manualSeed(0);
  const [trainSet, testSet] = [synthetic(32, g), synthetic(16, g)];
  torch.manualSeed(1);
  const trainLoader = new DataLoader(trainSet, { batchSize: 8, shuffle: true });
  const testLoader = new DataLoader(testSet, { batchSize: 16, shuffle: true });
  const model = new Net();
  const optimizer = new optim.Adadelta(model.parameters(), { lr: 0.1 });
  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
  const log: Log = { losses: [], test_loss: [], correct: [], lrs: [] };
  for (let epoch = 1; epoch < 2 + 1; epoch++) {
    train(log, model, trainLoader, optimizer);
    testModel(log, model, testLoader);
    scheduler.step();
    log.lrs.push(optimizer.paramGroups[0].lr);
  }
  return [model, log];
}

test('mnist_rnn: LSTM(batch_first) over rows, BatchNorm1d, Dropout2d, Adadelta + StepLR, as PyTorch', async () => {
  const [[model, log], warnings] = await warningsOf(run);
  assert.deepEqual(warnings, fx.warnings); // Dropout2d on (N, 64) warns, as PyTorch
  assert.equal(String(model), fx.repr);
  // float32 through 28 LSTM steps and 8 Adadelta updates: summation order differs from
  // PyTorch's kernels, so losses agree to ~1e-5 relative, not bit for bit
  log.losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5, `loss ${i}: ${l} vs ${fx.losses[i]}`));
  log.test_loss.forEach((l, i) => assert.ok(Math.abs(l - fx.test_loss[i]) < 1e-5, `test loss ${i}: ${l} vs ${fx.test_loss[i]}`));
  assert.deepEqual(log.correct, fx.correct);
  assert.deepEqual(log.lrs, fx.lrs);
  const state = model.stateDict();
  assert.deepEqual(Object.keys(state), Object.keys(fx.state));
  for (const [k, v] of Object.entries(state)) assertTensor(v, fx.state[k], { rtol: 1e-5, atol: 1e-6 }, k);
});
