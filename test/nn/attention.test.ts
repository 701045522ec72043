// F.scaledDotProductAttention, F.multiHeadAttentionForward and nn.MultiheadAttention against
// PyTorch (scripts/fixtures/nn_transformer.py -> nn_attention.json): seeded init, reprs,
// outputs, attention weights, input and parameter gradients, dropout in training mode;
// PyTorch's error messages; gradcheck in float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const F = nn.functional;

/** A functional call as a module (the fixture's Fn: weights are inputs). */
class Fn extends nn.Module {
  constructor(private readonly fn: (...xs: Tensor[]) => Tensor | Tensor[]) {
    super();
  }
  override forward(...xs: Tensor[]): Tensor | Tensor[] {
    return this.fn(...xs);
  }
}

const fn = (f: (...xs: Tensor[]) => Tensor | Tensor[]): ModuleSpec => ({ build: () => new Fn(f) });
const mha = (build: () => nn.MultiheadAttention, call?: (m: nn.MultiheadAttention, ...xs: Tensor[]) => Tensor | Tensor[]): ModuleSpec => ({
  build,
  call: call
    ? (m, ...xs) => call(m as nn.MultiheadAttention, ...xs)
    : (m, ...xs) => {
        const [out, w] = (m as nn.MultiheadAttention).forward(xs[0], xs[1], xs[2]);
        return [out, w as Tensor];
      },
});
const pair = ([out, w]: [Tensor, Tensor | null]): Tensor[] => [out, w as Tensor];
const E = 4;

const SPECS: Record<string, ModuleSpec> = {
  'F/sdpa': fn((q, k, v) => F.scaledDotProductAttention(q, k, v)),
  'F/sdpa/3d': fn((q, k, v) => F.scaledDotProductAttention(q, k, v)),
  'F/sdpa/bool_mask': fn((q, k, v, m) => F.scaledDotProductAttention(q, k, v, m)),
  'F/sdpa/float_mask': fn((q, k, v, m) => F.scaledDotProductAttention(q, k, v, m)),
  'F/sdpa/causal': fn((q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true })),
  'F/sdpa/causal_rect': fn((q, k, v) => F.scaledDotProductAttention(q, k, v, null, 0, true)),
  'F/sdpa/dropout': fn((q, k, v) => F.scaledDotProductAttention(q, k, v, { dropoutP: 0.4 })),
  'F/sdpa/float64': fn((q, k, v) => F.scaledDotProductAttention(q, k, v)),
  'F/mha_forward/static_kv': fn((q, w, b, ow, sk, sv) =>
    pair(F.multiHeadAttentionForward(q, q, q, 4, 2, w, b, null, null, false, 0, ow, null, { staticK: sk, staticV: sv })),
  ),
  mha: mha(() => new nn.MultiheadAttention(E, 2)),
  'mha/self': mha(() => new nn.MultiheadAttention(E, 2), (m, x) => pair(m.forward(x, x, x))),
  'mha/enc_dec': mha(() => new nn.MultiheadAttention(E, 4), (m, x, mem) => pair(m.forward(x, mem, mem))),
  'mha/batch_first_self_kpm': mha(
    () => new nn.MultiheadAttention(E, 2, { batchFirst: true }),
    (m, x, kpm) => pair(m.forward(x, x, x, { keyPaddingMask: kpm })),
  ),
  'mha/float_kpm_bool_mask': mha(
    () => new nn.MultiheadAttention(E, 2),
    (m, q, k, v, kpm, am) => pair(m.forward(q, k, v, { keyPaddingMask: kpm, attnMask: am })),
  ),
  'mha/float_mask_bool_kpm': mha(() => new nn.MultiheadAttention(E, 2), (m, q, k, v, kpm, am) => pair(m.forward(q, k, v, kpm, true, am))),
  'mha/bool_mask_3d': mha(() => new nn.MultiheadAttention(E, 2), (m, q, k, v, am) => pair(m.forward(q, k, v, { attnMask: am }))),
  'mha/per_head_weights': mha(() => new nn.MultiheadAttention(E, 4), (m, q, k, v) => pair(m.forward(q, k, v, { averageAttnWeights: false }))),
  'mha/no_weights': mha(() => new nn.MultiheadAttention(E, 2), (m, q, k, v) => {
    const [out, w] = m.forward(q, k, v, { needWeights: false });
    assert.equal(w, null);
    return out;
  }),
  'mha/no_bias': mha(() => new nn.MultiheadAttention(E, 2, { bias: false })),
  'mha/bias_kv_zero_attn': mha(
    () => new nn.MultiheadAttention(E, 2, { addBiasKv: true, addZeroAttn: true }),
    (m, q, k, v, kpm, am) => pair(m.forward(q, k, v, { keyPaddingMask: kpm, attnMask: am })),
  ),
  'mha/kdim_vdim': mha(() => new nn.MultiheadAttention(E, 2, { kdim: 5, vdim: 3 })),
  'mha/kdim_vdim_batch_first': mha(() => new nn.MultiheadAttention(E, 2, { kdim: 5, vdim: 3, batchFirst: true, addBiasKv: true })),
  'mha/unbatched': mha(() => new nn.MultiheadAttention(E, 2), (m, q, k, v, kpm) => pair(m.forward(q, k, v, { keyPaddingMask: kpm }))),
  'mha/unbatched_self_mask3d': mha(() => new nn.MultiheadAttention(E, 2, { batchFirst: true }), (m, x, am) => pair(m.forward(x, x, x, { attnMask: am }))),
  'mha/dropout': mha(() => new nn.MultiheadAttention(E, 2, 0.3)),
  'mha/float64': mha(() => new nn.MultiheadAttention(4, 2, { dtype: 'float64', addBiasKv: true })),
};

moduleSuite('nn_attention.json', SPECS);

describe('MultiheadAttention', () => {
  test('parameters, state dict and attributes as PyTorch', () => {
    const m = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKv: true });
    assert.deepEqual(
      [...m.namedParameters()].map(([n]) => n),
      ['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v', 'out_proj.weight', 'out_proj.bias'],
    );
    assert.equal(m.in_proj_weight, null);
    assert.deepEqual([m.embedDim, m.kdim, m.vdim, m.numHeads, m.headDim, m.batchFirst, m.dropout], [4, 3, 5, 2, 2, false, 0]);
    assert.ok(m.out_proj instanceof nn.Linear);
    const packed = new nn.MultiheadAttention(4, 2, { bias: false });
    assert.deepEqual(Object.keys(packed.stateDict()), ['in_proj_weight', 'out_proj.weight']);
  });

  test('argument errors', () => {
    assert.throws(() => new nn.MultiheadAttention(4), /missing required argument 'numHeads'/);
    assert.throws(() => new nn.MultiheadAttention(4, 2, { batch_first: true } as never), /did you mean 'batchFirst'/);
    assert.throws(() => new nn.MultiheadAttention(4, 2, { kdim: 2.5 }), /option 'kdim' must be an int or null/);
    const m = new nn.MultiheadAttention(4, 2);
    const x = torch.randn(3, 2, 4);
    assert.throws(() => m.forward(x, x, x, { need_weights: false } as never), /did you mean 'needWeights'/);
    assert.throws(() => F.scaledDotProductAttention(x, x), /missing required argument 'value'/);
    assert.throws(() => F.scaledDotProductAttention(x, x, x, torch.ones(3, 3, { dtype: 'bool' }), 0, true), /attn_mask should not be set/);
  });

  const { errors } = loadFixture<{ errors: Record<string, string> }>('nn_transformer.json');
  const r = (...shape: number[]) => torch.randn(shape);
  const m = new nn.MultiheadAttention(4, 2);
  const calls: Record<string, () => unknown> = {
    mha_heads_divide: () => new nn.MultiheadAttention(6, 4),
    mha_kpm_dtype: () => m.forward(r(3, 2, 4), r(3, 2, 4), r(3, 2, 4), { keyPaddingMask: torch.zeros([2, 3], { dtype: 'int64' }) }),
    mha_query_4d: () => m.forward(r(1, 3, 2, 4), r(3, 2, 4), r(3, 2, 4)),
    mha_key_2d: () => m.forward(r(3, 2, 4), r(3, 4), r(3, 4)),
    mha_embed_dim: () => m.forward(r(3, 2, 5), r(3, 2, 5), r(3, 2, 5)),
    mha_kv_shape: () => m.forward(r(3, 2, 4), r(3, 2, 4), r(2, 2, 4)),
    mha_mask_2d_shape: () => m.forward(r(3, 2, 4), r(5, 2, 4), r(5, 2, 4), { attnMask: torch.zeros(3, 4) }),
    mha_mask_3d_shape: () => m.forward(r(3, 2, 4), r(5, 2, 4), r(5, 2, 4), { attnMask: torch.zeros(2, 3, 5) }),
    mha_mask_dtype: () => m.forward(r(3, 2, 4), r(5, 2, 4), r(5, 2, 4), { attnMask: torch.zeros([3, 5], { dtype: 'int64' }) }),
    mha_kpm_shape: () => m.forward(r(3, 2, 4), r(5, 2, 4), r(5, 2, 4), { keyPaddingMask: torch.zeros([2, 4], { dtype: 'bool' }) }),
    mha_unbatched_mask_3d: () => m.forward(r(3, 4), r(5, 4), r(5, 4), { attnMask: torch.zeros(3, 3, 5) }),
  };
  for (const [name, message] of Object.entries(errors)) {
    if (!name.startsWith('mha_')) continue;
    test(`error: ${name}`, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

describe('gradcheck (float64)', () => {
  const r = (...shape: number[]) => torch.randn(shape, { dtype: 'float64', requiresGrad: true });
  test('scaledDotProductAttention', () => {
    torch.manualSeed(0);
    const [q, k, v, fm] = [r(2, 3, 4), r(2, 5, 4), r(2, 5, 3), r(3, 5)];
    assert.ok(torch.autograd.gradcheck((q, k, v, fm) => F.scaledDotProductAttention(q, k, v, fm), [q, k, v, fm]));
    assert.ok(torch.autograd.gradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }), [q, k, v]));
    assert.ok(torch.autograd.gradgradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v), [r(1, 2, 2), r(1, 3, 2), r(1, 3, 1)]));
  });
  test('MultiheadAttention', () => {
    torch.manualSeed(0);
    const m = new nn.MultiheadAttention(4, 2, { dtype: 'float64', addBiasKv: true, addZeroAttn: true });
    const [q, k, v] = [r(3, 2, 4), r(2, 2, 4), r(2, 2, 4)];
    const kpm = torch.tensor([[false, true], [false, false]]);
    const params = [...m.parameters()];
    const f = (q: Tensor, k: Tensor, v: Tensor, ...ps: Tensor[]) => {
      void ps;
      const [out, w] = m.forward(q, k, v, { keyPaddingMask: kpm });
      return [out, w as Tensor];
    };
    assert.ok(torch.autograd.gradcheck(f, [q, k, v, ...params]));
  });
});
