// The public `torch` namespace holds PyTorch's names only: every runtime export is a name of
// PyTorch 1.13's torch namespace camelCased (test/fixtures/api_torch_namespace.json, written by
// scripts/fixtures/api_torch_namespace.py from real PyTorch) or one of torchlette's own extras
// below, each with its reason. Helpers the op files share (addScalar, sumToShape, parseTo, …)
// and Tensor-only methods (view, normal_, contiguous, …) must not appear as torch.*: a program
// calling them would not run in PyTorch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';

/** index_add_ -> indexAdd_, atleast_1d -> atleast1d (as test/api-coverage.test.ts spells PyTorch's names). */
const camel = (name: string): string => {
  const inplace = name.endsWith('_') ? '_' : '';
  return (inplace ? name.slice(0, -1) : name).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + inplace;
};
const { names } = loadFixture<{ names: string[] }>('api_torch_namespace.json');

const EXTRAS: Record<string, string[]> = {
  'the class behind torch.device(...) (PyTorch calls the class itself)': ['Device'],
  "torch.memory_format, the class of torch.channelsLast and the other formats": ['MemoryFormat'],
  "what torch.save/torch.load throw (Python raises pickle's errors)": ['SerializationError', 'UnsafePickleError'],
  "Python's slice start:stop:step, for Tensor.index / indexPut_": ['Slice'],
  "Python's copy.deepcopy, for modules and tensors": ['deepcopy'],
  'torch.default_generator as a function, and torch._tensor_str.get_printoptions': ['getDefaultGenerator', 'getPrintoptions'],
  "PyTorch 2's torch.compile, and the wrapper it returns (torch._dynamo's OptimizedModule)": ['compile', 'OptimizedModule'],
  'I/O a JS program needs besides torch.save/torch.load (buffers, async files, safetensors)': [
    'saveAsync', 'loadAsync', 'saveToBuffer', 'loadFromBuffer', 'safetensors',
  ],
};

test('torch.* exports only PyTorch names (camelCased) and the listed torchlette extras', () => {
  const pytorch = new Set(names.map(camel));
  const extras = new Set(Object.values(EXTRAS).flat());
  const strays = Object.keys(torch).filter((k) => !pytorch.has(k) && !extras.has(k));
  assert.deepEqual(strays, [], `not PyTorch names: ${strays.join(', ')}`);
  // every extra is still exported (a stale allow-list would hide a future leak under its name)
  assert.deepEqual([...extras].filter((k) => !(k in torch)), []);
});

test('internal helpers and Tensor-only methods are not on torch', () => {
  const t = torch as unknown as Record<string, unknown>;
  for (const name of ['addScalar', 'mulScalar', 'divScalar', 'isOperand', 'applyUnary', 'fused', 'predicate', 'parseTo', 'toDtype',
    'typeDtype', 'sumToShape', 'variance', 'bernoulliScalar', 'splitWithSizesAs', 'view', 'expand', 'contiguous', 'repeat', 'copy_',
    'normal_', 'uniform_', 'index', 'linear', 'oneHot']) {
    assert.equal(t[name], undefined, `torch.${name}`);
  }
  // their PyTorch spellings still work
  const x = torch.ones(2, 3);
  assert.deepEqual(x.view(3, 2).shape, [3, 2]);
  assert.deepEqual(torch.nn.functional.oneHot(torch.tensor([1, 0])).tolist(), [[0, 1], [1, 0]]);
  assert.deepEqual(torch.nn.functional.linear(x, torch.ones(4, 3)).shape, [2, 4]);
});
