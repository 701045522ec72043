// Small float32 products bit for bit against PyTorch (scripts/fixtures/matmul_small.py): its BLAS
// computes a dot product of a few terms as one chain of fused multiply-adds in k order from 0,
// its bmm loops over matrices of under 400 multiply-adds without fusing, and torchlette's kernels
// do the same, so `inputs @ inputs.T` of a tutorial's 6x3 matrix, a Linear layer on 4 features
// or a tiny batched product print PyTorch's digits. Larger products are blocked differently by
// each BLAS and agree to rounding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Case { name: string; op: 'matmul' | 'linear'; seed: number; shapes: number[][]; out: TensorJson }
const cases = loadFixture<Case[]>('matmul_small.json');

function run(c: Case): Tensor {
  torch.manualSeed(c.seed);
  const xs = c.shapes.map((s) => torch.randn(s));
  return c.op === 'linear' ? torch.nn.functional.linear(xs[0], xs[1], xs[2]) : xs[0].matmul(xs[1]);
}

for (const c of cases) {
  test(`${c.name}: PyTorch's float32 bits`, () => {
    const got = run(c);
    assert.deepEqual(got.shape, c.out.shape);
    // (the fixture writes float32 values as 9 significant digits, which name them exactly)
    assert.deepEqual(got.flatten().tolist(), (c.out.data as number[]).map(Math.fround));
  });
}
