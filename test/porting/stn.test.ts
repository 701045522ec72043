// The "Spatial Transformer Networks" tutorial transcribed line for line (the localization net,
// fc_loc set to the identity transform through .data, affineGrid + gridSample with their default
// alignCorners, Dropout2d, F.dropout(training), logSoftmax without dim, SGD, train() and test())
// against the same program run by PyTorch on synthetic seeded images
// (scripts/fixtures/porting_stn.py): losses, test results, the transformed images, the final
// parameters and the warnings PyTorch shows for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { DataLoader, TensorDataset } from '../../src/utils/data/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { warningsOf } from './warnings.js';

const F = nn.functional;

interface Log {
  losses: number[];
  test_loss: number[];
  correct: number[];
}
interface Fixture extends Log {
  stn_out: TensorJson;
  state: Record<string, TensorJson>;
  identity_theta_grads: Record<string, TensorJson>;
  legacy: { float: TensorJson; long: TensorJson; bool: TensorJson; sizes: number[]; empty: number[]; isinstance: boolean[]; errors: string[] };
  warnings: string[];
}
const fx = loadFixture<Fixture>('porting_stn.json');

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, { kernelSize: 5 });
  conv2 = new nn.Conv2d(10, 20, { kernelSize: 5 });
  conv2_drop = new nn.Dropout2d();
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);

  // Spatial transformer localization-network
  localization = new nn.Sequential(
    new nn.Conv2d(1, 8, { kernelSize: 7 }),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
    new nn.Conv2d(8, 10, { kernelSize: 5 }),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
  );

  // Regressor for the 3 * 2 affine matrix
  fc_loc = new nn.Sequential(
    new nn.Linear(10 * 3 * 3, 32),
    new nn.ReLU(true),
    new nn.Linear(32, 3 * 2),
  );

  constructor() {
    super();
    // Initialize the weights/bias with identity transformation
    (this.fc_loc.get(2) as nn.Linear).weight.data.fill_(0);
    (this.fc_loc.get(2) as nn.Linear).bias!.data = torch.FloatTensor([1, 0, 0, 0, 1, 0]);
  }

  // Spatial transformer network forward function
  stn(x: Tensor): Tensor {
    let xs = this.localization.forward(x);
    xs = xs.view(-1, 10 * 3 * 3);
    let theta = this.fc_loc.forward(xs);
    theta = theta.view(-1, 2, 3);

    const grid = F.affineGrid(theta, x.size());
    x = F.gridSample(x, grid);

    return x;
  }

  override forward(x: Tensor): Tensor {
    // transform the input
    x = this.stn(x);

    // Perform the usual forward pass
    x = F.relu(F.maxPool2d(this.conv1.forward(x), 2));
    x = F.relu(F.maxPool2d(this.conv2_drop.forward(this.conv2.forward(x)), 2));
    x = x.view(-1, 320);
    x = F.relu(this.fc1.forward(x));
    x = F.dropout(x, { training: this.training });
    x = this.fc2.forward(x);
    return F.logSoftmax(x);
  }
}

function synthetic(n: number, g: torch.Generator): TensorDataset {
  const images = torch.rand([n, 1, 28, 28], { generator: g }).sub(0.1307).div(0.3081);
  const labels = torch.randint(0, 10, [n], { generator: g });
  return new TensorDataset(images, labels);
}

function run(): Log & { stn_out: Tensor; state: Record<string, Tensor> } {
  const g = new torch.Generator().manualSeed(0);
  const [trainSet, testSet] = [synthetic(24, g), synthetic(8, g)];
  torch.manualSeed(0);
  const trainLoader = new DataLoader(trainSet, { batchSize: 8, shuffle: true });
  const testLoader = new DataLoader(testSet, { batchSize: 8, shuffle: true });
  const model = new Net();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
  const log: Log = { losses: [], test_loss: [], correct: [] };

  const train = (_epoch: number): void => {
    model.train();
    for (const [data, target] of trainLoader) {
      optimizer.zeroGrad();
      const output = model.forward(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
      log.losses.push(Number(loss.item()));
    }
  };

  const testModel = (): void => {
    torch.noGrad(() => {
      model.eval();
      let testLoss = 0;
      let correct = 0;
      for (const [data, target] of testLoader) {
        const output = model.forward(data);
        testLoss += Number(F.nllLoss(output, target, { sizeAverage: false }).item());
        const pred = output.max(1, { keepdim: true }).indices;
        correct += Number(pred.eq(target.viewAs(pred)).sum().item());
      }
      testLoss /= (testLoader.dataset as TensorDataset).length;
      log.test_loss.push(testLoss);
      log.correct.push(correct);
    });
  };

  for (let epoch = 1; epoch < 2 + 1; epoch++) {
    train(epoch);
    testModel();
  }

  const stnOut = torch.noGrad(() => {
    const [data] = testLoader[Symbol.iterator]().next().value as Tensor[];
    return model.stn(data).index(':2');
  });
  return { ...log, stn_out: stnOut, state: model.stateDict() };
}

test('spatial_transformer: localization net, affineGrid + gridSample, SGD, as PyTorch (warnings too)', async () => {
  const [log, warnings] = await warningsOf(run);
  assert.deepEqual(warnings, fx.warnings);
  // float32 convolutions through grid_sample's bilinear weights: ~1e-6 relative per step
  log.losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5, `loss ${i}: ${l} vs ${fx.losses[i]}`));
  log.test_loss.forEach((l, i) => assert.ok(Math.abs(l - fx.test_loss[i]) < 1e-5, `test loss ${i}: ${l} vs ${fx.test_loss[i]}`));
  assert.deepEqual(log.correct, fx.correct);
  assertTensor(log.stn_out, fx.stn_out, { rtol: 1e-4, atol: 1e-5 }, 'stn');
  assert.deepEqual(Object.keys(log.state), Object.keys(fx.state));
  for (const [k, v] of Object.entries(log.state)) assertTensor(v, fx.state[k], { rtol: 1e-5, atol: 1e-6 }, k);
});

test('gridSample at pixel centres (identity affineGrid): the grid gradient takes PyTorch\'s side', () => {
  const g = new torch.Generator().manualSeed(1);
  for (const [dims, size] of [[2, [2, 1, 5, 6]], [3, [1, 1, 3, 4, 5]]] as const) {
    const x = torch.rand([...size], { generator: g });
    for (const align of [false, true]) {
      const theta = torch.eye(dims, dims + 1).repeat(size[0], 1, 1).requiresGrad_();
      const y = F.gridSample(x, F.affineGrid(theta, [...size], { alignCorners: align }), { alignCorners: align });
      y.mul(torch.arange(y.numel()).view(y.shape)).sum().backward();
      assertTensor(theta.grad!, fx.identity_theta_grads[`${dims}d_${align ? 'True' : 'False'}`], { rtol: 1e-5, atol: 1e-4 }, `${dims}d align ${align}`);
    }
  }
});

test('torch.FloatTensor([...]) and the other legacy typed constructors, as PyTorch 1.13', () => {
  const l = fx.legacy;
  assertTensor(torch.FloatTensor([1, 0, 0, 0, 1, 0]), l.float, {}, 'FloatTensor');
  assertTensor(torch.LongTensor([1.5, -2.7]), l.long, {}, 'LongTensor');
  assertTensor(torch.BoolTensor([1, 0]), l.bool, {}, 'BoolTensor');
  assert.deepEqual(torch.FloatTensor(2, 3).shape, l.sizes);
  assert.deepEqual(torch.FloatTensor().shape, l.empty);
  assert.deepEqual([torch.zeros(1) instanceof torch.FloatTensor, torch.zeros(1, { dtype: torch.long }) instanceof torch.FloatTensor], l.isinstance);
  const same = torch.tensor([1.5, 2]);
  torch.FloatTensor(same).fill_(7); // an alias, as PyTorch's
  assert.deepEqual(same.tolist(), [7, 7]);
  const calls = [() => torch.FloatTensor(torch.tensor([1, 2])), () => torch.FloatTensor(2.5), () => torch.FloatTensor(-1)];
  calls.forEach((f, i) => assert.throws(f, { message: l.errors[i] }));
});
