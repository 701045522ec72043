// pytorch/examples mnist_forward_forward/main.py transcribed line for line (get_y_neg with
// torch.tensor(list)[torch.randint(...)].item(), overlay_y_on_x's in-place slice multiply and
// x_[range(n), y] = x.max(), Layer as a subclass of nn.Linear with its own Adam, the
// forward-forward loss log1p(exp(cat(...))).mean(), Net.predict's goodness per label) against
// the same program run by PyTorch on the same synthetic seeded data
// (scripts/fixtures/porting_forward_forward.py): every loss, what it prints, y_neg, the
// predictions and errors and the final weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { DataLoader, TensorDataset } from '../../src/utils/data/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { Adam } = torch.optim;

interface Fixture {
  y: TensorJson;
  y_neg: TensorJson;
  x_pos_row0: TensorJson;
  x_neg_row0: TensorJson;
  losses: number[];
  printed: string[];
  train_pred: TensorJson;
  train_error: number;
  test_pred: TensorJson;
  test_error: number;
  weights: { weight: TensorJson; bias: TensorJson }[];
  repr: string;
}
const fx = loadFixture<Fixture>('porting_forward_forward.json');

const args = { epochs: 25, lr: 0.03, threshold: 2.0, logInterval: 10, trainSize: 40, testSize: 24 };
const device = torch.device('cpu');
const LOG: { losses: number[]; printed: string[] } = { losses: [], printed: [] };
// Python's print(a, b) joins its arguments with a space; a float prints as its shortest repr, as String() does
const print = (...parts: unknown[]) => LOG.printed.push(parts.map(String).join(' '));

function getYNeg(y: Tensor): Tensor {
  const yNeg = y.clone();
  for (const [idx, ySamp] of y.unbind().entries()) {
    const allowedIndices = [...Array(10).keys()];
    allowedIndices.splice(allowedIndices.indexOf(Number(ySamp.item())), 1); // list.remove(value)
    yNeg.indexPut_([idx], torch.tensor(allowedIndices).index(torch.randint(allowedIndices.length, { size: [1] })).item());
  }
  return yNeg.to(device);
}

function overlayYOnX(x: Tensor, y: Tensor | number, classes = 10): Tensor {
  const x_ = x.clone();
  x_.index(':', `:${classes}`).mul_(0.0);
  x_.indexPut_([[...Array(x.shape[0]).keys()], y], x.max());
  return x_;
}

class Net extends torch.nn.Module {
  layers: Layer[];

  constructor(dims: number[]) {
    super();
    this.layers = [];
    for (let d = 0; d < dims.length - 1; d++) {
      this.layers = [...this.layers, new Layer(dims[d], dims[d + 1]).to(device)];
    }
  }

  predict(x: Tensor): Tensor {
    let goodnessPerLabel: Tensor[] = [];
    for (let label = 0; label < 10; label++) {
      let h = overlayYOnX(x, label);
      let goodness: Tensor[] = [];
      for (const layer of this.layers) {
        h = layer.forward(h);
        goodness = [...goodness, h.pow(2).mean(1)];
      }
      // Python's sum(list): 0 + g0 + g1 + ..., and 0 + g0 is g0
      goodnessPerLabel = [...goodnessPerLabel, goodness.reduce((a, b) => a.add(b)).unsqueeze(1)];
    }
    return torch.cat(goodnessPerLabel, 1).argmax(1);
  }

  // @ts-expect-error the example overrides Module.train(mode) with its own training loop, as Python allows
  override train(xPos: Tensor, xNeg: Tensor): void {
    let [hPos, hNeg] = [xPos, xNeg];
    for (const [i, layer] of this.layers.entries()) {
      print('training layer: ', i);
      [hPos, hNeg] = layer.train(hPos, hNeg);
    }
  }
}

class Layer extends nn.Linear {
  relu: nn.ReLU;
  opt: torch.optim.Adam;
  threshold: number;
  numEpochs: number;

  constructor(inFeatures: number, outFeatures: number, bias = true, device: torch.Device | null = null, dtype: torch.DType | null = null) {
    super(inFeatures, outFeatures, bias, device, dtype);
    this.relu = new torch.nn.ReLU();
    this.opt = new Adam(this.parameters(), { lr: args.lr });
    this.threshold = args.threshold;
    this.numEpochs = args.epochs;
  }

  override forward(x: Tensor): Tensor {
    const xDirection = x.div(x.norm(2, 1, { keepdim: true }).add(1e-4));
    return this.relu.forward(torch.mm(xDirection, this.weight.T).add(this.bias!.unsqueeze(0)));
  }

  // @ts-expect-error as Net.train
  override train(xPos: Tensor, xNeg: Tensor): [Tensor, Tensor] {
    for (let i = 0; i < this.numEpochs; i++) {
      const gPos = this.forward(xPos).pow(2).mean(1);
      const gNeg = this.forward(xNeg).pow(2).mean(1);
      const loss = torch.log1p(torch.exp(torch.cat([gPos.neg().add(this.threshold), gNeg.sub(this.threshold)]))).mean();
      this.opt.zeroGrad();
      loss.backward();
      this.opt.step();
      LOG.losses.push(Number(loss.item()));
      if (i % args.logInterval === 0) print('Loss: ', loss.item());
    }
    return [this.forward(xPos).detach(), this.forward(xNeg).detach()];
  }
}

function synthetic(n: number, g: torch.Generator): TensorDataset {
  // ToTensor(), Normalize((0.1307,), (0.3081,)), Lambda(flatten) of seeded uniform images
  const images = torch.rand([n, 1, 28, 28], { generator: g }).sub(0.1307).div(0.3081).flatten(1);
  const labels = torch.randint(0, 10, [n], { generator: g });
  return new TensorDataset(images, labels);
}

test('mnist_forward_forward: per-layer forward-forward training, goodness prediction, as PyTorch', () => {
  const g = new torch.Generator().manualSeed(0);
  const [trainSet, testSet] = [synthetic(args.trainSize, g), synthetic(args.testSize, g)];
  torch.manualSeed(1);
  const trainLoader = new DataLoader(trainSet, { batchSize: args.trainSize });
  const testLoader = new DataLoader(testSet, { batchSize: args.testSize });
  const net = new Net([784, 24, 16]);
  let [x, y] = trainLoader[Symbol.iterator]().next().value as Tensor[];
  [x, y] = [x.to(device), y.to(device)];
  const xPos = overlayYOnX(x, y);
  const yNeg = getYNeg(y);
  const xNeg = overlayYOnX(x, yNeg);
  net.train(xPos, xNeg);
  const trainPred = net.predict(x);
  const trainError = 1.0 - Number(trainPred.eq(y).float().mean().item());
  let [xTe, yTe] = testLoader[Symbol.iterator]().next().value as Tensor[];
  [xTe, yTe] = [xTe.to(device), yTe.to(device)];
  const testPred = net.predict(xTe);
  const testError = 1.0 - Number(testPred.eq(yTe).float().mean().item());

  assertTensor(y, fx.y);
  assertTensor(yNeg, fx.y_neg); // the same draws from the global generator
  assertTensor(xPos.index(0), fx.x_pos_row0);
  assertTensor(xNeg.index(0), fx.x_neg_row0);
  assert.equal(String(net.layers[0]), fx.repr);
  // float32 through 50 Adam steps: summation order differs from PyTorch's kernels
  assert.equal(LOG.losses.length, fx.losses.length);
  LOG.losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5, `loss ${i}: ${l} vs ${fx.losses[i]}`));
  assert.deepEqual(LOG.printed.map((p) => p.replace(/Loss: {2}.*/, 'Loss:')), fx.printed.map((p) => p.replace(/Loss: {2}.*/, 'Loss:')));
  assertTensor(trainPred, fx.train_pred);
  assertTensor(testPred, fx.test_pred);
  assert.ok(Math.abs(trainError - fx.train_error) < 1e-6);
  assert.ok(Math.abs(testError - fx.test_error) < 1e-6);
  net.layers.forEach((l, i) => {
    assertTensor(l.weight, fx.weights[i].weight, { rtol: 1e-4, atol: 1e-5 }, `layers[${i}].weight`);
    assertTensor(l.bias!, fx.weights[i].bias, { rtol: 1e-4, atol: 1e-5 }, `layers[${i}].bias`);
  });
});
