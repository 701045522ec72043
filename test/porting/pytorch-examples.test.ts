// Real programs from pytorch/examples and the transfer-learning tutorial, transcribed line for
// line as a user would (positional arguments as written in Python, add_module, the
// tutorial's StepLR(step_size=…)), against the same programs run by PyTorch
// (scripts/fixtures/porting.py): same repr, same seeded outputs, same schedules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;

interface Fixture {
  dcgan: { netG: string; netD: string; fake_sum: number; fake_abs_sum: number; fake_head: TensorJson; netD_out: TensorJson };
  word_language_model: { repr: string; params: [string, number[]][]; output: TensorJson; h: TensorJson; c: TensorJson };
  mnist: { repr: string; losses: number[]; lrs: number[] };
  vgg_slices: { slice1: string; slice2: string; keys1: string[]; keys2: string[]; h2: TensorJson };
  schedules: { step_lr: number[]; exponential_lr: number[] };
}
const fx = loadFixture<Fixture>('porting.json');
const TOL = { rtol: 1e-4, atol: 1e-6 };

// --- dcgan/main.py ---
const [nz, ngf, ndf, nc] = [8, 4, 4, 3];

function weightsInit(m: nn.Module): void {
  const classname = m.constructor.name;
  if (classname.includes('Conv')) {
    nn.init.normal_((m as nn.Conv2d).weight, 0.0, 0.02);
  } else if (classname.includes('BatchNorm')) {
    nn.init.normal_((m as nn.BatchNorm2d).weight!, 1.0, 0.02);
    nn.init.zeros_((m as nn.BatchNorm2d).bias!);
  }
}

class Generator extends nn.Module {
  main = new nn.Sequential(
    new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false }),
    new nn.BatchNorm2d(ngf * 8),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ngf * 4),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ngf * 2),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ngf),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf, nc, 4, 2, 1, { bias: false }),
    new nn.Tanh(),
  );
  override forward(input: Tensor): Tensor {
    return this.main.forward(input) as Tensor;
  }
}

class Discriminator extends nn.Module {
  main = new nn.Sequential(
    new nn.Conv2d(nc, ndf, 4, 2, 1, { bias: false }),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf, ndf * 2, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ndf * 2),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ndf * 4),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ndf * 8),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf * 8, 1, 4, 1, 0, { bias: false }),
    new nn.Sigmoid(),
  );
  override forward(input: Tensor): Tensor {
    const output = this.main.forward(input) as Tensor;
    return output.view(-1, 1).squeeze(1);
  }
}

// --- word_language_model/model.py ---
class RNNModel extends nn.Module {
  ntoken: number;
  drop: nn.Dropout;
  encoder: nn.Embedding;
  rnn: nn.LSTM;
  decoder: nn.Linear;
  nhid: number;
  nlayers: number;

  constructor(rnnType: 'LSTM', ntoken: number, ninp: number, nhid: number, nlayers: number, dropout = 0.5) {
    super();
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    this.rnn = new nn[rnnType](ninp, nhid, nlayers, { dropout });
    this.decoder = new nn.Linear(nhid, ntoken);
    this.initWeights();
    this.nhid = nhid;
    this.nlayers = nlayers;
  }
  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }
  override forward(input: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const emb = this.drop.forward(this.encoder.forward(input));
    let [output, newHidden] = this.rnn.forward(emb, hidden) as [Tensor, [Tensor, Tensor]];
    output = this.drop.forward(output);
    let decoded = this.decoder.forward(output);
    decoded = decoded.view(-1, this.ntoken);
    return [F.logSoftmax(decoded, 1), newHidden];
  }
  initHidden(bsz: number): [Tensor, Tensor] {
    return [torch.zeros(this.nlayers, bsz, this.nhid), torch.zeros(this.nlayers, bsz, this.nhid)];
  }
}

// --- mnist/main.py ---
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);
  override forward(input: Tensor): Tensor {
    let x = this.conv1.forward(input);
    x = F.relu(x);
    x = this.conv2.forward(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = this.dropout1.forward(x);
    x = torch.flatten(x, 1);
    x = this.fc1.forward(x);
    x = F.relu(x);
    x = this.dropout2.forward(x);
    x = this.fc2.forward(x);
    return F.logSoftmax(x, 1);
  }
}

describe('pytorch/examples transcribed line for line', () => {
  test('dcgan: Generator and Discriminator with positional stride/padding, weights_init, one pass', () => {
    torch.manualSeed(0);
    const netG = new Generator();
    netG.apply(weightsInit);
    const netD = new Discriminator();
    netD.apply(weightsInit);
    assert.equal(String(netG), fx.dcgan.netG);
    assert.equal(String(netD), fx.dcgan.netD);
    const fixedNoise = torch.randn(2, nz, 1, 1);
    const fake = netG.forward(fixedNoise);
    assert.deepEqual(fake.shape, [2, nc, 64, 64]);
    assertTensor(fake.reshape(-1).index('0:16'), fx.dcgan.fake_head, TOL, 'fake');
    assert.ok(Math.abs(Number(fake.sum().item()) - fx.dcgan.fake_sum) < 1e-3);
    assert.ok(Math.abs(Number(fake.abs().sum().item()) - fx.dcgan.fake_abs_sum) < 1e-2);
    assertTensor(netD.forward(fake), fx.dcgan.netD_out, TOL, 'netD');
  });

  test('word_language_model: getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout) builds nlayers layers', () => {
    torch.manualSeed(1111);
    const model = new RNNModel('LSTM', 20, 6, 5, 2, 0.2);
    model.eval();
    const wlm = fx.word_language_model;
    assert.equal(String(model), wlm.repr);
    assert.deepEqual([...model.namedParameters()].map(([n, p]) => [n, p.shape]), wlm.params);
    const data = torch.tensor([[1, 2], [3, 4], [5, 6]]);
    const [output, [h, c]] = model.forward(data, model.initHidden(2));
    assertTensor(output, wlm.output, TOL, 'output');
    assertTensor(h, wlm.h, TOL, 'h');
    assertTensor(c, wlm.c, TOL, 'c');
  });

  test('mnist: Conv2d(1, 32, 3, 1), StepLR(optimizer, step_size=1, gamma=0.7)', () => {
    torch.manualSeed(1);
    const model = new Net();
    assert.equal(String(model), fx.mnist.repr);
    const data = torch.rand(2, 1, 28, 28);
    const target = torch.tensor([3, 7]);
    const optimizer = new optim.SGD(model.parameters(), { lr: 1.0 });
    const scheduler = new optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
    model.train();
    const losses: number[] = [];
    const lrs: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      optimizer.zeroGrad();
      const output = model.forward(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
      losses.push(Number(loss.item()));
      scheduler.step();
      lrs.push(optimizer.paramGroups[0].lr);
    }
    losses.forEach((l, i) => assert.ok(Math.abs(l - fx.mnist.losses[i]) < 1e-4 * Math.max(1, Math.abs(l)), `loss ${i}: ${l} vs ${fx.mnist.losses[i]}`));
    assert.deepEqual(lrs, fx.mnist.lrs);
  });

  test('fast_neural_style: VGG slices built with addModule(String(x), features[x])', () => {
    torch.manualSeed(0);
    const features = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(4, 4, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d(2, 2),
      new nn.Conv2d(4, 8, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
    );
    const slice1 = new nn.Sequential();
    const slice2 = new nn.Sequential();
    for (let x = 0; x < 4; x++) slice1.addModule(String(x), features.get(x));
    for (let x = 4; x < 7; x++) slice2.addModule(String(x), features.get(x));
    assert.equal(String(slice1), fx.vgg_slices.slice1);
    assert.equal(String(slice2), fx.vgg_slices.slice2);
    assert.deepEqual(Object.keys(slice1.stateDict()), fx.vgg_slices.keys1);
    assert.deepEqual(Object.keys(slice2.stateDict()), fx.vgg_slices.keys2);
    const X = torch.rand(1, 3, 6, 6);
    const h2 = slice2.forward(slice1.forward(X) as Tensor) as Tensor;
    assertTensor(h2, fx.vgg_slices.h2, TOL, 'h2');
  });

  test("transfer-learning tutorial: StepLR(optimizer, step_size=7, gamma=0.1); ExponentialLR(gamma=0.9)", () => {
    const w = torch.zeros(1, { requiresGrad: true });
    let opt = new optim.SGD([w], { lr: 0.001, momentum: 0.9 });
    const stepLr = new optim.lrScheduler.StepLR(opt, { stepSize: 7, gamma: 0.1 });
    const lrs: number[] = [];
    for (let i = 0; i < 25; i++) {
      opt.step();
      stepLr.step();
      lrs.push(opt.paramGroups[0].lr);
    }
    assert.deepEqual(lrs, fx.schedules.step_lr);
    opt = new optim.SGD([w], { lr: 0.5 });
    const expLr = new optim.lrScheduler.ExponentialLR(opt, { gamma: 0.9 });
    const exp: number[] = [];
    for (let i = 0; i < 5; i++) {
      opt.step();
      expLr.step();
      exp.push(opt.paramGroups[0].lr);
    }
    assert.deepEqual(exp, fx.schedules.exponential_lr);
  });
});
