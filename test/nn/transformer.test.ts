// TransformerEncoderLayer / DecoderLayer, the stacks and nn.Transformer against PyTorch
// (scripts/fixtures/nn_transformer.py -> nn_transformer.json): seeded init (incl. the deep
// copies and Transformer's xavier re-init), reprs, outputs and gradients with masks, key
// padding masks, norm_first, batch_first, activations and dropout in training mode;
// generateSquareSubsequentMask; PyTorch's error messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { moduleSuite, type ModuleSpec } from '../helpers/modules.js';

const D = 4;
const H = 2;
const FF = 6;
const sq = (n: number) => nn.Transformer.generateSquareSubsequentMask(n);
const one = (build: () => nn.Module): ModuleSpec => ({ build });

const SPECS: Record<string, ModuleSpec> = {
  enc_layer: one(() => new nn.TransformerEncoderLayer(D, H, FF, 0)),
  'enc_layer/src_mask': {
    build: () => new nn.TransformerEncoderLayer(D, H, FF, 0),
    call: (m, x) => (m as nn.TransformerEncoderLayer).forward(x, { srcMask: sq(4) }),
  },
  'enc_layer/batch_first_norm_first_gelu': {
    build: () => new nn.TransformerEncoderLayer(D, H, FF, 0, 'gelu', { batchFirst: true, normFirst: true }),
    call: (m, x, kpm) => (m as nn.TransformerEncoderLayer).forward(x, { srcKeyPaddingMask: kpm }),
  },
  'enc_layer/module_activation': one(() => new nn.TransformerEncoderLayer(D, H, FF, 0, new nn.GELU(), { layerNormEps: 1e-6 })),
  'enc_layer/function_activation': one(() => new nn.TransformerEncoderLayer(D, H, FF, 0, (x) => x.tanh())),
  'enc_layer/unbatched': one(() => new nn.TransformerEncoderLayer(D, H, FF, 0, { batchFirst: true })),
  'enc_layer/dropout': one(() => new nn.TransformerEncoderLayer(D, H, FF, 0.2)),
  dec_layer: {
    build: () => new nn.TransformerDecoderLayer(D, H, FF, 0),
    call: (m, t, mem) => (m as nn.TransformerDecoderLayer).forward(t, mem, { tgtMask: sq(4) }),
  },
  'dec_layer/masks_norm_first_batch_first': {
    build: () => new nn.TransformerDecoderLayer({ dModel: D, nhead: H, dimFeedforward: FF, dropout: 0, activation: 'gelu', batchFirst: true, normFirst: true }),
    call: (m, t, mem, tkpm, mkpm, mm) =>
      (m as nn.TransformerDecoderLayer).forward(t, mem, { tgtMask: sq(3), memoryMask: mm, tgtKeyPaddingMask: tkpm, memoryKeyPaddingMask: mkpm }),
  },
  'dec_layer/dropout': one(() => new nn.TransformerDecoderLayer(D, H, FF, 0.3)),
  encoder: {
    build: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(D, H, FF, 0), 2, new nn.LayerNorm(D)),
    call: (m, x, kpm) => (m as nn.TransformerEncoder).forward(x, { mask: sq(4), srcKeyPaddingMask: kpm }),
  },
  'encoder/batch_first_no_norm': one(
    () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(D, H, FF, 0, { batchFirst: true }), 2, { enableNestedTensor: false }),
  ),
  decoder: {
    build: () => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(D, H, FF, 0), 2, new nn.LayerNorm(D)),
    call: (m, t, mem) => (m as nn.TransformerDecoder).forward(t, mem, sq(3)),
  },
  transformer: {
    build: () => new nn.Transformer(D, H, 1, 1, FF, 0),
    call: (m, s, t) => (m as nn.Transformer).forward(s, t, { tgtMask: sq(4) }),
  },
  'transformer/batch_first_masks': {
    build: () => new nn.Transformer(D, H, 2, 1, FF, 0, 'gelu', { batchFirst: true, normFirst: true }),
    call: (m, s, t, skpm, tkpm) =>
      (m as nn.Transformer).forward(s, t, { tgtMask: sq(3), srcKeyPaddingMask: skpm, tgtKeyPaddingMask: tkpm, memoryKeyPaddingMask: skpm }),
  },
  'transformer/dropout': one(() => new nn.Transformer(D, H, 1, 1, FF, 0.25)),
};

moduleSuite('nn_transformer.json', SPECS);

interface Extras {
  square_mask: TensorJson;
  errors: Record<string, string>;
  reprs: Record<string, string>;
  fast_path: Record<'x' | 'nested' | 'not_left_aligned' | 'layer', TensorJson>;
}
const extras = loadFixture<Extras>('nn_transformer.json');

describe('Transformer extras', () => {
  test('generateSquareSubsequentMask', () => {
    assertTensor(nn.Transformer.generateSquareSubsequentMask(5), extras.square_mask, { rtol: 0, atol: 0 });
    assertTensor(nn.Transformer.generateSquareSubsequentMask({ sz: 5, device: 'cpu' }), extras.square_mask, { rtol: 0, atol: 0 });
  });

  test('default hyperparameters (repr)', () => {
    assert.equal(String(new nn.TransformerEncoderLayer(4, 2)), extras.reprs.enc_layer_defaults);
    assert.equal(String(new nn.TransformerDecoderLayer(4, 2)), extras.reprs.dec_layer_defaults);
  });

  test('layers are deep copies; state dict keys are PyTorch’s', () => {
    const layer = new nn.TransformerEncoderLayer(D, H, FF, 0);
    const enc = new nn.TransformerEncoder(layer, 2);
    const l0 = enc.layers.get(0) as nn.TransformerEncoderLayer;
    const l1 = enc.layers.get(1) as nn.TransformerEncoderLayer;
    assert.notEqual(l0, layer);
    assert.notEqual(l0.linear1.weight, l1.linear1.weight);
    assert.deepEqual(l0.linear1.weight.tolist(), l1.linear1.weight.tolist());
    assert.equal(enc.numLayers, 2);
    assert.equal(enc.norm, null);
    const keys = Object.keys(new nn.Transformer(D, H, 1, 1, FF).stateDict());
    assert.ok(keys.includes('encoder.layers.0.self_attn.in_proj_weight'));
    assert.ok(keys.includes('decoder.layers.0.multihead_attn.out_proj.bias'));
    assert.ok(keys.includes('decoder.norm.weight'));
  });

  test('argument errors', () => {
    assert.throws(() => new nn.TransformerEncoderLayer(4), /missing required argument 'nhead'/);
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { norm_first: true } as never), /did you mean 'normFirst'/);
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { activation: 3 } as never), /option 'activation' must be 'relu', 'gelu', a function or a Module/);
    assert.throws(() => new nn.Transformer({ dModel: 4.5 }), /option 'dModel' must be an int/);
    assert.throws(() => new nn.TransformerEncoder(new nn.Linear(2, 2)), /missing required argument 'numLayers'/);
    const m = new nn.TransformerEncoderLayer(4, 2, 6, 0);
    assert.throws(() => m.forward(torch.randn(3, 2, 4), { srcKeyPaddingMask: torch.zeros([2, 3], { dtype: 'int64' }) }), {
      message: 'only bool and floating types of key_padding_mask are supported',
    });
  });

  const r = (...shape: number[]) => torch.randn(shape);
  const tr = new nn.Transformer(4, 2, 1, 1, 6, 0);
  const calls: Record<string, () => unknown> = {
    transformer_batch: () => tr.forward(r(3, 2, 4), r(3, 1, 4)),
    transformer_features: () => tr.forward(r(3, 2, 4), r(3, 2, 5)),
    enc_layer_activation: () => new nn.TransformerEncoderLayer(4, 2, { activation: 'tanh' as 'relu' }),
  };
  for (const [name, message] of Object.entries(extras.errors)) {
    if (name.startsWith('mha_')) continue;
    test(`error: ${name}`, () => {
      assert.ok(calls[name], `no TypeScript twin for ${name}`);
      assert.throws(calls[name], (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }

  test("eval mode without grad: PyTorch's nested-tensor fast path (padded positions 0)", () => {
    torch.manualSeed(0);
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, 6, 0.1, { batchFirst: true }), 2);
    const x = torch.randn(2, 3, 4);
    const kpm = torch.tensor([[false, false, true], [false, false, false]]);
    const notLeft = torch.tensor([[false, true, false], [false, false, false]]);
    enc.eval();
    const fp = extras.fast_path;
    torch.noGrad(() => {
      assertTensor(enc.forward(x), fp.x, { rtol: 1e-4, atol: 1e-5 }, 'no mask');
      assertTensor(enc.forward(x, { srcKeyPaddingMask: kpm }), fp.nested, { rtol: 1e-4, atol: 1e-5 }, 'nested');
      assertTensor(enc.forward(x, { srcKeyPaddingMask: notLeft }), fp.not_left_aligned, { rtol: 1e-4, atol: 1e-5 }, 'not left aligned');
      assertTensor(enc.layers.get(0).forward(x, { srcKeyPaddingMask: kpm }) as Tensor, fp.layer, { rtol: 1e-4, atol: 1e-5 }, 'layer');
    });
  });
});
