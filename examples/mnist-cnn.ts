// Example 10: pytorch/examples' mnist/main.py transcribed line for line: a two-conv CNN with
// dropout and log_softmax, Adadelta (lr 1.0) with StepLR (gamma 0.7), batch 64, nll_loss,
// evaluated after each epoch. `--dataset fashion` trains the same program on Fashion-MNIST
// (the files this repository embeds). scripts/fixtures/mnist_cnn.py is the PyTorch program
// the test compares with: from the same seed it prints the same losses.
//
//   npx tsx examples/mnist-cnn.ts [--epochs 3] [--dataset mnist|fashion] [--data dir] [--dry-run] [--quick]
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { datasets, transforms } from 'torchlette/vision';
import { parseCli } from './lib/cli.js';

const F = nn.functional;
const { DataLoader, Subset } = torch.utils.data;
const { StepLR } = optim.lrScheduler;

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(x: Tensor): Tensor {
    x = this.conv1.forward(x);
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
    const output = F.logSoftmax(x, 1);
    return output;
  }
}

type Loader = typeof trainLoader;

interface Options {
  logInterval: number;
  dryRun: boolean;
}

function train(args: Options, model: Net, trainLoader: Loader, optimizer: optim.Optimizer, epoch: number): void {
  model.train();
  let batchIdx = 0;
  for (const [data, target] of trainLoader) {
    optimizer.zeroGrad();
    const output = model.forward(data);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    if (batchIdx % args.logInterval === 0) {
      const seen = batchIdx * data.size(0);
      const total = (trainLoader.dataset as torch.utils.data.Dataset).length;
      const pct = ((100 * batchIdx) / trainLoader.length).toFixed(0);
      console.log(`Train Epoch: ${epoch} [${seen}/${total} (${pct}%)]\tLoss: ${Number(loss.item()).toFixed(6)}`);
      if (args.dryRun) break;
    }
    batchIdx++;
  }
}

function test(model: Net, testLoader: Loader): void {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  torch.noGrad(() => {
    for (const [data, target] of testLoader) {
      const output = model.forward(data);
      testLoss += Number(F.nllLoss(output, target, { reduction: 'sum' }).item()); // sum up batch loss
      const pred = output.argmax(1, true); // get the index of the max log-probability
      correct += Number(pred.eq(target.viewAs(pred)).sum().item());
    }
  });
  const n = (testLoader.dataset as torch.utils.data.Dataset).length;
  testLoss /= n;
  console.log(`\nTest set: Average loss: ${testLoss.toFixed(4)}, Accuracy: ${correct}/${n} (${((100 * correct) / n).toFixed(0)}%)\n`);
}

const args = parseCli({
  name: 'mnist-cnn',
  about: "pytorch/examples' MNIST CNN (Adadelta + StepLR); --dataset fashion for Fashion-MNIST.",
  options: {
    'batch-size': { type: 'string', help: 'input batch size for training (default: 64)' },
    'test-batch-size': { type: 'string', help: 'input batch size for testing (default: 1000)' },
    epochs: { type: 'string', help: 'number of epochs to train (default: 14; --quick 1)' },
    lr: { type: 'string', help: 'learning rate (default: 1.0)' },
    gamma: { type: 'string', help: 'Learning rate step gamma (default: 0.7)' },
    'dry-run': { type: 'boolean', help: 'quickly check a single pass' },
    seed: { type: 'string', help: 'random seed (default: 1)' },
    'log-interval': { type: 'string', help: 'how many batches to wait before logging training status (default: 10; --quick 1)' },
    'save-model': { type: 'boolean', help: 'For Saving the current Model' },
    dataset: { type: 'string', help: "'mnist' (default) or 'fashion'" },
    data: { type: 'string', help: 'the dataset folder (default ./data, downloading MNIST there)' },
  },
});

torch.manualSeed(args.number('seed', 1));
console.log('Using Device: cpu\n');
const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.1307], [0.3081])]);
const Dataset = args.string('dataset') === 'fashion' ? datasets.FashionMNIST : datasets.MNIST;
const root = args.string('data') ?? 'data';
const dataset1 = new Dataset(root, { train: true, download: args.string('data') === undefined, transform });
const dataset2 = new Dataset(root, { train: false, transform });
const data1 = args.quick ? new Subset(dataset1, [...Array(5 * 64).keys()]) : dataset1; // --quick: 5 batches
const data2 = args.quick ? new Subset(dataset2, [...Array(200).keys()]) : dataset2; // and 200 test images

const trainLoader = new DataLoader(data1, { batchSize: args.number('batch-size', 64) });
const testLoader = new DataLoader(data2, { batchSize: args.number('test-batch-size', 1000) });

const model = new Net();
const optimizer = new optim.Adadelta(model.parameters(), { lr: args.number('lr', 1.0) });
const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: args.number('gamma', 0.7) });
const options = { logInterval: args.number('log-interval', 10, 1), dryRun: args.flag('dry-run') };
for (let epoch = 1; epoch <= args.number('epochs', 14, 1); epoch++) {
  train(options, model, trainLoader, optimizer, epoch);
  test(model, testLoader);
  scheduler.step();
}
if (args.flag('save-model')) torch.save(model.stateDict(), `${args.out}/mnist_cnn.pt`);
