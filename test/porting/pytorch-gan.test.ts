// eriklindernoren/PyTorch-GAN's implementations/ transcribed line for line: acgan, cgan, infogan,
// began, dragan, wgan_div, softmax_gan, relativistic_gan (with and without --rel_avg_gan) and
// context_encoder (context_encoder.py + models.py + datasets.py), against the same programs run by
// PyTorch 1.13 (scripts/fixtures/porting_pytorch_gan.py).
//
// The scripts' idioms are kept: Variable(...), `Tensor = torch.FloatTensor` and type-calls
// (`FloatTensor(batch_size, 1).fill_(1.0)`, `imgs.type(FloatTensor)`), `.data`, `model.apply(
// weights_init_normal)` looking at the class name, BatchNorm2d(n, 0.8) (eps given positionally),
// LeakyReLU(0.2, inplace=True), nn.Upsample, nn.Softmax() without a dim, Dropout2d,
// torch.autograd.grad(create_graph=True, only_inputs=True), itertools.chain of two modules'
// parameters, Adam with betas.
//
// Reduced, the same on both sides (the fixture script's docstring has the details):
// torch.manual_seed(0) at the start; opt is the script's defaults except n_epochs 1, batch 8 (4)
// and img_size 16 (32 with mask_size 16 for context_encoder); MNIST is Debian's Fashion-MNIST,
// its first 24 items (3 batches); np.random.normal/uniform/random/randint are drawn from torch's
// generator (`nprandom`, below: torchlette has no numpy) and numpy's other calls are written with
// arrays; save_image records make_grid's shape and sum; dragan.py's undefined `mnist_loader` is
// `dataloader`; began.py's `.data[0]` of a 0-dim tensor throws in PyTorch (recorded, then
// `.item()`); softmax_gan.py's second backward throws in PyTorch (recorded, and the program stops
// there); context_encoder's channel widths are divided by 4 and its data are 16 seeded random
// 3x40x40 images turned into PIL images (12 train, 4 val).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, setWarnAlways, type Tensor } from '../../src/index.js';
import * as Data from '../../src/utils/data/index.js';
import * as torchvision from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const { datasets, transforms, Image } = torchvision;
const TF = transforms.functional;
const { Variable } = torch.autograd;
const autograd = torch.autograd;
const FASHION = '/usr/share/datasets/fashion-mnist';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_pytorch_gan.json');

// ---------------------------------------------------------------- helpers
function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want} (rtol ${rtol}, atol ${atol})`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
/** Same text with the numbers in it equal to rtol (a loss printed with 6 decimals may round the other way). */
function sameText(got: string, want: string, rtol: number, label: string, atol = 2e-6): void {
  const re = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;
  assert.equal(got.replace(re, '#'), want.replace(re, '#'), `${label}: ${got} vs ${want}`);
  closeAll((got.match(re) ?? []).map(Number), (want.match(re) ?? []).map(Number), rtol, `${label}: ${got} vs ${want}`, atol);
}
function sameLines(got: string[], want: string[], rtol: number, label: string): void {
  assert.equal(got.length, want.length, `${label}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
  got.forEach((l, i) => sameText(l, want[i], rtol, `${label} ${i}`));
}
/** state_dict entries' float64 sums, as the fixture's sums(model) */
function sums(model: nn.Module): Record<string, number> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, Number((v as Tensor).double().sum().item())]));
}
/**
 * Compares state_dict sums: rtol, plus an atol of `atol` and 5e-8 (2.5e-4 lr) per entry: Adam
 * moves every entry by up to lr a step whatever the size of its gradient, so entries along the
 * directions that a BatchNorm or InstanceNorm after them takes out (a conv's response to a
 * constant input, ...) follow rounding noise; a sum of 73728 of them (conv_blocks.6.weight)
 * differs by up to 3e-4 after 6 steps. atolOf: the noise-driven keys' own bound (noiseDriven).
 */
function sameSums(got: Record<string, number>, want: Record<string, number>, rtol: number, atol: number, label: string, atolOf: Record<string, number> = {}, model?: nn.Module): void {
  assert.deepEqual(Object.keys(got), Object.keys(want), `${label}: state_dict keys`);
  const state = (model?.stateDict() ?? {}) as Record<string, Tensor>;
  for (const k of Object.keys(want)) close(got[k], want[k], rtol, `${label} ${k}`, atolOf[k] ?? atol + (state[k] ? state[k].numel() * 5e-8 : 0));
}
/**
 * Parameters whose true gradient is (nearly) 0, so that what backward gives is rounding noise,
 * which Adam turns into steps of up to lr whatever its size: the biases of the Linear/Conv layers
 * that feed a BatchNorm in training mode or an InstanceNorm2d (the mean subtraction takes them
 * out again), the conv generators' l1 bias and BatchNorm2d shifts (conv_blocks.0/.3: per-channel
 * constants that the next BatchNorm2d takes out, but at the 3x3 conv's zero-padded border and
 * through LeakyReLU's kink), and the relativistic critics' last shifts (a constant added to every
 * prediction cancels in real_pred - fake_pred). Their sums are compared to Adam's bound,
 * numel * steps * lr (PyTorch's own sums of them move by up to 2e-3 when every parameter is
 * scaled by 1 + 2^-22 before training: scripts/fixtures' perturbation check in the report).
 */
const CONV_G_SHIFTS = ['l1.0.bias', 'conv_blocks.0.bias', 'conv_blocks.3.bias'];
function noiseDriven(model: nn.Module, extra: string[], steps: number, lr = 0.0002): Record<string, number> {
  const state = model.stateDict() as Record<string, Tensor>;
  const keys = new Set(extra.filter((k) => k in state));
  for (const [name, m] of model.namedModules()) {
    if (!(m instanceof nn.Sequential)) continue;
    const children = [...m.children()];
    children.forEach((c, i) => {
      const next = children[i + 1];
      if (next && /^(BatchNorm|InstanceNorm)/.test(next.constructor.name) && (c as Any).bias) keys.add(`${name ? `${name}.` : ''}${i}.bias`);
    });
  }
  return Object.fromEntries([...keys].map((k) => [k, state[k].numel() * steps * lr]));
}
function* enumerate<T>(it: Iterable<T>): Generator<[number, T]> {
  let i = 0;
  for (const v of it) yield [i++, v];
}
/** itertools.chain */
function* chain<T>(...its: Iterable<T>[]): Generator<T> {
  for (const it of its) yield* it;
}
const num = (t: Tensor): number => Number(t.item());
/** Python's "%f" */
const f6 = (v: number): string => v.toFixed(6);
/** save_image(tensor, path, **kwargs) without the file: make_grid's shape and sum */
function saveImage(tensor: Tensor, grids: Any[], kwargs: Any): void {
  const grid = torchvision.utils.makeGrid(tensor, kwargs);
  grids.push({ shape: grid.shape, sum: num(grid.double().sum()) });
}
function sameGrids(got: Any[], want: Any[], rtol: number, label: string): void {
  assert.equal(got.length, want.length, `${label}: count`);
  got.forEach((g, i) => {
    assert.deepEqual(g.shape, want[i].shape, `${label} ${i} shape`);
    close(g.sum, want[i].sum, rtol, `${label} ${i} sum`);
  });
}
async function warningsOf(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error): void => void seen.push(w.message);
  process.on('warning', listener);
  setWarnAlways(true);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    setWarnAlways(false);
    process.off('warning', listener);
  }
  return [...new Set(seen)].sort();
}

/** np.random's calls in these scripts, drawn from torch's generator (the fixture's NpRandom). */
const nprandom = {
  normal: (loc: number, scale: number, size: number[]): Any => torch.empty(size, { dtype: 'float64' }).normal_(loc, scale).tolist(),
  uniform: (low: number, high: number, size: number[]): Any => torch.empty(size, { dtype: 'float64' }).uniform_(low, high).tolist(),
  random: ({ size }: { size: number[] }): Any => torch.rand(size, { dtype: 'float64' }).tolist(),
  randint: (low: number, high: number, size: number): number[] => torch.randint(low, high, [size]).tolist() as number[],
};
/** np.zeros(shape) of a 2-d shape, as nested arrays */
const npZeros = ([r, c]: number[]): number[][] => Array.from({ length: r }, () => new Array<number>(c).fill(0));

const mnist = (imgSize: number, n = 24): Data.Subset<Any> =>
  new Data.Subset(
    new datasets.FashionMNIST({
      root: FASHION,
      train: true,
      download: false,
      transform: new transforms.Compose([new transforms.Resize(imgSize), new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]),
    }),
    Array.from({ length: n }, (_, i) => i),
  );

function weightsInitNormal(m: nn.Module): void {
  const classname = m.constructor.name;
  if (classname.indexOf('Conv') !== -1) {
    torch.nn.init.normal_((m as Any).weight.data, 0.0, 0.02);
  } else if (classname.indexOf('BatchNorm2d') !== -1) {
    torch.nn.init.normal_((m as Any).weight.data, 1.0, 0.02);
    torch.nn.init.constant_((m as Any).bias.data, 0.0);
  }
}

// ---------------------------------------------------------------- shared models
/** acgan/infogan/began/dragan/relativistic_gan's conv Generator: Linear, view, BatchNorm2d, Upsample, Conv2d ... */
class ConvGenerator extends nn.Module {
  init_size: number;
  l1: nn.Sequential;
  conv_blocks: nn.Sequential;
  constructor(opt: Any, inputDim: number) {
    super();
    this.init_size = Math.floor(opt.img_size / 4); // Initial size before upsampling
    this.l1 = new nn.Sequential(new nn.Linear(inputDim, 128 * this.init_size ** 2));

    this.conv_blocks = new nn.Sequential(
      new nn.BatchNorm2d(128),
      new nn.Upsample({ scaleFactor: 2 }),
      new nn.Conv2d(128, 128, 3, { stride: 1, padding: 1 }),
      new nn.BatchNorm2d(128, 0.8),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Upsample({ scaleFactor: 2 }),
      new nn.Conv2d(128, 64, 3, { stride: 1, padding: 1 }),
      new nn.BatchNorm2d(64, 0.8),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Conv2d(64, opt.channels, 3, { stride: 1, padding: 1 }),
      new nn.Tanh(),
    );
  }
  /** the body of forward after the script's own first line (which builds gen_input) */
  generate(genInput: Tensor): Tensor {
    let out = this.l1.forward(genInput);
    out = out.view(out.shape[0], 128, this.init_size, this.init_size);
    const img = this.conv_blocks.forward(out);
    return img;
  }
}
function discriminatorBlock(inFilters: number, outFilters: number, bn = true): nn.Module[] {
  // Returns layers of each discriminator block
  const block: nn.Module[] = [new nn.Conv2d(inFilters, outFilters, 3, 2, 1), new nn.LeakyReLU(0.2, { inplace: true }), new nn.Dropout2d(0.25)];
  if (bn) block.push(new nn.BatchNorm2d(outFilters, 0.8));
  return block;
}
/** dragan.py's and relativistic_gan.py's Discriminator (adv_layer with or without Sigmoid) */
function convModels(opt: Any, sigmoid: boolean) {
  class Generator extends ConvGenerator {
    constructor() {
      super(opt, opt.latent_dim);
    }
    override forward(noise: Tensor): Tensor {
      return this.generate(noise);
    }
  }
  class Discriminator extends nn.Module {
    model: nn.Sequential;
    adv_layer: nn.Sequential;
    constructor() {
      super();
      this.model = new nn.Sequential(
        ...discriminatorBlock(opt.channels, 16, false),
        ...discriminatorBlock(16, 32),
        ...discriminatorBlock(32, 64),
        ...discriminatorBlock(64, 128),
      );
      // The height and width of downsampled image
      const dsSize = Math.floor(opt.img_size / 2 ** 4);
      this.adv_layer = sigmoid ? new nn.Sequential(new nn.Linear(128 * dsSize ** 2, 1), new nn.Sigmoid()) : new nn.Sequential(new nn.Linear(128 * dsSize ** 2, 1));
    }
    override forward(img: Tensor): Tensor {
      let out = this.model.forward(img);
      out = out.view(out.shape[0], -1);
      const validity = this.adv_layer.forward(out);
      return validity;
    }
  }
  return [Generator, Discriminator] as const;
}
/** wgan_div.py's and softmax_gan.py's MLP Generator and Discriminator */
function mlpModels(opt: Any, imgShape: number[]) {
  const prod = imgShape.reduce((a, b) => a * b, 1); // int(np.prod(img_shape))
  class Generator extends nn.Module {
    model: nn.Sequential;
    constructor() {
      super();
      const block = (inFeat: number, outFeat: number, normalize = true): nn.Module[] => {
        const layers: nn.Module[] = [new nn.Linear(inFeat, outFeat)];
        if (normalize) layers.push(new nn.BatchNorm1d(outFeat, 0.8));
        layers.push(new nn.LeakyReLU(0.2, { inplace: true }));
        return layers;
      };
      this.model = new nn.Sequential(
        ...block(opt.latent_dim, 128, false),
        ...block(128, 256),
        ...block(256, 512),
        ...block(512, 1024),
        new nn.Linear(1024, prod),
        new nn.Tanh(),
      );
    }
    override forward(z: Tensor): Tensor {
      let img = this.model.forward(z);
      img = img.view(img.shape[0], ...imgShape);
      return img;
    }
  }
  class Discriminator extends nn.Module {
    model: nn.Sequential;
    constructor() {
      super();
      this.model = new nn.Sequential(
        new nn.Linear(prod, 512),
        new nn.LeakyReLU(0.2, { inplace: true }),
        new nn.Linear(512, 256),
        new nn.LeakyReLU(0.2, { inplace: true }),
        new nn.Linear(256, 1),
      );
    }
    override forward(img: Tensor): Tensor {
      const imgFlat = img.view(img.shape[0], -1);
      const validity = this.model.forward(imgFlat);
      return validity;
    }
  }
  return [Generator, Discriminator] as const;
}

describe('PyTorch-GAN on Fashion-MNIST', { skip: !existsSync(FASHION) && `${FASHION} is not installed` }, () => {
  test('acgan.py: Embedding * noise, Softmax() without dim, BCELoss + CrossEntropyLoss, weights_init_normal, sample_image', async () => {
    const want = fx.acgan;
    const res: Any = { d_loss: [], g_loss: [], d_acc: [], grids: [], prints: [] };
    let generator!: nn.Module;
    let discriminator!: nn.Module;
    const warnings = await warningsOf(() => {
      torch.manualSeed(0);
      const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 100, n_classes: 10, img_size: 16, channels: 1, sample_interval: 400 };
      const cuda = false;

      class Generator extends nn.Module {
        label_emb: nn.Embedding;
        init_size: number;
        l1: nn.Sequential;
        conv_blocks: nn.Sequential;
        constructor() {
          super();
          this.label_emb = new nn.Embedding(opt.n_classes, opt.latent_dim);
          this.init_size = Math.floor(opt.img_size / 4); // Initial size before upsampling
          this.l1 = new nn.Sequential(new nn.Linear(opt.latent_dim, 128 * this.init_size ** 2));
          this.conv_blocks = new nn.Sequential(
            new nn.BatchNorm2d(128),
            new nn.Upsample({ scaleFactor: 2 }),
            new nn.Conv2d(128, 128, 3, { stride: 1, padding: 1 }),
            new nn.BatchNorm2d(128, 0.8),
            new nn.LeakyReLU(0.2, { inplace: true }),
            new nn.Upsample({ scaleFactor: 2 }),
            new nn.Conv2d(128, 64, 3, { stride: 1, padding: 1 }),
            new nn.BatchNorm2d(64, 0.8),
            new nn.LeakyReLU(0.2, { inplace: true }),
            new nn.Conv2d(64, opt.channels, 3, { stride: 1, padding: 1 }),
            new nn.Tanh(),
          );
        }
        override forward(noise: Tensor, labels: Tensor): Tensor {
          const genInput = torch.mul(this.label_emb.forward(labels), noise);
          let out = this.l1.forward(genInput);
          out = out.view(out.shape[0], 128, this.init_size, this.init_size);
          const img = this.conv_blocks.forward(out);
          return img;
        }
      }
      class Discriminator extends nn.Module {
        conv_blocks: nn.Sequential;
        adv_layer: nn.Sequential;
        aux_layer: nn.Sequential;
        constructor() {
          super();
          this.conv_blocks = new nn.Sequential(
            ...discriminatorBlock(opt.channels, 16, false),
            ...discriminatorBlock(16, 32),
            ...discriminatorBlock(32, 64),
            ...discriminatorBlock(64, 128),
          );
          // The height and width of downsampled image
          const dsSize = Math.floor(opt.img_size / 2 ** 4);
          // Output layers
          this.adv_layer = new nn.Sequential(new nn.Linear(128 * dsSize ** 2, 1), new nn.Sigmoid());
          this.aux_layer = new nn.Sequential(new nn.Linear(128 * dsSize ** 2, opt.n_classes), new nn.Softmax());
        }
        override forward(img: Tensor): [Tensor, Tensor] {
          let out = this.conv_blocks.forward(img);
          out = out.view(out.shape[0], -1);
          const validity = this.adv_layer.forward(out);
          const label = this.aux_layer.forward(out);
          return [validity, label];
        }
      }

      // Loss functions
      const adversarialLoss = new torch.nn.BCELoss();
      const auxiliaryLoss = new torch.nn.CrossEntropyLoss();
      // Initialize generator and discriminator
      const gen = new Generator();
      const disc = new Discriminator();
      [generator, discriminator] = [gen, disc];
      // Initialize weights
      gen.apply(weightsInitNormal);
      disc.apply(weightsInitNormal);
      sameSums(sums(gen), want.init_sums_G, 1e-12, 1e-12, 'init G');
      sameSums(sums(disc), want.init_sums_D, 1e-12, 1e-12, 'init D');

      const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });
      // Optimizers
      const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

      const FloatTensor = cuda ? null! : torch.FloatTensor;
      const LongTensor = cuda ? null! : torch.LongTensor;

      const sampleImage = (nRow: number, batchesDone: number): void => {
        // Saves a grid of generated digits ranging from 0 to n_classes
        // Sample noise
        const z = Variable(FloatTensor(nprandom.normal(0, 1, [nRow ** 2, opt.latent_dim])));
        // Get labels ranging from 0 to n_classes for n rows
        let labels: Any = Array.from({ length: nRow }, () => Array.from({ length: nRow }, (_, num) => num)).flat();
        labels = Variable(LongTensor(labels));
        const genImgs = gen.forward(z, labels);
        saveImage(genImgs.data, res.grids, { nrow: nRow, normalize: true });
        void batchesDone;
      };

      for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
        for (let [i, [imgs, labels]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) {
          const batchSize = imgs.shape[0];
          // Adversarial ground truths
          const valid = Variable(FloatTensor(batchSize, 1).fill_(1.0), { requiresGrad: false });
          const fake = Variable(FloatTensor(batchSize, 1).fill_(0.0), { requiresGrad: false });
          // Configure input
          const realImgs = Variable(imgs.type(FloatTensor));
          labels = Variable(labels.type(LongTensor));

          //  Train Generator
          optimizerG.zeroGrad();
          // Sample noise and labels as generator input
          const z = Variable(FloatTensor(nprandom.normal(0, 1, [batchSize, opt.latent_dim])));
          const genLabels = Variable(LongTensor(nprandom.randint(0, opt.n_classes, batchSize)));
          // Generate a batch of images
          const genImgs = gen.forward(z, genLabels);
          // Loss measures generator's ability to fool the discriminator
          const [validity, predLabel] = disc.forward(genImgs);
          const gLoss = adversarialLoss.forward(validity, valid).add(auxiliaryLoss.forward(predLabel, genLabels)).mul(0.5);
          gLoss.backward();
          optimizerG.step();

          //  Train Discriminator
          optimizerD.zeroGrad();
          // Loss for real images
          const [realPred, realAux] = disc.forward(realImgs);
          const dRealLoss = adversarialLoss.forward(realPred, valid).add(auxiliaryLoss.forward(realAux, labels)).div(2);
          // Loss for fake images
          const [fakePred, fakeAux] = disc.forward(genImgs.detach());
          const dFakeLoss = adversarialLoss.forward(fakePred, fake).add(auxiliaryLoss.forward(fakeAux, genLabels)).div(2);
          // Total discriminator loss
          const dLoss = dRealLoss.add(dFakeLoss).div(2);

          // Calculate discriminator accuracy (numpy's concatenate / argmax / mean, written with torch)
          const pred = torch.cat([realAux.data.cpu(), fakeAux.data.cpu()], 0);
          const gt = torch.cat([labels.data.cpu(), genLabels.data.cpu()], 0);
          const dAcc = num(torch.argmax(pred, 1).eq(gt).double().mean());

          dLoss.backward();
          optimizerD.step();

          res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}, acc: ${Math.trunc(100 * dAcc)}%] [G loss: ${f6(num(gLoss))}]`);
          res.d_loss.push(num(dLoss));
          res.g_loss.push(num(gLoss));
          res.d_acc.push(dAcc);
          const batchesDone = epoch * dataloader.length + i;
          if (batchesDone % opt.sample_interval === 0) sampleImage(10, batchesDone);
        }
      }
    });
    assert.deepEqual(warnings, want.warnings);
    assert.equal(String(generator), want.repr_G);
    assert.equal(String(discriminator), want.repr_D);
    closeAll(res.d_loss, want.d_loss, 1e-5, 'd_loss');
    closeAll(res.g_loss, want.g_loss, 1e-5, 'g_loss');
    assert.deepEqual(res.d_acc, want.d_acc);
    sameLines(res.prints, want.prints, 1e-5, 'print');
    sameGrids(res.grids, want.grids, 1e-5, 'sample_image grid');
    sameSums(sums(generator), want.sums_G, 1e-5, 1e-5, 'G', noiseDriven(generator, CONV_G_SHIFTS, 3), generator);
    sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, [], 3), discriminator);
  });

  test('cgan.py: label Embedding concatenated, BatchNorm1d(n, 0.8), Dropout(0.4), MSELoss', async () => {
    const want = fx.cgan;
    const res: Any = { d_loss: [], g_loss: [], grids: [], prints: [] };
    let generator!: nn.Module;
    let discriminator!: nn.Module;
    const warnings = await warningsOf(() => {
      torch.manualSeed(0);
      const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 100, n_classes: 10, img_size: 16, channels: 1, sample_interval: 400 };
      const imgShape = [opt.channels, opt.img_size, opt.img_size];
      const prod = imgShape.reduce((a, b) => a * b, 1); // int(np.prod(img_shape))
      const cuda = false;

      class Generator extends nn.Module {
        label_emb: nn.Embedding;
        model: nn.Sequential;
        constructor() {
          super();
          this.label_emb = new nn.Embedding(opt.n_classes, opt.n_classes);
          const block = (inFeat: number, outFeat: number, normalize = true): nn.Module[] => {
            const layers: nn.Module[] = [new nn.Linear(inFeat, outFeat)];
            if (normalize) layers.push(new nn.BatchNorm1d(outFeat, 0.8));
            layers.push(new nn.LeakyReLU(0.2, { inplace: true }));
            return layers;
          };
          this.model = new nn.Sequential(
            ...block(opt.latent_dim + opt.n_classes, 128, false),
            ...block(128, 256),
            ...block(256, 512),
            ...block(512, 1024),
            new nn.Linear(1024, prod),
            new nn.Tanh(),
          );
        }
        override forward(noise: Tensor, labels: Tensor): Tensor {
          // Concatenate label embedding and image to produce input
          const genInput = torch.cat([this.label_emb.forward(labels), noise], -1);
          let img = this.model.forward(genInput);
          img = img.view(img.size(0), ...imgShape);
          return img;
        }
      }
      class Discriminator extends nn.Module {
        label_embedding: nn.Embedding;
        model: nn.Sequential;
        constructor() {
          super();
          this.label_embedding = new nn.Embedding(opt.n_classes, opt.n_classes);
          this.model = new nn.Sequential(
            new nn.Linear(opt.n_classes + prod, 512),
            new nn.LeakyReLU(0.2, { inplace: true }),
            new nn.Linear(512, 512),
            new nn.Dropout(0.4),
            new nn.LeakyReLU(0.2, { inplace: true }),
            new nn.Linear(512, 512),
            new nn.Dropout(0.4),
            new nn.LeakyReLU(0.2, { inplace: true }),
            new nn.Linear(512, 1),
          );
        }
        override forward(img: Tensor, labels: Tensor): Tensor {
          // Concatenate label embedding and image to produce input
          const dIn = torch.cat([img.view(img.size(0), -1), this.label_embedding.forward(labels)], -1);
          const validity = this.model.forward(dIn);
          return validity;
        }
      }

      const adversarialLoss = new torch.nn.MSELoss();
      const gen = new Generator();
      const disc = new Discriminator();
      [generator, discriminator] = [gen, disc];
      const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });
      const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

      const FloatTensor = cuda ? null! : torch.FloatTensor;
      const LongTensor = cuda ? null! : torch.LongTensor;

      const sampleImage = (nRow: number): void => {
        const z = Variable(FloatTensor(nprandom.normal(0, 1, [nRow ** 2, opt.latent_dim])));
        let labels: Any = Array.from({ length: nRow }, () => Array.from({ length: nRow }, (_, num) => num)).flat();
        labels = Variable(LongTensor(labels));
        const genImgs = gen.forward(z, labels);
        saveImage(genImgs.data, res.grids, { nrow: nRow, normalize: true });
      };

      for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
        for (let [i, [imgs, labels]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) {
          const batchSize = imgs.shape[0];
          const valid = Variable(FloatTensor(batchSize, 1).fill_(1.0), { requiresGrad: false });
          const fake = Variable(FloatTensor(batchSize, 1).fill_(0.0), { requiresGrad: false });
          const realImgs = Variable(imgs.type(FloatTensor));
          labels = Variable(labels.type(LongTensor));

          optimizerG.zeroGrad();
          const z = Variable(FloatTensor(nprandom.normal(0, 1, [batchSize, opt.latent_dim])));
          const genLabels = Variable(LongTensor(nprandom.randint(0, opt.n_classes, batchSize)));
          const genImgs = gen.forward(z, genLabels);
          const validity = disc.forward(genImgs, genLabels);
          const gLoss = adversarialLoss.forward(validity, valid);
          gLoss.backward();
          optimizerG.step();

          optimizerD.zeroGrad();
          const validityReal = disc.forward(realImgs, labels);
          const dRealLoss = adversarialLoss.forward(validityReal, valid);
          const validityFake = disc.forward(genImgs.detach(), genLabels);
          const dFakeLoss = adversarialLoss.forward(validityFake, fake);
          const dLoss = dRealLoss.add(dFakeLoss).div(2);
          dLoss.backward();
          optimizerD.step();

          res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G loss: ${f6(num(gLoss))}]`);
          res.d_loss.push(num(dLoss));
          res.g_loss.push(num(gLoss));
          const batchesDone = epoch * dataloader.length + i;
          if (batchesDone % opt.sample_interval === 0) sampleImage(10);
        }
      }
    });
    assert.deepEqual(warnings, want.warnings);
    assert.equal(String(generator), want.repr_G);
    assert.equal(String(discriminator), want.repr_D);
    closeAll(res.d_loss, want.d_loss, 1e-5, 'd_loss');
    closeAll(res.g_loss, want.g_loss, 1e-5, 'g_loss');
    sameLines(res.prints, want.prints, 1e-5, 'print');
    sameGrids(res.grids, want.grids, 1e-5, 'sample_image grid');
    sameSums(sums(generator), want.sums_G, 1e-5, 1e-5, 'G', noiseDriven(generator, [], 3), generator);
    sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, [], 3), discriminator);
  });

  test('infogan.py: to_categorical, itertools.chain of both models\' parameters, three losses, static/varied code samples', async () => {
    const want = fx.infogan;
    const res: Any = { d_loss: [], g_loss: [], info_loss: [], grids: [], prints: [] };
    let generator!: nn.Module;
    let discriminator!: nn.Module;
    const warnings = await warningsOf(() => {
      torch.manualSeed(0);
      const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 62, code_dim: 2, n_classes: 10, img_size: 16, channels: 1, sample_interval: 400 };
      const cuda = false;

      const weightsInitNormal = (m: nn.Module): void => {
        const classname = m.constructor.name;
        if (classname.indexOf('Conv') !== -1) {
          torch.nn.init.normal_((m as Any).weight.data, 0.0, 0.02);
        } else if (classname.indexOf('BatchNorm') !== -1) {
          torch.nn.init.normal_((m as Any).weight.data, 1.0, 0.02);
          torch.nn.init.constant_((m as Any).bias.data, 0.0);
        }
      };
      const toCategorical = (y: number[], numColumns: number): Tensor => {
        // Returns one-hot encoded Variable
        const yCat = npZeros([y.length, numColumns]);
        y.forEach((c, r) => (yCat[r][c] = 1.0)); // y_cat[range(y.shape[0]), y] = 1.0
        return Variable(FloatTensor(yCat));
      };

      class Generator extends ConvGenerator {
        constructor() {
          super(opt, opt.latent_dim + opt.n_classes + opt.code_dim);
        }
        override forward(noise: Tensor, labels: Tensor, code: Tensor): Tensor {
          const genInput = torch.cat([noise, labels, code], -1);
          return this.generate(genInput);
        }
      }
      class Discriminator extends nn.Module {
        conv_blocks: nn.Sequential;
        adv_layer: nn.Sequential;
        aux_layer: nn.Sequential;
        latent_layer: nn.Sequential;
        constructor() {
          super();
          this.conv_blocks = new nn.Sequential(
            ...discriminatorBlock(opt.channels, 16, false),
            ...discriminatorBlock(16, 32),
            ...discriminatorBlock(32, 64),
            ...discriminatorBlock(64, 128),
          );
          const dsSize = Math.floor(opt.img_size / 2 ** 4);
          this.adv_layer = new nn.Sequential(new nn.Linear(128 * dsSize ** 2, 1));
          this.aux_layer = new nn.Sequential(new nn.Linear(128 * dsSize ** 2, opt.n_classes), new nn.Softmax());
          this.latent_layer = new nn.Sequential(new nn.Linear(128 * dsSize ** 2, opt.code_dim));
        }
        override forward(img: Tensor): [Tensor, Tensor, Tensor] {
          let out = this.conv_blocks.forward(img);
          out = out.view(out.shape[0], -1);
          const validity = this.adv_layer.forward(out);
          const label = this.aux_layer.forward(out);
          const latentCode = this.latent_layer.forward(out);
          return [validity, label, latentCode];
        }
      }

      const adversarialLoss = new torch.nn.MSELoss();
      const categoricalLoss = new torch.nn.CrossEntropyLoss();
      const continuousLoss = new torch.nn.MSELoss();
      const lambdaCat = 1;
      const lambdaCon = 0.1;
      const gen = new Generator();
      const disc = new Discriminator();
      [generator, discriminator] = [gen, disc];
      gen.apply(weightsInitNormal);
      disc.apply(weightsInitNormal);
      sameSums(sums(gen), want.init_sums_G, 1e-12, 1e-12, 'init G');
      sameSums(sums(disc), want.init_sums_D, 1e-12, 1e-12, 'init D');

      const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });

      const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerInfo = new torch.optim.Adam(chain(gen.parameters(), disc.parameters()), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      assert.equal(optimizerInfo.paramGroups[0].params.length, want.info_param_count);

      const FloatTensor = cuda ? null! : torch.FloatTensor;
      const LongTensor = cuda ? null! : torch.LongTensor;

      // Static generator inputs for sampling
      const staticZ = Variable(FloatTensor(npZeros([opt.n_classes ** 2, opt.latent_dim])));
      const staticLabel = toCategorical(Array.from({ length: opt.n_classes }, () => Array.from({ length: opt.n_classes }, (_, n) => n)).flat(), opt.n_classes);
      const staticCode = Variable(FloatTensor(npZeros([opt.n_classes ** 2, opt.code_dim])));

      const sampleImage = (nRow: number): void => {
        // Static sample
        const z = Variable(FloatTensor(nprandom.normal(0, 1, [nRow ** 2, opt.latent_dim])));
        const staticSample = gen.forward(z, staticLabel, staticCode);
        saveImage(staticSample.data, res.grids, { nrow: nRow, normalize: true });
        // Get varied c1 and c2
        const zeros = npZeros([nRow ** 2, 1]);
        // np.repeat(np.linspace(-1, 1, n_row)[:, np.newaxis], n_row, 0)
        const cVaried = (torch.linspace(-1, 1, nRow, { dtype: 'float64' }).tolist() as number[]).flatMap((v) => Array.from({ length: nRow }, () => [v]));
        const c1 = Variable(FloatTensor(cVaried.map((r, j) => [...r, ...zeros[j]])));
        const c2 = Variable(FloatTensor(cVaried.map((r, j) => [...zeros[j], ...r])));
        const sample1 = gen.forward(staticZ, staticLabel, c1);
        const sample2 = gen.forward(staticZ, staticLabel, c2);
        saveImage(sample1.data, res.grids, { nrow: nRow, normalize: true });
        saveImage(sample2.data, res.grids, { nrow: nRow, normalize: true });
      };

      for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
        for (let [i, [imgs, labels]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) {
          const batchSize = imgs.shape[0];
          const valid = Variable(FloatTensor(batchSize, 1).fill_(1.0), { requiresGrad: false });
          const fake = Variable(FloatTensor(batchSize, 1).fill_(0.0), { requiresGrad: false });
          const realImgs = Variable(imgs.type(FloatTensor));
          labels = toCategorical(labels.tolist() as number[], opt.n_classes);

          //  Train Generator
          optimizerG.zeroGrad();
          let z = Variable(FloatTensor(nprandom.normal(0, 1, [batchSize, opt.latent_dim])));
          let labelInput = toCategorical(nprandom.randint(0, opt.n_classes, batchSize), opt.n_classes);
          let codeInput = Variable(FloatTensor(nprandom.uniform(-1, 1, [batchSize, opt.code_dim])));
          let genImgs = gen.forward(z, labelInput, codeInput);
          const [validity] = disc.forward(genImgs);
          const gLoss = adversarialLoss.forward(validity, valid);
          gLoss.backward();
          optimizerG.step();

          //  Train Discriminator
          optimizerD.zeroGrad();
          const [realPred] = disc.forward(realImgs);
          const dRealLoss = adversarialLoss.forward(realPred, valid);
          const [fakePred] = disc.forward(genImgs.detach());
          const dFakeLoss = adversarialLoss.forward(fakePred, fake);
          const dLoss = dRealLoss.add(dFakeLoss).div(2);
          dLoss.backward();
          optimizerD.step();

          // Information Loss
          optimizerInfo.zeroGrad();
          const sampledLabels = nprandom.randint(0, opt.n_classes, batchSize);
          const gtLabels = Variable(LongTensor(sampledLabels), { requiresGrad: false });
          z = Variable(FloatTensor(nprandom.normal(0, 1, [batchSize, opt.latent_dim])));
          labelInput = toCategorical(sampledLabels, opt.n_classes);
          codeInput = Variable(FloatTensor(nprandom.uniform(-1, 1, [batchSize, opt.code_dim])));
          genImgs = gen.forward(z, labelInput, codeInput);
          const [, predLabel, predCode] = disc.forward(genImgs);
          const infoLoss = categoricalLoss.forward(predLabel, gtLabels).mul(lambdaCat).add(continuousLoss.forward(predCode, codeInput).mul(lambdaCon));
          infoLoss.backward();
          optimizerInfo.step();

          res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G loss: ${f6(num(gLoss))}] [info loss: ${f6(num(infoLoss))}]`);
          res.d_loss.push(num(dLoss));
          res.g_loss.push(num(gLoss));
          res.info_loss.push(num(infoLoss));
          const batchesDone = epoch * dataloader.length + i;
          if (batchesDone % opt.sample_interval === 0) sampleImage(10);
        }
      }
    });
    assert.deepEqual(warnings, want.warnings);
    assert.equal(String(discriminator), want.repr_D);
    closeAll(res.d_loss, want.d_loss, 1e-5, 'd_loss');
    closeAll(res.g_loss, want.g_loss, 1e-5, 'g_loss');
    closeAll(res.info_loss, want.info_loss, 1e-5, 'info_loss');
    sameLines(res.prints, want.prints, 1e-5, 'print');
    sameGrids(res.grids, want.grids, 1e-5, 'sample_image grid');
    sameSums(sums(generator), want.sums_G, 1e-5, 1e-5, 'G', noiseDriven(generator, CONV_G_SHIFTS, 6), generator);
    sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, [], 6), discriminator);
  });

  test('began.py: auto-encoder discriminator with BatchNorm1d, the k control term, .data[0] of a 0-dim tensor (IndexError)', async () => {
    const want = fx.began;
    const res: Any = { d_loss: [], g_loss: [], M: [], k: [], errors: [], grids: [], prints: [] };
    let generator!: nn.Module;
    let discriminator!: nn.Module;
    const warnings = await warningsOf(() => {
      torch.manualSeed(0);
      const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 62, img_size: 16, channels: 1, sample_interval: 400 };
      const cuda = false;

      class Generator extends ConvGenerator {
        constructor() {
          super(opt, opt.latent_dim);
        }
        override forward(noise: Tensor): Tensor {
          return this.generate(noise);
        }
      }
      class Discriminator extends nn.Module {
        down: nn.Sequential;
        down_size: number;
        fc: nn.Sequential;
        up: nn.Sequential;
        constructor() {
          super();
          // Upsampling
          this.down = new nn.Sequential(new nn.Conv2d(opt.channels, 64, 3, 2, 1), new nn.ReLU());
          // Fully-connected layers
          this.down_size = Math.floor(opt.img_size / 2);
          const downDim = 64 * Math.floor(opt.img_size / 2) ** 2;
          this.fc = new nn.Sequential(
            new nn.Linear(downDim, 32),
            new nn.BatchNorm1d(32, 0.8),
            new nn.ReLU({ inplace: true }),
            new nn.Linear(32, downDim),
            new nn.BatchNorm1d(downDim),
            new nn.ReLU({ inplace: true }),
          );
          // Upsampling
          this.up = new nn.Sequential(new nn.Upsample({ scaleFactor: 2 }), new nn.Conv2d(64, opt.channels, 3, 1, 1));
        }
        override forward(img: Tensor): Tensor {
          let out = this.down.forward(img);
          out = this.fc.forward(out.view(out.size(0), -1));
          out = this.up.forward(out.view(out.size(0), 64, this.down_size, this.down_size));
          return out;
        }
      }

      const gen = new Generator();
      const disc = new Discriminator();
      [generator, discriminator] = [gen, disc];
      gen.apply(weightsInitNormal);
      disc.apply(weightsInitNormal);
      const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });
      const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

      const Tensor = cuda ? null! : torch.FloatTensor;

      // BEGAN hyper parameters
      const gamma = 0.75;
      const lambdaK = 0.001;
      let k = 0.0;

      for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
        for (const [i, [imgs]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) {
          const realImgs = Variable(imgs.type(Tensor));

          optimizerG.zeroGrad();
          const z = Variable(Tensor(nprandom.normal(0, 1, [imgs.shape[0], opt.latent_dim])));
          const genImgs = gen.forward(z);
          const gLoss = torch.mean(torch.abs(disc.forward(genImgs).sub(genImgs)));
          gLoss.backward();
          optimizerG.step();

          optimizerD.zeroGrad();
          const dReal = disc.forward(realImgs);
          const dFake = disc.forward(genImgs.detach());
          const dLossReal = torch.mean(torch.abs(dReal.sub(realImgs)));
          const dLossFake = torch.mean(torch.abs(dFake.sub(genImgs.detach())));
          const dLoss = dLossReal.sub(dLossFake.mul(k));
          dLoss.backward();
          optimizerD.step();

          const diff = torch.mean(dLossReal.mul(gamma).sub(dLossFake));
          // Update weight term for fake samples
          k = k + lambdaK * num(diff);
          k = Math.min(Math.max(k, 0), 1); // Constraint to interval [0, 1]
          // Update convergence metric
          let M: number;
          try {
            M = num(dLossReal.add(torch.abs(diff)).data.index(0));
          } catch (e) {
            // PyTorch: IndexError; JavaScript has no IndexError, torchlette throws a RangeError with the same message
            res.errors.push(`IndexError: ${(e as Error).message}`);
            M = num(dLossReal.add(torch.abs(diff)).data);
          }
          res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G loss: ${f6(num(gLoss))}] -- M: ${f6(M)}, k: ${f6(k)}`);
          res.d_loss.push(num(dLoss));
          res.g_loss.push(num(gLoss));
          res.M.push(M);
          res.k.push(k);
          const batchesDone = epoch * dataloader.length + i;
          if (batchesDone % opt.sample_interval === 0) saveImage(genImgs.data.index(':25'), res.grids, { nrow: 5, normalize: true });
        }
      }
    });
    assert.deepEqual(warnings, want.warnings);
    assert.equal(String(discriminator), want.repr_D);
    assert.deepEqual(res.errors, want.errors);
    closeAll(res.d_loss, want.d_loss, 2e-4, 'd_loss');
    closeAll(res.g_loss, want.g_loss, 2e-4, 'g_loss');
    closeAll(res.M, want.M, 2e-4, 'M');
    closeAll(res.k, want.k, 2e-4, 'k');
    sameLines(res.prints, want.prints, 2e-4, 'print');
    sameGrids(res.grids, want.grids, 2e-4, 'grid');
    // BEGAN's D is an auto-encoder whose fc bottleneck (Linear(4096, 32) -> BatchNorm1d(32, eps=0.8)
    // -> Linear(32, 4096) -> BatchNorm1d(4096) over 8 samples) normalizes features of tiny spread:
    // PyTorch's own losses move by 8e-5 and its sums by up to 4e-2 when every parameter is scaled
    // by 1 + 2^-22 before training (3e-4 / 4e-2 when F.linear is matmul + bias instead of addmm),
    // so the losses are compared to 2e-4 and the sums to 5e-2.
    sameSums(sums(generator), want.sums_G, 1e-5, 5e-2, 'G');
    sameSums(sums(discriminator), want.sums_D, 1e-5, 5e-2, 'D');
  });

  test('dragan.py: compute_gradient_penalty with X.std(), torch.rand(X.size()), autograd.grad(create_graph=True)', async () => {
    const want = fx.dragan;
    const res: Any = { d_loss: [], g_loss: [], gp: [], grids: [], prints: [] };
    let generator!: nn.Module;
    let discriminator!: nn.Module & { model: nn.Sequential };
    const warnings = await warningsOf(() => {
      torch.manualSeed(0);
      const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 100, img_size: 16, channels: 1, sample_interval: 400 };
      const cuda = false;
      const [Generator, Discriminator] = convModels(opt, true);

      const adversarialLoss = new torch.nn.BCELoss();
      const lambdaGp = 10;
      const gen = new Generator();
      const disc = new Discriminator();
      [generator, discriminator] = [gen, disc];
      gen.apply(weightsInitNormal);
      disc.apply(weightsInitNormal);
      const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });
      const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

      const Tensor = cuda ? null! : torch.FloatTensor;

      const computeGradientPenalty = (D: nn.Module, X: Tensor): Tensor => {
        // Calculates the gradient penalty loss for DRAGAN
        // Random weight term for interpolation
        const alpha = Tensor(nprandom.random({ size: X.shape }));
        let interpolates = alpha.mul(X).add(alpha.rsub(1).mul(X.add(X.std().mul(0.5).mul(torch.rand(X.size())))));
        interpolates = Variable(interpolates, { requiresGrad: true });
        const dInterpolates = D.forward(interpolates) as Tensor;
        const fake = Variable(Tensor(X.shape[0], 1).fill_(1.0), { requiresGrad: false });
        // Get gradient w.r.t. interpolates
        const gradients = autograd.grad({
          outputs: dInterpolates,
          inputs: interpolates,
          gradOutputs: fake,
          createGraph: true,
          retainGraph: true,
          onlyInputs: true,
        })[0]!;
        const gradientPenalty = gradients.norm(2, { dim: 1 }).sub(1).pow(2).mean().mul(lambdaGp);
        return gradientPenalty;
      };

      let genImgs!: Tensor;
      for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
        for (const [i, [imgs]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) { // `mnist_loader` in the script (undefined)
          const valid = Variable(Tensor(imgs.shape[0], 1).fill_(1.0), { requiresGrad: false });
          const fake = Variable(Tensor(imgs.shape[0], 1).fill_(0.0), { requiresGrad: false });
          const realImgs = Variable(imgs.type(Tensor));

          optimizerG.zeroGrad();
          const z = Variable(Tensor(nprandom.normal(0, 1, [imgs.shape[0], opt.latent_dim])));
          genImgs = gen.forward(z);
          const gLoss = adversarialLoss.forward(disc.forward(genImgs), valid);
          gLoss.backward();
          optimizerG.step();

          optimizerD.zeroGrad();
          const realLoss = adversarialLoss.forward(disc.forward(realImgs), valid);
          const fakeLoss = adversarialLoss.forward(disc.forward(genImgs.detach()), fake);
          const dLoss = realLoss.add(fakeLoss).div(2);
          // Calculate gradient penalty
          const gradientPenalty = computeGradientPenalty(disc, realImgs.data);
          gradientPenalty.backward();
          optimizerD.step();

          res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G loss: ${f6(num(gLoss))}]`);
          res.d_loss.push(num(dLoss));
          res.g_loss.push(num(gLoss));
          res.gp.push(num(gradientPenalty));
          if (i === 0) {
            // DIVERGENCE: PyTorch's grad_fn.name() is a method; torchlette's Node.name is a string
            // property, so `gradientPenalty.gradFn!.name()` throws "name is not a function"
            res.gp_grad_fn = gradientPenalty.gradFn!.name;
            res.grad_D0 = num((disc.model.get(0) as nn.Conv2d).weight.grad!.double().sum());
          }
        }
        saveImage(genImgs.data, res.grids, { nrow: Math.trunc(Math.sqrt(opt.batch_size)), normalize: true });
      }
    });
    assert.deepEqual(warnings, want.warnings);
    assert.equal(String(discriminator), want.repr_D);
    closeAll(res.d_loss, want.d_loss, 1e-5, 'd_loss');
    closeAll(res.g_loss, want.g_loss, 1e-5, 'g_loss');
    closeAll(res.gp, want.gp, 1e-6, 'gradient_penalty');
    assert.equal(res.gp_grad_fn, want.gp_grad_fn);
    // the first conv's weight gradient from the penalty alone: a sum of ~-6e-8 (the penalty is
    // ~lambda_gp: its gradient is tiny), compared to an absolute 1e-11
    close(res.grad_D0, want.grad_D0, 1e-3, 'D.model[0].weight.grad sum', 1e-11);
    sameLines(res.prints, want.prints, 1e-5, 'print');
    sameGrids(res.grids, want.grids, 1e-5, 'grid');
    sameSums(sums(generator), want.sums_G, 1e-5, 1e-5, 'G', noiseDriven(generator, CONV_G_SHIFTS, 3), generator);
    sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, [], 3), discriminator);
  });

  test('wgan_div.py: real_imgs with requires_grad, two autograd.grad(create_graph=True), ** (p / 2), n_critic', async () => {
    const want = fx.wgan_div;
    const res: Any = { d_loss: [], div_gp: [], g_loss: [], grids: [], prints: [] };
    let generator!: nn.Module & { model: nn.Sequential };
    let discriminator!: nn.Module;
    const warnings = await warningsOf(() => {
      torch.manualSeed(0);
      const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 100, img_size: 16, channels: 1, n_critic: 5, clip_value: 0.01, sample_interval: 400 };
      const imgShape = [opt.channels, opt.img_size, opt.img_size];
      const cuda = false;
      const [Generator, Discriminator] = mlpModels(opt, imgShape);

      const k = 2;
      const p = 6;
      const gen = new Generator();
      const disc = new Discriminator();
      [generator, discriminator] = [gen, disc];
      const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });
      const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

      const Tensor = cuda ? null! : torch.FloatTensor;

      let batchesDone = 0;
      for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
        for (const [i, [imgs]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) {
          const realImgs = Variable(imgs.type(Tensor), { requiresGrad: true });

          optimizerD.zeroGrad();
          const z = Variable(Tensor(nprandom.normal(0, 1, [imgs.shape[0], opt.latent_dim])));
          let fakeImgs = gen.forward(z);
          const realValidity = disc.forward(realImgs);
          let fakeValidity = disc.forward(fakeImgs);

          // Compute W-div gradient penalty
          const realGradOut = Variable(Tensor(realImgs.size(0), 1).fill_(1.0), { requiresGrad: false });
          const realGrad = autograd.grad(realValidity, realImgs, realGradOut, { createGraph: true, retainGraph: true, onlyInputs: true })[0]!;
          const realGradNorm = realGrad.view(realGrad.size(0), -1).pow(2).sum(1).pow(p / 2);

          const fakeGradOut = Variable(Tensor(fakeImgs.size(0), 1).fill_(1.0), { requiresGrad: false });
          const fakeGrad = autograd.grad(fakeValidity, fakeImgs, fakeGradOut, { createGraph: true, retainGraph: true, onlyInputs: true })[0]!;
          const fakeGradNorm = fakeGrad.view(fakeGrad.size(0), -1).pow(2).sum(1).pow(p / 2);

          const divGp = torch.mean(realGradNorm.add(fakeGradNorm)).mul(k).div(2);

          // Adversarial loss
          const dLoss = torch.mean(realValidity).neg().add(torch.mean(fakeValidity)).add(divGp);
          dLoss.backward();
          optimizerD.step();
          res.d_loss.push(num(dLoss));
          res.div_gp.push(num(divGp));
          if (i === 0) {
            res.grad_G_last = num((gen.model.at(-2) as nn.Linear).weight.grad!.double().sum());
            res.real_imgs_grad = num(realImgs.grad!.double().sum());
          }

          optimizerG.zeroGrad();
          // Train the generator every n_critic steps
          if (i % opt.n_critic === 0) {
            fakeImgs = gen.forward(z);
            fakeValidity = disc.forward(fakeImgs);
            const gLoss = torch.mean(fakeValidity).neg();
            gLoss.backward();
            optimizerG.step();
            res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G loss: ${f6(num(gLoss))}]`);
            res.g_loss.push(num(gLoss));
            if (batchesDone % opt.sample_interval === 0) saveImage(fakeImgs.data.index(':25'), res.grids, { nrow: 5, normalize: true });
            batchesDone += opt.n_critic;
          }
        }
      }
    });
    assert.deepEqual(warnings, want.warnings);
    closeAll(res.d_loss, want.d_loss, 1e-5, 'd_loss');
    closeAll(res.div_gp, want.div_gp, 1e-4, 'div_gp', 0);
    closeAll(res.g_loss, want.g_loss, 1e-4, 'g_loss');
    close(res.grad_G_last, want.grad_G_last, 1e-5, 'G.model[-2].weight.grad sum after d_loss.backward()');
    close(res.real_imgs_grad, want.real_imgs_grad, 1e-5, 'real_imgs.grad sum');
    sameLines(res.prints, want.prints, 1e-5, 'print');
    sameGrids(res.grids, want.grids, 1e-5, 'grid');
    sameSums(sums(generator), want.sums_G, 1e-5, 1e-5, 'G', noiseDriven(generator, [], 3), generator);
    sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, [], 3), discriminator);
  });

  test('softmax_gan.py: backward(retain_graph=True), optimizer_D.step(), then g_loss.backward() through modified weights (PyTorch\'s error)', async () => {
    const want = fx.softmax_gan;
    const res: Any = { d_loss: [], errors: [], prints: [] };
    let generator!: nn.Module;
    let discriminator!: nn.Module;
    const warnings = await warningsOf(() => {
      torch.manualSeed(0);
      const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 100, img_size: 16, channels: 1, sample_interval: 400 };
      const imgShape = [opt.channels, opt.img_size, opt.img_size];
      const cuda = false;
      const [Generator, Discriminator] = mlpModels(opt, imgShape);

      const adversarialLoss = new torch.nn.BCELoss(); // unused in the script too
      void adversarialLoss;
      const gen = new Generator();
      const disc = new Discriminator();
      [generator, discriminator] = [gen, disc];
      const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });
      const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
      const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

      const Tensor = cuda ? null! : torch.FloatTensor;
      const log = (x: Tensor): Tensor => torch.log(x.add(1e-8));

      try {
        for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
          for (const [i, [imgs]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) {
            optimizerG.zeroGrad();
            optimizerD.zeroGrad();
            const batchSize = imgs.shape[0];
            // Adversarial ground truths
            const gTarget = 1 / (batchSize * 2);
            const dTarget = 1 / batchSize;
            const realImgs = Variable(imgs.type(Tensor));
            const z = Variable(Tensor(nprandom.normal(0, 1, [imgs.shape[0], opt.latent_dim])));
            const genImgs = gen.forward(z);
            const dReal = disc.forward(realImgs);
            const dFake = disc.forward(genImgs);
            // Partition function
            const Z = torch.sum(torch.exp(dReal.neg())).add(torch.sum(torch.exp(dFake.neg())));
            // Calculate loss of discriminator and update
            const dLoss = torch.sum(dReal).mul(dTarget).add(log(Z));
            dLoss.backward({ retainGraph: true });
            optimizerD.step();
            res.d_loss.push(num(dLoss));
            res.Z = num(Z);
            // Calculate loss of generator and update
            const gLoss = torch.sum(dReal).add(torch.sum(dFake)).mul(gTarget).add(log(Z));
            res.g_loss = num(gLoss);
            gLoss.backward();
            optimizerG.step();
            res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G loss: ${f6(num(gLoss))}]`);
          }
        }
      } catch (e) {
        res.errors.push(`RuntimeError: ${(e as Error).message}`);
      }
    });
    assert.deepEqual(warnings, want.warnings);
    closeAll(res.d_loss, want.d_loss, 1e-5, 'd_loss');
    close(res.Z, want.Z, 1e-5, 'Z');
    close(res.g_loss, want.g_loss, 1e-5, 'g_loss');
    assert.deepEqual(res.prints, want.prints);
    // DIVERGENCE: PyTorch names the saved weight.t() "output 0 of AsStridedBackward0" (Linear's
    // addmm saves the transposed weight, an as_strided view after the optimizer's in-place step);
    // torchlette says "output 0 of TBackward0". The rest of the message is PyTorch's.
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].replace('output 0 of TBackward0', 'output 0 of AsStridedBackward0'), want.errors[0]);
    sameSums(sums(generator), want.sums_G, 1e-6, 1e-6, 'G');
    // One D step was taken: d_loss's gradient is 1/16 - exp(-d)/Z per real and -exp(-d)/Z per fake
    // prediction, ~+1/16 and ~-1/16 for a critic that scores everything alike, so the biases'
    // gradients are sums that nearly cancel, and Adam's first step (g / (|g| + eps)) turns the
    // rounding of the small ones into different step sizes (the JS backend's D model.2.bias sum
    // differs by 2.4e-5): the biases are compared to one step's bound.
    sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, ['model.0.bias', 'model.2.bias', 'model.4.bias'], 1), discriminator);
  });

  for (const relAvgGan of [false, true]) {
    test(`relativistic_gan.py${relAvgGan ? ' --rel_avg_gan' : ''}: BCEWithLogitsLoss on prediction differences, .to(device)`, async () => {
      const want = relAvgGan ? fx.relativistic_gan_avg : fx.relativistic_gan;
      const res: Any = { d_loss: [], g_loss: [], grids: [], prints: [] };
      let generator!: nn.Module;
      let discriminator!: nn.Module;
      const warnings = await warningsOf(() => {
        torch.manualSeed(0);
        const opt = { n_epochs: 1, batch_size: 8, lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 8, latent_dim: 100, img_size: 16, channels: 1, sample_interval: 400, rel_avg_gan: relAvgGan };
        const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
        const [Generator, Discriminator] = convModels(opt, false);

        const adversarialLoss = new torch.nn.BCEWithLogitsLoss().to(device);
        const gen = new Generator().to(device);
        const disc = new Discriminator().to(device);
        [generator, discriminator] = [gen, disc];
        const dataloader = new Data.DataLoader(mnist(opt.img_size), { batchSize: opt.batch_size, shuffle: true });
        const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
        const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

        const Tensor = torch.cuda.isAvailable() ? null! : torch.FloatTensor;

        for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
          for (const [i, [imgs]] of enumerate(dataloader as Iterable<[Tensor, Tensor]>)) {
            const valid = Variable(Tensor(imgs.shape[0], 1).fill_(1.0), { requiresGrad: false });
            const fake = Variable(Tensor(imgs.shape[0], 1).fill_(0.0), { requiresGrad: false });
            const realImgs = Variable(imgs.type(Tensor));

            optimizerG.zeroGrad();
            const z = Variable(Tensor(nprandom.normal(0, 1, [imgs.shape[0], opt.latent_dim])));
            const genImgs = gen.forward(z);
            let realPred = disc.forward(realImgs).detach();
            let fakePred = disc.forward(genImgs);
            let gLoss: Tensor;
            if (opt.rel_avg_gan) {
              gLoss = adversarialLoss.forward(fakePred.sub(realPred.mean(0, { keepdim: true })), valid);
            } else {
              gLoss = adversarialLoss.forward(fakePred.sub(realPred), valid);
            }
            res.g_loss_rel = num(gLoss);
            // Loss measures generator's ability to fool the discriminator
            gLoss = adversarialLoss.forward(disc.forward(genImgs), valid);
            gLoss.backward();
            optimizerG.step();

            optimizerD.zeroGrad();
            // Predict validity
            realPred = disc.forward(realImgs);
            fakePred = disc.forward(genImgs.detach());
            let realLoss: Tensor;
            let fakeLoss: Tensor;
            if (opt.rel_avg_gan) {
              realLoss = adversarialLoss.forward(realPred.sub(fakePred.mean(0, { keepdim: true })), valid);
              fakeLoss = adversarialLoss.forward(fakePred.sub(realPred.mean(0, { keepdim: true })), fake);
            } else {
              realLoss = adversarialLoss.forward(realPred.sub(fakePred), valid);
              fakeLoss = adversarialLoss.forward(fakePred.sub(realPred), fake);
            }
            const dLoss = realLoss.add(fakeLoss).div(2);
            dLoss.backward();
            optimizerD.step();

            res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G loss: ${f6(num(gLoss))}]`);
            res.d_loss.push(num(dLoss));
            res.g_loss.push(num(gLoss));
            const batchesDone = epoch * dataloader.length + i;
            if (batchesDone % opt.sample_interval === 0) saveImage(genImgs.data.index(':25'), res.grids, { nrow: 5, normalize: true });
          }
        }
      });
      // With --rel_avg_gan the losses after the first step move by 7e-5 in PyTorch itself when every
      // parameter is scaled by 1 + 2^-22 (the critic's outputs differ by little, and BatchNorm's
      // backward of the near-equal per-sample gradients cancels): compared to 2e-4.
      const rtol = relAvgGan ? 2e-4 : 1e-5;
      assert.deepEqual(warnings, want.warnings);
      close(res.g_loss_rel, want.g_loss_rel, 1e-5, 'relativistic g_loss (overwritten in the script)');
      closeAll(res.d_loss, want.d_loss, rtol, 'd_loss');
      closeAll(res.g_loss, want.g_loss, rtol, 'g_loss');
      sameLines(res.prints, want.prints, rtol, 'print');
      sameGrids(res.grids, want.grids, 1e-5, 'grid');
      sameSums(sums(generator), want.sums_G, 1e-5, 1e-5, 'G', noiseDriven(generator, CONV_G_SHIFTS, 3), generator);
      sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, ['model.14.bias', 'adv_layer.0.bias'], 3), discriminator);
    });
  }
});

test('context_encoder.py + models.py + datasets.py: random masks, PatchGAN with InstanceNorm2d, ConvTranspose2d, save_sample', async () => {
  const want = fx.context_encoder;
  const res: Any = { d_loss: [], g_adv: [], g_pixel: [], grids: [], prints: [] };
  let generator!: nn.Module;
  let discriminator!: nn.Module;
  // models.py, channel widths / 4
  class Generator extends nn.Module {
    model: nn.Sequential;
    constructor(channels = 3) {
      super();
      const downsample = (inFeat: number, outFeat: number, normalize = true): nn.Module[] => {
        const layers: nn.Module[] = [new nn.Conv2d(inFeat, outFeat, 4, { stride: 2, padding: 1 })];
        if (normalize) layers.push(new nn.BatchNorm2d(outFeat, 0.8));
        layers.push(new nn.LeakyReLU(0.2));
        return layers;
      };
      const upsample = (inFeat: number, outFeat: number, normalize = true): nn.Module[] => {
        const layers: nn.Module[] = [new nn.ConvTranspose2d(inFeat, outFeat, 4, { stride: 2, padding: 1 })];
        if (normalize) layers.push(new nn.BatchNorm2d(outFeat, 0.8));
        layers.push(new nn.ReLU());
        return layers;
      };
      this.model = new nn.Sequential(
        ...downsample(channels, 16, false),
        ...downsample(16, 16),
        ...downsample(16, 32),
        ...downsample(32, 64),
        ...downsample(64, 128),
        new nn.Conv2d(128, 1000, 1),
        ...upsample(1000, 128),
        ...upsample(128, 64),
        ...upsample(64, 32),
        ...upsample(32, 16),
        new nn.Conv2d(16, channels, 3, 1, 1),
        new nn.Tanh(),
      );
    }
    override forward(x: Tensor): Tensor {
      return this.model.forward(x);
    }
  }
  class Discriminator extends nn.Module {
    model: nn.Sequential;
    constructor(channels = 3) {
      super();
      const discriminatorBlock = (inFilters: number, outFilters: number, stride: number, normalize: boolean): nn.Module[] => {
        // Returns layers of each discriminator block
        const layers: nn.Module[] = [new nn.Conv2d(inFilters, outFilters, 3, stride, 1)];
        if (normalize) layers.push(new nn.InstanceNorm2d(outFilters));
        layers.push(new nn.LeakyReLU(0.2, { inplace: true }));
        return layers;
      };
      const layers: nn.Module[] = [];
      let inFilters = channels;
      let outFilters = 0;
      for (const [of, stride, normalize] of [[16, 2, false], [32, 2, true], [64, 2, true], [128, 1, true]] as [number, number, boolean][]) {
        outFilters = of;
        layers.push(...discriminatorBlock(inFilters, outFilters, stride, normalize));
        inFilters = outFilters;
      }
      layers.push(new nn.Conv2d(outFilters, 1, 3, 1, 1));
      this.model = new nn.Sequential(...layers);
    }
    override forward(img: Tensor): Tensor {
      return this.model.forward(img);
    }
  }
  // datasets.py
  class ImageDataset extends Data.Dataset<[Tensor, Tensor, Tensor | number]> {
    transform: Any;
    img_size: number;
    mask_size: number;
    mode: string;
    files: Any[];
    constructor(root: Any[], { transforms_ = null as Any, img_size = 128, mask_size = 64, mode = 'train' } = {}) {
      super();
      this.transform = new transforms.Compose(transforms_);
      this.img_size = img_size;
      this.mask_size = mask_size;
      this.mode = mode;
      this.files = root; // sorted(glob.glob("%s/*.jpg" % root)): here the images themselves
      this.files = mode === 'train' ? this.files.slice(0, -4) : this.files.slice(-4);
    }
    applyRandomMask(img: Tensor): [Tensor, Tensor] {
      // Randomly masks image
      const [y1, x1] = nprandom.randint(0, this.img_size - this.mask_size, 2);
      const [y2, x2] = [y1 + this.mask_size, x1 + this.mask_size];
      const maskedPart = img.index(':', `${y1}:${y2}`, `${x1}:${x2}`);
      const maskedImg = img.clone();
      maskedImg.indexPut_([':', `${y1}:${y2}`, `${x1}:${x2}`], 1);
      return [maskedImg, maskedPart];
    }
    applyCenterMask(img: Tensor): [Tensor, number] {
      // Mask center part of image
      const i = Math.floor((this.img_size - this.mask_size) / 2);
      const maskedImg = img.clone();
      maskedImg.indexPut_([':', `${i}:${i + this.mask_size}`, `${i}:${i + this.mask_size}`], 1);
      return [maskedImg, i];
    }
    getItem(index: number): [Tensor, Tensor, Tensor | number] {
      let img = this.files[index % this.files.length]; // Image.open(self.files[...])
      img = this.transform.forward(img);
      let maskedImg: Tensor;
      let aux: Tensor | number;
      if (this.mode === 'train') {
        // For training data perform random mask
        [maskedImg, aux] = this.applyRandomMask(img);
      } else {
        // For test data mask the center of the image
        [maskedImg, aux] = this.applyCenterMask(img);
      }
      return [img, maskedImg, aux];
    }
    get length(): number {
      return this.files.length;
    }
  }

  const warnings = await warningsOf(() => {
    torch.manualSeed(0);
    const images = Array.from({ length: 16 }, () => TF.toPilImage(torch.rand(3, 40, 40)));
    const opt = { n_epochs: 1, batch_size: 4, dataset_name: 'img_align_celeba', lr: 0.0002, b1: 0.5, b2: 0.999, n_cpu: 4, latent_dim: 100, img_size: 32, mask_size: 16, channels: 3, sample_interval: 500 };
    const cuda = false;
    // Calculate output of image discriminator (PatchGAN)
    const [patchH, patchW] = [Math.trunc(opt.mask_size / 2 ** 3), Math.trunc(opt.mask_size / 2 ** 3)];
    const patch = [1, patchH, patchW];

    const adversarialLoss = new torch.nn.MSELoss();
    const pixelwiseLoss = new torch.nn.L1Loss();
    const gen = new Generator(opt.channels);
    const disc = new Discriminator(opt.channels);
    [generator, discriminator] = [gen, disc];
    gen.apply(weightsInitNormal);
    disc.apply(weightsInitNormal);
    sameSums(sums(gen), want.init_sums_G, 1e-12, 1e-12, 'init G');

    // Dataset loader
    const transforms_ = [
      new transforms.Resize([opt.img_size, opt.img_size], Image.BICUBIC),
      new transforms.ToTensor(),
      new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    ];
    const dataloader = new Data.DataLoader(new ImageDataset(images, { transforms_, img_size: opt.img_size, mask_size: opt.mask_size }), {
      batchSize: opt.batch_size,
      shuffle: true,
      numWorkers: 0,
    });
    const testDataloader = new Data.DataLoader(new ImageDataset(images, { transforms_, img_size: opt.img_size, mask_size: opt.mask_size, mode: 'val' }), {
      batchSize: 12,
      shuffle: true,
      numWorkers: 0,
    });

    const optimizerG = new torch.optim.Adam(gen.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizerD = new torch.optim.Adam(disc.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

    const Tensor = cuda ? null! : torch.FloatTensor;

    const saveSample = (batchesDone: number): void => {
      let [samples, maskedSamples, i] = testDataloader[Symbol.iterator]().next().value as [Tensor, Tensor, Tensor];
      samples = Variable(samples.type(Tensor));
      maskedSamples = Variable(maskedSamples.type(Tensor));
      const i0 = num(i.index(0)); // Upper-left coordinate of mask
      // Generate inpainted image
      const genMask = gen.forward(maskedSamples);
      const filledSamples = maskedSamples.clone();
      filledSamples.indexPut_([':', ':', `${i0}:${i0 + opt.mask_size}`, `${i0}:${i0 + opt.mask_size}`], genMask);
      // Save sample
      const sample = torch.cat([maskedSamples.data, filledSamples.data, samples.data], -2);
      saveImage(sample, res.grids, { nrow: 6, normalize: true });
      res.sample_i = i0;
      void batchesDone;
    };

    for (let epoch = 0; epoch < opt.n_epochs; epoch++) {
      for (let [i, [imgs, maskedImgs, maskedParts]] of enumerate(dataloader as Iterable<[Tensor, Tensor, Tensor]>)) {
        // Adversarial ground truths
        const valid = Variable(Tensor(imgs.shape[0], ...patch).fill_(1.0), { requiresGrad: false });
        const fake = Variable(Tensor(imgs.shape[0], ...patch).fill_(0.0), { requiresGrad: false });
        // Configure input
        imgs = Variable(imgs.type(Tensor));
        maskedImgs = Variable(maskedImgs.type(Tensor));
        maskedParts = Variable(maskedParts.type(Tensor));
        if (i === 0) {
          res.imgs_sum = num(imgs.double().sum());
          res.masked_imgs_sum = num(maskedImgs.double().sum());
          res.masked_parts_sum = num(maskedParts.double().sum());
        }

        optimizerG.zeroGrad();
        // Generate a batch of images
        const genParts = gen.forward(maskedImgs);
        // Adversarial and pixelwise loss
        const gAdv = adversarialLoss.forward(disc.forward(genParts), valid);
        const gPixel = pixelwiseLoss.forward(genParts, maskedParts);
        // Total loss
        const gLoss = gAdv.mul(0.001).add(gPixel.mul(0.999));
        gLoss.backward();
        optimizerG.step();

        optimizerD.zeroGrad();
        const realLoss = adversarialLoss.forward(disc.forward(maskedParts), valid);
        const fakeLoss = adversarialLoss.forward(disc.forward(genParts.detach()), fake);
        const dLoss = realLoss.add(fakeLoss).mul(0.5);
        dLoss.backward();
        optimizerD.step();

        res.prints.push(`[Epoch ${epoch}/${opt.n_epochs}] [Batch ${i}/${dataloader.length}] [D loss: ${f6(num(dLoss))}] [G adv: ${f6(num(gAdv))}, pixel: ${f6(num(gPixel))}]`);
        res.d_loss.push(num(dLoss));
        res.g_adv.push(num(gAdv));
        res.g_pixel.push(num(gPixel));
        // Generate sample at sample interval
        const batchesDone = epoch * dataloader.length + i;
        if (batchesDone % opt.sample_interval === 0) saveSample(batchesDone);
      }
    }
  });
  assert.deepEqual(warnings, want.warnings);
  assert.equal(String(generator), want.repr_G);
  assert.equal(String(discriminator), want.repr_D);
  close(res.imgs_sum, want.imgs_sum, 1e-9, 'imgs sum (PIL bicubic resize)');
  close(res.masked_imgs_sum, want.masked_imgs_sum, 1e-9, 'masked imgs sum');
  close(res.masked_parts_sum, want.masked_parts_sum, 1e-7, 'masked parts sum', 1e-6);
  closeAll(res.d_loss, want.d_loss, 1e-5, 'd_loss');
  closeAll(res.g_adv, want.g_adv, 1e-5, 'g_adv');
  closeAll(res.g_pixel, want.g_pixel, 1e-5, 'g_pixel');
  sameLines(res.prints, want.prints, 1e-5, 'print');
  assert.equal(res.sample_i, want.sample_i);
  sameGrids(res.grids, want.grids, 1e-5, 'save_sample grid');
  sameSums(sums(generator), want.sums_G, 1e-5, 1e-5, 'G', noiseDriven(generator, [], 3), generator);
  sameSums(sums(discriminator), want.sums_D, 1e-5, 1e-5, 'D', noiseDriven(discriminator, [], 3), discriminator);
});
