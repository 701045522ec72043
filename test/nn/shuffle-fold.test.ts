// Pixel / channel shuffles and fold / unfold against PyTorch (scripts/fixtures/nn_shuffle.py):
// modules and functional forms, node names, error messages; argument errors; gradcheck and
// gradgradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

class Fn extends nn.Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}
const one = (build: () => nn.Module): ModuleSpec => ({ build });
const fn = (f: (x: Tensor) => Tensor): ModuleSpec => one(() => new Fn(f));

const SPECS: Record<string, ModuleSpec> = {
  PixelShuffle: one(() => new nn.PixelShuffle(2)),
  'PixelShuffle/unbatched': one(() => new nn.PixelShuffle({ upscaleFactor: 3 })),
  'PixelShuffle/5d': fn((x) => F.pixelShuffle(x, 2)),
  PixelUnshuffle: one(() => new nn.PixelUnshuffle(2)),
  'PixelUnshuffle/unbatched': fn((x) => torch.pixelUnshuffle(x, 3)),
  'PixelShuffle/1': one(() => new nn.PixelShuffle(1)),
  ChannelShuffle: one(() => new nn.ChannelShuffle(2)),
  'ChannelShuffle/3d': fn((x) => torch.channelShuffle(x, { groups: 3 })),
  Unfold: one(() => new nn.Unfold(2)),
  'Unfold/args': one(() => new nn.Unfold([2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] })),
  'Unfold/unbatched': fn((x) => F.unfold(x, 3, { padding: [0, 1], stride: 2 })),
  Fold: one(() => new nn.Fold(4, 2)),
  'Fold/args': one(() => new nn.Fold([5, 6], [2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] })),
  'Fold/unbatched': fn((x) => F.fold(x, [4, 5], 2, { stride: [1, 2], padding: [1, 0] })),
  fold_of_unfold: one(() => new nn.Sequential(new nn.Unfold(3, { padding: 1 }), new nn.Fold([4, 5], 3, { padding: 1 }))),
};

moduleSuite('nn_shuffle.json', SPECS);

const extras = loadFixture<{ graphs: Record<string, string>; errors: Record<string, string> }>('nn_shuffle.json');

test('backward node names', () => {
  const x = torch.randn([1, 4, 4, 4]).requiresGrad_();
  const got = {
    pixel_shuffle: F.pixelShuffle(x, 2).gradFn?.name,
    pixel_unshuffle: F.pixelUnshuffle(x, 2).gradFn?.name,
    unfold: F.unfold(x, 2).gradFn?.name,
    fold: F.fold(x.reshape(1, 4, 16), 5, 2).gradFn?.name,
  };
  assert.deepEqual(got, extras.graphs);
});

describe('error messages', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    ps_not_div: () => F.pixelShuffle(r(1, 3, 2, 2), 2),
    ps_dims: () => F.pixelShuffle(r(4, 2), 2),
    ps_zero: () => F.pixelShuffle(r(1, 4, 2, 2), 0),
    pu_not_div: () => F.pixelUnshuffle(r(1, 1, 3, 4), 2),
    pu_not_div_w: () => F.pixelUnshuffle(r(1, 1, 4, 3), 2),
    pu_dims: () => F.pixelUnshuffle(r(4, 2), 2),
    pu_zero: () => F.pixelUnshuffle(r(1, 1, 4, 4), 0),
    cs_not_div: () => F.channelShuffle(r(1, 3, 2, 2), 2),
    cs_dims: () => F.channelShuffle(r(4, 2), 2),
    cs_zero: () => F.channelShuffle(r(1, 4, 2, 2), 0),
    unfold_dims: () => F.unfold(r(4, 4), 2),
    unfold_5d: () => F.unfold(r(1, 1, 4, 4, 4), 2),
    unfold_too_big: () => F.unfold(r(1, 1, 3, 3), 4),
    unfold_zero_kernel: () => F.unfold(r(1, 1, 3, 3), 0),
    unfold_zero_stride: () => F.unfold(r(1, 1, 3, 3), 2, { stride: 0 }),
    unfold_zero_dilation: () => F.unfold(r(1, 1, 3, 3), 2, { dilation: 0 }),
    unfold_negative_padding: () => F.unfold(r(1, 1, 3, 3), 2, { padding: -1 }),
    fold_dims: () => F.fold(r(4), 4, 2),
    fold_channels: () => F.fold(r(1, 5, 9), 4, 2),
    fold_blocks: () => F.fold(r(1, 4, 8), 4, 2),
    fold_zero_kernel: () => F.fold(r(1, 4, 9), 4, 0),
    fold_4d: () => F.fold(r(1, 4, 9, 1), 4, 2),
    fold_zero_stride: () => F.fold(r(1, 4, 9), 4, 2, { stride: 0 }),
    Fold_forward: () => new nn.Fold(3, 2).forward(r(1, 4, 5)),
  };
  for (const [name, message] of Object.entries(extras.errors)) {
    test(name, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

test('argument errors', () => {
  const bad = (f: () => unknown, message: string) => assert.throws(f, { name: 'TypeError', message });
  bad(() => new nn.PixelShuffle(), "PixelShuffle(): missing required argument 'upscaleFactor'");
  // @ts-expect-error snake_case
  bad(() => new nn.PixelUnshuffle({ downscale_factor: 2 }), "PixelUnshuffle(): unexpected option 'downscale_factor' — did you mean 'downscaleFactor'?");
  bad(() => new nn.ChannelShuffle(1.5), "ChannelShuffle(): argument 'groups' (position 1) must be an int, not float");
  bad(() => new nn.Fold(4, { kernel_size: 2 } as never), "Fold(): unexpected option 'kernel_size' — did you mean 'kernelSize'?");
  // @ts-expect-error wrong type
  bad(() => new nn.Unfold('2'), "Unfold(): argument 'kernelSize' (position 1) must be an int or a list of ints, not str");
  // @ts-expect-error wrong type
  bad(() => F.pixelShuffle([1], 2), "pixel_shuffle(): argument 'input' (position 1) must be Tensor, not list");
});

describe('gradcheck / gradgradcheck (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();
  const cases: [string, number[], (x: Tensor) => Tensor][] = [
    ['pixelShuffle', [1, 8, 2, 1], (x) => F.pixelShuffle(x, 2)],
    ['pixelUnshuffle', [2, 1, 2, 4], (x) => F.pixelUnshuffle(x, 2)],
    ['channelShuffle', [1, 6, 2], (x) => F.channelShuffle(x, 2)],
    ['unfold', [1, 2, 4, 3], (x) => F.unfold(x, [2, 2], { padding: 1, stride: [2, 1], dilation: [1, 2] })],
    ['fold', [1, 8, 6], (x) => F.fold(x, [3, 4], 2, { padding: [1, 0], stride: [2, 1] })],
  ];
  for (const [name, shape, f] of cases) {
    test(name, () => {
      torch.manualSeed(4);
      assert.ok(torch.autograd.gradcheck(f, [leaf(...shape)]));
      assert.ok(torch.autograd.gradgradcheck(f, [leaf(...shape)]));
    });
  }
});
