// nn.LSTM through the addon's fused LSTM kernels (native/rnn.cc) against the same layer
// composed from elementwise ops on the JS reference backend: outputs, every gradient, and a
// double backward (createGraph), in float32 and float64. On the JS and WebAssembly passes both
// sides compose (the comparison still runs; the fused kernels are native-only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { backend, jsBackend, nativeAddon, nativeBackend, setBackend } from '../../src/backend/index.js';
import type { Tensor } from '../../src/index.js';

const { nn } = torch;

function onJs<T>(fn: () => T): T {
  const active = backend();
  setBackend(jsBackend);
  try {
    return fn();
  } finally {
    setBackend(active);
  }
}

function maxRelDiff(a: Tensor[], b: Tensor[]): number {
  let worst = 0;
  a.forEach((t, i) => {
    const d = Number(t.sub(b[i]).abs().max().item());
    const s = Number(b[i].abs().max().item());
    worst = Math.max(worst, d / (s + 1e-30));
  });
  return worst;
}

test('the native backend has the fused LSTM kernels', () => {
  if (backend() !== nativeBackend()) return; // the JS / wasm passes compose the step
  assert.equal(typeof nativeAddon()?.lstmCell, 'function');
  const [out] = new nn.LSTM(3, 4).forward(torch.randn(2, 1, 3));
  // The layer ran as one node (its name is PyTorch's, StackBackward0).
  assert.equal(out.gradFn?.constructor.name, 'FusedLstmLayerBackward');
  assert.equal(out.gradFn?.name, 'StackBackward0');
});

for (const dtype of ['float32', 'float64'] as const) {
  test(`nn.LSTM (2 layers, dropout 0) forward and backward match the composed step, ${dtype}`, () => {
    torch.manualSeed(3);
    const lstm = new nn.LSTM(6, 8, 2);
    if (dtype === 'float64') lstm.double();
    const x = torch.randn([5, 3, 6], { dtype }).requiresGrad_();
    const h0 = torch.randn([2, 3, 8], { dtype }).requiresGrad_();
    const c0 = torch.randn([2, 3, 8], { dtype }).transpose(0, 1).contiguous().transpose(0, 1).requiresGrad_();
    const run = () => {
      for (const t of [x, h0, c0, ...lstm.parameters()]) t.grad = null;
      const [out, [h, c]] = lstm.forward(x, [h0, c0]);
      // c.mul(3): the last step's cy gets its own gradient; h.sum(): so does hy.
      out.pow(2).sum().add(h.sum()).add(c.mul(3).sum()).backward();
      return [out, h, c, x.grad!, h0.grad!, c0.grad!, ...[...lstm.parameters()].map((p) => p.grad!)];
    };
    const got = run();
    const want = onJs(run);
    assert.ok(maxRelDiff(got, want) < (dtype === 'float32' ? 1e-5 : 1e-12), `max relative difference ${maxRelDiff(got, want)}`);
  });
}

test('nn.LSTM: the final cell state unused (no gradient reaches the last cy)', () => {
  torch.manualSeed(4);
  const lstm = new nn.LSTM(4, 5);
  const x = torch.randn(3, 2, 4).requiresGrad_();
  const run = () => {
    x.grad = null;
    const [out] = lstm.forward(x);
    out.sum().backward();
    return [x.grad!];
  };
  assert.ok(maxRelDiff(run(), onJs(run)) < 1e-5);
});

test('nn.LSTM: double backward (createGraph) through the fused step', () => {
  torch.manualSeed(5);
  const lstm = new nn.LSTM(4, 5, 1).double();
  const x = torch.randn([3, 2, 4], { dtype: 'float64' }).requiresGrad_();
  // A non-contiguous c0 (the layer takes a contiguous copy): its gradient flows through the copy.
  const c0 = torch.randn([1, 5, 2], { dtype: 'float64' }).transpose(1, 2).requiresGrad_();
  const h0 = torch.randn([1, 2, 5], { dtype: 'float64' }).requiresGrad_();
  const run = () => {
    assert.equal(c0.select(0, 0).isContiguous(), false);
    const [out, [, c]] = lstm.forward(x, [h0, c0]);
    const [gx, gc0] = torch.autograd.grad(out.pow(2).sum().add(c.sum()), [x, c0], { createGraph: true });
    const [ggx, ggc0] = torch.autograd.grad((gx as Tensor).pow(2).sum().add((gc0 as Tensor).pow(2).sum()), [x, c0]);
    return [gx, gc0, ggx, ggc0] as Tensor[];
  };
  assert.ok(maxRelDiff(run(), onJs(run)) < 1e-12);
});

test('nn.LSTM bidirectional, batch_first, no bias, one step: matches the composed layer', () => {
  torch.manualSeed(6);
  for (const [opts, T] of [[{ bidirectional: true }, 4], [{ batchFirst: true, bias: false }, 3], [{}, 1]] as const) {
    const lstm = new nn.LSTM(3, 4, 2, opts);
    const x = torch.randn(T, 2, 3).requiresGrad_();
    const run = () => {
      for (const t of [x, ...lstm.parameters()]) t.grad = null;
      const [out, [h, c]] = lstm.forward(x);
      out.pow(2).sum().add(h.mul(2).sum()).add(c.sum()).backward();
      return [out, h, c, x.grad!, ...[...lstm.parameters()].map((p) => p.grad!)];
    };
    assert.ok(maxRelDiff(run(), onJs(run)) < 1e-5, JSON.stringify(opts));
  }
});

test('nn.LSTM: writing into the output in place leaves the gradients alone (as PyTorch, whose output is a stack)', () => {
  torch.manualSeed(7);
  const lstm = new nn.LSTM(3, 4);
  const x = torch.randn(4, 2, 3).requiresGrad_();
  const run = () => {
    x.grad = null;
    const [out, [h]] = lstm.forward(x);
    const loss = h.pow(2).sum();
    out.mul_(0);
    loss.backward();
    return [x.grad!];
  };
  assert.ok(maxRelDiff(run(), onJs(run)) < 1e-5);
});
