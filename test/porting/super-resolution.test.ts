// pytorch/examples' super_resolution, ported: the network (orthogonal_ init, PixelShuffle),
// its data pipeline (PIL's convert('YCbCr') and split, CenterCrop, Resize, ToTensor), Adam on
// MSELoss, the PSNR, and super_resolve.py (Y through the model, Cb and Cr resized BICUBIC,
// merge, convert('RGB')) on the JPEG folder of test/fixtures/imagefolder — compared with the
// same program run in PyTorch (scripts/fixtures/super_resolution.py).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { Image, io, merge, transforms as T } from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture<{ losses: number[]; psnr: number; size: [number, number]; y_sha256: string; rgb_sha256: string }>('super_resolution.json');
const ROOT = fileURLToPath(new URL('../fixtures/imagefolder', import.meta.url));
const init = nn.init;

class Net extends nn.Module {
  relu = new nn.ReLU();
  conv1 = new nn.Conv2d(1, 64, [5, 5], [1, 1], [2, 2]);
  conv2 = new nn.Conv2d(64, 64, [3, 3], [1, 1], [1, 1]);
  conv3 = new nn.Conv2d(64, 32, [3, 3], [1, 1], [1, 1]);
  conv4: nn.Conv2d;
  pixel_shuffle: nn.PixelShuffle;

  constructor(upscaleFactor: number) {
    super();
    this.conv4 = new nn.Conv2d(32, upscaleFactor ** 2, [3, 3], [1, 1], [1, 1]);
    this.pixel_shuffle = new nn.PixelShuffle(upscaleFactor);
    init.orthogonal_(this.conv1.weight, init.calculateGain('relu'));
    init.orthogonal_(this.conv2.weight, init.calculateGain('relu'));
    init.orthogonal_(this.conv3.weight, init.calculateGain('relu'));
    init.orthogonal_(this.conv4.weight);
  }

  override forward(x: Tensor): Tensor {
    x = this.relu.forward(this.conv1.forward(x));
    x = this.relu.forward(this.conv2.forward(x));
    x = this.relu.forward(this.conv3.forward(x));
    return this.pixel_shuffle.forward(this.conv4.forward(x));
  }
}

const loadImg = (file: string): Image => io.loadImage(file).convert('YCbCr').split()[0];

class DatasetFromFolder extends torch.utils.data.Dataset<[Tensor, Tensor]> {
  constructor(
    readonly files: string[],
    readonly inputTransform: (img: Image) => Tensor,
    readonly targetTransform: (img: Image) => Tensor,
  ) {
    super();
  }
  get length(): number {
    return this.files.length;
  }
  getItem(i: number): [Tensor, Tensor] {
    const input = loadImg(this.files[i]);
    return [this.inputTransform(input), this.targetTransform(input)];
  }
}

const files = readdirSync(ROOT).sort().flatMap((c) => readdirSync(join(ROOT, c)).sort().map((f) => join(ROOT, c, f)));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test("super-resolution: PyTorch's losses, PSNR and super-resolved image", () => {
  const upscale = 3;
  const crop = 18 - (18 % 3);
  torch.manualSeed(123);
  const trainSet = new DatasetFromFolder(
    files,
    new T.Compose<Image, Tensor>([new T.CenterCrop(crop), new T.Resize(crop / upscale), new T.ToTensor()]),
    new T.Compose<Image, Tensor>([new T.CenterCrop(crop), new T.ToTensor()]),
  );
  const loader = new torch.utils.data.DataLoader(trainSet, { batchSize: 4, shuffle: true });
  const model = new Net(upscale);
  const criterion = new nn.MSELoss();
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const [input, target] of loader) {
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(input), target);
      losses.push(Number(loss.item()));
      loss.backward();
      optimizer.step();
    }
  }
  losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) <= 1e-4 * fx.losses[i], `step ${i}: ${l} vs PyTorch ${fx.losses[i]}`));
  let psnr = 0;
  torch.noGrad(() => {
    for (const [input, target] of new torch.utils.data.DataLoader(trainSet, { batchSize: 4 })) {
      psnr += 10 * Math.log10(1 / Number(criterion.forward(model.forward(input), target).item()));
    }
  });
  assert.ok(Math.abs(psnr / 3 - fx.psnr) < 1e-3, `PSNR ${psnr / 3} vs ${fx.psnr}`);

  // super_resolve.py
  const [y, cb, cr] = io.loadImage(files[0]).convert('YCbCr').split();
  const out = torch.noGrad(() => model.forward((new T.ToTensor()(y) as Tensor).view(1, -1, y.size[1], y.size[0])));
  const yBytes = out.index(0, 0).mul(255).clamp(0, 255).to('uint8').contiguous().toTypedArray() as Uint8Array;
  const outY = new Image(out.size(3), out.size(2), 1, Uint8Array.from(yBytes));
  const img = merge('YCbCr', [outY, cb.resize(outY.size, 'bicubic'), cr.resize(outY.size, 'bicubic')]).convert('RGB');
  assert.deepEqual(img.size, fx.size);
  assert.equal(sha(outY.bytes('sha')), fx.y_sha256, 'the super-resolved Y channel');
  assert.equal(sha(img.bytes('sha')), fx.rgb_sha256, 'the merged RGB image');
});
