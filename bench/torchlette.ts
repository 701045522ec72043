// torchlette's side of the benchmarks (BENCHMARKS.md). One workload per process:
//   node --import tsx bench/torchlette.ts <workload> [arg]
// prints one JSON line: { value, unit, threads, backend, ...extras }.
// Every figure is the median of several timed repeats after warm-up.
import * as torch from '../src/index.js';
import { backendInfo, setNumThreads } from '../src/backend/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import * as vision from '../src/vision/index.js';
import { batch, fashionAvailable, loadFashion, permutation } from './fashion.js';
import { PROGRAMS } from './programs.js';

// TORCHLETTE_THREADS=n runs the native kernels on n threads (default: all cores).
if (process.env.TORCHLETTE_THREADS) setNumThreads(Number(process.env.TORCHLETTE_THREADS));

const now = () => performance.now();
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const info = backendInfo();
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ value, unit, threads: info.numThreads, backend: info.active, isa: info.isa, peakRssMB, ...extra }));
}

/** B1: C = A @ B, GFLOP/s = 2n^3 / t. */
function gemm(n: number): void {
  torch.manualSeed(0);
  const a = torch.randn([n, n]);
  const b = torch.randn([n, n]);
  const inner = n <= 256 ? 20 : 1; // several products per timing at small n
  const repeats = n >= 4096 ? 3 : 7;
  // Warm-up: products for 0.5 s at least (as bench/pytorch_bench.py), so both measure steady
  // state. Until V8's first GC frees result buffers each product's output lands on never-touched
  // heap pages; on a VM whose first-touch faults cost ~12 us a page (AMD EPYC, 2026-12-04) that
  // alone made n = 256 run at 33 instead of 168 GFLOP/s for its first ~140 products.
  for (const t0 = now(); ; ) {
    a.matmul(b);
    if (now() - t0 >= 500) break;
  }
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = now();
    for (let i = 0; i < inner; i++) a.matmul(b);
    times.push((now() - t0) / inner / 1000);
  }
  report((2 * n ** 3) / median(times) / 1e9, 'GFLOP/s');
}

/** B5: eager overhead of a tiny graph, forward + backward. */
function eager(): void {
  const x = torch.tensor([0.5], { requiresGrad: true });
  const step = () => {
    const y = x.mul(2).add(1).relu().mul(x).sum();
    y.backward();
  };
  for (let i = 0; i < 2000; i++) step();
  const iters = 10000;
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    for (let i = 0; i < iters; i++) step();
    times.push(((now() - t0) * 1000) / iters);
  }
  report(median(times), 'us/iter');
}

function labels(y: Int32Array): Tensor {
  return Tensor.fromData(Float64Array.from(y), 'int64', [y.length]);
}

/** Trains `model` over batches from `order`; returns per-chunk samples/s. */
function trainChunks(
  model: torch.nn.Module, opt: torch.optim.Optimizer, images: (b: number) => { x: Tensor; y: Tensor; n: number },
  steps: number, chunks: number,
): number[] {
  const lossFn = new torch.nn.CrossEntropyLoss();
  const per = Math.floor(steps / chunks);
  const rates: number[] = [];
  let step = 0;
  for (let c = 0; c < chunks; c++) {
    let samples = 0;
    const t0 = now();
    const end = c === chunks - 1 ? steps : step + per;
    for (; step < end; step++) {
      const { x, y, n } = images(step);
      opt.zeroGrad();
      const loss = lossFn.forward(model.forward(x) as Tensor, y);
      loss.backward();
      opt.step();
      samples += n;
    }
    rates.push(samples / ((now() - t0) / 1000));
  }
  return rates;
}

function accuracy(model: torch.nn.Module, shape: (n: number) => number[]): number {
  const test = loadFashion(false);
  let correct = 0;
  torch.noGrad(() => {
    for (let b = 0; b * 1000 < test.n; b++) {
      const n = Math.min(1000, test.n - b * 1000);
      const x = Tensor.fromData(test.images.slice(b * 1000 * 784, (b * 1000 + n) * 784), 'float32', shape(n));
      const pred = (model.forward(x) as Tensor).argmax(1);
      const p = pred.toTypedArray();
      for (let i = 0; i < n; i++) if (Number(p[i]) === test.labels[b * 1000 + i]) correct++;
    }
  });
  return correct / test.n;
}

function fashionBatches(shape: (n: number) => number[]) {
  const train = loadFashion(true);
  const perm = permutation(train.n);
  const steps = Math.ceil(train.n / 64);
  return {
    steps,
    get: (s: number) => {
      const { x, y, n } = batch(train, perm, s % steps, 64);
      return { x: Tensor.fromData(x, 'float32', shape(n)), y: labels(y), n };
    },
  };
}

/** B2: MLP 784-128-64-10, SGD(0.01, momentum 0.9), one epoch of batch 64, then test accuracy. */
function mlp(): void {
  torch.manualSeed(0);
  const data = fashionBatches((n) => [n, 784]);
  const make = () => new torch.nn.Sequential(
    new torch.nn.Linear(784, 128), new torch.nn.ReLU(), new torch.nn.Linear(128, 64), new torch.nn.ReLU(), new torch.nn.Linear(64, 10),
  );
  const warm = make();
  trainChunks(warm, new torch.optim.SGD(warm.parameters(), { lr: 0.01, momentum: 0.9 }), data.get, 50, 1);
  const model = make();
  const rates = trainChunks(model, new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }), data.get, data.steps, 5);
  report(median(rates), 'samples/s', { accuracy: accuracy(model, (n) => [n, 784]), chunks: rates.map(Math.round) });
}

/** B3: LeNet-5, Adam(1e-3), batch 64, 200 steps. */
function lenet(): void {
  torch.manualSeed(0);
  const data = fashionBatches((n) => [n, 1, 28, 28]);
  const warm = vision.models.lenet5();
  trainChunks(warm, new torch.optim.Adam(warm.parameters(), { lr: 1e-3 }), data.get, 20, 1);
  const model = vision.models.lenet5();
  const rates = trainChunks(model, new torch.optim.Adam(model.parameters(), { lr: 1e-3 }), data.get, 200, 4);
  report(median(rates), 'samples/s', { chunks: rates.map(Math.round) });
}

/** B4a/B4b: ResNet18 (10 classes), batch 8 of 3x224x224: a train step, or eval + no grad. */
function resnet(train: boolean): void {
  torch.manualSeed(0);
  const model = vision.models.resnet18({ numClasses: 10 });
  const x = torch.randn([8, 3, 224, 224]);
  const y = torch.randint(0, 10, [8]);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const lossFn = new torch.nn.CrossEntropyLoss();
  if (!train) model.eval();
  const step = () => {
    if (train) {
      opt.zeroGrad();
      lossFn.forward(model.forward(x) as Tensor, y).backward();
      opt.step();
    } else {
      torch.noGrad(() => model.forward(x));
    }
  };
  step(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    step();
    times.push((now() - t0) / 1000);
  }
  report(8 / median(times), 'images/s');
}

/**
 * B6 construction: building a torchvision model with its seeded initialisation
 * (torch.manualSeed(0); models.vgg16() — default classes), seconds; one warm-up build,
 * then the median of 3.
 */
function construct(name: string): void {
  const models = vision.models as unknown as Record<string, () => torch.nn.Module>;
  const build = models[name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())];
  if (!build) throw new Error(`no model ${name}`);
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    torch.manualSeed(0);
    const t0 = now();
    build();
    if (i > 0) times.push((now() - t0) / 1000);
  }
  report(median(times), 's', { builds: times.map((t) => Number(t.toFixed(3))) });
}

/**
 * B6 programs (bench/programs.ts), each timed whole; the median of 3 runs in one process,
 * the first (cold: JIT warm-up included) run reported beside it.
 */
function program(name: string): void {
  const run = PROGRAMS[name];
  if (!run) throw new Error(`no program ${name}`);
  const times: number[] = [];
  let result: Record<string, number> = {};
  for (let i = 0; i < 3; i++) {
    const t0 = now();
    result = run();
    times.push((now() - t0) / 1000);
  }
  report(median(times), 's', { first: Number(times[0].toFixed(3)), runs: times.map((t) => Number(t.toFixed(3))), result });
}

const [workload, arg] = process.argv.slice(2);
const needsData = workload === 'mlp' || workload === 'lenet' || workload === 'program';
if (needsData && !fashionAvailable()) {
  console.log(JSON.stringify({ error: 'Fashion-MNIST not found (apt-get install dataset-fashion-mnist, or FASHION_MNIST_DIR)' }));
} else if (workload === 'gemm') gemm(Number(arg));
else if (workload === 'eager') eager();
else if (workload === 'mlp') mlp();
else if (workload === 'lenet') lenet();
else if (workload === 'resnet-train') resnet(true);
else if (workload === 'resnet-eval') resnet(false);
else if (workload === 'construct') construct(arg);
else if (workload === 'program') program(arg);
else {
  console.error(`unknown workload ${workload}`);
  process.exit(2);
}
