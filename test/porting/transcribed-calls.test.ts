// Issue 10's list of calls that PyTorch users write and that used to mean something else
// (or fail deep inside) in torchlette, each transcribed literally: they now mean what they
// mean in PyTorch (scripts/fixtures/porting.py) or throw an error that says what to write.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { datasets } from '../../src/vision/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { DataLoader, Dataset } = torch.utils.data;

interface Calls {
  conv: string;
  conv_out_shape: number[];
  conv_out_sum: number;
  convT: string;
  convT_out_shape: number[];
  lstm: string;
  lstm_params: string[];
  iter_rows: TensorJson[];
}
const fx = loadFixture<{ calls: Calls }>('porting.json').calls;
const FASHION = join(import.meta.dirname, '..', '..', 'assets', 'fashion-mnist');

describe('layers built with positional arguments mean what PyTorch means', () => {
  test('new nn.Conv2d(1, 64, [5, 5], [1, 1], [2, 2]) keeps stride and padding', () => {
    torch.manualSeed(0);
    const conv = new nn.Conv2d(1, 64, [5, 5], [1, 1], [2, 2]);
    const x = torch.rand(1, 1, 6, 6);
    assert.equal(String(conv), fx.conv);
    const y = conv.forward(x);
    assert.deepEqual(y.shape, fx.conv_out_shape);
    assert.ok(Math.abs(Number(y.sum().item()) - fx.conv_out_sum) < 1e-3);
  });
  test('new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false }) as in DCGAN', () => {
    const [nz, ngf] = [8, 4];
    const convT = new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false });
    assert.equal(String(convT), fx.convT);
    assert.deepEqual(convT.forward(torch.rand(1, 8, 1, 1)).shape, fx.convT_out_shape);
  });
  test('new nn.LSTM(ninp, nhid, nlayers) builds nlayers layers', () => {
    const [ninp, nhid, nlayers] = [3, 4, 2];
    const lstm = new nn.LSTM(ninp, nhid, nlayers);
    assert.equal(String(lstm), fx.lstm);
    assert.deepEqual([...lstm.namedParameters()].map(([n]) => n), fx.lstm_params);
  });
});

describe('options objects: required parameters by name, snake_case keys refused', () => {
  test("new datasets.FashionMNIST({ root, train: true }) is new datasets.FashionMNIST(root, true)", () => {
    const byName = new datasets.FashionMNIST({ root: FASHION, train: true });
    const positional = new datasets.FashionMNIST(FASHION, true);
    assert.equal(byName.length, positional.length);
    assert.ok(byName.length > 0);
    assert.equal(new datasets.FashionMNIST({ root: FASHION, train: false }).length, new datasets.FashionMNIST(FASHION, false).length);
  });
  test("new DataLoader(ds, { batch_size: 4 }) throws: did you mean 'batchSize'?", () => {
    const ds = new torch.utils.data.TensorDataset(torch.arange(8));
    assert.throws(() => new DataLoader(ds, { batch_size: 4 } as never), { name: 'TypeError', message: /unexpected option 'batch_size' — did you mean 'batchSize'\?/ });
  });
  test("{ weight_decay: 1e-4 } throws: did you mean 'weightDecay'?", () => {
    const model = new nn.Linear(2, 1);
    assert.throws(() => new optim.SGD(model.parameters(), { lr: 0.1, weight_decay: 1e-4 } as never), {
      name: 'TypeError',
      message: /unexpected option 'weight_decay' — did you mean 'weightDecay'\?/,
    });
  });
});

describe('containers: addModule registers', () => {
  test("seq.addModule('4', m) is in parameters(), the state dict, the repr and forward", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 3), new nn.ReLU());
    const m = new nn.Linear(3, 1);
    seq.addModule('4', m);
    assert.equal([...seq.parameters()].length, 6);
    assert.ok('4.weight' in seq.stateDict());
    assert.match(String(seq), /\(4\): Linear\(in_features=3, out_features=1, bias=True\)/);
    assert.deepEqual((seq.forward(torch.rand(5, 2)) as Tensor).shape, [5, 1]);
  });
  test('ModuleList and ModuleDict too', () => {
    const list = new nn.ModuleList();
    list.addModule('0', new nn.Linear(2, 2));
    assert.equal([...list.parameters()].length, 2);
    const dict = new nn.ModuleDict();
    dict.addModule('fc', new nn.Linear(2, 2));
    assert.deepEqual(Object.keys(dict.stateDict()), ['fc.weight', 'fc.bias']);
  });
});

describe('wrong argument types throw PyTorch-style TypeErrors', () => {
  test('linear.forward(5)', () => {
    assert.throws(() => new nn.Linear(3, 2).forward(5 as never), { name: 'TypeError', message: /argument 'input' \(position 1\) must be Tensor, not int/ });
  });
  test("t.add('abc')", () => {
    assert.throws(() => torch.ones(2).add('abc' as never), { name: 'TypeError', message: /add\(\): argument 'other' \(position 1\) must be Tensor, not str/ });
  });
  test("torch.stack([t, 'x'])", () => {
    assert.throws(() => torch.stack([torch.ones(2), 'x' as never]), { name: 'TypeError', message: /expected Tensor as element 1 in argument 0, but got str/ });
  });
});

class Squares extends Dataset<[Tensor, Tensor]> {
  get length(): number {
    return 10;
  }
  getItem(i: number): [Tensor, Tensor] {
    return [torch.tensor([i, i * i], { dtype: 'float32' }), torch.tensor(i % 3)];
  }
}

describe('DataLoader({ numWorkers: 4 }) with a dataset class of the program', () => {
  test('plain for...of gives the batches of numWorkers: 0', () => {
    const batches = (numWorkers: number) => {
      torch.manualSeed(3);
      const out: number[][] = [];
      for (const [x, y] of new DataLoader(new Squares(), { batchSize: 3, shuffle: true, numWorkers })) out.push([...(x.tolist() as number[][]).flat(), ...(y.tolist() as number[])]);
      return out;
    };
    assert.deepEqual(batches(4), batches(0));
  });
});

describe('first lines of most scripts: device, cuda, iteration', () => {
  test("torch.device('cpu'), x.to(device), model.cpu(), torch.cuda.isAvailable()", () => {
    const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
    assert.equal(String(device), 'cpu');
    const x = torch.ones(2).to(device);
    assert.equal(String(x.device), 'cpu');
    const model = new nn.Linear(2, 1).to(device);
    assert.equal(model.cpu(), model);
    assert.throws(() => torch.device('cuda'), /CPU only/);
  });
  test('for (const row of t) iterates over dim 0', () => {
    const t = torch.tensor([
      [1, 2],
      [3, 4],
    ], { dtype: 'float32' });
    const rows = [...t];
    assert.equal(rows.length, fx.iter_rows.length);
    rows.forEach((row, i) => assertTensor(row, fx.iter_rows[i]));
  });
});

describe('copies and argument orders that must not swap silently', () => {
  test('best_model_wts = copy.deepcopy(model.state_dict()) → torch.deepcopy(model.stateDict())', () => {
    const model = new nn.Linear(2, 2);
    const best = torch.deepcopy(model.stateDict());
    const before = best.weight.clone();
    torch.noGrad(() => model.weight.add_(1));
    assert.ok(torch.equal(best.weight, before), 'the copy does not follow the model');
    model.loadStateDict(best);
    assert.ok(torch.equal(model.weight, before));
  });
  test('torch.embedding(weight, indices) is F.embedding(indices, weight)', () => {
    const weight = torch.randn(5, 3);
    const idx = torch.tensor([4, 0, 2]);
    assert.ok(torch.equal(torch.embedding(weight, idx), nn.functional.embedding(idx, weight)));
    assert.throws(() => torch.embedding(weight, idx, { padding_idx: 0 } as never), /did you mean 'paddingIdx'/);
  });
});

describe('DataLoader(list) as PyTorch: a list is a map-style dataset', () => {
  test('batches of a list of [tensor, label] pairs, with and without workers', () => {
    const pairs = Array.from({ length: 7 }, (_, i): [Tensor, number] => [torch.tensor([i, -i], { dtype: 'float32' }), i % 2]);
    const batches = (numWorkers: number) => {
      const out: number[][] = [];
      for (const [x, y] of new DataLoader(pairs, { batchSize: 3, numWorkers })) out.push([...(x.tolist() as number[][]).flat(), ...(y.tolist() as number[])]);
      return out;
    };
    const expected = batches(0);
    assert.deepEqual(expected[0], [0, -0, 1, -1, 2, -2, 0, 1, 0]);
    assert.equal(expected.length, 3);
    assert.deepEqual(batches(2), expected);
    assert.throws(() => new torch.utils.data.ListDataset(pairs).getItem(7), RangeError);
  });
});
