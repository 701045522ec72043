// torch.autograd.Variable against PyTorch (scripts/fixtures/autograd_variable.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { setWarnAlways } from '../../src/tensor/warnings.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Fixture {
  plain: { same_object: boolean; requires_grad: boolean; shares_memory: boolean };
  requires_grad: { requires_grad: boolean; source_requires_grad: boolean; is_leaf: boolean };
  non_leaf: { grad_fn_none: boolean; is_leaf_with_grad: boolean };
  not_tensor: string;
  volatile_warning: string;
}
const f = loadFixture<Fixture>('autograd_variable.json');
const { Variable } = torch.autograd;

test('Variable(x) is a detached alias of x with requiresGrad as asked', async () => {
  const x = torch.randn(2);
  const v = Variable(x);
  assert.equal(v === x, f.plain.same_object);
  assert.equal(v.requiresGrad, f.plain.requires_grad);
  v.add_(1);
  assert.equal(x.equal(v), f.plain.shares_memory, 'shares memory');
  const w = Variable(x, { requiresGrad: true });
  assert.deepEqual([w.requiresGrad, x.requiresGrad, w.isLeaf], [f.requires_grad.requires_grad, f.requires_grad.source_requires_grad, f.requires_grad.is_leaf]);
  const z = x.mul(2).requiresGrad_().mul(3);
  assert.equal(Variable(z).gradFn === null, f.non_leaf.grad_fn_none);
  assert.equal(Variable(z, true).isLeaf, f.non_leaf.is_leaf_with_grad);
  assert.throws(() => Variable(3 as never), { name: 'TypeError', message: f.not_tensor });
  const seen: string[] = [];
  const listener = (e: Error) => seen.push(e.message);
  process.on('warning', listener);
  setWarnAlways(true);
  try {
    Variable(x, false, true);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    setWarnAlways(false);
    process.off('warning', listener);
  }
  assert.deepEqual(seen, [f.volatile_warning]);
});
