// pytorch/tutorials' "Deep Learning with PyTorch: A 60 Minute Blitz" (tensor_tutorial,
// autograd_tutorial, neural_networks_tutorial, cifar10_tutorial), the beginner recipes
// (what_is_state_dict, saving_and_loading_a_general_checkpoint, warmstarting_model_using_
// parameters_from_a_different_model, zeroing_out_gradients, defining_a_neural_network,
// saving_multiple_models_in_one_file) and "Learn the Basics" (tensorqs_tutorial,
// autogradqs_tutorial, buildmodel_tutorial) transcribed line for line, against the same programs
// run by PyTorch 1.13 (scripts/fixtures/porting_blitz_recipes.py, which gives the commits and
// says what was reduced). CIFAR-10 is a seeded fake: the fixture script and this test draw the
// same images from the same seed (torch.Generator + randperm/randint), PyTorch's side writes
// them as cifar-10-batches-py pickles and this one as CIFAR-10's binary release, and each reads
// them with its CIFAR10 class. Every print's text, the warnings, the losses, the trained
// weights and the checkpoints' contents are compared.
//
// Where the transcription cannot say what PyTorch says it is marked DIVERGENCE: the NumPy bridge (t.numpy(), torch.from_numpy:
// no memory shared), print(t.size()) / print(t.shape) / print(t.dtype) (a plain array and a
// string: the helpers size() and dtypeStr() print PyTorch's text). Language differences written
// out by hand, not marked in place: Python's float repr (pyFloat), bools and None (print() maps
// them), numpy's array text (npStr), type(x), and a dict's repr (pyRepr).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import * as torchvision from '../../src/vision/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { warningsOf } from './warnings.js';

const transforms = torchvision.transforms;
const F = nn.functional;

type Summary = Record<string, [number, number, number]>;
interface Program {
  printed: string[];
  warnings: string[];
  stdout: string;
  [key: string]: unknown;
}
interface Fixture {
  data: { train_labels: number[]; test_labels: number[]; train_sum: number; test_sum: number; train_weighted: number };
  blitz_tensor: Program & { empty: { shape: number[]; dtype: string } };
  blitz_autograd: Program & { doublings: number; y: TensorJson; x_grad: TensorJson };
  blitz_nn: Program & { out: TensorJson; loss: number; conv1_bias_grad: TensorJson; final: Summary };
  blitz_cifar10: Program & { losses: number[]; trained: Summary; load: string; outputs: TensorJson; shown: { shape: number[]; sum: number }[] };
  what_is_state_dict: Program;
  general_checkpoint: Program & { keys: string[]; epoch: number; loss: number; load: string; optimizer_state_dict: string; training: boolean; model: Summary };
  warmstarting: Program & { result: string; mismatched: string; missing_keys: string[]; unexpected_keys: string[]; strict_error: string; netB: Summary };
  zeroing_out_gradients: Program & { trained: Summary };
  defining_a_neural_network: Program & { result: TensorJson };
  saving_multiple_models: Program & { keys: string[]; load: string[]; modelA: Summary; modelB: Summary; netA_equals_netB: boolean };
  tensorqs: Program & Record<'x_np' | 'y1' | 'y2' | 'y3' | 'z1' | 'z2' | 'z3', TensorJson>;
  autogradqs: Program & { loss: number; w_grad: TensorJson; b_grad: TensorJson };
  buildmodel: Program & Record<'logits' | 'pred_probab' | 'seq_pred_probab', TensorJson>;
}
const fx = loadFixture<Fixture>('porting_blitz_recipes.json');

// ------------------------------------------------------------------------------------------------
// The harness: print() as Python's (str() of each argument joined by spaces; JavaScript's
// true/false/null are Python's True/False/None), and the comparisons.
const PRINTED: string[] = [];
const str = (v: unknown): string => (v === null || v === undefined ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
const print = (...args: unknown[]): void => {
  PRINTED.push(args.map(str).join(' '));
};

/** Python's repr of a float (2.0, 2.3466382026672363). */
const pyFloat = (v: number): string => (Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v));
/** NumPy's str() of a float array whose values are whole numbers: [2. 2. 2.]. */
const npStr = (a: ArrayLike<number>): string => {
  assert.ok(Array.from(a).every(Number.isInteger), 'npStr handles whole numbers only');
  return `[${Array.from(a, (v) => `${v}.`).join(' ')}]`;
};
/** Python's repr of a state dict's plain values (dicts, lists, str, int/float, bool, None). */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof torch.Tensor) return String(v);
  return `{${Object.entries(v as object).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
}
// DIVERGENCE: print(t.size()) prints torch.Size([5, 3]) and print(t.dtype) torch.float32;
// torchlette's size()/shape is a plain array (prints 5,3) and a dtype a string (float32).
const size = (s: readonly number[]): string => `torch.Size([${s.join(', ')}])`;
const dtypeStr = (d: string): string => `torch.${d}`;

function* enumerate<T>(items: Iterable<T>, start = 0): Generator<[number, T]> {
  let i = start;
  for (const item of items) yield [i++, item];
}
function* zip<A, B>(a: Iterable<A>, b: Iterable<B>): Generator<[A, B]> {
  const ib = b[Symbol.iterator]();
  for (const x of a) {
    const y = ib.next();
    if (y.done) return;
    yield [x, y.value];
  }
}

/**
 * The printed lines equal PyTorch's character for character (exact: 'all', the default), or
 * (exact: 'none', for training loops) the same text with each number the same up to `rtol` or a
 * unit of its last printed digit (a value on a rounding boundary may print one digit apart).
 */
function assertPrinted(got: string[], want: string[], { rtol = 1e-5, exact = 'all' as 'all' | 'none' } = {}): void {
  assert.equal(got.length, want.length, `printed ${got.length} lines, PyTorch ${want.length}:\n${got.join('\n')}\n---\n${want.join('\n')}`);
  const num = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;
  for (let i = 0; i < want.length; i++) {
    const where = `line ${i}: got\n${got[i]}\nexpected\n${want[i]}`;
    if (exact === 'all') {
      assert.equal(got[i], want[i], where);
      continue;
    }
    assert.equal(got[i].replace(num, '#'), want[i].replace(num, '#'), where);
    const a = got[i].match(num) ?? [];
    const b = want[i].match(num) ?? [];
    for (let k = 0; k < b.length; k++) {
      if (a[k] === b[k]) continue;
      const decimals = b[k].includes('.') && !b[k].includes('e') ? b[k].split('.')[1].length : 0;
      const unit = decimals > 0 ? 10 ** -decimals : 0;
      assert.ok(Math.abs(Number(a[k]) - Number(b[k])) <= rtol * Math.abs(Number(b[k])) + unit * 1.0001, `${where}\n(number ${k}: ${a[k]} vs ${b[k]})`);
    }
  }
}

function assertClose(got: number[], want: number[], rtol: number, label: string, atol = 0): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]), `${label}[${i}]: got ${got[i]}, expected ${want[i]} (rtol ${rtol})`);
  }
}

/** [sum, sum |v|, norm] of each state-dict entry in float64, as the fixture's summary(). */
function summary(m: nn.Module): Summary {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => {
    const d = (v as Tensor).double();
    return [k, [Number(d.sum().item()), Number(d.abs().sum().item()), Number(d.norm().item())]];
  }));
}

function assertSummary(m: nn.Module | Summary, want: Summary, rtol: number, label: string): void {
  const got = m instanceof nn.Module ? summary(m) : m;
  assert.deepEqual(Object.keys(got), Object.keys(want), `${label}: state dict keys`);
  for (const [k, [s, a, n]] of Object.entries(want)) {
    const [gs, ga, gn] = got[k];
    assert.ok(Math.abs(ga - a) <= rtol * a + 1e-12 && Math.abs(gn - n) <= rtol * n + 1e-12, `${label} ${k}: |v| sum ${ga} vs ${a}, norm ${gn} vs ${n}`);
    assert.ok(Math.abs(gs - s) <= rtol * a + 1e-12, `${label} ${k}: sum ${gs} vs ${s}`);
  }
}

async function run(want: Program, program: () => void, opts: Parameters<typeof assertPrinted>[2] = {}): Promise<void> {
  PRINTED.length = 0;
  const [, warnings] = await warningsOf(program);
  assertPrinted(PRINTED, want.printed, opts);
  assert.deepEqual(warnings, want.warnings, 'warnings');
}

// ------------------------------------------------------------------------------------------------
// CIFAR-10's stand-in, drawn as the fixture script draws it and written as CIFAR-10's binary
// release (per image: the label byte, then the R, G, B planes).
const [N_TRAIN, N_TEST, DATA_SEED] = [200, 40, 20221028];
let ROOT = '';

function fakeCifar(g: torch.Generator, n: number): [Tensor, Tensor] {
  const labels = torch.randperm(n, { generator: g }).remainder(10);
  const images = torch.randint(0, 100, [n, 32, 32, 3], { generator: g, dtype: torch.uint8 }); // HWC
  for (let k = 0; k < n; k++) {
    const c = 3 * Number(labels.index(k)) + 1;
    images.index(k, '4:28', `${c}:${c + 3}`, Number(labels.index(k)) % 3).add_(150);
  }
  return [images, labels];
}

function cifarRecords(images: Tensor, labels: Tensor): Buffer {
  const n = labels.size(0);
  const planes = images.permute(0, 3, 1, 2).reshape(n, 3072).toTypedArray() as Uint8Array;
  const out = Buffer.alloc(n * 3073);
  for (let k = 0; k < n; k++) {
    out[k * 3073] = Number(labels.index(k));
    out.set(planes.subarray(k * 3072, (k + 1) * 3072), k * 3073 + 1);
  }
  return out;
}

before(() => {
  ROOT = mkdtempSync(join(tmpdir(), 'torchlette-blitz-'));
  const g = new torch.Generator().manualSeed(DATA_SEED);
  const train = fakeCifar(g, N_TRAIN);
  const test = fakeCifar(g, N_TEST);
  const d = fx.data;
  assert.deepEqual(train[1].tolist(), d.train_labels);
  assert.deepEqual(test[1].tolist(), d.test_labels);
  assert.equal(Number(train[0].long().sum()), d.train_sum);
  assert.equal(Number(test[0].long().sum()), d.test_sum);
  assert.equal(Number(train[0].reshape(-1).long().mul(torch.arange(N_TRAIN * 3072).remainder(251)).sum()), d.train_weighted);
  const bin = join(ROOT, 'data', 'cifar-10-batches-bin');
  mkdirSync(bin, { recursive: true });
  const n = N_TRAIN / 5;
  for (let b = 0; b < 5; b++) {
    const rows = `${b * n}:${(b + 1) * n}`;
    writeFileSync(join(bin, `data_batch_${b + 1}.bin`), cifarRecords(train[0].index(rows), train[1].index(rows)));
  }
  writeFileSync(join(bin, 'test_batch.bin'), cifarRecords(...test));
});
after(() => rmSync(ROOT, { recursive: true, force: true }));

// ================================================================================================
// beginner_source/blitz/tensor_tutorial.py
test('blitz/tensor_tutorial: construction, operations, resizing, item, the NumPy bridge', async () => {
  const want = fx.blitz_tensor;
  await run(want, () => {
    torch.manualSeed(0);
    let x = torch.empty(5, 3);
    // print(x): uninitialised memory, not printed
    assert.deepEqual([x.shape, dtypeStr(x.dtype)], [want.empty.shape, want.empty.dtype]);

    x = torch.rand(5, 3);
    print(x);

    x = torch.zeros(5, 3, { dtype: torch.long });
    print(x);

    x = torch.tensor([5.5, 3]);
    print(x);

    x = x.newOnes(5, 3, { dtype: torch.double }); // new_* methods take in sizes
    print(x);

    x = torch.randnLike(x, { dtype: torch.float }); // override dtype!
    print(x); // result has the same size

    print(size(x.size()));

    let y = torch.rand(5, 3);
    print(x.add(y));

    print(torch.add(x, y));

    const result = torch.empty(5, 3);
    torch.add(x, y, { out: result });
    print(result);

    // adds x to y
    y.add_(x);
    print(y);

    print(x.index(':', 1));

    x = torch.randn(4, 4);
    y = x.view(16);
    const z = x.view(-1, 8); // the size -1 is inferred from other dimensions
    print(size(x.size()), size(y.size()), size(z.size()));

    x = torch.randn(1);
    print(x);
    print(pyFloat(x.item() as number));

    let a = torch.ones(5);
    print(a);

    // DIVERGENCE: a.numpy() throws (no NumPy); toTypedArray() is a copy, not a view sharing
    // a's memory, so b does not follow a.add_(1) below and is taken again after it.
    let b = a.toTypedArray() as Float32Array;
    print(npStr(b));

    a.add_(1);
    print(a);
    b = a.toTypedArray() as Float32Array; // DIVERGENCE: see above
    print(npStr(b));

    const an = new Float64Array(5).fill(1); // np.ones(5)
    // DIVERGENCE: torch.from_numpy(a) does not exist; torch.tensor(Float64Array) copies, so the
    // tensor does not follow np.add(a, 1, out=a) and is built again after it.
    let bt = torch.tensor(an);
    an.forEach((v, i) => { an[i] = v + 1; }); // np.add(a, 1, out=a)
    bt = torch.tensor(an); // DIVERGENCE: see above
    print(npStr(an));
    print(bt);

    if (torch.cuda.isAvailable()) {
      const device = torch.device('cuda'); // a CUDA device object
      const yc = torch.onesLike(x, { device }); // directly create a tensor on GPU
      x = x.to(device); // or just use strings ``.to("cuda")``
      const zc = x.add(yc);
      print(zc);
      print(zc.to('cpu', torch.double)); // ``.to`` can also change dtype together!
    }
  });
});

// ================================================================================================
// beginner_source/blitz/autograd_tutorial.py
test('blitz/autograd_tutorial: grad_fn, requires_grad_, backward with a gradient, no_grad', async () => {
  const want = fx.blitz_autograd;
  let doublings = 0;
  let yOut: Tensor | null = null;
  let xGrad: Tensor | null = null;
  await run(want, () => {
    torch.manualSeed(0);
    let x = torch.ones(2, 2, { requiresGrad: true });
    print(x);

    let y = x.add(2);
    print(y);

    print(y.gradFn);

    const z = y.mul(y).mul(3);
    const out = z.mean();

    print(z, out);

    let a = torch.randn(2, 2);
    a = a.mul(3).div(a.sub(1));
    print(a.requiresGrad);
    a.requiresGrad_(true);
    print(a.requiresGrad);
    const b = a.mul(a).sum();
    print(b.gradFn);

    out.backward();

    print(x.grad);

    x = torch.randn(3, { requiresGrad: true });

    y = x.mul(2);
    while (Number(y.data.norm()) < 1000) {
      y = y.mul(2);
      doublings += 1;
    }

    print(y);

    const gradients = torch.tensor([0.1, 1.0, 0.0001], { dtype: torch.float });
    y.backward(gradients);

    print(x.grad);

    print(x.requiresGrad);
    print(x.pow(2).requiresGrad);

    torch.noGrad(() => {
      print(x.pow(2).requiresGrad);
    });
    yOut = y;
    xGrad = x.grad;
  });
  assert.equal(doublings, want.doublings);
  assertTensor(yOut!.detach(), want.y);
  assertTensor(xGrad!, want.x_grad);
});

// ================================================================================================
// beginner_source/blitz/neural_networks_tutorial.py
test('blitz/neural_networks_tutorial: LeNet, MSELoss, grad_fn.next_functions, zero_grad, the update rules', async () => {
  const want = fx.blitz_nn;
  await run(want, () => {
    class Net extends nn.Module {
      // 1 input image channel, 6 output channels, 5x5 square convolution
      // kernel
      conv1 = new nn.Conv2d(1, 6, 5);
      conv2 = new nn.Conv2d(6, 16, 5);
      // an affine operation: y = Wx + b
      fc1 = new nn.Linear(16 * 5 * 5, 120); // 5*5 from image dimension
      fc2 = new nn.Linear(120, 84);
      fc3 = new nn.Linear(84, 10);

      override forward(input: Tensor): Tensor {
        const c1 = F.relu(this.conv1.forward(input));
        const s2 = F.maxPool2d(c1, [2, 2]);
        const c3 = F.relu(this.conv2.forward(s2));
        let s4 = F.maxPool2d(c3, 2);
        s4 = torch.flatten(s4, 1);
        const f5 = F.relu(this.fc1.forward(s4));
        const f6 = F.relu(this.fc2.forward(f5));
        const output = this.fc3.forward(f6);
        return output;
      }
    }

    torch.manualSeed(0);
    const net = new Net();
    print(net);

    const params = [...net.parameters()];
    print(params.length);
    print(size(params[0].size())); // conv1's .weight

    const input = torch.randn(1, 1, 32, 32);
    const out = net.forward(input);
    print(out);
    assertTensor(out.detach(), want.out);

    net.zeroGrad();
    out.backward(torch.randn(1, 10));

    let output = net.forward(input);
    let target = torch.randn(10); // a dummy target, for example
    target = target.view(1, -1); // make it the same shape as output
    const criterion = new nn.MSELoss();

    let loss = criterion.forward(output, target);
    print(loss);

    print(loss.gradFn); // MSELoss
    print(loss.gradFn!.nextFunctions[0][0]); // Linear
    print(loss.gradFn!.nextFunctions[0][0]!.nextFunctions[0][0]); // ReLU

    net.zeroGrad(); // zeroes the gradient buffers of all parameters

    print('conv1.bias.grad before backward');
    print(net.conv1.bias!.grad);

    loss.backward();

    print('conv1.bias.grad after backward');
    print(net.conv1.bias!.grad);
    assertTensor(net.conv1.bias!.grad!, want.conv1_bias_grad);

    // The text's code blocks: the update by hand, then torch.optim.
    const learningRate = 0.01;
    for (const f of net.parameters()) {
      f.data.sub_(f.grad!.data.mul(learningRate));
    }

    // create your optimizer
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });

    // in your training loop:
    optimizer.zeroGrad(); // zero the gradient buffers
    output = net.forward(input);
    loss = criterion.forward(output, target);
    loss.backward();
    optimizer.step(); // Does the update
    assertClose([Number(loss.item())], [want.loss], 1e-5, 'loss');
    assertSummary(net, want.final, 1e-5, 'after the updates');
  });
});

// ================================================================================================
// beginner_source/blitz/cifar10_tutorial.py
test('blitz/cifar10_tutorial: CIFAR10 + DataLoader(num_workers=2), 2 epochs of SGD, save/load, accuracy per class', async () => {
  const want = fx.blitz_cifar10;
  const losses: number[] = [];
  const shown: { shape: number[]; sum: number }[] = [];
  let trained: Summary = {};
  let loaded = '';
  let firstOutputs: Tensor | null = null;
  await run(want, () => {
    class Net extends nn.Module {
      conv1 = new nn.Conv2d(3, 6, 5);
      pool = new nn.MaxPool2d(2, 2);
      conv2 = new nn.Conv2d(6, 16, 5);
      fc1 = new nn.Linear(16 * 5 * 5, 120);
      fc2 = new nn.Linear(120, 84);
      fc3 = new nn.Linear(84, 10);

      override forward(x: Tensor): Tensor {
        x = this.pool.forward(F.relu(this.conv1.forward(x)));
        x = this.pool.forward(F.relu(this.conv2.forward(x)));
        x = torch.flatten(x, 1); // flatten all dimensions except batch
        x = F.relu(this.fc1.forward(x));
        x = F.relu(this.fc2.forward(x));
        x = this.fc3.forward(x);
        return x;
      }
    }

    torch.manualSeed(0);
    const transform = new transforms.Compose(
      [new transforms.ToTensor(),
        new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);

    const batchSize = 4;

    const trainset = new torchvision.datasets.CIFAR10({ root: join(ROOT, 'data'), train: true,
      download: true, transform });
    const trainloader = new torch.utils.data.DataLoader(trainset, { batchSize,
      shuffle: true, numWorkers: 2 });

    const testset = new torchvision.datasets.CIFAR10({ root: join(ROOT, 'data'), train: false,
      download: true, transform });
    const testloader = new torch.utils.data.DataLoader(testset, { batchSize,
      shuffle: false, numWorkers: 2 });

    const classes = ['plane', 'car', 'bird', 'cat',
      'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

    function imshow(img: Tensor): void {
      img = img.div(2).add(0.5); // unnormalize
      const npimg = img; // img.numpy(): the tensor stands for the array
      const im = npimg.permute(1, 2, 0); // np.transpose(npimg, (1, 2, 0))
      shown.push({ shape: im.shape, sum: Number(im.double().sum()) });
    }

    // get some random training images
    let dataiter = trainloader[Symbol.iterator]();
    let [images, labels] = dataiter.next().value as [Tensor, Tensor];

    // show images
    imshow(torchvision.utils.makeGrid(images));
    // print labels
    print(Array.from({ length: batchSize }, (_, j) => classes[Number(labels.index(j))].padEnd(5)).join(' '));

    let net = new Net();

    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });

    for (let epoch = 0; epoch < 2; epoch++) { // loop over the dataset multiple times

      let runningLoss = 0.0;
      for (const [i, data] of enumerate(trainloader, 0)) {
        // get the inputs; data is a list of [inputs, labels]
        const [inputs, labels] = data as [Tensor, Tensor];

        // zero the parameter gradients
        optimizer.zeroGrad();

        // forward + backward + optimize
        const outputs = net.forward(inputs);
        const loss = criterion.forward(outputs, labels);
        loss.backward();
        optimizer.step();

        // print statistics
        runningLoss += Number(loss.item());
        losses.push(Number(loss.item()));
        if (i % 10 === 9) { // print every 10 mini-batches
          print(`[${epoch + 1}, ${String(i + 1).padStart(5)}] loss: ${(runningLoss / 10).toFixed(3)}`);
          runningLoss = 0.0;
        }
      }
    }

    print('Finished Training');
    trained = summary(net);

    const PATH = join(ROOT, 'cifar_net.pth');
    torch.save(net.stateDict(), PATH);

    dataiter.return?.(); // the first iterator is dropped here, as Python drops it on reassignment
    dataiter = testloader[Symbol.iterator]();
    [images, labels] = dataiter.next().value as [Tensor, Tensor];

    // print images
    imshow(torchvision.utils.makeGrid(images));
    print('GroundTruth: ', Array.from({ length: 4 }, (_, j) => classes[Number(labels.index(j))].padEnd(5)).join(' '));

    net = new Net();
    loaded = String(net.loadStateDict(torch.load(PATH) as Record<string, Tensor>));

    let outputs = net.forward(images);
    firstOutputs = outputs.detach();

    let [, predicted] = torch.max(outputs, 1);

    print('Predicted: ', Array.from({ length: 4 }, (_, j) => classes[Number(predicted.index(j))].padEnd(5)).join(' '));

    let correct = 0;
    let total = 0;
    // since we're not training, we don't need to calculate the gradients for our outputs
    torch.noGrad(() => {
      for (const data of testloader) {
        [images, labels] = data as [Tensor, Tensor];
        // calculate outputs by running images through the network
        outputs = net.forward(images);
        // the class with the highest energy is what we choose as prediction
        [, predicted] = torch.max(outputs.data, 1);
        total += labels.size(0);
        correct += Number(predicted.eq(labels).sum().item());
      }
    });

    print(`Accuracy of the network on the 10000 test images: ${Math.floor(100 * correct / total)} %`);

    // prepare to count predictions for each class
    const correctPred: Record<string, number> = Object.fromEntries(classes.map((classname) => [classname, 0]));
    const totalPred: Record<string, number> = Object.fromEntries(classes.map((classname) => [classname, 0]));

    // again no gradients needed
    torch.noGrad(() => {
      for (const data of testloader) {
        [images, labels] = data as [Tensor, Tensor];
        outputs = net.forward(images);
        const [, predictions] = torch.max(outputs, 1);
        // collect the correct predictions for each class
        for (const [label, prediction] of zip(labels, predictions)) {
          if (label.eq(prediction).item()) {
            correctPred[classes[Number(label)]] += 1;
          }
          totalPred[classes[Number(label)]] += 1;
        }
      }
    });

    // print accuracy for each class
    for (const [classname, correctCount] of Object.entries(correctPred)) {
      const accuracy = 100 * correctCount / totalPred[classname];
      print(`Accuracy for class: ${classname.padEnd(5)} is ${accuracy.toFixed(1)} %`);
    }

    const device = torch.device(torch.cuda.isAvailable() ? 'cuda:0' : 'cpu');

    // Assuming that we are on a CUDA machine, this should print a CUDA device:

    print(device);

    dataiter.return?.(); // del dataiter
  }, { exact: 'none' }); // a running loss on a rounding boundary may print one digit apart
  assertClose(losses, want.losses, 1e-4, 'losses');
  assert.equal(loaded, want.load);
  assertTensor(firstOutputs!, want.outputs, { rtol: 1e-4, atol: 1e-5 });
  assert.deepEqual(shown.map((s) => s.shape), want.shown.map((s) => s.shape));
  assertClose(shown.map((s) => s.sum), want.shown.map((s) => s.sum), 1e-6, 'imshow sums');
  // 100 SGD steps: rounding differences grow, so the weights are compared at 1e-4.
  assertSummary(trained, want.trained, 1e-4, 'trained');
  // torchvision's CIFAR10(download=True) prints "Files already downloaded and verified" (twice here).
  assert.equal(want.stdout, 'Files already downloaded and verified\n'.repeat(2));
});

// ================================================================================================
// recipes_source/recipes: the Net most of them define
class Net extends nn.Module {
  conv1 = new nn.Conv2d(3, 6, 5);
  pool = new nn.MaxPool2d(2, 2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  override forward(x: Tensor): Tensor {
    x = this.pool.forward(F.relu(this.conv1.forward(x)));
    x = this.pool.forward(F.relu(this.conv2.forward(x)));
    x = x.view(-1, 16 * 5 * 5);
    x = F.relu(this.fc1.forward(x));
    x = F.relu(this.fc2.forward(x));
    x = this.fc3.forward(x);
    return x;
  }
}

// recipes_source/recipes/what_is_state_dict.py
test('recipes/what_is_state_dict: the model\'s and the optimizer\'s state_dict printed', async () => {
  await run(fx.what_is_state_dict, () => {
    torch.manualSeed(0);
    const net = new Net();
    print(net);

    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });

    // Print model's state_dict
    print("Model's state_dict:");
    for (const paramTensor of Object.keys(net.stateDict())) {
      print(paramTensor, '\t', size(net.stateDict()[paramTensor].size()));
    }

    print();

    // Print optimizer's state_dict
    print("Optimizer's state_dict:");
    for (const varName of Object.keys(optimizer.stateDict())) {
      print(varName, '\t', pyRepr((optimizer.stateDict() as unknown as Record<string, unknown>)[varName]));
    }
  });
});

// recipes_source/recipes/saving_and_loading_a_general_checkpoint.py
test('recipes/saving_and_loading_a_general_checkpoint: a dict of epoch, state dicts and loss', async () => {
  const want = fx.general_checkpoint;
  let model: Net | null = null;
  let optimizer: optim.SGD | null = null;
  let checkpoint: Record<string, unknown> = {};
  let loaded = '';
  let [epoch, loss] = [0, 0];
  await run(want, () => {
    torch.manualSeed(0);
    const net = new Net();
    print(net);

    optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });

    // Additional information
    const EPOCH = 5;
    const PATH = join(ROOT, 'model.pt');
    const LOSS = 0.4;

    torch.save({
      epoch: EPOCH,
      model_state_dict: net.stateDict(),
      optimizer_state_dict: optimizer.stateDict(),
      loss: LOSS,
    }, PATH);

    model = new Net();
    optimizer = new optim.SGD(model.parameters(), { lr: 0.001, momentum: 0.9 });

    checkpoint = torch.load(PATH) as Record<string, unknown>;
    loaded = String(model.loadStateDict(checkpoint.model_state_dict as Record<string, Tensor>));
    optimizer.loadStateDict(checkpoint.optimizer_state_dict as Parameters<optim.SGD['loadStateDict']>[0]);
    epoch = checkpoint.epoch as number;
    loss = checkpoint.loss as number;

    model.eval();
    // - or -
    model.train();
  });
  assert.deepEqual(Object.keys(checkpoint), want.keys);
  assert.equal(epoch, want.epoch);
  assert.equal(loss, want.loss);
  assert.equal(loaded, want.load);
  assert.equal(pyRepr(optimizer!.stateDict()), want.optimizer_state_dict);
  assert.equal(model!.training, want.training);
  assertSummary(model!, want.model, 0, 'loaded model');
});

// recipes_source/recipes/warmstarting_model_using_parameters_from_a_different_model.py
test('recipes/warmstarting_model_using_parameters_from_a_different_model: load_state_dict(strict=False)', async () => {
  const want = fx.warmstarting;
  let result = '';
  let netB: nn.Module | null = null;
  await run(want, () => {
    torch.manualSeed(0);
    class NetA extends Net {}
    const netA = new NetA();

    class NetB extends Net {}
    netB = new NetB();

    // Specify a path to save to
    const PATH = join(ROOT, 'model.pt');

    torch.save(netA.stateDict(), PATH);

    result = String(netB.loadStateDict(torch.load(PATH) as Record<string, Tensor>, { strict: false }));

    // The recipe's paragraph: keys that do not match.
    const partial = torch.load(PATH) as Record<string, Tensor>;
    partial['fc4.weight'] = partial['fc3.weight'];
    delete partial['fc3.weight'];
    delete partial['fc3.bias'];
    const mismatched = netB.loadStateDict(partial, { strict: false });
    assert.equal(String(mismatched), want.mismatched);
    assert.deepEqual(mismatched.missingKeys, want.missing_keys);
    assert.deepEqual(mismatched.unexpectedKeys, want.unexpected_keys);
    assert.throws(() => netB!.loadStateDict(partial), (e: Error) => e.message === want.strict_error);
  });
  assert.equal(result, want.result);
  assertSummary(netB!, want.netB, 0, 'netB');
});

// recipes_source/recipes/zeroing_out_gradients.py
test('recipes/zeroing_out_gradients: the CIFAR-10 loop with optimizer.zero_grad()', async () => {
  const want = fx.zeroing_out_gradients;
  let net: Net | null = null;
  await run(want, () => {
    torch.manualSeed(0);
    const transform = new transforms.Compose(
      [new transforms.ToTensor(),
        new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);

    const trainset = new torchvision.datasets.CIFAR10({ root: join(ROOT, 'data'), train: true,
      download: true, transform });
    const trainloader = new torch.utils.data.DataLoader(trainset, { batchSize: 4,
      shuffle: true, numWorkers: 2 });

    const testset = new torchvision.datasets.CIFAR10({ root: join(ROOT, 'data'), train: false,
      download: true, transform });
    const testloader = new torch.utils.data.DataLoader(testset, { batchSize: 4,
      shuffle: false, numWorkers: 2 });
    void testloader;

    const classes = ['plane', 'car', 'bird', 'cat',
      'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    void classes;

    net = new Net();
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });

    for (let epoch = 0; epoch < 2; epoch++) { // loop over the dataset multiple times

      let runningLoss = 0.0;
      for (const [i, data] of enumerate(trainloader, 0)) {
        // get the inputs; data is a list of [inputs, labels]
        const [inputs, labels] = data as [Tensor, Tensor];

        // zero the parameter gradients
        optimizer.zeroGrad();

        // forward + backward + optimize
        const outputs = net.forward(inputs);
        const loss = criterion.forward(outputs, labels);
        loss.backward();
        optimizer.step();

        // print statistics
        runningLoss += Number(loss.item());
        if (i % 10 === 9) { // print every 10 mini-batches
          print(`[${epoch + 1}, ${String(i + 1).padStart(5)}] loss: ${(runningLoss / 10).toFixed(3)}`); // '[%d, %5d] loss: %.3f' %
          runningLoss = 0.0;
        }
      }
    }

    print('Finished Training');
  }, { exact: 'none' }); // a running loss on a rounding boundary may print one digit apart
  // On the native backend one conv1 output of step 6 is -1.1e-7 in PyTorch and +6.1e-8 here
  // (-8.9e-8 in float64: both are float32 rounding of a 75-term sum), so ReLU lets a gradient
  // through that PyTorch's stops; the weights then differ by ~1e-4, hence the looser tolerance.
  assertSummary(net!, want.trained, 1e-3, 'trained');
});

// recipes_source/recipes/defining_a_neural_network.py
test('recipes/defining_a_neural_network: Dropout2d on 4-D and 2-D inputs, log_softmax', async () => {
  const want = fx.defining_a_neural_network;
  let result: Tensor | null = null;
  await run(want, () => {
    torch.manualSeed(0);
    {
      class Net extends nn.Module {
        // First 2D convolutional layer, taking in 1 input channel (image),
        // outputting 32 convolutional features, with a square kernel size of 3
        conv1 = new nn.Conv2d(1, 32, 3, 1);
        // Second 2D convolutional layer, taking in the 32 input layers,
        // outputting 64 convolutional features, with a square kernel size of 3
        conv2 = new nn.Conv2d(32, 64, 3, 1);

        // Designed to ensure that adjacent pixels are either all 0s or all active
        // with an input probability
        dropout1 = new nn.Dropout2d(0.25);
        dropout2 = new nn.Dropout2d(0.5);

        // First fully connected layer
        fc1 = new nn.Linear(9216, 128);
        // Second fully connected layer that outputs our 10 labels
        fc2 = new nn.Linear(128, 10);
      }

      const myNn = new Net();
      print(myNn);
    }

    class Net extends nn.Module {
      conv1 = new nn.Conv2d(1, 32, 3, 1);
      conv2 = new nn.Conv2d(32, 64, 3, 1);
      dropout1 = new nn.Dropout2d(0.25);
      dropout2 = new nn.Dropout2d(0.5);
      fc1 = new nn.Linear(9216, 128);
      fc2 = new nn.Linear(128, 10);

      // x represents our data
      override forward(x: Tensor): Tensor {
        // Pass data through conv1
        x = this.conv1.forward(x);
        // Use the rectified-linear activation function over x
        x = F.relu(x);

        x = this.conv2.forward(x);
        x = F.relu(x);

        // Run max pooling over x
        x = F.maxPool2d(x, 2);
        // Pass data through dropout1
        x = this.dropout1.forward(x);
        // Flatten x with start_dim=1
        x = torch.flatten(x, 1);
        // Pass data through fc1
        x = this.fc1.forward(x);
        x = F.relu(x);
        x = this.dropout2.forward(x);
        x = this.fc2.forward(x);

        // Apply softmax to x
        const output = F.logSoftmax(x, { dim: 1 });
        return output;
      }
    }

    // Equates to one random 28x28 image
    const randomData = torch.rand([1, 1, 28, 28]);

    const myNn = new Net();
    result = myNn.forward(randomData);
    print(result);
  }, { exact: 'none' });
  assertTensor(result!.detach(), want.result);
});

// recipes_source/recipes/saving_multiple_models_in_one_file.py
test('recipes/saving_multiple_models_in_one_file: two models and two optimizers in one file', async () => {
  const want = fx.saving_multiple_models;
  let checkpoint: Record<string, unknown> = {};
  const loaded: string[] = [];
  let models: Net[] = [];
  let netsEqual = true;
  await run(want, () => {
    torch.manualSeed(0);
    const netA = new Net();
    const netB = new Net();

    const optimizerA = new optim.SGD(netA.parameters(), { lr: 0.001, momentum: 0.9 });
    const optimizerB = new optim.SGD(netB.parameters(), { lr: 0.001, momentum: 0.9 });

    // Specify a path to save to
    const PATH = join(ROOT, 'model.pt');

    torch.save({
      modelA_state_dict: netA.stateDict(),
      modelB_state_dict: netB.stateDict(),
      optimizerA_state_dict: optimizerA.stateDict(),
      optimizerB_state_dict: optimizerB.stateDict(),
    }, PATH);

    const modelA = new Net();
    const modelB = new Net();
    const optimModelA = new optim.SGD(modelA.parameters(), { lr: 0.001, momentum: 0.9 });
    const optimModelB = new optim.SGD(modelB.parameters(), { lr: 0.001, momentum: 0.9 });
    void optimModelA;
    void optimModelB;

    checkpoint = torch.load(PATH) as Record<string, unknown>;
    loaded.push(String(modelA.loadStateDict(checkpoint.modelA_state_dict as Record<string, Tensor>)));
    loaded.push(String(modelB.loadStateDict(checkpoint.modelB_state_dict as Record<string, Tensor>)));
    optimizerA.loadStateDict(checkpoint.optimizerA_state_dict as Parameters<optim.SGD['loadStateDict']>[0]);
    optimizerB.loadStateDict(checkpoint.optimizerB_state_dict as Parameters<optim.SGD['loadStateDict']>[0]);

    modelA.eval();
    modelB.eval();
    // - or -
    modelA.train();
    modelB.train();
    models = [modelA, modelB];
    netsEqual = Object.values(netA.stateDict()).every((a, i) => torch.equal(a, Object.values(netB.stateDict())[i]));
  });
  assert.deepEqual(Object.keys(checkpoint), want.keys);
  assert.deepEqual(loaded, want.load);
  assertSummary(models[0], want.modelA, 0, 'modelA');
  assertSummary(models[1], want.modelB, 0, 'modelB');
  assert.equal(netsEqual, want.netA_equals_netB);
});

// ================================================================================================
// beginner_source/basics/tensorqs_tutorial.py
test('basics/tensorqs_tutorial: initializing, attributes, indexing, joining, arithmetic, in-place, NumPy', async () => {
  const want = fx.tensorqs;
  const got: Record<string, Tensor> = {};
  await run(want, () => {
    torch.manualSeed(0);
    const data = [[1, 2], [3, 4]];
    const xData = torch.tensor(data);

    const npArray = data; // np.array(data)
    // DIVERGENCE: torch.from_numpy(np_array) does not exist (no NumPy); torch.tensor copies.
    const xNp = torch.tensor(npArray);
    got.x_np = xNp;

    const xOnes = torch.onesLike(xData); // retains the properties of x_data
    print(`Ones Tensor: \n ${xOnes} \n`);

    const xRand = torch.randLike(xData, { dtype: torch.float }); // overrides the datatype of x_data
    print(`Random Tensor: \n ${xRand} \n`);

    const shape = [2, 3];
    const randTensor = torch.rand(shape);
    const onesTensor = torch.ones(shape);
    const zerosTensor = torch.zeros(shape);

    print(`Random Tensor: \n ${randTensor} \n`);
    print(`Ones Tensor: \n ${onesTensor} \n`);
    print(`Zeros Tensor: \n ${zerosTensor}`);

    let tensor = torch.rand(3, 4);

    print(`Shape of tensor: ${size(tensor.shape)}`);
    print(`Datatype of tensor: ${dtypeStr(tensor.dtype)}`);
    print(`Device tensor is stored on: ${tensor.device}`);

    // We move our tensor to the GPU if available
    if (torch.cuda.isAvailable()) {
      tensor = tensor.to('cuda');
    }

    tensor = torch.ones(4, 4);
    print(`First row: ${tensor.index(0)}`);
    print(`First column: ${tensor.index(':', 0)}`);
    print(`Last column: ${tensor.index('...', -1)}`);
    tensor.indexPut_([':', 1], 0);
    print(tensor);

    const t1 = torch.cat([tensor, tensor, tensor], { dim: 1 });
    print(t1);

    const y1 = tensor.matmul(tensor.T);
    const y2 = tensor.matmul(tensor.T);

    const y3 = torch.randLike(y1);
    torch.matmul(tensor, tensor.T, { out: y3 });

    const z1 = tensor.mul(tensor);
    const z2 = tensor.mul(tensor);

    const z3 = torch.randLike(tensor);
    torch.mul(tensor, tensor, { out: z3 });
    Object.assign(got, { y1, y2, y3, z1, z2, z3 });

    const agg = tensor.sum();
    const aggItem = agg.item();
    // print(agg_item, type(agg_item)): Python's float is JavaScript's number.
    assert.equal(typeof aggItem, 'number');
    print(pyFloat(aggItem as number), "<class 'float'>");

    print(`${tensor} \n`);
    tensor.add_(5);
    print(tensor);

    let t = torch.ones(5);
    print(`t: ${t}`);
    // DIVERGENCE: t.numpy() throws (no NumPy); toTypedArray() is a copy that does not follow
    // t.add_(1), so it is taken again after it.
    let n = t.toTypedArray() as Float32Array | Float64Array;
    print(`n: ${npStr(n)}`);

    t.add_(1);
    n = t.toTypedArray() as Float32Array; // DIVERGENCE: see above
    print(`t: ${t}`);
    print(`n: ${npStr(n)}`);

    n = new Float64Array(5).fill(1); // np.ones(5)
    // DIVERGENCE: torch.from_numpy(n) does not exist; torch.tensor copies and does not follow
    // np.add(n, 1, out=n), so it is built again after it.
    t = torch.tensor(n);

    n.forEach((v, i) => { n[i] = v + 1; }); // np.add(n, 1, out=n)
    t = torch.tensor(n); // DIVERGENCE: see above
    print(`t: ${t}`);
    print(`n: ${npStr(n)}`);
  });
  for (const k of ['x_np', 'y1', 'y2', 'y3', 'z1', 'z2', 'z3'] as const) assertTensor(got[k], want[k], {}, k);
});

// beginner_source/basics/autogradqs_tutorial.py
test('basics/autogradqs_tutorial: BCE-with-logits gradients, no_grad, detach, Jacobian products', async () => {
  const want = fx.autogradqs;
  await run(want, () => {
    torch.manualSeed(0);
    const x = torch.ones(5); // input tensor
    const y = torch.zeros(3); // expected output
    const w = torch.randn(5, 3, { requiresGrad: true });
    const b = torch.randn(3, { requiresGrad: true });
    let z = torch.matmul(x, w).add(b);
    const loss = torch.nn.functional.binaryCrossEntropyWithLogits(z, y);

    print(`Gradient function for z = ${z.gradFn}`);
    print(`Gradient function for loss = ${loss.gradFn}`);

    loss.backward();
    print(w.grad);
    print(b.grad);
    assertClose([Number(loss.item())], [want.loss], 1e-6, 'loss');
    assertTensor(w.grad!, want.w_grad);
    assertTensor(b.grad!, want.b_grad);

    z = torch.matmul(x, w).add(b);
    print(z.requiresGrad);

    z = torch.noGrad(() => torch.matmul(x, w).add(b));
    print(z.requiresGrad);

    z = torch.matmul(x, w).add(b);
    const zDet = z.detach();
    print(zDet.requiresGrad);

    const inp = torch.eye(4, 5, { requiresGrad: true });
    const out = inp.add(1).pow(2).t();
    out.backward(torch.onesLike(out), { retainGraph: true });
    print(`First call\n${inp.grad}`);
    out.backward(torch.onesLike(out), { retainGraph: true });
    print(`\nSecond call\n${inp.grad}`);
    inp.grad!.zero_();
    out.backward(torch.onesLike(out), { retainGraph: true });
    print(`\nCall after zeroing gradients\n${inp.grad}`);
  });
});

// beginner_source/basics/buildmodel_tutorial.py
test('basics/buildmodel_tutorial: Flatten, Linear, ReLU, Sequential, Softmax, named_parameters', async () => {
  const want = fx.buildmodel;
  await run(want, () => {
    torch.manualSeed(0);
    const device = (
      torch.cuda.isAvailable()
        ? 'cuda'
        : torch.backends.mps.isAvailable()
          ? 'mps'
          : 'cpu'
    );
    print(`Using ${device} device`);

    class NeuralNetwork extends nn.Module {
      flatten = new nn.Flatten();
      linear_relu_stack = new nn.Sequential(
        new nn.Linear(28 * 28, 512),
        new nn.ReLU(),
        new nn.Linear(512, 512),
        new nn.ReLU(),
        new nn.Linear(512, 10),
      );

      override forward(x: Tensor): Tensor {
        x = this.flatten.forward(x);
        const logits = this.linear_relu_stack.forward(x);
        return logits;
      }
    }

    const model = new NeuralNetwork().to(device);
    print(model);

    const X = torch.rand(1, 28, 28, { device });
    let logits = model.forward(X);
    let predProbab = new nn.Softmax({ dim: 1 }).forward(logits);
    const yPred = predProbab.argmax(1);
    print(`Predicted class: ${yPred}`);
    assertTensor(logits.detach(), want.logits);
    assertTensor(predProbab.detach(), want.pred_probab);

    let inputImage = torch.rand(3, 28, 28);
    print(size(inputImage.size()));

    const flatten = new nn.Flatten();
    const flatImage = flatten.forward(inputImage);
    print(size(flatImage.size()));

    const layer1 = new nn.Linear({ inFeatures: 28 * 28, outFeatures: 20 });
    let hidden1 = layer1.forward(flatImage);
    print(size(hidden1.size()));

    print(`Before ReLU: ${hidden1}\n\n`);
    hidden1 = new nn.ReLU().forward(hidden1);
    print(`After ReLU: ${hidden1}`);

    const seqModules = new nn.Sequential(
      flatten,
      layer1,
      new nn.ReLU(),
      new nn.Linear(20, 10),
    );
    inputImage = torch.rand(3, 28, 28);
    logits = seqModules.forward(inputImage);

    const softmax = new nn.Softmax({ dim: 1 });
    predProbab = softmax.forward(logits);
    assertTensor(predProbab.detach(), want.seq_pred_probab);

    print(`Model structure: ${model}\n\n`);

    for (const [name, param] of model.namedParameters()) {
      print(`Layer: ${name} | Size: ${size(param.size())} | Values : ${param.index(':2')} \n`);
    }
  });
});
