// nn.init.orthogonal_, eye_, dirac_ and sparse_ against PyTorch 1.13 (scripts/fixtures/init_extra.py):
// seeded results (and the generator state after them, via the next torch.rand draws), errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type DType } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Seeded {
  seed: number;
  shape: number[];
  dtype: DType;
  out: TensorJson;
  after: number[];
  gain?: number;
  sparsity?: number;
  std?: number;
}

interface Fixture {
  orthogonal: Seeded[];
  eye: { shape: number[]; out: TensorJson }[];
  dirac: { shape: number[]; groups: number; out: TensorJson }[];
  sparse: Seeded[];
  errors: Record<string, string>;
}

const fixture = loadFixture<Fixture>('init_extra.json');
const { init } = nn;

function checkSeeded(c: Seeded, fill: (t: torch.Tensor) => torch.Tensor, tol: { rtol: number; atol: number }): void {
  torch.manualSeed(c.seed);
  const t = torch.empty(c.shape, { dtype: c.dtype, requiresGrad: true });
  const out = fill(t);
  assert.equal(out, t, 'returns its argument');
  assert.ok(t.requiresGrad && t.isLeaf, 'stays a leaf that requires grad');
  assertTensor(t, c.out, tol);
  assert.deepEqual(torch.rand([3], { dtype: 'float64' }).tolist(), c.after, 'generator state afterwards');
}

describe('orthogonal_', () => {
  for (const c of fixture.orthogonal) {
    test(`${c.shape.join('x')} ${c.dtype} gain ${c.gain}`, () => {
      // LAPACK's float32 QR and this float64 one agree to float32 rounding.
      const tol = c.dtype === 'float64' ? { rtol: 1e-12, atol: 1e-13 } : { rtol: 1e-5, atol: 2e-6 };
      checkSeeded(c, (t) => init.orthogonal_(t, c.gain), tol);
      const n = c.shape[0];
      const flat = torch.noGrad(() => torch.empty(c.shape, { dtype: 'float64' }).copy_(torch.tensor(c.out.data as number[]).reshape(c.shape)).reshape([n, -1]));
      const gram = n <= flat.shape[1] ? flat.matmul(flat.t()) : flat.t().matmul(flat);
      const k = gram.shape[0];
      assertTensor(gram, { dtype: 'float64', shape: [k, k], data: torch.eye(k).mul((c.gain ?? 1) ** 2).flatten().tolist() as number[] }, { rtol: 0, atol: 1e-5 });
    });
  }
  test('a generator option draws from that generator', () => {
    const g = new torch.Generator().manualSeed(0);
    const t = init.orthogonal_(torch.empty([3, 5]), { generator: g });
    assertTensor(t, fixture.orthogonal[0].out, { rtol: 1e-5, atol: 2e-6 });
  });
});

describe('eye_ and dirac_', () => {
  for (const c of fixture.eye) {
    test(`eye_ ${c.shape.join('x')}`, () => assertTensor(init.eye_(torch.empty(c.shape)), c.out, { rtol: 0, atol: 0 }));
  }
  for (const c of fixture.dirac) {
    test(`dirac_ ${c.shape.join('x')} groups ${c.groups}`, () => {
      const t = torch.full(c.shape, 7.0, { dtype: 'float32', requiresGrad: true });
      assertTensor(init.dirac_(t, c.groups), c.out, { rtol: 0, atol: 0 });
    });
  }
  test('a conv initialised with dirac_ passes its input through', () => {
    const conv = new nn.Conv2d(3, 3, 3, { padding: 1, bias: false });
    init.dirac_(conv.weight);
    const x = torch.randn([1, 3, 5, 5]);
    assertTensor(conv.forward(x), { dtype: 'float32', shape: [1, 3, 5, 5], data: x.flatten().tolist() as number[] }, { rtol: 0, atol: 0 });
  });
});

describe('sparse_', () => {
  for (const c of fixture.sparse) {
    test(`${c.shape.join('x')} ${c.dtype} sparsity ${c.sparsity}`, () => {
      // float64 normal_ values can differ from PyTorch's in the last bit (torchlette's normal_, not sparse_).
      const tol = c.dtype === 'float64' ? { rtol: 1e-15, atol: 0 } : { rtol: 0, atol: 0 };
      checkSeeded(c, (t) => init.sparse_(t, c.sparsity as number, { std: c.std }), tol);
    });
  }
});

describe('errors match PyTorch', () => {
  const cases: Record<string, () => unknown> = {
    orthogonal_1d: () => init.orthogonal_(torch.empty([3])),
    eye_3d: () => init.eye_(torch.empty([2, 2, 2])),
    dirac_2d: () => init.dirac_(torch.empty([3, 3])),
    dirac_groups: () => init.dirac_(torch.empty([5, 2, 3]), { groups: 2 }),
    sparse_3d: () => init.sparse_(torch.empty([2, 2, 2]), 0.5),
  };
  for (const [name, message] of Object.entries(fixture.errors)) {
    test(name, () => assert.throws(cases[name], (e: Error) => e.message === message, message));
  }
  test('argument checks', () => {
    assert.throws(() => init.sparse_(torch.empty([2, 2]) as never), /sparsity/);
    assert.throws(() => init.dirac_(torch.empty([2, 2, 2]), { groups: 1.5 }), /groups/);
    assert.throws(() => init.orthogonal_(torch.empty([2, 2]), { gain_: 2 } as never), /gain_/);
  });
});
