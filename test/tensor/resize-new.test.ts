// Tensor.resize_ / resizeAs_ and the legacy Tensor.new against PyTorch 1.13
// (scripts/fixtures/tensor_resize_new.py), as old tutorials use them: images.resize_(64, 1, 784),
// weight.new(nLayers, batch, hidden).zero_().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const fx = loadFixture<Record<string, TensorJson> & { grow_shape: number[]; resize_as: number[]; grad_error: string; new_empty: number[] }>('tensor_resize_new.json');

test('resize_: the same numel, fewer, more (values kept), over a transposed tensor and an offset view; resizeAs_', () => {
  const y = torch.arange(6).float();
  assert.equal(y.resize_(2, 3), y);
  assertTensor(y, fx.same_numel);
  assertTensor(torch.arange(6).float().resize_([2, 2]), fx.shrink);
  const w = torch.arange(4).float();
  w.resize_(3, 3);
  assert.deepEqual(w.shape, fx.grow_shape);
  assertTensor(w.flatten().index(':4'), fx.grow_head);
  assertTensor(torch.arange(12).float().view(3, 4).t().resize_(2, 6), fx.transposed);
  assertTensor(torch.arange(12).view(3, 4).index(1).resize_(2, 2), fx.offset_view);
  const a = torch.zeros(2, 3);
  a.resizeAs_(torch.ones(3, 2));
  assert.deepEqual(a.shape, fx.resize_as);
  assert.throws(() => torch.ones(2, { requiresGrad: true }).resize_(3), { message: fx.grad_error });
});

test("new: empty, a size (zero-filled), data in self's dtype, another tensor's memory", () => {
  const x = torch.arange(6).float();
  assert.deepEqual(x.new().shape, fx.new_empty);
  assertTensor(x.new(2, 3).zero_(), fx.new_size);
  assertTensor(x.new([1, 2]), fx.new_data);
  assertTensor(torch.arange(3).new([1.7, 2]), fx.new_long);
  const t = torch.tensor([5, 6], { dtype: 'float32' });
  const n = x.new(t);
  n.indexPut_([0], 9);
  assertTensor(t, fx.new_shares);
});
