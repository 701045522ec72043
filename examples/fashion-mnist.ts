// Example 3 (seeds 003, 004): seed 003's "full code" on Fashion-MNIST. MnistNet, Adam,
// CrossEntropyLoss, the loss printed every 100 iterations, test() with eval() and
// no_grad printing the seed's accuracy line, checkpoints every N epochs, and a resume
// from the last checkpoint when it exists: run it twice and the second run goes on
// from where the first stopped.
//
//   npx tsx examples/fashion-mnist.ts [--epochs 2] [--save-every 20] [--fresh] [--quick] [--out out/fashion-mnist]
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from 'torchlette';
import { nn, optim } from 'torchlette';
import { transforms as T } from 'torchlette/vision';
import { parseCli } from './lib/cli.js';
import { fashionMnist, findFashionMnist, MEAN, STD } from './lib/fashion.js';
import { MnistNet } from './lib/nets.js';

const { DataLoader, Subset } = torch.utils.data;

const args = parseCli({
  name: 'fashion-mnist',
  about: "Seed 003's MnistNet program on Fashion-MNIST, with checkpoints and resume.",
  options: {
    data: { type: 'string', help: 'a folder with the Fashion-MNIST IDX files' },
    epochs: { type: 'string', help: 'epochs to train in this run (default 2, as the seed\'s train(2); --quick 1)' },
    'save-every': { type: 'string', help: 'save model_temp.pt / optimizer_temp.pt every N epochs (default 20, as the seed; --quick 1)' },
    'log-every': { type: 'string', help: 'print the loss every N iterations (default 100; --quick 2)' },
    fresh: { type: 'boolean', help: 'ignore and delete the checkpoints of an earlier run' },
  },
});

const BATCH_SIZE = 128;
const source = findFashionMnist({ data: args.string('data') });
console.log(`data: ${source.description}`);

// 1. Prepare the dataset. The seed trains on MNIST with MNIST's mean and std; here it is
// Fashion-MNIST (whose files are on this machine) with Fashion-MNIST's.
const transformFn = new T.Compose([new T.ToTensor(), new T.Normalize([MEAN], [STD])]);
const { train: trainSet, test: testSet } = fashionMnist(source, transformFn);
function getDataloader(train = true) {
  let dataset: torch.utils.data.Dataset<[torch.Tensor, number]> = train ? trainSet : testSet;
  // --quick: 5 batches of training images and 500 test images.
  if (args.quick) dataset = new Subset(dataset, [...Array(train ? 5 * BATCH_SIZE : 500).keys()]);
  return new DataLoader(dataset, { batchSize: BATCH_SIZE, shuffle: true });
}

const criterion = new nn.CrossEntropyLoss(); // PyTorch's cross entropy comes with the softmax
const mnistNet = new MnistNet();
const optimizer = new optim.Adam(mnistNet.parameters(), { lr: 0.001 });
const trainLoader = getDataloader(); // training dataset
const testLoader = getDataloader(false); // validation dataset

const modelLast = join(args.out, 'model_last.pt');
const optimizerLast = join(args.out, 'optimizer_last.pt');
// The seed's files hold bare state dicts (as PyTorch saves them); the epoch count,
// which the seed does not keep, goes beside them so that a resumed run numbers on.
const progressFile = join(args.out, 'progress.json');
if (args.flag('fresh')) for (const f of [modelLast, optimizerLast, progressFile]) rmSync(f, { force: true });
let epochsDone = 0;
if (existsSync(modelLast)) {
  mnistNet.loadStateDict(torch.load(modelLast));
  if (existsSync(progressFile)) epochsDone = JSON.parse(readFileSync(progressFile, 'utf8')).epoch;
  console.log(`resuming from ${modelLast} (after epoch ${epochsDone})`);
}
if (existsSync(optimizerLast)) optimizer.loadStateDict(torch.load(optimizerLast));

function test(): number {
  let testLoss = 0;
  let correct = 0;
  mnistNet.eval();
  torch.noGrad(() => {
    // Do not build the graph
    for (const [data, target] of testLoader) {
      const output = mnistNet.forward(data);
      const loss = criterion.forward(output, target);
      testLoss += Number(loss.item());
      const pred = output.data.max(1, true).indices; // where the maximum is, [batch_size, 1]
      correct += Number(pred.eq(target.data.viewAs(pred)).sum().item()); // matches in this batch
    }
  });
  mnistNet.train(); // the seed never switches back; harmless for MnistNet, needed with dropout or batch norm
  testLoss /= testLoader.length; // as the seed: the mean over batches
  const n = (testLoader.dataset as torch.utils.data.Dataset).length; // len(test_loader.dataset)
  console.log(`\nTest set:Avg.loss:${testLoss.toFixed(4)},Accuracy:${correct}/${n}(${((100 * correct) / n).toFixed(2)}%)`);
  return correct / n;
}

function train(epochs: number, testTimes = 1): void {
  const saveEvery = args.number('save-every', 20, 1);
  const logEvery = args.number('log-every', 100, 2);
  for (let epoch = epochsDone; epoch < epochsDone + epochs; epoch++) {
    let i = 0;
    for (const [inputs, labels] of trainLoader) {
      const outputs = mnistNet.forward(inputs);
      optimizer.zeroGrad();
      const loss = criterion.forward(outputs, labels);
      loss.backward(); // compute the gradients
      optimizer.step();
      if ((i + 1) % logEvery === 0) console.log(epoch, i, loss.item());
      i++;
    }
    if ((epoch + 1) % saveEvery === 0) {
      // temporarily save every saveEvery epochs
      torch.save(mnistNet.stateDict(), join(args.out, 'model_temp.pt'));
      torch.save(optimizer.stateDict(), join(args.out, 'optimizer_temp.pt'));
    }
    if ((epoch + 1) % testTimes === 0) test();
    torch.save(mnistNet.stateDict(), modelLast);
    torch.save(optimizer.stateDict(), optimizerLast);
    writeFileSync(progressFile, JSON.stringify({ epoch: epoch + 1 }) + '\n');
  }
  console.log(`saved ${modelLast} and ${optimizerLast} after epoch ${epochsDone + epochs}`);
}

train(args.number('epochs', 2, 1));
