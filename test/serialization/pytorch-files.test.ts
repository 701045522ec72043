// Checkpoints written by PyTorch 1.13 (scripts/fixtures/serialization.py) load with
// the values, dtypes, strides and storage sharing PyTorch itself sees.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Tensor } from '../../src/index.js';
import { load, loadAsync, loadFromBuffer, SerializationError, UnsafePickleError } from '../../src/serialization/index.js';
import { assertMatches, expected, fixture } from './describe.js';

const want = expected();

describe('torch.load of PyTorch-written files', () => {
  for (const [name, desc] of Object.entries(want.files)) {
    test(name, () => assertMatches(load(fixture(name)), desc));
  }

  test('loadAsync and loadFromBuffer agree with load', async () => {
    assertMatches(await loadAsync(fixture('checkpoint.pt')), want.files['checkpoint.pt']);
    assertMatches(loadFromBuffer(readFileSync(fixture('legacy.pt'))), want.files['legacy.pt']);
  });

  test('state dicts: keys in order, no _metadata, num_batches_tracked is a 0-d int64', () => {
    const sd = load<Record<string, Tensor>>(fixture('convnet.pt'));
    assert.deepEqual(Object.keys(sd), [
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight', '4.bias',
    ]);
    const n = sd['1.num_batches_tracked'];
    assert.equal(n.dtype, 'int64');
    assert.deepEqual(n.shape, []);
    assert.equal(n.item(), 1);
  });

  test('views of one storage share it; parameters keep requires_grad', () => {
    const t = load<Record<string, Tensor>>(fixture('dtypes.pt'));
    assert.equal(t.transposed._storage, t.base._storage);
    assert.deepEqual(t.transposed.strides, [1, 4]);
    assert.equal(t.shared_slice._storage, t.shared_all._storage);
    assert.equal(t.shared_slice.offset, 2);
    assert.deepEqual(t.shared_slice.strides, [2]);
    t.shared_all._storage.data[4] = 100n; // int64: a BigInt64Array
    assert.equal(t.shared_slice.tolist().toString(), [-1, 100, 11].toString());
    assert.equal(t.parameter.requiresGrad, true);
    assert.equal(t.requires_grad.requiresGrad, true);
    assert.equal(t.frozen.requiresGrad, false);
    assert.equal(t.float32.requiresGrad, false);
  });

  test('optimizer state dicts: int keys, floats, tuples and None', () => {
    const osd = load<{ state: Record<string, Record<string, Tensor>>; param_groups: Record<string, unknown>[] }>(fixture('adam.pt'));
    assert.deepEqual(Object.keys(osd.state), ['0', '1', '2', '3']);
    assert.equal(osd.state['0'].step.item(), 2);
    const group = osd.param_groups[0];
    assert.equal(group.lr, 0.01);
    assert.deepEqual(group.betas, [0.9, 0.999]);
    assert.equal(group.eps, 1e-8);
    assert.equal(group.foreach, null);
    assert.deepEqual(group.params, [0, 1, 2, 3]);
  });

  for (const [name, global] of Object.entries(want.refused)) {
    test(`refuses ${name} (${global}) without running it`, () => {
      assert.throws(
        () => load(fixture(name)),
        (e: unknown) => {
          assert.ok(e instanceof UnsafePickleError, `expected UnsafePickleError, got ${String(e)}`);
          assert.ok(e instanceof SerializationError);
          assert.equal(e.global, global);
          assert.ok(e.message.includes(fixture(name)), e.message);
          assert.ok(e.message.includes(`'${global}'`), e.message);
          return true;
        },
      );
    });
  }
});
