// manualSeed gives PyTorch's exact sequences (scripts/fixtures/rng.py).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Draw {
  fn: string;
  args: number[];
  dtype: torch.DType;
  out: TensorJson;
}

const fixture = loadFixture<{
  cases: { seed: number; draws: Draw[] }[];
  generator: { seed: number; perm: TensorJson; rand: TensorJson };
  large: { seed: number; draws: { fn: 'normal_' | 'uniform_'; args: [number, number, number]; sha256: string }[] };
}>('rng.json');

function draw(d: Draw): torch.Tensor {
  const a = d.args;
  switch (d.fn) {
    case 'rand':
      return torch.rand(a, { dtype: d.dtype });
    case 'randn':
      return torch.randn(a, { dtype: d.dtype });
    case 'randint':
      return torch.randint(a[0], a[1], [a[2]]);
    case 'randperm':
      return torch.randperm(a[0]);
    case 'uniform_':
      return torch.empty(a[2]).uniform_(a[0], a[1]);
    case 'normal_':
      return torch.empty(a[2]).normal_(a[0], a[1]);
    case 'bernoulli':
      return torch.bernoulli(torch.linspace(0, 1, a[0], { dtype: d.dtype }));
    case 'bernoulli_':
      return torch.zeros(a, { dtype: d.dtype }).bernoulli_(torch.linspace(0, 1, a[1]));
    default:
      throw new Error(`unknown draw ${d.fn}`);
  }
}

for (const c of fixture.cases) {
  test(`manualSeed(${c.seed}) reproduces PyTorch's draws`, () => {
    torch.manualSeed(c.seed);
    for (const d of c.draws) {
      // float32 sequences are bit-exact; float64 normals may differ in the last bit (libm vs V8).
      const tol = d.dtype === 'float64' ? { rtol: 1e-15, atol: 1e-15 } : { rtol: 0, atol: 0 };
      assertTensor(draw(d), d.out, tol, `${d.fn}(${d.args.join(', ')})`);
    }
  });
}

test('a separate Generator does not touch the default one', () => {
  torch.manualSeed(0);
  const before = torch.rand(3).tolist();
  torch.manualSeed(0);
  const gen = new torch.Generator().manualSeed(fixture.generator.seed);
  assertTensor(torch.randperm(10, { generator: gen }), fixture.generator.perm, { rtol: 0, atol: 0 });
  assertTensor(torch.rand(4, { generator: gen }), fixture.generator.rand, { rtol: 0, atol: 0 });
  assert.deepEqual(torch.rand(3).tolist(), before);
});

test('millions of draws are bit-exact (sha256 of the float32 bytes)', () => {
  torch.manualSeed(fixture.large.seed);
  for (const d of fixture.large.draws) {
    const [a, b, n] = d.args;
    const t = d.fn === 'normal_' ? torch.empty(n).normal_(a, b) : torch.empty(n).uniform_(a, b);
    const data = t.toTypedArray() as Float32Array;
    const hash = createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
    assert.equal(hash, d.sha256, `${d.fn}(${a}, ${b}) on ${n} elements`);
  }
});

test('randint(high, {size}) and randint(low, high, {size}) type-check and draw as the positional forms', () => {
  // torch.randint(9, size=(1,)) as mnist_forward_forward writes it
  torch.manualSeed(3);
  const named = [torch.randint(9, { size: [4] }), torch.randint(2, 5, { size: [3], dtype: 'int32' })];
  torch.manualSeed(3);
  const positional = [torch.randint(9, [4]), torch.randint(2, 5, [3], { dtype: 'int32' })];
  named.forEach((t, i) => assert.deepEqual([t.dtype, t.tolist()], [positional[i].dtype, positional[i].tolist()]));
});

test('bernoulli_ with a probability tensor outside [0, 1] throws before touching self', () => {
  for (const bad of [1.5, -0.1, NaN]) {
    const self = torch.full([2], 7);
    assert.throws(() => self.bernoulli_(torch.tensor([0.5, bad])), /bernoulli_ expects all elements of p to be in \[0, 1\]/);
    assert.deepEqual(self.tolist(), [7, 7]);
    assert.throws(() => torch.bernoulli(torch.tensor([bad])), /in \[0, 1\]/);
  }
});
