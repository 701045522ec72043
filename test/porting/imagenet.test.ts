// pytorch/examples imagenet/main.py transcribed line for line (main_worker, train, validate,
// save_checkpoint with shutil.copyfile, AverageMeter and its Summary, ProgressMeter,
// accuracy(output, target, topk=(1, 5)), SGD with momentum and weight decay, StepLR, --resume,
// --evaluate), run as a single CPU process on --dummy data, against the same program run by
// PyTorch (scripts/fixtures/porting_imagenet.py, which says how it is reduced): every printed
// line (time meters masked) and every training loss, for a run of 2 epochs, a --resume from its
// checkpoint.pth.tar for a third, and --evaluate from model_best.pth.tar.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { DataLoader, type Dataset } from '../../src/utils/data/index.js';
import { datasets, models, transforms } from '../../src/vision/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const { StepLR } = torch.optim.lrScheduler;
const random = torch.utils.pyRandom;

interface Run {
  printed: string[];
  losses: number[];
}
const fx = loadFixture<Record<'train' | 'resume' | 'evaluate', Run>>('porting_imagenet.json');

const PRINTED: string[] = [];
const LOSSES: number[] = [];
function print(line: string): void {
  PRINTED.push(line.replace(/(Time|Data) +[0-9.]+ \( *[0-9.]+\)/g, '$1 <t>'));
}

/** Python's format spec for the few the program uses: ':6.3f', ':.4e', ':6.2f', ':.3f', ':f'. */
function format(v: number, spec: string): string {
  const m = /^:(\d*)(?:\.(\d+))?([fe])$/.exec(spec);
  if (!m) throw new Error(`format spec ${spec}`);
  const [, width, precision = '6', kind] = m;
  const s = kind === 'f' ? v.toFixed(Number(precision)) : v.toExponential(Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2');
  return s.padStart(Number(width || 0));
}

interface Args {
  arch: string;
  workers: number;
  epochs: number;
  startEpoch: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  printFreq: number;
  resume: string;
  evaluate: boolean;
  pretrained: boolean;
  seed: number | null;
  dummy: boolean;
}
const DEFAULTS: Args = {
  arch: 'resnet18', workers: 0, epochs: 1, startEpoch: 0, batchSize: 8, lr: 0.001, momentum: 0.9, weightDecay: 1e-4,
  printFreq: 1, resume: '', evaluate: false, pretrained: false, seed: 0, dummy: true,
};

let bestAcc1 = 0;

function main(args: Args): void {
  if (args.seed !== null) {
    random.seed(args.seed);
    torch.manualSeed(args.seed);
  }
  mainWorker(args);
}

type Batch = [Tensor, Tensor];
interface Checkpoint {
  epoch: number;
  arch: string;
  state_dict: ReturnType<nn.Module['stateDict']>;
  best_acc1: number;
  optimizer: Parameters<torch.optim.Optimizer['loadStateDict']>[0];
  scheduler: Record<string, unknown>;
}

function mainWorker(args: Args): void {
  const device = torch.device('cpu');
  let model: nn.Module;
  const archs = models as unknown as Record<string, (options?: { numClasses?: number; pretrained?: boolean }) => nn.Module>;
  if (args.pretrained) {
    print(`=> using pre-trained model '${args.arch}'`);
    model = archs[args.arch]({ pretrained: true });
  } else {
    print(`=> creating model '${args.arch}'`);
    model = archs[args.arch]({ numClasses: 10 });
  }
  print('using CPU, this will be slow');
  model.to(device);

  const criterion = new nn.CrossEntropyLoss().to(device);
  const optimizer = new torch.optim.SGD(model.parameters(), args.lr, { momentum: args.momentum, weightDecay: args.weightDecay });
  const scheduler = new StepLR(optimizer, { stepSize: 30, gamma: 0.1 });

  if (args.resume) {
    if (existsSync(args.resume)) {
      print(`=> loading checkpoint '${args.resume}'`);
      const checkpoint = torch.load<Checkpoint>(args.resume);
      args.startEpoch = checkpoint.epoch;
      bestAcc1 = checkpoint.best_acc1;
      model.loadStateDict(checkpoint.state_dict);
      optimizer.loadStateDict(checkpoint.optimizer);
      scheduler.loadStateDict(checkpoint.scheduler);
      print(`=> loaded checkpoint '${args.resume}' (epoch ${checkpoint.epoch})`);
    } else {
      print(`=> no checkpoint found at '${args.resume}'`);
    }
  }

  let trainDataset!: Dataset<Batch>;
  let valDataset!: Dataset<Batch>;
  if (args.dummy) {
    print('=> Dummy data is used!');
    trainDataset = new datasets.FakeData(16, [3, 64, 64], 10, new transforms.ToTensor()) as unknown as Dataset<Batch>;
    valDataset = new datasets.FakeData(8, [3, 64, 64], 10, new transforms.ToTensor()) as unknown as Dataset<Batch>;
  }

  const trainSampler = null;
  const valSampler = null;
  const trainLoader = new DataLoader(trainDataset, {
    batchSize: args.batchSize, shuffle: trainSampler === null, numWorkers: args.workers, pinMemory: true, sampler: trainSampler,
  });
  const valLoader = new DataLoader(valDataset, {
    batchSize: args.batchSize, shuffle: false, numWorkers: args.workers, pinMemory: true, sampler: valSampler,
  });

  if (args.evaluate) {
    validate(valLoader, model, criterion, args);
    return;
  }

  for (let epoch = args.startEpoch; epoch < args.epochs; epoch++) {
    train(trainLoader, model, criterion, optimizer, epoch, device, args);
    const acc1 = validate(valLoader, model, criterion, args);
    scheduler.step();
    const isBest = acc1 > bestAcc1;
    bestAcc1 = Math.max(acc1, bestAcc1);
    saveCheckpoint({
      epoch: epoch + 1,
      arch: args.arch,
      state_dict: model.stateDict(),
      best_acc1: bestAcc1,
      optimizer: optimizer.stateDict(),
      scheduler: scheduler.stateDict(),
    }, isBest);
  }
}

function train(trainLoader: DataLoader<Batch>, model: nn.Module, criterion: nn.CrossEntropyLoss, optimizer: torch.optim.Optimizer, epoch: number, device: torch.Device, args: Args): void {
  const batchTime = new AverageMeter('Time', false, ':6.3f', Summary.NONE);
  const dataTime = new AverageMeter('Data', false, ':6.3f', Summary.NONE);
  const losses = new AverageMeter('Loss', false, ':.4e', Summary.NONE);
  const top1 = new AverageMeter('Acc@1', false, ':6.2f', Summary.NONE);
  const top5 = new AverageMeter('Acc@5', false, ':6.2f', Summary.NONE);
  const progress = new ProgressMeter(trainLoader.length, [batchTime, dataTime, losses, top1, top5], `Epoch: [${epoch}]`);
  model.train();
  let end = performance.now() / 1000;
  let i = 0;
  for (let [images, target] of trainLoader) {
    dataTime.update(performance.now() / 1000 - end);
    images = images.to(device, { nonBlocking: true });
    target = target.to(device, { nonBlocking: true });
    const output = model.forward(images) as Tensor;
    const loss = criterion.forward(output, target);
    const [acc1, acc5] = accuracy(output, target, [1, 5]);
    losses.update(Number(loss.item()), images.size(0));
    top1.update(Number(acc1.index(0).item()), images.size(0));
    top5.update(Number(acc5.index(0).item()), images.size(0));
    LOSSES.push(Number(loss.item()));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    batchTime.update(performance.now() / 1000 - end);
    end = performance.now() / 1000;
    if (i % args.printFreq === 0) progress.display(i + 1);
    i++;
  }
}

function validate(valLoader: DataLoader<Batch>, model: nn.Module, criterion: nn.CrossEntropyLoss, args: Args): number {
  const runValidate = (loader: DataLoader<Batch>, baseProgress = 0): void => {
    torch.noGrad(() => {
      let end = performance.now() / 1000;
      let i = 0;
      for (const [images, target] of loader) {
        const index = baseProgress + i;
        const output = model.forward(images) as Tensor;
        const loss = criterion.forward(output, target);
        const [acc1, acc5] = accuracy(output, target, [1, 5]);
        losses.update(Number(loss.item()), images.size(0));
        top1.update(Number(acc1.index(0).item()), images.size(0));
        top5.update(Number(acc5.index(0).item()), images.size(0));
        batchTime.update(performance.now() / 1000 - end);
        end = performance.now() / 1000;
        if (index % args.printFreq === 0) progress.display(index + 1);
        i++;
      }
    });
  };
  const batchTime = new AverageMeter('Time', false, ':6.3f', Summary.NONE);
  const losses = new AverageMeter('Loss', false, ':.4e', Summary.NONE);
  const top1 = new AverageMeter('Acc@1', false, ':6.2f', Summary.AVERAGE);
  const top5 = new AverageMeter('Acc@5', false, ':6.2f', Summary.AVERAGE);
  const progress = new ProgressMeter(valLoader.length, [batchTime, losses, top1, top5], 'Test: ');
  model.eval();
  runValidate(valLoader);
  progress.displaySummary();
  return top1.avg;
}

function saveCheckpoint(state: Checkpoint, isBest: boolean, filename = 'checkpoint.pth.tar'): void {
  torch.save(state, filename);
  if (isBest) copyFileSync(filename, 'model_best.pth.tar');
}

enum Summary { NONE, AVERAGE, SUM, COUNT }

/** Computes and stores the average and current value */
class AverageMeter {
  val = 0;
  avg = 0;
  sum = 0;
  count = 0;
  constructor(public name: string, public useAccel: boolean, public fmt = ':f', public summaryType = Summary.AVERAGE) {
    this.reset();
  }
  reset(): void {
    this.val = 0;
    this.avg = 0;
    this.sum = 0;
    this.count = 0;
  }
  update(val: number, n = 1): void {
    this.val = val;
    this.sum += val * n;
    this.count += n;
    this.avg = this.sum / this.count;
  }
  toString(): string {
    return `${this.name} ${format(this.val, this.fmt)} (${format(this.avg, this.fmt)})`;
  }
  summary(): string {
    switch (this.summaryType) {
      case Summary.NONE: return '';
      case Summary.AVERAGE: return `${this.name} ${this.avg.toFixed(3)}`;
      case Summary.SUM: return `${this.name} ${this.sum.toFixed(3)}`;
      case Summary.COUNT: return `${this.name} ${this.count.toFixed(3)}`;
    }
  }
}

class ProgressMeter {
  batchFmt: (batch: number) => string;
  constructor(numBatches: number, public meters: AverageMeter[], public prefix = '') {
    const numDigits = String(numBatches).length;
    this.batchFmt = (batch) => `[${String(batch).padStart(numDigits)}/${String(numBatches).padStart(numDigits)}]`;
  }
  display(batch: number): void {
    const entries = [this.prefix + this.batchFmt(batch), ...this.meters.map(String)];
    print(entries.join('\t'));
  }
  displaySummary(): void {
    const entries = [' *', ...this.meters.map((m) => m.summary())];
    print(entries.join(' '));
  }
}

/** Computes the accuracy over the k top predictions for the specified values of k */
function accuracy(output: Tensor, target: Tensor, topk: number[] = [1]): Tensor[] {
  return torch.noGrad(() => {
    const maxk = Math.max(...topk);
    const batchSize = target.size(0);
    let [, pred] = output.topk(maxk, 1, true, true);
    pred = pred.t();
    const correct = pred.eq(target.view(1, -1).expandAs(pred));
    const res: Tensor[] = [];
    for (const k of topk) {
      const correctK = correct.index(`:${k}`).reshape(-1).float().sum(0, { keepdim: true });
      res.push(correctK.mul_(100.0 / batchSize));
    }
    return res;
  });
}

const NUMBER = /-?\d+\.(\d+)(?:e([+-]\d+))?/g;
function assertSameLine(got: string, want: string, what: string): void {
  assert.equal(got.replace(NUMBER, '#'), want.replace(NUMBER, '#'), what);
  const wants = [...want.matchAll(NUMBER)];
  [...got.matchAll(NUMBER)].forEach((m, k) => {
    const [text, decimals, exponent = '0'] = wants[k];
    const unit = 10 ** (Number(exponent) - decimals.length);
    const [g, w] = [Number(m[0]), Number(text)];
    assert.ok(Math.abs(g - w) <= Math.max(1e-4 * Math.abs(w), 1.5 * unit), `${what}: ${m[0]}, PyTorch ${text}`);
  });
}

function run(overrides: Partial<Args> = {}): Run {
  bestAcc1 = 0;
  PRINTED.length = 0;
  LOSSES.length = 0;
  main({ ...DEFAULTS, ...overrides });
  return { printed: [...PRINTED], losses: [...LOSSES] };
}

test("imagenet/main.py --dummy: PyTorch's printed lines and losses; --resume continues and --evaluate reloads the best model", () => {
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'torchlette-imagenet-'));
  process.chdir(dir);
  try {
    const runs = { train: run(), resume: run({ resume: 'checkpoint.pth.tar', epochs: 2 }), evaluate: run({ resume: 'model_best.pth.tar', evaluate: true }) };
    for (const name of ['train', 'resume', 'evaluate'] as const) {
      const got = runs[name];
      const want = fx[name];
      assert.equal(got.losses.length, want.losses.length, `${name}: one loss per batch`);
      got.losses.forEach((l, i) => assert.ok(Math.abs(l - want.losses[i]) <= 1e-4 * Math.abs(want.losses[i]), `${name} loss ${i}: ${l}, PyTorch ${want.losses[i]}`));
      // The printed lines: equal text, and numbers within 1e-4 or a unit and a half of their last digit
      // (a loss within 1e-5 of PyTorch's can print 7.0354e-01 where PyTorch prints 7.0355e-01).
      assert.equal(got.printed.length, want.printed.length, `${name}: lines printed`);
      got.printed.forEach((line, i) => assertSameLine(line, want.printed[i], `${name} line ${i}`));
    }
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});
