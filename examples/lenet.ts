// Example 4: the LeNet-5 CNN (BENCHMARKS.md's B3: two conv + max-pool stages, three
// linear layers; torchlette/vision's models.lenet5) trained on Fashion-MNIST with Adam.
// Prints the loss, the test accuracy overall and per class, and saves the model and a
// training curve. Convolutions are slow on the JS backend: the native one makes the
// full run practical.
//
//   npx tsx examples/lenet.ts [--epochs 1] [--quick] [--out out/lenet]
import { join } from 'node:path';
import * as torch from 'torchlette';
import { nn, optim } from 'torchlette';
import { models, transforms as T } from 'torchlette/vision';
import { formatDuration, parseCli } from './lib/cli.js';
import { CLASSES, fashionMnist, findFashionMnist, MEAN, STD } from './lib/fashion.js';
import { lineChart } from './lib/plot.js';
import { Progress } from './lib/progress.js';

const { DataLoader, Subset } = torch.utils.data;

const args = parseCli({
  name: 'lenet',
  about: 'LeNet-5 on Fashion-MNIST (Adam lr 1e-3, batch 64).',
  options: {
    data: { type: 'string', help: 'a folder with the Fashion-MNIST IDX files' },
    epochs: { type: 'string', help: 'epochs (default 1)' },
  },
});
torch.manualSeed(0);
const source = findFashionMnist({ data: args.string('data') });
console.log(`data: ${source.description}`);
const data = fashionMnist(source, new T.Compose([new T.ToTensor(), new T.Normalize([MEAN], [STD])]));
// --quick: 6 batches of training images, 300 test images.
const train = args.quick ? new Subset(data.train, [...Array(6 * 64).keys()]) : data.train;
const test = args.quick ? new Subset(data.test, [...Array(300).keys()]) : data.test;

const model = models.lenet5({ numClasses: 10 });
console.log(String(model));
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const trainLoader = new DataLoader(train, { batchSize: 64, shuffle: true });
const testLoader = new DataLoader(test, { batchSize: 500 });

const losses: number[] = [];
const accuracies: number[] = [];
const epochs = args.number('epochs', 1);
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  const bar = new Progress(trainLoader.length, `epoch ${epoch}/${epochs} `);
  let i = 0;
  for (const [images, labels] of trainLoader) {
    const loss = criterion.forward(model.forward(images), labels);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(Number(loss.item()));
    bar.update(++i, images.size(0), `loss ${Number(loss.item()).toFixed(4)}`);
  }
  bar.finish();
  console.log(`epoch ${epoch}: ${train.length} images in ${formatDuration(bar.seconds)} (${(train.length / bar.seconds).toFixed(0)} images/s)`);

  // Test accuracy, overall and per class.
  model.eval();
  const correct = new Array(10).fill(0);
  const total = new Array(10).fill(0);
  torch.noGrad(() => {
    for (const [images, labels] of testLoader) {
      const pred = Array.from(model.forward(images).argmax(1).toTypedArray(), Number);
      Array.from(labels.toTypedArray(), Number).forEach((l, k) => {
        total[l]++;
        if (pred[k] === l) correct[l]++;
      });
    }
  });
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  accuracies.push(sum(correct) / sum(total));
  console.log(`test accuracy: ${(100 * accuracies.at(-1)!).toFixed(2)}% (${sum(correct)}/${sum(total)})`);
  CLASSES.forEach((name, c) => console.log(`  ${name.padEnd(12)} ${total[c] ? ((100 * correct[c]) / total[c]).toFixed(1).padStart(5) : '  n/a'}%`));
}

const checkpoint = join(args.out, 'lenet.pt');
torch.save(model.stateDict(), checkpoint); // a plain state dict: models.lenet5({ weights }) loads it
const curve = join(args.out, 'lenet-loss.png');
await lineChart([{ label: 'batch loss', y: losses }], {
  title: `LeNet-5 on Fashion-MNIST (test accuracy ${(100 * accuracies.at(-1)!).toFixed(1)}%)`,
  xLabel: 'batch',
  yLabel: 'loss',
}).save(curve);
console.log(`saved ${checkpoint} and ${curve}`);
