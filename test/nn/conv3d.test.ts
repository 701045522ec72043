// Conv3d, ConvTranspose3d and their functional forms against PyTorch
// (scripts/fixtures/nn_conv3d.py); gradcheck / gradgradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

class Fn extends nn.Module {
  constructor(private readonly fn: (...xs: Tensor[]) => Tensor) {
    super();
  }
  override forward(...xs: Tensor[]): Tensor {
    return this.fn(...xs);
  }
}
const one = (build: () => nn.Module): ModuleSpec => ({ build });
const fn = (f: (...xs: Tensor[]) => Tensor): ModuleSpec => one(() => new Fn(f));

moduleSuite('nn_conv3d.json', {
  conv3d: one(() => new nn.Conv3d(2, 3, 3)),
  'conv3d/stride_padding_dilation': one(() => new nn.Conv3d(2, 4, [2, 3, 2], { stride: [2, 1, 2], padding: [1, 1, 0], dilation: [2, 1, 1] })),
  'conv3d/groups': one(() => new nn.Conv3d(4, 4, 3, { groups: 2, padding: 1, bias: false })),
  'conv3d/depthwise_stride': one(() => new nn.Conv3d(3, 3, 2, { stride: 2, groups: 3 })),
  'conv3d/same': one(() => new nn.Conv3d(2, 2, [2, 3, 4], { padding: 'same', dilation: [2, 1, 1] })),
  'conv3d/valid': one(() => new nn.Conv3d(2, 3, 2, { padding: 'valid' })),
  'conv3d/unbatched': one(() => new nn.Conv3d(2, 3, 2)),
  'conv3d/reflect': one(() => new nn.Conv3d(2, 3, 3, { padding: 1, paddingMode: 'reflect' })),
  'conv3d/replicate': one(() => new nn.Conv3d(2, 2, 3, { padding: [1, 2, 1], paddingMode: 'replicate' })),
  'conv3d/circular': one(() => new nn.Conv3d(2, 2, 3, { padding: [2, 1, 1], paddingMode: 'circular', bias: false })),
  'conv3d/float64': one(() => new nn.Conv3d(2, 3, 3, { stride: 2, padding: 1, dtype: 'float64' })),
  conv_transpose3d: one(() => new nn.ConvTranspose3d(2, 3, 3)),
  'conv_transpose3d/stride': one(() => new nn.ConvTranspose3d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 })),
  'conv_transpose3d/groups_dilation': one(
    () => new nn.ConvTranspose3d(4, 6, [3, 2, 2], { stride: [2, 1, 2], padding: [1, 0, 1], outputPadding: [1, 0, 1], groups: 2, dilation: [2, 1, 1], bias: false }),
  ),
  'conv_transpose3d/big_stride': one(() => new nn.ConvTranspose3d(2, 2, [1, 2, 2], { stride: [4, 1, 1], outputPadding: [2, 0, 0] })),
  'conv_transpose3d/output_size': {
    build: () => new nn.ConvTranspose3d(2, 3, 3, { stride: 2, padding: 1 }),
    call: (m, x) => (m as nn.ConvTranspose3d).forward(x, [4, 6, 4]),
  },
  'conv_transpose3d/unbatched': one(() => new nn.ConvTranspose3d(2, 3, 2, { stride: 2 })),
  'conv_transpose3d/float64': one(() => new nn.ConvTranspose3d(3, 2, 2, { stride: [1, 2, 1], padding: [1, 0, 0], dtype: 'float64' })),
  'F/conv3d': fn((x, w, b) => F.conv3d(x, w, b, { stride: [1, 2, 1], padding: 1, dilation: [1, 1, 2], groups: 2 })),
  'F/conv_transpose3d': fn((x, w, b) => F.convTranspose3d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 })),
});

const extras = loadFixture<{ errors: Record<string, string> }>('nn_conv3d.json');

describe('nn_conv3d errors', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    conv3d_kernel_too_big: () => F.conv3d(r(1, 2, 3, 3, 3), r(2, 2, 4, 2, 2)),
    conv3d_same_strided: () => F.conv3d(r(1, 2, 3, 3, 3), r(2, 2, 2, 2, 2), { padding: 'same', stride: 2 }),
    conv3d_channels: () => F.conv3d(r(1, 3, 3, 3, 3), r(2, 2, 2, 2, 2)),
    conv_transpose3d_output_padding: () => F.convTranspose3d(r(1, 2, 3, 3, 3), r(2, 2, 2, 2, 2), { stride: 2, outputPadding: 2 }),
    conv_transpose3d_too_small: () => F.convTranspose3d(r(1, 2, 1, 1, 1), r(2, 2, 1, 1, 1), { padding: 1 }),
    conv_transpose3d_mode: () => new nn.ConvTranspose3d(2, 2, 3, { paddingMode: 'reflect' }),
    conv3d_dims: () => F.conv3d(r(3, 3, 3), r(2, 3, 2, 2, 2)),
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
  test('argument errors', () => {
    assert.throws(() => new (nn.Conv3d as unknown as new (...a: unknown[]) => nn.Module)(2, 3), /missing required argument 'kernelSize'/);
    assert.throws(() => new nn.Conv3d(2, 3, 3, { padding_mode: 'zeros' } as never), /did you mean 'paddingMode'/);
    assert.throws(() => new nn.ConvTranspose3d(2, 3, 3, { outputPadding: 'x' } as never), /option 'outputPadding' must be an int or a list of ints/);
    assert.throws(() => F.conv3d(r(1, 2, 3, 3, 3), r(2, 2, 2, 2, 2), null, { strides: 1 } as never), /unexpected option 'strides'/);
  });
  test('top-level twins', () => {
    assert.equal(torch.conv3d, F.conv3d);
    assert.equal(torch.convTranspose3d, F.convTranspose3d);
  });
});

const f64 = { dtype: 'float64' as const };
const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();

describe('gradcheck (float64)', () => {
  const cases: [string, () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
    ['conv3d', () => [leaf(1, 2, 2, 2, 3), leaf(2, 1, 2, 1, 2), leaf(2)], (x, w, b) => F.conv3d(x, w, b, { stride: [2, 1, 1], padding: [1, 0, 1], dilation: [1, 1, 2], groups: 2 })],
    ['conv_transpose3d', () => [leaf(1, 2, 2, 1, 2), leaf(2, 1, 2, 2, 1), leaf(2)], (x, w, b) => F.convTranspose3d(x, w, b, { stride: [2, 1, 2], padding: [1, 0, 0], outputPadding: [1, 0, 1], groups: 2, dilation: [1, 2, 1] })],
  ];
  for (const [name, inputs, f] of cases) {
    test(name, () => {
      torch.manualSeed(11);
      assert.ok(torch.autograd.gradcheck(f, inputs()));
      if (name === 'conv3d') assert.ok(torch.autograd.gradgradcheck(f, inputs()));
    });
  }
});
