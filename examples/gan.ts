// Example 6 (seed 002): a GAN on Fashion-MNIST. The discriminator and the generator are
// updated in turn; the discriminator's step sees the generated images through
// detach(), so its backward() stops at them and leaves the generator's graph for the
// generator's own step. Writes a grid of samples (from fixed noise) as PNG every epoch
// and a plot of both losses.
//
//   npx tsx examples/gan.ts [--epochs 5] [--quick] [--out out/gan]
import { join } from 'node:path';
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { transforms as T, utils } from 'torchlette/vision';
import { formatDuration, parseCli } from './lib/cli.js';
import { fashionMnist, findFashionMnist } from './lib/fashion.js';
import { lineChart } from './lib/plot.js';
import { Progress } from './lib/progress.js';

const { DataLoader, Subset } = torch.utils.data;

const args = parseCli({
  name: 'gan',
  about: 'Seed 002: a GAN on Fashion-MNIST, the two networks updated in turn with detach().',
  options: {
    data: { type: 'string', help: 'a folder with the Fashion-MNIST IDX files' },
    epochs: { type: 'string', help: 'epochs (default 5; --quick 2)' },
    batches: { type: 'string', help: 'batches per epoch (default: the whole training set; --quick 2)' },
  },
});
torch.manualSeed(0);
const NZ = 64; // size of the generator's input noise
const BATCH = 64;

// Images scaled to [-1, 1], the range of the generator's tanh.
const source = findFashionMnist({ data: args.string('data') });
console.log(`data: ${source.description}`);
let train: torch.utils.data.Dataset<[Tensor, number]> = fashionMnist(source, new T.Compose([new T.ToTensor(), new T.Normalize([0.5], [0.5])])).train;
const batches = args.number('batches', Math.ceil(train.length / BATCH), 2);
train = new Subset(train, [...Array(Math.min(train.length, batches * BATCH)).keys()]);
const loader = new DataLoader(train, { batchSize: BATCH, shuffle: true, dropLast: true });

const generator = new nn.Sequential(new nn.Linear(NZ, 256), new nn.ReLU(), new nn.Linear(256, 784), new nn.Tanh());
const discriminator = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.LeakyReLU(0.2), new nn.Linear(256, 1));
const criterion = new nn.BCEWithLogitsLoss(); // the discriminator outputs logits
const optimizerG = new optim.Adam(generator.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
const optimizerD = new optim.Adam(discriminator.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
const real = (n: number) => torch.ones(n, 1);
const fake = (n: number) => torch.zeros(n, 1);

// Seed 002's point, shown once: without detach(), the discriminator's backward() goes
// on into the generator and frees its graph, and the generator's backward() then fails.
{
  const genData = generator.forward(torch.randn(4, NZ));
  criterion.forward(discriminator.forward(genData), fake(4)).backward();
  try {
    criterion.forward(discriminator.forward(genData), real(4)).backward();
  } catch (e) {
    console.log(`without detach(): ${(e as Error).message.split('.')[0]}.`);
  }
  generator.zeroGrad();
  discriminator.zeroGrad();
}

const fixedNoise = torch.randn(64, NZ);
const lossesD: number[] = [];
const lossesG: number[] = [];
const epochs = args.number('epochs', 5, 2);
for (let epoch = 1; epoch <= epochs; epoch++) {
  const bar = new Progress(loader.length, `epoch ${epoch}/${epochs} `);
  let i = 0;
  for (const [images] of loader) {
    const n = images.size(0);
    const genData = generator.forward(torch.randn(n, NZ)).view(n, 1, 28, 28);

    // (1) The discriminator: real images as real, generated ones as fake. detach() cuts
    // the graph at genData: this backward() stops there and the generator gets no grads.
    discriminator.zeroGrad();
    const lossD = criterion.forward(discriminator.forward(images), real(n)).add(criterion.forward(discriminator.forward(genData.detach()), fake(n)));
    lossD.backward();
    optimizerD.step();

    // (2) The generator: make the (just updated) discriminator call its images real. This
    // backward() goes through the discriminator into the generator; only optimizerG steps.
    generator.zeroGrad();
    const lossG = criterion.forward(discriminator.forward(genData), real(n));
    lossG.backward();
    optimizerG.step();

    lossesD.push(Number(lossD.item()));
    lossesG.push(Number(lossG.item()));
    bar.update(++i, n, `loss D ${Number(lossD.item()).toFixed(3)} G ${Number(lossG.item()).toFixed(3)}`);
  }
  bar.finish();
  // Samples from the same noise every epoch, mapped from [-1, 1] back to [0, 1].
  const samples = torch.noGrad(() => generator.forward(fixedNoise).view(64, 1, 28, 28).add(1).div(2));
  const grid = join(args.out, `samples-epoch-${epoch}.png`);
  utils.saveImage(samples, grid, { nrow: 8 });
  console.log(`epoch ${epoch}: ${formatDuration(bar.seconds)}, saved ${grid}`);
}
const curve = join(args.out, 'gan-loss.png');
await lineChart(
  [
    { label: 'discriminator', y: lossesD },
    { label: 'generator', y: lossesG },
  ],
  { title: 'GAN losses on Fashion-MNIST', xLabel: 'batch', yLabel: 'BCE loss' },
).save(curve);
console.log(`saved ${curve}`);
