// float32 exp, log, tanh, erf, sigmoid, silu, gelu (tanh), softmax and log_softmax (and their gradients, and
// cross_entropy on top) bit for bit against PyTorch (scripts/fixtures/ops_exp_softmax.py):
// SLEEF's exp, log, tanh and erf (js/sleef.ts, native/sleef_f32.h), the scalar tails of sigmoid and silu,
// and ATen's softmax kernels (js/softmax.ts, native/softmax_impl.h), on every backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = torch.nn.functional;
type Elementwise = { seed: number; n: number } & Record<'exp' | 'log' | 'tanh' | 'erf' | 'sigmoid' | 'silu' | 'gelu_tanh', TensorJson>;
type Softmax = { seed: number; shape: number[]; dim: number } & Record<string, TensorJson>;
const fx = loadFixture<{
  elementwise: Elementwise[];
  edges: Record<'x' | 'exp' | 'log' | 'tanh' | 'erf', TensorJson>;
  wide_exp: TensorJson;
  tiny_log: TensorJson;
  softmax: Softmax[];
  cross_entropy: Record<'target' | 'loss' | 'grad', TensorJson>;
}>('ops_exp_softmax.json');

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
function bitsOf(v: number): number {
  F32[0] = v;
  return I32[0];
}
function wanted(want: TensorJson): number[] {
  return (want.data as (number | string)[]).map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Math.fround(v as number)));
}

/**
 * got's elements have PyTorch's float32 bits, except that `tail` elements may be one ulp off:
 * ATen's scalar tails call libm's expf, which this library stands in for with Math.exp rounded
 * to float (they differ in about one exp in a thousand).
 */
function assertBits(got: Tensor, want: TensorJson, label: string, tail = 0): void {
  assert.deepEqual(got.shape, want.shape, label);
  const g = got.flatten().tolist() as number[];
  const w = wanted(want);
  let off = 0;
  for (let i = 0; i < w.length; i++) {
    if (Object.is(g[i], w[i]) || (g[i] !== g[i] && w[i] !== w[i])) continue;
    const ulps = Math.abs(bitsOf(g[i]) - bitsOf(w[i]));
    assert.ok(ulps === 1 && ++off <= tail, `${label}[${i}]: got ${g[i]}, PyTorch ${w[i]}`);
  }
}

test("exp, log, tanh, erf, sigmoid, silu and gelu (tanh) of 1 to 1003 elements: PyTorch's bits (SLEEF, scalar tails of n % 16)", () => {
  for (const c of fx.elementwise) {
    torch.manualSeed(c.seed);
    const x = torch.randn([c.n]).mul(4);
    assertBits(x.exp(), c.exp, `exp(${c.n})`);
    assertBits(x.abs().log(), c.log, `log(${c.n})`);
    assertBits(x.tanh(), c.tanh, `tanh(${c.n})`);
    assertBits(x.erf(), c.erf, `erf(${c.n})`);
    // The rows' vectorized part bit for bit; the scalar tail (libm's tanhf) to 1e-6.
    const gelu = F.gelu(x, { approximate: 'tanh' });
    const vec = c.n - (c.n % 16);
    const want = wanted(c.gelu_tanh);
    assertBits(gelu.narrow(0, 0, vec), { ...c.gelu_tanh, shape: [vec], data: want.slice(0, vec) }, `gelu(${c.n}, tanh)`);
    (gelu.narrow(0, vec, c.n - vec).tolist() as number[]).forEach((v, i) => {
      assert.ok(Math.abs(v - want[vec + i]) <= 1e-6 * Math.abs(want[vec + i]) + 1e-7, `gelu(${c.n}, tanh) tail [${vec + i}]: ${v} vs ${want[vec + i]}`);
    });
    assertBits(x.sigmoid(), c.sigmoid, `sigmoid(${c.n})`);
    assertBits(F.silu(x), c.silu, `silu(${c.n})`);
  }
});

test('exp, log, tanh and erf at the edges (zeros, infinities, NaN, denormals, overflow and underflow bounds) and over wide ranges', () => {
  const x = fromJson(fx.edges.x);
  assertBits(x.exp(), fx.edges.exp, 'exp(edges)');
  assertBits(x.log(), fx.edges.log, 'log(edges)');
  assertBits(x.tanh(), fx.edges.tanh, 'tanh(edges)');
  assertBits(x.erf(), fx.edges.erf, 'erf(edges)');
  torch.manualSeed(7);
  assertBits(torch.rand([2048]).sub(0.5).mul(220).exp(), fx.wide_exp, 'exp over [-110, 110]');
  torch.manualSeed(8);
  assertBits(torch.rand([2048]).mul(1e-37).log(), fx.tiny_log, 'log of denormals and tiny normals');
});

test("softmax and log_softmax over the last dim and over others, forward and backward: PyTorch's bits", () => {
  for (const c of fx.softmax) {
    torch.manualSeed(c.seed);
    const x = torch.randn(c.shape).mul(3).requiresGrad_();
    const g = torch.randn(c.shape);
    const dim = c.dim < 0 ? c.dim + c.shape.length : c.dim;
    // Positions ATen runs in scalar code (the last inner % 8 of a dim that is not the last).
    const inner = c.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const tail = dim === c.shape.length - 1 ? 0 : Math.ceil(x.numel() / 100);
    for (const [name, y] of [['softmax', x.softmax(c.dim)], ['log_softmax', x.logSoftmax(c.dim)]] as const) {
      const label = `${name}(${c.shape.join('x')}, dim ${c.dim}, inner ${inner})`;
      assertBits(y, c[name], label, tail);
      const [gx] = torch.autograd.grad(y, x, g);
      assertBits(gx!, c[`${name}_grad`], `${label} backward`, tail);
    }
  }
});

test('cross_entropy of 64x10 logits, and its gradient: PyTorch\'s bits', () => {
  torch.manualSeed(9);
  const logits = torch.randn([64, 10]).mul(2).requiresGrad_();
  const target = fromJson(fx.cross_entropy.target);
  const loss = F.crossEntropy(logits, target);
  assertBits(loss, fx.cross_entropy.loss, 'loss');
  loss.backward();
  assertBits(logits.grad!, fx.cross_entropy.grad, 'grad');
});
