// Adam's fused step (Backend.adamStep, where the backend has it) gives the same bits as
// the op sequence of PyTorch 1.13's _single_tensor_adam on the same backend, at sizes on
// either side of the native/wasm elementwise thresholds, on views with offsets, with
// weight decay, maximize and AdamW's decoupled decay.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const { optim } = torch;

/** The reference: the unfused op sequence, step by step (no amsgrad). */
function referenceSteps(
  p0: Tensor, grads: Tensor[], o: { lr: number; betas: [number, number]; eps: number; weightDecay: number; maximize: boolean; decoupled: boolean },
): Tensor {
  const p = p0.clone();
  const m = torch.zerosLike(p), v = torch.zerosLike(p);
  const [beta1, beta2] = o.betas;
  grads.forEach((g0, i) => {
    const step = i + 1;
    if (o.decoupled) p.mul_(1 - o.lr * o.weightDecay);
    let g = o.maximize ? g0.neg() : g0;
    if (!o.decoupled && o.weightDecay !== 0) g = g.add(p, { alpha: o.weightDecay });
    m.mul_(beta1).add_(g, { alpha: 1 - beta1 });
    v.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
    const stepSize = o.lr / (1 - beta1 ** step);
    const denom = v.sqrt().div_(Math.sqrt(1 - beta2 ** step)).add_(o.eps);
    p.addcdiv_(m, denom, { value: -stepSize });
  });
  return p;
}

const bits = (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(t.contiguous().flatten().tolist() as number[]).buffer));

describe('Adam fused step', () => {
  const cases: [string, number[], Partial<{ lr: number; betas: [number, number]; eps: number; weightDecay: number; maximize: boolean; decoupled: boolean }>][] = [
    ['tiny', [5], {}],
    ['below the thresholds', [3, 80], { lr: 0.01 }],
    ['between them', [600], { betas: [0.5, 0.999] }],
    ['large', [70, 1000], { lr: 0.05, eps: 1e-3 }],
    ['a vector tail', [7, 301], { betas: [0.8, 0.99] }],
    ['split across threads, with a tail', [3, 12345], {}],
    ['weight decay', [40, 300], { weightDecay: 0.1 }],
    ['maximize', [12000], { maximize: true }],
    ['AdamW', [5000], { weightDecay: 0.01, decoupled: true }],
  ];
  for (const [name, shape, opts] of cases) {
    test(`${name} ${JSON.stringify(shape)}: the same bits as the op sequence`, () => {
      const o = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, maximize: false, decoupled: false, ...opts };
      torch.manualSeed(3);
      const p0 = torch.randn(shape);
      const grads = Array.from({ length: 4 }, () => torch.randn(shape).mul(0.1));
      const p = p0.clone().requiresGrad_();
      const { decoupled, ...hyper } = o;
      const opt = decoupled ? new optim.AdamW([p], hyper) : new optim.Adam([p], hyper);
      for (const g of grads) {
        p.grad = g.clone();
        opt.step();
      }
      assert.deepEqual(bits(p.detach()), bits(referenceSteps(p0, grads, o)));
      assert.equal(Number((opt.state.get(p) as { step: Tensor }).step.item()), 4);
    });
  }

  for (const strided of [false, true]) {
    test(`a parameter that is a view at an offset, with a ${strided ? 'strided' : 'contiguous'} gradient at an offset`, () => {
      torch.manualSeed(4);
      const p0 = torch.randn([2, 3000]).select(0, 1);
      const grads = Array.from({ length: 3 }, () => (strided ? torch.randn([3000, 2]).select(1, 0) : torch.randn([3, 3000]).select(0, 2)));
      const p = p0.clone();
      const view = torch.zeros([3, 3000]).select(0, 1).copy_(p).requiresGrad_();
      const opt = new optim.Adam([view], { lr: 0.01 });
      for (const g of grads) {
        view.grad = g;
        opt.step();
      }
      const o = { lr: 0.01, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, maximize: false, decoupled: false };
      assert.deepEqual(bits(view.detach()), bits(referenceSteps(p0, grads, o)));
    });
  }

  test('the versions advance as the in-place ops of the sequence advance them', () => {
    const p = torch.randn([1000]).requiresGrad_();
    p.grad = torch.randn([1000]);
    const opt = new optim.Adam([p]);
    opt.step();
    const state = opt.state.get(p) as { exp_avg: Tensor; exp_avg_sq: Tensor };
    const before = [p._version, state.exp_avg._version, state.exp_avg_sq._version];
    opt.step();
    assert.deepEqual([p._version, state.exp_avg._version, state.exp_avg_sq._version], [before[0] + 1, before[1] + 2, before[2] + 2]);
  });
});
