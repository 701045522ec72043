// bentrevett/pytorch-image-classification transcribed line for line (1_mlp, 2_lenet, 3_alexnet,
// 4_vgg, 5_resnet), against the same programs run by PyTorch 1.13
// (scripts/fixtures/porting_image_classification.py, which gives the revision and the reductions):
// mean/std of the training images, RandomRotation / RandomCrop(padding) / RandomHorizontalFlip /
// Resize / CenterCrop / Normalize, data.random_split and copy.deepcopy of the validation subset
// with test transforms, MLP / LeNet / AlexNet / VGG / ResNet (BasicBlock, Bottleneck) as written,
// count_parameters, initialize_parameters through model.apply, the LR finder (an _LRScheduler
// subclass, IteratorWrapper, torch.save / torch.load of the initial state), train / evaluate with
// calculate_accuracy and calculate_topk_accuracy, discriminative fine-tuning parameter groups,
// OneCycleLR with one max_lr per group, get_predictions, the confusion matrix, the most incorrect
// examples, get_representations, imagine_digit / imagine_image, plot_filter / plot_subsample /
// plot_filtered_images / plot_filters' computations and the printed lines.
// Where torchlette diverges from PyTorch the spot is marked DIVERGENCE.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import * as Data from '../../src/utils/data/index.js';
import * as torchvision from '../../src/vision/index.js';
import { assertTensor, loadFixture } from '../helpers/fixtures.js';

const { datasets, models, transforms } = torchvision;
const Image = torchvision.Image;
const F = nn.functional;
const lr_scheduler = optim.lrScheduler;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_image_classification.json');
const FASHION = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const TMP = mkdtempSync(join(tmpdir(), 'porting-image-classification-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));

function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
const tsum = (t: Tensor): number => Number(t.double().sum().item());
const item = (t: Tensor): number => Number(t.item());
/** Python's f'{v:.{d}f}' (round half to even on the exact binary value). */
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
/** f'{n:,}' */
const commas = (n: number): string => n.toLocaleString('en-US');
/** f'{epoch+1:02}' */
const pad2 = (n: number): string => String(n).padStart(2, '0');
function printer(): { lines: string[]; print: (...a: unknown[]) => void } {
  const lines: string[] = [];
  return { lines, print: (...a: unknown[]) => lines.push(...a.map(String).join(' ').split('\n')) };
}
/** The printed lines, the time in 'Epoch Time: 0m 6s' left out (it is the machine's). */
function assertLines(got: string[], want: string[], lossRtol = 0): void {
  const strip = (l: string): string => l.replace(/Epoch Time: \d+m \d+s/, 'Epoch Time: -');
  if (lossRtol === 0) {
    assert.deepEqual(got.map(strip), want.map(strip));
    return;
  }
  // a loose run: the losses printed with 3 decimals are compared as numbers
  const loss = /(Loss: )(\d+\.\d+)/;
  assert.equal(got.length, want.length, 'printed lines');
  got.forEach((g, i) => {
    const [mg, mw] = [loss.exec(g), loss.exec(want[i])];
    if (mg && mw) close(Number(mg[2]), Number(mw[2]), lossRtol, `printed ${want[i]}`, 1e-3);
    assert.equal(strip(g).replace(loss, '$1-'), strip(want[i]).replace(loss, '$1-'), `line ${i}`);
  });
}
function assertSums(got: Record<string, number>, want: Record<string, number>, rtol: number, label: string, atol = 1e-6): void {
  assert.deepEqual(Object.keys(got), Object.keys(want), `${label}: keys`);
  for (const k of Object.keys(want)) close(got[k], want[k], rtol, `${label} ${k}`, atol);
}
const stateSums = (m: nn.Module, skipBatches = false): Record<string, number> =>
  Object.fromEntries(Object.entries(m.stateDict()).filter(([k]) => !(skipBatches && k.endsWith('num_batches_tracked'))).map(([k, v]) => [k, tsum(v as Tensor)]));
/** for (x, y) in itertools.islice(iterator, n) */
function* islice<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const v of it) {
    yield v;
    if (++i >= n) return;
  }
}

function seed_all(): void {
  const SEED = 1234;

  // random.seed(SEED); np.random.seed(SEED): nothing here draws from them
  torch.manualSeed(SEED);
  torch.cuda.manualSeed(SEED);
  torch.backends.cudnn.deterministic = true;
}

/** What the notebooks read of datasets.CIFAR10: .data, .targets, .classes, __getitem__. */
class FakeCIFAR10 extends Data.Dataset<[Any, number]> {
  static classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  classes = FakeCIFAR10.classes;
  data: Tensor;
  targets: number[];
  transform: ((img: Any) => Any) | null;
  constructor(n: number, seed: number, transform: ((img: Any) => Any) | null = null) {
    super();
    const g = new torch.Generator().manualSeed(seed);
    this.data = torch.randint(0, 256, [n, 32, 32, 3], { dtype: 'uint8', generator: g });
    this.targets = torch.randint(0, 10, [n], { generator: g }).tolist() as number[];
    this.transform = transform;
  }

  getItem(index: number): [Any, number] {
    const [img0, target] = [this.data.index(index), this.targets[index]];
    let img: Any = Image.fromArray(img0.contiguous().toTypedArray() as Uint8Array, 32, 32, 3); // Image.fromarray(img)
    if (this.transform !== null) img = this.transform(img);
    return [img, target];
  }

  get length(): number {
    return this.data.shape[0];
  }
}

// ---------------------------------------------------------------- shared cells
function count_parameters(model: nn.Module): number {
  let n = 0;
  for (const p of model.parameters()) if (p.requiresGrad) n += p.numel();
  return n;
}

function calculate_accuracy(y_pred: Tensor, y: Tensor): Tensor {
  const top_pred = y_pred.argmax(1, { keepdim: true });
  const correct = top_pred.eq(y.viewAs(top_pred)).sum();
  const acc = correct.float().div(y.shape[0]);
  return acc;
}

type Batch = [Tensor, Tensor];
type Net = nn.Module & { forward(x: Tensor): [Tensor, Tensor] };
type Train = (model: Net, iterator: Iterable<Batch>, optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, device: string) => [number, number];

function make_train(n_batches: number, record: number[]): Train {
  return function train(model, iterator, optimizer, criterion, device) {
    let epoch_loss = 0;
    let epoch_acc = 0;

    model.train();

    for (let [x, y] of islice(iterator, n_batches)) {
      x = x.to(device);
      y = y.to(device);

      optimizer.zeroGrad();

      const [y_pred] = model.call(x) as [Tensor, Tensor];

      const loss = criterion.call(y_pred, y) as Tensor;

      const acc = calculate_accuracy(y_pred, y);

      loss.backward();

      optimizer.step();

      epoch_loss += item(loss);
      epoch_acc += item(acc);
      record.push(item(loss));
    }

    return [epoch_loss / n_batches, epoch_acc / n_batches];
  };
}

function make_evaluate(n_batches: number): Train {
  return function evaluate(model, iterator, _optimizer, criterion, device) {
    let epoch_loss = 0;
    let epoch_acc = 0;

    model.eval();

    torch.noGrad(() => {
      for (let [x, y] of islice(iterator, n_batches)) {
        x = x.to(device);
        y = y.to(device);

        const [y_pred] = model.call(x) as [Tensor, Tensor];

        const loss = criterion.call(y_pred, y) as Tensor;

        const acc = calculate_accuracy(y_pred, y);

        epoch_loss += item(loss);
        epoch_acc += item(acc);
      }
    });

    return [epoch_loss / n_batches, epoch_acc / n_batches];
  };
}

function epoch_time(start_time: number, end_time: number): [number, number] {
  const elapsed_time = end_time - start_time;
  const elapsed_mins = Math.trunc(elapsed_time / 60);
  const elapsed_secs = Math.trunc(elapsed_time - elapsed_mins * 60);
  return [elapsed_mins, elapsed_secs];
}
const monotonic = (): number => performance.now() / 1000;

function get_predictions(model: Net, iterator: Iterable<Batch>, device: string, n_batches: number): [Tensor, Tensor, Tensor] {
  model.eval();

  let images: Tensor[] | Tensor = [];
  let labels: Tensor[] | Tensor = [];
  let probs: Tensor[] | Tensor = [];

  torch.noGrad(() => {
    for (let [x, y] of islice(iterator, n_batches)) {
      x = x.to(device);

      const [y_pred] = model.call(x) as [Tensor, Tensor];

      const y_prob = F.softmax(y_pred, { dim: -1 });

      (images as Tensor[]).push(x.cpu());
      (labels as Tensor[]).push(y.cpu());
      (probs as Tensor[]).push(y_prob.cpu());
    }
  });

  images = torch.cat(images, { dim: 0 });
  labels = torch.cat(labels, { dim: 0 });
  probs = torch.cat(probs, { dim: 0 });

  return [images, labels, probs];
}

function get_representations(model: Net, iterator: Iterable<Batch>, device: string, n_batches: number): [Tensor, Tensor, Tensor] {
  model.eval();

  const outputs: Tensor[] = [];
  const intermediates: Tensor[] = [];
  const labels: Tensor[] = [];

  torch.noGrad(() => {
    for (let [x, y] of islice(iterator, n_batches)) {
      x = x.to(device);

      const [y_pred, h] = model.call(x) as [Tensor, Tensor];

      outputs.push(y_pred.cpu());
      intermediates.push(h.cpu());
      labels.push(y);
    }
  });

  return [torch.cat(outputs, { dim: 0 }), torch.cat(intermediates, { dim: 0 }), torch.cat(labels, { dim: 0 })];
}

function checkPredictions(images: Tensor, labels: Tensor, probs: Tensor, want: Any, tol: number, label: string, n_classes = 10): void {
  const pred_labels = torch.argmax(probs, 1);
  // plot_confusion_matrix: sklearn's confusion_matrix(labels, pred_labels) as a bincount
  const cm = torch.bincount(labels.mul(n_classes).add(pred_labels), { minlength: n_classes * n_classes }).view(n_classes, n_classes);
  const corrects = torch.eq(labels, pred_labels);
  const incorrect_examples: [Tensor, Tensor, Tensor][] = [];

  const n = images.shape[0];
  for (let i = 0; i < n; i++) {
    const [image, lab, prob, correct] = [images.index(i), labels.index(i), probs.index(i), corrects.index(i)];
    if (!correct.item()) incorrect_examples.push([image, lab, prob]);
  }

  // list.sort(reverse=True, key=...) is stable: equal keys keep their order
  const keyed = incorrect_examples.map((e) => ({ e, k: item(torch.max(e[2], { dim: 0 }).values) }));
  keyed.sort((a, b) => b.k - a.k);
  const sorted = keyed.map((p) => p.e);

  close(tsum(images), want.images_sum, 1e-6, `${label} images`, 1e-3);
  assertTensor(labels, want.labels, {}, `${label} labels`);
  assertTensor(probs, want.probs, { rtol: tol, atol: tol }, `${label} probs`);
  if (tol > 1e-4) {
    // a loose run (see the callers): an argmax may flip where two probabilities are within tol
    const got = pred_labels.tolist() as number[];
    const wantPred = want.pred_labels.data as number[];
    const p = probs.tolist() as number[][];
    let flips = 0;
    got.forEach((g, i) => {
      if (g === wantPred[i]) return;
      flips++;
      assert.ok(Math.abs(p[i][g] - p[i][wantPred[i]]) <= 2 * tol, `${label} pred_labels[${i}]: got ${g}, expected ${wantPred[i]} (not a near tie)`);
    });
    if (flips > 0) return;
  }
  assertTensor(pred_labels, want.pred_labels, {}, `${label} pred_labels`);
  assertTensor(cm, want.cm, {}, `${label} confusion matrix`);
  assert.equal(incorrect_examples.length, want.n_incorrect, `${label} incorrect`);
  // plot_most_incorrect's titles
  sorted.slice(0, 6).forEach(([image, true_label, probs_i], i) => {
    const true_prob = probs_i.index(true_label);
    const { values: incorrect_prob, indices: incorrect_label } = torch.max(probs_i, { dim: 0 });
    const title = `true label: ${item(true_label)} (${pyFixed(item(true_prob), 3)})\n` +
      `pred label: ${item(incorrect_label)} (${pyFixed(item(incorrect_prob), 3)})`;
    assert.equal(title, want.most[i].title, `${label} most incorrect ${i}`);
    close(tsum(image), want.most[i].image_sum, 1e-6, `${label} most incorrect ${i} image`, 1e-3);
  });
}

function normalize_image(image: Tensor): Tensor {
  const image_min = image.min();
  const image_max = image.max();
  image.clamp_({ min: image_min, max: image_max });
  image.add_(image_min.neg()).div_(image_max.sub(image_min).add(1e-5));
  return image;
}

// ---------------------------------------------------------------- LR finder (3_alexnet.ipynb)
class LRFinder {
  optimizer: optim.Optimizer;
  model: Net;
  criterion: nn.CrossEntropyLoss;
  device: string;
  constructor(model: Net, optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, device: string, private print: (s: string) => void) {
    this.optimizer = optimizer;
    this.model = model;
    this.criterion = criterion;
    this.device = device;

    torch.save(model.stateDict(), join(TMP, 'init_params.pt'));
  }

  range_test(iterator: Iterable<Batch>, end_lr = 10, num_iter = 100, smooth_f = 0.05, diverge_th = 5): [number[], number[]] {
    const lrs: number[] = [];
    const losses: number[] = [];
    let best_loss = Infinity;

    const lr_scheduler = new ExponentialLR(this.optimizer, end_lr, num_iter);

    const wrapped = new IteratorWrapper(iterator);

    for (let iteration = 0; iteration < num_iter; iteration++) {
      let loss = this._train_batch(wrapped);

      lrs.push(lr_scheduler.getLastLr()[0]);

      // update lr
      lr_scheduler.step();

      if (iteration > 0) loss = smooth_f * loss + (1 - smooth_f) * losses.at(-1)!;

      if (loss < best_loss) best_loss = loss;

      losses.push(loss);

      if (loss > diverge_th * best_loss) {
        this.print('Stopping early, the loss has diverged');
        break;
      }
    }

    // reset model to initial parameters
    this.model.loadStateDict(torch.load(join(TMP, 'init_params.pt')));

    return [lrs, losses];
  }

  _train_batch(iterator: IteratorWrapper): number {
    this.model.train();

    this.optimizer.zeroGrad();

    let [x, y] = iterator.get_batch();

    x = x.to(this.device);
    y = y.to(this.device);

    const [y_pred] = this.model.call(x) as [Tensor, Tensor];

    const loss = this.criterion.call(y_pred, y) as Tensor;

    loss.backward();

    this.optimizer.step();

    return item(loss);
  }
}

class ExponentialLR extends lr_scheduler.LRScheduler {
  end_lr: number;
  num_iter: number;
  constructor(optimizer: optim.Optimizer, end_lr: number, num_iter: number, last_epoch = -1) {
    // Python sets end_lr / num_iter before super().__init__ (which steps once); JavaScript
    // cannot touch `this` before super(), so the first step is initialStep() afterwards.
    super(optimizer, last_epoch);
    this.end_lr = end_lr;
    this.num_iter = num_iter;
    this.initialStep();
  }

  protected ownState(): string[] {
    return ['end_lr', 'num_iter'];
  }

  // get_lr: the subclass API of torchlette's LRScheduler is computeLr (getLr wraps it)
  protected computeLr(): number[] {
    const curr_iter = this.lastEpoch;
    const r = curr_iter / this.num_iter;
    return this.baseLrs.map((base_lr) => base_lr * (this.end_lr / base_lr) ** r);
  }
}

class IteratorWrapper {
  iterator: Iterable<Batch>;
  _iterator: Iterator<Batch>;
  constructor(iterator: Iterable<Batch>) {
    this.iterator = iterator;
    this._iterator = iterator[Symbol.iterator]();
  }

  next(): Batch {
    let r = this._iterator.next();
    if (r.done) {
      // except StopIteration
      this._iterator = this.iterator[Symbol.iterator]();
      r = this._iterator.next();
    }
    const [inputs, labels] = r.value as Batch;
    return [inputs, labels];
  }

  get_batch(): Batch {
    return this.next();
  }
}

function training_loop(print: (s: string) => void, EPOCHS: number, model: Net, train_iterator: Iterable<Batch>, valid_iterator: Iterable<Batch>,
  optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, device: string, train: Train, evaluate: Train, path: string): number {
  let best_valid_loss = Infinity;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const start_time = monotonic();

    const [train_loss, train_acc] = train(model, train_iterator, optimizer, criterion, device);
    const [valid_loss, valid_acc] = evaluate(model, valid_iterator, optimizer, criterion, device);

    if (valid_loss < best_valid_loss) {
      best_valid_loss = valid_loss;
      torch.save(model.stateDict(), path);
    }

    const end_time = monotonic();

    const [epoch_mins, epoch_secs] = epoch_time(start_time, end_time);

    print(`Epoch: ${pad2(epoch + 1)} | Epoch Time: ${epoch_mins}m ${epoch_secs}s`);
    print(`\tTrain Loss: ${pyFixed(train_loss, 3)} | Train Acc: ${pyFixed(train_acc * 100, 2)}%`);
    print(`\t Val. Loss: ${pyFixed(valid_loss, 3)} |  Val. Acc: ${pyFixed(valid_acc * 100, 2)}%`);
  }
  return best_valid_loss;
}

// ================================================================ 1_mlp.ipynb / 2_lenet.ipynb
class MLP extends nn.Module {
  input_fc: nn.Linear;
  hidden_fc: nn.Linear;
  output_fc: nn.Linear;
  constructor(input_dim: number, output_dim: number) {
    super();

    this.input_fc = new nn.Linear(input_dim, 250);
    this.hidden_fc = new nn.Linear(250, 100);
    this.output_fc = new nn.Linear(100, output_dim);
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    // x = [batch size, height, width]

    const batch_size = x.shape[0];

    x = x.view(batch_size, -1);

    // x = [batch size, height * width]

    const h_1 = F.relu(this.input_fc.call(x) as Tensor);

    // h_1 = [batch size, 250]

    const h_2 = F.relu(this.hidden_fc.call(h_1) as Tensor);

    // h_2 = [batch size, 100]

    const y_pred = this.output_fc.call(h_2) as Tensor;

    // y_pred = [batch size, output dim]

    return [y_pred, h_2];
  }
}

class LeNet extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc_1: nn.Linear;
  fc_2: nn.Linear;
  fc_3: nn.Linear;
  constructor(output_dim: number) {
    super();

    this.conv1 = new nn.Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5 });

    this.conv2 = new nn.Conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5 });

    this.fc_1 = new nn.Linear(16 * 4 * 4, 120);
    this.fc_2 = new nn.Linear(120, 84);
    this.fc_3 = new nn.Linear(84, output_dim);
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    // x = [batch size, 1, 28, 28]
    x = this.conv1.call(x) as Tensor;
    // x = [batch size, 6, 24, 24]
    x = F.maxPool2d(x, { kernelSize: 2 });
    // x = [batch size, 6, 12, 12]
    x = F.relu(x);
    x = this.conv2.call(x) as Tensor;
    // x = [batch size, 16, 8, 8]
    x = F.maxPool2d(x, { kernelSize: 2 });
    // x = [batch size, 16, 4, 4]
    x = F.relu(x);
    x = x.view(x.shape[0], -1);
    // x = [batch size, 16*4*4 = 256]
    const h = x;
    x = this.fc_1.call(x) as Tensor;
    // x = [batch size, 120]
    x = F.relu(x);
    x = this.fc_2.call(x) as Tensor;
    // x = batch size, 84]
    x = F.relu(x);
    x = this.fc_3.call(x) as Tensor;
    // x = [batch size, output dim]
    return [x, h];
  }
}

function mnist_notebook(kind: 'mlp' | 'lenet'): void {
  const want = fx[kind];
  const { lines, print } = printer();
  seed_all();
  const ROOT = FASHION;
  let train_data0 = new datasets.FashionMNIST({ root: ROOT, train: true, download: false });

  const mean = train_data0.data.float().mean().div(255);
  const std = train_data0.data.float().std().div(255);

  // f'{mean}' of a 0-d tensor formats its item()
  print(`Calculated mean: ${item(mean)}`);
  print(`Calculated std: ${item(std)}`);

  const train_transforms = new transforms.Compose([
    new transforms.RandomRotation(5, { fill: [0] }),
    new transforms.RandomCrop(28, { padding: 2 }),
    new transforms.ToTensor(),
    new transforms.Normalize({ mean: [mean], std: [std] }),
  ]);

  const test_transforms = new transforms.Compose([
    new transforms.ToTensor(),
    new transforms.Normalize({ mean: [mean], std: [std] }),
  ]);

  train_data0 = new datasets.FashionMNIST({ root: ROOT, train: true, download: false, transform: train_transforms as Any });

  const test_data = new datasets.FashionMNIST({ root: ROOT, train: false, download: false, transform: test_transforms as Any });

  if (kind === 'mlp') {
    print(`Number of training examples: ${train_data0.length}`);
    print(`Number of testing examples: ${test_data.length}`);

    const N_IMAGES = 25;

    const images = Array.from({ length: N_IMAGES }, (_, i) => train_data0.getItem(i)[0] as unknown as Tensor);
    close(tsum(torch.stack(images)), want.plot_train, 1e-9, 'plot train', 1e-6);
  }

  const VALID_RATIO = 0.9;

  const n_train_examples = Math.trunc(train_data0.length * VALID_RATIO);
  const n_valid_examples = train_data0.length - n_train_examples;

  let [train_data, valid_data] = Data.randomSplit(train_data0, [n_train_examples, n_valid_examples]);
  assert.deepEqual(valid_data.indices.slice(0, 20), want.valid_indices);

  if (kind === 'mlp') {
    print(`Number of training examples: ${train_data.length}`);
    print(`Number of validation examples: ${valid_data.length}`);
    print(`Number of testing examples: ${test_data.length}`);

    const N_IMAGES = 25;

    const images = Array.from({ length: N_IMAGES }, (_, i) => valid_data.getItem(i)[0] as unknown as Tensor);
    close(tsum(torch.stack(images)), want.plot_valid_train_tf, 1e-9, 'plot valid (train transforms)', 1e-6);
  }

  valid_data = torch.deepcopy(valid_data);
  (valid_data.dataset as Any).transform = test_transforms;

  if (kind === 'mlp') {
    const N_IMAGES = 25;

    const images = Array.from({ length: N_IMAGES }, (_, i) => valid_data.getItem(i)[0] as unknown as Tensor);
    close(tsum(torch.stack(images)), want.plot_valid_test_tf, 1e-9, 'plot valid (test transforms)', 1e-6);
    assert.equal((train_data.dataset as Any).transform === train_transforms, want.train_data_transform_is_train);
  } else {
    print(`Number of training examples: ${train_data.length}`);
    print(`Number of validation examples: ${valid_data.length}`);
    print(`Number of testing examples: ${test_data.length}`);
  }

  const BATCH_SIZE = 64;

  const train_iterator = new Data.DataLoader(train_data, { shuffle: true, batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const valid_iterator = new Data.DataLoader(valid_data, { batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const test_iterator = new Data.DataLoader(test_data, { batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  if (kind === 'lenet') {
    const N_IMAGES = 5;

    const images = Array.from({ length: N_IMAGES }, (_, i) => test_data.getItem(i)[0] as unknown as Tensor);

    const plot_filter = (images0: Tensor[], filter0: number[][]): number[] => {
      const images = torch.cat(images0.map((i) => i.unsqueeze(0)), { dim: 0 }).cpu();
      const filter = torch.FloatTensor(filter0).unsqueeze(0).unsqueeze(0).cpu();

      const n_images = images.shape[0];

      const filtered_images = F.conv2d(images, filter);

      return [...Array.from({ length: n_images }, (_, i) => tsum(filtered_images.index(i).squeeze(0))), item(filtered_images.abs().max())];
    };

    const filters: Record<string, number[][]> = {
      horizontal: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
      horizontal2: [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
      vertical: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
      vertical2: [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
      diagonal: [[-2, -1, 0], [-1, 0, 1], [0, 1, 2]],
    };
    for (const [k, f] of Object.entries(filters)) closeAll(plot_filter(images, f), want.filters[k], 1e-5, `filter ${k}`, 1e-3);

    const plot_subsample = (images0: Tensor[], pool_type: string, pool_size: number): Any => {
      const images = torch.cat(images0.map((i) => i.unsqueeze(0)), { dim: 0 }).cpu();

      let pool: (x: Tensor, o: { kernelSize: number }) => Tensor;
      if (pool_type.toLowerCase() === 'max') pool = F.maxPool2d as Any;
      else if (['mean', 'avg'].includes(pool_type.toLowerCase())) pool = F.avgPool2d as Any;
      else throw new Error(`pool_type must be either max or mean, got: ${pool_type}`);

      const pooled_images = pool(images, { kernelSize: pool_size });
      return { shape: pooled_images.shape, sum: tsum(pooled_images) };
    };

    ([['max', 2], ['max', 3], ['avg', 2], ['avg', 3]] as const).forEach(([p, s], i) => {
      const got = plot_subsample(images, p, s);
      assert.deepEqual(got.shape, want.subsample[i].shape);
      close(got.sum, want.subsample[i].sum, 1e-6, `subsample ${p} ${s}`, 1e-3);
    });
  }

  let model: Net;
  if (kind === 'mlp') {
    const INPUT_DIM = 28 * 28;
    const OUTPUT_DIM = 10;

    model = new MLP(INPUT_DIM, OUTPUT_DIM);
  } else {
    const OUTPUT_DIM = 10;
    model = new LeNet(OUTPUT_DIM);
  }

  print(`The model has ${commas(count_parameters(model))} trainable parameters`);

  const optimizer = new optim.Adam(model.parameters());

  let criterion = new nn.CrossEntropyLoss();

  const device = torch.device('cpu') as Any;

  model = model.to(device);
  criterion = criterion.to(device);

  const step_losses: number[] = [];
  const train = make_train(5, step_losses);
  const evaluate = make_evaluate(3);

  const EPOCHS = kind === 'mlp' ? 2 : 1;

  const path = join(TMP, `tut-${kind}-model.pt`);
  training_loop(print, EPOCHS, model, train_iterator, valid_iterator, optimizer, criterion, device, train, evaluate, path);

  model.loadStateDict(torch.load(path));

  const [test_loss, test_acc] = evaluate(model, test_iterator, optimizer, criterion, device);

  print(`Test Loss: ${pyFixed(test_loss, 3)} | Test Acc: ${pyFixed(test_acc * 100, 2)}%`);

  closeAll(step_losses, want.step_losses, 1e-5, `${kind} step losses`);
  closeAll([test_loss, test_acc], want.test, 1e-5, `${kind} test`);
  assertSums(stateSums(model), want.params, 1e-4, `${kind} params`, 1e-4);

  const [images, labels, probs] = get_predictions(model, test_iterator, device, 4);
  checkPredictions(images, labels, probs, want.predictions, 1e-5, kind);

  if (kind === 'mlp') {
    const [outputs, intermediates, labels2] = get_representations(model, train_iterator, device, 2);
    close(tsum(outputs), want.representations[0], 1e-5, 'outputs', 1e-3);
    close(tsum(intermediates), want.representations[1], 1e-5, 'intermediates', 1e-3);
    assert.deepEqual(labels2.tolist(), want.representations[2]);

    const imagine_digit = (model: Net, digit: number, device: string, n_iterations = 50_000): [Tensor | null, Tensor | number] => {
      model.eval();

      let best_prob: Tensor | number = 0;
      let best_image: Tensor | null = null;

      torch.noGrad(() => {
        for (let _ = 0; _ < n_iterations; _++) {
          const x = torch.randn(32, 28, 28).to(device);

          const [y_pred] = model.call(x) as [Tensor, Tensor];

          const preds = F.softmax(y_pred, { dim: -1 });

          const { values: _best_prob, indices: index } = torch.max(preds.index(':', digit), { dim: 0 });

          if (item(_best_prob) > (typeof best_prob === 'number' ? best_prob : item(best_prob))) {
            best_prob = _best_prob;
            best_image = x.index(index);
          }
        }
      });

      return [best_image, best_prob];
    };

    const DIGIT = 3;

    const [best_image, best_prob] = imagine_digit(model, DIGIT, device, 20);

    print(`Best image probability: ${pyFixed(item(best_prob as Tensor) * 100, 2)}%`);
    close(item(best_prob as Tensor), want.imagine[0], 1e-5, 'imagine prob');
    close(tsum(best_image!), want.imagine[1], 1e-6, 'imagine image', 1e-4);

    const N_WEIGHTS = 25;

    const weights = (model as unknown as MLP).input_fc.weight.data;
    closeAll(Array.from({ length: N_WEIGHTS }, (_, i) => tsum(weights.index(i).view(28, 28))), want.weights, 1e-4, 'weights', 1e-4);
  }
  assertLines(lines, want.lines);
}

describe('1_mlp / 2_lenet on Fashion-MNIST', { skip: !existsSync(join(FASHION, 'train-images-idx3-ubyte.gz')) && `${FASHION} is not installed` }, () => {
  test('1_mlp.ipynb: MLP, random_split + deepcopy, train / evaluate, predictions, imagine_digit as PyTorch', () => mnist_notebook('mlp'));
  test('2_lenet.ipynb: plot_filter / plot_subsample, LeNet, train / evaluate, predictions as PyTorch', () => mnist_notebook('lenet'));
});

// ================================================================ 3_alexnet.ipynb
class AlexNet extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;
  constructor(output_dim: number) {
    super();

    this.features = new nn.Sequential(
      new nn.Conv2d(3, 64, 3, 2, 1), // in_channels, out_channels, kernel_size, stride, padding
      new nn.MaxPool2d(2), // kernel_size
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(64, 192, 3, { padding: 1 }),
      new nn.MaxPool2d(2),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(192, 384, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(384, 256, 3, { padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(256, 256, 3, { padding: 1 }),
      new nn.MaxPool2d(2),
      new nn.ReLU({ inplace: true }),
    );

    this.classifier = new nn.Sequential(
      new nn.Dropout(0.5),
      new nn.Linear(256 * 2 * 2, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout(0.5),
      new nn.Linear(4096, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Linear(4096, output_dim),
    );
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    x = this.features.call(x) as Tensor;
    const h = x.view(x.shape[0], -1);
    x = this.classifier.call(h) as Tensor;
    return [x, h];
  }
}

function initialize_parameters(m: nn.Module): void {
  if (m instanceof nn.Conv2d) {
    nn.init.kaimingNormal_(m.weight.data, { nonlinearity: 'relu' });
    nn.init.constant_(m.bias!.data, 0);
  } else if (m instanceof nn.Linear) {
    nn.init.xavierNormal_(m.weight.data, { gain: nn.init.calculateGain('relu') });
    nn.init.constant_(m.bias!.data, 0);
  }
}

// ~100 s on the JS reference backend and ~45 s on wasm: native only, for CI's hour
const SLOW_ON_JS = torch.backends.info().active !== 'native' && 'runs on the native backend only (too slow elsewhere for CI)';

test('3_alexnet.ipynb: means/stds, transforms, AlexNet, initialize_parameters, LR finder, training, predictions, filters as PyTorch', { skip: SLOW_ON_JS }, () => {
  const want = fx.alexnet;
  const { lines, print } = printer();
  seed_all();
  let train_data0 = new FakeCIFAR10(200, 1);

  // train_data.data.mean(axis=(0, 1, 2)) / 255 (a NumPy uint8 array: float64 results)
  const means = train_data0.data.double().mean([0, 1, 2]).div(255);
  const stds = train_data0.data.double().std([0, 1, 2], { unbiased: false }).div(255);
  closeAll(means.tolist() as number[], want.means, 1e-12, 'means');
  closeAll(stds.tolist() as number[], want.stds, 1e-12, 'stds');

  const train_transforms = new transforms.Compose([
    new transforms.RandomRotation(5),
    new transforms.RandomHorizontalFlip(0.5),
    new transforms.RandomCrop(32, { padding: 2 }),
    new transforms.ToTensor(),
    new transforms.Normalize({ mean: means.tolist() as number[], std: stds.tolist() as number[] }),
  ]);

  const test_transforms = new transforms.Compose([
    new transforms.ToTensor(),
    new transforms.Normalize({ mean: means.tolist() as number[], std: stds.tolist() as number[] }),
  ]);

  train_data0 = new FakeCIFAR10(200, 1, train_transforms);
  const test_data = new FakeCIFAR10(64, 2, test_transforms);

  const VALID_RATIO = 0.9;

  const n_train_examples = Math.trunc(train_data0.length * VALID_RATIO);
  const n_valid_examples = train_data0.length - n_train_examples;

  let [train_data, valid_data] = Data.randomSplit(train_data0, [n_train_examples, n_valid_examples]);

  valid_data = torch.deepcopy(valid_data);
  (valid_data.dataset as FakeCIFAR10).transform = test_transforms;

  print(`Number of training examples: ${train_data.length}`);
  print(`Number of validation examples: ${valid_data.length}`);
  print(`Number of testing examples: ${test_data.length}`);

  let N_IMAGES = 25;

  const pairs = Array.from({ length: N_IMAGES }, (_, i) => train_data.getItem(i));
  const images = pairs.map((p) => p[0] as Tensor);
  const labels = pairs.map((p) => p[1]);

  const classes = test_data.classes;
  assert.deepEqual(Array.from({ length: N_IMAGES }, (_, i) => classes[labels[i]]), want.plot_titles);
  close(tsum(torch.stack(images)), want.plot_images, 1e-9, 'plot images', 1e-5);

  // plot_images(images, labels, classes, normalize=True): normalize_image on each image
  for (let i = 0; i < N_IMAGES; i++) {
    const image = images[i];
    const image_min = image.min();
    const image_max = image.max();
    image.clamp_({ min: image_min, max: image_max });
    image.add_(image_min.neg()).div_(image_max.sub(image_min).add(1e-5));
  }
  close(tsum(torch.stack(images)), want.plot_images_normalized, 1e-9, 'plot images normalized', 1e-5);

  const plot_filter = (images0: Tensor[], filter0: number[][], normalize = true): number[][] => {
    let images = torch.cat(images0.map((i) => i.unsqueeze(0)), { dim: 0 }).cpu();
    let filter = torch.FloatTensor(filter0).unsqueeze(0).unsqueeze(0).cpu();
    filter = filter.repeat(3, 3, 1, 1);

    const n_images = images.shape[0];

    let filtered_images = F.conv2d(images, filter);

    images = images.permute(0, 2, 3, 1);
    filtered_images = filtered_images.permute(0, 2, 3, 1);

    const out: number[][] = [];
    for (let i = 0; i < n_images; i++) {
      let image = images.index(i);

      if (normalize) image = normalize_image(image);

      let image2 = filtered_images.index(i);

      if (normalize) image2 = normalize_image(image2);
      out.push([tsum(image), tsum(image2)]);
    }
    return out;
  };

  N_IMAGES = 10;

  const images10 = Array.from({ length: N_IMAGES }, (_, i) => train_data.getItem(i)[0] as Tensor);

  const horizontal_filter = [[-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1]];

  closeAll(plot_filter(images10, horizontal_filter).flat(), want.plot_filter_h.flat(), 1e-5, 'plot_filter h', 1e-4);

  const vertical_filter = [[-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1]];

  closeAll(plot_filter(images10, vertical_filter).flat(), want.plot_filter_v.flat(), 1e-5, 'plot_filter v', 1e-4);

  const plot_subsample = (images0: Tensor[], pool_type: string, pool_size: number, normalize = true): number[][] => {
    let images = torch.cat(images0.map((i) => i.unsqueeze(0)), { dim: 0 }).cpu();

    let pool: (x: Tensor, o: { kernelSize: number }) => Tensor;
    if (pool_type.toLowerCase() === 'max') pool = F.maxPool2d as Any;
    else if (['mean', 'avg'].includes(pool_type.toLowerCase())) pool = F.avgPool2d as Any;
    else throw new Error(`pool_type must be either max or mean, got: ${pool_type}`);

    const n_images = images.shape[0];

    let pooled_images = pool(images, { kernelSize: pool_size });

    images = images.permute(0, 2, 3, 1);
    pooled_images = pooled_images.permute(0, 2, 3, 1);

    const out: number[][] = [];
    for (let i = 0; i < n_images; i++) {
      let image = images.index(i);
      if (normalize) image = normalize_image(image);
      let image2 = pooled_images.index(i);
      if (normalize) image2 = normalize_image(image2);
      out.push([tsum(image), tsum(image2)]);
    }
    return out;
  };

  ([['max', 2], ['max', 3], ['avg', 2], ['avg', 3]] as const).forEach(([p, s], i) =>
    closeAll(plot_subsample(images10, p, s).flat(), want.plot_subsample[i].flat(), 1e-5, `plot_subsample ${p} ${s}`, 1e-4));

  // REDUCTION: from here on in float64 (see the fixture script)
  torch.setDefaultDtype(torch.float64);
  try {
  const BATCH_SIZE = 8;

  const train_iterator = new Data.DataLoader(train_data, { shuffle: true, batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const valid_iterator = new Data.DataLoader(valid_data, { batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const test_iterator = new Data.DataLoader(test_data, { batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const OUTPUT_DIM = 10;

  let model: Net = new AlexNet(OUTPUT_DIM);

  print(`The model has ${commas(count_parameters(model))} trainable parameters`);

  model.apply(initialize_parameters);
  assertSums(stateSums(model), want.init, 1e-10, 'init', 1e-8);

  const START_LR = 1e-7;

  let optimizer: optim.Optimizer = new optim.Adam(model.parameters(), { lr: START_LR });

  const device = torch.device('cpu') as Any;

  let criterion = new nn.CrossEntropyLoss();

  model = model.to(device);
  criterion = criterion.to(device);

  const END_LR = 10;
  const NUM_ITER = 5;

  const lr_finder = new LRFinder(model, optimizer, criterion, device, print);
  const [lrs, losses] = lr_finder.range_test(train_iterator, END_LR, NUM_ITER);
  closeAll(lrs, want.lrs, 1e-12, 'lrs', 0);
  closeAll(losses, want.losses, 1e-8, 'LR finder losses');
  assertSums(stateSums(model), want.after_finder, 1e-10, 'after finder (restored)', 1e-8);

  const [skip_start, skip_end] = [5, 5];
  closeAll(lrs.slice(skip_start, -skip_end), want.plot_lr_finder[0], 1e-12, 'plot lrs', 0);

  const FOUND_LR = 1e-3;

  optimizer = new optim.Adam(model.parameters(), { lr: FOUND_LR });

  const step_losses: number[] = [];
  const train = make_train(3, step_losses);
  const evaluate = make_evaluate(1);
  const EPOCHS = 1;
  const path = join(TMP, 'tut3-model.pt');
  training_loop(print, EPOCHS, model, train_iterator, valid_iterator, optimizer, criterion, device, train, evaluate, path);

  model.loadStateDict(torch.load(path));

  const [test_loss, test_acc] = make_evaluate(1)(model, test_iterator, optimizer, criterion, device);

  print(`Test Loss: ${pyFixed(test_loss, 3)} | Test Acc: ${pyFixed(test_acc * 100, 2)}%`);
  closeAll(step_losses, want.step_losses, 1e-8, 'step losses');
  assertSums(stateSums(model), want.params, 1e-8, 'params', 1e-6);

  const [pimages, plabels, probs] = get_predictions(model, test_iterator, device, 1);
  checkPredictions(pimages, plabels, probs, want.predictions, 1e-8, 'alexnet');

  const [outputs, intermediates, rlabels] = get_representations(model, train_iterator, device, 1);
  close(tsum(outputs), want.representations[0], 1e-8, 'outputs', 1e-6);
  close(tsum(intermediates), want.representations[1], 1e-8, 'intermediates', 1e-6);
  assert.deepEqual(rlabels.tolist(), want.representations[2]);

  const imagine_image = (model: Net, classes: string[], image: string, device: string, n_iterations = 10_000): [Tensor | null, Tensor | number] => {
    model.eval();

    const label = classes.indexOf(image);

    let best_prob: Tensor | number = 0;
    let best_image: Tensor | null = null;

    torch.noGrad(() => {
      for (let _ = 0; _ < n_iterations; _++) {
        const x = torch.randn(32, 3, 32, 32).to(device);

        const [y_pred] = model.call(x) as [Tensor, Tensor];

        const preds = F.softmax(y_pred, { dim: -1 });

        const { values: _best_prob, indices: index } = torch.max(preds.index(':', label), { dim: 0 });

        if (item(_best_prob) > (typeof best_prob === 'number' ? best_prob : item(best_prob))) {
          best_prob = _best_prob;
          best_image = x.index(index);
        }
      }
    });

    return [best_image, best_prob];
  };

  const IMAGE = 'frog';

  let [best_image, best_prob] = imagine_image(model, classes, IMAGE, device, 1);

  print(`Best image probability: ${pyFixed(item(best_prob as Tensor) * 100, 2)}%`);

  best_image = normalize_image(best_image!);
  close(item(best_prob as Tensor), want.imagine[0], 1e-8, 'imagine prob');
  close(tsum(best_image), want.imagine[1], 1e-10, 'imagine image', 1e-8);

  const plot_filtered_images = (images0: Tensor[], filters0: Tensor, n_filters: number | null = null, normalize = true): number[][] => {
    const images = torch.cat(images0.map((i) => i.unsqueeze(0)), { dim: 0 }).cpu();
    let filters = filters0.cpu();

    if (n_filters !== null) filters = filters.index(`:${n_filters}`);

    const n_images = images.shape[0];
    n_filters = filters.shape[0];

    const filtered_images = F.conv2d(images, filters);

    const out: number[][] = [];
    for (let i = 0; i < n_images; i++) {
      let image = images.index(i);

      if (normalize) image = normalize_image(image);

      const row = [tsum(image)];
      for (let j = 0; j < n_filters; j++) {
        image = filtered_images.index(i).index(j);

        if (normalize) image = normalize_image(image);
        row.push(tsum(image));
      }
      out.push(row);
    }
    return out;
  };

  N_IMAGES = 5;
  const N_FILTERS = 7;

  const fimages = Array.from({ length: N_IMAGES }, (_, i) => test_data.getItem(i)[0] as Tensor);
  const filters = ((model as unknown as AlexNet).features.get(0) as nn.Conv2d).weight.data;

  closeAll(plot_filtered_images(fimages, filters, N_FILTERS).flat(), want.plot_filtered_images.flat(), 1e-8, 'plot_filtered_images', 1e-6);

  const plot_filters = (filters0: Tensor, normalize = true): number[] => {
    const filters = filters0.cpu();

    const n_filters = filters.shape[0];

    const rows = Math.trunc(Math.sqrt(n_filters));
    const cols = Math.trunc(Math.sqrt(n_filters));

    const out: number[] = [];
    for (let i = 0; i < rows * cols; i++) {
      let image = filters.index(i);

      if (normalize) image = normalize_image(image);
      out.push(tsum(image.permute(1, 2, 0)));
    }
    return out;
  };

  closeAll(plot_filters(filters), want.plot_filters, 1e-8, 'plot_filters', 1e-6);
  // normalize_image works in place on views of the first conv's weight
  close(tsum(((model as unknown as AlexNet).features.get(0) as nn.Conv2d).weight), want.filters_after, 1e-8, 'filters after', 1e-6);

  const alexnet = models.alexnet({ weights: null });

  print(alexnet);
  } finally {
    torch.setDefaultDtype(torch.float32);
  }
  assertLines(lines, want.lines);
});

// ================================================================ 4_vgg.ipynb
class VGG extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;
  // REDUCTION: 512 * 7 * 7 -> in_channels * 7 * 7 and 4096 -> hidden (the defaults are the notebook's)
  constructor(features: nn.Sequential, output_dim: number, in_channels = 512, hidden = 4096) {
    super();

    this.features = features;

    this.avgpool = new nn.AdaptiveAvgPool2d(7);

    this.classifier = new nn.Sequential(
      new nn.Linear(in_channels * 7 * 7, hidden),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout(0.5),
      new nn.Linear(hidden, hidden),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout(0.5),
      new nn.Linear(hidden, output_dim),
    );
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    x = this.features.call(x) as Tensor;
    x = this.avgpool.call(x) as Tensor;
    const h = x.view(x.shape[0], -1);
    x = this.classifier.call(h) as Tensor;
    return [x, h];
  }
}

const vgg11_config = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'];
const vgg_small_config = [8, 'M', 16, 'M', 32, 32, 'M'];

function get_vgg_layers(config: (number | string)[], batch_norm: boolean): nn.Sequential {
  let layers: nn.Module[] = [];
  let in_channels = 3;

  for (const c of config) {
    assert.ok(c === 'M' || typeof c === 'number');
    if (c === 'M') {
      layers = [...layers, new nn.MaxPool2d({ kernelSize: 2 })];
    } else {
      const conv2d = new nn.Conv2d(in_channels, c as number, { kernelSize: 3, padding: 1 });
      if (batch_norm) layers = [...layers, conv2d, new nn.BatchNorm2d(c as number), new nn.ReLU({ inplace: true })];
      else layers = [...layers, conv2d, new nn.ReLU({ inplace: true })];
      in_channels = c as number;
    }
  }

  return new nn.Sequential(...layers);
}

test('4_vgg.ipynb: VGG11-bn printed, counted and loaded from vgg11_bn; reduced VGG with LR finder and discriminative fine-tuning as PyTorch', () => {
  const want = fx.vgg;
  const { lines, print } = printer();
  seed_all();
  {
    const vgg11_layers = get_vgg_layers(vgg11_config, true);

    print(vgg11_layers);

    const OUTPUT_DIM = 10;

    const model = new VGG(vgg11_layers, OUTPUT_DIM);

    print(model);

    const pretrained_model = models.vgg11Bn({ weights: null });

    print(pretrained_model);

    const classifier = (pretrained_model as Any).classifier as nn.Sequential;
    print(classifier.get(-1));

    const IN_FEATURES = (classifier.get(-1) as nn.Linear).inFeatures;

    const final_fc = new nn.Linear(IN_FEATURES, OUTPUT_DIM);

    classifier.set(-1, final_fc);

    print(classifier);

    model.loadStateDict(pretrained_model.stateDict());
    const sd = model.stateDict() as Record<string, Tensor>;
    assertSums(Object.fromEntries(Object.keys(want.loaded).map((k) => [k, tsum(sd[k])])), want.loaded, 1e-4, 'vgg11_bn loaded', 1e-2);
    assert.equal(Object.keys(sd).length, want.n_keys);

    print(`The model has ${commas(count_parameters(model))} trainable parameters`);
  }

  // REDUCTION: the trained VGG
  const OUTPUT_DIM = 10;
  let model: Net = new VGG(get_vgg_layers(vgg_small_config, true), OUTPUT_DIM, 32, 64);
  print(`The model has ${commas(count_parameters(model))} trainable parameters`);

  const pretrained_size = 40;
  const pretrained_means = [0.485, 0.456, 0.406];
  const pretrained_stds = [0.229, 0.224, 0.225];

  const train_transforms = new transforms.Compose([
    new transforms.Resize(pretrained_size),
    new transforms.RandomRotation(5),
    new transforms.RandomHorizontalFlip(0.5),
    new transforms.RandomCrop(pretrained_size, { padding: 10 }),
    new transforms.ToTensor(),
    new transforms.Normalize({ mean: pretrained_means, std: pretrained_stds }),
  ]);

  const test_transforms = new transforms.Compose([
    new transforms.Resize(pretrained_size),
    new transforms.ToTensor(),
    new transforms.Normalize({ mean: pretrained_means, std: pretrained_stds }),
  ]);

  const train_data0 = new FakeCIFAR10(100, 3, train_transforms);
  const test_data = new FakeCIFAR10(32, 4, test_transforms);

  const VALID_RATIO = 0.9;

  const n_train_examples = Math.trunc(train_data0.length * VALID_RATIO);
  const n_valid_examples = train_data0.length - n_train_examples;

  let [train_data, valid_data] = Data.randomSplit(train_data0, [n_train_examples, n_valid_examples]);

  valid_data = torch.deepcopy(valid_data);
  (valid_data.dataset as FakeCIFAR10).transform = test_transforms;

  print(`Number of training examples: ${train_data.length}`);
  print(`Number of validation examples: ${valid_data.length}`);
  print(`Number of testing examples: ${test_data.length}`);

  const N_IMAGES = 25;

  const images = Array.from({ length: N_IMAGES }, (_, i) => train_data.getItem(i)[0] as Tensor);

  close(tsum(torch.stack(images)), want.plot_images, 1e-9, 'plot images', 1e-4);
  close(tsum(torch.stack(images.map((im) => normalize_image(im)))), want.plot_images_normalized, 1e-9, 'plot images normalized', 1e-4);

  const BATCH_SIZE = 16;

  const train_iterator = new Data.DataLoader(train_data, { shuffle: true, batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const valid_iterator = new Data.DataLoader(valid_data, { batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const test_iterator = new Data.DataLoader(test_data, { batchSize: BATCH_SIZE }) as unknown as Iterable<Batch>;

  const START_LR = 1e-7;

  let optimizer: optim.Optimizer = new optim.Adam(model.parameters(), { lr: START_LR });

  const device = torch.device('cpu') as Any;

  let criterion = new nn.CrossEntropyLoss();

  model = model.to(device);
  criterion = criterion.to(device);

  const END_LR = 10;
  const NUM_ITER = 6;

  const lr_finder = new LRFinder(model, optimizer, criterion, device, print);
  const [lrs, losses] = lr_finder.range_test(train_iterator, END_LR, NUM_ITER);
  closeAll(lrs, want.lrs, 1e-12, 'lrs', 0);
  closeAll(losses, want.losses, 1e-5, 'LR finder losses');

  const FOUND_LR = 5e-4;

  const vgg = model as unknown as VGG;
  const params = [
    { params: vgg.features.parameters(), lr: FOUND_LR / 10 },
    { params: vgg.classifier.parameters() },
  ];

  optimizer = new optim.Adam(params, { lr: FOUND_LR });
  closeAll(optimizer.paramGroups.map((g) => g.lr as number), want.group_lrs, 0, 'group lrs', 0);

  const step_losses: number[] = [];
  const train = make_train(6, step_losses);
  const evaluate = make_evaluate(1);
  const EPOCHS = 1;
  const path = join(TMP, 'tut4-model.pt');
  training_loop(print, EPOCHS, model, train_iterator, valid_iterator, optimizer, criterion, device, train, evaluate, path);

  model.loadStateDict(torch.load(path));

  const [test_loss, test_acc] = make_evaluate(2)(model, test_iterator, optimizer, criterion, device);

  print(`Test Loss: ${pyFixed(test_loss, 3)} | Test Acc: ${pyFixed(test_acc * 100, 2)}%`);
  closeAll(step_losses, want.step_losses, 1e-4, 'step losses');
  assertSums(stateSums(model), want.params, 1e-4, 'params', 1e-3);

  const [pimages, plabels, probs] = get_predictions(model, test_iterator, device, 2);
  checkPredictions(pimages, plabels, probs, want.predictions, 1e-4, 'vgg');
  assertLines(lines, want.lines);
});

// ================================================================ 5_resnet.ipynb
interface Block extends nn.Module {
  forward(x: Tensor): Tensor;
}
interface BlockClass {
  expansion: number;
  new (in_channels: number, out_channels: number, stride?: number, downsample?: boolean): Block;
}

class BasicBlock extends nn.Module {
  static expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  relu: nn.ReLU;
  downsample: nn.Sequential | null;

  constructor(in_channels: number, out_channels: number, stride = 1, downsample0 = false) {
    super();

    this.conv1 = new nn.Conv2d(in_channels, out_channels, { kernelSize: 3, stride, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(out_channels);

    this.conv2 = new nn.Conv2d(out_channels, out_channels, { kernelSize: 3, stride: 1, padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(out_channels);

    this.relu = new nn.ReLU({ inplace: true });

    let downsample: nn.Sequential | null;
    if (downsample0) {
      const conv = new nn.Conv2d(in_channels, out_channels, { kernelSize: 1, stride, bias: false });
      const bn = new nn.BatchNorm2d(out_channels);
      downsample = new nn.Sequential(conv, bn);
    } else {
      downsample = null;
    }

    this.downsample = downsample;
  }

  override forward(x: Tensor): Tensor {
    let i = x;

    x = this.conv1.call(x) as Tensor;
    x = this.bn1.call(x) as Tensor;
    x = this.relu.call(x) as Tensor;

    x = this.conv2.call(x) as Tensor;
    x = this.bn2.call(x) as Tensor;

    if (this.downsample !== null) i = this.downsample.call(i) as Tensor;

    x.add_(i); // x += i
    x = this.relu.call(x) as Tensor;

    return x;
  }
}

class Bottleneck extends nn.Module {
  static expansion = 4;
  expansion = Bottleneck.expansion;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  conv3: nn.Conv2d;
  bn3: nn.BatchNorm2d;
  relu: nn.ReLU;
  downsample: nn.Sequential | null;

  constructor(in_channels: number, out_channels: number, stride = 1, downsample0 = false) {
    super();

    this.conv1 = new nn.Conv2d(in_channels, out_channels, { kernelSize: 1, stride: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(out_channels);

    this.conv2 = new nn.Conv2d(out_channels, out_channels, { kernelSize: 3, stride, padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(out_channels);

    this.conv3 = new nn.Conv2d(out_channels, this.expansion * out_channels, { kernelSize: 1, stride: 1, bias: false });
    this.bn3 = new nn.BatchNorm2d(this.expansion * out_channels);

    this.relu = new nn.ReLU({ inplace: true });

    let downsample: nn.Sequential | null;
    if (downsample0) {
      const conv = new nn.Conv2d(in_channels, this.expansion * out_channels, { kernelSize: 1, stride, bias: false });
      const bn = new nn.BatchNorm2d(this.expansion * out_channels);
      downsample = new nn.Sequential(conv, bn);
    } else {
      downsample = null;
    }

    this.downsample = downsample;
  }

  override forward(x: Tensor): Tensor {
    let i = x;

    x = this.conv1.call(x) as Tensor;
    x = this.bn1.call(x) as Tensor;
    x = this.relu.call(x) as Tensor;

    x = this.conv2.call(x) as Tensor;
    x = this.bn2.call(x) as Tensor;
    x = this.relu.call(x) as Tensor;

    x = this.conv3.call(x) as Tensor;
    x = this.bn3.call(x) as Tensor;

    if (this.downsample !== null) i = this.downsample.call(i) as Tensor;

    x.add_(i); // x += i
    x = this.relu.call(x) as Tensor;

    return x;
  }
}

interface ResNetConfig { block: BlockClass; n_blocks: number[]; channels: number[] }
// ResNetConfig = namedtuple('ResNetConfig', ['block', 'n_blocks', 'channels'])
const ResNetConfig = (c: ResNetConfig): ResNetConfig => c;

const resnet18_config = ResNetConfig({ block: BasicBlock, n_blocks: [2, 2, 2, 2], channels: [64, 128, 256, 512] });

const resnet50_config = ResNetConfig({ block: Bottleneck, n_blocks: [3, 4, 6, 3], channels: [64, 128, 256, 512] });

class ResNet extends nn.Module {
  in_channels: number;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  maxpool: nn.MaxPool2d;
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  layer4: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  fc: nn.Linear;

  constructor(config: ResNetConfig, output_dim: number) {
    super();

    const { block, n_blocks, channels } = config;
    this.in_channels = channels[0];

    assert.ok(n_blocks.length === channels.length && channels.length === 4);

    this.conv1 = new nn.Conv2d(3, this.in_channels, { kernelSize: 7, stride: 2, padding: 3, bias: false });
    this.bn1 = new nn.BatchNorm2d(this.in_channels);
    this.relu = new nn.ReLU({ inplace: true });
    this.maxpool = new nn.MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 });

    this.layer1 = this.get_resnet_layer(block, n_blocks[0], channels[0]);
    this.layer2 = this.get_resnet_layer(block, n_blocks[1], channels[1], 2);
    this.layer3 = this.get_resnet_layer(block, n_blocks[2], channels[2], 2);
    this.layer4 = this.get_resnet_layer(block, n_blocks[3], channels[3], 2);

    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(this.in_channels, output_dim);
  }

  get_resnet_layer(block: BlockClass, n_blocks: number, channels: number, stride = 1): nn.Sequential {
    const layers: nn.Module[] = [];

    let downsample: boolean;
    if (this.in_channels !== block.expansion * channels) downsample = true;
    else downsample = false;

    layers.push(new block(this.in_channels, channels, stride, downsample));

    for (let i = 1; i < n_blocks; i++) layers.push(new block(block.expansion * channels, channels));

    this.in_channels = block.expansion * channels;

    return new nn.Sequential(...layers);
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    x = this.conv1.call(x) as Tensor;
    x = this.bn1.call(x) as Tensor;
    x = this.relu.call(x) as Tensor;
    x = this.maxpool.call(x) as Tensor;

    x = this.layer1.call(x) as Tensor;
    x = this.layer2.call(x) as Tensor;
    x = this.layer3.call(x) as Tensor;
    x = this.layer4.call(x) as Tensor;

    x = this.avgpool.call(x) as Tensor;
    const h = x.view(x.shape[0], -1);
    x = this.fc.call(h) as Tensor;

    return [x, h];
  }
}

function calculate_topk_accuracy(y_pred: Tensor, y: Tensor, k = 5): [Tensor, Tensor] {
  return torch.noGrad(() => {
    const batch_size = y.shape[0];
    let { indices: top_pred } = y_pred.topk(k, 1);
    top_pred = top_pred.t();
    const correct = top_pred.eq(y.view(1, -1).expandAs(top_pred));
    const correct_1 = correct.index(':1').reshape(-1).float().sum(0, { keepdim: true });
    const correct_k = correct.index(`:${k}`).reshape(-1).float().sum(0, { keepdim: true });
    const acc_1 = correct_1.div(batch_size);
    const acc_k = correct_k.div(batch_size);
    return [acc_1, acc_k];
  });
}

test('5_resnet.ipynb: ResNet18/50 as written loaded from torchvision, LR finder, per-group lrs + OneCycleLR, top-k accuracy as PyTorch (float64)', { skip: SLOW_ON_JS }, () => {
  const want = fx.resnet;
  const { lines, print } = printer();
  torch.setDefaultDtype(torch.float64);
  try {
    seed_all();
    let train_data0 = new FakeCIFAR10(32, 5, new transforms.ToTensor());

    let means = torch.zeros(3);
    let stds = torch.zeros(3);

    for (const [img] of train_data0 as Iterable<[Tensor, number]>) {
      means.add_(torch.mean(img, [1, 2])); // means += ...
      stds.add_(torch.std(img, [1, 2]));
    }

    means = means.div_(train_data0.length);
    stds = stds.div_(train_data0.length);

    print(`Calculated means: ${means}`);
    print(`Calculated stds: ${stds}`);

    const pretrained_size = 16;
    const pretrained_means = [0.485, 0.456, 0.406];
    const pretrained_stds = [0.229, 0.224, 0.225];

    const train_transforms = new transforms.Compose([
      new transforms.Resize(pretrained_size),
      new transforms.RandomRotation(5),
      new transforms.RandomHorizontalFlip(0.5),
      new transforms.RandomCrop(pretrained_size, { padding: 10 }),
      new transforms.ToTensor(),
      new transforms.Normalize({ mean: pretrained_means, std: pretrained_stds }),
    ]);

    const test_transforms = new transforms.Compose([
      new transforms.Resize(pretrained_size),
      new transforms.CenterCrop(pretrained_size),
      new transforms.ToTensor(),
      new transforms.Normalize({ mean: pretrained_means, std: pretrained_stds }),
    ]);

    train_data0 = new FakeCIFAR10(32, 5, train_transforms);
    const test_data = new FakeCIFAR10(16, 6, test_transforms);

    const VALID_RATIO = 0.9;

    const n_train_examples = Math.trunc(train_data0.length * VALID_RATIO);
    const n_valid_examples = train_data0.length - n_train_examples;

    let [train_data, valid_data] = Data.randomSplit(train_data0, [n_train_examples, n_valid_examples]);

    valid_data = torch.deepcopy(valid_data);
    (valid_data.dataset as FakeCIFAR10).transform = test_transforms;

    print(`Number of training examples: ${train_data.length}`);
    print(`Number of validation examples: ${valid_data.length}`);
    print(`Number of testing examples: ${test_data.length}`);

    const BATCH_SIZE = 8;

    const train_iterator = new Data.DataLoader(train_data, { shuffle: true, batchSize: BATCH_SIZE });

    const valid_iterator = new Data.DataLoader(valid_data, { batchSize: BATCH_SIZE });

    const test_iterator = new Data.DataLoader(test_data, { batchSize: BATCH_SIZE });

    let OUTPUT_DIM = 10;

    {
      const model = new ResNet(resnet50_config, OUTPUT_DIM);
      const pretrained_model = models.resnet50({ weights: null }) as Any;
      const IN_FEATURES = pretrained_model.fc.inFeatures;
      const fc = new nn.Linear(IN_FEATURES, OUTPUT_DIM);
      pretrained_model.fc = fc;
      model.loadStateDict(pretrained_model.stateDict());
      print(`The model has ${commas(count_parameters(model))} trainable parameters`);
      close(tsum(((model.layer3.get(0) as Bottleneck).conv2.weight)), want.resnet50_layer3_0_conv2, 1e-10, 'resnet50 layer3.0.conv2', 1e-10);
    }

    let model: Net = new ResNet(resnet18_config, OUTPUT_DIM);

    print(model);

    const pretrained_model = models.resnet18({ weights: null }) as Any;

    const IN_FEATURES = pretrained_model.fc.inFeatures;
    OUTPUT_DIM = test_data.classes.length;

    const fc = new nn.Linear(IN_FEATURES, OUTPUT_DIM);

    pretrained_model.fc = fc;

    model.loadStateDict(pretrained_model.stateDict());

    print(`The model has ${commas(count_parameters(model))} trainable parameters`);

    const START_LR = 1e-7;

    let optimizer: optim.Optimizer = new optim.Adam(model.parameters(), { lr: START_LR });

    const device = torch.device('cpu') as Any;

    let criterion = new nn.CrossEntropyLoss();

    model = model.to(device);
    criterion = criterion.to(device);

    const END_LR = 10;
    const NUM_ITER = 4;

    const lr_finder = new LRFinder(model, optimizer, criterion, device, print);
    const [lrs, losses] = lr_finder.range_test(train_iterator as unknown as Iterable<Batch>, END_LR, NUM_ITER);
    closeAll(lrs, want.lrs, 1e-12, 'lrs', 0);
    closeAll(losses, want.losses, 1e-9, 'LR finder losses');

    const FOUND_LR = 1e-3;

    const resnet = model as unknown as ResNet;
    const params = [
      { params: resnet.conv1.parameters(), lr: FOUND_LR / 10 },
      { params: resnet.bn1.parameters(), lr: FOUND_LR / 10 },
      { params: resnet.layer1.parameters(), lr: FOUND_LR / 8 },
      { params: resnet.layer2.parameters(), lr: FOUND_LR / 6 },
      { params: resnet.layer3.parameters(), lr: FOUND_LR / 4 },
      { params: resnet.layer4.parameters(), lr: FOUND_LR / 2 },
      { params: resnet.fc.parameters() },
    ];

    optimizer = new optim.Adam(params, { lr: FOUND_LR });

    const EPOCHS = 2;
    const STEPS_PER_EPOCH = train_iterator.length;
    const TOTAL_STEPS = EPOCHS * STEPS_PER_EPOCH;

    const MAX_LRS = optimizer.paramGroups.map((p) => p.lr as number);

    const scheduler = new lr_scheduler.OneCycleLR(optimizer, { maxLr: MAX_LRS, totalSteps: TOTAL_STEPS });
    const lr_history: number[][] = [optimizer.paramGroups.map((g) => g.lr as number)];
    const step_losses: number[] = [];

    const train = (model: Net, iterator: Iterable<Batch>, optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, scheduler: Any, device: string): [number, number, number] => {
      let epoch_loss = 0;
      let epoch_acc_1 = 0;
      let epoch_acc_5 = 0;

      model.train();

      for (let [x, y] of iterator) {
        x = x.to(device);
        y = y.to(device);

        optimizer.zeroGrad();

        const [y_pred] = model.call(x) as [Tensor, Tensor];

        const loss = criterion.call(y_pred, y) as Tensor;

        const [acc_1, acc_5] = calculate_topk_accuracy(y_pred, y);

        loss.backward();

        optimizer.step();

        scheduler.step();

        epoch_loss += item(loss);
        epoch_acc_1 += item(acc_1);
        epoch_acc_5 += item(acc_5);
        step_losses.push(item(loss));
        lr_history.push(optimizer.paramGroups.map((g) => g.lr as number));
      }

      const n = (iterator as unknown as { length: number }).length;
      epoch_loss /= n;
      epoch_acc_1 /= n;
      epoch_acc_5 /= n;

      return [epoch_loss, epoch_acc_1, epoch_acc_5];
    };

    const evaluate = (model: Net, iterator: Iterable<Batch>, criterion: nn.CrossEntropyLoss, device: string): [number, number, number] => {
      let epoch_loss = 0;
      let epoch_acc_1 = 0;
      let epoch_acc_5 = 0;

      model.eval();

      torch.noGrad(() => {
        for (let [x, y] of iterator) {
          x = x.to(device);
          y = y.to(device);

          const [y_pred] = model.call(x) as [Tensor, Tensor];

          const loss = criterion.call(y_pred, y) as Tensor;

          const [acc_1, acc_5] = calculate_topk_accuracy(y_pred, y);

          epoch_loss += item(loss);
          epoch_acc_1 += item(acc_1);
          epoch_acc_5 += item(acc_5);
        }
      });

      const n = (iterator as unknown as { length: number }).length;
      epoch_loss /= n;
      epoch_acc_1 /= n;
      epoch_acc_5 /= n;

      return [epoch_loss, epoch_acc_1, epoch_acc_5];
    };

    let best_valid_loss = Infinity;
    const path = join(TMP, 'tut5-model.pt');

    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const start_time = monotonic();

      const [train_loss, train_acc_1, train_acc_5] = train(model, train_iterator as unknown as Iterable<Batch>, optimizer, criterion, scheduler, device);
      const [valid_loss, valid_acc_1, valid_acc_5] = evaluate(model, valid_iterator as unknown as Iterable<Batch>, criterion, device);

      if (valid_loss < best_valid_loss) {
        best_valid_loss = valid_loss;
        torch.save(model.stateDict(), path);
      }

      const end_time = monotonic();

      const [epoch_mins, epoch_secs] = epoch_time(start_time, end_time);

      print(`Epoch: ${pad2(epoch + 1)} | Epoch Time: ${epoch_mins}m ${epoch_secs}s`);
      print(`\tTrain Loss: ${pyFixed(train_loss, 3)} | Train Acc @1: ${pyFixed(train_acc_1 * 100, 2).padStart(6)}% | ` +
        `Train Acc @5: ${pyFixed(train_acc_5 * 100, 2).padStart(6)}%`);
      print(`\tValid Loss: ${pyFixed(valid_loss, 3)} | Valid Acc @1: ${pyFixed(valid_acc_1 * 100, 2).padStart(6)}% | ` +
        `Valid Acc @5: ${pyFixed(valid_acc_5 * 100, 2).padStart(6)}%`);
    }

    model.loadStateDict(torch.load(path));

    const [test_loss, test_acc_1, test_acc_5] = evaluate(model, test_iterator as unknown as Iterable<Batch>, criterion, device);

    print(`Test Loss: ${pyFixed(test_loss, 3)} | Test Acc @1: ${pyFixed(test_acc_1 * 100, 2).padStart(6)}% | ` +
      `Test Acc @5: ${pyFixed(test_acc_5 * 100, 2).padStart(6)}%`);
    closeAll(step_losses, want.step_losses, 1e-8, 'step losses');
    assert.equal(lr_history.length, want.lr_history.length);
    lr_history.forEach((l, i) => closeAll(l, want.lr_history[i], 1e-12, `lr history ${i}`, 0));
    closeAll([test_loss, test_acc_1, test_acc_5], want.test, 1e-8, 'test');
    assertSums(stateSums(model, true), want.params, 1e-8, 'params', 1e-8);
    const topk = calculate_topk_accuracy(torch.tensor([[0.1, 0.5, 0.2, 0.9, 0.3, 0.0, 0.05], [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]), torch.tensor([2, 3]));
    assert.deepEqual(topk.map((t) => t.tolist()), want.topk_check);
    assertLines(lines, want.lines);
  } finally {
    torch.setDefaultDtype(torch.float32);
  }
});
