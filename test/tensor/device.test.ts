// torch.device, Tensor.device / to / cpu, torch.cuda and torch.backends as PyTorch built
// without CUDA answers them; tensors iterate over dim 0 as Python's `for row in t`
// (scripts/fixtures/nn_containers.py); creation functions check their options.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Iteration {
  input: TensorJson;
  rows: TensorJson[];
  grad_fn: string;
  row_grad: TensorJson;
  device: string;
  device_repr: string;
}
const fx = loadFixture<{ iteration: Iteration }>('nn_containers.json').iteration;

describe('devices', () => {
  test("torch.device('cpu') and Tensor.device print as PyTorch's", () => {
    const t = torch.ones(2);
    assert.ok(t.device instanceof torch.Device);
    assert.equal(String(t.device), fx.device);
    assert.equal(inspect(t.device), fx.device_repr);
    assert.equal(t.device.type, 'cpu');
    const dev: torch.device = torch.device('cpu');
    assert.equal(String(dev), 'cpu');
    assert.equal(String(torch.device('cpu:0')), 'cpu:0');
    assert.equal(t.isCuda, false);
  });

  test('the first lines of most scripts', () => {
    assert.equal(torch.cuda.isAvailable(), false);
    assert.equal(torch.cuda.deviceCount(), 0);
    assert.equal(torch.backends.mps.isAvailable(), false);
    assert.equal(torch.backends.mps.isBuilt(), false);
    assert.equal(torch.backends.cudnn.isAvailable(), false);
    torch.backends.cudnn.benchmark = true;
    assert.equal(typeof torch.backends.info().active, 'string');
    torch.cuda.manualSeed(1);
    const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
    const x = torch.ones(2, 2);
    assert.equal(x.to(device), x);
    assert.equal(x.cpu(), x);
  });

  test('Tensor.to: device, dtype, other, options, copy', () => {
    const x = torch.ones(2, 2);
    assert.equal(x.to('cpu'), x);
    assert.equal(x.to(torch.device('cpu')), x);
    assert.equal(x.to('float32'), x);
    assert.equal(x.to('cpu', 'float64').dtype, 'float64');
    assert.equal(x.to({ device: 'cpu', dtype: 'float64' }).dtype, 'float64');
    assert.equal(x.to(null, 'int64').dtype, 'int64');
    assert.equal(x.to(torch.zeros(1, { dtype: 'float64' })).dtype, 'float64');
    const copy = x.to('float32', false, true);
    assert.notEqual(copy, x);
    assert.deepEqual(copy.tolist(), x.tolist());
    assert.notEqual(x.to({ copy: true }), x);
    assert.equal(x.type('torch.DoubleTensor').dtype, 'float64');
    assert.equal(x.type(), 'torch.FloatTensor');
  });

  test("'cuda' and wrong arguments throw", () => {
    const x = torch.ones(2);
    assert.throws(() => x.to('cuda'), /CPU only.*torch\.device\('cpu'\)/);
    assert.throws(() => x.to('cuda:0', 'float64'), /CPU only/);
    assert.throws(() => x.to(torch.device('mps')), /CPU only/);
    assert.throws(() => x.to({ device: 'cuda' }), /CPU only/);
    assert.throws(() => x.to('cpu', 'float64', { dtype: 'float32' } as never), { name: 'TypeError', message: "to(): got multiple values for argument 'dtype'" });
    assert.throws(() => x.to({ memory_format: 1 } as never), { name: 'TypeError', message: "to(): unexpected option 'memory_format' — did you mean 'memoryFormat'?" });
    assert.throws(() => x.to('float32', 1 as never), { name: 'TypeError', message: "to(): argument 'nonBlocking' (position 2) must be a bool, not int" });
    assert.throws(() => x.type('torch.cuda.FloatTensor'), /CPU only/);
  });

  test('creation functions take device and check their options', () => {
    assert.equal(torch.zeros(2, { device: 'cpu' }).device.type, 'cpu');
    assert.equal(torch.tensor([1, 2], { device: torch.device('cpu') }).dtype, 'int64');
    assert.equal(torch.ones([2], { device: null, dtype: null }).dtype, 'float32');
    assert.equal(torch.rand(2, { device: 'cpu', generator: new torch.Generator() }).shape[0], 2);
    const cases: [() => unknown, RegExp | string][] = [
      [() => torch.zeros(2, { device: 'cuda' }), /CPU only/],
      [() => torch.tensor([1], { device: 'cuda:1' }), /CPU only/],
      [() => torch.randn(2, 3, { device: 'mps' }), /CPU only/],
      [() => torch.zeros(2, 3, { requires_grad: true } as never), "zeros(): unexpected option 'requires_grad' — did you mean 'requiresGrad'?"],
      [() => torch.tensor([1.5], { dtyp: 'float64' } as never), "tensor(): unexpected option 'dtyp'; accepted options: dtype, device, requiresGrad, pinMemory"],
      [() => torch.full([2], 1, { dtype: 'float16' } as never), /full\(\): option 'dtype' must be a dtype \(bool/],
      [() => torch.arange(3, { requiresGrad: 1 } as never), "arange(): option 'requiresGrad' must be a bool, not int"],
      [() => torch.zerosLike(torch.ones(1), { generator: null } as never), "zerosLike(): unexpected option 'generator'; accepted options: dtype, device, requiresGrad, pinMemory, memoryFormat"],
      [() => torch.randperm(3, { generator: 5 } as never), "randperm(): option 'generator' must be torch.Generator or null, not int"],
    ];
    for (const [fn, message] of cases) assert.throws(fn, message instanceof RegExp ? message : { name: 'TypeError', message });
  });
});

describe('tensors iterate over dim 0', () => {
  test('for (const row of t) gives the rows (UnbindBackward0 views), as Python', () => {
    torch.manualSeed(0);
    const x = torch.rand(3, 2, { requiresGrad: true }).mul(2);
    assertTensor(x, fx.input, { rtol: 0, atol: 0 });
    const rows: torch.Tensor[] = [];
    for (const row of x) rows.push(row);
    assert.equal(rows.length, fx.rows.length);
    rows.forEach((r, i) => assertTensor(r, fx.rows[i], { rtol: 0, atol: 0 }, `row ${i}`));
    assert.equal(rows[0].gradFn?.name, fx.grad_fn);
    rows[0]._base === null || assert.equal(rows[0]._base, x._base ?? x);
    const loss = rows.map((r, i) => r.sum().mul(i + 1)).reduce((a, b) => a.add(b));
    const [g] = torch.autograd.grad(loss, [x]) as torch.Tensor[];
    assertTensor(g, fx.row_grad);
  });

  test('rows are views; a 1-d tensor gives 0-d tensors; a 0-d tensor throws', () => {
    const m = torch.zeros(2, 3);
    const [first] = m;
    first.fill_(7);
    assert.deepEqual(m.tolist(), [
      [7, 7, 7],
      [0, 0, 0],
    ]);
    assert.deepEqual([...fromJson({ dtype: 'int64', shape: [3], data: [4, 5, 6] })].map((t) => [t.dim(), t.item()]), [
      [0, 4],
      [0, 5],
      [0, 6],
    ]);
    assert.deepEqual([...torch.zeros(0, 2)], []);
    assert.throws(() => [...torch.tensor(3)], { name: 'TypeError', message: 'iteration over a 0-d tensor' });
    const [a, b] = torch.tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual([a.tolist(), b.tolist()], [
      [1, 2],
      [3, 4],
    ]);
  });
});
