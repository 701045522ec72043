// torch.nn.utils.prune beyond the tutorial (test/porting/pruning.test.ts has the tutorial):
// global_unstructured with importance scores over an already-pruned tensor and with
// RandomUnstructured, identity, remove then re-pruning, a pruned module's state dict loaded
// into another, and the container/global errors. Against scripts/fixtures/nn_prune.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../../src/index.js';
import { nn, type Tensor } from '../../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../../helpers/fixtures.js';

const prune = nn.utils.prune;
interface Fixture {
  global_scores: string[]; global_history: string[]; global_random: string[];
  identity: [string, string[], string[]]; after_remove: string; loaded: [TensorJson, string]; state_keys: string[];
  container_error: string; global_structured_error: string;
}
const fx = loadFixture<Fixture>('nn_prune.json');
const bits = (mask: Tensor): string => Array.from(mask.reshape(-1).ne(0).toTypedArray() as Uint8Array, (v) => String(v)).join('');
const maskOf = (m: nn.Module, name: string) => (m as unknown as Record<string, Tensor>)[`${name}_mask`];
const names = (it: Iterable<[string, unknown]>) => [...it].map(([n]) => n);

test('prune: global pruning, identity, remove and re-prune, state dicts, as PyTorch', () => {
  torch.manualSeed(3);
  const [a, b] = [new nn.Linear(4, 3), new nn.Linear(3, 2)];
  prune.l1Unstructured(a, 'weight', { amount: 3 });
  const scores: nn.utils.prune.ImportanceScores = new Map([[[b, 'weight'] as const, torch.arange(6, { dtype: torch.float32 }).view(2, 3)]]);
  prune.globalUnstructured([[a, 'weight'], [b, 'weight']], prune.L1Unstructured, { importanceScores: scores, amount: 0.25 });
  assert.deepEqual([bits(maskOf(a, 'weight')), bits(maskOf(b, 'weight'))], fx.global_scores);
  assert.deepEqual([...(prune.pruningMethodOf(a, 'weight') as nn.utils.prune.PruningContainer)].map((m) => m.constructor.name), fx.global_history);
  prune.globalUnstructured([[a, 'bias'], [b, 'bias']], { pruningMethod: prune.RandomUnstructured, amount: 2 });
  assert.deepEqual([bits(maskOf(a, 'bias')), bits(maskOf(b, 'bias'))], fx.global_random);

  const c = new nn.Linear(3, 3);
  prune.identity(c, 'weight');
  assert.deepEqual([bits(maskOf(c, 'weight')), names(c.namedParameters()), names(c.namedBuffers())], fx.identity);
  prune.remove(c, 'weight');
  prune.lnStructured(c, 'weight', 0.34, 1, 0);
  assert.equal(bits(maskOf(c, 'weight')), fx.after_remove);
  const sd = c.stateDict();
  const d = new nn.Linear(3, 3);
  prune.identity(d, 'weight');
  d.loadStateDict(sd);
  assertTensor((d as unknown as { weight_orig: Tensor }).weight_orig, fx.loaded[0], {}, 'loaded weight_orig');
  assert.equal(bits(maskOf(d, 'weight')), fx.loaded[1]);
  assert.deepEqual(Object.keys(sd), fx.state_keys);
});

test('prune: a container takes only methods on its tensor; global pruning only unstructured methods', () => {
  const m1 = new prune.L1Unstructured(0.5);
  m1._tensorName = 'weight';
  const m2 = new prune.L1Unstructured(0.5);
  m2._tensorName = 'bias';
  assert.throws(() => new prune.PruningContainer(m1).addPruningMethod(m2), (e: Error) => e.message.startsWith(fx.container_error));
  assert.throws(
    () => prune.globalUnstructured([[new nn.Linear(2, 2), 'weight']], prune.LnStructured, { amount: 0.5, n: 2, dim: 0 }),
    (e: Error) => e.message.startsWith(fx.global_structured_error),
  );
});
