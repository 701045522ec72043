// The activations added for issue 11 against PyTorch (scripts/fixtures/nn_activation_extra.py):
// seeded init, repr, forward and gradients in train and eval mode (RReLU's and
// gumbel_softmax's random draws included), float64 gradchecks and argument errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
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

moduleSuite('nn_activation_extra.json', {
  glu: one(() => new nn.GLU()),
  'glu/dim1': one(() => new nn.GLU(1)),
  hardshrink: one(() => new nn.Hardshrink()),
  'hardshrink/0.3': one(() => new nn.Hardshrink(0.3)),
  softshrink: one(() => new nn.Softshrink()),
  'softshrink/1.2': one(() => new nn.Softshrink({ lambd: 1.2 })),
  tanhshrink: one(() => new nn.Tanhshrink()),
  softmax2d: one(() => new nn.Softmax2d()),
  'softmax2d/3d': one(() => new nn.Softmax2d()),
  prelu: one(() => new nn.PReLU()),
  'prelu/channels': one(() => new nn.PReLU(3, 0.1)),
  'prelu/1d': one(() => new nn.PReLU()),
  'prelu/float64': one(() => new nn.PReLU(4, { dtype: 'float64' })),
  rrelu: one(() => new nn.RReLU()),
  'rrelu/bounds': one(() => new nn.RReLU(0.1, 0.3)),
  'F/hardshrink': fn((x) => F.hardshrink(x, 0.7)),
  'F/glu': fn((x) => F.glu(x, 0)),
  'F/prelu': fn((x, w) => F.prelu(x, w)),
  'F/rrelu_train': fn((x) => F.rrelu(x, 0.2, 0.4, true)),
  'F/elu_': fn((x) => F.elu_(x.mul(1), 0.7)),
  'F/celu_': fn((x) => F.celu_(x.mul(1), 1.3)),
  'F/selu_': fn((x) => F.selu_(x.mul(1))),
  'F/leaky_relu_': fn((x) => F.leakyRelu_(x.mul(1), 0.2)),
  'F/hardtanh_': fn((x) => F.hardtanh_(x.mul(1), -0.5, 0.8)),
  'F/threshold_': fn((x) => F.threshold_(x.mul(1), 0.1, -2.0)),
  'F/relu_': fn((x) => F.relu_(x.mul(1))),
  'F/rrelu_': fn((x) => F.rrelu_(x.mul(1), 0.1, 0.2, true)),
  'F/gumbel_softmax': fn((x) => F.gumbelSoftmax(x, 0.5)),
  'F/gumbel_softmax_hard': fn((x) => F.gumbelSoftmax(x, 1.0, true, { dim: 0 })),
});

describe('gradcheck in float64', () => {
  const x = () => torch.tensor([[0.3, -1.2, 0.8, -0.1], [2.0, -0.6, 0.45, 1.3]], { dtype: 'float64', requiresGrad: true });
  const checks: [string, (...t: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['hardshrink', (t) => F.hardshrink(t, 0.5), () => [x()]],
    ['softshrink', (t) => F.softshrink(t, 0.5), () => [x()]],
    ['tanhshrink', (t) => F.tanhshrink(t), () => [x()]],
    ['glu', (t) => F.glu(t, 1), () => [x()]],
    ['prelu', (t, w) => F.prelu(t, w), () => [x(), torch.tensor([0.25, -0.5, 0.1, 0.7], { dtype: 'float64', requiresGrad: true })]],
    ['rrelu eval', (t) => F.rrelu(t), () => [x()]],
  ];
  for (const [name, f, inputs] of checks) test(name, () => assert.ok(gradcheck(f, inputs())));
});

describe('argument errors', () => {
  test('PReLU and GLU check their inputs as PyTorch', () => {
    assert.throws(() => new nn.PReLU({ num_parameters: 3 } as never), /did you mean 'numParameters'/);
    assert.throws(() => new nn.PReLU('3' as never), /numParameters/);
    assert.throws(() => new nn.PReLU(3).forward(torch.zeros([2, 4])), /Mismatch of parameter numbers and input channel size/);
    assert.throws(() => F.glu(torch.zeros([2, 3])), /Halving dimension must be even, but dimension 1 is size 3/);
    assert.throws(() => F.softshrink(torch.zeros([2]), -1), /lambda must be greater or equal to 0/);
    assert.throws(() => new nn.Softmax2d().forward(torch.zeros([2, 3])), /expected input to be 3D or 4D/);
  });
});
