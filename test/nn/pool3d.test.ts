// 3-D pooling, the *WithIndices forms, MaxUnpool1d/2d/3d, LPPool1d/2d and
// FractionalMaxPool2d/3d against PyTorch (scripts/fixtures/nn_pool_extra.py); gradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

class Fn extends nn.Module {
  constructor(private readonly fn: (...xs: Tensor[]) => Tensor | Tensor[]) {
    super();
  }
  override forward(...xs: Tensor[]): Tensor | Tensor[] {
    return this.fn(...xs);
  }
}
const one = (build: () => nn.Module): ModuleSpec => ({ build });
const fn = (f: (...xs: Tensor[]) => Tensor | Tensor[]): ModuleSpec => one(() => new Fn(f));
const unpool = (m: nn.Module, [x, i]: [Tensor, Tensor], size?: number[]) => (m as nn.MaxUnpool2d).forward(x, i, size);

moduleSuite('nn_pool_extra.json', {
  maxpool3d: one(() => new nn.MaxPool3d(2)),
  'maxpool3d/all_args': one(() => new nn.MaxPool3d([2, 3, 2], { stride: [1, 2, 1], padding: [1, 1, 0], dilation: [1, 1, 2], ceilMode: true, returnIndices: true })),
  'maxpool3d/ceil_stride': one(() => new nn.MaxPool3d(3, { stride: 2, ceilMode: true, returnIndices: true })),
  'maxpool3d/unbatched': one(() => new nn.MaxPool3d(2, { stride: 1, returnIndices: true })),
  avgpool3d: one(() => new nn.AvgPool3d(2)),
  'avgpool3d/pad_exclude_ceil': one(() => new nn.AvgPool3d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })),
  'avgpool3d/pad_include': one(() => new nn.AvgPool3d([3, 2, 3], { stride: [2, 1, 2], padding: [1, 1, 1] })),
  'avgpool3d/divisor': one(() => new nn.AvgPool3d(2, { stride: 1, divisorOverride: 3 })),
  'avgpool3d/unbatched': one(() => new nn.AvgPool3d([1, 2, 2])),
  adaptive_avgpool3d: one(() => new nn.AdaptiveAvgPool3d([2, 3, 2])),
  'adaptive_avgpool3d/1': one(() => new nn.AdaptiveAvgPool3d(1)),
  'adaptive_avgpool3d/none': one(() => new nn.AdaptiveAvgPool3d([null, 2, 3])),
  adaptive_maxpool3d: one(() => new nn.AdaptiveMaxPool3d([2, 3, 2], { returnIndices: true })),
  'adaptive_maxpool3d/upsample': one(() => new nn.AdaptiveMaxPool3d(3)),
  'F/max_pool1d_with_indices': fn((x) => F.maxPool1dWithIndices(x, 3, { stride: 2, padding: 1 })),
  'F/max_pool2d_with_indices': fn((x) => F.maxPool2dWithIndices(x, 2, { ceilMode: true })),
  'F/max_pool3d_with_indices': fn((x) => F.maxPool3dWithIndices(x, [1, 2, 2])),
  'F/adaptive_max_pool1d_with_indices': fn((x) => F.adaptiveMaxPool1dWithIndices(x, 3)),
  'F/adaptive_max_pool2d_with_indices': fn((x) => F.adaptiveMaxPool2dWithIndices(x, [2, 3])),
  'F/adaptive_max_pool3d_with_indices': fn((x) => F.adaptiveMaxPool3dWithIndices(x, 2)),
  maxunpool1d: { build: () => new nn.MaxUnpool1d(2), call: (m, x) => unpool(m, F.maxPool1d(x, 2, { returnIndices: true })) },
  maxunpool2d: { build: () => new nn.MaxUnpool2d(2, { stride: 2 }), call: (m, x) => unpool(m, F.maxPool2d(x, 2, { returnIndices: true }), [5, 5]) },
  'maxunpool2d/overlap': {
    build: () => new nn.MaxUnpool2d(3, { stride: 1, padding: 1 }),
    call: (m, x) => unpool(m, F.maxPool2d(x, 3, { stride: 1, padding: 1, returnIndices: true })),
  },
  maxunpool3d: { build: () => new nn.MaxUnpool3d(2), call: (m, x) => unpool(m, F.maxPool3d(x, 2, { returnIndices: true })) },
  'F/max_unpool3d/output_size': fn((x) => F.maxUnpool3d(...F.maxPool3d(x, 2, { returnIndices: true }), 2, { outputSize: [1, 1, 5, 5, 5] })),
  lppool1d: one(() => new nn.LPPool1d(2, 3)),
  'lppool1d/stride_ceil': one(() => new nn.LPPool1d(3, 2, { stride: 3, ceilMode: true })),
  lppool2d: one(() => new nn.LPPool2d(2, 2)),
  'lppool2d/float_norm': one(() => new nn.LPPool2d(1.5, [2, 3], { stride: 2, ceilMode: true })),
  fractional_maxpool2d: one(() => new nn.FractionalMaxPool2d(2, { outputSize: 3 })),
  'fractional_maxpool2d/ratio_indices': one(() => new nn.FractionalMaxPool2d([2, 3], { outputRatio: 0.5, returnIndices: true })),
  'fractional_maxpool2d/unbatched': one(() => new nn.FractionalMaxPool2d(3, { outputSize: [4, 3] })),
  'F/fractional_max_pool2d/samples': fn((x, u) => F.fractionalMaxPool2d(x, 2, { outputSize: [3, 4], returnIndices: true, _randomSamples: u })),
  fractional_maxpool3d: one(() => new nn.FractionalMaxPool3d(2, { outputSize: [2, 3, 2], returnIndices: true })),
  'fractional_maxpool3d/ratio_unbatched': one(() => new nn.FractionalMaxPool3d([2, 1, 2], { outputRatio: [0.5, 0.6, 0.7] })),
  'F/fractional_max_pool3d/samples': fn((x, u) => F.fractionalMaxPool3dWithIndices(x, 2, { outputSize: 3, _randomSamples: u })),
});

const extras = loadFixture<{ errors: Record<string, string>; reprs: Record<string, string> }>('nn_pool_extra.json');

describe('nn_pool_extra errors and reprs', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const z = (...shape: number[]) => torch.zeros(shape, { dtype: 'int64' });
  const calls: Record<string, () => unknown> = {
    max_pool3d_pad: () => F.maxPool3d(r(1, 2, 3, 3, 3), 2, { padding: 2 }),
    max_pool3d_too_small: () => F.maxPool3d(r(1, 2, 1, 3, 3), 2),
    max_pool3d_dims: () => F.maxPool3d(r(2, 3, 3), 2),
    max_pool3d_kernel_length: () => F.maxPool3d(r(1, 2, 3, 3, 3), [2, 2]),
    avg_pool3d_dims: () => F.avgPool3d(r(2, 3, 3), 2),
    avg_pool3d_input_small: () => F.avgPool3d(r(1, 2, 1, 3, 3), 2),
    avg_pool3d_divisor: () => F.avgPool3d(r(1, 2, 3, 3, 3), 2, { divisorOverride: 0 }),
    adaptive_avg_pool3d_dims: () => F.adaptiveAvgPool3d(r(2, 3, 3), 2),
    adaptive_max_pool3d_dims: () => F.adaptiveMaxPool3d(r(2, 3, 3), 2),
    fractional2d_height: () => F.fractionalMaxPool2d(r(1, 2, 4, 4), 3, { outputSize: 3 }),
    fractional2d_width: () => F.fractionalMaxPool2d(r(1, 2, 4, 4), 2, { outputSize: [2, 4] }),
    fractional3d_time: () => F.fractionalMaxPool3d(r(1, 2, 4, 4, 4), 2, { outputSize: [4, 2, 2] }),
    fractional_no_size: () => F.fractionalMaxPool2d(r(1, 2, 4, 4), 2),
    fractional_module_no_size: () => new nn.FractionalMaxPool2d(2),
    fractional_module_both: () => new nn.FractionalMaxPool3d(2, { outputSize: 2, outputRatio: 0.5 }),
    fractional_module_ratio: () => new nn.FractionalMaxPool2d(2, { outputRatio: 1.5 }),
    unpool_output_size: () => F.maxUnpool2d(r(1, 2, 2, 2), z(1, 2, 2, 2), 2, { outputSize: [9, 9] }),
    unpool_output_size_length: () => F.maxUnpool2d(r(1, 2, 2, 2), z(1, 2, 2, 2), 2, { outputSize: [1, 4, 4] }),
    unpool_invalid_index: () => F.maxUnpool2d(r(1, 2, 2, 2), torch.full([1, 2, 2, 2], 20, { dtype: 'int64' }), 2),
    unpool_dtype: () => F.maxUnpool2d(r(1, 2, 2, 2), torch.zeros([1, 2, 2, 2], { dtype: 'int32' }), 2),
    unpool3d_dims: () => F.maxUnpool3d(r(2, 2, 2), z(2, 2, 2), 2),
    unpool_shape: () => F.maxUnpool2d(r(1, 2, 2, 2), z(1, 2, 2, 1), 2),
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
  test('reprs', () => {
    const modules: Record<string, nn.Module> = {
      maxpool3d: new nn.MaxPool3d([2, 1, 2], { stride: 1, padding: [1, 0, 1], dilation: 2, ceilMode: true }),
      avgpool3d: new nn.AvgPool3d([2, 3, 2], { stride: 1, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 3 }),
      adaptive_avg3d: new nn.AdaptiveAvgPool3d([2, null, 3]),
      adaptive_max3d: new nn.AdaptiveMaxPool3d(2, { returnIndices: true }),
      unpool1d: new nn.MaxUnpool1d(2),
      unpool2d: new nn.MaxUnpool2d(2, { stride: 1, padding: 1 }),
      unpool3d: new nn.MaxUnpool3d([2, 2, 1]),
      lppool1d: new nn.LPPool1d(2, 3),
      lppool2d: new nn.LPPool2d(1.5, [2, 3], { stride: 2, ceilMode: true }),
      fractional2d: new nn.FractionalMaxPool2d(2, { outputSize: 3 }),
      fractional3d: new nn.FractionalMaxPool3d(2, { outputRatio: [0.5, 0.6, 0.7] }),
    };
    for (const [k, want] of Object.entries(extras.reprs)) assert.equal(String(modules[k]), want, k);
  });
  test('argument errors', () => {
    assert.throws(() => new (nn.MaxPool3d as unknown as new () => nn.Module)(), /missing required argument 'kernelSize'/);
    assert.throws(() => new nn.AvgPool3d(2, { count_include_pad: false } as never), /did you mean 'countIncludePad'/);
    assert.throws(() => new nn.LPPool2d(2, 2, { stride: 'x' } as never), /option 'stride' must be an int or a list of ints or null/);
    assert.throws(() => F.fractionalMaxPool2d(r(1, 1, 4, 4), 2, { output_size: 2 } as never), /did you mean 'outputSize'/);
    assert.throws(() => new nn.MaxUnpool2d(2, { padd: 1 } as never), /unexpected option 'padd'/);
  });
  test('top-level twins', () => {
    assert.equal(torch.maxPool3d, F.maxPool3d);
    assert.equal(torch.adaptiveMaxPool1d, F.adaptiveMaxPool1d);
    assert.equal(torch.maxPool1dWithIndices, F.maxPool1dWithIndices);
  });
  test('fractional max pooling draws torch.rand(N, C, 2) on the default generator', () => {
    const x = r(2, 3, 7, 6);
    torch.manualSeed(5);
    const [a, ia] = F.fractionalMaxPool2d(x, 2, { outputSize: 3, returnIndices: true });
    torch.manualSeed(5);
    const u = torch.rand([2, 3, 2]);
    const [b, ib] = F.fractionalMaxPool2d(x, 2, { outputSize: 3, returnIndices: true, _randomSamples: u });
    assert.deepEqual(a.tolist(), b.tolist());
    assert.deepEqual(ia.tolist(), ib.tolist());
  });
});

const f64 = { dtype: 'float64' as const };
const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();

const SECOND_ORDER = new Set(['max_pool3d', 'avg_pool3d', 'adaptive_max_pool3d', 'max_unpool2d', 'fractional_max_pool2d']);

describe('gradcheck (float64)', () => {
  const cases: [string, () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
    ['max_pool3d', () => [leaf(1, 2, 3, 4, 3)], (x) => F.maxPool3d(x, 2, { stride: 1, padding: 1 })],
    ['avg_pool3d', () => [leaf(1, 2, 3, 4, 3)], (x) => F.avgPool3d(x, 2, { stride: 1, padding: 1, countIncludePad: false, ceilMode: true })],
    ['adaptive_avg_pool3d', () => [leaf(1, 2, 3, 4, 3)], (x) => F.adaptiveAvgPool3d(x, [2, 3, 2])],
    ['adaptive_max_pool3d', () => [leaf(1, 2, 3, 4, 3)], (x) => F.adaptiveMaxPool3d(x, [2, 3, 2])],
    ['max_unpool2d', () => [leaf(1, 2, 4, 4)], (x) => F.maxUnpool2d(...F.maxPool2d(x, 2, { returnIndices: true }), 2)],
    ['lp_pool2d', () => [leaf(1, 2, 4, 4)], (x) => F.lpPool2d(x, 2, 2, { stride: 1 })],
    ['lp_pool1d', () => [leaf(1, 2, 6).abs().add(0.1).detach().requiresGrad_()], (x) => F.lpPool1d(x, 3, 2)],
    ['fractional_max_pool2d', () => [leaf(1, 2, 5, 5), torch.rand([1, 2, 2], f64)], (x, u) => F.fractionalMaxPool2d(x, 2, { outputSize: 3, _randomSamples: u })],
    ['fractional_max_pool3d', () => [leaf(1, 1, 4, 4, 4), torch.rand([1, 1, 3], f64)], (x, u) => F.fractionalMaxPool3d(x, 2, { outputSize: 2, _randomSamples: u })],
  ];
  for (const [name, inputs, f] of cases) {
    test(name, () => {
      torch.manualSeed(11);
      assert.ok(torch.autograd.gradcheck(f, inputs()));
      if (SECOND_ORDER.has(name)) assert.ok(torch.autograd.gradgradcheck(f, inputs()));
    });
  }
});
