// Dropout variants added for issue 11 against PyTorch (scripts/fixtures/nn_dropout_extra.py):
// the same seed gives PyTorch's masks (and alpha dropout's affine correction) in training,
// the identity in eval, and PyTorch's gradients.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
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
const one = (build: () => nn.Module): ModuleSpec => ({ build });
const fn = (f: (...xs: Tensor[]) => Tensor): ModuleSpec => one(() => new Fn(f));

moduleSuite('nn_dropout_extra.json', {
  dropout1d: one(() => new nn.Dropout1d()),
  'dropout1d/unbatched': one(() => new nn.Dropout1d(0.3)),
  dropout3d: one(() => new nn.Dropout3d()),
  'dropout3d/unbatched': one(() => new nn.Dropout3d({ p: 0.25 })),
  alpha_dropout: one(() => new nn.AlphaDropout(0.2)),
  'alpha_dropout/float64': one(() => new nn.AlphaDropout(0.5)),
  feature_alpha_dropout: one(() => new nn.FeatureAlphaDropout(0.3)),
  'F/alpha_dropout_default_eval': fn((x) => F.alphaDropout(x, 0.4)),
  'F/alpha_dropout_inplace': fn((x) => F.alphaDropout(x.mul(1), 0.4, true, true)),
  'torch/feature_dropout': fn((x) => torch.featureDropout(x, 0.5, true)),
  'torch/dropout_': fn((x) => torch.dropout_(x.mul(1), 0.3, true)),
  'torch/feature_alpha_dropout_': fn((x) => torch.featureAlphaDropout_(x.mul(1), 0.3, true)),
});

test('dropout1d refuses other ranks and bad probabilities, as PyTorch', () => {
  assert.throws(() => F.dropout1d(torch.zeros([2, 3, 4, 5])), /Expected 2D or 3D input, but received a 4D input/);
  assert.throws(() => new nn.AlphaDropout(1.5), /dropout probability has to be between 0 and 1/);
  assert.throws(() => new nn.Dropout3d({ P: 0.5 } as never), /unexpected option 'P'/);
});
