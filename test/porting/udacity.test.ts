// udacity/deep-learning-v2-pytorch's solution notebooks transcribed line for line, against the
// same code run by PyTorch 1.13 (scripts/fixtures/porting_udacity.py): intro-to-pytorch Part 1
// (tensors), Part 2 (nn.Module, nn.Sequential with an OrderedDict, weight init), Part 3 (losses,
// autograd, SGD, a training loop), Part 5 (topk / equality accuracy, dropout, validation), Part 6
// (fc_model.py's train/validation, state_dict save/load, the size-mismatch error, a checkpoint
// dict); char-rnn (one_hot_encode, get_batches, 2-layer LSTM, clip_grad_norm_, checkpoint,
// sample with topk + np.random.choice); sentiment-rnn (pad_features, TensorDataset, Embedding +
// LSTM + BCELoss, predict); the convolutional and denoising autoencoders (ConvTranspose2d); gan-mnist;
// cifar-cnn (np.random.shuffle + SubsetRandomSampler, RandomHorizontalFlip + RandomRotation, the
// best-validation checkpoint, per-class accuracy) on torchvision's FakeData instead of CIFAR10.
//
// Reduced, the same on both sides (the fixture script says so per line): MNIST is Debian's
// Fashion-MNIST cut to its first N items with Subset; fewer epochs and smaller hidden sizes;
// torch.manual_seed(0) / np.random.seed(0) at the start of each program; `dataiter.next()` is
// `next(dataiter)` (PyTorch 1.13's loader iterator has no .next either); the texts are embedded;
// plots are left out (their values are recorded).
//
// NumPy: the notebooks' numpy code (arrays, np.random.rand/uniform/choice, np.mean) is written
// with plain arrays and NumpyRandomState below (numpy's legacy MT19937, the same draws as
// np.random.seed(s)); `torch.from_numpy(a)` is torch.tensor(a) (no NumPy in JavaScript).
//
// Divergences are marked DIVERGENCE where they occur: the transcription then uses the nearest
// call that works.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import * as Data from '../../src/utils/data/index.js';
import * as torchvision from '../../src/vision/index.js';
import { assertTensor, loadFixture } from '../helpers/fixtures.js';

const F = nn.functional;
const { datasets, transforms } = torchvision;
const FASHION = '/usr/share/datasets/fashion-mnist';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_udacity.json');
const TMP = join(tmpdir(), `porting-udacity-${process.pid}-${process.env.TORCHLETTE_BACKEND ?? 'default'}`);
mkdirSync(TMP, { recursive: true });

function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
const num = (t: Tensor): number => Number(t.item());
/** Python's len() of a map-style dataset */
const len = (d: unknown): number => (d as { length: number }).length;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** Python's str() of None / True / False / the rest */
const pyStr = (v: unknown): string => (v === null || v === undefined ? 'None' : v === true ? 'True' : v === false ? 'False' : String(v));
/** Python's str(torch.Size) (a torchlette shape is a plain number[]) */
const sizeStr = (s: readonly number[]): string => `torch.Size([${s.join(', ')}])`;
/** str(numpy shape tuple) */
const tupleStr = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
/** Python's `acc += t` where acc starts as the int 0: a new tensor the first time, in place after */
const iadd = (acc: Tensor | number, t: Tensor): Tensor => (typeof acc === 'number' ? t.add(acc) : acc.add_(t));
const errText = (f: () => unknown): string | null => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return null;
};
const pyErr = (s: string | null): string | null => (s === null ? null : s.replace(/^\w+: /, ''));
/** Python's f'{v:.{d}f}': rounds the exact binary value half to even (toFixed rounds a tie up). */
function pyFixed(v: number, d: number): string {
  const exact = Math.abs(v).toFixed(60);
  const [ip, fp] = exact.split('.');
  const keep = fp.slice(0, d);
  const rest = fp.slice(d);
  const tie = /^50*$/.test(rest);
  const up = rest[0] > '5' || (rest[0] === '5' && !tie) || (tie && Number((keep || ip).at(-1)) % 2 === 1);
  const digits = BigInt(ip + keep) + (up ? 1n : 0n);
  const str = digits.toString().padStart(d + 1, '0');
  const out = d > 0 ? `${str.slice(0, -d)}.${str.slice(-d)}` : str;
  return (v < 0 && /[1-9]/.test(out) ? '-' : '') + out;
}
/** Python's repr of a list of ints */
const pyList = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
/** str(od.keys()) of a state dict: odict_keys([...]) */
const odictKeys = (sd: Any): string =>
  `odict_keys([${(sd instanceof Map ? [...sd.keys()] : Object.keys(sd)).map((k: string) => `'${k}'`).join(', ')}])`;
/** next(iter(loader)) */
const first = <T>(it: Iterable<T>): T => it[Symbol.iterator]().next().value as T;

function printer(): { lines: string[]; print: (...a: unknown[]) => void } {
  const lines: string[] = [];
  return { lines, print: (...a: unknown[]) => lines.push(...a.map(pyStr).join(' ').split('\n')) };
}
/**
 * The printed lines equal PyTorch's; with `lastDigit`, a printed number may be one unit of its
 * last printed digit away (a value that PyTorch's and torchlette's float32 sums, done in a
 * different order, put on either side of a rounding boundary of the 4-5 printed digits).
 */
function assertLines(got: string[], want: string[], label: string, lastDigit = false): void {
  assert.equal(got.length, want.length, `${label}: number of lines\n${got.join('\n')}`);
  const re = /-?\d+\.(\d+)(e[-+]\d+)?/g;
  got.forEach((g, i) => {
    if (!lastDigit || g === want[i]) return assert.equal(g, want[i], `${label}: line ${i}`);
    assert.equal(g.replace(re, '#'), want[i].replace(re, '#'), `${label}: line ${i}: ${g} vs ${want[i]}`);
    const gs = [...g.matchAll(re)];
    const ws = [...want[i].matchAll(re)];
    assert.equal(gs.length, ws.length, `${label}: line ${i}`);
    gs.forEach((m, j) => {
      const unit = 10 ** (-m[1].length + Number(m[2]?.slice(1) ?? 0));
      const tol = Math.max(unit * 1.0001, 1e-6 * Math.abs(Number(ws[j][0]))); // 1e-6: a loss printed with all its digits
      assert.ok(Math.abs(Number(m[0]) - Number(ws[j][0])) <= tol, `${label}: line ${i}: ${g} vs ${want[i]}`);
    });
  });
}

/** numpy's legacy RandomState (MT19937 seeded as np.random.seed(int)): rand, uniform, choice(a, p=p). */
class NumpyRandomState {
  private mt = new Uint32Array(624);
  private mti = 624;
  seed(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = 624;
  }
  private genrand(): number {
    const mt = this.mt;
    if (this.mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
  randomSample(): number {
    const a = this.genrand() >>> 5;
    const b = this.genrand() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
  /** numpy's random_interval(max): masked rejection sampling on 32-bit draws */
  private interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    for (const sh of [1, 2, 4, 8, 16]) mask |= mask >>> sh;
    let value: number;
    while ((value = (this.genrand() & mask) >>> 0) > max);
    return value;
  }
  /** np.random.shuffle(list) */
  shuffle(x: unknown[]): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      [x[i], x[j]] = [x[j], x[i]];
    }
  }
  /** np.random.rand(rows, cols) as nested rows (float64) */
  rand(rows: number, cols: number): number[][] {
    return range(rows).map(() => range(cols).map(() => this.randomSample()));
  }
  /** np.random.uniform(low, high, size=(rows, cols)) */
  uniform(low: number, high: number, size: [number, number]): number[][] {
    return range(size[0]).map(() => range(size[1]).map(() => low + (high - low) * this.randomSample()));
  }
  /** np.random.choice(a, p=p): cdf = p.cumsum() (float64); cdf /= cdf[-1]; searchsorted(cdf, u, 'right') */
  choice(a: readonly number[], p: readonly number[]): number {
    const cdf: number[] = [];
    let acc = 0;
    for (const v of p) cdf.push((acc += v));
    const last = cdf[cdf.length - 1];
    const c = cdf.map((v) => v / last);
    const u = this.randomSample();
    let i = 0;
    while (i < c.length && c[i] <= u) i++;
    return a[i];
  }
}
const npRandom = new NumpyRandomState();
/** np.mean of a list of Python floats (numpy's pairwise sum is a plain loop under 8 items) */
const npMean = (xs: readonly number[]): number => {
  assert.ok(xs.length < 8);
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
};
/** A float32 numpy array's sum (numpy: the first item plus the plain float32 sum of the rest, under 8 items) */
const npSumF32 = (xs: readonly number[]): number => {
  assert.ok(xs.length < 9);
  let r = 0;
  for (const x of xs.slice(1)) r = Math.fround(r + x);
  return Math.fround(xs[0] + r);
};

// ================================================================ Part 1 - Tensors in PyTorch
test('intro-to-pytorch Part 1: tensors, sigmoid activation, torch.mm, from_numpy', () => {
  const want = fx.part1;
  const { lines, print } = printer();
  function activation(x: Tensor): Tensor {
    return torch.exp(x.neg()).add(1).rdiv(1);
  }
  torch.manualSeed(7);
  let features = torch.randn([1, 5]);
  const weights = torch.randnLike(features);
  const bias = torch.randn([1, 1]);
  let y = activation(torch.sum(features.mul(weights)).add(bias));
  assertTensor(y, want.y1, { rtol: 1e-6 }, 'y1');
  y = activation(features.mul(weights).sum().add(bias));
  assertTensor(y, want.y2, { rtol: 1e-6 }, 'y2');
  y = activation(torch.mm(features, weights.view(5, 1)).add(bias));
  assertTensor(y, want.y3, { rtol: 1e-6 }, 'y3');

  torch.manualSeed(7);
  features = torch.randn([1, 3]);
  const nInput = features.shape[1];
  const nHidden = 2;
  const nOutput = 1;
  const W1 = torch.randn(nInput, nHidden);
  const W2 = torch.randn(nHidden, nOutput);
  const B1 = torch.randn([1, nHidden]);
  const B2 = torch.randn([1, nOutput]);
  const h = activation(torch.mm(features, W1).add(B1));
  const output = activation(torch.mm(h, W2).add(B2));
  print(output);

  npRandom.seed(0);
  const a = npRandom.rand(4, 3);
  assert.deepEqual(a, want.a);
  // torch.from_numpy(a): no NumPy in JavaScript; the tensor is a float64 copy (not shared memory).
  const b = torch.tensor(a, { dtype: 'float64' });
  print(b);
  assert.deepEqual(b.tolist(), want.b_numpy);
  print(b.mul_(2));
  assert.deepEqual(b.tolist(), want.a_after); // in Python `a` shows the doubled values (shared memory)
  assertLines(lines, want.prints, 'part1 prints');
});

// ================================================================ programs on Fashion-MNIST
const fmnist = (train: boolean, transform: Any, n: number): Data.Subset<Any> =>
  new Data.Subset(new datasets.FashionMNIST({ root: FASHION, train, transform, download: false }), range(n));

function activation(x: Tensor): Tensor {
  return torch.exp(x.neg()).add(1).rdiv(1);
}

describe('intro-to-pytorch and the other notebooks on Fashion-MNIST', { skip: !existsSync(FASHION) && `${FASHION} is not installed` }, () => {
  // ============================================================== Part 2
  test('Part 2 - Neural Networks: manual forward, softmax, Network classes, Sequential(OrderedDict), init', () => {
    const want = fx.part2;
    const { lines, print } = printer();
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]);
    const trainset = fmnist(true, transform, 256);
    const trainloader = new Data.DataLoader(trainset, { batchSize: 64, shuffle: true });
    torch.manualSeed(0);

    let dataiter = trainloader[Symbol.iterator]();
    let [images, labels] = dataiter.next().value as [Tensor, Tensor];
    print(`<class 'torch.${images.constructor.name}'>`);
    print(sizeStr(images.shape));
    print(sizeStr(labels.shape));
    assertTensor(labels, want.labels);

    const inputs = images.view(images.shape[0], -1);
    const w1 = torch.randn(784, 256);
    const b1 = torch.randn(256);
    const w2 = torch.randn(256, 10);
    const b2 = torch.randn(10);
    const h = activation(torch.mm(inputs, w1).add(b1));
    const out = activation(torch.mm(h, w2).add(b2));
    assertTensor(out, want.out, { rtol: 1e-5 }, 'out');

    function softmax(x: Tensor): Tensor {
      return torch.exp(x).div(torch.sum(torch.exp(x), { dim: 1 }).view(-1, 1));
    }
    const probabilities = softmax(out);
    print(sizeStr(probabilities.shape));
    print(probabilities.sum({ dim: 1 }));
    assertTensor(probabilities, want.probabilities, { rtol: 1e-5 }, 'probabilities');

    let model: nn.Module;
    {
      class Network extends nn.Module {
        hidden = new nn.Linear(784, 256);
        output = new nn.Linear(256, 10);
        sigmoid = new nn.Sigmoid();
        softmax = new nn.Softmax({ dim: 1 });
        override forward(x: Tensor): Tensor {
          x = this.hidden.forward(x);
          x = this.sigmoid.forward(x);
          x = this.output.forward(x);
          x = this.softmax.forward(x);
          return x;
        }
      }
      model = new Network();
      print(model);
      assertTensor(model.forward(inputs) as Tensor, want.net1, { rtol: 1e-5 }, 'net1');
    }
    {
      class Network extends nn.Module {
        hidden = new nn.Linear(784, 256);
        output = new nn.Linear(256, 10);
        override forward(x: Tensor): Tensor {
          x = F.sigmoid(this.hidden.forward(x));
          x = F.softmax(this.output.forward(x), { dim: 1 });
          return x;
        }
      }
      model = new Network();
      print(model);
      assertTensor(model.forward(inputs) as Tensor, want.net2, { rtol: 1e-5 }, 'net2');
    }
    class Network extends nn.Module {
      fc1 = new nn.Linear(784, 128);
      fc2 = new nn.Linear(128, 64);
      fc3 = new nn.Linear(64, 10);
      override forward(x: Tensor): Tensor {
        x = this.fc1.forward(x);
        x = F.relu(x);
        x = this.fc2.forward(x);
        x = F.relu(x);
        x = this.fc3.forward(x);
        x = F.softmax(x, { dim: 1 });
        return x;
      }
    }
    const net3 = new Network();
    print(net3);
    print(net3.fc1.weight);
    print(net3.fc1.bias);
    print(net3.fc1.bias!.data.fill_(0));
    print(net3.fc1.weight.data.normal_({ std: 0.01 }));

    dataiter = trainloader[Symbol.iterator]();
    [images, labels] = dataiter.next().value as [Tensor, Tensor];
    images.resize_(64, 1, 784);
    const imgIdx = 0;
    let ps = net3.forward(images.index(imgIdx, ':'));
    const img = images.index(imgIdx);
    assertTensor(ps, want.ps1, { rtol: 1e-5 }, 'ps1');
    close(num(img.view(1, 28, 28).sum()), want.img1_sum, 1e-6, 'img1_sum');

    const inputSize = 784;
    const hiddenSizes = [128, 64];
    const outputSize = 10;
    let seq = new nn.Sequential(
      new nn.Linear(inputSize, hiddenSizes[0]),
      new nn.ReLU(),
      new nn.Linear(hiddenSizes[0], hiddenSizes[1]),
      new nn.ReLU(),
      new nn.Linear(hiddenSizes[1], outputSize),
      new nn.Softmax({ dim: 1 }),
    );
    print(seq);
    [images, labels] = first(trainloader) as [Tensor, Tensor];
    images.resize_(images.shape[0], 1, 784);
    ps = seq.forward(images.index(0, ':'));
    assertTensor(ps, want.ps2, { rtol: 1e-5 }, 'ps2');
    print(seq.get(0));
    print((seq.get(0) as nn.Linear).weight);

    seq = new nn.Sequential(
      new Map<string, nn.Module>([
        ['fc1', new nn.Linear(inputSize, hiddenSizes[0])],
        ['relu1', new nn.ReLU()],
        ['fc2', new nn.Linear(hiddenSizes[0], hiddenSizes[1])],
        ['relu2', new nn.ReLU()],
        ['output', new nn.Linear(hiddenSizes[1], outputSize)],
        ['softmax', new nn.Softmax({ dim: 1 })],
      ]),
    );
    print(seq);
    print(seq.get(0));
    print((seq as Any).fc1);
    assertTensor(seq.forward(images.index(0, ':')), want.ps3, { rtol: 1e-5 }, 'ps3');
    assertLines(lines, want.prints, 'part2 prints');
  });

  // ============================================================== Part 3
  test('Part 3 - Training Neural Networks: CrossEntropyLoss / NLLLoss, autograd, SGD step, training loop', () => {
    const want = fx.part3;
    const { lines, print } = printer();
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]);
    const trainset = fmnist(true, transform, 256);
    const trainloader = new Data.DataLoader(trainset, { batchSize: 64, shuffle: true });
    torch.manualSeed(0);

    let model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10));
    let criterion: nn.Module = new nn.CrossEntropyLoss();
    let [images, labels] = first(trainloader) as [Tensor, Tensor];
    images = images.view(images.shape[0], -1);
    const logits = model.forward(images);
    let loss = criterion.forward(logits, labels) as Tensor;
    print(loss);

    model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10), new nn.LogSoftmax({ dim: 1 }));
    criterion = new nn.NLLLoss();
    [images, labels] = first(trainloader) as [Tensor, Tensor];
    images = images.view(images.shape[0], -1);
    let logps = model.forward(images);
    loss = criterion.forward(logps, labels) as Tensor;
    print(loss);

    const x = torch.randn(2, 2, { requiresGrad: true });
    print(x);
    const y = x.pow(2);
    print(y);
    // DIVERGENCE: str(y.grad_fn) is '<PowBackward0 object at 0x7f...>' in PyTorch, '<PowBackward0>' here.
    assert.equal(String(y.gradFn), want.grad_fn.replace(/ object at 0x[0-9a-f]+/, ''));
    const z = y.mean();
    print(z);
    print(x.grad);
    z.backward();
    print(x.grad);
    print(x.div(2));

    model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10), new nn.LogSoftmax({ dim: 1 }));
    criterion = new nn.NLLLoss();
    [images, labels] = first(trainloader) as [Tensor, Tensor];
    images = images.view(images.shape[0], -1);
    logps = model.forward(images);
    loss = criterion.forward(logps, labels) as Tensor;
    const w0 = () => (model.get(0) as nn.Linear).weight;
    print('Before backward pass: \n', w0().grad);
    loss.backward();
    print('After backward pass: \n', w0().grad);
    assertTensor(w0().grad!.index(':2'), want.grad0, { rtol: 1e-5, atol: 1e-8 }, 'grad0');
    close(num(w0().grad!.sum()), want.grad0_sum, 1e-4, 'grad0_sum', 1e-7); // a 100k-term float32 sum: rounding order

    let optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
    print('Initial weights - ', w0());
    [images, labels] = first(trainloader) as [Tensor, Tensor];
    images.resize_(64, 784);
    optimizer.zeroGrad();
    let output = model.forward(images);
    loss = criterion.forward(output, labels) as Tensor;
    loss.backward();
    print('Gradient -', w0().grad);
    optimizer.step();
    print('Updated weights - ', w0());
    assertTensor(w0().index(':2'), want.updated0, { rtol: 1e-6 }, 'updated0');
    close(num(w0().sum()), want.updated0_sum, 1e-4, 'updated0_sum', 1e-6);

    model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10), new nn.LogSoftmax({ dim: 1 }));
    criterion = new nn.NLLLoss();
    optimizer = new optim.SGD(model.parameters(), { lr: 0.003 });
    const losses: number[] = [];
    const epochs = 2;
    for (let e = 0; e < epochs; e++) {
      let runningLoss = 0;
      for (let [images, labels] of trainloader as Iterable<[Tensor, Tensor]>) {
        images = images.view(images.shape[0], -1);
        optimizer.zeroGrad();
        output = model.forward(images);
        loss = criterion.forward(output, labels) as Tensor;
        loss.backward();
        optimizer.step();
        runningLoss += num(loss);
        losses.push(num(loss));
      }
      print(`Training loss: ${runningLoss / trainloader.length}`);
    }
    closeAll(losses, want.losses, 1e-5, 'part3 losses');

    [images, labels] = first(trainloader) as [Tensor, Tensor];
    const img = images.index(0).view(1, 784);
    torch.noGrad(() => {
      logps = model.forward(img);
    });
    const ps = torch.exp(logps);
    assertTensor(ps, want.ps, { rtol: 1e-5 }, 'ps');
    // The printed gradients are float32 sums over a batch of 64 (torchlette's order is not OpenBLAS's):
    // their last printed digit may differ by one; `Training loss: {running_loss/len(trainloader)}`
    // prints every digit of a mean of float32 losses, equal to 1e-6.
    assertLines(lines, want.prints, 'part3 prints', true);
  });

  // ============================================================== Part 5
  test('Part 5 - Inference and Validation: topk, equals, accuracy, dropout, model.eval()', () => {
    const want = fx.part5;
    const { lines, print } = printer();
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]);
    const trainset = fmnist(true, transform, 256);
    const trainloader = new Data.DataLoader(trainset, { batchSize: 64, shuffle: true });
    const testset = fmnist(false, transform, 128);
    const testloader = new Data.DataLoader(testset, { batchSize: 64, shuffle: true });
    torch.manualSeed(0);

    class Classifier extends nn.Module {
      fc1 = new nn.Linear(784, 256);
      fc2 = new nn.Linear(256, 128);
      fc3 = new nn.Linear(128, 64);
      fc4 = new nn.Linear(64, 10);
      override forward(x: Tensor): Tensor {
        x = x.view(x.shape[0], -1);
        x = F.relu(this.fc1.forward(x));
        x = F.relu(this.fc2.forward(x));
        x = F.relu(this.fc3.forward(x));
        x = F.logSoftmax(this.fc4.forward(x), { dim: 1 });
        return x;
      }
    }
    let model: nn.Module = new Classifier();
    let [images, labels] = first(testloader) as [Tensor, Tensor];
    let ps = torch.exp(model.forward(images) as Tensor);
    print(sizeStr(ps.shape));
    const [topP, topClass] = ps.topk(1, { dim: 1 });
    print(topClass.index(':10', ':'));
    assertTensor(topP, want.top_p, { rtol: 1e-5 }, 'top_p');
    const equals = topClass.eq(labels.view(...topClass.shape));
    void equals;
    const accuracy0 = torch.mean(equals.type(torch.FloatTensor));
    print(`Accuracy: ${num(accuracy0) * 100}%`);

    model = new Classifier();
    let criterion = new nn.NLLLoss({ reduction: 'sum' });
    let optimizer = new optim.Adam(model.parameters(), { lr: 0.003 });
    let epochs = 2;
    let trainLosses: number[] = [];
    let testLosses: Any[] = [];
    for (let e = 0; e < epochs; e++) {
      let totTrainLoss = 0;
      for (const [images, labels] of trainloader as Iterable<[Tensor, Tensor]>) {
        optimizer.zeroGrad();
        const logPs = model.forward(images) as Tensor;
        const loss = criterion.forward(logPs, labels);
        totTrainLoss += num(loss);
        loss.backward();
        optimizer.step();
      }
      let totTestLoss = 0;
      let testCorrect = 0;
      torch.noGrad(() => {
        for (const [images, labels] of testloader as Iterable<[Tensor, Tensor]>) {
          const logPs = model.forward(images) as Tensor;
          const loss = criterion.forward(logPs, labels);
          totTestLoss += num(loss);
          const ps = torch.exp(logPs);
          const [, topClass] = ps.topk(1, { dim: 1 });
          const equals = topClass.eq(labels.view(...topClass.shape));
          testCorrect += num(equals.sum());
        }
      });
      const trainLoss = totTrainLoss / len(trainloader.dataset);
      const testLoss = totTestLoss / len(testloader.dataset);
      trainLosses.push(trainLoss);
      testLosses.push(testLoss);
      print(
        `Epoch: ${e + 1}/${epochs}.. `,
        `Training Loss: ${pyFixed(trainLoss, 3)}.. `,
        `Test Loss: ${pyFixed(testLoss, 3)}.. `,
        `Test Accuracy: ${pyFixed(testCorrect / len(testloader.dataset), 3)}`,
      );
    }
    closeAll(trainLosses, want.train_losses1, 1e-5, 'train_losses1');
    closeAll(testLosses, want.test_losses1, 1e-5, 'test_losses1');

    class ClassifierDropout extends nn.Module {
      fc1 = new nn.Linear(784, 256);
      fc2 = new nn.Linear(256, 128);
      fc3 = new nn.Linear(128, 64);
      fc4 = new nn.Linear(64, 10);
      dropout = new nn.Dropout({ p: 0.2 });
      override forward(x: Tensor): Tensor {
        x = x.view(x.shape[0], -1);
        x = this.dropout.forward(F.relu(this.fc1.forward(x)));
        x = this.dropout.forward(F.relu(this.fc2.forward(x)));
        x = this.dropout.forward(F.relu(this.fc3.forward(x)));
        x = F.logSoftmax(this.fc4.forward(x), { dim: 1 });
        return x;
      }
    }
    model = new ClassifierDropout();
    criterion = new nn.NLLLoss();
    optimizer = new optim.Adam(model.parameters(), { lr: 0.003 });
    epochs = 2;
    trainLosses = [];
    testLosses = [];
    for (let e = 0; e < epochs; e++) {
      let runningLoss = 0;
      for (const [images, labels] of trainloader as Iterable<[Tensor, Tensor]>) {
        optimizer.zeroGrad();
        const logPs = model.forward(images) as Tensor;
        const loss = criterion.forward(logPs, labels);
        loss.backward();
        optimizer.step();
        runningLoss += num(loss);
      }
      let testLoss = 0 as Tensor | number;
      let accuracy = 0 as Tensor | number;
      torch.noGrad(() => {
        model.eval();
        for (const [images, labels] of testloader as Iterable<[Tensor, Tensor]>) {
          const logPs = model.forward(images) as Tensor;
          testLoss = iadd(testLoss, criterion.forward(logPs, labels));
          const ps = torch.exp(logPs);
          const [, topClass] = ps.topk(1, { dim: 1 });
          const equals = topClass.eq(labels.view(...topClass.shape));
          accuracy = iadd(accuracy, torch.mean(equals.type(torch.FloatTensor)));
        }
      });
      model.train();
      trainLosses.push(runningLoss / trainloader.length);
      testLosses.push((testLoss as Tensor).div(testloader.length));
      print(
        `Epoch: ${e + 1}/${epochs}.. `,
        `Training Loss: ${pyFixed(trainLosses.at(-1)!, 3)}.. `,
        `Test Loss: ${pyFixed(num(testLosses.at(-1)), 3)}.. `, // '{:.3f}'.format(0-d tensor) formats its item()
        `Test Accuracy: ${pyFixed(num((accuracy as Tensor).div(testloader.length)), 3)}`,
      );
    }
    closeAll(trainLosses, want.train_losses2, 1e-5, 'train_losses2');
    closeAll(testLosses.map(num), want.test_losses2, 1e-5, 'test_losses2');
    assert.equal(String(testLosses.at(-1)), want.test_losses2_repr);

    model.eval();
    const dataiter = testloader[Symbol.iterator]();
    [images, labels] = dataiter.next().value as [Tensor, Tensor];
    let img = images.index(0);
    img = img.view(1, 784);
    let output!: Tensor;
    torch.noGrad(() => {
      output = model.forward(img) as Tensor;
    });
    ps = torch.exp(output);
    // rtol 1e-4: after 8 Adam steps at lr 0.003 (whose m / sqrt(v) turns the float32 rounding of
    // near-zero gradient entries, summed in another order than OpenBLAS's, into whole-size updates)
    // one image's probabilities are 1-3e-5 from PyTorch's; the mean losses above agree to 1e-6.
    assertTensor(ps, want.ps, { rtol: 1e-4 }, 'ps');
    assertLines(lines, want.prints, 'part5 prints');
  });

  // ============================================================== Part 6 (fc_model.py)
  test('Part 6 - Saving and Loading Models: fc_model.train/validation, state_dict, the size-mismatch error, a checkpoint dict', () => {
    const want = fx.part6;
    const { lines, print } = printer();

    // ------------------------------------------------ fc_model.py
    class Network extends nn.Module {
      hidden_layers: nn.ModuleList;
      output: nn.Linear;
      dropout: nn.Dropout;
      constructor(inputSize: number, outputSize: number, hiddenLayers: number[], dropP = 0.5) {
        super();
        this.hidden_layers = new nn.ModuleList([new nn.Linear(inputSize, hiddenLayers[0])]);
        const layerSizes = hiddenLayers.slice(0, -1).map((h1, i) => [h1, hiddenLayers.slice(1)[i]]);
        this.hidden_layers.extend(layerSizes.map(([h1, h2]) => new nn.Linear(h1, h2)));
        this.output = new nn.Linear(hiddenLayers.at(-1)!, outputSize);
        this.dropout = new nn.Dropout({ p: dropP });
      }
      override forward(x: Tensor): Tensor {
        for (const each of this.hidden_layers) {
          x = F.relu(each.forward(x) as Tensor);
          x = this.dropout.forward(x);
        }
        x = this.output.forward(x);
        return F.logSoftmax(x, { dim: 1 });
      }
    }
    function validation(model: nn.Module, testloader: Data.DataLoader<Any>, criterion: nn.Module): [number, Tensor | number] {
      let accuracy: Tensor | number = 0;
      let testLoss = 0;
      for (let [images, labels] of testloader as Iterable<[Tensor, Tensor]>) {
        images.resize_(images.size()[0], 784);
        const output = model.forward(images) as Tensor;
        testLoss += num(criterion.forward(output, labels) as Tensor);
        const ps = torch.exp(output);
        const equality = labels.data.eq(ps.max(1)[1]);
        accuracy = iadd(accuracy, equality.typeAs(torch.FloatTensor()).mean());
      }
      return [testLoss, accuracy];
    }
    function train(model: nn.Module, trainloader: Data.DataLoader<Any>, testloader: Data.DataLoader<Any>, criterion: nn.Module, optimizer: optim.Optimizer, epochs = 5, printEvery = 40): void {
      let steps = 0;
      let runningLoss = 0;
      for (let e = 0; e < epochs; e++) {
        model.train();
        for (let [images, labels] of trainloader as Iterable<[Tensor, Tensor]>) {
          steps += 1;
          images.resize_(images.size()[0], 784);
          optimizer.zeroGrad();
          const output = model.forward(images) as Tensor;
          const loss = criterion.forward(output, labels) as Tensor;
          loss.backward();
          optimizer.step();
          runningLoss += num(loss);
          if (steps % printEvery === 0) {
            model.eval();
            const [testLoss, accuracy] = torch.noGrad(() => validation(model, testloader, criterion));
            print(
              `Epoch: ${e + 1}/${epochs}.. `,
              `Training Loss: ${pyFixed(runningLoss / printEvery, 3)}.. `,
              `Test Loss: ${pyFixed(testLoss / testloader.length, 3)}.. `,
              `Test Accuracy: ${pyFixed(num((accuracy as Tensor).div(testloader.length)), 3)}`,
            );
            runningLoss = 0;
            model.train();
          }
        }
      }
    }
    const fcModel = { Network, validation, train };

    // ------------------------------------------------ the notebook
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]);
    const trainset = fmnist(true, transform, 256);
    const trainloader = new Data.DataLoader(trainset, { batchSize: 64, shuffle: true });
    const testset = fmnist(false, transform, 128);
    const testloader = new Data.DataLoader(testset, { batchSize: 64, shuffle: true });
    torch.manualSeed(0);

    const [image] = first(trainloader) as [Tensor, Tensor];
    close(num(image.index(0, ':').sum()), want.image0_sum, 1e-6, 'image0_sum');

    let model = new fcModel.Network(784, 10, [512, 256, 128]);
    const criterion = new nn.NLLLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    fcModel.train(model, trainloader, testloader, criterion, optimizer, 2, 2);

    print('Our model: \n\n', model, '\n');
    print('The state dict keys: \n\n', odictKeys(model.stateDict()));
    const checkpointPth = join(TMP, 'checkpoint.pth');
    torch.save(model.stateDict(), checkpointPth);
    const stateDict = torch.load(checkpointPth) as Any;
    print(odictKeys(stateDict));
    print(model.loadStateDict(stateDict));
    assertTensor(model.output.weight, want.output_weight, { rtol: 1e-5, atol: 1e-7 }, 'output.weight');

    model = new fcModel.Network(784, 10, [400, 200, 100]);
    assert.equal(errText(() => model.loadStateDict(stateDict)), pyErr(want.load_error));

    const checkpoint = {
      input_size: 784,
      output_size: 10,
      hidden_layers: [...model.hidden_layers].map((each) => (each as nn.Linear).outFeatures),
      state_dict: model.stateDict(),
    };
    torch.save(checkpoint, checkpointPth);

    function loadCheckpoint(filepath: string): Network {
      const checkpoint = torch.load(filepath) as Any;
      const model = new fcModel.Network(checkpoint.input_size, checkpoint.output_size, checkpoint.hidden_layers);
      model.loadStateDict(checkpoint.state_dict);
      return model;
    }
    model = loadCheckpoint(checkpointPth);
    print(model);
    assertTensor(model.output.weight, want.loaded_output_weight, { rtol: 0 }, 'loaded output.weight');
    assertLines(lines, want.prints, 'part6 prints');
  });
});

// ================================================================ char-rnn
const ANNA = `Happy families are all alike; every unhappy family is unhappy in its own way.

Everything was in confusion in the Oblonskys' house. The wife had discovered that the husband
was carrying on an intrigue with a French girl, who had been a governess in their family, and
she had announced to her husband that she could not go on living in the same house with him.
This position of affairs had now lasted three days, and not only the husband and wife
themselves, but all the members of their family and household, were painfully conscious of it.
And Levin said that Anna was not at home.
`;

interface NdArray {
  data: number[];
  shape: number[];
}
function oneHotEncode(arr: number[][], nLabels: number): NdArray {
  const flatArr = arr.flat();
  const oneHot = new Array<number>(flatArr.length * nLabels).fill(0);
  flatArr.forEach((v, i) => (oneHot[i * nLabels + v] = 1));
  return { data: oneHot, shape: [arr.length, arr[0].length, nLabels] };
}
/** torch.from_numpy(a) */
const fromNumpy = (a: NdArray, dtype: 'float32' | 'int64' | 'float64'): Tensor => torch.tensor(a.data, { dtype }).reshape(a.shape);
const fromRows = (rows: number[][], dtype: 'float32' | 'int64' | 'float64'): Tensor =>
  fromNumpy({ data: rows.flat(), shape: [rows.length, rows[0]?.length ?? 0] }, dtype);

function* getBatches(arr: number[], batchSize: number, seqLength: number): Generator<[number[][], number[][]]> {
  const batchSizeTotal = batchSize * seqLength;
  const nBatches = Math.floor(arr.length / batchSizeTotal);
  arr = arr.slice(0, nBatches * batchSizeTotal);
  const cols = arr.length / batchSize;
  const rows = range(batchSize).map((r) => arr.slice(r * cols, (r + 1) * cols));
  for (let n = 0; n < cols; n += seqLength) {
    const x = rows.map((r) => r.slice(n, n + seqLength));
    // y[:, :-1], y[:, -1] = x[:, 1:], arr[:, n+seq_length]  (arr[:, 0] on IndexError)
    const y = x.map((row, i) => [...row.slice(1), n + seqLength < cols ? rows[i][n + seqLength] : rows[i][0]]);
    yield [x, y];
  }
}

test('char-rnn: one_hot_encode, get_batches, CharRNN (2-layer LSTM), train with clip_grad_norm_, checkpoint, sample with topk', () => {
  const want = fx.char_rnn;
  const { lines, print } = printer();
  const text = ANNA;
  assert.equal(text.slice(0, 100), want.text100);
  // tuple(set(text)): Python's set order follows the string hash seed; the fixture's order is used.
  const chars: string[] = want.chars;
  assert.deepEqual([...chars].sort(), [...new Set(text)].sort());
  const int2char = new Map(chars.map((c, i) => [i, c]));
  const char2int = new Map([...int2char].map(([ii, ch]) => [ch, ii]));
  const encoded = [...text].map((ch) => char2int.get(ch)!);
  assert.deepEqual(encoded.slice(0, 100), want.encoded100);

  const testSeq = [[3, 5, 1]];
  const oneHot = oneHotEncode(testSeq, 8);
  assert.deepEqual(fromNumpy(oneHot, 'float32').tolist(), want.one_hot);

  const batches = getBatches(encoded, 8, 50);
  const [x, y] = batches.next().value as [number[][], number[][]];
  assert.deepEqual(x.slice(0, 10).map((r) => r.slice(0, 10)), want.x10);
  assert.deepEqual(y.slice(0, 10).map((r) => r.slice(0, 10)), want.y10);

  const trainOnGpu = torch.cuda.isAvailable();
  if (trainOnGpu) print('Training on GPU!');
  else print('No GPU available, training on CPU; consider making n_epochs very small.');

  class CharRNN extends nn.Module {
    dropProb: number;
    nLayers: number;
    nHidden: number;
    lr: number;
    chars: string[];
    int2char: Map<number, string>;
    char2int: Map<string, number>;
    lstm: nn.LSTM;
    dropout: nn.Dropout;
    fc: nn.Linear;
    constructor(tokens: string[], nHidden = 256, nLayers = 2, dropProb = 0.5, lr = 0.001) {
      super();
      this.dropProb = dropProb;
      this.nLayers = nLayers;
      this.nHidden = nHidden;
      this.lr = lr;
      this.chars = tokens;
      this.int2char = new Map(this.chars.map((c, i) => [i, c]));
      this.char2int = new Map([...this.int2char].map(([ii, ch]) => [ch, ii]));
      this.lstm = new nn.LSTM(this.chars.length, nHidden, nLayers, { dropout: dropProb, batchFirst: true });
      this.dropout = new nn.Dropout(dropProb);
      this.fc = new nn.Linear(nHidden, this.chars.length);
    }
    override forward(x: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
      const [rOutput, h] = this.lstm.forward(x, hidden) as [Tensor, [Tensor, Tensor]];
      let out = this.dropout.forward(rOutput);
      out = out.contiguous().view(-1, this.nHidden);
      out = this.fc.forward(out);
      return [out, h];
    }
    initHidden(batchSize: number): [Tensor, Tensor] {
      const weight = this.parameters().next().value!.data;
      return [weight.new(this.nLayers, batchSize, this.nHidden).zero_(), weight.new(this.nLayers, batchSize, this.nHidden).zero_()];
    }
  }

  const losses: number[] = [];
  function train(net: CharRNN, data: number[], epochs = 10, batchSize = 10, seqLength = 50, lr = 0.001, clip = 5, valFrac = 0.1, printEvery = 10): void {
    net.train();
    const opt = new torch.optim.Adam(net.parameters(), { lr });
    const criterion = new nn.CrossEntropyLoss();
    const valIdx = Math.trunc(data.length * (1 - valFrac));
    const valData = data.slice(valIdx);
    data = data.slice(0, valIdx);
    let counter = 0;
    const nChars = net.chars.length;
    for (let e = 0; e < epochs; e++) {
      let h = net.initHidden(batchSize);
      for (const [x, y] of getBatches(data, batchSize, seqLength)) {
        counter += 1;
        const xh = oneHotEncode(x, nChars);
        const [inputs, targets] = [fromNumpy(xh, 'float32'), fromRows(y, 'int64')];
        h = h.map((each) => each.data) as [Tensor, Tensor];
        net.zeroGrad();
        let output: Tensor;
        [output, h] = net.forward(inputs, h);
        const loss = criterion.forward(output, targets.view(batchSize * seqLength).long());
        loss.backward();
        nn.utils.clipGradNorm_(net.parameters(), clip);
        opt.step();
        losses.push(num(loss));
        if (counter % printEvery === 0) {
          let valH = net.initHidden(batchSize);
          const valLosses: number[] = [];
          net.eval();
          for (const [x, y] of getBatches(valData, batchSize, seqLength)) {
            const [xt, yt] = [fromNumpy(oneHotEncode(x, nChars), 'float32'), fromRows(y, 'int64')];
            valH = valH.map((each) => each.data) as [Tensor, Tensor];
            const [inputs, targets] = [xt, yt];
            let output: Tensor;
            [output, valH] = net.forward(inputs, valH);
            const valLoss = criterion.forward(output, targets.view(batchSize * seqLength).long());
            valLosses.push(num(valLoss));
          }
          net.train();
          print(`Epoch: ${e + 1}/${epochs}...`, `Step: ${counter}...`, `Loss: ${pyFixed(num(loss), 4)}...`, `Val Loss: ${pyFixed(npMean(valLosses), 4)}`);
        }
      }
    }
  }

  torch.manualSeed(0);
  const nHidden = 32;
  const nLayers = 2;
  const net = new CharRNN(chars, nHidden, nLayers);
  print(net);
  const batchSize = 4;
  const seqLength = 10;
  const nEpochs = 2;
  train(net, encoded, nEpochs, batchSize, seqLength, 0.001, 5, 0.1, 4);
  closeAll(losses, want.losses, 1e-5, 'char-rnn losses');

  const modelName = join(TMP, 'rnn_20_epoch.net');
  const checkpoint = { n_hidden: net.nHidden, n_layers: net.nLayers, state_dict: net.stateDict(), tokens: net.chars };
  torch.save(checkpoint, modelName); // `with open(model_name, 'wb') as f: torch.save(checkpoint, f)`: a path here

  function predict(net: CharRNN, char: string, h: [Tensor, Tensor], topK: number | null = null): [string, [Tensor, Tensor]] {
    const x = oneHotEncode([[net.char2int.get(char)!]], net.chars.length);
    const inputs = fromNumpy(x, 'float32');
    h = h.map((each) => each.data) as [Tensor, Tensor];
    let out: Tensor;
    [out, h] = net.forward(inputs, h);
    let p = F.softmax(out, { dim: 1 }).data;
    let topCh: number[];
    if (topK === null) {
      topCh = range(net.chars.length);
    } else {
      let topChT: Tensor;
      [p, topChT] = p.topk(topK);
      topCh = Array.from(topChT.squeeze().toTypedArray(), Number);
    }
    const pn = Array.from(p.squeeze().toTypedArray(), Number); // float32 values
    const s = npSumF32(pn);
    const picked = npRandom.choice(topCh, pn.map((v) => Math.fround(v / s)));
    return [net.int2char.get(picked)!, h];
  }
  function sample(net: CharRNN, size: number, prime = 'The', topK: number | null = null): string {
    net.cpu();
    net.eval();
    const chars = [...prime];
    let h = net.initHidden(1);
    let char = '';
    for (const ch of prime) [char, h] = predict(net, ch, h, topK);
    chars.push(char);
    for (let ii = 0; ii < size; ii++) {
      [char, h] = predict(net, chars.at(-1)!, h, topK);
      chars.push(char);
    }
    return chars.join('');
  }

  npRandom.seed(0);
  print(sample(net, 60, 'Anna', 5));

  const ck = torch.load(modelName) as Any;
  const loaded = new CharRNN(ck.tokens, ck.n_hidden, ck.n_layers);
  print(loaded.loadStateDict(ck.state_dict));
  print(sample(loaded, 60, 'And Levin said', 5));
  assertTensor(loaded.fc.weight, want.fc_weight, { rtol: 1e-5, atol: 1e-7 }, 'fc.weight');
  assertLines(lines, want.prints, 'char-rnn prints');
});

// ================================================================ sentiment-rnn
const REVIEWS: [string, string][] = [
  ['positive', 'This movie was wonderful, the acting was great and I loved the story.'],
  ['negative', 'A terrible film. The plot was boring and the acting was bad.'],
  ['positive', 'Great fun! The best film I have seen this year; the cast is brilliant.'],
  ['negative', 'Worst movie ever: slow, dull and far too long. I want my money back.'],
  ['positive', 'A beautiful and moving story with a great score and wonderful acting.'],
  ['negative', 'Bad dialogue, bad acting, bad plot. The movie was a waste of time.'],
  ['positive', 'I loved every minute; the dialogue was so good and the ending was perfect.'],
  ['negative', 'Boring and predictable, the worst script I have seen in years.'],
  ['positive', 'Brilliant direction and a great story. Highly recommended!'],
  ['negative', 'The acting was terrible and the story made no sense at all.'],
];
function sentimentText(): [string, string] {
  const rows = range(40).map((i) => (i % 2 === 0 ? REVIEWS[(i * 3) % REVIEWS.length] : REVIEWS[(i * 7 + 1) % REVIEWS.length]));
  return [rows.map(([, r]) => `${r}\n`).join(''), rows.map(([l]) => `${l}\n`).join('')];
}
const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const pySplit = (s: string): string[] => s.split(/\s+/).filter((w) => w.length > 0);

test('sentiment-rnn: tokenize, pad_features, TensorDataset, Embedding + LSTM + BCELoss, clip_grad_norm_, predict', () => {
  const want = fx.sentiment_rnn;
  const { lines, print } = printer();
  let [reviews, labels] = sentimentText();
  print(reviews.slice(0, 1000));
  print();
  print(labels.slice(0, 20));

  reviews = reviews.toLowerCase();
  let allText = [...reviews].filter((c) => !punctuation.includes(c)).join('');
  const reviewsSplit = allText.split('\n');
  allText = reviewsSplit.join(' ');
  const words = pySplit(allText);
  assert.deepEqual(words.slice(0, 30), want.words30);

  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocab = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  const vocabToInt = new Map(vocab.map((word, ii) => [word, ii + 1]));
  let reviewsInts: number[][] = [];
  for (const review of reviewsSplit) reviewsInts.push(pySplit(review).map((word) => vocabToInt.get(word)!));
  print('Unique words: ', vocabToInt.size);
  print();
  print('Tokenized review: \n', `[${reviewsInts.slice(0, 1).map(pyList).join(', ')}]`);

  const labelsSplit = labels.split('\n');
  let encodedLabels = labelsSplit.map((label) => (label === 'positive' ? 1 : 0));

  const reviewLens = new Map<number, number>();
  for (const x of reviewsInts) reviewLens.set(x.length, (reviewLens.get(x.length) ?? 0) + 1);
  print(`Zero-length reviews: ${reviewLens.get(0) ?? 0}`);
  print(`Maximum review length: ${Math.max(...reviewLens.keys())}`);

  print('Number of reviews before removing outliers: ', reviewsInts.length);
  const nonZeroIdx = reviewsInts.flatMap((review, ii) => (review.length !== 0 ? [ii] : []));
  reviewsInts = nonZeroIdx.map((ii) => reviewsInts[ii]);
  encodedLabels = nonZeroIdx.map((ii) => encodedLabels[ii]);
  print('Number of reviews after removing outliers: ', reviewsInts.length);

  function padFeatures(reviewsInts: number[][], seqLength: number): number[][] {
    const features = reviewsInts.map(() => new Array<number>(seqLength).fill(0));
    reviewsInts.forEach((row, i) => {
      // features[i, -len(row):] = np.array(row)[:seq_length]
      const vals = row.slice(0, seqLength);
      features[i].splice(seqLength - vals.length, vals.length, ...vals);
    });
    return features;
  }
  let seqLength = 12;
  let features = padFeatures(reviewsInts, seqLength);
  assert.equal(features.length, reviewsInts.length, 'Your features should have as many rows as reviews.');
  assert.equal(features[0].length, seqLength, 'Each feature row should contain seq_length values.');
  assert.deepEqual(features.slice(0, 30).map((r) => r.slice(0, 10)), want.features30);

  const splitFrac = 0.8;
  const splitIdx = Math.trunc(features.length * splitFrac);
  const [trainX, remainingX] = [features.slice(0, splitIdx), features.slice(splitIdx)];
  const [trainY, remainingY] = [encodedLabels.slice(0, splitIdx), encodedLabels.slice(splitIdx)];
  const testIdx = Math.trunc(remainingX.length * 0.5);
  const [valX, testX] = [remainingX.slice(0, testIdx), remainingX.slice(testIdx)];
  const [valY, testY] = [remainingY.slice(0, testIdx), remainingY.slice(testIdx)];
  print('\t\t\tFeature Shapes:');
  print(`Train set: \t\t${tupleStr([trainX.length, seqLength])}`, `\nValidation set: \t${tupleStr([valX.length, seqLength])}`, `\nTest set: \t\t${tupleStr([testX.length, seqLength])}`);

  const trainData = new Data.TensorDataset(fromRows(trainX, 'int64'), torch.tensor(trainY, { dtype: 'int64' }));
  const validData = new Data.TensorDataset(fromRows(valX, 'int64'), torch.tensor(valY, { dtype: 'int64' }));
  const testData = new Data.TensorDataset(fromRows(testX, 'int64'), torch.tensor(testY, { dtype: 'int64' }));
  const batchSize = 4;
  const trainLoader = new Data.DataLoader(trainData, { shuffle: true, batchSize });
  const validLoader = new Data.DataLoader(validData, { shuffle: true, batchSize });
  const testLoader = new Data.DataLoader(testData, { shuffle: true, batchSize });
  torch.manualSeed(0);

  const dataiter = trainLoader[Symbol.iterator]();
  const [sampleX, sampleY] = dataiter.next().value as [Tensor, Tensor];
  print('Sample input size: ', sizeStr(sampleX.size()));
  print('Sample input: \n', sampleX);
  print();
  print('Sample label size: ', sizeStr(sampleY.size()));
  print('Sample label: \n', sampleY);

  const trainOnGpu = torch.cuda.isAvailable();
  if (trainOnGpu) print('Training on GPU.');
  else print('No GPU available, training on CPU.');

  class SentimentRNN extends nn.Module {
    outputSize: number;
    nLayers: number;
    hiddenDim: number;
    embedding: nn.Embedding;
    lstm: nn.LSTM;
    dropout: nn.Dropout;
    fc: nn.Linear;
    sig: nn.Sigmoid;
    constructor(vocabSize: number, outputSize: number, embeddingDim: number, hiddenDim: number, nLayers: number, dropProb = 0.5) {
      super();
      this.outputSize = outputSize;
      this.nLayers = nLayers;
      this.hiddenDim = hiddenDim;
      this.embedding = new nn.Embedding(vocabSize, embeddingDim);
      this.lstm = new nn.LSTM(embeddingDim, hiddenDim, nLayers, { dropout: dropProb, batchFirst: true });
      this.dropout = new nn.Dropout(0.3);
      this.fc = new nn.Linear(hiddenDim, outputSize);
      this.sig = new nn.Sigmoid();
    }
    override forward(x: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
      x = x.long();
      const embeds = this.embedding.forward(x);
      let [lstmOut, h] = this.lstm.forward(embeds, hidden) as [Tensor, [Tensor, Tensor]];
      lstmOut = lstmOut.index(':', -1, ':');
      let out = this.dropout.forward(lstmOut);
      out = this.fc.forward(out);
      const sigOut = this.sig.forward(out);
      return [sigOut, h];
    }
    initHidden(batchSize: number): [Tensor, Tensor] {
      const weight = this.parameters().next().value!.data;
      return [weight.new(this.nLayers, batchSize, this.hiddenDim).zero_(), weight.new(this.nLayers, batchSize, this.hiddenDim).zero_()];
    }
  }

  const vocabSize = vocabToInt.size + 1;
  const outputSize = 1;
  const embeddingDim = 16;
  const hiddenDim = 8;
  const nLayers = 2;
  const net = new SentimentRNN(vocabSize, outputSize, embeddingDim, hiddenDim, nLayers);
  print(net);

  const lr = 0.001;
  const criterion = new nn.BCELoss();
  const optimizer = new torch.optim.Adam(net.parameters(), { lr });

  const epochs = 2;
  let counter = 0;
  const printEvery = 4;
  const clip = 5;
  net.train();
  const losses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let h = net.initHidden(batchSize);
    for (const [inputs, labels] of trainLoader as Iterable<[Tensor, Tensor]>) {
      counter += 1;
      h = h.map((each) => each.data) as [Tensor, Tensor];
      net.zeroGrad();
      let output: Tensor;
      [output, h] = net.forward(inputs, h);
      const loss = criterion.forward(output.squeeze(), labels.float());
      loss.backward();
      nn.utils.clipGradNorm_(net.parameters(), clip);
      optimizer.step();
      losses.push(num(loss));
      if (counter % printEvery === 0) {
        let valH = net.initHidden(batchSize);
        const valLosses: number[] = [];
        net.eval();
        for (const [inputs, labels] of validLoader as Iterable<[Tensor, Tensor]>) {
          valH = valH.map((each) => each.data) as [Tensor, Tensor];
          let output: Tensor;
          [output, valH] = net.forward(inputs, valH);
          const valLoss = criterion.forward(output.squeeze(), labels.float());
          valLosses.push(num(valLoss));
        }
        net.train();
        print(`Epoch: ${e + 1}/${epochs}...`, `Step: ${counter}...`, `Loss: ${pyFixed(num(loss), 6)}...`, `Val Loss: ${pyFixed(npMean(valLosses), 6)}`);
      }
    }
  }
  closeAll(losses, want.losses, 1e-5, 'sentiment losses');

  const testLosses: number[] = [];
  let numCorrect = 0;
  let h = net.initHidden(batchSize);
  net.eval();
  for (const [inputs, labels] of testLoader as Iterable<[Tensor, Tensor]>) {
    h = h.map((each) => each.data) as [Tensor, Tensor];
    let output: Tensor;
    [output, h] = net.forward(inputs, h);
    const testLoss = criterion.forward(output.squeeze(), labels.float());
    testLosses.push(num(testLoss));
    const pred = torch.round(output.squeeze());
    const correctTensor = pred.eq(labels.float().viewAs(pred));
    const correct = Array.from(correctTensor.squeeze().toTypedArray(), Number); // np.squeeze(correct_tensor.numpy())
    numCorrect += correct.reduce((s, c) => s + c, 0); // np.sum(correct)
  }
  print(`Test loss: ${pyFixed(npMean(testLosses), 3)}`);
  const testAcc = numCorrect / len(testLoader.dataset);
  print(`Test accuracy: ${pyFixed(testAcc, 3)}`);
  closeAll(testLosses, want.test_losses, 1e-5, 'test_losses');

  const testReviewNeg = 'The worst movie I have seen; acting was terrible and I want my money back. This movie had bad acting and the dialogue was slow.';
  function tokenizeReview(testReview: string): number[][] {
    testReview = testReview.toLowerCase();
    const testText = [...testReview].filter((c) => !punctuation.includes(c)).join('');
    const testWords = pySplit(testText);
    const testInts: number[][] = [];
    testInts.push(testWords.map((word) => vocabToInt.get(word) ?? 0));
    return testInts;
  }
  const testInts = tokenizeReview(testReviewNeg);
  print(`[${testInts.map(pyList).join(', ')}]`);
  seqLength = 12;
  features = padFeatures(testInts, seqLength);
  assert.deepEqual(features, want.features_neg);
  const featureTensor = fromRows(features, 'int64');
  print(sizeStr(featureTensor.size()));

  function predict(net: SentimentRNN, testReview: string, sequenceLength = 200): void {
    net.eval();
    const testInts = tokenizeReview(testReview);
    const seqLength = sequenceLength;
    const features = padFeatures(testInts, seqLength);
    const featureTensor = fromRows(features, 'int64');
    const batchSize = featureTensor.size(0);
    const h = net.initHidden(batchSize);
    const [output] = net.forward(featureTensor, h);
    const pred = torch.round(output.squeeze());
    print(`Prediction value, pre-rounding: ${pyFixed(num(output), 6)}`);
    if (num(pred) === 1) print('Positive review detected!');
    else print('Negative review detected.');
  }
  const testReviewPos = 'This movie had the best acting and the dialogue was so good. I loved it.';
  seqLength = 12;
  predict(net, testReviewNeg, seqLength);
  predict(net, testReviewPos, seqLength);
  assertLines(lines, want.prints, 'sentiment prints');
});

// ================================================================ autoencoders and GAN
describe('autoencoders and gan-mnist on Fashion-MNIST', { skip: !existsSync(FASHION) && `${FASHION} is not installed` }, () => {
  test('convolutional-autoencoder: Conv2d + MaxPool2d + ConvTranspose2d, MSELoss, Adam', () => {
    const want = fx.conv_autoencoder;
    const { lines, print } = printer();
    const transform = new transforms.ToTensor();
    const trainData = fmnist(true, transform, 100);
    const testData = fmnist(false, transform, 20);
    const numWorkers = 0;
    const batchSize = 20;
    const trainLoader = new Data.DataLoader(trainData, { batchSize, numWorkers });
    const testLoader = new Data.DataLoader(testData, { batchSize, numWorkers });
    torch.manualSeed(0);

    let dataiter = trainLoader[Symbol.iterator]();
    let [images] = dataiter.next().value as [Tensor, Tensor];
    const img = images.index(0).squeeze(); // np.squeeze(images.numpy()[0])
    close(num(img.sum()), want.img_sum, 1e-6, 'img_sum');

    class ConvAutoencoder extends nn.Module {
      conv1 = new nn.Conv2d(1, 16, 3, { padding: 1 });
      conv2 = new nn.Conv2d(16, 4, 3, { padding: 1 });
      pool = new nn.MaxPool2d(2, 2);
      t_conv1 = new nn.ConvTranspose2d(4, 16, 2, { stride: 2 });
      t_conv2 = new nn.ConvTranspose2d(16, 1, 2, { stride: 2 });
      override forward(x: Tensor): Tensor {
        x = F.relu(this.conv1.forward(x));
        x = this.pool.forward(x);
        x = F.relu(this.conv2.forward(x));
        x = this.pool.forward(x);
        x = F.relu(this.t_conv1.forward(x));
        x = F.sigmoid(this.t_conv2.forward(x));
        return x;
      }
    }
    const model = new ConvAutoencoder();
    print(model);
    const criterion = new nn.MSELoss();
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.001 });
    const nEpochs = 2;
    const losses: number[] = [];
    for (let epoch = 1; epoch < nEpochs + 1; epoch++) {
      let trainLoss = 0.0;
      for (const data of trainLoader as Iterable<[Tensor, Tensor]>) {
        const [images] = data;
        optimizer.zeroGrad();
        const outputs = model.forward(images);
        const loss = criterion.forward(outputs, images);
        loss.backward();
        optimizer.step();
        trainLoss += num(loss) * images.size(0);
        losses.push(num(loss));
      }
      trainLoss = trainLoss / trainLoader.length;
      print(`Epoch: ${epoch} \tTraining Loss: ${pyFixed(trainLoss, 6)}`);
    }
    closeAll(losses, want.losses, 1e-5, 'conv AE losses');

    dataiter = testLoader[Symbol.iterator]();
    [images] = dataiter.next().value as [Tensor, Tensor];
    let output = model.forward(images);
    output = output.view(batchSize, 1, 28, 28);
    output = output.detach();
    assertTensor(output.index(':2'), want.output, { rtol: 1e-5, atol: 1e-6 }, 'output');
    close(num(output.double().sum()), want.output_sum, 1e-6, 'output_sum');
    assertLines(lines, want.prints, 'conv AE prints');
  });

  test('denoising-autoencoder: noise with torch.randn, np.clip, three ConvTranspose2d', () => {
    const want = fx.denoising_autoencoder;
    const { lines, print } = printer();
    const transform = new transforms.ToTensor();
    const trainData = fmnist(true, transform, 60);
    const testData = fmnist(false, transform, 20);
    const numWorkers = 0;
    const batchSize = 20;
    const trainLoader = new Data.DataLoader(trainData, { batchSize, numWorkers });
    const testLoader = new Data.DataLoader(testData, { batchSize, numWorkers });
    torch.manualSeed(0);

    class ConvDenoiser extends nn.Module {
      conv1 = new nn.Conv2d(1, 32, 3, { padding: 1 });
      conv2 = new nn.Conv2d(32, 16, 3, { padding: 1 });
      conv3 = new nn.Conv2d(16, 8, 3, { padding: 1 });
      pool = new nn.MaxPool2d(2, 2);
      t_conv1 = new nn.ConvTranspose2d(8, 8, 3, { stride: 2 });
      t_conv2 = new nn.ConvTranspose2d(8, 16, 2, { stride: 2 });
      t_conv3 = new nn.ConvTranspose2d(16, 32, 2, { stride: 2 });
      conv_out = new nn.Conv2d(32, 1, 3, { padding: 1 });
      override forward(x: Tensor): Tensor {
        x = F.relu(this.conv1.forward(x));
        x = this.pool.forward(x);
        x = F.relu(this.conv2.forward(x));
        x = this.pool.forward(x);
        x = F.relu(this.conv3.forward(x));
        x = this.pool.forward(x);
        x = F.relu(this.t_conv1.forward(x));
        x = F.relu(this.t_conv2.forward(x));
        x = F.relu(this.t_conv3.forward(x));
        x = F.sigmoid(this.conv_out.forward(x));
        return x;
      }
    }
    const model = new ConvDenoiser();
    print(model);
    const criterion = new nn.MSELoss();
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.001 });
    const nEpochs = 2;
    const noiseFactor = 0.5;
    const losses: number[] = [];
    for (let epoch = 1; epoch < nEpochs + 1; epoch++) {
      let trainLoss = 0.0;
      for (const data of trainLoader as Iterable<[Tensor, Tensor]>) {
        const [images] = data;
        let noisyImgs = images.add(torch.randn(...images.shape).mul(noiseFactor));
        noisyImgs = torch.clip(noisyImgs, 0, 1); // np.clip(noisy_imgs, 0., 1.) calls the tensor's clip
        optimizer.zeroGrad();
        const outputs = model.forward(noisyImgs);
        const loss = criterion.forward(outputs, images);
        loss.backward();
        optimizer.step();
        trainLoss += num(loss) * images.size(0);
        losses.push(num(loss));
      }
      trainLoss = trainLoss / trainLoader.length;
      print(`Epoch: ${epoch} \tTraining Loss: ${pyFixed(trainLoss, 6)}`);
    }
    closeAll(losses, want.losses, 1e-5, 'denoiser losses');

    const dataiter = testLoader[Symbol.iterator]();
    const [images] = dataiter.next().value as [Tensor, Tensor];
    let noisyImgs = images.add(torch.randn(...images.shape).mul(noiseFactor));
    noisyImgs = torch.clip(noisyImgs, 0, 1);
    assert.equal(noisyImgs.constructor.name, want.noisy_type);
    let output = model.forward(noisyImgs);
    close(num(noisyImgs.double().sum()), want.noisy_sum, 1e-9, 'noisy_sum');
    output = output.view(batchSize, 1, 28, 28);
    output = output.detach();
    assertTensor(output.index(':1'), want.output, { rtol: 1e-5, atol: 1e-6 }, 'output');
    close(num(output.double().sum()), want.output_sum, 1e-6, 'output_sum');
    assertLines(lines, want.prints, 'denoiser prints');
  });

  test('gan-mnist: Discriminator/Generator MLPs with leaky_relu and dropout, BCEWithLogitsLoss with label smoothing, two Adams', () => {
    const want = fx.gan_mnist;
    const { lines, print } = printer();
    const numWorkers = 0;
    let batchSize = 64;
    const transform = new transforms.ToTensor();
    const trainData = fmnist(true, transform, 128);
    const trainLoader = new Data.DataLoader(trainData, { batchSize, numWorkers });
    torch.manualSeed(0);
    npRandom.seed(0);

    class Discriminator extends nn.Module {
      fc1: nn.Linear;
      fc2: nn.Linear;
      fc3: nn.Linear;
      fc4: nn.Linear;
      dropout: nn.Dropout;
      constructor(inputSize: number, hiddenDim: number, outputSize: number) {
        super();
        this.fc1 = new nn.Linear(inputSize, hiddenDim * 4);
        this.fc2 = new nn.Linear(hiddenDim * 4, hiddenDim * 2);
        this.fc3 = new nn.Linear(hiddenDim * 2, hiddenDim);
        this.fc4 = new nn.Linear(hiddenDim, outputSize);
        this.dropout = new nn.Dropout(0.3);
      }
      override forward(x: Tensor): Tensor {
        x = x.view(-1, 28 * 28);
        x = F.leakyRelu(this.fc1.forward(x), 0.2);
        x = this.dropout.forward(x);
        x = F.leakyRelu(this.fc2.forward(x), 0.2);
        x = this.dropout.forward(x);
        x = F.leakyRelu(this.fc3.forward(x), 0.2);
        x = this.dropout.forward(x);
        const out = this.fc4.forward(x);
        return out;
      }
    }
    class Generator extends nn.Module {
      fc1: nn.Linear;
      fc2: nn.Linear;
      fc3: nn.Linear;
      fc4: nn.Linear;
      dropout: nn.Dropout;
      constructor(inputSize: number, hiddenDim: number, outputSize: number) {
        super();
        this.fc1 = new nn.Linear(inputSize, hiddenDim);
        this.fc2 = new nn.Linear(hiddenDim, hiddenDim * 2);
        this.fc3 = new nn.Linear(hiddenDim * 2, hiddenDim * 4);
        this.fc4 = new nn.Linear(hiddenDim * 4, outputSize);
        this.dropout = new nn.Dropout(0.3);
      }
      override forward(x: Tensor): Tensor {
        x = F.leakyRelu(this.fc1.forward(x), 0.2);
        x = this.dropout.forward(x);
        x = F.leakyRelu(this.fc2.forward(x), 0.2);
        x = this.dropout.forward(x);
        x = F.leakyRelu(this.fc3.forward(x), 0.2);
        x = this.dropout.forward(x);
        const out = F.tanh(this.fc4.forward(x));
        return out;
      }
    }
    const inputSize = 784;
    const dOutputSize = 1;
    const dHiddenSize = 32;
    const zSize = 100;
    const gOutputSize = 784;
    const gHiddenSize = 32;
    const D = new Discriminator(inputSize, dHiddenSize, dOutputSize);
    const G = new Generator(zSize, gHiddenSize, gOutputSize);
    print(D);
    print();
    print(G);

    function realLoss(DOut: Tensor, smooth = false): Tensor {
      const batchSize = DOut.size(0);
      const labels = smooth ? torch.ones(batchSize).mul(0.9) : torch.ones(batchSize);
      const criterion = new nn.BCEWithLogitsLoss();
      return criterion.forward(DOut.squeeze(), labels);
    }
    function fakeLoss(DOut: Tensor): Tensor {
      const batchSize = DOut.size(0);
      const labels = torch.zeros(batchSize);
      const criterion = new nn.BCEWithLogitsLoss();
      return criterion.forward(DOut.squeeze(), labels);
    }
    const lr = 0.002;
    const dOptimizer = new optim.Adam(D.parameters(), lr);
    const gOptimizer = new optim.Adam(G.parameters(), lr);

    const numEpochs = 3;
    const samples: Tensor[] = [];
    const losses: [number, number][] = [];
    const printEvery = 1;
    let sampleSize = 16;
    // torch.from_numpy(np.random.uniform(-1, 1, size=...)).float()
    const uniformZ = (rows: number): Tensor => fromRows(npRandom.uniform(-1, 1, [rows, zSize]), 'float64').float();
    const fixedZ = uniformZ(sampleSize);
    D.train();
    G.train();
    let dLoss!: Tensor;
    let gLoss!: Tensor;
    for (let epoch = 0; epoch < numEpochs; epoch++) {
      let batchI = 0;
      for (let [realImages] of trainLoader as Iterable<[Tensor, Tensor]>) {
        batchSize = realImages.size(0);
        realImages = realImages.mul(2).sub(1);
        dOptimizer.zeroGrad();
        const DReal = D.forward(realImages);
        const dRealLoss = realLoss(DReal, true);
        const fakeImages0 = torch.noGrad(() => {
          const z = uniformZ(batchSize);
          return G.forward(z);
        });
        let DFake = D.forward(fakeImages0);
        const dFakeLoss = fakeLoss(DFake);
        dLoss = dRealLoss.add(dFakeLoss);
        dLoss.backward();
        dOptimizer.step();
        gOptimizer.zeroGrad();
        const z = uniformZ(batchSize);
        const fakeImages = G.forward(z);
        DFake = D.forward(fakeImages);
        gLoss = realLoss(DFake);
        gLoss.backward();
        gOptimizer.step();
        if (batchI % printEvery === 0) {
          print(`Epoch [${String(epoch + 1).padStart(5)}/${String(numEpochs).padStart(5)}] | d_loss: ${pyFixed(num(dLoss), 4).padStart(6)} | g_loss: ${pyFixed(num(gLoss), 4).padStart(6)}`);
        }
        batchI++;
      }
      losses.push([num(dLoss), num(gLoss)]);
      G.eval();
      const samplesZ = G.forward(fixedZ);
      samples.push(samplesZ);
      G.train();
    }
    losses.forEach(([d, g], i) => {
      close(d, want.losses[i][0], 1e-5, `d_loss ${i}`);
      close(g, want.losses[i][1], 1e-5, `g_loss ${i}`);
    });
    assertTensor(samples.at(-1)!.index(':2'), want.last_sample, { rtol: 1e-5, atol: 1e-6 }, 'last sample');

    sampleSize = 16;
    const randZ = uniformZ(sampleSize);
    G.eval();
    const randImages = G.forward(randZ);
    assertTensor(randImages.index(':2'), want.rand_images, { rtol: 1e-5, atol: 1e-6 }, 'rand_images');
    close(num(randImages.sum()), want.rand_images_sum, 1e-5, 'rand_images sum', 1e-5);
    assertLines(lines, want.prints, 'gan prints');
  });

  test('cifar-cnn: np.random.shuffle + SubsetRandomSampler, flip/rotation transforms, best-validation checkpoint, per-class accuracy', () => {
    const want = fx.cifar_cnn;
    const { lines, print } = printer();
    const trainOnGpu = torch.cuda.isAvailable();
    if (!trainOnGpu) print('CUDA is not available.  Training on CPU ...');
    else print('CUDA is available!  Training on GPU ...');
    const numWorkers = 0;
    const batchSize = 20;
    const validSize = 0.2;
    const trainTransform = new transforms.Compose([
      new transforms.RandomHorizontalFlip(),
      new transforms.RandomRotation(10),
      new transforms.ToTensor(),
      new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    ]);
    const testTransform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
    // CIFAR10 -> torchvision's FakeData (the same on both sides)
    const trainData = new datasets.FakeData({ size: 100, imageSize: [3, 32, 32], numClasses: 10, transform: trainTransform });
    const testData = new datasets.FakeData({ size: 40, imageSize: [3, 32, 32], numClasses: 10, transform: testTransform, randomOffset: 1000 });
    torch.manualSeed(0);
    npRandom.seed(0);

    const numTrain = len(trainData);
    const indices = range(numTrain);
    npRandom.shuffle(indices);
    assert.deepEqual(indices, want.indices);
    const split = Math.floor(validSize * numTrain);
    const [trainIdx, validIdx] = [indices.slice(split), indices.slice(0, split)];
    const trainSampler = new Data.SubsetRandomSampler(trainIdx);
    const validSampler = new Data.SubsetRandomSampler(validIdx);
    const trainLoader = new Data.DataLoader(trainData, { batchSize, sampler: trainSampler, numWorkers });
    const validLoader = new Data.DataLoader(trainData, { batchSize, sampler: validSampler, numWorkers });
    const testLoader = new Data.DataLoader(testData, { batchSize, numWorkers });
    const classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

    let dataiter = trainLoader[Symbol.iterator]();
    let [images, labels] = dataiter.next().value as [Tensor, Tensor];
    assertTensor(images.index(':2'), want.first_images, { rtol: 1e-6, atol: 1e-6 }, 'first images');
    assertTensor(labels, want.first_labels);
    print(tupleStr(images.shape)); // images.numpy().shape
    assert.deepEqual(range(20).map((idx) => classes[Number(labels.index(idx))]), want.titles);

    class Net extends nn.Module {
      conv1 = new nn.Conv2d(3, 16, 3, { padding: 1 });
      conv2 = new nn.Conv2d(16, 32, 3, { padding: 1 });
      conv3 = new nn.Conv2d(32, 64, 3, { padding: 1 });
      pool = new nn.MaxPool2d(2, 2);
      fc1 = new nn.Linear(64 * 4 * 4, 500);
      fc2 = new nn.Linear(500, 10);
      dropout = new nn.Dropout(0.25);
      override forward(x: Tensor): Tensor {
        x = this.pool.forward(F.relu(this.conv1.forward(x)));
        x = this.pool.forward(F.relu(this.conv2.forward(x)));
        x = this.pool.forward(F.relu(this.conv3.forward(x)));
        x = x.view(-1, 64 * 4 * 4);
        x = this.dropout.forward(x);
        x = F.relu(this.fc1.forward(x));
        x = this.dropout.forward(x);
        x = this.fc2.forward(x);
        return x;
      }
    }
    const model = new Net();
    print(model);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
    const nEpochs = 3;
    let validLossMin = Infinity; // np.Inf
    const f6 = (v: number): string => (Number.isFinite(v) ? pyFixed(v, 6) : 'inf');
    const modelCifar = join(TMP, 'model_cifar.pt');
    for (let epoch = 1; epoch < nEpochs + 1; epoch++) {
      let trainLoss = 0.0;
      let validLoss = 0.0;
      model.train();
      for (const [data, target] of trainLoader as Iterable<[Tensor, Tensor]>) {
        optimizer.zeroGrad();
        const output = model.forward(data);
        const loss = criterion.forward(output, target);
        loss.backward();
        optimizer.step();
        trainLoss += num(loss) * data.size(0);
      }
      model.eval();
      for (const [data, target] of validLoader as Iterable<[Tensor, Tensor]>) {
        const output = model.forward(data);
        const loss = criterion.forward(output, target);
        validLoss += num(loss) * data.size(0);
      }
      trainLoss = trainLoss / len(trainLoader.sampler);
      validLoss = validLoss / len(validLoader.sampler);
      print(`Epoch: ${epoch} \tTraining Loss: ${f6(trainLoss)} \tValidation Loss: ${f6(validLoss)}`);
      closeAll([trainLoss, validLoss], want.epoch_losses[epoch - 1], 1e-6, `epoch ${epoch} losses`);
      if (validLoss <= validLossMin) {
        print(`Validation loss decreased (${f6(validLossMin)} --> ${f6(validLoss)}).  Saving model ...`);
        torch.save(model.stateDict(), modelCifar);
        validLossMin = validLoss;
      }
    }

    model.loadStateDict(torch.load(modelCifar) as Any);
    let testLoss = 0.0;
    const classCorrect = range(10).map(() => 0);
    const classTotal = range(10).map(() => 0);
    model.eval();
    for (const [data, target] of testLoader as Iterable<[Tensor, Tensor]>) {
      const output = model.forward(data);
      const loss = criterion.forward(output, target);
      testLoss += num(loss) * data.size(0);
      const [, pred] = torch.max(output, 1);
      const correctTensor = pred.eq(target.data.viewAs(pred));
      const correct = Array.from(correctTensor.squeeze().toTypedArray(), Number); // np.squeeze(correct_tensor.numpy())
      for (let i = 0; i < batchSize; i++) {
        const label = Number(target.data.index(i));
        classCorrect[label] += correct[i];
        classTotal[label] += 1;
      }
    }
    testLoss = testLoss / len(testLoader.dataset);
    print(`Test Loss: ${pyFixed(testLoss, 6)}\n`);
    const d2 = (v: number): string => String(Math.trunc(v)).padStart(2); // '%2d' % float
    for (let i = 0; i < 10; i++) {
      if (classTotal[i] > 0) {
        print(`Test Accuracy of ${classes[i].padStart(5)}: ${d2((100 * classCorrect[i]) / classTotal[i])}% (${d2(classCorrect[i])}/${d2(classTotal[i])})`);
      } else {
        print(`Test Accuracy of ${classes[i].padStart(5)}: N/A (no training examples)`);
      }
    }
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    print(`\nTest Accuracy (Overall): ${d2((100 * sum(classCorrect)) / sum(classTotal))}% (${d2(sum(classCorrect))}/${d2(sum(classTotal))})`);

    dataiter = testLoader[Symbol.iterator]();
    [images, labels] = dataiter.next().value as [Tensor, Tensor];
    const output = model.forward(images);
    const [, predsTensor] = torch.max(output, 1);
    const preds = Array.from(predsTensor.squeeze().toTypedArray(), Number);
    assert.deepEqual(
      range(20).map((idx) => `${classes[preds[idx]]} (${classes[Number(labels.index(idx))]})`),
      want.titles_test,
    );
    assertTensor(output.index(':2'), want.output, { rtol: 1e-4, atol: 1e-6 }, 'test output');
    // The epoch losses agree to 1e-6 (checked above); printed with 6 decimals, one sat on a rounding
    // boundary (PyTorch's 2.30234045 prints '2.302340', torchlette's value a hair above prints '2.302341').
    assertLines(lines, want.prints, 'cifar prints', true);
  });
});
