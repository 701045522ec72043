// TensorFlow.js twins of bench/torchlette.ts, on its `cpu` (plain JS) or `wasm`
// (XNNPACK, one thread in Node) backend:
//   node --import tsx bench/tfjs.mjs <cpu|wasm> <workload> [arg]
// prints one JSON line like the other runners. tfjs is a dev dependency of the bench
// only (bench/package.json). Workloads the backend cannot run, or that would take
// minutes, print { skip: reason }.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { batch, fashionAvailable, loadFashion, permutation } from './fashion.ts';

const require = createRequire(import.meta.url);
const [backendName, workload, arg] = process.argv.slice(2);
const tf = require('@tensorflow/tfjs');
if (backendName === 'wasm') {
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  // TFJS_WASM_THREADS=n: XNNPACK's thread count where the build has threads (a crossOriginIsolated
  // page; TF.js's default there is half the cores). bench/run.mjs runs each count and keeps the best.
  if (process.env.TFJS_WASM_THREADS) wasm.setThreadsCount(Number(process.env.TFJS_WASM_THREADS));
}
await tf.setBackend(backendName);
await tf.ready();

const now = () => performance.now();
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const report = (value, unit, extra = {}) =>
  console.log(JSON.stringify({ value, unit, threads: 1, version: tf.version.tfjs, peakRssMB: process.resourceUsage().maxRSS / 1024, ...extra }));
const skip = (reason) => console.log(JSON.stringify({ skip: reason }));

async function gemm(n) {
  // tfjs-cpu runs ~1 GFLOP/s: n = 4096 would take minutes per product.
  if (backendName === 'cpu' && n > 1024) return skip('cpu backend: minutes per product at n = 4096');
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const inner = n <= 256 ? 5 : 1;
  const repeats = n >= 4096 ? 3 : backendName === 'cpu' && n >= 1024 ? 3 : 7;
  tf.matMul(a, b).dataSync();
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = now();
    for (let i = 0; i < inner; i++) {
      const c = tf.matMul(a, b);
      c.dataSync(); // wait for the result, as the others return it
      c.dispose();
    }
    times.push((now() - t0) / inner / 1000);
  }
  report((2 * n ** 3) / median(times) / 1e9, 'GFLOP/s');
}

function eager() {
  const x = tf.variable(tf.tensor1d([0.5]));
  const grad = tf.grad((v) => v.mul(2).add(1).relu().mul(v).sum());
  const step = () => tf.tidy(() => grad(x).dataSync());
  for (let i = 0; i < 2000; i++) step();
  const iters = 10000;
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    for (let i = 0; i < iters; i++) step();
    times.push(((now() - t0) * 1000) / iters);
  }
  report(median(times), 'us/iter');
}

function fashionBatches(shape) {
  const train = loadFashion(true);
  const perm = permutation(train.n);
  const steps = Math.ceil(train.n / 64);
  return {
    steps,
    get: (s) => {
      const { x, y, n } = batch(train, perm, s % steps, 64);
      return { x: tf.tensor(x, shape(n)), y: tf.oneHot(tf.tensor1d(y, 'int32'), 10), n };
    },
  };
}

function trainChunks(model, optimizer, get, steps, chunks) {
  const per = Math.floor(steps / chunks);
  const rates = [];
  let step = 0;
  for (let c = 0; c < chunks; c++) {
    let samples = 0;
    const end = c === chunks - 1 ? steps : step + per;
    const t0 = now();
    for (; step < end; step++) {
      const { x, y, n } = get(step);
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
      loss.dataSync();
      tf.dispose([x, y, loss]);
      samples += n;
    }
    rates.push(samples / ((now() - t0) / 1000));
  }
  return rates;
}

function mlpModel() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10 }));
  return m;
}

function mlp() {
  const data = fashionBatches((n) => [n, 784]);
  trainChunks(mlpModel(), tf.train.momentum(0.01, 0.9), data.get, 20, 1);
  // Throughput over part of the epoch: a full epoch on the cpu backend takes minutes.
  const steps = backendName === 'cpu' ? 150 : 300;
  const rates = trainChunks(mlpModel(), tf.train.momentum(0.01, 0.9), data.get, steps, 3);
  report(median(rates), 'samples/s', { steps, chunks: rates.map(Math.round) });
}

function lenetModel() {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 120, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 84, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10 }));
  return m;
}

function lenet() {
  if (backendName === 'wasm') return skip('wasm backend has no Conv2DBackpropFilter kernel (cannot train conv nets)');
  const data = fashionBatches((n) => [n, 28, 28, 1]);
  trainChunks(lenetModel(), tf.train.adam(1e-3), data.get, 5, 1);
  const rates = trainChunks(lenetModel(), tf.train.adam(1e-3), data.get, 60, 3);
  report(median(rates), 'samples/s', { steps: 60, chunks: rates.map(Math.round) });
}

if ((workload === 'mlp' || workload === 'lenet') && !fashionAvailable()) skip('Fashion-MNIST not found');
else if (workload === 'gemm') await gemm(Number(arg));
else if (workload === 'eager') eager();
else if (workload === 'mlp') mlp();
else if (workload === 'lenet') lenet();
else if (workload.startsWith('resnet')) skip('ResNet18 is not defined for tfjs in this bench (minutes per step on these backends)');
else if (workload === 'construct') skip('torchvision models are not defined for tfjs');
else {
  console.error(`unknown workload ${workload}`);
  process.exit(2);
}
