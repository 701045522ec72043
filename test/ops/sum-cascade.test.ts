// Float sums and means bit for bit against PyTorch (scripts/fixtures/ops_sum_cascade.py): ATen's
// cascade_sum as its AVX2 kernel runs it on one thread (js/cascade-sum.ts and its native twin),
// for whole tensors, rows, columns (a bias gradient's layout) and transposed matrices, in float32
// and float64, so that a loss printed from a mean reads as PyTorch prints it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Case = { kind: 'all' | 'matrix'; dtype: 'float32' | 'float64'; seed: number; shape: number[] } & Record<string, TensorJson>;
const cases = loadFixture<Case[]>('ops_sum_cascade.json');

function assertBits(got: Tensor, want: TensorJson, label: string): void {
  assert.deepEqual(got.shape, want.shape, label);
  const expected = (want.data as number[]).map((v) => (want.dtype === 'float32' ? Math.fround(v) : v));
  assert.deepEqual(got.flatten().tolist(), expected, label);
}

for (const c of cases) {
  test(`${c.dtype} ${c.kind === 'all' ? `sum and mean of ${c.shape[0]}` : `sums and means of ${c.shape.join('x')} over each dim, and of its transpose`}: PyTorch's bits`, () => {
    torch.manualSeed(c.seed);
    const x = torch.randn(c.shape).mul(10).to(c.dtype);
    if (c.kind === 'all') {
      assertBits(x.sum(), c.sum, 'sum');
      assertBits(x.mean(), c.mean, 'mean');
      return;
    }
    for (const dim of [0, 1]) {
      assertBits(x.sum(dim), c[`sum${dim}`], `sum(${dim})`);
      assertBits(x.mean(dim), c[`mean${dim}`], `mean(${dim})`);
      assertBits(x.t().sum(dim), c[`t_sum${dim}`], `t().sum(${dim})`);
    }
  });
}
