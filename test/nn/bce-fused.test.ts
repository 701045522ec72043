// binary_cross_entropy where the backends run their fused kernel (more than 256
// elements): losses, gradients and second derivatives against PyTorch 1.13
// (scripts/fixtures/nn_bce.py), and the float32 mean and sum at the VAE example's shape.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from '../helpers/fixtures.js';

const F = nn.functional;

interface Case {
  name: string;
  input: TensorJson;
  target: TensorJson;
  target_requires_grad: boolean;
  params: { reduction?: 'none' | 'mean' | 'sum'; weight?: TensorJson };
  output: TensorJson;
  grad_fn: string;
  grad_output: TensorJson;
  input_grad: TensorJson;
  target_grad?: TensorJson;
  double_v?: TensorJson;
  input_grad2?: TensorJson;
}

interface VaeCase {
  dtype: 'float32' | 'float64';
  reduction: 'mean' | 'sum';
  weighted: boolean;
  output: TensorJson;
}

const fixture = loadFixture<{ cases: Case[]; vae: VaeCase[] }>('nn_bce.json');
const GRAD_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

describe('nn_bce.json: binary_cross_entropy through the fused kernels', () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      const x = fromJson(c.input, { requiresGrad: true });
      const t = fromJson(c.target, { requiresGrad: c.target_requires_grad });
      const weight = c.params.weight ? fromJson(c.params.weight) : undefined;
      const out = F.binaryCrossEntropy(x, t, { weight, reduction: c.params.reduction ?? 'mean' });
      assertTensor(out, c.output, {}, 'loss');
      assert.equal(out.gradFn?.name, c.grad_fn);
      const gradOutput = fromJson(c.grad_output);
      if (c.double_v) {
        const [gx] = torch.autograd.grad(out, [x], { gradOutputs: gradOutput, createGraph: true });
        assertTensor(gx as Tensor, c.input_grad, GRAD_TOL, 'input grad');
        const [g2] = torch.autograd.grad((gx as Tensor).mul(fromJson(c.double_v)).sum(), [x]);
        assertTensor(g2 as Tensor, c.input_grad2 as TensorJson, GRAD_TOL, 'second derivative');
        return;
      }
      out.backward(gradOutput);
      assertTensor(x.grad as Tensor, c.input_grad, GRAD_TOL, 'input grad');
      if (c.target_grad) assertTensor(t.grad as Tensor, c.target_grad, GRAD_TOL, 'target grad');
    });
  }
});

describe('binary_cross_entropy at the VAE shape (128 x 784)', () => {
  /** The script's inputs: x_i = (7919 i mod 9973) / 9972, y_i = (31 i mod 17) / 16. */
  const inputs = (dtype: 'float32' | 'float64') => {
    const n = 128 * 784;
    const x = new Array<number>(n), y = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      x[i] = ((i * 7919) % 9973) / 9972;
      y[i] = ((i * 31) % 17) / 16;
    }
    const w = Array.from({ length: 784 }, (_, j) => (j % 5) / 4 + 0.5);
    return {
      x: torch.tensor(x, { dtype }).view(128, 784),
      y: torch.tensor(y, { dtype }).view(128, 784),
      w: torch.tensor(w, { dtype }),
    };
  };
  for (const c of fixture.vae) {
    test(`${c.dtype} ${c.reduction}${c.weighted ? ' weighted' : ''}`, () => {
      const { x, y, w } = inputs(c.dtype);
      const out = F.binaryCrossEntropy(x, y, { weight: c.weighted ? w : undefined, reduction: c.reduction });
      // PyTorch's float32 sum (its vectorized cascade, one thread) reproduced bit for bit;
      // the earlier composite (elementwise ops, then mean()) missed 3 of these 4 by an ulp.
      assertTensor(out, c.output, c.dtype === 'float32' ? { rtol: 0, atol: 0 } : {}, 'loss');
    });
  }

  test('keeps PyTorch errors: input outside [0, 1], target size', () => {
    const { x, y } = inputs('float32');
    assert.throws(() => F.binaryCrossEntropy(x.mul(2), y), { message: 'all elements of input should be between 0 and 1' });
    assert.throws(() => F.binaryCrossEntropy(x, y.view(-1)), {
      message: 'Using a target size (torch.Size([100352])) that is different to the input size (torch.Size([128, 784])) is deprecated. Please ensure they have the same size.',
    });
  });
});
