// Adadelta's fused step (Backend.adadelta: one pass on the native backend) against the op
// sequence it replaces, bit for bit. A transposed (non-contiguous) copy of each parameter
// takes the op sequence; the contiguous one takes the fused call.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

function run(dtype: 'float32' | 'float64', opts: torch.optim.AdadeltaOptions, rows: number, cols: number): void {
  torch.manualSeed(3);
  const init = torch.randn([rows, cols], { dtype });
  const grads = [0, 1, 2].map(() => torch.randn([rows, cols], { dtype }).mul(3));
  const fused = init.clone().requiresGrad_();
  const seq = init.t().contiguous().t().requiresGrad_(); // same values, column-major
  assert.equal(seq.isContiguous(), false);
  const a = new torch.optim.Adadelta([fused], opts);
  const b = new torch.optim.Adadelta([seq], opts);
  for (const g of grads) {
    fused.grad = g.clone();
    seq.grad = g.clone();
    a.step();
    b.step();
  }
  const same = (x: Tensor, y: Tensor, what: string) =>
    assert.deepEqual(Array.from(x.contiguous().toTypedArray() as Float32Array), Array.from(y.contiguous().toTypedArray() as Float32Array), what);
  same(fused.detach(), seq.detach(), 'param');
  const sa = a.state.get(fused) as { square_avg: Tensor; acc_delta: Tensor };
  const sb = b.state.get(seq) as { square_avg: Tensor; acc_delta: Tensor };
  same(sa.square_avg, sb.square_avg, 'square_avg');
  same(sa.acc_delta, sb.acc_delta, 'acc_delta');
  assert.equal(fused._version, seq._version);
}

describe('Adadelta fused step', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`${dtype}: equals the op sequence bit for bit`, () => {
      run(dtype, { lr: 1.0 }, 37, 53);
      run(dtype, { lr: 0.3, rho: 0.8, eps: 1e-4, weightDecay: 0.01, maximize: true }, 64, 40);
      run(dtype, { lr: 0.5 }, 5, 7); // below the native backend's size threshold
    });
  }
});
