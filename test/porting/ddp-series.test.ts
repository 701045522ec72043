// pytorch/examples' distributed training series transcribed line for line, against the same programs
// run by PyTorch 1.13 on the CPU with Gloo and 2 processes (scripts/fixtures/porting_ddp_series.py, which
// gives the revisions and the reductions):
// - ddp-tutorial-series: single_gpu.py (here, in this process), multigpu.py (two processes started
//   as mp.spawn would, ddp-series/multigpu.ts; also with F.mse_loss in place of the program's
//   cross_entropy, which is 0 for a (N, 1) output), multigpu_torchrun.py (ddp-series/multigpu_torchrun.ts
//   under torchlette-run, twice: the second run resumes from snapshot.pt);
// - minGPT-ddp: char_dataset.py, model.py (nn.MultiheadAttention with the float mask), trainer.py
//   (Snapshot, clip_grad_norm_, eval loader), main.py (ddp-series/mingpt.ts under torchlette-run,
//   twice: the second run resumes from gpt_snapshot.pt).
// Compared per rank: what each process prints, every batch loss, the DistributedSampler's order after
// each set_epoch, the final parameters (equal across ranks and to PyTorch's), and what the checkpoints
// and snapshots hold. Each rank writes its records to a JSON file (ddp-series/record.ts).
// Where torchlette diverges from PyTorch the spot is marked DIVERGENCE.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { DataLoader, Dataset } from '../../src/utils/data/index.js';
import { distributedSkip, freePort } from '../distributed/helpers.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { MyTrainDataset } from './ddp-series/datautils.js';
import type { StateJson } from './ddp-series/record.js';

const F = torch.nn.functional;
// 2-process runs of ~35 s on each backend: native only, for CI's hour (the ranks use the test's backend)
const skip = distributedSkip() || (torch.backends.info().active !== 'native' && 'runs on the native backend only (CI time)');
const HERE = join(import.meta.dirname, 'ddp-series');
const ROOT = join(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'torchlette-run.mjs');

interface Summary {
  shape: number[];
  sum: number;
  head: number[];
}
interface RankRecord {
  printed: string[];
  final: Record<string, TensorJson | Summary>;
  losses: number[];
  orders: number[][];
  eval_losses: number[];
  grad_norms?: number[];
  groups?: string[][];
  test_indices?: number[];
}
interface GptSnapshot {
  keys: string[];
  finished_epoch: number;
  model_state: Record<string, Summary>;
  param_groups: Record<string, unknown>[];
  state_keys: number[];
  state: Record<string, { step: number; exp_avg_abs_sum: number; exp_avg_sq_sum: number }>;
}
interface Fixture {
  text: string;
  single: { printed: string[]; losses: number[]; targets: number[][]; final: Record<string, TensorJson>; checkpoint: Record<string, TensorJson> };
  multigpu: { ranks: RankRecord[]; checkpoint: Record<string, TensorJson> };
  multigpu_mse: { ranks: RankRecord[]; checkpoint: Record<string, TensorJson> };
  torchrun: { runs: RankRecord[][]; snapshots: { keys: string[]; EPOCHS_RUN: number; MODEL_STATE: Record<string, TensorJson> }[] };
  mingpt: { runs: RankRecord[][]; snapshots: GptSnapshot[] };
}
const fx = loadFixture<Fixture>('porting_ddp_series.json');

// ----------------------------------------------------------------------------- running the ranks

/**
 * A scratch directory for a run (the programs write checkpoint.pt / snapshot.pt to the current
 * directory); torchlette-run runs the scripts from there, as torchrun does. The ranks this test
 * starts itself (multigpu.ts) import tsx by name, so the directory links node_modules.
 */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddp-series-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: '1' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npx torchlette-run --standalone --nproc-per-node 2 script args...`: each rank's lines without the [rankN]: prefix. */
async function torchletteRun(cwd: string, script: string, args: string[]): Promise<string[][]> {
  const r = await run(process.execPath, [LAUNCHER, '--standalone', '--nproc-per-node', '2', join(HERE, script), ...args], cwd);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines: string[][] = [[], []];
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    const m = /^\[rank(\d)\]:(.*)$/.exec(line);
    assert.ok(m, `an unprefixed line: ${line}`);
    lines[Number(m[1])].push(m[2]);
  }
  return lines;
}

type GotRank = Omit<RankRecord, 'final'> & { final: Record<string, StateJson> };

function readRanks(out: string): GotRank[] {
  return [0, 1].map((r) => JSON.parse(readFileSync(join(out, `rank${r}.json`), 'utf8')));
}

const tensorOf = (s: StateJson): Tensor => torch.tensor(s.data, { dtype: 'float32' }).reshape(s.shape);

function assertClose(got: number[], want: number[], rtol: number, atol: number, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]), `${label}[${i}]: got ${got[i]}, expected ${want[i]}`);
  }
}

/** One rank's records against PyTorch's same rank; its final parameters in full or as sums. */
function assertRank(got: GotRank, want: RankRecord, label: string, tol = { rtol: 1e-5, atol: 1e-6 }): void {
  assert.deepEqual(got.orders, want.orders, `${label}: DistributedSampler orders`);
  assertClose(got.losses, want.losses, tol.rtol, tol.atol, `${label}: losses`);
  assert.deepEqual(Object.keys(got.final), Object.keys(want.final), `${label}: state_dict keys`);
  for (const [k, w] of Object.entries(want.final)) {
    if ('dtype' in w) {
      // in_proj_bias holds the key bias, whose gradient is 0 in exact arithmetic (adding q.b_k to a
      // whole row of scores leaves the softmax unchanged): it is rounding noise, which AdamW turns into
      // steps of ~lr * noise / eps, so those entries agree with PyTorch's only to ~1e-5 absolute.
      assertTensor(tensorOf(got.final[k]), w, k.endsWith('in_proj_bias') ? { ...tol, atol: 2e-5 } : tol, `${label}: ${k}`);
    } else {
      assert.deepEqual(got.final[k].shape, w.shape, `${label}: ${k} shape`);
      assertClose(got.final[k].data.slice(0, w.head.length), w.head, tol.rtol, tol.atol, `${label}: ${k} head`);
      const sum = got.final[k].data.reduce((a, b) => a + b, 0);
      const scale = got.final[k].data.reduce((a, b) => a + Math.abs(b), 0);
      assert.ok(Math.abs(sum - w.sum) <= tol.atol * got.final[k].data.length + tol.rtol * scale, `${label}: ${k} sum ${sum}, expected ${w.sum}`);
    }
  }
}

function assertSameAcrossRanks(ranks: { final: Record<string, StateJson> }[], label: string): void {
  for (const k of Object.keys(ranks[0].final)) assert.deepEqual(ranks[1].final[k].data, ranks[0].final[k].data, `${label}: ${k} differs between ranks`);
}

function assertState(got: Record<string, Tensor>, want: Record<string, TensorJson>, label: string): void {
  assert.deepEqual(Object.keys(got), Object.keys(want), `${label}: keys`);
  for (const [k, w] of Object.entries(want)) assertTensor(got[k], w, {}, `${label}: ${k}`);
}

// ----------------------------------------------------------------------------- single_gpu.py

const print = (s: string): void => void LOG.printed.push(s);
const LOG = { printed: [] as string[], losses: [] as number[], targets: [] as number[][] };

class SingleTrainer {
  gpuId: number;
  model: torch.nn.Module;
  trainData: DataLoader<[Tensor, Tensor], [Tensor, Tensor]>;
  optimizer: torch.optim.Optimizer;
  saveEvery: number;

  constructor(model: torch.nn.Module, trainData: DataLoader<[Tensor, Tensor], [Tensor, Tensor]>, optimizer: torch.optim.Optimizer, gpuId: number, saveEvery: number) {
    this.gpuId = gpuId;
    this.model = model.to('cpu'); // model.to(gpu_id)
    this.trainData = trainData;
    this.optimizer = optimizer;
    this.saveEvery = saveEvery;
  }

  _runBatch(source: Tensor, targets: Tensor): void {
    this.optimizer.zeroGrad();
    const output = this.model.forward(source) as Tensor;
    const loss = F.crossEntropy(output, targets);
    loss.backward();
    this.optimizer.step();
    LOG.losses.push(Number(loss.item()));
    LOG.targets.push(targets.view(-1).tolist() as number[]); // the shuffled batches' targets
  }

  _runEpoch(epoch: number): void {
    const bSz = (this.trainData[Symbol.iterator]().next().value as [Tensor, Tensor])[0].size(0);
    print(`[GPU${this.gpuId}] Epoch ${epoch} | Batchsize: ${bSz} | Steps: ${this.trainData.length}`);
    for (let [source, targets] of this.trainData) {
      source = source.to('cpu');
      targets = targets.to('cpu');
      this._runBatch(source, targets);
    }
  }

  _saveCheckpoint(epoch: number): void {
    const ckp = this.model.stateDict();
    const PATH = 'checkpoint.pt';
    torch.save(ckp, PATH);
    print(`Epoch ${epoch} | Training checkpoint saved at ${PATH}`);
  }

  train(maxEpochs: number): void {
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      this._runEpoch(epoch);
      if (epoch % this.saveEvery === 0) {
        this._saveCheckpoint(epoch);
      }
    }
  }
}

function loadTrainObjs(): [MyTrainDataset, torch.nn.Linear, torch.optim.SGD] {
  const trainSet = new MyTrainDataset(64); // load your dataset
  const model = new torch.nn.Linear(20, 1); // load your model
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-3 });
  return [trainSet, model, optimizer];
}

function prepareDataloader(dataset: Dataset<[Tensor, Tensor]>, batchSize: number): DataLoader<[Tensor, Tensor], [Tensor, Tensor]> {
  return new DataLoader(dataset, { batchSize, pinMemory: true, shuffle: true });
}

function singleMain(device: number, totalEpochs: number, saveEvery: number, batchSize: number): torch.nn.Module {
  const [dataset, model, optimizer] = loadTrainObjs();
  const trainData = prepareDataloader(dataset, batchSize);
  const trainer = new SingleTrainer(model, trainData, optimizer, device, saveEvery);
  trainer.train(totalEpochs);
  return model;
}

test('ddp-tutorial-series single_gpu.py: shuffled DataLoader, cross_entropy on class probabilities, checkpoint.pt', () => {
  const dir = workdir();
  const home = process.cwd();
  process.chdir(dir);
  try {
    torch.manualSeed(0);
    const model = singleMain(0, 3, 2, 8); // single_gpu.py 3 2 --batch_size 8
    const want = fx.single;
    assert.deepEqual(LOG.printed, want.printed);
    assert.deepEqual(LOG.targets.map((t) => t.map(Math.fround)), want.targets.map((t) => t.map(Math.fround)), 'shuffled batches');
    assertClose(LOG.losses, want.losses, 0, 0, 'losses');
    assertState(model.stateDict(), want.final, 'final');
    assertState(torch.load('checkpoint.pt') as Record<string, Tensor>, want.checkpoint, 'checkpoint.pt');
  } finally {
    process.chdir(home);
    rmSync(dir, { recursive: true, force: true });
  }
});

// ----------------------------------------------------------------------------- multigpu.py

for (const [name, loss] of [['multigpu', 'cross_entropy'], ['multigpu_mse', 'mse_loss']] as const) {
  test(`ddp-tutorial-series multigpu.py (${loss}): two spawned processes, DistributedSampler.set_epoch, DDP, rank 0's checkpoint`, { skip, timeout: 60_000 }, async () => {
    const dir = workdir();
    try {
      // mp.spawn(main, args=(world_size, save_every, total_epochs, batch_size), nprocs=world_size)
      // The test starts the two processes itself (not torch.multiprocessing.spawn, test/multiprocessing/) to
      // read each rank's output apart: spawned ranks write to the parent's.
      const port = await freePort();
      const runs = await Promise.all([0, 1].map((rank) => run(process.execPath, ['--import', 'tsx', join(HERE, 'multigpu.ts'), String(rank), '2', '2', '3', '8', String(port), dir, loss], dir)));
      for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
      const want = fx[name];
      const got = readRanks(dir);
      for (const rank of [0, 1]) {
        assert.deepEqual(runs[rank].stdout.split('\n').filter(Boolean), want.ranks[rank].printed, `rank ${rank} printed`);
        assertRank(got[rank], want.ranks[rank], `${name} rank ${rank}`);
      }
      assertSameAcrossRanks(got, name);
      assertState(torch.load(join(dir, 'checkpoint.pt')) as Record<string, Tensor>, want.checkpoint, 'checkpoint.pt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// ----------------------------------------------------------------------------- multigpu_torchrun.py

test('ddp-tutorial-series multigpu_torchrun.py: torchlette-run, snapshot.pt with EPOCHS_RUN, resuming', { skip, timeout: 60_000 }, async () => {
  const dir = workdir();
  try {
    for (const [i, totalEpochs] of [2, 4].entries()) {
      const out = mkdtempSync(join(dir, 'out-'));
      // torchrun --standalone --nproc_per_node 2 multigpu_torchrun.py TOTAL_EPOCHS 1 --batch_size 8
      const printed = await torchletteRun(dir, 'multigpu_torchrun.ts', [out, '1', String(totalEpochs), '8']);
      const want = fx.torchrun.runs[i];
      const got = readRanks(out);
      for (const rank of [0, 1]) {
        assert.deepEqual(printed[rank], want[rank].printed, `run ${i} rank ${rank} printed`);
        assertRank(got[rank], want[rank], `run ${i} rank ${rank}`);
      }
      assertSameAcrossRanks(got, `run ${i}`);
      const snapshot = torch.load(join(dir, 'snapshot.pt')) as { MODEL_STATE: Record<string, Tensor>; EPOCHS_RUN: number };
      const wantSnap = fx.torchrun.snapshots[i];
      assert.deepEqual(Object.keys(snapshot), wantSnap.keys);
      assert.equal(snapshot.EPOCHS_RUN, wantSnap.EPOCHS_RUN);
      assertState(snapshot.MODEL_STATE, wantSnap.MODEL_STATE, `snapshot ${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ----------------------------------------------------------------------------- minGPT-ddp

test('minGPT-ddp: CharDataset, GPT with nn.MultiheadAttention, AdamW groups, Trainer snapshots and resume under torchlette-run', { skip, timeout: 90_000 }, async () => {
  const dir = workdir();
  try {
    writeFileSync(join(dir, 'input.txt'), fx.text);
    // Two training runs of the same job: the second resumes from gpt_snapshot.pt (epochs_run 2).
    const tol = { rtol: 1e-4, atol: 1e-6 };
    for (const [i, maxEpochs] of [2, 4].entries()) {
      const out = mkdtempSync(join(dir, 'out-'));
      const printed = await torchletteRun(dir, 'mingpt.ts', [out, String(maxEpochs)]);
      const want = fx.mingpt.runs[i];
      const got = readRanks(out);
      for (const rank of [0, 1]) {
        const label = `run ${i} rank ${rank}`;
        assert.deepEqual(printed[rank], want[rank].printed, `${label} printed`);
        assert.deepEqual(got[rank].test_indices, want[rank].test_indices, `${label}: random_split`);
        assert.deepEqual(got[rank].groups, want[rank].groups, `${label}: create_optimizer's groups`);
        assertClose(got[rank].eval_losses, want[rank].eval_losses, tol.rtol, tol.atol, `${label}: eval losses`);
        assertClose(got[rank].grad_norms as number[], want[rank].grad_norms as number[], tol.rtol, tol.atol, `${label}: grad norms`);
        assertRank(got[rank], want[rank], label, tol);
      }
      assertSameAcrossRanks(got, `run ${i}`);

      // The snapshot rank 0 wrote: Snapshot's fields, the model and the AdamW state as PyTorch's.
      const snap = torch.load(join(dir, 'gpt_snapshot.pt')) as {
        model_state: Record<string, Tensor>;
        optimizer_state: { state: Record<string, Record<string, Tensor>>; param_groups: Record<string, unknown>[] };
        finished_epoch: number;
      };
      const wantSnap = fx.mingpt.snapshots[i];
      assert.deepEqual(Object.keys(snap), wantSnap.keys);
      assert.equal(snap.finished_epoch, wantSnap.finished_epoch);
      assert.deepEqual(Object.keys(snap.model_state), Object.keys(wantSnap.model_state));
      for (const [k, w] of Object.entries(wantSnap.model_state)) {
        assert.ok(Math.abs(Number(snap.model_state[k].double().sum().item()) - w.sum) <= 1e-4 * Math.max(1, Math.abs(w.sum)), `snapshot ${k}`);
      }
      assert.deepEqual(snap.optimizer_state.param_groups, wantSnap.param_groups, 'optimizer param_groups');
      assert.deepEqual(Object.keys(snap.optimizer_state.state).map(Number), wantSnap.state_keys);
      for (const [k, w] of Object.entries(wantSnap.state)) {
        const s = snap.optimizer_state.state[k];
        assert.equal(Number(s.step.item()), w.step, `state ${k} step`);
        assertClose([Number(s.exp_avg.double().abs().sum().item()), Number(s.exp_avg_sq.double().sum().item())], [w.exp_avg_abs_sum, w.exp_avg_sq_sum], 1e-3, 1e-7, `state ${k}`);
      }
    }
    assert.ok(existsSync(join(dir, 'gpt_snapshot.pt')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
