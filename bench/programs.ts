// B6 programs, torchlette side: the line-for-line twins of bench/pytorch_programs.py (small
// real programs written the way pytorch/examples writes them, at reduced sizes). Both sides
// draw the same seeded numbers; each program is timed whole (model construction, data,
// training, evaluation) by bench/torchlette.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as torch from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';
import { FASHION_DIR } from './fashion.js';

const F = nn.functional;
const { DataLoader, TensorDataset } = torch.utils.data;

/** The first n Fashion-MNIST images as [n, 1, 28, 28] floats in [0, 1] (ToTensor) and labels. */
function fashion(train: boolean, n: number): [Tensor, Tensor] {
  const prefix = train ? 'train' : 't10k';
  const img = gunzipSync(readFileSync(join(FASHION_DIR, `${prefix}-images-idx3-ubyte.gz`)));
  const lab = gunzipSync(readFileSync(join(FASHION_DIR, `${prefix}-labels-idx1-ubyte.gz`)));
  if (img.readUInt32BE(0) !== 0x803) throw new Error('not an IDX image file');
  const x = torch.tensor(new Uint8Array(img.subarray(16, 16 + n * 784))).float().div(255).view(n, 1, 28, 28);
  const y = torch.tensor(new Uint8Array(lab.subarray(8, 8 + n))).long();
  return [x, y];
}

// ---- word_language_model: a 2-layer LSTM on a synthetic corpus ----
class RNNModel extends nn.Module {
  drop: nn.Dropout;
  encoder: nn.Embedding;
  rnn: nn.LSTM;
  decoder: nn.Linear;

  constructor(readonly ntoken: number, ninp: number, readonly nhid: number, readonly nlayers: number, dropout = 0.5) {
    super();
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    this.rnn = new nn.LSTM(ninp, nhid, nlayers, { dropout });
    this.decoder = new nn.Linear(nhid, ntoken);
    this.initWeights();
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  override forward(input: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const emb = this.drop.forward(this.encoder.forward(input));
    const [out, next] = this.rnn.forward(emb, hidden);
    const decoded = this.decoder.forward(this.drop.forward(out)).view(-1, this.ntoken);
    return [F.logSoftmax(decoded, { dim: 1 }), next];
  }

  initHidden(bsz: number): [Tensor, Tensor] {
    const weight = this.parameters().next().value as Tensor;
    return [weight.newZeros(this.nlayers, bsz, this.nhid), weight.newZeros(this.nlayers, bsz, this.nhid)];
  }
}

function lstmLm(): Record<string, number> {
  torch.manualSeed(1111);
  const [ntokens, bsz, bptt, lr, clip] = [2000, 20, 35, 20.0, 0.25];
  const corpus = torch.randint(0, ntokens, [bsz * bptt * 20 + 1]);
  const nbatch = Math.floor(corpus.size(0) / bsz);
  const trainData = corpus.narrow(0, 0, nbatch * bsz).view(bsz, -1).t().contiguous();
  const model = new RNNModel(ntokens, 200, 200, 2, 0.2);
  const criterion = new nn.NLLLoss();
  const getBatch = (source: Tensor, i: number): [Tensor, Tensor] => {
    const seqLen = Math.min(bptt, source.size(0) - 1 - i);
    return [source.narrow(0, i, seqLen), source.narrow(0, i + 1, seqLen).view(-1)];
  };

  model.train();
  let hidden = model.initHidden(bsz);
  let total = 0;
  for (let i = 0; i < trainData.size(0) - 1; i += bptt) {
    const [data, targets] = getBatch(trainData, i);
    model.zeroGrad();
    hidden = [hidden[0].detach(), hidden[1].detach()];
    const [output, next] = model.forward(data, hidden);
    hidden = next;
    const loss = criterion.forward(output, targets);
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), clip);
    for (const p of model.parameters()) p.data.add_(p.grad!, { alpha: -lr });
    total += Number(loss.item());
  }
  model.eval();
  const val = torch.noGrad(() => {
    const [data, targets] = getBatch(trainData, 0);
    const [output] = model.forward(data, model.initHidden(bsz));
    return Number(criterion.forward(output, targets).item());
  });
  return { train_loss: total, val_loss: val };
}

// ---- vae: the fully connected VAE on 60 batches of 128 ----
class VAE extends nn.Module {
  fc1 = new nn.Linear(784, 400);
  fc21 = new nn.Linear(400, 20);
  fc22 = new nn.Linear(400, 20);
  fc3 = new nn.Linear(20, 400);
  fc4 = new nn.Linear(400, 784);

  encode(x: Tensor): [Tensor, Tensor] {
    const h1 = F.relu(this.fc1.forward(x));
    return [this.fc21.forward(h1), this.fc22.forward(h1)];
  }

  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = torch.exp(logvar.mul(0.5));
    const eps = torch.randnLike(std);
    return mu.add(eps.mul(std));
  }

  decode(z: Tensor): Tensor {
    return torch.sigmoid(this.fc4.forward(F.relu(this.fc3.forward(z))));
  }

  override forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, 784));
    return [this.decode(this.reparameterize(mu, logvar)), mu, logvar];
  }
}

function vaeLoss(reconX: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const bce = F.binaryCrossEntropy(reconX, x.view(-1, 784), { reduction: 'sum' });
  const kld = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);
  return bce.add(kld);
}

function vae(): Record<string, number> {
  torch.manualSeed(1);
  const [x, y] = fashion(true, 128 * 60);
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 128, shuffle: true });
  const model = new VAE();
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
  model.train();
  let trainLoss = 0;
  for (const [data] of loader) {
    optimizer.zeroGrad();
    const [recon, mu, logvar] = model.forward(data);
    const loss = vaeLoss(recon, data, mu, logvar);
    loss.backward();
    trainLoss += Number(loss.item());
    optimizer.step();
  }
  model.eval();
  const [tx] = fashion(false, 1000);
  const testLoss = torch.noGrad(() => {
    const [recon, mu, logvar] = model.forward(tx);
    return Number(vaeLoss(recon, tx, mu, logvar).item());
  });
  return { train_loss: trainLoss / x.size(0), test_loss: testLoss / 1000 };
}

// ---- dcgan: 4 iterations of the 64x64 DCGAN at batch 16 ----
function weightsInit(m: nn.Module): void {
  const classname = m.constructor.name;
  const w = (m as unknown as { weight: Tensor }).weight;
  if (classname.includes('Conv')) nn.init.normal_(w, 0.0, 0.02);
  else if (classname.includes('BatchNorm')) {
    nn.init.normal_(w, 1.0, 0.02);
    nn.init.zeros_((m as unknown as { bias: Tensor }).bias);
  }
}

const generator = (nz: number, ngf: number, nc: number) => new nn.Sequential(
  new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false }), new nn.BatchNorm2d(ngf * 8), new nn.ReLU(true),
  new nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ngf * 4), new nn.ReLU(true),
  new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ngf * 2), new nn.ReLU(true),
  new nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ngf), new nn.ReLU(true),
  new nn.ConvTranspose2d(ngf, nc, 4, 2, 1, { bias: false }), new nn.Tanh(),
);

const discriminator = (ndf: number, nc: number) => new nn.Sequential(
  new nn.Conv2d(nc, ndf, 4, 2, 1, { bias: false }), new nn.LeakyReLU(0.2, { inplace: true }),
  new nn.Conv2d(ndf, ndf * 2, 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ndf * 2), new nn.LeakyReLU(0.2, { inplace: true }),
  new nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ndf * 4), new nn.LeakyReLU(0.2, { inplace: true }),
  new nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ndf * 8), new nn.LeakyReLU(0.2, { inplace: true }),
  new nn.Conv2d(ndf * 8, 1, 4, 1, 0, { bias: false }), new nn.Sigmoid(),
);

function dcgan(): Record<string, number> {
  torch.manualSeed(999);
  const [nz, ngf, ndf, nc, batch] = [100, 64, 64, 3, 16];
  const netG = generator(nz, ngf, nc);
  netG.apply(weightsInit);
  const netD = discriminator(ndf, nc);
  netD.apply(weightsInit);
  const criterion = new nn.BCELoss();
  const optimizerD = new torch.optim.Adam(netD.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
  const optimizerG = new torch.optim.Adam(netG.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
  const [realLabel, fakeLabel] = [1.0, 0.0];
  let errD = 0;
  let errG = 0;
  for (let it = 0; it < 4; it++) {
    const real = torch.rand([batch, nc, 64, 64]).mul(2).sub(1);
    netD.zeroGrad();
    const label = torch.full([batch], realLabel, { dtype: torch.float32 });
    const errDReal = criterion.forward(netD.forward(real).view(-1), label);
    errDReal.backward();
    const noise = torch.randn([batch, nz, 1, 1]);
    const fake = netG.forward(noise);
    label.fill_(fakeLabel);
    const errDFake = criterion.forward(netD.forward(fake.detach()).view(-1), label);
    errDFake.backward();
    optimizerD.step();
    netG.zeroGrad();
    label.fill_(realLabel);
    const g = criterion.forward(netD.forward(fake).view(-1), label);
    g.backward();
    optimizerG.step();
    errD = Number(errDReal.add(errDFake).item());
    errG = Number(g.item());
  }
  return { errD, errG };
}

// ---- mnist: the examples' CNN with dropout, Adadelta and StepLR, 40 batches ----
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(input: Tensor): Tensor {
    let x = F.relu(this.conv1.forward(input));
    x = F.relu(this.conv2.forward(x));
    x = F.maxPool2d(x, 2);
    x = this.dropout1.forward(x);
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1.forward(x));
    x = this.dropout2.forward(x);
    x = this.fc2.forward(x);
    return F.logSoftmax(x, { dim: 1 });
  }
}

function mnistCnn(): Record<string, number> {
  torch.manualSeed(1);
  const [x0, y] = fashion(true, 64 * 40);
  const x = x0.sub(0.1307).div(0.3081);
  const trainLoader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true });
  const [tx, ty] = fashion(false, 1000);
  const testLoader = new DataLoader(new TensorDataset(tx.sub(0.1307).div(0.3081), ty), { batchSize: 1000 });
  const model = new Net();
  const optimizer = new torch.optim.Adadelta(model.parameters(), { lr: 1.0 });
  const scheduler = new torch.optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
  model.train();
  for (const [data, target] of trainLoader) {
    optimizer.zeroGrad();
    const loss = F.nllLoss(model.forward(data), target);
    loss.backward();
    optimizer.step();
  }
  scheduler.step();
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
  return { test_loss: testLoss / 1000, accuracy: correct / 1000 };
}

// ---- regression: the polynomial fit, a loop of tiny ops, 1000 batches ----
function regression(): Record<string, number> {
  torch.manualSeed(0);
  const POLY_DEGREE = 4;
  const W_target = torch.randn([POLY_DEGREE, 1]).mul(5);
  const b_target = torch.randn([1]).mul(5);
  const makeFeatures = (x: Tensor) => {
    const u = x.unsqueeze(1);
    return torch.cat(Array.from({ length: POLY_DEGREE }, (_, i) => u.pow(i + 1)), 1);
  };
  const f = (x: Tensor) => x.mm(W_target).add(Number(b_target.item()));
  const getBatch = (batchSize = 32): [Tensor, Tensor] => {
    const x = makeFeatures(torch.randn([batchSize]));
    return [x, f(x)];
  };
  const fc = new nn.Linear(W_target.size(0), 1);
  let loss = 0;
  for (let i = 0; i < 1000; i++) {
    const [batchX, batchY] = getBatch();
    fc.zeroGrad();
    const output = F.smoothL1Loss(fc.forward(batchX), batchY);
    loss = Number(output.item());
    output.backward();
    torch.noGrad(() => {
      for (const param of fc.parameters()) param.add_(param.grad!.mul(-0.1));
    });
  }
  return { loss };
}

export const PROGRAMS: Record<string, () => Record<string, number>> = {
  'lstm-lm': lstmLm, vae, dcgan, 'mnist-cnn': mnistCnn, regression,
};
