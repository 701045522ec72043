// SGD's fused momentum step (Backend.sgdStep, where the backend has it) gives the same bits
// as the op sequence of PyTorch 1.13's _single_tensor_sgd on the same backend, at sizes on
// either side of the native/wasm elementwise thresholds and across threads, with weight
// decay, dampening, nesterov and maximize, on views with offsets; the versions advance as
// the sequence's in-place ops advance them. (The sequence itself is checked against
// PyTorch's trajectories in optimizers.test.ts.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const { optim } = torch;

interface Hyper { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean }

/** The reference: _single_tensor_sgd's op sequence, step by step. */
function referenceSteps(p0: Tensor, grads: Tensor[], o: Hyper): Tensor {
  const p = p0.clone();
  let buf: Tensor | null = null;
  for (const g of grads) {
    let dp = o.maximize ? g.neg() : g;
    if (o.weightDecay !== 0) dp = dp.add(p, { alpha: o.weightDecay });
    if (buf === null) buf = dp.clone();
    else buf.mul_(o.momentum).add_(dp, { alpha: 1 - o.dampening });
    dp = o.nesterov ? dp.add(buf, { alpha: o.momentum }) : buf;
    p.add_(dp, { alpha: -o.lr });
  }
  return p;
}

const bits = (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(t.contiguous().flatten().tolist() as number[]).buffer));

describe('SGD fused momentum step', () => {
  const cases: [string, number[], Partial<Hyper>][] = [
    ['tiny', [5], {}],
    ['below the thresholds', [3, 80], { lr: 0.1 }],
    ['between them', [600], { momentum: 0.5 }],
    ['large', [70, 1000], { lr: 0.05 }],
    ['a block tail', [7, 301], { dampening: 0.1 }],
    ['split across threads, with a tail', [3, 23457], {}],
    ['weight decay', [40, 300], { weightDecay: 5e-4 }],
    ['nesterov with weight decay', [5000], { nesterov: true, weightDecay: 1e-4 }],
    ['maximize', [12000], { maximize: true, weightDecay: 0.01 }],
    // powers of two make exact products, whose sums land halfway between floats often
    ['powers of two', [20000], { lr: 0.5, momentum: 0.5, dampening: 0.5 }],
  ];
  for (const [name, shape, opts] of cases) {
    test(`${name} ${JSON.stringify(shape)}: the same bits as the op sequence`, () => {
      const o: Hyper = { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts };
      torch.manualSeed(3);
      const p0 = torch.randn(shape).mul(name === 'powers of two' ? 2 ** -30 : 1);
      const grads = Array.from({ length: 4 }, () => torch.randn(shape).mul(0.1));
      const p = p0.clone().requiresGrad_();
      const opt = new optim.SGD([p], o);
      for (const g of grads) {
        p.grad = g.clone();
        opt.step();
      }
      assert.deepEqual(bits(p.detach()), bits(referenceSteps(p0, grads, o)));
    });
  }

  test('a parameter that is a view at an offset, with a gradient at an offset', () => {
    torch.manualSeed(4);
    const p0 = torch.randn([2, 3000]).select(0, 1);
    const grads = Array.from({ length: 3 }, () => torch.randn([3, 3000]).select(0, 2));
    const view = torch.zeros([3, 3000]).select(0, 1).copy_(p0).requiresGrad_();
    const opt = new optim.SGD([view], { lr: 0.01, momentum: 0.9 });
    for (const g of grads) {
      view.grad = g;
      opt.step();
    }
    const o: Hyper = { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
    assert.deepEqual(bits(view.detach()), bits(referenceSteps(p0, grads, o)));
  });

  test('the versions advance as the in-place ops of the sequence advance them', () => {
    const p = torch.randn([1000]).requiresGrad_();
    p.grad = torch.randn([1000]);
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    opt.step();
    const buf = (opt.state.get(p) as { momentum_buffer: Tensor }).momentum_buffer;
    const before = [p._version, buf._version];
    opt.step();
    assert.deepEqual([p._version, buf._version], [before[0] + 1, before[1] + 2]);
  });
});
