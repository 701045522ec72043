// `npm start`: the main job. Trains a Fashion-MNIST classifier for one epoch
// (BENCHMARKS.md's B2: MLP 784-128-64-10, SGD lr 0.01 momentum 0.9, batch 64, x/255
// normalised with mean 0.2860 std 0.3530), shows a progress bar, prints the test
// accuracy, and saves a checkpoint (model + optimizer state dicts, PyTorch's format)
// and a PNG (and SVG) of the training curve.
//
//   npm start                          # or: npx tsx examples/main.ts [options]
//   npx tsx examples/main.ts --quick   # 20 batches, 1,000 test images: a few seconds
import { join } from 'node:path';
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { transforms as T } from 'torchlette/vision';
import { formatDuration, parseCli } from './lib/cli.js';
import { fashionMnist, findFashionMnist, MEAN, STD } from './lib/fashion.js';
import { mlp } from './lib/nets.js';
import { lineChart } from './lib/plot.js';
import { Progress } from './lib/progress.js';

const { DataLoader, Subset } = torch.utils.data;

const args = parseCli({
  name: 'main',
  about: 'Trains the B2 MLP on Fashion-MNIST for one epoch, then tests, checkpoints and plots it.',
  out: 'out',
  options: {
    data: { type: 'string', help: 'a folder with the four Fashion-MNIST IDX files (default: ./data, Debian, download, embedded subset)' },
    'no-download': { type: 'boolean', help: 'do not try to download the data' },
    epochs: { type: 'string', help: 'epochs to train (default 1)' },
    seed: { type: 'string', help: 'torch.manualSeed (default 0)' },
  },
});

torch.manualSeed(args.number('seed', 0));
const source = findFashionMnist({ data: args.string('data'), download: !args.flag('no-download') });
const transform = new T.Compose([new T.ToTensor(), new T.Normalize([MEAN], [STD])]);
const data = fashionMnist(source, transform);
// --quick: the first 20 batches' worth of training images and 1,000 test images.
const train = args.quick ? new Subset(data.train, [...Array(20 * 64).keys()]) : data.train;
const test = args.quick ? new Subset(data.test, [...Array(Math.min(1000, data.test.length)).keys()]) : data.test;
console.log(`data: ${source.description}`);
console.log(`      ${train.length} training and ${test.length} test images${args.quick ? ' (--quick)' : ''}`);

const model = mlp();
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const trainLoader = new DataLoader(train, { batchSize: 64, shuffle: true });
const testLoader = new DataLoader(test, { batchSize: 1000 });
console.log('model: MLP 784-128-64-10 (Linear, ReLU, Linear, ReLU, Linear); SGD lr 0.01 momentum 0.9; batch 64');
const info = torch.backends.info();
console.log(`backend: ${info.active}${info.active === 'native' ? ` (${info.isa}, ${info.numThreads} threads)` : info.reason ? ` (${info.reason})` : ''}`);

const epochs = args.number('epochs', 1);
const losses: number[] = [];
const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  const bar = new Progress(trainLoader.length, `epoch ${epoch}/${epochs} `);
  let i = 0;
  for (const [images, labels] of trainLoader) {
    const outputs = model.forward(images);
    const loss = criterion.forward(outputs, labels);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
    // The bar shows the mean loss of the last 50 batches: a single batch's loss is noisy.
    const recent = losses.slice(-50);
    bar.update(++i, images.size(0), `loss ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(4)}`);
  }
  bar.finish();
}
const seconds = (performance.now() - started) / 1000;
const seen = train.length * epochs;
console.log(`trained on ${seen} images in ${formatDuration(seconds)} (${seconds.toFixed(1)} s, ${(seen / seconds).toFixed(0)} images/s)`);

// Test: eval mode and no graph (torch.no_grad()).
model.eval();
let correct = 0;
torch.noGrad(() => {
  for (const [images, labels] of testLoader) {
    const pred = model.forward(images).argmax(1);
    correct += Number(pred.eq(labels).sum().item());
  }
});
const accuracy = correct / test.length;
console.log(`test accuracy: ${(100 * accuracy).toFixed(2)}% (${correct}/${test.length})`);

// PyTorch's "general checkpoint" layout, so torch.load in Python reads it too.
const checkpoint = join(args.out, 'fashion-mnist-mlp.pt');
torch.save({ epoch: epochs, model_state_dict: model.stateDict(), optimizer_state_dict: optimizer.stateDict(), test_accuracy: accuracy }, checkpoint);
const curve = join(args.out, 'training-curve.png');
const smooth = losses.map((_, i) => {
  const w = losses.slice(Math.max(0, i - 49), i + 1);
  return w.reduce((a, b) => a + b, 0) / w.length;
});
await lineChart(
  [
    { label: 'batch loss', y: losses, color: [174, 199, 232] },
    { label: 'mean of 50', y: smooth, color: [31, 119, 180] },
  ],
  { title: `Fashion-MNIST MLP: training loss (test accuracy ${(100 * accuracy).toFixed(1)}%)`, xLabel: 'batch', yLabel: 'cross-entropy loss' },
).save(curve);
console.log(`saved ${checkpoint} (model + optimizer state dicts) and ${curve}`);
