// Example 11: pytorch/examples' vae/main.py transcribed line for line: a variational
// autoencoder (784-400-20 encoder, reparameterization with randn_like, 20-400-784 decoder)
// trained with Adam on MNIST, with the continuous-Bernoulli correction of the reconstruction
// loss. Writes reconstructions and samples as PNG grids (save_image). `--dataset fashion`
// trains on Fashion-MNIST. scripts/fixtures/vae.py is the PyTorch program the test compares
// with: from the same seed it prints the same losses.
//
//   npx tsx examples/vae.ts [--epochs 10] [--dataset mnist|fashion] [--data dir] [--quick]
import { join } from 'node:path';
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { datasets, transforms, utils } from 'torchlette/vision';
import { parseCli } from './lib/cli.js';

const F = nn.functional;
const { DataLoader, Subset } = torch.utils.data;

const args = parseCli({
  name: 'vae',
  about: "pytorch/examples' VAE on MNIST (Adam lr 1e-3); --dataset fashion for Fashion-MNIST.",
  options: {
    'batch-size': { type: 'string', help: 'input batch size for training (default: 128)' },
    epochs: { type: 'string', help: 'number of epochs to train (default: 10; --quick 1)' },
    seed: { type: 'string', help: 'random seed (default: 1)' },
    'log-interval': { type: 'string', help: 'how many batches to wait before logging training status (default: 10; --quick 1)' },
    dataset: { type: 'string', help: "'mnist' (default) or 'fashion'" },
    data: { type: 'string', help: 'the dataset folder (default ./data, downloading MNIST there)' },
  },
});
const batchSize = args.number('batch-size', 128);
const logInterval = args.number('log-interval', 10, 1);

torch.manualSeed(args.number('seed', 1));

const Dataset = args.string('dataset') === 'fashion' ? datasets.FashionMNIST : datasets.MNIST;
const root = args.string('data') ?? 'data';
const trainSet = new Dataset(root, { train: true, download: args.string('data') === undefined, transform: new transforms.ToTensor() });
const testSet = new Dataset(root, { train: false, transform: new transforms.ToTensor() });
// --quick: 4 training batches and 256 test images.
const trainLoader = new DataLoader(args.quick ? new Subset(trainSet, [...Array(4 * batchSize).keys()]) : trainSet, { batchSize, shuffle: true });
const testLoader = new DataLoader(args.quick ? new Subset(testSet, [...Array(256).keys()]) : testSet, { batchSize, shuffle: true });

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
    const h3 = F.relu(this.fc3.forward(z));
    // clamp to avoid numerical issues with the continuous Bernoulli log normalizing constant
    return torch.clamp(torch.sigmoid(this.fc4.forward(h3)), { min: 1e-4, max: 1.0 - 1e-4 });
  }

  override forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, 784));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

const model = new VAE();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });

/** Inverse hyperbolic tangent, used to compute the log normalizing constant of the continuous Bernoulli. */
function atanh(x: Tensor): Tensor {
  return torch.log(x.add(1.0)).sub(torch.log(x.rsub(1.0))).mul(0.5);
}

/**
 * The log normalizing constant of a continuous Bernoulli distribution, computed stably: exact
 * for lam in (0, lLim) U (uLim, 1), a Taylor approximation in [lLim, uLim].
 */
function contBernLogNorm(lam: Tensor, lLim = 0.49, uLim = 0.51): Tensor {
  const outside = torch.max(torch.le(lam, lLim), torch.gt(lam, uLim));
  const cutLam = torch.where(outside, lam, torch.onesLike(lam).mul(lLim));
  const logNorm = torch.log(torch.abs(atanh(cutLam.mul(2.0).rsub(1)).mul(2.0))).sub(torch.log(torch.abs(cutLam.mul(2.0).rsub(1))));
  const taylor = torch.log(torch.tensor(2.0, { dtype: 'float32' })).add(torch.pow(lam.sub(0.5), 2).mul(4.0 / 3.0)).add(torch.pow(lam.sub(0.5), 4).mul(104.0 / 45.0));
  return torch.where(outside, logNorm, taylor);
}

/** Reconstruction + KL divergence losses summed over all elements and batch. */
function lossFunction(reconX: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const BCE = F.binaryCrossEntropy(reconX, x.view(-1, 784), { reduction: 'sum' });
  // Loaiza-Ganem and Cunningham, The continuous Bernoulli (NeurIPS 2019): the BCE term on
  // non-binarized data needs the negative log normalizing constant.
  const NLNC = torch.sum(contBernLogNorm(reconX)).neg();
  // Appendix B of Kingma and Welling, Auto-Encoding Variational Bayes (ICLR 2014):
  // 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
  const KLD = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);
  return BCE.add(NLNC).add(KLD);
}

function train(epoch: number): void {
  model.train();
  let trainLoss = 0;
  let batchIdx = 0;
  for (const [data] of trainLoader) {
    optimizer.zeroGrad();
    const [reconBatch, mu, logvar] = model.forward(data);
    const loss = lossFunction(reconBatch, data, mu, logvar);
    loss.backward();
    trainLoss += Number(loss.item());
    optimizer.step();
    if (batchIdx % logInterval === 0) {
      const pct = ((100 * batchIdx) / trainLoader.length).toFixed(0);
      console.log(`Train Epoch: ${epoch} [${batchIdx * data.size(0)}/${(trainLoader.dataset as torch.utils.data.Dataset).length} (${pct}%)]\tLoss: ${(Number(loss.item()) / data.size(0)).toFixed(6)}`);
    }
    batchIdx++;
  }
  console.log(`====> Epoch: ${epoch} Average loss: ${(trainLoss / (trainLoader.dataset as torch.utils.data.Dataset).length).toFixed(4)}`);
}

function test(epoch: number): void {
  model.eval();
  let testLoss = 0;
  torch.noGrad(() => {
    let i = 0;
    for (const [data] of testLoader) {
      const [reconBatch, mu, logvar] = model.forward(data);
      testLoss += Number(lossFunction(reconBatch, data, mu, logvar).item());
      if (i === 0) {
        const n = Math.min(data.size(0), 8);
        const comparison = torch.cat([data.index(`:${n}`), reconBatch.view(batchSize, 1, 28, 28).index(`:${n}`)]);
        utils.saveImage(comparison, join(args.out, `reconstruction_${epoch}.png`), { nrow: n });
      }
      i++;
    }
  });
  testLoss /= (testLoader.dataset as torch.utils.data.Dataset).length;
  console.log(`====> Test set loss: ${testLoss.toFixed(4)}`);
}

for (let epoch = 1; epoch <= args.number('epochs', 10, 1); epoch++) {
  train(epoch);
  test(epoch);
  torch.noGrad(() => {
    let sample = torch.randn(64, 20);
    sample = model.decode(sample);
    utils.saveImage(sample.view(64, 1, 28, 28), join(args.out, `sample_${epoch}.png`));
  });
}
