// InstanceNorm1d/2d/3d, F.instanceNorm, LocalResponseNorm and CrossMapLRN2d against PyTorch
// (scripts/fixtures/nn_instancenorm.py); gradcheck of each in float64.
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

moduleSuite('nn_instancenorm.json', {
  instancenorm1d: one(() => new nn.InstanceNorm1d(3)),
  'instancenorm1d/unbatched_affine': one(() => new nn.InstanceNorm1d(3, { affine: true })),
  'instancenorm2d/affine': one(() => new nn.InstanceNorm2d(3, { eps: 1e-3, affine: true })),
  'instancenorm2d/track': one(() => new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true })),
  'instancenorm3d/track_momentum': one(() => new nn.InstanceNorm3d(2, { momentum: 0.3, trackRunningStats: true })),
  'instancenorm3d/unbatched': one(() => new nn.InstanceNorm3d(2, { affine: true })),
  'instancenorm2d/float64': one(() => new nn.InstanceNorm2d(2, { affine: true, trackRunningStats: true, dtype: 'float64' })),
  'F/instance_norm': fn((x, w, b) => F.instanceNorm(x, { weight: w, bias: b, eps: 1e-3 })),
  'F/instance_norm/running': fn((x, m, v) => F.instanceNorm(x, m, v, { useInputStats: false })),
  'localresponsenorm/3d': one(() => new nn.LocalResponseNorm(2)),
  'localresponsenorm/4d': one(() => new nn.LocalResponseNorm(3, { alpha: 0.1, beta: 0.6, k: 2.0 })),
  'localresponsenorm/5d': one(() => new nn.LocalResponseNorm(4, { alpha: 0.5, beta: 0.5, k: 1.5 })),
  'localresponsenorm/big_size': one(() => new nn.LocalResponseNorm(7, { alpha: 0.3 })),
  'F/local_response_norm': fn((x) => F.localResponseNorm(x, 3, { k: 0.5, alpha: 0.2 })),
  crossmaplrn2d: one(() => new nn.CrossMapLRN2d(3, { alpha: 0.1, beta: 0.7, k: 1.5 })),
  'crossmaplrn2d/even': one(() => new nn.CrossMapLRN2d(4, { alpha: 0.2 })),
  'crossmaplrn2d/wide': one(() => new nn.CrossMapLRN2d(5, { alpha: 0.3, beta: 0.5, k: 2 })),
});

const extras = loadFixture<{ errors: Record<string, string>; reprs: Record<string, string> }>('nn_instancenorm.json');

describe('nn_instancenorm errors and reprs', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    instancenorm1d_dims: () => new nn.InstanceNorm1d(3).forward(r(2, 3, 4, 5)),
    instancenorm2d_dims: () => new nn.InstanceNorm2d(3).forward(r(3, 4)),
    instancenorm3d_dims: () => new nn.InstanceNorm3d(3).forward(r(1, 3, 4)),
    instance_norm_spatial: () => F.instanceNorm(r(2, 3, 1)),
    instance_norm_no_running: () => F.instanceNorm(r(2, 3, 4), { useInputStats: false }),
    local_response_norm_dims: () => F.localResponseNorm(r(2, 3), 2),
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
    assert.equal(String(new nn.InstanceNorm1d(4)), extras.reprs.in_default);
    assert.equal(String(new nn.InstanceNorm2d(4, { momentum: null, affine: true })), extras.reprs.in_momentum_none);
    assert.equal(String(new nn.LocalResponseNorm(2)), extras.reprs.lrn);
    assert.equal(String(new nn.CrossMapLRN2d(3)), extras.reprs.cmlrn);
  });
  test('argument errors', () => {
    assert.throws(() => new nn.InstanceNorm2d(), /missing required argument 'numFeatures'/);
    assert.throws(() => new nn.InstanceNorm2d(3, { track_running_stats: true } as never), /did you mean 'trackRunningStats'/);
    assert.throws(() => new nn.InstanceNorm3d(3, { affine: 1 } as never), /option 'affine' must be a bool/);
    assert.throws(() => new nn.LocalResponseNorm(2.5), /argument 'size' \(position 1\) must be an int/);
    assert.throws(() => new nn.CrossMapLRN2d(3, { gamma: 1 } as never), /unexpected option 'gamma'/);
    assert.throws(() => F.instanceNorm(r(2, 3, 4), { use_input_stats: false } as never), /did you mean 'useInputStats'/);
  });
  test('torch.instanceNorm is F.instanceNorm', () => {
    assert.equal(torch.instanceNorm, F.instanceNorm);
  });
});

const f64 = { dtype: 'float64' as const };
const leaf = (...shape: number[]) => torch.rand(shape, f64).mul(2).sub(1).requiresGrad_();

describe('gradcheck (float64)', () => {
  const cases: [string, () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
    ['instance_norm', () => [leaf(2, 3, 4), leaf(3), leaf(3)], (x, w, b) => F.instanceNorm(x, { weight: w, bias: b })],
    ['instance_norm/3d', () => [leaf(1, 2, 2, 2, 3)], (x) => F.instanceNorm(x)],
    ['local_response_norm', () => [leaf(2, 5, 3)], (x) => F.localResponseNorm(x, 3, { alpha: 0.5, k: 1.2 })],
    ['local_response_norm/4d', () => [leaf(1, 4, 2, 3)], (x) => F.localResponseNorm(x, 2, { alpha: 0.5 })],
  ];
  for (const [name, inputs, f] of cases) {
    test(name, () => {
      torch.manualSeed(11);
      assert.ok(torch.autograd.gradcheck(f, inputs()));
      assert.ok(torch.autograd.gradgradcheck(f, inputs()));
    });
  }
});
