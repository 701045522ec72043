// aladdinpersson/Machine-Learning-Collection's ML/Pytorch/GANs (1. SimpleGAN fc_gan.py, 2. DCGAN
// model.py + train.py, 3. WGAN model.py + train.py with RMSprop and weight clipping, 4. WGAN-GP
// model.py + train.py + utils.gradient_penalty with torch.autograd.grad(create_graph=True,
// retain_graph=True, grad_outputs=torch.ones_like(...))), more_advanced/transformer_from_scratch
// and image_segmentation/semantic_segmentation_unet (model.py's UNET with TF.resize, a few
// train_fn steps, utils.check_accuracy's prints) transcribed line for line, against the same
// programs run by PyTorch 1.13 (scripts/fixtures/porting_aladdin.py).
//
// Reduced, the same on both sides: torch.manual_seed(0) at the start; MNIST is Debian's
// Fashion-MNIST cut to its first 8-96 items with Subset; one or two epochs of 2-3 batches;
// batch 32 / 8 / 8 / 4 (SimpleGAN / DCGAN / WGAN / WGAN-GP) instead of 32 / 128 / 64 / 64; DCGAN
// and WGAN features 8 instead of 64, WGAN-GP features 4 instead of 16 (images stay 64x64 through
// transforms.Resize(64)); tensorboard is left out (make_grid's shape and sums are recorded);
// WGAN/WGAN-GP print only at batch_idx % 100 == 0 and batch_idx > 0, so every loss is recorded
// instead; WGAN-GP's utils.py (not in the crawled copy of the repository) is the file's
// gradient_penalty as published; the transformer is embed_size 32, 2 layers, 4 heads instead of
// 512/6/8, plus one Adam step on a next-token loss (not in the script); the U-Net has features
// [4, 8] on a (2, 1, 21, 21) input instead of the default features on (3, 1, 161, 161) (21 is
// odd so that TF.resize runs), trained 3 steps without autocast/GradScaler on a random mask.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import * as Data from '../../src/utils/data/index.js';
import * as torchvision from '../../src/vision/index.js';
import { assertTensor, loadFixture } from '../helpers/fixtures.js';

const F = nn.functional;
const { datasets, transforms } = torchvision;
const TF = transforms.functional;
const FASHION = '/usr/share/datasets/fashion-mnist';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_aladdin.json');

function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
const flat = (t: Tensor): number[] => Array.from(t.detach().reshape(-1).toTypedArray(), Number);
const num = (t: Tensor): number => Number(t.item());
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sizeStr = (s: readonly number[]): string => `torch.Size([${s.join(', ')}])`;
/** Same text with the numbers in it equal to rtol (a loss printed with 4 decimals may round the other way). */
function sameText(got: string, want: string, rtol: number, label: string): void {
  const re = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;
  assert.equal(got.replace(re, '#'), want.replace(re, '#'), `${label}: ${got} vs ${want}`);
  closeAll((got.match(re) ?? []).map(Number), (want.match(re) ?? []).map(Number), rtol, `${label}: ${got} vs ${want}`, 1e-4);
}
const fmnist = (transform: Any, n: number): Data.Subset<Any> =>
  new Data.Subset(new datasets.FashionMNIST({ root: FASHION, transform, download: false }), range(n));
const mnist64 = (): Any => {
  const CHANNELS_IMG = 1;
  return new transforms.Compose([
    new transforms.Resize(64),
    new transforms.ToTensor(),
    new transforms.Normalize(range(CHANNELS_IMG).map(() => 0.5), range(CHANNELS_IMG).map(() => 0.5)),
  ]);
};

// ---------------------------------------------------------------- the DCGAN / WGAN models
class DCDiscriminator extends nn.Module {
  disc: nn.Sequential;
  constructor(channelsImg: number, featuresD: number) {
    super();
    this.disc = new nn.Sequential(
      new nn.Conv2d(channelsImg, featuresD, { kernelSize: 4, stride: 2, padding: 1, bias: false }),
      new nn.LeakyReLU(0.2),
      this._block(featuresD, featuresD * 2, 4, 2, 1),
      this._block(featuresD * 2, featuresD * 4, 4, 2, 1),
      this._block(featuresD * 4, featuresD * 8, 4, 2, 1),
      new nn.Conv2d(featuresD * 8, 1, { kernelSize: 4, stride: 2, padding: 0 }),
      new nn.Sigmoid(),
    );
  }
  _block(inChannels: number, outChannels: number, kernelSize: number, stride: number, padding: number): nn.Sequential {
    return new nn.Sequential(
      new nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding, { bias: false }),
      new nn.BatchNorm2d(outChannels),
      new nn.LeakyReLU(0.2, true),
    );
  }
  override forward(x: Tensor): Tensor {
    return this.disc.forward(x);
  }
}
class DCGenerator extends nn.Module {
  net: nn.Sequential;
  /** bias: false in DCGAN's model.py, true (the default) in WGAN's and WGAN-GP's */
  constructor(channelsNoise: number, channelsImg: number, featuresG: number, bias = false) {
    super();
    this.net = new nn.Sequential(
      this._block(channelsNoise, featuresG * 16, 4, 1, 0),
      this._block(featuresG * 16, featuresG * 8, 4, 2, 1),
      this._block(featuresG * 8, featuresG * 4, 4, 2, 1),
      this._block(featuresG * 4, featuresG * 2, 4, 2, 1),
      new nn.ConvTranspose2d(featuresG * 2, channelsImg, { kernelSize: 4, stride: 2, padding: 1, bias }),
      new nn.Tanh(),
    );
  }
  _block(inChannels: number, outChannels: number, kernelSize: number, stride: number, padding: number): nn.Sequential {
    return new nn.Sequential(
      new nn.ConvTranspose2d(inChannels, outChannels, kernelSize, stride, padding, { bias: false }),
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
    );
  }
  override forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }
}
/** WGAN / WGAN-GP's critic */
class WDiscriminator extends nn.Module {
  disc: nn.Sequential;
  constructor(channelsImg: number, featuresD: number) {
    super();
    this.disc = new nn.Sequential(
      new nn.Conv2d(channelsImg, featuresD, { kernelSize: 4, stride: 2, padding: 1 }),
      new nn.LeakyReLU(0.2),
      this._block(featuresD, featuresD * 2, 4, 2, 1),
      this._block(featuresD * 2, featuresD * 4, 4, 2, 1),
      this._block(featuresD * 4, featuresD * 8, 4, 2, 1),
      new nn.Conv2d(featuresD * 8, 1, { kernelSize: 4, stride: 2, padding: 0 }),
    );
  }
  _block(inChannels: number, outChannels: number, kernelSize: number, stride: number, padding: number): nn.Sequential {
    return new nn.Sequential(
      new nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding, { bias: false }),
      new nn.InstanceNorm2d(outChannels, { affine: true }),
      new nn.LeakyReLU(0.2),
    );
  }
  override forward(x: Tensor): Tensor {
    return this.disc.forward(x);
  }
}
/** DCGAN's model.initialize_weights(m): looks at m's own class name */
function dcInitializeWeights(m: nn.Module): void {
  const classname = m.constructor.name;
  if (classname.indexOf('Conv') !== -1) {
    nn.init.normal_((m as Any).weight.data, 0.0, 0.02);
  } else if (classname.indexOf('BatchNorm') !== -1) {
    nn.init.normal_((m as Any).weight.data, 1.0, 0.02);
    nn.init.constant_((m as Any).bias.data, 0);
  }
}
/** WGAN / WGAN-GP's model.initialize_weights(model) */
function wInitializeWeights(model: nn.Module): void {
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d || m instanceof nn.ConvTranspose2d || m instanceof nn.BatchNorm2d) nn.init.normal_(m.weight!.data, 0.0, 0.02);
  }
}

describe('GANs on Fashion-MNIST', { skip: !existsSync(FASHION) && `${FASHION} is not installed` }, () => {
  test('1. SimpleGAN fc_gan.py: BCELoss, backward(retain_graph=True), make_grid(normalize=True)', () => {
    const want = fx.simple_gan;
    torch.manualSeed(0);
    class Discriminator extends nn.Module {
      disc: nn.Sequential;
      constructor(inFeatures: number) {
        super();
        this.disc = new nn.Sequential(new nn.Linear(inFeatures, 128), new nn.LeakyReLU(0.01), new nn.Linear(128, 1), new nn.Sigmoid());
      }
      override forward(x: Tensor): Tensor {
        return this.disc.forward(x);
      }
    }
    class Generator extends nn.Module {
      gen: nn.Sequential;
      constructor(zDim: number, imgDim: number) {
        super();
        this.gen = new nn.Sequential(new nn.Linear(zDim, 256), new nn.LeakyReLU(0.01), new nn.Linear(256, imgDim), new nn.Tanh());
      }
      override forward(x: Tensor): Tensor {
        return this.gen.forward(x);
      }
    }
    const device = 'cpu';
    const lr = 3e-4;
    const zDim = 64;
    const imageDim = 28 * 28 * 1;
    let batchSize = 32;
    const numEpochs = 2; // 50 in the script
    const disc = new Discriminator(imageDim).to(device);
    const gen = new Generator(zDim, imageDim).to(device);
    assert.equal(String(disc), want.disc);
    assert.equal(String(gen), want.gen);
    const fixedNoise = torch.randn([batchSize, zDim]).to(device);
    const transforms_ = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]);
    const dataset = fmnist(transforms_, 96);
    const loader = new Data.DataLoader(dataset, { batchSize, shuffle: true });
    const optDisc = new optim.Adam(disc.parameters(), { lr });
    const optGen = new optim.Adam(gen.parameters(), { lr });
    const criterion = new nn.BCELoss();
    let step = 0;
    const lines: string[] = [];
    const lossDs: number[] = [];
    const lossGs: number[] = [];
    const grids: Any[] = [];
    for (let epoch = 0; epoch < numEpochs; epoch++) {
      let batchIdx = 0;
      for (let [real] of loader as Iterable<[Tensor, Tensor]>) {
        real = real.view(-1, 784).to(device);
        batchSize = real.shape[0];
        const noise = torch.randn(batchSize, zDim).to(device);
        let fake = gen.forward(noise);
        const discReal = disc.forward(real).view(-1);
        const lossDReal = criterion.forward(discReal, torch.onesLike(discReal));
        const discFake = disc.forward(fake).view(-1);
        const lossDFake = criterion.forward(discFake, torch.zerosLike(discFake));
        const lossD = lossDReal.add(lossDFake).div(2);
        disc.zeroGrad();
        lossD.backward({ retainGraph: true });
        optDisc.step();
        const output = disc.forward(fake).view(-1);
        const lossG = criterion.forward(output, torch.onesLike(output));
        gen.zeroGrad();
        lossG.backward();
        optGen.step();
        lossDs.push(num(lossD));
        lossGs.push(num(lossG));
        if (batchIdx === 0) {
          lines.push(`Epoch [${epoch}/${numEpochs}] Batch ${batchIdx}/${loader.length} \
                      Loss D: ${num(lossD).toFixed(4)}, loss G: ${num(lossG).toFixed(4)}`);
          torch.noGrad(() => {
            fake = gen.forward(fixedNoise).reshape(-1, 1, 28, 28);
            const data = real.reshape(-1, 1, 28, 28);
            const imgGridFake = torchvision.utils.makeGrid(fake, { normalize: true });
            const imgGridReal = torchvision.utils.makeGrid(data, { normalize: true });
            grids.push({
              fake_shape: imgGridFake.shape, fake_sum: num(imgGridFake.double().sum()),
              real_shape: imgGridReal.shape, real_sum: num(imgGridReal.double().sum()),
              fake_patch: flat(imgGridFake.index(0, '2:6', '2:6')),
            });
            step += 1;
          });
        }
        batchIdx++;
      }
    }
    closeAll(lossDs, want.lossD, 1e-4, 'lossD');
    closeAll(lossGs, want.lossG, 1e-4, 'lossG');
    assert.equal(lines.length, want.prints.length);
    lines.forEach((l, i) => sameText(l, want.prints[i], 1e-3, `print ${i}`));
    assert.equal(step, 2);
    grids.forEach((g, i) => {
      const w = want.grids[i];
      assert.deepEqual([g.fake_shape, g.real_shape], [w.fake_shape, w.real_shape]);
      close(g.fake_sum, w.fake_sum, 1e-4, `grid ${i} fake sum`);
      close(g.real_sum, w.real_sum, 1e-6, `grid ${i} real sum`);
      closeAll(g.fake_patch, w.fake_patch, 1e-4, `grid ${i} fake patch`, 1e-5);
    });
  });

  test('2. DCGAN model.py test() and train.py (Resize(64), BatchNorm, Adam betas (0.5, 0.999))', () => {
    const want = fx.dcgan;
    torch.manualSeed(0);
    {
      const lines: string[] = [];
      const [N, inChannels, H, W] = [8, 3, 64, 64];
      const noiseDim = 100;
      const x = torch.randn([N, inChannels, H, W]);
      const disc = new DCDiscriminator(inChannels, 8);
      assert.deepEqual(disc.forward(x).shape, [N, 1, 1, 1], 'Discriminator test failed');
      const gen = new DCGenerator(noiseDim, inChannels, 8);
      const z = torch.randn([N, noiseDim, 1, 1]);
      assert.deepEqual(gen.forward(z).shape, [N, inChannels, H, W], 'Generator test failed');
      lines.push('Success, tests passed!');
      assert.deepEqual(lines, want.test_prints);
    }
    torch.manualSeed(0);
    const device = torch.device('cpu');
    const LEARNING_RATE = 2e-4;
    const BATCH_SIZE = 8; // 128 in the script
    const CHANNELS_IMG = 1;
    const NOISE_DIM = 100;
    const NUM_EPOCHS = 1; // 5 in the script
    const FEATURES_DISC = 8; // 64 in the script
    const FEATURES_GEN = 8; // 64 in the script
    const dataset = fmnist(mnist64(), 24);
    const dataloader = new Data.DataLoader(dataset, { batchSize: BATCH_SIZE, shuffle: true });
    const gen = new DCGenerator(NOISE_DIM, CHANNELS_IMG, FEATURES_GEN).to(device);
    const disc = new DCDiscriminator(CHANNELS_IMG, FEATURES_DISC).to(device);
    assert.equal(String(gen).replaceAll('DCGenerator', 'Generator'), want.gen_repr.replaceAll('DCGenerator', 'Generator'));
    assert.equal(String(disc), want.disc_repr);
    // as in train.py: initialize_weights(m) looks at m's own class name, so on the whole
    // Generator/Discriminator it does nothing
    dcInitializeWeights(gen);
    dcInitializeWeights(disc);
    const optGen = new optim.Adam(gen.parameters(), { lr: LEARNING_RATE, betas: [0.5, 0.999] });
    const optDisc = new optim.Adam(disc.parameters(), { lr: LEARNING_RATE, betas: [0.5, 0.999] });
    const criterion = new nn.BCELoss();
    const fixedNoise = torch.randn(32, NOISE_DIM, 1, 1).to(device);
    let step = 0;
    gen.train();
    disc.train();
    const lines: string[] = [];
    const lossDiscs: number[] = [];
    const lossGens: number[] = [];
    let gridShapes: number[][] = [];
    let gridFakeSum = 0;
    for (let epoch = 0; epoch < NUM_EPOCHS; epoch++) {
      let batchIdx = 0;
      for (let [real] of dataloader as Iterable<[Tensor, Tensor]>) {
        real = real.to(device);
        if (batchIdx === 0) closeAll(flat(real.index(0, 0, '30:34', '30:34')), want.real0, 1e-6, 'Resize(64) pixels', 1e-6);
        const noise = torch.randn(BATCH_SIZE, NOISE_DIM, 1, 1).to(device);
        let fake = gen.forward(noise);
        const discReal = disc.forward(real).reshape(-1);
        const lossDiscReal = criterion.forward(discReal, torch.onesLike(discReal));
        const discFake = disc.forward(fake.detach()).reshape(-1);
        const lossDiscFake = criterion.forward(discFake, torch.zerosLike(discFake));
        const lossDisc = lossDiscReal.add(lossDiscFake).div(2);
        disc.zeroGrad();
        lossDisc.backward();
        optDisc.step();
        const output = disc.forward(fake).reshape(-1);
        const lossGen = criterion.forward(output, torch.onesLike(output));
        gen.zeroGrad();
        lossGen.backward();
        optGen.step();
        lossDiscs.push(num(lossDisc));
        lossGens.push(num(lossGen));
        if (batchIdx % 100 === 0) {
          lines.push(`Epoch [${epoch}/${NUM_EPOCHS}] Batch ${batchIdx}/${dataloader.length} \
                  Loss D: ${num(lossDisc).toFixed(4)}, loss G: ${num(lossGen).toFixed(4)}`);
          torch.noGrad(() => {
            fake = gen.forward(fixedNoise);
            const imgGridReal = torchvision.utils.makeGrid(real.index(':32'), { normalize: true });
            const imgGridFake = torchvision.utils.makeGrid(fake.index(':32'), { normalize: true });
            gridShapes = [imgGridReal.shape, imgGridFake.shape];
            gridFakeSum = num(imgGridFake.double().sum());
          });
          step += 1;
        }
        batchIdx++;
      }
    }
    closeAll(lossDiscs, want.loss_disc, 1e-4, 'loss_disc');
    closeAll(lossGens, want.loss_gen, 1e-4, 'loss_gen');
    assert.equal(lines.length, want.prints.length);
    lines.forEach((l, i) => sameText(l, want.prints[i], 1e-3, `print ${i}`));
    assert.deepEqual(gridShapes, want.grid_shapes);
    close(gridFakeSum, want.grid_fake_sum, 1e-4, 'fake grid sum');
    assertTensor((gen.net.get(0) as Any).get(1).running_mean, want.bn_running_mean, { rtol: 1e-4, atol: 1e-6 }, 'running_mean');
  });

  test('3. WGAN train.py: RMSprop, 5 critic iterations, p.data.clamp_(-0.01, 0.01)', () => {
    const want = fx.wgan;
    torch.manualSeed(0);
    const device = 'cpu';
    const LEARNING_RATE = 5e-5;
    const BATCH_SIZE = 8; // 64 in the script
    const CHANNELS_IMG = 1;
    const Z_DIM = 128;
    const NUM_EPOCHS = 1; // 5 in the script
    const FEATURES_CRITIC = 8; // 64 in the script
    const FEATURES_GEN = 8; // 64 in the script
    const CRITIC_ITERATIONS = 5;
    const WEIGHT_CLIP = 0.01;
    const dataset = fmnist(mnist64(), 16);
    const loader = new Data.DataLoader(dataset, { batchSize: BATCH_SIZE, shuffle: true });
    const gen = new DCGenerator(Z_DIM, CHANNELS_IMG, FEATURES_GEN, true).to(device);
    const critic = new WDiscriminator(CHANNELS_IMG, FEATURES_CRITIC).to(device);
    assert.equal(String(critic).replace('WDiscriminator', 'Discriminator'), want.critic_repr.replace('WDiscriminator', 'Discriminator'));
    wInitializeWeights(gen);
    wInitializeWeights(critic);
    const optGen = new optim.RMSprop(gen.parameters(), { lr: LEARNING_RATE });
    const optCritic = new optim.RMSprop(critic.parameters(), { lr: LEARNING_RATE });
    torch.randn(32, Z_DIM, 1, 1).to(device); // fixed_noise (for tensorboard)
    gen.train();
    critic.train();
    const lossCritics: number[] = [];
    const lossGens: number[] = [];
    for (let epoch = 0; epoch < NUM_EPOCHS; epoch++) {
      for (let [data] of loader as Iterable<[Tensor, Tensor]>) {
        data = data.to(device);
        const curBatchSize = data.shape[0];
        let fake!: Tensor;
        for (let i = 0; i < CRITIC_ITERATIONS; i++) {
          const noise = torch.randn(curBatchSize, Z_DIM, 1, 1).to(device);
          fake = gen.forward(noise);
          const criticReal = critic.forward(data).reshape(-1);
          const criticFake = critic.forward(fake).reshape(-1);
          const lossCritic = torch.mean(criticReal).sub(torch.mean(criticFake)).neg();
          critic.zeroGrad();
          lossCritic.backward({ retainGraph: true });
          optCritic.step();
          for (const p of critic.parameters()) p.data.clamp_(-WEIGHT_CLIP, WEIGHT_CLIP);
          lossCritics.push(num(lossCritic));
        }
        const genFake = critic.forward(fake).reshape(-1);
        const lossGen = torch.mean(genFake).neg();
        gen.zeroGrad();
        lossGen.backward();
        optGen.step();
        lossGens.push(num(lossGen));
      }
    }
    closeAll(lossCritics, want.loss_critic, 1e-4, 'loss_critic', 1e-6);
    closeAll(lossGens, want.loss_gen, 1e-4, 'loss_gen', 1e-6);
    closeAll(flat((critic.disc.get(0) as nn.Conv2d).weight.index(0, 0)), want.critic_w0, 1e-4, 'critic.disc[0].weight[0, 0]', 1e-6);
    // how many weights sit on the clip bound: a weight that lands within a rounding error of
    // +-0.01 is clipped on one side and not the other (the losses agree to 1e-4): +-0.1%
    const clipped = [...critic.parameters()].reduce((a, p) => a + num(p.abs().eq(WEIGHT_CLIP).sum()), 0);
    close(clipped, want.clipped_count, 1e-3, 'weights on the clip bound');
  });

  test('4. WGAN-GP train.py + gradient_penalty: autograd.grad(create_graph=True) through the critic', () => {
    const want = fx.wgan_gp;
    const gradientPenalty = (critic: nn.Module, real: Tensor, fake: Tensor, device = 'cpu'): Tensor => {
      const [BATCH_SIZE, C, H, W] = real.shape;
      const alpha = torch.rand([BATCH_SIZE, 1, 1, 1]).repeat(1, C, H, W).to(device);
      const interpolatedImages = real.mul(alpha).add(fake.mul(alpha.rsub(1)));
      const mixedScores = critic.forward(interpolatedImages) as Tensor;
      let gradient = torch.autograd.grad({
        inputs: interpolatedImages,
        outputs: mixedScores,
        gradOutputs: torch.onesLike(mixedScores),
        createGraph: true,
        retainGraph: true,
      })[0]!;
      gradient = gradient.view(gradient.shape[0], -1);
      const gradientNorm = gradient.norm(2, { dim: 1 });
      const gradientPenalty = torch.mean(gradientNorm.sub(1).pow(2));
      return gradientPenalty;
    };
    torch.manualSeed(0);
    const device = 'cpu';
    const LEARNING_RATE = 1e-4;
    const BATCH_SIZE = 4; // 64 in the script
    const CHANNELS_IMG = 1;
    const Z_DIM = 100;
    const NUM_EPOCHS = 1; // 100 in the script
    const FEATURES_CRITIC = 4; // 16 in the script
    const FEATURES_GEN = 4; // 16 in the script
    const CRITIC_ITERATIONS = 5;
    const LAMBDA_GP = 10;
    const dataset = fmnist(mnist64(), 8);
    const loader = new Data.DataLoader(dataset, { batchSize: BATCH_SIZE, shuffle: true });
    const gen = new DCGenerator(Z_DIM, CHANNELS_IMG, FEATURES_GEN, true).to(device);
    const critic = new WDiscriminator(CHANNELS_IMG, FEATURES_CRITIC).to(device);
    wInitializeWeights(gen);
    wInitializeWeights(critic);
    const optGen = new optim.Adam(gen.parameters(), { lr: LEARNING_RATE, betas: [0.0, 0.9] });
    const optCritic = new optim.Adam(critic.parameters(), { lr: LEARNING_RATE, betas: [0.0, 0.9] });
    torch.randn(32, Z_DIM, 1, 1).to(device); // fixed_noise (for tensorboard)
    gen.train();
    critic.train();
    const gps: number[] = [];
    const lossCritics: number[] = [];
    const lossGens: number[] = [];
    for (let epoch = 0; epoch < NUM_EPOCHS; epoch++) {
      for (let [real] of loader as Iterable<[Tensor, Tensor]>) {
        real = real.to(device);
        const curBatchSize = real.shape[0];
        let fake!: Tensor;
        for (let i = 0; i < CRITIC_ITERATIONS; i++) {
          const noise = torch.randn(curBatchSize, Z_DIM, 1, 1).to(device);
          fake = gen.forward(noise);
          const criticReal = critic.forward(real).reshape(-1);
          const criticFake = critic.forward(fake).reshape(-1);
          const gp = gradientPenalty(critic, real, fake, device);
          const lossCritic = torch.mean(criticReal).sub(torch.mean(criticFake)).neg().add(gp.mul(LAMBDA_GP));
          critic.zeroGrad();
          lossCritic.backward({ retainGraph: true });
          optCritic.step();
          gps.push(num(gp));
          lossCritics.push(num(lossCritic));
        }
        const genFake = critic.forward(fake).reshape(-1);
        const lossGen = torch.mean(genFake).neg();
        gen.zeroGrad();
        lossGen.backward();
        optGen.step();
        lossGens.push(num(lossGen));
      }
    }
    closeAll(gps, want.gp, 1e-4, 'gp', 1e-6);
    closeAll(lossCritics, want.loss_critic, 1e-4, 'loss_critic', 1e-6);
    closeAll(lossGens, want.loss_gen, 1e-4, 'loss_gen', 1e-6);
    closeAll(flat((critic.disc.get(0) as nn.Conv2d).weight.index(0, 0)), want.critic_w0, 1e-4, 'critic.disc[0].weight[0, 0]', 1e-7);
    closeAll(flat((gen.net.get(4) as nn.ConvTranspose2d).bias!), want.gen_last_bias, 1e-4, 'gen.net[4].bias', 1e-7);
  });
});

test('transformer_from_scratch.py: einsum attention, masked_fill(-1e20), tril trg mask (+ one Adam step)', () => {
  const want = fx.transformer;
  class SelfAttention extends nn.Module {
    embedSize: number;
    heads: number;
    headDim: number;
    values: nn.Linear;
    keys: nn.Linear;
    queries: nn.Linear;
    fcOut: nn.Linear;
    constructor(embedSize: number, heads: number) {
      super();
      this.embedSize = embedSize;
      this.heads = heads;
      this.headDim = Math.floor(embedSize / heads);
      assert.ok(this.headDim * heads === embedSize, 'Embedding size needs to be divisible by heads');
      this.values = new nn.Linear(this.headDim, this.headDim, { bias: false });
      this.keys = new nn.Linear(this.headDim, this.headDim, { bias: false });
      this.queries = new nn.Linear(this.headDim, this.headDim, { bias: false });
      this.fcOut = new nn.Linear(heads * this.headDim, embedSize);
    }
    override forward(values: Tensor, keys: Tensor, query: Tensor, mask: Tensor | null): Tensor {
      const N = query.shape[0];
      const [valueLen, keyLen, queryLen] = [values.shape[1], keys.shape[1], query.shape[1]];
      values = values.reshape(N, valueLen, this.heads, this.headDim);
      keys = keys.reshape(N, keyLen, this.heads, this.headDim);
      query = query.reshape(N, queryLen, this.heads, this.headDim);
      values = this.values.forward(values);
      keys = this.keys.forward(keys);
      const queries = this.queries.forward(query);
      let energy = torch.einsum('nqhd,nkhd->nhqk', [queries, keys]);
      if (mask !== null) energy = energy.maskedFill(mask.eq(0), -1e20);
      const attention = torch.softmax(energy.div(this.embedSize ** (1 / 2)), { dim: 3 });
      let out = torch.einsum('nhql,nlhd->nqhd', [attention, values]).reshape(N, queryLen, this.heads * this.headDim);
      out = this.fcOut.forward(out);
      return out;
    }
  }
  class TransformerBlock extends nn.Module {
    attention: SelfAttention;
    norm1: nn.LayerNorm;
    norm2: nn.LayerNorm;
    feedForward: nn.Sequential;
    dropout: nn.Dropout;
    constructor(embedSize: number, heads: number, dropout: number, forwardExpansion: number) {
      super();
      this.attention = new SelfAttention(embedSize, heads);
      this.norm1 = new nn.LayerNorm(embedSize);
      this.norm2 = new nn.LayerNorm(embedSize);
      this.feedForward = new nn.Sequential(
        new nn.Linear(embedSize, forwardExpansion * embedSize),
        new nn.ReLU(),
        new nn.Linear(forwardExpansion * embedSize, embedSize),
      );
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(value: Tensor, key: Tensor, query: Tensor, mask: Tensor | null): Tensor {
      const attention = this.attention.forward(value, key, query, mask);
      const x = this.dropout.forward(this.norm1.forward(attention.add(query)));
      const forward = this.feedForward.forward(x);
      const out = this.dropout.forward(this.norm2.forward(forward.add(x)));
      return out;
    }
  }
  class Encoder extends nn.Module {
    embedSize: number;
    device: Any;
    wordEmbedding: nn.Embedding;
    positionEmbedding: nn.Embedding;
    layers: nn.ModuleList;
    dropout: nn.Dropout;
    constructor(srcVocabSize: number, embedSize: number, numLayers: number, heads: number, forwardExpansion: number, dropout: number, device: Any, maxLength: number) {
      super();
      this.embedSize = embedSize;
      this.device = device;
      this.wordEmbedding = new nn.Embedding(srcVocabSize, embedSize);
      this.positionEmbedding = new nn.Embedding(maxLength, embedSize);
      this.layers = new nn.ModuleList(range(numLayers).map(() => new TransformerBlock(embedSize, heads, dropout, forwardExpansion)));
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(x: Tensor, mask: Tensor): Tensor {
      const [N, seqLength] = x.shape;
      const positions = torch.arange(0, seqLength).expand(N, seqLength).to(this.device);
      let out = this.dropout.forward(this.wordEmbedding.forward(x).add(this.positionEmbedding.forward(positions)));
      for (const layer of this.layers) out = (layer as TransformerBlock).forward(out, out, out, mask);
      return out;
    }
  }
  class DecoderBlock extends nn.Module {
    norm: nn.LayerNorm;
    attention: SelfAttention;
    transformerBlock: TransformerBlock;
    dropout: nn.Dropout;
    constructor(embedSize: number, heads: number, forwardExpansion: number, dropout: number, device: Any) {
      super();
      this.norm = new nn.LayerNorm(embedSize);
      this.attention = new SelfAttention(embedSize, heads);
      this.transformerBlock = new TransformerBlock(embedSize, heads, dropout, forwardExpansion);
      this.dropout = new nn.Dropout(dropout);
      void device;
    }
    override forward(x: Tensor, value: Tensor, key: Tensor, srcMask: Tensor, trgMask: Tensor): Tensor {
      const attention = this.attention.forward(x, x, x, trgMask);
      const query = this.dropout.forward(this.norm.forward(attention.add(x)));
      const out = this.transformerBlock.forward(value, key, query, srcMask);
      return out;
    }
  }
  class Decoder extends nn.Module {
    device: Any;
    wordEmbedding: nn.Embedding;
    positionEmbedding: nn.Embedding;
    layers: nn.ModuleList;
    fcOut: nn.Linear;
    dropout: nn.Dropout;
    constructor(trgVocabSize: number, embedSize: number, numLayers: number, heads: number, forwardExpansion: number, dropout: number, device: Any, maxLength: number) {
      super();
      this.device = device;
      this.wordEmbedding = new nn.Embedding(trgVocabSize, embedSize);
      this.positionEmbedding = new nn.Embedding(maxLength, embedSize);
      this.layers = new nn.ModuleList(range(numLayers).map(() => new DecoderBlock(embedSize, heads, forwardExpansion, dropout, device)));
      this.fcOut = new nn.Linear(embedSize, trgVocabSize);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(x: Tensor, encOut: Tensor, srcMask: Tensor, trgMask: Tensor): Tensor {
      const [N, seqLength] = x.shape;
      const positions = torch.arange(0, seqLength).expand(N, seqLength).to(this.device);
      x = this.dropout.forward(this.wordEmbedding.forward(x).add(this.positionEmbedding.forward(positions)));
      for (const layer of this.layers) x = (layer as DecoderBlock).forward(x, encOut, encOut, srcMask, trgMask);
      const out = this.fcOut.forward(x);
      return out;
    }
  }
  class Transformer extends nn.Module {
    encoder: Encoder;
    decoder: Decoder;
    srcPadIdx: number;
    trgPadIdx: number;
    device: Any;
    constructor(srcVocabSize: number, trgVocabSize: number, srcPadIdx: number, trgPadIdx: number,
      { embedSize = 512, numLayers = 6, forwardExpansion = 4, heads = 8, dropout = 0, device = 'cpu' as Any, maxLength = 100 } = {}) {
      super();
      this.encoder = new Encoder(srcVocabSize, embedSize, numLayers, heads, forwardExpansion, dropout, device, maxLength);
      this.decoder = new Decoder(trgVocabSize, embedSize, numLayers, heads, forwardExpansion, dropout, device, maxLength);
      this.srcPadIdx = srcPadIdx;
      this.trgPadIdx = trgPadIdx;
      this.device = device;
    }
    makeSrcMask(src: Tensor): Tensor {
      const srcMask = src.ne(this.srcPadIdx).unsqueeze(1).unsqueeze(2);
      return srcMask.to(this.device);
    }
    makeTrgMask(trg: Tensor): Tensor {
      const [N, trgLen] = trg.shape;
      const trgMask = torch.tril(torch.ones([trgLen, trgLen])).expand(N, 1, trgLen, trgLen);
      return trgMask.to(this.device);
    }
    override forward(src: Tensor, trg: Tensor): Tensor {
      const srcMask = this.makeSrcMask(src);
      const trgMask = this.makeTrgMask(trg);
      const encSrc = this.encoder.forward(src, srcMask);
      const out = this.decoder.forward(trg, encSrc, srcMask, trgMask);
      return out;
    }
  }

  torch.manualSeed(0);
  const lines: string[] = [];
  const device = torch.device('cpu');
  lines.push(String(device));
  const x = torch.tensor([[1, 5, 6, 4, 3, 9, 5, 2, 0], [1, 8, 7, 3, 4, 5, 6, 7, 2]]).to(device);
  const trg = torch.tensor([[1, 7, 4, 3, 5, 9, 2, 0], [1, 5, 6, 2, 4, 7, 6, 2]]).to(device);
  const srcPadIdx = 0;
  const trgPadIdx = 0;
  const srcVocabSize = 10;
  const trgVocabSize = 10;
  // embed_size=512, num_layers=6 (the defaults) in the script
  const model = new Transformer(srcVocabSize, trgVocabSize, srcPadIdx, trgPadIdx, { embedSize: 32, numLayers: 2, heads: 4, device }).to(device);
  const out = model.forward(x, trg.index(':', ':-1'));
  lines.push(sizeStr(out.shape));
  assert.deepEqual(lines, want.prints);
  assertTensor(out, want.out, { rtol: 1e-5, atol: 1e-5 }, 'out');
  // Dropout(p=0) prints p=0 in PyTorch (the Python int 0 given as dropout=0) and p=0.0 here: a
  // JavaScript number has no int/float distinction (README), so the fixture's 'p=0' is read as 'p=0.0'
  assert.equal(String(model), want.repr.replaceAll('Dropout(p=0,', 'Dropout(p=0.0,').replace(/fc_out/g, 'fcOut').replace(/word_embedding/g, 'wordEmbedding')
    .replace(/position_embedding/g, 'positionEmbedding').replace(/feed_forward/g, 'feedForward').replace(/transformer_block/g, 'transformerBlock'));
  // not in the script: one Adam step on a next-token cross entropy
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const loss = F.crossEntropy(out.reshape(-1, trgVocabSize), trg.index(':', '1:').reshape(-1), { ignoreIndex: trgPadIdx });
  loss.backward();
  opt.step();
  close(num(loss), want.loss, 1e-5, 'loss');
  assertTensor(model.forward(x, trg.index(':', ':-1')), want.out2, { rtol: 1e-4, atol: 1e-4 }, 'out after one step');
});

test('semantic_segmentation_unet model.py UNET (TF.resize on a shape mismatch), train_fn steps, check_accuracy prints', () => {
  const want = fx.unet;
  class DoubleConv extends nn.Module {
    conv: nn.Sequential;
    constructor(inChannels: number, outChannels: number) {
      super();
      this.conv = new nn.Sequential(
        new nn.Conv2d(inChannels, outChannels, 3, 1, 1, { bias: false }),
        new nn.BatchNorm2d(outChannels),
        new nn.ReLU({ inplace: true }),
        new nn.Conv2d(outChannels, outChannels, 3, 1, 1, { bias: false }),
        new nn.BatchNorm2d(outChannels),
        new nn.ReLU({ inplace: true }),
      );
    }
    override forward(x: Tensor): Tensor {
      return this.conv.forward(x);
    }
  }
  class UNET extends nn.Module {
    ups: nn.ModuleList;
    downs: nn.ModuleList;
    pool: nn.MaxPool2d;
    bottleneck: DoubleConv;
    final_conv: nn.Conv2d;
    constructor(inChannels = 3, outChannels = 1, features = [64, 128, 256, 512]) {
      super();
      this.ups = new nn.ModuleList();
      this.downs = new nn.ModuleList();
      this.pool = new nn.MaxPool2d({ kernelSize: 2, stride: 2 });
      for (const feature of features) {
        this.downs.append(new DoubleConv(inChannels, feature));
        inChannels = feature;
      }
      for (const feature of [...features].reverse()) {
        this.ups.append(new nn.ConvTranspose2d(feature * 2, feature, { kernelSize: 2, stride: 2 }));
        this.ups.append(new DoubleConv(feature * 2, feature));
      }
      this.bottleneck = new DoubleConv(features.at(-1)!, features.at(-1)! * 2);
      this.final_conv = new nn.Conv2d(features[0], outChannels, { kernelSize: 1 });
    }
    override forward(x: Tensor): Tensor {
      let skipConnections: Tensor[] = [];
      for (const down of this.downs) {
        x = (down as DoubleConv).forward(x);
        skipConnections.push(x);
        x = this.pool.forward(x);
      }
      x = this.bottleneck.forward(x);
      skipConnections = skipConnections.reverse();
      for (let idx = 0; idx < this.ups.length; idx += 2) {
        x = (this.ups.get(idx) as nn.Module).forward(x) as Tensor;
        const skipConnection = skipConnections[Math.floor(idx / 2)];
        if (String(x.shape) !== String(skipConnection.shape)) {
          x = TF.resize(x, { size: skipConnection.shape.slice(2) }) as Tensor;
        }
        const concatSkip = torch.cat([skipConnection, x], { dim: 1 });
        x = (this.ups.get(idx + 1) as nn.Module).forward(concatSkip) as Tensor;
      }
      return this.final_conv.forward(x);
    }
  }
  torch.manualSeed(0);
  // test(): x = torch.randn((3, 1, 161, 161)) and the default features in the script
  const x = torch.randn([2, 1, 21, 21]);
  const model = new UNET(1, 1, [4, 8]);
  let preds = model.forward(x);
  assert.deepEqual(preds.shape, x.shape);
  assert.equal(String(model), want.repr);
  assertTensor(preds, want.preds, { rtol: 1e-5, atol: 1e-6 }, 'preds');
  const lossFn = new nn.BCEWithLogitsLoss();
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-4 });
  const targets = torch.rand(2, 21, 21).gt(0.5).float().unsqueeze(1);
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const predictions = model.forward(x);
    const loss = lossFn.forward(predictions, targets);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(num(loss));
  }
  closeAll(losses, want.losses, 1e-5, 'losses');
  model.eval();
  torch.noGrad(() => {
    preds = torch.sigmoid(model.forward(x));
    preds = preds.gt(0.5).float();
    const numCorrect = preds.eq(targets).sum();
    const numPixels = torch.numel(preds);
    const diceScore = preds.mul(targets).sum().mul(2).div(preds.add(targets).sum().add(1e-8));
    assert.equal(`Got ${numCorrect.item()}/${numPixels} with acc ${num(numCorrect.div(numPixels).mul(100)).toFixed(2)}`, want.acc_print);
    // f'{dice_score/1}' is format(float): '0.0' in Python, `${0}` is '0' in JavaScript
    const dice = num(diceScore.div(1));
    assert.equal(`Dice score: ${Number.isInteger(dice) ? dice.toFixed(1) : dice}`, want.dice_print);
  });
});
