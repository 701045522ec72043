// "What is torch.nn really?" (beginner_source/nn_tutorial.py) transcribed line for line on
// synthetic MNIST-shaped data: the from-scratch model (log_softmax by hand, nll through
// input[range(n), target], accuracy, weights -= weights.grad * lr under noGrad), then
// F.cross_entropy, Mnist_Logistic with Parameters, nn.Linear, optim.SGD, TensorDataset,
// DataLoader, validation, get_data/fit/loss_batch, the CNN, the Lambda + Sequential CNN and
// WrappedDataLoader with AdaptiveAvgPool2d. Against scripts/fixtures/porting_nn_tutorial.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { DataLoader, TensorDataset } from '../../src/utils/data/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const F = nn.functional;
type Curve = [number, number][];
interface Fixture {
  preds0: number[]; loss0: number; acc0: number; scratch: number[]; scratch_final: [number, number]; cross_entropy: number;
  logistic0: number; fit_logistic: number[]; fit_linear: number[]; loader: { losses: number[]; valid: Curve };
  fit: Curve; cnn: Curve; sequential: Curve; wrapped: Curve;
}
const fx = loadFixture<Fixture>('porting_nn_tutorial.json');

const close = (got: number, want: number, rtol: number, what: string) => assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + 1e-6, `${what}: got ${got}, expected ${want}`);
const closeAll = (got: number[], want: number[], rtol: number, what: string) => {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => close(g, want[i], rtol, `${what} ${i}`));
};
const closeCurve = (got: Curve, want: Curve, rtol: number, what: string) => closeAll(got.map((e) => e[1]), want.map((e) => e[1]), rtol, what);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const bs = 64; // batch size
const lr = 0.5; // learning rate
const epochs = 2; // how many epochs to train for

test('nn_tutorial: from scratch to Sequential CNNs over DataLoaders, as PyTorch', () => {
  torch.manualSeed(0);
  const [xTrain, yTrain] = [torch.rand(256, 784), torch.randint(0, 10, [256])];
  const [xValid, yValid] = [torch.rand(128, 784), torch.randint(0, 10, [128])];
  const [n] = xTrain.shape;

  const weights = torch.randn(784, 10).div(Math.sqrt(784));
  weights.requiresGrad_();
  const bias = torch.zeros(10, { requiresGrad: true });

  const logSoftmax = (x: Tensor) => x.sub(x.exp().sum(-1).log().unsqueeze(-1));
  let model: (xb: Tensor) => Tensor = (xb) => logSoftmax(xb.matmul(weights).add(bias));

  let xb = xTrain.index(`0:${bs}`); // a mini-batch from x
  const preds = model(xb); // predictions
  closeAll(preds.index(0).tolist() as number[], fx.preds0, 1e-5, 'preds[0]');

  const nll = (input: Tensor, target: Tensor) => input.index(range(target.shape[0]), target).mean().neg();
  let lossFunc = nll;
  let yb = yTrain.index(`0:${bs}`);
  close(Number(lossFunc(preds, yb).item()), fx.loss0, 1e-5, 'loss');

  const accuracy = (out: Tensor, yb: Tensor) => {
    const preds = torch.argmax(out, { dim: 1 });
    return preds.eq(yb).float().mean();
  };
  close(Number(accuracy(preds, yb).item()), fx.acc0, 0, 'accuracy');

  const scratch: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < Math.floor((n - 1) / bs) + 1; i++) {
      const startI = i * bs;
      const endI = startI + bs;
      xb = xTrain.index(`${startI}:${endI}`);
      yb = yTrain.index(`${startI}:${endI}`);
      const pred = model(xb);
      const loss = lossFunc(pred, yb);
      scratch.push(Number(loss.item()));
      loss.backward();
      torch.noGrad(() => {
        weights.sub_(weights.grad!.mul(lr));
        bias.sub_(bias.grad!.mul(lr));
        weights.grad!.zero_();
        bias.grad!.zero_();
      });
    }
  }
  closeAll(scratch, fx.scratch, 1e-4, 'from scratch');
  closeAll([Number(lossFunc(model(xb), yb).item()), Number(accuracy(model(xb), yb).item())], fx.scratch_final, 1e-4, 'final');

  lossFunc = F.crossEntropy;
  model = (xb) => xb.matmul(weights).add(bias);
  close(Number(lossFunc(model(xb), yb).item()), fx.cross_entropy, 1e-5, 'cross_entropy');

  class MnistLogistic extends nn.Module {
    weights = new nn.Parameter(torch.randn(784, 10).div(Math.sqrt(784)));
    bias = new nn.Parameter(torch.zeros(10));
    override forward(xb: Tensor): Tensor {
      return xb.matmul(this.weights).add(this.bias);
    }
  }

  let net: nn.Module = new MnistLogistic();
  close(Number(lossFunc(net.forward(xb) as Tensor, yb).item()), fx.logistic0, 1e-5, 'Mnist_Logistic');

  const fitManual = (): number[] => {
    const losses: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = 0; i < Math.floor((n - 1) / bs) + 1; i++) {
        const startI = i * bs;
        const endI = startI + bs;
        const xb = xTrain.index(`${startI}:${endI}`);
        const yb = yTrain.index(`${startI}:${endI}`);
        const pred = net.forward(xb) as Tensor;
        const loss = lossFunc(pred, yb);
        losses.push(Number(loss.item()));
        loss.backward();
        torch.noGrad(() => {
          for (const p of net.parameters()) p.sub_(p.grad!.mul(lr));
          net.zeroGrad();
        });
      }
    }
    return losses;
  };
  closeAll(fitManual(), fx.fit_logistic, 1e-4, 'fit Mnist_Logistic');

  class MnistLinear extends nn.Module {
    lin = new nn.Linear(784, 10);
    override forward(xb: Tensor): Tensor {
      return this.lin.forward(xb);
    }
  }
  net = new MnistLinear();
  closeAll(fitManual(), fx.fit_linear, 1e-4, 'fit nn.Linear');

  const getModel = (): [nn.Module, optim.SGD] => {
    const model = new MnistLinear();
    return [model, new optim.SGD(model.parameters(), { lr })];
  };

  let opt: optim.Optimizer;
  [net, opt] = getModel();
  const trainDs = new TensorDataset(xTrain, yTrain);
  let trainDl: Iterable<Tensor[]> & { length: number } = new DataLoader(trainDs, { batchSize: bs, shuffle: true });
  const validDs = new TensorDataset(xValid, yValid);
  let validDl: Iterable<Tensor[]> & { length: number } = new DataLoader(validDs, { batchSize: bs * 2 });
  const losses: number[] = [];
  const valid: Curve = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    net.train();
    for (const [xb, yb] of trainDl) {
      const pred = net.forward(xb) as Tensor;
      const loss = lossFunc(pred, yb);
      losses.push(Number(loss.item()));
      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
    net.eval();
    const validLoss = torch.noGrad(() => [...validDl].reduce<Tensor | number>((s, [xb, yb]) => lossFunc(net.forward(xb) as Tensor, yb).add(s), 0) as Tensor);
    valid.push([epoch, Number(validLoss.div(validDl.length).item())]);
  }
  closeAll(losses, fx.loader.losses, 1e-4, 'DataLoader losses');
  closeCurve(valid, fx.loader.valid, 1e-4, 'validation');

  const lossBatch = (model: nn.Module, lossFunc: (a: Tensor, b: Tensor) => Tensor, xb: Tensor, yb: Tensor, opt: optim.Optimizer | null = null): [number, number] => {
    const loss = lossFunc(model.forward(xb) as Tensor, yb);
    if (opt !== null) {
      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
    return [Number(loss.item()), xb.size(0)];
  };

  const fit = (epochs: number, model: nn.Module, lossFunc: (a: Tensor, b: Tensor) => Tensor, opt: optim.Optimizer, trainDl: Iterable<Tensor[]>, validDl: Iterable<Tensor[]>): Curve => {
    const printed: Curve = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      for (const [xb, yb] of trainDl) lossBatch(model, lossFunc, xb, yb, opt);
      model.eval();
      const results = torch.noGrad(() => [...validDl].map(([xb, yb]) => lossBatch(model, lossFunc, xb, yb)));
      const [losses, nums] = [results.map((r) => r[0]), results.map((r) => r[1])];
      const valLoss = losses.reduce((s, l, i) => s + l * nums[i], 0) / nums.reduce((s, v) => s + v, 0);
      printed.push([epoch, valLoss]);
    }
    return printed;
  };

  const getData = (trainDs: TensorDataset, validDs: TensorDataset, bs: number): [DataLoader<Tensor[]>, DataLoader<Tensor[]>] => [
    new DataLoader(trainDs, { batchSize: bs, shuffle: true }),
    new DataLoader(validDs, { batchSize: bs * 2 }),
  ];

  [trainDl, validDl] = getData(trainDs, validDs, bs);
  [net, opt] = getModel();
  closeCurve(fit(epochs, net, lossFunc, opt, trainDl, validDl), fx.fit, 1e-4, 'fit()');

  class MnistCNN extends nn.Module {
    conv1 = new nn.Conv2d(1, 16, { kernelSize: 3, stride: 2, padding: 1 });
    conv2 = new nn.Conv2d(16, 16, { kernelSize: 3, stride: 2, padding: 1 });
    conv3 = new nn.Conv2d(16, 10, { kernelSize: 3, stride: 2, padding: 1 });
    override forward(xb: Tensor): Tensor {
      xb = xb.view(-1, 1, 28, 28);
      xb = F.relu(this.conv1.forward(xb));
      xb = F.relu(this.conv2.forward(xb));
      xb = F.relu(this.conv3.forward(xb));
      xb = F.avgPool2d(xb, 4);
      return xb.view(-1, xb.size(1));
    }
  }

  const lr2 = 0.1;
  net = new MnistCNN();
  opt = new optim.SGD(net.parameters(), { lr: lr2, momentum: 0.9 });
  closeCurve(fit(epochs, net, lossFunc, opt, trainDl, validDl), fx.cnn, 1e-4, 'CNN');

  class Lambda extends nn.Module {
    func: (x: Tensor) => Tensor;
    constructor(func: (x: Tensor) => Tensor) {
      super();
      this.func = func;
    }
    override forward(x: Tensor): Tensor {
      return this.func(x);
    }
  }

  const preprocess = (x: Tensor) => x.view(-1, 1, 28, 28);

  net = new nn.Sequential(
    new Lambda(preprocess),
    new nn.Conv2d(1, 16, { kernelSize: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 16, { kernelSize: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 10, { kernelSize: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.AvgPool2d(4),
    new Lambda((x) => x.view(x.size(0), -1)),
  );
  opt = new optim.SGD(net.parameters(), { lr: lr2, momentum: 0.9 });
  closeCurve(fit(epochs, net, lossFunc, opt, trainDl, validDl), fx.sequential, 1e-4, 'Sequential CNN');

  const preprocessXY = (x: Tensor, y: Tensor): Tensor[] => [x.view(-1, 1, 28, 28), y];

  class WrappedDataLoader {
    constructor(
      readonly dl: DataLoader<Tensor[]>,
      readonly func: (...b: Tensor[]) => Tensor[],
    ) {}
    get length(): number {
      return this.dl.length;
    }
    *[Symbol.iterator](): Generator<Tensor[]> {
      for (const b of this.dl) yield this.func(...b);
    }
  }

  const [trainDl2, validDl2] = getData(trainDs, validDs, bs);
  trainDl = new WrappedDataLoader(trainDl2, preprocessXY as (...b: Tensor[]) => Tensor[]);
  validDl = new WrappedDataLoader(validDl2, preprocessXY as (...b: Tensor[]) => Tensor[]);
  net = new nn.Sequential(
    new nn.Conv2d(1, 16, { kernelSize: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 16, { kernelSize: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 10, { kernelSize: 3, stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new Lambda((x) => x.view(x.size(0), -1)),
  );
  opt = new optim.SGD(net.parameters(), { lr: lr2, momentum: 0.9 });
  closeCurve(fit(epochs, net, lossFunc, opt, trainDl, validDl), fx.wrapped, 1e-4, 'WrappedDataLoader');
});
