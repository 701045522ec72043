// aladdinpersson/Machine-Learning-Collection's ML/Pytorch/Basics programs transcribed line for
// line, against the same programs run by PyTorch 1.13 (scripts/fixtures/porting_aladdin.py):
// pytorch_tensorbasics.py (every print, and the value or repr of every intermediate tensor),
// pytorch_simple_fullynet.py, pytorch_simple_CNN.py, pytorch_rnn_gru_lstm.py (its RNN, GRU and
// LSTM models each trained), pytorch_bidirectional_lstm.py, pytorch_loadsave.py,
// pytorch_lr_ratescheduler.py (ReduceLROnPlateau with verbose=True), pytorch_init_weights.py,
// pytorch_std_mean.py, custom_dataset/custom_dataset.py and pytorch_progress_bar.py. The GANs,
// transformer_from_scratch and the U-Net are in aladdin-gans.test.ts.
//
// Reduced, the same on both sides (the fixture script says so per line): torch.manual_seed(0)
// at the start of each program; MNIST is Debian's Fashion-MNIST cut to its first 256-640 items
// with Subset (check_accuracy's `loader.dataset.train` reads `loader.dataset.dataset.train`);
// fewer epochs; RNN hidden_size 32 instead of 256; CIFAR10 (std_mean) is a seeded torch.rand
// TensorDataset; the cats/dogs images are seeded random 32x32 JPEGs written by PIL (skimage's
// io.imread(path) is np.array(PIL.Image.open(path)) for them, here Image.open + ToTensor) and
// the csv is read without pandas; googlenet(pretrained=True) is googlenet in its pretrained
// configuration (aux_logits=False, transform_input=True) with seeded weights (no network);
// vgg16 in pytorch_loadsave is the simple CNN (a 528 MB checkpoint written four times is too
// much); pytorch_progress_bar's data is (16, 3, 32, 32) instead of (1000, 3, 224, 224), two
// epochs; tqdm is left out (its description and postfix values are recorded); the lr scheduler
// runs 20 epochs on 512 images and then 7 more steps on a flat loss so that verbose=True prints.
//
// Divergences are marked DIVERGENCE where they occur (and listed in the report): the
// transcription then uses the nearest call that works and the test asserts torchlette's
// current behaviour, so it fails (and should be updated) once the divergence is fixed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const fx = loadFixture<Record<string, Any>>('porting_aladdin.json');
const TMP = join(tmpdir(), `porting-aladdin-${process.pid}-${process.env.TORCHLETTE_BACKEND ?? 'default'}`);
mkdirSync(TMP, { recursive: true });

function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
const flat = (t: Tensor): number[] => Array.from(t.detach().reshape(-1).toTypedArray(), Number);
const num = (t: Tensor): number => Number(t.item());
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** Python's str(True) */
const pyBool = (b: boolean): string => (b ? 'True' : 'False');
/** Python's str(torch.Size) (a torchlette shape is a plain number[]) */
const sizeStr = (s: readonly number[]): string => `torch.Size([${s.join(', ')}])`;
/** Python's `acc += t` where acc starts as the int 0: a new tensor the first time, in place after */
const iadd = (acc: Tensor | number, t: Tensor): Tensor => (typeof acc === 'number' ? t.add(acc) : acc.add_(t));
/** The message of what f() throws (PyTorch's RuntimeError is a JavaScript TypeError/RangeError: the fixture's class name is dropped). */
const errText = (f: () => unknown): string | null => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return null;
};
const pyErr = (s: string | null): string | null => (s === null ? null : s.replace(/^\w+: /, ''));
/**
 * Python's f'{v:.{d}f}': rounds the exact binary value half to even, where JavaScript's toFixed
 * rounds a tie up (130 / 320 * 100 = 40.625 exactly: Python '40.62', toFixed '40.63').
 */
function pyFixed(v: number, d: number): string {
  const exact = Math.abs(v).toFixed(60); // exact decimal expansion of the double (enough digits here)
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

/** print() into lines; `skip()` marks a line PyTorch prints that torchlette cannot (a DIVERGENCE). */
function printer(): { lines: (string | null)[]; print: (...a: unknown[]) => void; skip: () => void } {
  const lines: (string | null)[] = [];
  return {
    lines,
    print: (...a: unknown[]) => lines.push(...a.map(String).join(' ').split('\n')),
    skip: () => lines.push(null),
  };
}
/** The printed lines equal PyTorch's, but for the skipped ones (each one PyTorch line). */
function assertLines(got: (string | null)[], want: string[], label: string): void {
  assert.equal(got.length, want.length, `${label}: number of lines\n${got.join('\n')}`);
  got.forEach((g, i) => {
    if (g !== null) assert.equal(g, want[i], `${label}: line ${i}`);
  });
}
/** Same text with the numbers in it equal to rtol. */
function sameText(got: string, want: string, rtol: number, label: string): void {
  const re = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;
  assert.equal(got.replace(re, '#'), want.replace(re, '#'), `${label}: ${got} vs ${want}`);
  const g = (got.match(re) ?? []).map(Number);
  const w = (want.match(re) ?? []).map(Number);
  closeAll(g, w, rtol, `${label}: ${got} vs ${want}`, 1e-6);
}
/** console.log (ReduceLROnPlateau's verbose messages) into the printer while fn runs. */
function withConsole<T>(print: (...a: unknown[]) => void, fn: () => T): T {
  const log = console.log;
  console.log = (...a: unknown[]) => print(...a);
  try {
    return fn();
  } finally {
    console.log = log;
  }
}

// ================================================================ pytorch_tensorbasics.py
test('pytorch_tensorbasics.py: every print and every intermediate tensor', () => {
  const want = fx.tensorbasics;
  const { lines, print, skip } = printer();
  const v: Record<string, Any> = {};
  torch.manualSeed(0);
  // ---------------------------------------------------------------- Initializing Tensor
  const device = torch.cuda.isAvailable() ? 'cuda' : 'cpu';
  const myTensor = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float32, device, requiresGrad: true });
  print(`Information about tensor: ${myTensor}`);
  print('Type of Tensor {my_tensor.dtype}');
  print(`Device Tensor is on ${myTensor.device}`);
  print(`Shape of tensor ${sizeStr(myTensor.shape)}`);
  print(`Requires gradient: ${pyBool(myTensor.requiresGrad)}`);

  let x: Tensor = torch.empty({ size: [3, 3] });
  assert.deepEqual([x.shape, `torch.${x.dtype}`], want.empty);
  x = torch.zeros([3, 3]);
  assert.equal(String(x), want.zeros);
  x = torch.rand([3, 3]);
  assert.equal(String(x), want.rand);
  assertTensor(x, want.rand_enc, { rtol: 0, atol: 0 }, 'rand');
  x = torch.ones([3, 3]);
  assert.equal(String(x), want.ones);
  x = torch.eye(5, 5);
  assert.equal(String(x), want.eye);
  x = torch.arange({ start: 0, end: 5, step: 1 });
  assert.equal(String(x), want.arange);
  x = torch.linspace({ start: 0.1, end: 1, steps: 10 });
  assert.equal(String(x), want.linspace);
  assertTensor(x, want.linspace_enc, { rtol: 0, atol: 0 }, 'linspace');
  x = torch.empty({ size: [1, 5] }).normal_({ mean: 0, std: 1 });
  assert.equal(String(x), want.normal);
  assertTensor(x, want.normal_enc, { rtol: 0, atol: 0 }, 'normal_');
  x = torch.empty({ size: [1, 5] }).uniform_(0, 1);
  assert.equal(String(x), want.uniform);
  assertTensor(x, want.uniform_enc, { rtol: 0, atol: 0 }, 'uniform_');
  x = torch.diag(torch.ones(3));
  assert.equal(String(x), want.diag);

  let tensor = torch.arange(4);
  print(`Converted Boolean: ${tensor.bool()}`);
  // DIVERGENCE: int16 tensors are not supported (README: "Not yet: int8/int16"); short() says so,
  // as half() does (PyTorch: tensor([0, 1, 2, 3], dtype=torch.int16)):
  assert.match(errText(() => tensor.short()) ?? '', /torchlette has no int16 dtype/);
  skip();
  print(`Converted int64 ${tensor.long()}`);
  // DIVERGENCE: float16 tensors are not supported (README: "x.half() ... throw"):
  //   torch.arange(4).half()  // throws; PyTorch: tensor([0., 1., 2., 3.], dtype=torch.float16)
  assert.ok(errText(() => tensor.half()) !== null, 'half() now works: print it');
  skip();
  print(`Converted float32 ${tensor.float()}`);
  print(`Converted float64 ${tensor.double()}`);

  // Array to Tensor conversion and vice-versa
  // DIVERGENCE (no numpy in JavaScript): torch.from_numpy does not exist; the nearest is a
  // Float64Array: np_array = np.zeros((5, 5)); tensor = torch.from_numpy(np_array); tensor.numpy()
  assert.equal((torch as Any).from_numpy ?? (torch as Any).fromNumpy, undefined);
  const npArray = new Float64Array(25);
  tensor = torch.tensor(npArray).reshape(5, 5);
  const npArrayAgain = tensor.toTypedArray();
  assert.equal(String(tensor), want.from_numpy);
  assert.deepEqual([[5, 5], npArrayAgain instanceof Float64Array ? 'float64' : '?'], want.numpy_again);

  // ---------------------------------------------------------------- Tensor Math & Comparison
  x = torch.tensor([1, 2, 3]);
  let y = torch.tensor([9, 8, 7]);
  const z1 = torch.empty(3);
  torch.add(x, y, { out: z1 });
  assert.equal(String(z1), want.z1);
  const z2 = torch.add(x, y);
  assert.equal(String(z2), want.z2);
  let z: Any = x.add(y);
  assert.equal(String(z), want.add);
  z = x.sub(y);
  assert.equal(String(z), want.sub);
  z = torch.trueDivide(x, y);
  assert.equal(String(z), want.true_divide);
  assertTensor(z, want.true_divide_enc, { rtol: 0, atol: 0 }, 'true_divide');
  const t = torch.zeros(3);
  t.add_(x);
  assert.equal(String(t), want.t_add_);
  t.add_(x); // t += x
  assert.equal(String(t), want.t_iadd);
  z = x.pow(2);
  assert.equal(String(z), want.pow);
  z = x.pow(2); // x ** 2
  assert.equal(String(z), want.pow2);
  z = x.gt(0);
  assert.equal(String(z), want.gt);
  z = x.lt(0);
  assert.equal(String(z), want.lt);
  let x1 = torch.rand([2, 5]);
  let x2 = torch.rand([5, 3]);
  let x3 = torch.mm(x1, x2);
  assertTensor(x3, want.mm, {}, 'mm');
  x3 = x1.mm(x2);
  assertTensor(x3, want.mm2, {}, 'x1.mm');
  const matrixExp = torch.rand(5, 5);
  print(matrixExp.matrixPower(3));
  assertTensor(matrixExp.matrixPower(3), want.matrix_power_enc, {}, 'matrix_power');
  z = x.mul(y);
  assert.equal(String(z), want.mul);
  z = torch.dot(x, y);
  assert.equal(String(z), want.dot);
  let batch = 32;
  const n = 10;
  const m = 20;
  const p = 30;
  const tensor1 = torch.rand([batch, n, m]);
  const tensor2 = torch.rand([batch, m, p]);
  const outBmm = torch.bmm(tensor1, tensor2);
  assert.deepEqual(outBmm.shape, want.bmm_shape);
  assertTensor(outBmm.index(0), want.bmm0, {}, 'bmm[0]');
  close(num(outBmm.sum()), want.bmm_sum, 1e-5, 'bmm sum');
  x1 = torch.rand([5, 5]);
  x2 = torch.ones([1, 5]);
  z = x1.sub(x2);
  assertTensor(z, want.bcast_sub, {}, 'x1 - x2');
  z = x1.pow(x2);
  assertTensor(z, want.bcast_pow, {}, 'x1 ** x2');
  const sumX = torch.sum(x, { dim: 0 });
  assert.equal(String(sumX), want.sum_x);
  let [values, indices] = torch.max(x, { dim: 0 });
  assert.deepEqual([String(values), String(indices)], want.max);
  assert.equal(String(torch.max(x, { dim: 0 })), want.max_repr);
  [values, indices] = torch.min(x, { dim: 0 });
  assert.deepEqual([String(values), String(indices)], want.min);
  const absX = torch.abs(x);
  assert.equal(String(absX), want.abs);
  z = torch.argmax(x, { dim: 0 });
  assert.equal(String(z), want.argmax);
  z = torch.argmin(x, { dim: 0 });
  assert.equal(String(z), want.argmin);
  const meanX = torch.mean(x.float(), { dim: 0 });
  assert.equal(String(meanX), want.mean);
  assert.equal(errText(() => torch.mean(x, { dim: 0 })), pyErr(want.mean_int_error));
  z = torch.eq(x, y);
  assert.equal(String(z), want.eq);
  const [sortedY, sortIdx] = torch.sort(y, { dim: 0, descending: false });
  assert.deepEqual([String(sortedY), String(sortIdx)], want.sort);
  z = torch.clamp(x, { min: 0 });
  assert.equal(String(z), want.clamp);
  x = torch.tensor([1, 0, 1, 1, 1], { dtype: torch.bool });
  assert.equal(String(x), want.bool_x);
  z = torch.any(x);
  assert.equal(String(z), want.any);
  z = torch.all(x);
  assert.equal(String(z), want.all);

  // ---------------------------------------------------------------- Tensor Indexing
  const batchSize = 10;
  const features = 25;
  x = torch.rand([batchSize, features]);
  print(sizeStr(x.index(0).shape));
  print(sizeStr(x.index(':', 0).shape));
  print(sizeStr(x.index(2, '0:10').shape));
  x.indexPut_([0, 0], 100);
  assert.equal(num(x.index(0, 0)), want.x00);
  assertTensor(x.index(0), want.x_row0, { rtol: 0, atol: 0 }, 'x[0]');
  x = torch.arange(10);
  const idx = [2, 5, 8];
  print(x.index(idx));
  x = torch.rand([3, 5]);
  const rows = torch.tensor([1, 0]);
  const cols = torch.tensor([4, 0]);
  print(x.index(rows, cols));
  assertTensor(x.index(rows, cols), want.rows_cols_enc, { rtol: 0, atol: 0 }, 'x[rows, cols]');
  x = torch.arange(10);
  print(x.index(x.lt(2).bitwiseOr(x.gt(8))));
  print(x.index(x.remainder(2).eq(0)));
  print(torch.where(x.gt(5), x, x.mul(2)));
  x = torch.tensor([0, 0, 1, 2, 2, 3, 4]).unique();
  assert.equal(String(x), want.unique);
  print(x.ndimension());
  x = torch.arange(10);
  print(x.numel());

  // ---------------------------------------------------------------- Tensor Reshaping
  x = torch.arange(9);
  let x3x3 = x.view(3, 3);
  assert.equal(String(x3x3), want.view);
  x3x3 = x.reshape(3, 3);
  y = x3x3.t();
  assert.equal(String(y), want.t);
  print(pyBool(y.isContiguous()));
  assert.equal(errText(() => y.view(9)), pyErr(want.view_error));
  print(y.contiguous().view(9));
  x1 = torch.rand(2, 5);
  x2 = torch.rand(2, 5);
  print(sizeStr(torch.cat([x1, x2], { dim: 0 }).shape));
  print(sizeStr(torch.cat([x1, x2], { dim: 1 }).shape));
  z = x1.view(-1);
  assertTensor(z, want.flat, { rtol: 0, atol: 0 }, 'x1.view(-1)');
  batch = 64;
  x = torch.rand([batch, 2, 5]);
  z = x.view(batch, -1);
  assert.deepEqual(z.shape, want.view_b[0]);
  close(num(z.sum()), want.view_b[1], 1e-6, 'z.sum()');
  z = x.permute(0, 2, 1);
  assert.deepEqual([z.shape, z.isContiguous()], want.permute.slice(0, 2));
  assertTensor(z.index(0), want.permute[2], { rtol: 0, atol: 0 }, 'permute');
  z = torch.chunk(x, { chunks: 2, dim: 1 });
  print(sizeStr(z[0].shape));
  print(sizeStr(z[1].shape));
  x = torch.arange(10);
  print(sizeStr(x.unsqueeze(0).shape));
  print(sizeStr(x.unsqueeze(1).shape));
  x = torch.arange(10).unsqueeze(0).unsqueeze(1);
  z = x.squeeze(1);
  assert.deepEqual([z.shape, String(z)], want.squeeze);

  assertLines(lines, want.prints, 'tensorbasics prints');
});

// ================================================================ Basics: programs on Fashion-MNIST
const fmnist = (train: boolean, transform: Any, n: number): Data.Subset<Any> =>
  new Data.Subset(new datasets.FashionMNIST({ root: FASHION, train, transform, download: false }), range(n));

class SimpleCNN extends nn.Module {
  conv1: nn.Conv2d;
  pool: nn.MaxPool2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  constructor(inChannels = 1, numClasses = 10) {
    super();
    this.conv1 = new nn.Conv2d({ inChannels: 1, outChannels: 8, kernelSize: [3, 3], stride: [1, 1], padding: [1, 1] });
    this.pool = new nn.MaxPool2d({ kernelSize: [2, 2], stride: [2, 2] });
    this.conv2 = new nn.Conv2d({ inChannels: 8, outChannels: 16, kernelSize: [3, 3], stride: [1, 1], padding: [1, 1] });
    this.fc1 = new nn.Linear(16 * 7 * 7, numClasses);
  }
  override forward(x: Tensor): Tensor {
    x = F.relu(this.conv1.forward(x));
    x = this.pool.forward(x);
    x = F.relu(this.conv2.forward(x));
    x = this.pool.forward(x);
    x = x.reshape(x.shape[0], -1);
    x = this.fc1.forward(x);
    return x;
  }
}

/** The scripts' check_accuracy(loader, model) that prints (simple_CNN, rnn_gru_lstm, bidirectional_lstm). */
function makeCheckAccuracy(print: (...a: unknown[]) => void, device: Any, squeeze: boolean, text: (numCorrect: Tensor, numSamples: number) => string) {
  return (loader: Data.DataLoader<Any>, model: nn.Module): void => {
    if ((loader.dataset as Any).dataset.train) print('Checking accuracy on training data');
    else print('Checking accuracy on test data');
    let numCorrect: Tensor | number = 0;
    let numSamples = 0;
    model.eval();
    torch.noGrad(() => {
      for (let [x, y] of loader as Iterable<[Tensor, Tensor]>) {
        x = x.to(device);
        if (squeeze) x = x.squeeze(1);
        y = y.to(device);
        const scores = model.forward(x) as Tensor;
        const [, predictions] = scores.max(1);
        numCorrect = iadd(numCorrect, predictions.eq(y).sum());
        numSamples += predictions.size(0);
      }
      print(text(numCorrect as Tensor, numSamples));
    });
    model.train();
  };
}

// DIVERGENCE: f'{t}' of a 0-d tensor is format(t.item()) in PyTorch ("Got 267 / 640"), but a
// JavaScript template literal of a tensor gives its repr:
//   `${torch.tensor(267)}`  // 'tensor(267)'; PyTorch f'{torch.tensor(267)}' -> '267'
// (README documents it). The transcriptions below write `${numCorrect.item()}` and this checks
// the repr stays what it is.
test('f-string of a 0-d tensor (DIVERGENCE: repr instead of the value)', () => {
  assert.equal(`${torch.tensor(267)}`, 'tensor(267)');
});

describe('Basics programs on Fashion-MNIST', { skip: !existsSync(FASHION) && `${FASHION} is not installed` }, () => {
  test('pytorch_simple_fullynet.py: NN(784, 10), Adam, check_accuracy', () => {
    const want = fx.fullynet;
    torch.manualSeed(0);
    class NN extends nn.Module {
      fc1: nn.Linear;
      fc2: nn.Linear;
      constructor(inputSize: number, numClasses: number) {
        super();
        this.fc1 = new nn.Linear(inputSize, 50);
        this.fc2 = new nn.Linear(50, numClasses);
      }
      override forward(x: Tensor): Tensor {
        x = F.relu(this.fc1.forward(x));
        x = this.fc2.forward(x);
        return x;
      }
    }
    const device = 'cpu';
    const inputSize = 784;
    const numClasses = 10;
    const learningRate = 0.001;
    const batchSize = 64;
    const numEpochs = 2; // 3 in the script
    const trainDataset = fmnist(true, new transforms.ToTensor(), 640);
    const testDataset = fmnist(false, new transforms.ToTensor(), 320);
    const trainLoader = new Data.DataLoader(trainDataset, { batchSize, shuffle: true });
    const testLoader = new Data.DataLoader(testDataset, { batchSize, shuffle: true });
    const model = new NN(inputSize, numClasses).to(device);
    assert.equal(String(model), want.repr);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: learningRate });
    const losses: number[] = [];
    for (let epoch = 0; epoch < numEpochs; epoch++) {
      for (let [data, targets] of trainLoader as Iterable<[Tensor, Tensor]>) {
        data = data.to({ device });
        targets = targets.to({ device });
        data = data.reshape(data.shape[0], -1);
        const scores = model.forward(data);
        const loss = criterion.forward(scores, targets);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        losses.push(num(loss));
      }
    }
    closeAll(losses, want.losses, 1e-4, 'losses');
    const checkAccuracy = (loader: Data.DataLoader<Any>, model: nn.Module): Tensor => {
      let numCorrect: Tensor | number = 0;
      let numSamples = 0;
      model.eval();
      torch.noGrad(() => {
        for (let [x, y] of loader as Iterable<[Tensor, Tensor]>) {
          x = x.to({ device });
          y = y.to({ device });
          x = x.reshape(x.shape[0], -1);
          const scores = model.forward(x) as Tensor;
          const [, predictions] = scores.max(1);
          numCorrect = iadd(numCorrect, predictions.eq(y).sum());
          numSamples += predictions.size(0);
        }
      });
      model.train();
      return (numCorrect as unknown as Tensor).div(numSamples);
    };
    const { lines, print } = printer();
    print(`Accuracy on training set: ${pyFixed(num(checkAccuracy(trainLoader, model).mul(100)), 2)}`);
    print(`Accuracy on test set: ${pyFixed(num(checkAccuracy(testLoader, model).mul(100)), 2)}`);
    assertLines(lines, want.prints, 'prints');
    assert.equal(String(checkAccuracy(testLoader, model)), want.acc_repr);
    assertTensor(model.fc2.weight, want.fc2_weight, { rtol: 1e-4, atol: 1e-6 }, 'fc2.weight');
  });

  test('pytorch_simple_CNN.py: CNN, Adam, check_accuracy prints', () => {
    const want = fx.simple_cnn;
    torch.manualSeed(0);
    const device = torch.device('cpu');
    const learningRate = 0.001;
    const batchSize = 64;
    const numEpochs = 1; // 5 in the script
    const trainDataset = fmnist(true, new transforms.ToTensor(), 640);
    const trainLoader = new Data.DataLoader(trainDataset, { batchSize, shuffle: true });
    const testDataset = fmnist(false, new transforms.ToTensor(), 320);
    const testLoader = new Data.DataLoader(testDataset, { batchSize, shuffle: true });
    const model = new SimpleCNN().to(device);
    assert.equal(String(model), want.repr);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: learningRate });
    const losses: number[] = [];
    for (let epoch = 0; epoch < numEpochs; epoch++) {
      for (let [data, targets] of trainLoader as Iterable<[Tensor, Tensor]>) {
        data = data.to({ device });
        targets = targets.to({ device });
        const scores = model.forward(data);
        const loss = criterion.forward(scores, targets);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        losses.push(num(loss));
      }
    }
    closeAll(losses, want.losses, 1e-4, 'losses');
    const { lines, print } = printer();
    const checkAccuracy = makeCheckAccuracy(print, device, false, (numCorrect, numSamples) =>
      `Got ${numCorrect.item()} / ${numSamples} with accuracy ${pyFixed((Number(numCorrect) / numSamples) * 100, 2)}`);
    checkAccuracy(trainLoader, model);
    checkAccuracy(testLoader, model);
    assertLines(lines, want.prints, 'prints');
    assertTensor(model.fc1.bias!, want.fc1_bias, { rtol: 1e-4, atol: 1e-6 }, 'fc1.bias');
  });

  test('pytorch_rnn_gru_lstm.py: RNN, RNN_GRU and RNN_LSTM (hidden 32), many-to-one over all steps', () => {
    const device = torch.device('cpu');
    const inputSize = 28;
    const hiddenSize = 32; // 256 in the script
    const numLayers = 2;
    const numClasses = 10;
    const sequenceLength = 28;
    const learningRate = 0.005;
    const batchSize = 64;
    const numEpochs = 1; // 2 in the script

    class RNN extends nn.Module {
      hiddenSize: number;
      numLayers: number;
      rnn: nn.RNN;
      fc: nn.Linear;
      constructor(inputSize: number, hiddenSize: number, numLayers: number, numClasses: number) {
        super();
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.rnn = new nn.RNN(inputSize, hiddenSize, numLayers, { batchFirst: true });
        this.fc = new nn.Linear(hiddenSize * sequenceLength, numClasses);
      }
      override forward(x: Tensor): Tensor {
        const h0 = torch.zeros(this.numLayers, x.size(0), this.hiddenSize).to(device);
        let [out] = this.rnn.forward(x, h0);
        out = out.reshape(out.shape[0], -1);
        out = this.fc.forward(out);
        return out;
      }
    }
    class RNN_GRU extends nn.Module {
      hiddenSize: number;
      numLayers: number;
      gru: nn.GRU;
      fc: nn.Linear;
      constructor(inputSize: number, hiddenSize: number, numLayers: number, numClasses: number) {
        super();
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.gru = new nn.GRU(inputSize, hiddenSize, numLayers, { batchFirst: true });
        this.fc = new nn.Linear(hiddenSize * sequenceLength, numClasses);
      }
      override forward(x: Tensor): Tensor {
        const h0 = torch.zeros(this.numLayers, x.size(0), this.hiddenSize).to(device);
        let [out] = this.gru.forward(x, h0);
        out = out.reshape(out.shape[0], -1);
        out = this.fc.forward(out);
        return out;
      }
    }
    class RNN_LSTM extends nn.Module {
      hiddenSize: number;
      numLayers: number;
      lstm: nn.LSTM;
      fc: nn.Linear;
      constructor(inputSize: number, hiddenSize: number, numLayers: number, numClasses: number) {
        super();
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.lstm = new nn.LSTM(inputSize, hiddenSize, numLayers, { batchFirst: true });
        this.fc = new nn.Linear(hiddenSize * sequenceLength, numClasses);
      }
      override forward(x: Tensor): Tensor {
        const h0 = torch.zeros(this.numLayers, x.size(0), this.hiddenSize).to(device);
        const c0 = torch.zeros(this.numLayers, x.size(0), this.hiddenSize).to(device);
        let [out] = this.lstm.forward(x, [h0, c0]);
        out = out.reshape(out.shape[0], -1);
        out = this.fc.forward(out);
        return out;
      }
    }
    const classes: [string, new (a: number, b: number, c: number, d: number) => nn.Module][] = [['RNN', RNN], ['RNN_GRU', RNN_GRU], ['RNN_LSTM', RNN_LSTM]];
    for (const [name, Cls] of classes) {
      const want = fx.rnn_gru_lstm[name];
      torch.manualSeed(0);
      const trainDataset = fmnist(true, new transforms.ToTensor(), 256);
      const testDataset = fmnist(false, new transforms.ToTensor(), 128);
      const trainLoader = new Data.DataLoader(trainDataset, { batchSize, shuffle: true });
      const testLoader = new Data.DataLoader(testDataset, { batchSize, shuffle: true });
      const model = new Cls(inputSize, hiddenSize, numLayers, numClasses).to(device);
      assert.equal(String(model), want.repr, `${name} repr`);
      const criterion = new nn.CrossEntropyLoss();
      const optimizer = new optim.Adam(model.parameters(), { lr: learningRate });
      const losses: number[] = [];
      for (let epoch = 0; epoch < numEpochs; epoch++) {
        for (let [data, targets] of trainLoader as Iterable<[Tensor, Tensor]>) {
          data = data.to({ device }).squeeze(1);
          targets = targets.to({ device });
          const scores = model.forward(data) as Tensor;
          const loss = criterion.forward(scores, targets);
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          losses.push(num(loss));
        }
      }
      closeAll(losses, want.losses, 1e-4, `${name} losses`);
      const { lines, print } = printer();
      const checkAccuracy = makeCheckAccuracy(print, device, true, (numCorrect, numSamples) => `Got ${numCorrect.item()} / ${numSamples} with \
              accuracy ${pyFixed((Number(numCorrect) / numSamples) * 100, 2)}`);
      checkAccuracy(trainLoader, model);
      checkAccuracy(testLoader, model);
      assertLines(lines, want.prints, `${name} prints`);
      assertTensor((model as Any).fc.bias, want.fc_bias, { rtol: 1e-4, atol: 1e-6 }, `${name} fc.bias`);
    }
  });

  test('pytorch_bidirectional_lstm.py: BRNN (hidden 32), out[:, -1, :]', () => {
    const want = fx.bidirectional_lstm;
    torch.manualSeed(0);
    const device = torch.device('cpu');
    const inputSize = 28;
    const numLayers = 2;
    const hiddenSize = 32; // 256 in the script
    const numClasses = 10;
    const learningRate = 0.001;
    const batchSize = 64;
    const numEpochs = 1; // 2 in the script
    class BRNN extends nn.Module {
      hiddenSize: number;
      numLayers: number;
      lstm: nn.LSTM;
      fc: nn.Linear;
      constructor(inputSize: number, hiddenSize: number, numLayers: number, numClasses: number) {
        super();
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.lstm = new nn.LSTM(inputSize, hiddenSize, numLayers, { batchFirst: true, bidirectional: true });
        this.fc = new nn.Linear(hiddenSize * 2, numClasses);
      }
      override forward(x: Tensor): Tensor {
        const h0 = torch.zeros(this.numLayers * 2, x.size(0), this.hiddenSize).to(device);
        const c0 = torch.zeros(this.numLayers * 2, x.size(0), this.hiddenSize).to(device);
        const [out] = this.lstm.forward(x, [h0, c0]);
        return this.fc.forward(out.index(':', -1, ':'));
      }
    }
    const trainDataset = fmnist(true, new transforms.ToTensor(), 256);
    const testDataset = fmnist(false, new transforms.ToTensor(), 128);
    const trainLoader = new Data.DataLoader(trainDataset, { batchSize, shuffle: true });
    const testLoader = new Data.DataLoader(testDataset, { batchSize, shuffle: true });
    const model = new BRNN(inputSize, hiddenSize, numLayers, numClasses).to(device);
    assert.equal(String(model), want.repr);
    assert.deepEqual(Object.keys(model.stateDict()), want.keys);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: learningRate });
    const losses: number[] = [];
    for (let epoch = 0; epoch < numEpochs; epoch++) {
      for (let [data, targets] of trainLoader as Iterable<[Tensor, Tensor]>) {
        data = data.to({ device }).squeeze(1);
        targets = targets.to({ device });
        const scores = model.forward(data);
        const loss = criterion.forward(scores, targets);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        losses.push(num(loss));
      }
    }
    closeAll(losses, want.losses, 1e-4, 'losses');
    const { lines, print } = printer();
    const checkAccuracy = makeCheckAccuracy(print, device, true, (numCorrect, numSamples) => `Got ${numCorrect.item()} / ${numSamples} with accuracy  \
              ${pyFixed((Number(numCorrect) / numSamples) * 100, 2)}`);
    checkAccuracy(trainLoader, model);
    checkAccuracy(testLoader, model);
    assertLines(lines, want.prints, 'prints');
    assertTensor(model.fc.weight, want.fc_weight, { rtol: 1e-4, atol: 1e-6 }, 'fc.weight');
  });

  test('pytorch_lr_ratescheduler.py: ReduceLROnPlateau(factor=0.1, patience=5, verbose=True)', () => {
    const want = fx.lr_scheduler;
    torch.manualSeed(0);
    const device = torch.device('cpu');
    const learningRate = 0.1;
    const batchSize = 128;
    const numEpochs = 21; // 100 in the script
    const model = new nn.Sequential(new nn.Linear(784, 50), new nn.ReLU(), new nn.Linear(50, 10)).to(device);
    const trainDataset = fmnist(true, new transforms.ToTensor(), 512);
    const trainLoader = new Data.DataLoader(trainDataset, { batchSize, shuffle: true });
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: learningRate });
    const scheduler = new torch.optim.lrScheduler.ReduceLROnPlateau(optimizer, { factor: 0.1, patience: 5, verbose: true });
    const { lines, print } = printer();
    const meanLosses: number[] = [];
    const lrs: number[] = [];
    withConsole(print, () => {
      let meanLoss = 0;
      for (let epoch = 1; epoch < numEpochs; epoch++) {
        const losses: number[] = [];
        for (let [data, targets] of trainLoader as Iterable<[Tensor, Tensor]>) {
          data = data.reshape(data.shape[0], -1);
          data = data.to({ device });
          targets = targets.to({ device });
          const scores = model.forward(data);
          const loss = criterion.forward(scores, targets);
          losses.push(num(loss));
          loss.backward();
          optimizer.step();
          optimizer.zeroGrad();
        }
        meanLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
        scheduler.step(meanLoss);
        print(`Cost at epoch ${epoch} is ${meanLoss}`);
        meanLosses.push(meanLoss);
        lrs.push(optimizer.paramGroups[0].lr);
      }
      // not in the script: the loss stops improving, so that verbose=True prints
      for (let i = 0; i < 7; i++) scheduler.step(meanLoss);
    });
    closeAll(meanLosses, want.mean_losses, 1e-4, 'mean losses');
    assert.deepEqual(lrs, want.lrs);
    assert.equal(optimizer.paramGroups[0].lr, want.lr_after_plateau);
    assert.equal(lines.length, want.prints.length, lines.join('\n'));
    lines.forEach((l, i) => sameText(l!, want.prints[i], 1e-4, `line ${i}`));
    assert.equal(lines.at(-1), want.prints.at(-1));
    const checkAccuracy = (loader: Data.DataLoader<Any>, model: nn.Module): void => {
      let numCorrect: Tensor | number = 0;
      let numSamples = 0;
      model.eval();
      torch.noGrad(() => {
        for (let [x, y] of loader as Iterable<[Tensor, Tensor]>) {
          x = x.to({ device });
          y = y.to({ device });
          const scores = model.forward(x) as Tensor;
          const [, predictions] = scores.max(1);
          numCorrect = iadd(numCorrect, predictions.eq(y).sum());
          numSamples += predictions.size(0);
        }
        print(`Got ${numCorrect} / ${numSamples} with accuracy ${pyFixed((Number(numCorrect) / numSamples) * 100, 2)}`);
      });
      model.train();
    };
    // the script's check_accuracy feeds [N, 1, 28, 28] to Linear(784, 50): PyTorch raises
    assert.equal(errText(() => checkAccuracy(trainLoader, model)), pyErr(want.check_accuracy_error));
  });

  test('pytorch_loadsave.py: save_checkpoint / load_checkpoint of {state_dict, optimizer}', () => {
    const want = fx.loadsave;
    torch.manualSeed(0);
    const saveCheckpoint = (state: Any, filename = 'my_checkpoint.pth.tar'): void => {
      print('=> Saving checkpoint');
      torch.save(state, filename);
    };
    const loadCheckpoint = (checkpoint: Any, model: nn.Module, optimizer: optim.Optimizer): void => {
      print('=> Loading checkpoint');
      model.loadStateDict(checkpoint.state_dict);
      optimizer.loadStateDict(checkpoint.optimizer);
    };
    const { lines, print } = printer();
    const model = new SimpleCNN(); // torchvision.models.vgg16(weights=None) in the script
    const optimizer = new optim.Adam(model.parameters());
    let checkpoint: Any = { state_dict: model.stateDict(), optimizer: optimizer.stateDict() };
    assert.deepEqual(JSON.parse(JSON.stringify(optimizer.stateDict())), want.optimizer_state_dict);
    const sd0 = torch.deepcopy(model.stateDict());
    saveCheckpoint(checkpoint, join(TMP, 'my_checkpoint.pth.tar'));
    loadCheckpoint(torch.load(join(TMP, 'my_checkpoint.pth.tar')), model, optimizer);
    // not in the script: one Adam step, so that the optimizer's state holds tensors
    model.forward(torch.randn(2, 1, 28, 28)).sum().backward();
    optimizer.step();
    checkpoint = { state_dict: model.stateDict(), optimizer: optimizer.stateDict() };
    saveCheckpoint(checkpoint, join(TMP, 'my_checkpoint2.pth.tar'));
    assertLines(lines, want.prints, 'prints');
    assertTensor(model.conv1.weight, want.conv1_weight, { rtol: 1e-5, atol: 1e-7 }, 'conv1.weight after the step');
    const sd = optimizer.stateDict() as Any;
    assert.deepEqual(JSON.parse(JSON.stringify(sd.param_groups)), want.step_param_groups);
    for (const [k, s] of Object.entries(want.step_state as Record<string, Record<string, Any>>)) {
      for (const [kk, vv] of Object.entries(s)) assertTensor(sd.state[k][kk], vv, { rtol: 1e-5, atol: 1e-8 }, `state[${k}].${kk}`);
    }
    // PyTorch's own checkpoints: the seeded weights equal ours, and they load into model and optimizer
    for (const name of ['my_checkpoint.pth.tar', 'my_checkpoint2.pth.tar']) {
      const file = join(TMP, `py_${name}`);
      writeFileSync(file, Buffer.from(want[name], 'base64'));
      const ck = torch.load(file) as Any;
      const m2 = new SimpleCNN();
      const o2 = new optim.Adam(m2.parameters());
      loadCheckpoint(ck, m2, o2);
      if (name === 'my_checkpoint.pth.tar') {
        for (const [k, v] of Object.entries(sd0 as Record<string, Tensor>)) assert.deepEqual(flat(ck.state_dict[k]), flat(v), k);
      } else {
        assertTensor(m2.conv1.weight, want.conv1_weight, { rtol: 0, atol: 0 }, 'loaded conv1.weight');
        const s2 = o2.stateDict() as Any;
        for (const [k, s] of Object.entries(want.step_state as Record<string, Record<string, Any>>)) {
          for (const [kk, vv] of Object.entries(s)) assertTensor(s2.state[k][kk], vv, { rtol: 0, atol: 0 }, `loaded state[${k}].${kk}`);
        }
      }
    }
  });

  test('pytorch_progress_bar.py: Conv2d + Flatten + Linear over a TensorDataset (tqdm left out)', () => {
    const want = fx.progress_bar;
    torch.manualSeed(0);
    let x = torch.randn([16, 3, 32, 32]); // (1000, 3, 224, 224) in the script
    let y = torch.randint({ low: 0, high: 10, size: [16, 1] });
    const ds = new Data.TensorDataset(x, y);
    const loader = new Data.DataLoader(ds, { batchSize: 8 });
    const model = new nn.Sequential(
      new nn.Conv2d({ inChannels: 3, outChannels: 10, kernelSize: 3, padding: 1, stride: 1 }),
      new nn.Flatten(),
      new nn.Linear(10 * 32 * 32, 10),
    );
    assert.equal(String(model), want.repr);
    const NUM_EPOCHS = 2; // 10 in the script
    const descriptions: string[] = [];
    const postfix: Any[] = [];
    const scoresSeen: number[][] = [];
    for (let epoch = 0; epoch < NUM_EPOCHS; epoch++) {
      const loop = loader; // tqdm(loader)
      for ([x, y] of loop as Iterable<[Tensor, Tensor]>) {
        const scores = model.forward(x);
        descriptions.push(`Epoch [${epoch}/${NUM_EPOCHS}]`);
        postfix.push({ loss: num(torch.rand(1)), acc: num(torch.rand(1)) });
        scoresSeen.push(flat(scores.index(0)));
      }
    }
    assert.deepEqual(descriptions, want.descriptions);
    assert.deepEqual(postfix, want.postfix);
    scoresSeen.forEach((s, i) => closeAll(s, want.scores[i], 1e-4, `scores ${i}`, 1e-5));
  });
});

test('pytorch_init_weights.py: kaiming_uniform_ / constant_, print(param) for each parameter', () => {
  const want = fx.init_weights;
  torch.manualSeed(0);
  class CNN extends nn.Module {
    conv1: nn.Conv2d;
    pool: nn.MaxPool2d;
    conv2: nn.Conv2d;
    fc1: nn.Linear;
    constructor(inChannels: number, numClasses: number) {
      super();
      this.conv1 = new nn.Conv2d({ inChannels, outChannels: 6, kernelSize: [3, 3], stride: [1, 1], padding: [1, 1] });
      this.pool = new nn.MaxPool2d({ kernelSize: [2, 2], stride: [2, 2] });
      this.conv2 = new nn.Conv2d({ inChannels: 6, outChannels: 16, kernelSize: [3, 3], stride: [1, 1], padding: [1, 1] });
      this.fc1 = new nn.Linear(16 * 7 * 7, numClasses);
      this.initializeWeights();
    }
    override forward(x: Tensor): Tensor {
      x = F.relu(this.conv1.forward(x));
      x = this.pool.forward(x);
      x = F.relu(this.conv2.forward(x));
      x = this.pool.forward(x);
      x = x.reshape(x.shape[0], -1);
      return this.fc1.forward(x);
    }
    initializeWeights(): void {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d) {
          nn.init.kaimingUniform_(m.weight);
          if (m.bias !== null) nn.init.constant_(m.bias, 0);
        } else if (m instanceof nn.BatchNorm2d) {
          nn.init.constant_(m.weight!, 1);
          nn.init.constant_(m.bias!, 0);
        } else if (m instanceof nn.Linear) {
          nn.init.kaimingUniform_(m.weight);
          nn.init.constant_(m.bias!, 0);
        }
      }
    }
  }
  const { lines, print } = printer();
  const model = new CNN(3, 10);
  for (const param of model.parameters()) print(param);
  [...model.parameters()].forEach((p, i) => assertTensor(p, want.values[i], { rtol: 0, atol: 0 }, `param ${i}`));
  assertLines(lines, want.prints, 'print(param)');
});

test('pytorch_std_mean.py: per-channel mean and std over a loader (CIFAR10 -> seeded rand)', () => {
  const want = fx.std_mean;
  torch.manualSeed(0);
  const trainSet = new Data.TensorDataset(torch.rand(320, 3, 32, 32), torch.zeros(320, { dtype: torch.int64 }));
  const trainLoader = new Data.DataLoader(trainSet, { batchSize: 64, shuffle: true });
  const getMeanStd = (loader: Data.DataLoader<Any>): [Tensor, Tensor] => {
    let channelsSum: Tensor | number = 0;
    let channelsSqrdSum: Tensor | number = 0;
    let numBatches = 0;
    for (const [data] of loader as Iterable<[Tensor, Tensor]>) {
      channelsSum = iadd(channelsSum, torch.mean(data, { dim: [0, 2, 3] }));
      channelsSqrdSum = iadd(channelsSqrdSum, torch.mean(data.pow(2), { dim: [0, 2, 3] }));
      numBatches += 1;
    }
    const mean = (channelsSum as Tensor).div(numBatches);
    const std = (channelsSqrdSum as Tensor).div(numBatches).sub(mean.pow(2)).pow(0.5);
    return [mean, std];
  };
  const { lines, print } = printer();
  const [mean, std] = getMeanStd(trainLoader);
  print(mean);
  print(std);
  assertTensor(mean, want.mean, { rtol: 1e-5 }, 'mean');
  assertTensor(std, want.std, { rtol: 1e-5 }, 'std');
  assertLines(lines, want.prints, 'prints');
});

test('custom_dataset.py: CatsAndDogsDataset (csv + JPEGs), random_split, googlenet, Adam', () => {
  const want = fx.custom_dataset;
  const root = join(TMP, 'custom_dataset');
  mkdirSync(join(root, 'cats_dogs_resized'), { recursive: true });
  writeFileSync(join(root, 'cats_dogs.csv'), want.csv);
  for (const [name, b64] of Object.entries(want.files as Record<string, string>)) writeFileSync(join(root, 'cats_dogs_resized', name), Buffer.from(b64, 'base64'));

  class CatsAndDogsDataset extends Data.Dataset<[Tensor, Tensor]> {
    annotations: string[][];
    rootDir: string;
    transform: Any;
    constructor(csvFile: string, rootDir: string, transform: Any = null) {
      super();
      // pd.read_csv(csv_file) in the script
      this.annotations = readFileSync(csvFile, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      this.rootDir = rootDir;
      this.transform = transform;
    }
    get length(): number {
      return this.annotations.length;
    }
    getItem(index: number): [Tensor, Tensor] {
      const imgPath = join(this.rootDir, this.annotations[index][0]);
      let image: Any = torchvision.Image.open(imgPath); // skimage.io.imread(img_path): numpy HWC uint8
      const yLabel = torch.tensor(parseInt(this.annotations[index][1], 10));
      if (this.transform) image = this.transform.forward ? this.transform.forward(image) : this.transform(image);
      return [image, yLabel];
    }
  }
  torch.manualSeed(0);
  const device = torch.device('cpu');
  const learningRate = 1e-3;
  const batchSize = 32;
  const numEpochs = 4; // 10 in the script
  const dataset = new CatsAndDogsDataset(join(root, 'cats_dogs.csv'), join(root, 'cats_dogs_resized'), new transforms.ToTensor());
  assertTensor(dataset.getItem(0)[0], want.item0, { rtol: 0, atol: 0 }, 'dataset[0][0]');
  assert.equal(String(dataset.getItem(9)[1]), want.label9);
  const [trainSet, testSet] = Data.randomSplit(dataset, [5, 5]);
  assert.deepEqual([...(trainSet as Any).indices], want.train_indices);
  assert.deepEqual([...(testSet as Any).indices], want.test_indices);
  const trainLoader = new Data.DataLoader(trainSet, { batchSize, shuffle: true });
  const testLoader = new Data.DataLoader(testSet, { batchSize, shuffle: true });
  // torchvision.models.googlenet(pretrained=True) in the script: its configuration, seeded weights
  const model = torchvision.models.googlenet({ weights: null, auxLogits: false, transformInput: true, initWeights: true });
  model.to(device);
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.Adam(model.parameters(), { lr: learningRate });
  const { lines, print } = printer();
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    const losses: number[] = [];
    for (let [data, targets] of trainLoader as Iterable<[Tensor, Tensor]>) {
      data = data.to({ device });
      targets = targets.to({ device });
      const scores = model.forward(data) as Tensor;
      const loss = criterion.forward(scores, targets);
      losses.push(num(loss));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    print(`Cost at epoch ${epoch} is ${losses.reduce((a, b) => a + b, 0) / losses.length}`);
    epochLosses.push(losses.reduce((a, b) => a + b, 0) / losses.length);
  }
  const checkAccuracy = (loader: Data.DataLoader<Any>, model: nn.Module): void => {
    let numCorrect: Tensor | number = 0;
    let numSamples = 0;
    model.eval();
    torch.noGrad(() => {
      for (let [x, y] of loader as Iterable<[Tensor, Tensor]>) {
        x = x.to({ device });
        y = y.to({ device });
        const scores = model.forward(x) as Tensor;
        const [, predictions] = scores.max(1);
        numCorrect = iadd(numCorrect, predictions.eq(y).sum());
        numSamples += predictions.size(0);
      }
      print(`Got ${(numCorrect as Tensor).item()} / ${numSamples} with accuracy ${pyFixed((Number(numCorrect) / numSamples) * 100, 2)}`);
    });
    model.train();
  };
  print('Checking accuracy on Training Set');
  checkAccuracy(trainLoader, model);
  print('Checking accuracy on Test Set');
  checkAccuracy(testLoader, model);
  // Tolerances: this run is chaotic. Adam (lr 1e-3) on 6M googlenet weights from one batch of 5
  // (BatchNorm over 5 values per channel in the last stages) turns float rounding into full
  // steps: PyTorch itself, with the same weights and torch.backends.mkldnn.enabled = False, gives
  // 6.88883 6.20101 5.47200 4.71468 against its default 6.88884 6.20368 5.43208 4.66122 (1.1% at
  // epoch 3); torchlette started from PyTorch's exact initial weights gives the first loss bit for
  // bit (6.888838768005371) and then 6.20054 5.44907 4.66460. Its own init differs from PyTorch's
  // by up to 79 ulp (see the trunc_normal_ DIVERGENCE below), so the first loss is checked at 1e-4.
  close(epochLosses[0], want.losses[0], 1e-4, 'epoch 0 loss');
  closeAll(epochLosses, want.losses, 3e-2, 'epoch losses');
  assert.equal(lines.length, want.prints.length);
  lines.forEach((l, i) => sameText(l!, want.prints[i], 3e-2, `line ${i}`));
  assert.deepEqual(lines.slice(4), want.prints.slice(4));

  // DIVERGENCE: nn.init.trunc_normal_ (googlenet's init: mean 0, std 0.01, a -2, b 2) is not
  // PyTorch's to 1 ulp as README says: its large draws (the tails, where erfinv is steep) differ by
  // up to ~80 ulp (relative ~6e-6). Minimal repro:
  //   torch.manualSeed(0); const t = torch.empty(20000);
  //   nn.init.truncNormal_(t, { mean: 0, std: 0.01, a: -2, b: 2 });
  //   t.index(9058)  // compare with PyTorch's torch.nn.init.trunc_normal_ on the same seed
  torch.manualSeed(0);
  const tn = torch.empty(20000);
  nn.init.truncNormal_(tn, { mean: 0.0, std: 0.01, a: -2, b: 2 });
  const got = flat(tn.index(torch.tensor(want.trunc_normal.indices)));
  const f = new Float32Array(2);
  const u = new Int32Array(f.buffer);
  const ulps = got.map((g, i) => {
    f[0] = g;
    f[1] = want.trunc_normal.values[i];
    return Math.abs(u[0] - u[1]);
  });
  closeAll(got, want.trunc_normal.values, 1e-5, 'trunc_normal_ tails');
  assert.ok(Math.max(...ulps) > 1, `trunc_normal_ is now within 1 ulp of PyTorch (${Math.max(...ulps)}): tighten the checks above`);

  model.eval();
  const logits = torch.noGrad(() => model.forward(torch.stack([dataset.getItem(0)[0], dataset.getItem(1)[0]])) as Tensor);
  closeAll(flat(logits.index(':', ':8')), want.eval_logits, 5e-2, 'eval logits (chaotic run, see above)', 5e-2);
});
