// torch.optim.swa_utils against PyTorch 1.13 (scripts/fixtures/optim_swa.py): SWALR's lr sequences,
// AveragedModel's averages (equal and EMA with buffers) in the SWA training loop of PyTorch's docs,
// update_bn's recomputed statistics, state-dict keys, repr and errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { nn } = torch;
const { SWALR, AveragedModel, updateBn } = torch.optim.swaUtils;
const { CosineAnnealingLR } = torch.optim.lrScheduler;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const want = loadFixture<any>('optim_swa.json');

const close = (got: number[][], exp: number[][], label: string) =>
  got.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - exp[i][j]) <= 1e-15 * Math.abs(exp[i][j]) + 1e-18, `${label}[${i}][${j}]: ${v} vs ${exp[i][j]}`)));

function schedule(strategy: 'cos' | 'linear', epochs: number, swaLr: number | number[]) {
  const model = new nn.Linear(2, 2);
  const opt = new torch.optim.SGD([{ params: [model.weight] }, { params: [model.bias!], lr: 0.5 }], { lr: 0.1 });
  const sched = new SWALR(opt, { swaLr, annealEpochs: epochs, annealStrategy: strategy });
  const lrs = [sched.getLastLr()];
  for (let i = 0; i < 7; i++) {
    opt.step();
    sched.step();
    lrs.push(sched.getLastLr());
  }
  return { lrs, swaLr: opt.paramGroups.map((g) => g.swaLr), state: Object.keys(sched.stateDict()).sort() };
}

test("SWALR anneals to swa_lr as PyTorch's does (cos, linear, 0/1/3 epochs, per-group swa_lr)", () => {
  for (const [key, exp] of Object.entries(want.schedules) as [string, { lrs: number[][]; swa_lr: number[]; state: string[] }][]) {
    const strategy = key.startsWith('linear') ? 'linear' : 'cos';
    const got = key === 'list' ? schedule('cos', 2, [0.05, 0.2]) : schedule(strategy, Number(key.replace(/\D/g, '')), 0.05);
    close(got.lrs, exp.lrs, key);
    assert.deepEqual(got.swaLr, exp.swa_lr, key);
    assert.deepEqual(got.state, exp.state, key);
  }
});

test('AveragedModel and updateBn in the SWA loop of PyTorch\'s docs', () => {
  const w = want.train;
  torch.manualSeed(0);
  const x = torch.randn(40, 4);
  const y = torch.randint(0, 2, [40]);
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(x, y), { batchSize: 10, shuffle: false });
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 2));
  const swaModel = new AveragedModel(model);
  const emaModel = new AveragedModel(model, { avgFn: (a: Tensor, m: Tensor) => a.mul(0.1).add(m.mul(0.9)), useBuffers: true });
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
  const scheduler = new CosineAnnealingLR(opt, { TMax: 6 });
  const swaScheduler = new SWALR(opt, { swaLr: 0.05, annealEpochs: 2 });
  const losses: number[] = [];
  const lrs: number[] = [];
  for (let epoch = 0; epoch < 6; epoch++) {
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(xb) as Tensor, yb);
      loss.backward();
      opt.step();
      losses.push(Number(loss.item()));
    }
    if (epoch >= 2) {
      swaModel.updateParameters(model);
      emaModel.updateParameters(model);
      swaScheduler.step();
    } else {
      scheduler.step();
    }
    lrs.push(opt.paramGroups[0].lr);
  }
  losses.forEach((l, i) => assert.ok(Math.abs(l - w.losses[i]) <= 1e-5 * Math.abs(w.losses[i]), `loss ${i}: ${l} vs ${w.losses[i]}`));
  close([lrs], [w.lrs], 'lrs');
  assert.equal(Number(swaModel.n_averaged.item()), w.n_averaged);
  assert.deepEqual(Object.keys(swaModel.stateDict()), w.keys);
  assert.equal(String(swaModel), w.repr);
  const check = (m: torch.nn.Module, exp: Record<string, TensorJson>, label: string) => {
    for (const [k, v] of Object.entries(m.stateDict())) assertTensor(v, exp[k], { rtol: 1e-5, atol: 1e-6 }, `${label} ${k}`);
  };
  check(swaModel, w.swa_params, 'swa');
  check(emaModel, w.ema_params, 'ema');
  updateBn(loader, swaModel);
  check(swaModel, w.after_update_bn, 'swa after updateBn');
  assert.equal(swaModel.training, w.swa_training);
  assertTensor(swaModel.eval().forward(x.index(':5')) as Tensor, w.swa_out, { rtol: 1e-5, atol: 1e-6 });
  updateBn([...loader].map(([xb]) => xb), emaModel);
  check(emaModel, w.ema_after_update_bn, 'ema after updateBn');
});

test("SWALR's errors are PyTorch's", () => {
  const opt = new torch.optim.SGD([{ params: [new nn.Parameter(torch.ones(1))] }, { params: [new nn.Parameter(torch.ones(1))] }], { lr: 0.1 });
  const message = (e: string) => ({ message: e.replace(/^ValueError: /, '') });
  assert.throws(() => new SWALR(opt, 0.05, { annealStrategy: 'exp' }), message(want.errors.strategy));
  assert.throws(() => new SWALR(opt, 0.05, { annealEpochs: -1 }), message(want.errors.epochs));
  assert.throws(() => new SWALR(opt, [0.05, 0.1, 0.2]), message(want.errors.length));
});
