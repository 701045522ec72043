// embedding_bag and nn.EmbeddingBag against PyTorch (scripts/fixtures/nn_embedding_bag.py):
// modes sum / mean / max, fixed-length and offset bags, empty bags, include_last_offset,
// padding_idx, per_sample_weights, scale_grad_by_freq, max_norm, from_pretrained; seeded
// initial weights and reprs; error messages, argument errors; gradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

class Fn extends nn.Module {
  constructor(private readonly fn: (...xs: Tensor[]) => Tensor) {
    super();
  }
  override forward(...xs: Tensor[]): Tensor {
    return this.fn(...xs);
  }
}
const one = (build: () => nn.Module, call?: ModuleSpec['call']): ModuleSpec => ({ build, call });
const bag = (m: nn.Module) => m as nn.EmbeddingBag;

const SPECS: Record<string, ModuleSpec> = {
  EmbeddingBag: one(() => new nn.EmbeddingBag(10, 3)),
  'EmbeddingBag/sum_offsets': one(() => new nn.EmbeddingBag(10, 3, { mode: 'sum' })),
  'EmbeddingBag/mean_offsets': one(() => new nn.EmbeddingBag(10, 3)),
  'EmbeddingBag/max_offsets': one(() => new nn.EmbeddingBag(10, 3, { mode: 'max' })),
  'EmbeddingBag/max_2d': one(() => new nn.EmbeddingBag(6, 4, { mode: 'max' })),
  'EmbeddingBag/include_last_offset': one(() => new nn.EmbeddingBag(10, 3, { mode: 'sum', includeLastOffset: true })),
  'EmbeddingBag/include_last_offset_mean': one(() => new nn.EmbeddingBag(10, 2, { includeLastOffset: true })),
  'EmbeddingBag/padding': one(() => new nn.EmbeddingBag(10, 3, { paddingIdx: 3 })),
  'EmbeddingBag/padding_neg_max': one(() => new nn.EmbeddingBag(10, 3, { mode: 'max', paddingIdx: -1 })),
  'EmbeddingBag/padding_sum_2d': one(() => new nn.EmbeddingBag(10, 3, { mode: 'sum', paddingIdx: 0 })),
  'EmbeddingBag/freq': one(() => new nn.EmbeddingBag(10, 3, { scaleGradByFreq: true })),
  'EmbeddingBag/freq_padding': one(() => new nn.EmbeddingBag(10, 3, { scaleGradByFreq: true, paddingIdx: 3 })),
  'EmbeddingBag/freq_sum': one(() => new nn.EmbeddingBag(10, 3, null, 2, true, 'sum')),
  'EmbeddingBag/per_sample_weights': one(
    () => new nn.EmbeddingBag(10, 3, { mode: 'sum' }),
    (m, x, o, w) => bag(m).forward(x, o, w),
  ),
  'EmbeddingBag/per_sample_weights_2d': one(
    () => new nn.EmbeddingBag(10, 3, { mode: 'sum', paddingIdx: 1 }),
    (m, x, w) => bag(m).forward(x, { perSampleWeights: w }),
  ),
  'EmbeddingBag/max_norm': one(() => new nn.EmbeddingBag(10, 3, 1.0, 3.0)),
  'EmbeddingBag/int32': one(() => new nn.EmbeddingBag(10, 3, { mode: 'sum' })),
  'EmbeddingBag/float64': one(() => new nn.EmbeddingBag(5, 2, { dtype: 'float64' })),
  'EmbeddingBag/from_pretrained': one(() => nn.EmbeddingBag.fromPretrained(torch.randn([6, 3]), { freeze: false, mode: 'sum' })),
  'EmbeddingBag/from_pretrained_frozen': one(() => nn.EmbeddingBag.fromPretrained(torch.randn([6, 3]), { paddingIdx: 2 })),
  'embedding_bag/weight_grad': one(() => new Fn((x, o, w) => F.embeddingBag(x, w, o, { mode: 'sum' }))),
  'embedding_bag/empty_input': one(() => new Fn((x, o, w) => F.embeddingBag(x, w, o))),
};

moduleSuite('nn_embedding_bag.json', SPECS);

const extras = loadFixture<{ errors: Record<string, string> }>('nn_embedding_bag.json');

describe('error messages', () => {
  const r = (...shape: number[]) => torch.randn(shape);
  const w = r(10, 3);
  const i = torch.tensor([1, 2, 3, 4], { dtype: 'int64' });
  const o = torch.tensor([0, 2], { dtype: 'int64' });
  const calls: Record<string, () => unknown> = {
    psw_shape: () => F.embeddingBag(i, w, o, { mode: 'sum', perSampleWeights: r(3) }),
    offsets_2d_input: () => F.embeddingBag(i.view(2, 2), w, o),
    offsets_none: () => F.embeddingBag(i, w),
    offsets_dims: () => F.embeddingBag(i, w, o.view(1, 2)),
    input_dims: () => F.embeddingBag(i.view(1, 2, 2), w),
    mode: () => F.embeddingBag(i, w, o, { mode: 'min' }),
    max_freq: () => F.embeddingBag(i, w, o, { mode: 'max', scaleGradByFreq: true }),
    max_sparse: () => F.embeddingBag(i, w, o, { mode: 'max', sparse: true }),
    psw_mean: () => F.embeddingBag(i, w, o, { perSampleWeights: r(4) }),
    first_offset: () => F.embeddingBag(i, w, torch.tensor([1, 2], { dtype: 'int64' })),
  };
  for (const [name, message] of Object.entries(extras.errors)) {
    test(name, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }
  test('index out of range, sparse refused', () => {
    assert.throws(() => F.embeddingBag(torch.tensor([1, 10], { dtype: 'int64' }), w, o), /index out of range in self/);
    assert.throws(() => new nn.EmbeddingBag(4, 2, { sparse: true }).forward(i.remainder(4), o), /sparse gradients are not supported/);
    assert.throws(() => new nn.EmbeddingBag(4, 2, { paddingIdx: 4 }), /padding_idx must be within num_embeddings/);
  });
});

test('argument errors', () => {
  const bad = (f: () => unknown, message: string) => assert.throws(f, { name: 'TypeError', message });
  bad(() => new nn.EmbeddingBag(10), "EmbeddingBag(): missing required argument 'embeddingDim'");
  bad(() => new nn.EmbeddingBag(10, 3, { padding_idx: 1 } as never), "EmbeddingBag(): unexpected option 'padding_idx' — did you mean 'paddingIdx'?");
  bad(() => new nn.EmbeddingBag(10, 3, { mode: 2 } as never), "EmbeddingBag(): option 'mode' must be a string, not int");
  bad(() => F.embeddingBag(torch.tensor([1], { dtype: 'int64' }), torch.randn([3, 2]), { per_sample_weights: null } as never), "embedding_bag(): unexpected option 'per_sample_weights' — did you mean 'perSampleWeights'?");
});

describe('gradcheck (float64)', () => {
  const f64 = { dtype: 'float64' as const };
  const idx = torch.tensor([1, 4, 4, 0, 2, 3, 1], { dtype: 'int64' });
  const offsets = torch.tensor([0, 3, 3, 5], { dtype: 'int64' });
  const cases: [string, (w: Tensor, p: Tensor) => Tensor][] = [
    ['sum + per_sample_weights', (w, p) => F.embeddingBag(idx, w, offsets, { mode: 'sum', perSampleWeights: p })],
    ['mean + padding', (w) => F.embeddingBag(idx, w, offsets, { paddingIdx: 4 })],
    ['max', (w) => F.embeddingBag(idx.view(1, 7), w, { mode: 'max' })],
  ];
  for (const [name, f] of cases) {
    test(name, () => {
      torch.manualSeed(5);
      const w = torch.randn([5, 3], f64).requiresGrad_();
      const p = torch.randn([7], f64).requiresGrad_();
      assert.ok(torch.autograd.gradcheck(f, [w, p]));
    });
  }
});
