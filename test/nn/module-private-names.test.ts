// Fields named with a leading underscore register as PyTorch's do (scripts/fixtures/nn_private_names.py):
// a Parameter, a module or a named buffer under `_name` is part of the module (Hugging Face's
// `_orig_mod`, EfficientNet's `_conv_stem`); other values under such names are the class's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const { nn } = torch;
const want = loadFixture<Record<'repr' | string, string & string[]>>('nn_private_names.json');

class Private extends nn.Module {
  _enc: torch.nn.Linear;
  _w: torch.nn.Parameter;
  _cache: torch.Tensor;
  _sizes: number[];
  head: torch.nn.Linear;
  constructor() {
    super();
    this.addModule('_orig_mod', new nn.Linear(2, 3));
    this._enc = new nn.Linear(1, 1);
    this._w = new nn.Parameter(torch.ones(2));
    this.registerBuffer('_mask', torch.zeros(1));
    this.registerBuffer('_scratch', torch.zeros(2), false);
    this._cache = torch.ones(1);
    this._sizes = [1, 2];
    this.addModule('_none', null);
    this.head = new nn.Linear(3, 1);
  }
}

test("a Parameter, module or buffer under a '_' name is registered; other '_' fields are not", () => {
  const m = new Private();
  assert.equal(String(m), want.repr);
  assert.deepEqual(Object.keys(m.stateDict()), want.state_dict);
  assert.deepEqual([...m.namedParameters()].map(([n]) => n), want.parameters);
  assert.deepEqual([...m.namedBuffers()].map(([n]) => n), want.buffers);
  assert.deepEqual([...m.namedModules()].map(([n]) => n), want.modules);
  assert.deepEqual([...m.namedChildren()].map(([n]) => n), want.children);
});

test("an optimizer over parameters() sees a '_' submodule's weights", () => {
  const m = new Private();
  const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
  assert.equal(opt.paramGroups[0].params.length, want.parameters.length);
});
