// Andrej Karpathy's "Neural Networks: Zero to Hero" makemore lectures 2-5 transcribed cell by cell
// (karpathy/nn-zero-to-hero, lectures/makemore/makemore_part2_mlp, _part3_bn, _part4_backprop,
// _part5_cnn1) against the same cells run by PyTorch 1.13 (scripts/fixtures/porting_makemore.py):
// part 2, the MLP (the embedding C, a tanh hidden layer, F.crossEntropy, minibatches from
// torch.randint, the step learning-rate decay, torch.Generator().manualSeed(2147483647) for the init
// and for sampling names with torch.multinomial); part 3, activations and BatchNorm (kaiming-scaled
// init, the hand-written batchnorm with bnmean_running/bnstd_running updated under noGrad, the
// hand-written Linear/BatchNorm1d/Tanh classes with parameters() and __call__, retainGrad on every
// layer's output, the activation / gradient / grad:data statistics, the update:data ratios, the
// histograms, and the two "activation statistics" bonus cells); part 4, backprop ninja (the whole
// backward pass written by hand, cmp() against autograd, the fused cross-entropy and batchnorm
// backward formulas, a training loop on the manual gradients under noGrad); part 5, the WaveNet
// (Embedding, FlattenConsecutive, Sequential by hand, batchnorm over dims (0, 1) of 3-D inputs, the
// hierarchical model); then karpathy/makemore's makemore.py itself (every model type: bigram, mlp,
// rnn, gru, bow, transformer; CharDataset, the InfiniteDataLoader over a RandomSampler with
// replacement, AdamW, evaluate under inferenceMode, generate with top-k, the checkpoint and
// --sample-only). Compared: everything printed (numbers to the digits printed or 1e-5), every
// loss, the initial, intermediate and final tensors, the sampled names.
//
// Reduced as the fixture script says: 400 names made by makeWords (the first eight are names.txt's)
// instead of names.txt; 300-1000 training steps instead of 200000, with the
// learning-rate decay and the print interval scaled alike; torch.manualSeed added where the notebooks
// draw from an unseeded global generator.
//
// Where Python differs from TypeScript: operators are methods; Python's `print` and its %-formats are
// the small helpers below (str(float) is pyFloat, '%e' is fmtE, '%+f' is fmtSigned; str(True) is
// 'True'); `range(n)` as an index is torch.arange(n); `x[i] += v` is `x.index(i).add_(v)`; a
// `__call__` is a call() method; `@torch.no_grad()` wraps the body in torch.noGrad. The places where
// torchlette itself still differs from PyTorch are marked "DIVERGENCE".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Generator, Tensor } from '../../src/index.js';
import { DataLoader, Dataset, RandomSampler } from '../../src/utils/data/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson, type Tolerance } from '../helpers/fixtures.js';
import { warningsOf } from './warnings.js';

const F = torch.nn.functional;
const random = torch.utils.pyRandom;

interface Summary {
  shape: number[];
  sum: number;
  abs_sum: number;
  every37: TensorJson;
}
type Packed = TensorJson | Summary;
type Cmp = [string, boolean, boolean, number];
interface Fixture {
  words: string[];
  part2: {
    printed: string[];
    warnings: string[];
    words_head: string[];
    len_words: number;
    X_info: [number[], string, number[], string];
    emb_shape: number[];
    h: Packed;
    prob_shape: number[];
    loss0: TensorJson;
    loss0_repr: string;
    shuffled: string[];
    Xtr_head: TensorJson;
    Ytr_head: TensorJson;
    init: Packed[];
    nelement: number;
    lrs: TensorJson;
    ix0: TensorJson;
    grads0: Packed[];
    lossi: number[];
    final: TensorJson[];
    train_loss: [number, string];
    dev_loss: [number, string];
    C_plot: [number, number, string][];
    C_ctx_shape: number[];
  };
  part3: {
    printed: string[];
    warnings: string[];
    bn_init: Packed[];
    bn_lossi: number[];
    bn_final: Packed[];
    bn_running: TensorJson[];
    bn_running_requires_grad: [boolean, boolean];
    bn_calibrated: TensorJson[];
    deep_init: Packed[];
    deep_lossi: number[];
    deep_ud: number[][];
    deep_ud_len: number;
    act_hists: [TensorJson, TensorJson][];
    grad_hists: [TensorJson, TensorJson][];
    weight_hists: [TensorJson, TensorJson][];
    bn_out_grad: TensorJson;
    deep_final: Packed[];
    deep_running: Packed[];
  };
  part4: {
    printed: string[];
    warnings: string[];
    loss: [number, string];
    logits: TensorJson;
    manual_grads: Record<string, Packed>;
    shapes_ce: number[][];
    softmax0: [TensorJson, string];
    dlogits0n: [TensorJson, string];
    dlogits0sum: TensorJson;
    dlogits_fast: TensorJson;
    dhprebn_fast: Packed;
    shapes_bn: number[][];
    cmps: Cmp[];
    ex4_init: Packed[];
    ex4_lossi: number[];
    ex4_final: Packed[];
  };
  part5: {
    printed: string[];
    warnings: string[];
    mm_shape: number[];
    explicit: TensorJson;
    explicit_eq: boolean;
    init: Packed[];
    lossi: number[];
    layer_shapes: [string, number[]][];
    lossi_mean: TensorJson;
    final: Packed[];
    final_emb: TensorJson;
    running: [number[], Packed, Packed][];
    single_shape: number[];
    single: TensorJson;
    all8: TensorJson;
  };
}
interface MakemoreRun {
  argv: string[];
  printed: string[];
  scalars: [string, number, number][];
  warnings: string[];
  params: [string, number[], number, number, TensorJson][];
}
const fx = loadFixture<Fixture & { makemore_py: MakemoreRun[] }>('porting_makemore.json');

// ----------------------------------------------------------------------------- Python's print

let PRINTED: string[] = [];
/** print(*args): str() of each, joined by spaces. */
const print = (...args: unknown[]): void => {
  PRINTED.push(args.map((a) => (typeof a === 'boolean' ? pyBool(a) : String(a))).join(' '));
};
/** str(True) / str(False). */
const pyBool = (b: boolean): string => (b ? 'True' : 'False');
/** str(x) of a Python float: the shortest repr, '1.0' for integral values, 'e-05' exponents. */
function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}
/** '%.{d}e' % x. */
function fmtE(x: number, d = 6): string {
  const [m, e] = x.toExponential(d).split('e');
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}
/** '%+.{d}f' % x. */
const fmtSigned = (x: number, d = 6): string => (x < 0 || Object.is(x, -0) ? x.toFixed(d) : `+${x.toFixed(d)}`);
/** f'{i:7d}'. */
const d7 = (i: number): string => String(i).padStart(7);
/** str(dict) of itos. */
const pyDict = (m: Map<number, string>): string => `{${[...m].map(([k, v]) => `${k}: '${v}'`).join(', ')}}`;
/** str(list) of strings. */
const pyList = (xs: string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
/**
 * str(t.shape). DIVERGENCE: torchlette's `shape` is a plain number[] (String(x.shape) is '2135,3',
 * console.log gives [ 2135, 3 ]) where PyTorch's torch.Size prints torch.Size([2135, 3]).
 */
const sizeStr = (s: readonly number[]): string => `torch.Size([${s.join(', ')}])`;
const num = (t: Tensor): number => Number(t.item());

/** Python's zip() of two iterables. */
function* zip<A, B>(a: Iterable<A>, b: Iterable<B>): IterableIterator<[A, B]> {
  const ib = b[Symbol.iterator]();
  for (const x of a) {
    const y = ib.next();
    if (y.done) return;
    yield [x, y.value];
  }
}

// ----------------------------------------------------------------------------- comparisons

const NUMBER = /[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;

/**
 * Printed lines: the text between numbers exactly, each integer exactly, each decimal to within a
 * unit of the last printed digit or `rtol` (float32 rounding of a different summation order can move
 * the last printed digit); `noise` lines (rounding-noise values such as a maxdiff) only to `noiseAtol`.
 */
function assertPrinted(got: string[], want: string[], label: string, opts: { rtol?: number; noise?: RegExp; noiseAtol?: number } = {}): void {
  const rtol = opts.rtol ?? 1e-5;
  assert.equal(got.length, want.length, `${label}: ${got.length} lines printed, PyTorch printed ${want.length}\n${got.join('\n')}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const where = `${label} line ${i}: got\n  ${g}\nexpected\n  ${w}`;
    assert.equal(g.replace(NUMBER, '#'), w.replace(NUMBER, '#'), where);
    const gn = g.match(NUMBER) ?? [];
    const wn = w.match(NUMBER) ?? [];
    const noisy = opts.noise?.test(w) ?? false;
    wn.forEach((ws, k) => {
      const a = Number(gn[k]);
      const b = Number(ws);
      if (!/[.e]/.test(ws)) {
        assert.equal(gn[k], ws, where);
        return;
      }
      const decimals = /\.(\d+)/.exec(ws.split('e')[0])?.[1].length ?? 0;
      const unit = ws.includes('e') ? Math.abs(b) * 10 ** -decimals : 10 ** -decimals;
      const tol = noisy ? (opts.noiseAtol ?? 1e-7) : Math.max(rtol * Math.abs(b), 1.0001 * unit);
      assert.ok(Math.abs(a - b) <= tol, `${where}\n(number ${k}: ${a} vs ${b}, tolerance ${tol})`);
    });
  }
}

function assertNumbers(got: number[], want: number[], tol: { rtol: number; atol: number }, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tol.atol + tol.rtol * Math.abs(want[i]), `${label} ${i}: ${g} vs ${want[i]}`));
}

/** A tensor against its fixture: every value, or (large ones) the sum, absolute sum and every 37th value. */
function check(t: Tensor, want: Packed, tol: Tolerance, label: string): void {
  t = t.detach();
  if ('dtype' in want) {
    assertTensor(t, want, tol, label);
    return;
  }
  assert.deepEqual(t.shape, want.shape, `${label}: shape`);
  const absSum = num(t.abs().sum());
  // the sums are taken in another order than PyTorch's: 1e-6 at least
  const rtol = Math.max(tol.rtol ?? 1e-5, 1e-6);
  assert.ok(Math.abs(absSum - want.abs_sum) <= rtol * want.abs_sum, `${label}: abs sum ${absSum} vs ${want.abs_sum}`);
  assert.ok(Math.abs(num(t.sum()) - want.sum) <= rtol * want.abs_sum, `${label}: sum ${num(t.sum())} vs ${want.sum}`);
  assertTensor(t.reshape(-1).index('::37'), want.every37, tol, `${label} (every 37th value)`);
}

// ----------------------------------------------------------------------------- the names list

const FIRST = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'charlotte', 'mia', 'amelia'];
const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'qu', 'r', 's', 'sh', 't',
  'v', 'w', 'x', 'y', 'z', '', ''];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'i', 'y', 'ie', 'ea', 'ai'];
const CODAS = ['', '', '', 'n', 'l', 'r', 's', 'h', 'x', 'nn', 'lyn', 'k'];

function makeWords(n = 400): string[] {
  const words = [...FIRST];
  let s = 2147483647;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff; // (s * 1103515245 + 12345) % 2**31
    return (s >> 16) % k;
  };
  while (words.length < n) {
    const nsyl = 1 + rnd(3);
    let w = '';
    for (let i = 0; i < nsyl; i++) w += ONSETS[rnd(ONSETS.length)] + VOWELS[rnd(VOWELS.length)];
    w += CODAS[rnd(CODAS.length)];
    if (w.length >= 2 && w.length <= 10) words.push(w);
  }
  return words;
}
const WORDS = makeWords();

test('the names list is the fixture script\'s', () => {
  assert.deepEqual(WORDS, fx.words);
});

// ----------------------------------------------------------------------------- part 2: MLP

test('makemore part 2 (MLP): exploration, training with step decay, dev loss, sampling', async () => {
  const want = fx.part2;
  PRINTED = [];
  const [, warnings] = await warningsOf(() => {
    torch.manualSeed(2147483647); // added: the exploration cells draw from the global generator
    // read in all the words
    let words = [...WORDS];
    assert.deepEqual(words.slice(0, 8), want.words_head);
    assert.equal(words.length, want.len_words);

    // build the vocabulary of characters and mappings to/from integers
    const chars = [...new Set(words.join(''))].sort();
    const stoi = new Map(chars.map((s, i) => [s, i + 1]));
    stoi.set('.', 0);
    const itos = new Map([...stoi].map(([s, i]) => [i, s]));
    print(pyDict(itos));

    // build the dataset
    const block_size = 3; // context length: how many characters do we take to predict the next one?
    let Xl: number[][] = [];
    let Yl: number[] = [];
    for (const w of words.slice(0, 5)) {
      let context = Array<number>(block_size).fill(0);
      for (const ch of w + '.') {
        const ix = stoi.get(ch)!;
        Xl.push(context);
        Yl.push(ix);
        print(context.map((i) => itos.get(i)).join(''), '--->', itos.get(ix));
        context = [...context.slice(1), ix]; // crop and append
      }
    }
    let X = torch.tensor(Xl);
    let Y = torch.tensor(Yl);
    // X.shape, X.dtype, Y.shape, Y.dtype
    assert.deepEqual([X.shape, `torch.${X.dtype}`, Y.shape, `torch.${Y.dtype}`], want.X_info);

    let C = torch.randn([27, 2]);
    let emb = C.index(X);
    assert.deepEqual(emb.shape, want.emb_shape);
    let W1 = torch.randn([6, 100]);
    let b1 = torch.randn(100);
    let h = torch.tanh(emb.view(-1, 6).matmul(W1).add(b1));
    check(h, want.h, { rtol: 1e-5, atol: 1e-6 }, 'h');
    let W2 = torch.randn([100, 27]);
    let b2 = torch.randn(27);
    let logits = h.matmul(W2).add(b2);
    const counts = logits.exp();
    const prob = counts.div(counts.sum(1, { keepdims: true })); // NumPy's spelling, as the notebook writes it
    assert.deepEqual(prob.shape, want.prob_shape);
    let loss = prob.index(torch.arange(32), Y).log().mean().neg();
    assertTensor(loss, want.loss0, { rtol: 1e-5 }, 'loss of the random network');
    assert.equal(String(loss), want.loss0_repr);

    // ------------ now made respectable :) ---------------
    function build_dataset(words: string[]): [Tensor, Tensor] {
      const X: number[][] = [];
      const Y: number[] = [];
      for (const w of words) {
        let context = Array<number>(block_size).fill(0);
        for (const ch of w + '.') {
          const ix = stoi.get(ch)!;
          X.push(context);
          Y.push(ix);
          context = [...context.slice(1), ix]; // crop and append
        }
      }
      const Xt = torch.tensor(X);
      const Yt = torch.tensor(Y);
      print(sizeStr(Xt.shape), sizeStr(Yt.shape));
      return [Xt, Yt];
    }

    random.seed(42);
    random.shuffle(words);
    const n1 = Math.trunc(0.8 * words.length);
    const n2 = Math.trunc(0.9 * words.length);

    const [Xtr, Ytr] = build_dataset(words.slice(0, n1));
    const [Xdev, Ydev] = build_dataset(words.slice(n1, n2));
    build_dataset(words.slice(n2)); // Xte, Yte
    assert.deepEqual(words, want.shuffled);
    assertTensor(Xtr.index(':50'), want.Xtr_head);
    assertTensor(Ytr.index(':50'), want.Ytr_head);

    let g: Generator = new torch.Generator().manualSeed(2147483647); // for reproducibility
    C = torch.randn([27, 10], { generator: g });
    W1 = torch.randn([30, 200], { generator: g });
    b1 = torch.randn(200, { generator: g });
    W2 = torch.randn([200, 27], { generator: g });
    b2 = torch.randn(27, { generator: g });
    const parameters = [C, W1, b1, W2, b2];
    parameters.forEach((p, i) => check(p, want.init[i], { rtol: 0, atol: 0 }, `initial parameter ${i}`));
    assert.equal(parameters.reduce((s, p) => s + p.nelement(), 0), want.nelement); // number of parameters in total
    for (const p of parameters) p.requiresGrad = true;

    const lre = torch.linspace(-3, 0, 1000);
    const lrs = torch.pow(10, lre);
    assertTensor(lrs, want.lrs, { rtol: 1e-6, atol: 0 }, 'lrs');

    const lossi: number[] = [];
    const stepi: number[] = [];

    for (let i = 0; i < 1000; i++) { // 200000 in the lecture
      // minibatch construct
      const ix = torch.randint(0, Xtr.shape[0], [32]);
      if (i === 0) assertTensor(ix, want.ix0);

      // forward pass
      emb = C.index(Xtr.index(ix)); // (32, 3, 10)
      h = torch.tanh(emb.view(-1, 30).matmul(W1).add(b1)); // (32, 200)
      logits = h.matmul(W2).add(b2); // (32, 27)
      loss = F.crossEntropy(logits, Ytr.index(ix));

      // backward pass
      for (const p of parameters) p.grad = null;
      loss.backward();
      // the tanh units start saturated (W1 is unscaled): (1 - h**2) cancels, and a one-ulp difference
      // in h moves the gradients through it by up to ~3e-5 (relative)
      if (i === 0) parameters.forEach((p, k) => check(p.grad!, want.grads0[k], { rtol: 1e-4, atol: 1e-6 }, `first gradient ${k}`));

      // update
      // lr = lrs[i]
      const lr = i < 500 ? 0.1 : 0.01; // 100000 in the lecture
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));

      // track stats
      stepi.push(i);
      lossi.push(num(loss.log10()));
    }
    // 1000 steps of SGD at lr 0.1 on float32 sums taken in another order: the losses drift apart
    // by up to ~1e-5 (relative) by the end.
    // This training amplifies rounding differences: started saturated, at lr 0.1, one ulp added to one
    // weight of W1 moves PyTorch's own losses by ~3e-5 (relative) by step 50 and ~1e-3 by step 500.
    // So the first 10 steps are compared closely, the whole curve loosely (each log10(loss) to 0.025,
    // i.e. each loss to 6%, the mean
    // of the last 500 to 0.5%), and the rest of the notebook continues from PyTorch's final
    // parameters, so that the evaluation and the sampling are compared exactly.
    assertNumbers(lossi.slice(0, 10), want.lossi.slice(0, 10), { rtol: 1e-5, atol: 1e-6 }, 'lossi (first 10 steps)');
    assertNumbers(lossi, want.lossi, { rtol: 0, atol: 0.025 }, 'lossi');
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    assertNumbers([mean(lossi.slice(500))], [mean(want.lossi.slice(500))], { rtol: 5e-3, atol: 0 }, 'mean lossi');
    parameters.forEach((p, i) => check(p, want.final[i], { rtol: 0.2, atol: 0.05 }, `final parameter ${i}`));
    torch.noGrad(() => parameters.forEach((p, i) => p.copy_(fromJson(want.final[i]))));

    emb = C.index(Xtr); // (32, 3, 2)
    h = torch.tanh(emb.view(-1, 30).matmul(W1).add(b1)); // (32, 100)
    logits = h.matmul(W2).add(b2); // (32, 27)
    loss = F.crossEntropy(logits, Ytr);
    assertNumbers([num(loss)], [want.train_loss[0]], { rtol: 1e-5, atol: 0 }, 'train loss');
    assert.equal(String(loss), want.train_loss[1]);

    emb = C.index(Xdev); // (32, 3, 2)
    h = torch.tanh(emb.view(-1, 30).matmul(W1).add(b1)); // (32, 100)
    logits = h.matmul(W2).add(b2); // (32, 27)
    loss = F.crossEntropy(logits, Ydev);
    assertNumbers([num(loss)], [want.dev_loss[0]], { rtol: 1e-5, atol: 0 }, 'dev loss');
    assert.equal(String(loss), want.dev_loss[1]);

    // visualize dimensions 0 and 1 of the embedding matrix C for all characters (the plotted values)
    for (let i = 0; i < C.shape[0]; i++) {
      const [x, y, label] = want.C_plot[i];
      assertNumbers([num(C.index(i, 0)), num(C.index(i, 1))], [x, y], { rtol: 0, atol: 0 }, `C[${i}]`);
      assert.equal(itos.get(i), label);
    }

    let context = Array<number>(block_size).fill(0);
    assert.deepEqual(C.index(torch.tensor([context])).shape, want.C_ctx_shape);

    // sample from the model
    g = new torch.Generator().manualSeed(2147483647 + 10);

    for (let s = 0; s < 20; s++) {
      const out: number[] = [];
      context = Array<number>(block_size).fill(0); // initialize with all ...
      for (;;) {
        emb = C.index(torch.tensor([context])); // (1,block_size,d)
        h = torch.tanh(emb.view(1, -1).matmul(W1).add(b1));
        logits = h.matmul(W2).add(b2);
        const probs = F.softmax(logits, { dim: 1 });
        const ix = num(torch.multinomial(probs, { numSamples: 1, generator: g }));
        context = [...context.slice(1), ix];
        out.push(ix);
        if (ix === 0) break;
      }
      print(out.map((i) => itos.get(i)).join(''));
    }
  });
  assertPrinted(PRINTED, want.printed, 'part 2');
  assert.deepEqual(warnings, want.warnings);
});

// ----------------------------------------------------------------------------- part 3: BatchNorm

interface Layer {
  out: Tensor;
  call(x: Tensor): Tensor;
  parameters(): Tensor[];
}

test('makemore part 3 (BatchNorm): hand-written batchnorm, Linear/BatchNorm1d/Tanh classes, layer statistics', async () => {
  const want = fx.part3;
  PRINTED = [];
  const [, warnings] = await warningsOf(() => {
    // read in all the words
    const words = [...WORDS];

    // build the vocabulary of characters and mappings to/from integers
    const chars = [...new Set(words.join(''))].sort();
    const stoi = new Map(chars.map((s, i) => [s, i + 1]));
    stoi.set('.', 0);
    const itos = new Map([...stoi].map(([s, i]) => [i, s]));
    const vocab_size = itos.size;
    print(pyDict(itos));
    print(vocab_size);

    // build the dataset
    const block_size = 3; // context length: how many characters do we take to predict the next one?

    function build_dataset(words: string[]): [Tensor, Tensor] {
      const X: number[][] = [];
      const Y: number[] = [];

      for (const w of words) {
        let context = Array<number>(block_size).fill(0);
        for (const ch of w + '.') {
          const ix = stoi.get(ch)!;
          X.push(context);
          Y.push(ix);
          context = [...context.slice(1), ix]; // crop and append
        }
      }

      const Xt = torch.tensor(X);
      const Yt = torch.tensor(Y);
      print(sizeStr(Xt.shape), sizeStr(Yt.shape));
      return [Xt, Yt];
    }

    random.seed(42);
    random.shuffle(words);
    const n1 = Math.trunc(0.8 * words.length);
    const n2 = Math.trunc(0.9 * words.length);

    const [Xtr, Ytr] = build_dataset(words.slice(0, n1)); // 80%
    const [Xdev, Ydev] = build_dataset(words.slice(n1, n2)); // 10%
    const [Xte, Yte] = build_dataset(words.slice(n2)); // 10%

    // MLP revisited
    let n_embd = 10; // the dimensionality of the character embedding vectors
    let n_hidden = 200; // the number of neurons in the hidden layer of the MLP

    let g: Generator = new torch.Generator().manualSeed(2147483647); // for reproducibility
    let C = torch.randn([vocab_size, n_embd], { generator: g });
    const W1 = torch.randn([n_embd * block_size, n_hidden], { generator: g }).mul(5 / 3).div((n_embd * block_size) ** 0.5); // * 0.2
    // b1 = torch.randn(n_hidden, generator=g) * 0.01
    const W2 = torch.randn([n_hidden, vocab_size], { generator: g }).mul(0.01);
    const b2 = torch.randn(vocab_size, { generator: g }).mul(0);

    // BatchNorm parameters
    const bngain = torch.ones([1, n_hidden]);
    const bnbias = torch.zeros([1, n_hidden]);
    let bnmean_running = torch.zeros([1, n_hidden]);
    let bnstd_running = torch.ones([1, n_hidden]);

    let parameters = [C, W1, W2, b2, bngain, bnbias];
    parameters.slice(0, 3).forEach((p, i) => check(p, want.bn_init[i], { rtol: 1e-7, atol: 0 }, `initial parameter ${i}`));
    print(parameters.reduce((s, p) => s + p.nelement(), 0)); // number of parameters in total
    for (const p of parameters) p.requiresGrad = true;

    // same optimization as last time
    let max_steps = 500; // 200000 in the lecture
    const batch_size = 32;
    let lossi: number[] = [];

    for (let i = 0; i < max_steps; i++) {
      // minibatch construct
      const ix = torch.randint(0, Xtr.shape[0], [batch_size], { generator: g });
      const [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)]; // batch X,Y

      // forward pass
      const emb = C.index(Xb); // embed the characters into vectors
      const embcat = emb.view(emb.shape[0], -1); // concatenate the vectors
      // Linear layer
      let hpreact = embcat.matmul(W1); // + b1 # hidden layer pre-activation
      // BatchNorm layer
      // -------------------------------------------------------------
      const bnmeani = hpreact.mean(0, { keepdim: true });
      const bnstdi = hpreact.std(0, { keepdim: true });
      hpreact = bngain.mul(hpreact.sub(bnmeani)).div(bnstdi).add(bnbias);
      torch.noGrad(() => {
        bnmean_running = bnmean_running.mul(0.999).add(bnmeani.mul(0.001));
        bnstd_running = bnstd_running.mul(0.999).add(bnstdi.mul(0.001));
      });
      // -------------------------------------------------------------
      // Non-linearity
      const h = torch.tanh(hpreact); // hidden layer
      const logits = h.matmul(W2).add(b2); // output layer
      const loss = F.crossEntropy(logits, Yb); // loss function

      // backward pass
      for (const p of parameters) p.grad = null;
      loss.backward();

      // update
      const lr = i < 250 ? 0.1 : 0.01; // step learning rate decay (100000 in the lecture)
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));

      // track stats
      if (i % 50 === 0) print(`${d7(i)}/${d7(max_steps)}: ${num(loss).toFixed(4)}`); // print every once in a while (10000 in the lecture)
      lossi.push(num(loss.log10()));
    }
    assertNumbers(lossi, want.bn_lossi, { rtol: 1e-5, atol: 1e-6 }, 'batchnorm MLP lossi');
    parameters.forEach((p, i) => check(p, want.bn_final[i], { rtol: 1e-5, atol: 5e-6 }, `batchnorm MLP final parameter ${i}`));
    assertTensor(bnmean_running, want.bn_running[0], { rtol: 1e-5, atol: 5e-6 }, 'bnmean_running');
    assertTensor(bnstd_running, want.bn_running[1], { rtol: 1e-5, atol: 5e-6 }, 'bnstd_running');
    assert.deepEqual([bnmean_running.requiresGrad, bnstd_running.requiresGrad], want.bn_running_requires_grad);

    // calibrate the batch norm at the end of training
    const [bnmean, bnstd] = torch.noGrad(() => {
      // pass the training set through
      const emb = C.index(Xtr);
      const embcat = emb.view(emb.shape[0], -1);
      const hpreact = embcat.matmul(W1); // + b1
      // measure the mean/std over the entire training set
      return [hpreact.mean(0, { keepdim: true }), hpreact.std(0, { keepdim: true })];
    });
    assertTensor(bnmean, want.bn_calibrated[0], { rtol: 1e-5, atol: 5e-6 }, 'calibrated bnmean');
    assertTensor(bnstd, want.bn_calibrated[1], { rtol: 1e-5, atol: 5e-6 }, 'calibrated bnstd');

    const splits: Record<string, [Tensor, Tensor]> = { train: [Xtr, Ytr], val: [Xdev, Ydev], test: [Xte, Yte] };
    // @torch.no_grad() # this decorator disables gradient tracking
    const split_loss = (split: string): void => torch.noGrad(() => {
      const [x, y] = splits[split];
      const emb = C.index(x); // (N, block_size, n_embd)
      const embcat = emb.view(emb.shape[0], -1); // concat into (N, block_size * n_embd)
      let hpreact = embcat.matmul(W1); // + b1
      hpreact = bngain.mul(hpreact.sub(bnmean_running)).div(bnstd_running).add(bnbias);
      const h = torch.tanh(hpreact); // (N, n_hidden)
      const logits = h.matmul(W2).add(b2); // (N, vocab_size)
      const loss = F.crossEntropy(logits, y);
      print(split, pyFloat(num(loss)));
    });

    split_loss('train');
    split_loss('val');

    // SUMMARY + PYTORCHIFYING -----------
    // Let's train a deeper network
    // The classes we create here are the same API as nn.Module in PyTorch

    class Linear implements Layer {
      weight: Tensor;
      bias: Tensor | null;
      out!: Tensor;

      constructor(fan_in: number, fan_out: number, bias = true) {
        this.weight = torch.randn([fan_in, fan_out], { generator: g }).div(fan_in ** 0.5);
        this.bias = bias ? torch.zeros(fan_out) : null;
      }

      call(x: Tensor): Tensor {
        this.out = x.matmul(this.weight);
        if (this.bias !== null) this.out.add_(this.bias);
        return this.out;
      }

      parameters(): Tensor[] {
        return [this.weight, ...(this.bias === null ? [] : [this.bias])];
      }
    }

    class BatchNorm1d implements Layer {
      eps: number;
      momentum: number;
      training = true;
      gamma: Tensor;
      beta: Tensor;
      running_mean: Tensor;
      running_var: Tensor;
      out!: Tensor;

      constructor(dim: number, eps = 1e-5, momentum = 0.1) {
        this.eps = eps;
        this.momentum = momentum;
        // parameters (trained with backprop)
        this.gamma = torch.ones(dim);
        this.beta = torch.zeros(dim);
        // buffers (trained with a running 'momentum update')
        this.running_mean = torch.zeros(dim);
        this.running_var = torch.ones(dim);
      }

      call(x: Tensor): Tensor {
        // calculate the forward pass
        let xmean: Tensor;
        let xvar: Tensor;
        if (this.training) {
          xmean = x.mean(0, { keepdim: true }); // batch mean
          xvar = x.var(0, { keepdim: true }); // batch variance
        } else {
          xmean = this.running_mean;
          xvar = this.running_var;
        }
        const xhat = x.sub(xmean).div(torch.sqrt(xvar.add(this.eps))); // normalize to unit variance
        this.out = this.gamma.mul(xhat).add(this.beta);
        // update the buffers
        if (this.training) {
          torch.noGrad(() => {
            this.running_mean = this.running_mean.mul(1 - this.momentum).add(xmean.mul(this.momentum));
            this.running_var = this.running_var.mul(1 - this.momentum).add(xvar.mul(this.momentum));
          });
        }
        return this.out;
      }

      parameters(): Tensor[] {
        return [this.gamma, this.beta];
      }
    }

    class Tanh implements Layer {
      out!: Tensor;
      call(x: Tensor): Tensor {
        this.out = torch.tanh(x);
        return this.out;
      }
      parameters(): Tensor[] {
        return [];
      }
    }

    n_embd = 10; // the dimensionality of the character embedding vectors
    n_hidden = 100; // the number of neurons in the hidden layer of the MLP
    g = new torch.Generator().manualSeed(2147483647); // for reproducibility

    C = torch.randn([vocab_size, n_embd], { generator: g });
    const layers: Layer[] = [
      new Linear(n_embd * block_size, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, vocab_size, false), new BatchNorm1d(vocab_size),
    ];

    torch.noGrad(() => {
      // last layer: make less confident
      (layers.at(-1) as BatchNorm1d).gamma.mul_(0.1);
      // layers[-1].weight *= 0.1
      // all other layers: apply gain
      for (const layer of layers.slice(0, -1)) {
        if (layer instanceof Linear) layer.weight.mul_(1.0); // 5/3
      }
    });

    parameters = [C, ...layers.flatMap((layer) => layer.parameters())];
    parameters.forEach((p, i) => check(p, want.deep_init[i], { rtol: 1e-7, atol: 0 }, `deep network: initial parameter ${i}`));
    print(parameters.reduce((s, p) => s + p.nelement(), 0)); // number of parameters in total
    for (const p of parameters) p.requiresGrad = true;

    // same optimization as last time
    max_steps = 200000;
    lossi = [];
    const ud: number[][] = [];

    for (let i = 0; i < max_steps; i++) {
      // minibatch construct
      const ix = torch.randint(0, Xtr.shape[0], [batch_size], { generator: g });
      const [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)]; // batch X,Y

      // forward pass
      const emb = C.index(Xb); // embed the characters into vectors
      let x = emb.view(emb.shape[0], -1); // concatenate the vectors
      for (const layer of layers) x = layer.call(x);
      const loss = F.crossEntropy(x, Yb); // loss function

      // backward pass
      for (const layer of layers) layer.out.retainGrad(); // AFTER_DEBUG: would take out retain_graph
      for (const p of parameters) p.grad = null;
      loss.backward();

      // update
      const lr = i < 150000 ? 0.1 : 0.01; // step learning rate decay
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));

      // track stats
      if (i % 10000 === 0) print(`${d7(i)}/${d7(max_steps)}: ${num(loss).toFixed(4)}`); // print every once in a while
      lossi.push(num(loss.log10()));
      torch.noGrad(() => {
        ud.push(parameters.map((p) => num(p.grad!.mul(lr).std().div(p.data.std()).log10())));
      });

      if (i >= 1000) break; // AFTER_DEBUG: would take out obviously to run full optimization
    }
    assertNumbers(lossi, want.deep_lossi, { rtol: 1e-5, atol: 1e-6 }, 'deep network lossi');
    assert.equal(ud.length, want.deep_ud_len);
    const udRows = [...ud.filter((_, i) => i % 25 === 0), ud.at(-1)!];
    udRows.forEach((row, i) => assertNumbers(row, want.deep_ud[i], { rtol: 0, atol: 2e-4 }, `update:data ratios (log10) row ${i}`));

    // visualize histograms (the values plt.plot would draw are compared)
    const compareHistogram = (hy: Tensor, hx: Tensor, [wx, wy]: [TensorJson, TensorJson], n: number, label: string, allowed = 6): void => {
      assertTensor(hx.index(':-1').detach(), wx, { rtol: 1e-5, atol: 5e-6 }, `${label} bin edges`);
      // density = count / (n * width): counts moved between bins by a value within rounding of an edge
      // show up as a difference of one count in two bins
      const width = num(hx.index(1).sub(hx.index(0)));
      const got = (hy.detach().tolist() as number[]).map((d) => Math.round(d * n * width));
      const exp = wy.data.map((d) => Math.round(Number(d) * n * width));
      const moved = got.reduce((s, c, i) => s + Math.abs(c - exp[i]), 0);
      assert.ok(moved <= allowed, `${label}: ${moved} counts differ (${got} vs ${exp})`);
    };
    layers.slice(0, -1).forEach((layer, i) => { // note: exclude the output layer
      if (layer instanceof Tanh) {
        const t = layer.out;
        print(`layer ${i} (${layer.constructor.name.padStart(10)}): mean ${fmtSigned(num(t.mean()), 2)}, std ${num(t.std()).toFixed(2)}, saturated: ${num(t.abs().gt(0.97).float().mean().mul(100)).toFixed(2)}%`);
        const [hy, hx] = torch.histogram(t, { density: true });
        compareHistogram(hy, hx, want.act_hists[(i - 2) / 3], t.numel(), `activation histogram of layer ${i}`);
      }
    });

    layers.slice(0, -1).forEach((layer, i) => { // note: exclude the output layer
      if (layer instanceof Tanh) {
        const t = layer.out.grad!;
        print(`layer ${i} (${layer.constructor.name.padStart(10)}): mean ${fmtSigned(num(t.mean()))}, std ${fmtE(num(t.std()))}`);
        const [hy, hx] = torch.histogram(t, { density: true });
        compareHistogram(hy, hx, want.grad_hists[(i - 2) / 3], t.numel(), `gradient histogram of layer ${i}`);
      }
    });

    let w2 = 0;
    for (const p of parameters) {
      const t = p.grad!;
      if (p.ndim === 2) {
        print(`weight ${`(${p.shape.join(', ')})`.padStart(10)} | mean ${fmtSigned(num(t.mean()))} | std ${fmtE(num(t.std()))} | grad:data ratio ${fmtE(num(t.std().div(p.std())))}`);
        const [hy, hx] = torch.histogram(t, { density: true });
        // weight gradients after 1001 steps of rounding differences (summation orders differ by
        // backend): up to 16 of a (100, 100) gradient's 10000 counts move to a neighbouring bin
        compareHistogram(hy, hx, want.weight_hists[w2++], t.numel(), `gradient histogram of weight (${p.shape.join(', ')})`, Math.max(6, t.numel() / 250));
      }
    }
    assertTensor(layers.at(-1)!.out.grad!, want.bn_out_grad, { rtol: 1e-3, atol: 1e-7 }, 'retained gradient of the last BatchNorm1d output');
    parameters.forEach((p, i) => check(p, want.deep_final[i], { rtol: 1e-5, atol: 5e-6 }, `deep network: final parameter ${i}`));
    layers.filter((l) => l instanceof BatchNorm1d).forEach((l, i) => check((l as BatchNorm1d).running_var, want.deep_running[i], { rtol: 1e-5, atol: 5e-6 }, `running_var ${i}`));

    // @torch.no_grad() # this decorator disables gradient tracking
    const split_loss2 = (split: string): void => torch.noGrad(() => {
      const [xs, y] = splits[split];
      const emb = C.index(xs); // (N, block_size, n_embd)
      let x = emb.view(emb.shape[0], -1); // concat into (N, block_size * n_embd)
      for (const layer of layers) x = layer.call(x);
      const loss = F.crossEntropy(x, y);
      print(split, pyFloat(num(loss)));
    });

    // put layers into eval mode
    for (const layer of layers) (layer as { training?: boolean }).training = false;
    split_loss2('train');
    split_loss2('val');

    // sample from the model
    g = new torch.Generator().manualSeed(2147483647 + 10);

    for (let s = 0; s < 20; s++) {
      const out: number[] = [];
      let context = Array<number>(block_size).fill(0); // initialize with all ...
      for (;;) {
        // forward pass the neural net
        const emb = C.index(torch.tensor([context])); // (1,block_size,n_embd)
        let x = emb.view(emb.shape[0], -1); // concatenate the vectors
        for (const layer of layers) x = layer.call(x);
        const logits = x;
        const probs = F.softmax(logits, { dim: 1 });
        // sample from the distribution
        const ix = num(torch.multinomial(probs, { numSamples: 1, generator: g }));
        // shift the context window and track the samples
        context = [...context.slice(1), ix];
        out.push(ix);
        // if we sample the special '.' token, break
        if (ix === 0) break;
      }
      print(out.map((i) => itos.get(i)).join('')); // decode and print the generated word
    }

    // Linear: activation statistics of forward and backward pass

    g = new torch.Generator().manualSeed(2147483647);

    const a = torch.randn([1000, 1], { requiresGrad: true, generator: g }); // a.grad = b.T @ c.grad
    const b = torch.randn([1000, 1000], { requiresGrad: true, generator: g }); // b.grad = c.grad @ a.T
    const c = b.matmul(a);
    let loss = torch.randn(1000, { generator: g }).matmul(c);
    a.retainGrad();
    b.retainGrad();
    c.retainGrad();
    loss.backward();
    print('a std:', pyFloat(num(a.std())));
    print('b std:', pyFloat(num(b.std())));
    print('c std:', pyFloat(num(c.std())));
    print('-----');
    print('c grad std:', pyFloat(num(c.grad!.std())));
    print('a grad std:', pyFloat(num(a.grad!.std())));
    print('b grad std:', pyFloat(num(b.grad!.std())));

    // Linear + BatchNorm: activation statistics of forward and backward pass

    g = new torch.Generator().manualSeed(2147483647);

    const n = 1000;
    // linear layer ---
    const inp = torch.randn(n, { requiresGrad: true, generator: g });
    const w = torch.randn([n, n], { requiresGrad: true, generator: g }); // / n**0.5
    const x = w.matmul(inp);
    // bn layer ---
    const xmean = x.mean();
    const xvar = x.var();
    const out = x.sub(xmean).div(torch.sqrt(xvar.add(1e-5)));
    // ----
    loss = out.matmul(torch.randn(n, { generator: g }));
    inp.retainGrad();
    x.retainGrad();
    w.retainGrad();
    out.retainGrad();
    loss.backward();

    print('inp std: ', pyFloat(num(inp.std())));
    print('w std: ', pyFloat(num(w.std())));
    print('x std: ', pyFloat(num(x.std())));
    print('out std: ', pyFloat(num(out.std())));
    print('------');
    print('out grad std: ', pyFloat(num(out.grad!.std())));
    print('x grad std: ', pyFloat(num(x.grad!.std())));
    print('w grad std: ', pyFloat(num(w.grad!.std())));
    print('inp grad std: ', pyFloat(num(inp.grad!.std())));
  });
  assertPrinted(PRINTED, want.printed, 'part 3');
  assert.deepEqual(warnings, want.warnings);
});

// ----------------------------------------------------------------------------- part 4: backprop ninja

test('makemore part 4 (backprop ninja): the manual backward pass against autograd, fused formulas, manual training', async () => {
  const want = fx.part4;
  PRINTED = [];
  const cmps: Cmp[] = [];
  const [, warnings] = await warningsOf(() => {
    // read in all the words
    const words = [...WORDS];
    print(words.length);
    print(Math.max(...words.map((w) => w.length)));
    print(pyList(words.slice(0, 8)));

    // build the vocabulary of characters and mappings to/from integers
    const chars = [...new Set(words.join(''))].sort();
    const stoi = new Map(chars.map((s, i) => [s, i + 1]));
    stoi.set('.', 0);
    const itos = new Map([...stoi].map(([s, i]) => [i, s]));
    const vocab_size = itos.size;
    print(pyDict(itos));
    print(vocab_size);

    // build the dataset
    const block_size = 3; // context length: how many characters do we take to predict the next one?

    function build_dataset(words: string[]): [Tensor, Tensor] {
      const X: number[][] = [];
      const Y: number[] = [];

      for (const w of words) {
        let context = Array<number>(block_size).fill(0);
        for (const ch of w + '.') {
          const ix = stoi.get(ch)!;
          X.push(context);
          Y.push(ix);
          context = [...context.slice(1), ix]; // crop and append
        }
      }

      const Xt = torch.tensor(X);
      const Yt = torch.tensor(Y);
      print(sizeStr(Xt.shape), sizeStr(Yt.shape));
      return [Xt, Yt];
    }

    random.seed(42);
    random.shuffle(words);
    const n1 = Math.trunc(0.8 * words.length);
    const n2 = Math.trunc(0.9 * words.length);

    const [Xtr, Ytr] = build_dataset(words.slice(0, n1)); // 80%
    const [Xdev, Ydev] = build_dataset(words.slice(n1, n2)); // 10%
    const [Xte, Yte] = build_dataset(words.slice(n2)); // 10%

    // utility function we will use later when comparing manual gradients to PyTorch gradients
    function cmp(s: string, dt: Tensor, t: Tensor): void {
      // DIVERGENCE: item() of a bool tensor is 1/0 in torchlette, True/False in PyTorch (tolist() gives
      // booleans); Boolean() turns it into the boolean that Python's str() prints as True/False.
      const ex = Boolean(torch.all(dt.eq(t.grad!)).item());
      const app = torch.allclose(dt, t.grad!);
      const maxdiff = num(dt.sub(t.grad!).abs().max());
      print(`${s.padEnd(15)} | exact: ${pyBool(ex).padEnd(5)} | approximate: ${pyBool(app).padEnd(5)} | maxdiff: ${pyFloat(maxdiff)}`);
      cmps.push([s, ex, app, maxdiff]);
    }

    torch.manualSeed(42); // added: bngain and bnbias below draw from the global generator
    let n_embd = 10; // the dimensionality of the character embedding vectors
    let n_hidden = 64; // the number of neurons in the hidden layer of the MLP

    let g: Generator = new torch.Generator().manualSeed(2147483647); // for reproducibility
    let C = torch.randn([vocab_size, n_embd], { generator: g });
    // Layer 1
    let W1 = torch.randn([n_embd * block_size, n_hidden], { generator: g }).mul(5 / 3).div((n_embd * block_size) ** 0.5);
    let b1 = torch.randn(n_hidden, { generator: g }).mul(0.1); // using b1 just for fun, it's useless because of BN
    // Layer 2
    let W2 = torch.randn([n_hidden, vocab_size], { generator: g }).mul(0.1);
    let b2 = torch.randn(vocab_size, { generator: g }).mul(0.1);
    // BatchNorm parameters
    let bngain = torch.randn([1, n_hidden]).mul(0.1).add(1.0);
    let bnbias = torch.randn([1, n_hidden]).mul(0.1);

    // Note: I am initializating many of these parameters in non-standard ways
    // because sometimes initializating with e.g. all zeros could mask an incorrect
    // implementation of the backward pass.

    let parameters = [C, W1, b1, W2, b2, bngain, bnbias];
    print(parameters.reduce((s, p) => s + p.nelement(), 0)); // number of parameters in total
    for (const p of parameters) p.requiresGrad = true;

    const batch_size = 32;
    let n = batch_size; // a shorter variable also, for convenience
    // construct a minibatch
    let ix = torch.randint(0, Xtr.shape[0], [batch_size], { generator: g });
    let [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)]; // batch X,Y

    // forward pass, "chunkated" into smaller steps that are possible to backward one at a time

    let emb = C.index(Xb); // embed the characters into vectors
    let embcat = emb.view(emb.shape[0], -1); // concatenate the vectors
    // Linear layer 1
    let hprebn = embcat.matmul(W1).add(b1); // hidden layer pre-activation
    // BatchNorm layer
    const bnmeani = hprebn.sum(0, { keepdim: true }).mul(1 / n);
    const bndiff = hprebn.sub(bnmeani);
    const bndiff2 = bndiff.pow(2);
    let bnvar = bndiff2.sum(0, { keepdim: true }).mul(1 / (n - 1)); // note: Bessel's correction (dividing by n-1, not n)
    let bnvar_inv = bnvar.add(1e-5).pow(-0.5);
    let bnraw = bndiff.mul(bnvar_inv);
    let hpreact = bngain.mul(bnraw).add(bnbias);
    // Non-linearity
    let h = torch.tanh(hpreact); // hidden layer
    // Linear layer 2
    let logits = h.matmul(W2).add(b2); // output layer
    // cross entropy loss (same as F.cross_entropy(logits, Yb))
    const logit_maxes = logits.max(1, { keepdim: true }).values;
    const norm_logits = logits.sub(logit_maxes); // subtract max for numerical stability
    const counts = norm_logits.exp();
    const counts_sum = counts.sum(1, { keepdims: true });
    const counts_sum_inv = counts_sum.pow(-1); // if I use (1.0 / counts_sum) instead then I can't get backprop to be bit exact...
    const probs = counts.mul(counts_sum_inv);
    const logprobs = probs.log();
    let loss = logprobs.index(torch.arange(n), Yb).mean().neg();

    // PyTorch backward pass
    for (const p of parameters) p.grad = null;
    for (const t of [logprobs, probs, counts, counts_sum, counts_sum_inv, // afaik there is no cleaner way
      norm_logits, logit_maxes, logits, h, hpreact, bnraw,
      bnvar_inv, bnvar, bndiff2, bndiff, hprebn, bnmeani,
      embcat, emb]) {
      t.retainGrad();
    }
    loss.backward();
    assertNumbers([num(loss)], [want.loss[0]], { rtol: 1e-6, atol: 0 }, 'loss');
    assert.equal(String(loss), want.loss[1]);
    assertTensor(logits, want.logits, { rtol: 1e-5, atol: 1e-6 }, 'logits');

    // Exercise 1: backprop through the whole thing manually,
    // backpropagating through exactly all of the variables
    // as they are defined in the forward pass above, one by one

    const dlogprobs = torch.zerosLike(logprobs);
    dlogprobs.indexPut_([torch.arange(n), Yb], -1.0 / n);
    const dprobs = probs.rdiv(1.0).mul(dlogprobs);
    const dcounts_sum_inv = counts.mul(dprobs).sum(1, { keepdim: true });
    const dcounts = counts_sum_inv.mul(dprobs);
    const dcounts_sum = counts_sum.pow(-2).neg().mul(dcounts_sum_inv);
    dcounts.add_(torch.onesLike(counts).mul(dcounts_sum));
    const dnorm_logits = counts.mul(dcounts);
    let dlogits = dnorm_logits.clone();
    const dlogit_maxes = dnorm_logits.neg().sum(1, { keepdim: true });
    dlogits.add_(F.oneHot(logits.max(1).indices, { numClasses: logits.shape[1] }).mul(dlogit_maxes));
    let dh = dlogits.matmul(W2.T);
    let dW2 = h.T.matmul(dlogits);
    let db2 = dlogits.sum(0);
    let dhpreact = h.pow(2).rsub(1.0).mul(dh);
    let dbngain = bnraw.mul(dhpreact).sum(0, { keepdim: true });
    const dbnraw = bngain.mul(dhpreact);
    let dbnbias = dhpreact.sum(0, { keepdim: true });
    const dbndiff = bnvar_inv.mul(dbnraw);
    const dbnvar_inv = bndiff.mul(dbnraw).sum(0, { keepdim: true });
    const dbnvar = bnvar.add(1e-5).pow(-1.5).mul(-0.5).mul(dbnvar_inv);
    const dbndiff2 = torch.onesLike(bndiff2).mul(1.0 / (n - 1)).mul(dbnvar);
    dbndiff.add_(bndiff.mul(2).mul(dbndiff2));
    let dhprebn = dbndiff.clone();
    const dbnmeani = dbndiff.neg().sum(0);
    dhprebn.add_(torch.onesLike(hprebn).mul(dbnmeani).mul(1.0 / n));
    let dembcat = dhprebn.matmul(W1.T);
    let dW1 = embcat.T.matmul(dhprebn);
    let db1 = dhprebn.sum(0);
    let demb = dembcat.view(emb.shape);
    let dC = torch.zerosLike(C);
    for (let k = 0; k < Xb.shape[0]; k++) {
      for (let j = 0; j < Xb.shape[1]; j++) {
        const ix = Xb.index(k, j);
        dC.index(ix).add_(demb.index(k, j)); // dC[ix] += demb[k,j]: a 0-d index selects a view
      }
    }

    cmp('logprobs', dlogprobs, logprobs);
    cmp('probs', dprobs, probs);
    cmp('counts_sum_inv', dcounts_sum_inv, counts_sum_inv);
    cmp('counts_sum', dcounts_sum, counts_sum);
    cmp('counts', dcounts, counts);
    cmp('norm_logits', dnorm_logits, norm_logits);
    cmp('logit_maxes', dlogit_maxes, logit_maxes);
    cmp('logits', dlogits, logits);
    cmp('h', dh, h);
    cmp('W2', dW2, W2);
    cmp('b2', db2, b2);
    cmp('hpreact', dhpreact, hpreact);
    cmp('bngain', dbngain, bngain);
    cmp('bnbias', dbnbias, bnbias);
    cmp('bnraw', dbnraw, bnraw);
    cmp('bnvar_inv', dbnvar_inv, bnvar_inv);
    cmp('bnvar', dbnvar, bnvar);
    cmp('bndiff2', dbndiff2, bndiff2);
    cmp('bndiff', dbndiff, bndiff);
    cmp('bnmeani', dbnmeani, bnmeani);
    cmp('hprebn', dhprebn, hprebn);
    cmp('embcat', dembcat, embcat);
    cmp('W1', dW1, W1);
    cmp('b1', db1, b1);
    cmp('emb', demb, emb);
    cmp('C', dC, C);
    const mg = want.manual_grads;
    const gradTol = { rtol: 1e-5, atol: 2e-8 };
    check(dC, mg.dC, gradTol, 'dC');
    check(dW1, mg.dW1, gradTol, 'dW1');
    check(db1, mg.db1, gradTol, 'db1');
    check(dW2, mg.dW2, gradTol, 'dW2');
    check(db2, mg.db2, gradTol, 'db2');
    check(dbngain, mg.dbngain, gradTol, 'dbngain');
    check(dbnbias, mg.dbnbias, gradTol, 'dbnbias');
    check(dlogits, mg.dlogits, gradTol, 'dlogits');
    check(dhprebn, mg.dhprebn, gradTol, 'dhprebn');
    check(dbnvar, mg.dbnvar, gradTol, 'dbnvar');

    // Exercise 2: backprop through cross_entropy but all in one go
    const loss_fast = F.crossEntropy(logits, Yb);
    print(pyFloat(num(loss_fast)), 'diff:', pyFloat(num(loss_fast.sub(loss))));

    // backward pass

    dlogits = F.softmax(logits, 1);
    // dlogits[range(n), Yb] -= 1
    dlogits.indexPut_([torch.arange(n), Yb], dlogits.index(torch.arange(n), Yb).sub(1));
    dlogits.div_(n);

    cmp('logits', dlogits, logits); // I can only get approximate to be true, my maxdiff is 6e-9
    assert.deepEqual([logits.shape, Yb.shape], want.shapes_ce);
    assertTensor(F.softmax(logits, 1).index(0), want.softmax0[0], { rtol: 1e-5, atol: 1e-7 }, 'F.softmax(logits, 1)[0]');
    assert.equal(String(F.softmax(logits, 1).index(0)), want.softmax0[1]);
    assertTensor(dlogits.index(0).mul(n), want.dlogits0n[0], { rtol: 1e-5, atol: 1e-7 }, 'dlogits[0] * n');
    assert.equal(String(dlogits.index(0).mul(n)), want.dlogits0n[1]);
    // dlogits[0].sum() is rounding noise (4.7e-9 in PyTorch)
    assert.ok(Math.abs(num(dlogits.index(0).sum())) < 1e-7);
    assertTensor(dlogits, want.dlogits_fast, { rtol: 1e-5, atol: 1e-8 }, 'fused dlogits');

    // Exercise 3: backprop through batchnorm but all in one go
    const hpreact_fast = bngain.mul(hprebn.sub(hprebn.mean(0, { keepdim: true }))).div(torch.sqrt(hprebn.var(0, { keepdim: true, unbiased: true }).add(1e-5))).add(bnbias);
    print('max diff:', String(hpreact_fast.sub(hpreact).abs().max()));

    // calculate dhprebn given dhpreact (i.e. backprop through the batchnorm)
    dhprebn = bngain.mul(bnvar_inv).div(n).mul(dhpreact.mul(n).sub(dhpreact.sum(0)).sub(bnraw.mul(n / (n - 1)).mul(dhpreact.mul(bnraw).sum(0))));

    cmp('hprebn', dhprebn, hprebn); // I can only get approximate to be true, my maxdiff is 9e-10
    check(dhprebn, want.dhprebn_fast, gradTol, 'fused dhprebn');
    assert.deepEqual([dhprebn.shape, bngain.shape, bnvar_inv.shape, dbnraw.shape, dbnraw.sum(0).shape], want.shapes_bn);

    // Exercise 4: putting it all together!
    // Train the MLP neural net with your own backward pass

    // init
    n_embd = 10; // the dimensionality of the character embedding vectors
    n_hidden = 200; // the number of neurons in the hidden layer of the MLP

    g = new torch.Generator().manualSeed(2147483647); // for reproducibility
    C = torch.randn([vocab_size, n_embd], { generator: g });
    // Layer 1
    W1 = torch.randn([n_embd * block_size, n_hidden], { generator: g }).mul(5 / 3).div((n_embd * block_size) ** 0.5);
    b1 = torch.randn(n_hidden, { generator: g }).mul(0.1);
    // Layer 2
    W2 = torch.randn([n_hidden, vocab_size], { generator: g }).mul(0.1);
    b2 = torch.randn(vocab_size, { generator: g }).mul(0.1);
    // BatchNorm parameters
    bngain = torch.randn([1, n_hidden]).mul(0.1).add(1.0);
    bnbias = torch.randn([1, n_hidden]).mul(0.1);

    parameters = [C, W1, b1, W2, b2, bngain, bnbias];
    parameters.forEach((p, i) => check(p, want.ex4_init[i], { rtol: 1e-7, atol: 0 }, `exercise 4: initial parameter ${i}`));
    print(parameters.reduce((s, p) => s + p.nelement(), 0)); // number of parameters in total
    for (const p of parameters) p.requiresGrad = true;

    // same optimization as last time
    const max_steps = 300; // 200000 in the lecture
    n = batch_size; // convenience
    const lossi: number[] = [];

    // use this context manager for efficiency once your backward pass is written (TODO)
    torch.noGrad(() => {
      // kick off optimization
      for (let i = 0; i < max_steps; i++) {
        // minibatch construct
        ix = torch.randint(0, Xtr.shape[0], [batch_size], { generator: g });
        [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)]; // batch X,Y

        // forward pass
        emb = C.index(Xb); // embed the characters into vectors
        embcat = emb.view(emb.shape[0], -1); // concatenate the vectors
        // Linear layer
        hprebn = embcat.matmul(W1).add(b1); // hidden layer pre-activation
        // BatchNorm layer
        // -------------------------------------------------------------
        const bnmean = hprebn.mean(0, { keepdim: true });
        bnvar = hprebn.var(0, { keepdim: true, unbiased: true });
        bnvar_inv = bnvar.add(1e-5).pow(-0.5);
        bnraw = hprebn.sub(bnmean).mul(bnvar_inv);
        hpreact = bngain.mul(bnraw).add(bnbias);
        // -------------------------------------------------------------
        // Non-linearity
        h = torch.tanh(hpreact); // hidden layer
        logits = h.matmul(W2).add(b2); // output layer
        loss = F.crossEntropy(logits, Yb); // loss function

        // backward pass
        for (const p of parameters) p.grad = null;
        // loss.backward() # use this for correctness comparisons, delete it later!

        // manual backprop! #swole_doge_meme
        // -----------------
        dlogits = F.softmax(logits, 1);
        dlogits.indexPut_([torch.arange(n), Yb], dlogits.index(torch.arange(n), Yb).sub(1));
        dlogits.div_(n);
        // 2nd layer backprop
        dh = dlogits.matmul(W2.T);
        dW2 = h.T.matmul(dlogits);
        db2 = dlogits.sum(0);
        // tanh
        dhpreact = h.pow(2).rsub(1.0).mul(dh);
        // batchnorm backprop
        dbngain = bnraw.mul(dhpreact).sum(0, { keepdim: true });
        dbnbias = dhpreact.sum(0, { keepdim: true });
        dhprebn = bngain.mul(bnvar_inv).div(n).mul(dhpreact.mul(n).sub(dhpreact.sum(0)).sub(bnraw.mul(n / (n - 1)).mul(dhpreact.mul(bnraw).sum(0))));
        // 1st layer
        dembcat = dhprebn.matmul(W1.T);
        dW1 = embcat.T.matmul(dhprebn);
        db1 = dhprebn.sum(0);
        // embedding
        demb = dembcat.view(emb.shape);
        dC = torch.zerosLike(C);
        for (let k = 0; k < Xb.shape[0]; k++) {
          for (let j = 0; j < Xb.shape[1]; j++) {
            const ix = Xb.index(k, j);
            dC.index(ix).add_(demb.index(k, j));
          }
        }
        const grads = [dC, dW1, db1, dW2, db2, dbngain, dbnbias];
        // -----------------

        // update
        const lr = i < 150 ? 0.1 : 0.01; // step learning rate decay (100000 in the lecture)
        for (const [p, grad] of zip(parameters, grads)) {
          // p.data += -lr * p.grad # old way of cheems doge (using PyTorch grad from .backward())
          p.data.add_(grad.mul(-lr)); // new way of swole doge TODO: enable
        }

        // track stats
        if (i % 15 === 0) print(`${d7(i)}/${d7(max_steps)}: ${num(loss).toFixed(4)}`); // print every once in a while (10000 in the lecture)
        lossi.push(num(loss.log10()));
      }
    });
    assertNumbers(lossi, want.ex4_lossi, { rtol: 1e-5, atol: 1e-6 }, 'exercise 4 lossi');
    parameters.forEach((p, i) => check(p, want.ex4_final[i], { rtol: 1e-5, atol: 5e-6 }, `exercise 4: final parameter ${i}`));

    // calibrate the batch norm at the end of training
    const [bnmean, bnvar2] = torch.noGrad(() => {
      // pass the training set through
      const emb = C.index(Xtr);
      const embcat = emb.view(emb.shape[0], -1);
      const hpreact = embcat.matmul(W1).add(b1);
      // measure the mean/std over the entire training set
      return [hpreact.mean(0, { keepdim: true }), hpreact.var(0, { keepdim: true, unbiased: true })];
    });
    bnvar = bnvar2;

    // evaluate train and val loss
    const splits: Record<string, [Tensor, Tensor]> = { train: [Xtr, Ytr], val: [Xdev, Ydev], test: [Xte, Yte] };
    // @torch.no_grad() # this decorator disables gradient tracking
    const split_loss = (split: string): void => torch.noGrad(() => {
      const [x, y] = splits[split];
      const emb = C.index(x); // (N, block_size, n_embd)
      const embcat = emb.view(emb.shape[0], -1); // concat into (N, block_size * n_embd)
      let hpreact = embcat.matmul(W1).add(b1);
      hpreact = bngain.mul(hpreact.sub(bnmean)).mul(bnvar.add(1e-5).pow(-0.5)).add(bnbias);
      const h = torch.tanh(hpreact); // (N, n_hidden)
      const logits = h.matmul(W2).add(b2); // (N, vocab_size)
      const loss = F.crossEntropy(logits, y);
      print(split, pyFloat(num(loss)));
    });

    split_loss('train');
    split_loss('val');

    // sample from the model
    g = new torch.Generator().manualSeed(2147483647 + 10);

    for (let s = 0; s < 20; s++) {
      const out: number[] = [];
      let context = Array<number>(block_size).fill(0); // initialize with all ...
      for (;;) {
        // ------------
        // forward pass:
        // Embedding
        emb = C.index(torch.tensor([context])); // (1,block_size,d)
        embcat = emb.view(emb.shape[0], -1); // concat into (N, block_size * n_embd)
        hpreact = embcat.matmul(W1).add(b1);
        hpreact = bngain.mul(hpreact.sub(bnmean)).mul(bnvar.add(1e-5).pow(-0.5)).add(bnbias);
        h = torch.tanh(hpreact); // (N, n_hidden)
        logits = h.matmul(W2).add(b2); // (N, vocab_size)
        // ------------
        // Sample
        const probs = F.softmax(logits, { dim: 1 });
        const ix = num(torch.multinomial(probs, { numSamples: 1, generator: g }));
        context = [...context.slice(1), ix];
        out.push(ix);
        if (ix === 0) break;
      }
      print(out.map((i) => itos.get(i)).join(''));
    }
  });
  // maxdiff and the loss difference are rounding noise: compared to 1e-7, not digit by digit
  assertPrinted(PRINTED, want.printed, 'part 4', { noise: /maxdiff|diff:/, noiseAtol: 1e-6 });
  // which gradients come out bit-exact follows from each framework's kernels (PyTorch 1.13's tanh
  // backward contracts (1 - y*y)*g with an FMA, so from hpreact down it is "approximate" only)
  assert.deepEqual(cmps.map((c) => [c[0], c[1], c[2]]), want.cmps.map((c) => [c[0], c[1], c[2]]));
  assert.deepEqual(warnings, want.warnings);
});

// ----------------------------------------------------------------------------- part 5: WaveNet

// Near copy paste of the layers we have developed in Part 3

// -----------------------------------------------------------------------------------------------
class Linear {
  weight: Tensor;
  bias: Tensor | null;
  out!: Tensor;
  training?: boolean;

  constructor(fan_in: number, fan_out: number, bias = true) {
    this.weight = torch.randn([fan_in, fan_out]).div(fan_in ** 0.5); // note: kaiming init
    this.bias = bias ? torch.zeros(fan_out) : null;
  }

  call(x: Tensor): Tensor {
    this.out = x.matmul(this.weight);
    if (this.bias !== null) this.out.add_(this.bias);
    return this.out;
  }

  parameters(): Tensor[] {
    return [this.weight, ...(this.bias === null ? [] : [this.bias])];
  }
}

// -----------------------------------------------------------------------------------------------
class BatchNorm1d {
  eps: number;
  momentum: number;
  training = true;
  gamma: Tensor;
  beta: Tensor;
  running_mean: Tensor;
  running_var: Tensor;
  out!: Tensor;

  constructor(dim: number, eps = 1e-5, momentum = 0.1) {
    this.eps = eps;
    this.momentum = momentum;
    // parameters (trained with backprop)
    this.gamma = torch.ones(dim);
    this.beta = torch.zeros(dim);
    // buffers (trained with a running 'momentum update')
    this.running_mean = torch.zeros(dim);
    this.running_var = torch.ones(dim);
  }

  call(x: Tensor): Tensor {
    // calculate the forward pass
    let xmean: Tensor;
    let xvar: Tensor;
    if (this.training) {
      let dim: number | number[] = 0;
      if (x.ndim === 2) dim = 0;
      else if (x.ndim === 3) dim = [0, 1];
      xmean = x.mean(dim, { keepdim: true }); // batch mean
      xvar = x.var(dim, { keepdim: true }); // batch variance
    } else {
      xmean = this.running_mean;
      xvar = this.running_var;
    }
    const xhat = x.sub(xmean).div(torch.sqrt(xvar.add(this.eps))); // normalize to unit variance
    this.out = this.gamma.mul(xhat).add(this.beta);
    // update the buffers
    if (this.training) {
      torch.noGrad(() => {
        this.running_mean = this.running_mean.mul(1 - this.momentum).add(xmean.mul(this.momentum));
        this.running_var = this.running_var.mul(1 - this.momentum).add(xvar.mul(this.momentum));
      });
    }
    return this.out;
  }

  parameters(): Tensor[] {
    return [this.gamma, this.beta];
  }
}

// -----------------------------------------------------------------------------------------------
class Tanh {
  out!: Tensor;
  training?: boolean;
  call(x: Tensor): Tensor {
    this.out = torch.tanh(x);
    return this.out;
  }
  parameters(): Tensor[] {
    return [];
  }
}

// -----------------------------------------------------------------------------------------------
class Embedding {
  weight: Tensor;
  out!: Tensor;
  training?: boolean;

  constructor(num_embeddings: number, embedding_dim: number) {
    this.weight = torch.randn([num_embeddings, embedding_dim]);
  }

  call(IX: Tensor): Tensor {
    this.out = this.weight.index(IX);
    return this.out;
  }

  parameters(): Tensor[] {
    return [this.weight];
  }
}

// -----------------------------------------------------------------------------------------------
class FlattenConsecutive {
  n: number;
  out!: Tensor;
  training?: boolean;

  constructor(n: number) {
    this.n = n;
  }

  call(x: Tensor): Tensor {
    const [B, T, C] = x.shape;
    x = x.view(B, Math.floor(T / this.n), C * this.n);
    if (x.shape[1] === 1) x = x.squeeze(1);
    this.out = x;
    return this.out;
  }

  parameters(): Tensor[] {
    return [];
  }
}

type Layer5 = Linear | BatchNorm1d | Tanh | Embedding | FlattenConsecutive;

// -----------------------------------------------------------------------------------------------
class Sequential {
  layers: Layer5[];
  out!: Tensor;

  constructor(layers: Layer5[]) {
    this.layers = layers;
  }

  call(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.call(x);
    this.out = x;
    return this.out;
  }

  parameters(): Tensor[] {
    // get parameters of all layers and stretch them out into one list
    return this.layers.flatMap((layer) => layer.parameters());
  }
}

test('makemore part 5 (WaveNet): FlattenConsecutive, Embedding, Sequential, 3-D batchnorm, the hierarchical model', async () => {
  const want = fx.part5;
  PRINTED = [];
  const [, warnings] = await warningsOf(() => {
    // read in all the words
    const words = [...WORDS];
    print(words.length);
    print(Math.max(...words.map((w) => w.length)));
    print(pyList(words.slice(0, 8)));

    // build the vocabulary of characters and mappings to/from integers
    const chars = [...new Set(words.join(''))].sort();
    const stoi = new Map(chars.map((s, i) => [s, i + 1]));
    stoi.set('.', 0);
    const itos = new Map([...stoi].map(([s, i]) => [i, s]));
    const vocab_size = itos.size;
    print(pyDict(itos));
    print(vocab_size);

    // shuffle up the words
    random.seed(42);
    random.shuffle(words);

    // build the dataset
    const block_size = 8; // context length: how many characters do we take to predict the next one?

    function build_dataset(words: string[]): [Tensor, Tensor] {
      const X: number[][] = [];
      const Y: number[] = [];

      for (const w of words) {
        let context = Array<number>(block_size).fill(0);
        for (const ch of w + '.') {
          const ix = stoi.get(ch)!;
          X.push(context);
          Y.push(ix);
          context = [...context.slice(1), ix]; // crop and append
        }
      }

      const Xt = torch.tensor(X);
      const Yt = torch.tensor(Y);
      print(sizeStr(Xt.shape), sizeStr(Yt.shape));
      return [Xt, Yt];
    }

    const n1 = Math.trunc(0.8 * words.length);
    const n2 = Math.trunc(0.9 * words.length);
    const [Xtr, Ytr] = build_dataset(words.slice(0, n1)); // 80%
    const [Xdev, Ydev] = build_dataset(words.slice(n1, n2)); // 10%
    const [Xte, Yte] = build_dataset(words.slice(n2)); // 10%

    for (const [x, y] of zip(Xtr.index(':20'), Ytr.index(':20'))) {
      print([...x].map((ix) => itos.get(num(ix))).join(''), '-->', itos.get(num(y)));
    }

    // (from the video) the shapes that led to FlattenConsecutive
    torch.manualSeed(42); // seed rng for reproducibility
    assert.deepEqual(torch.randn(4, 5, 6, 80).matmul(torch.randn(80, 200)).add(torch.randn(200)).shape, want.mm_shape);
    const e = torch.randn(4, 8, 10); // goal: want this to be (4, 4, 20) where consecutive 10-d vectors get concatenated
    const explicit = torch.cat([e.index(':', '::2', ':'), e.index(':', '1::2', ':')], { dim: 2 });
    assertTensor(explicit, want.explicit, { rtol: 0, atol: 0 }, 'explicit');
    assert.equal(Boolean(e.view(4, 4, 20).eq(explicit).all().item()), want.explicit_eq);

    torch.manualSeed(42); // seed rng for reproducibility

    // hierarchical network
    const n_embd = 24; // the dimensionality of the character embedding vectors
    const n_hidden = 128; // the number of neurons in the hidden layer of the MLP
    const model = new Sequential([
      new Embedding(vocab_size, n_embd),
      new FlattenConsecutive(2), new Linear(n_embd * 2, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new FlattenConsecutive(2), new Linear(n_hidden * 2, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new FlattenConsecutive(2), new Linear(n_hidden * 2, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, vocab_size),
    ]);

    // parameter init
    torch.noGrad(() => {
      (model.layers.at(-1) as Linear).weight.mul_(0.1); // last layer make less confident
    });

    const parameters = model.parameters();
    parameters.forEach((p, i) => check(p, want.init[i], { rtol: 1e-7, atol: 0 }, `initial parameter ${i}`));
    print(parameters.reduce((s, p) => s + p.nelement(), 0)); // number of parameters in total
    for (const p of parameters) p.requiresGrad = true;

    // same optimization as last time
    const max_steps = 400; // 200000 in the lecture
    const batch_size = 32;
    const lossi: number[] = [];

    for (let i = 0; i < max_steps; i++) {
      // minibatch construct
      const ix = torch.randint(0, Xtr.shape[0], [batch_size]);
      const [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)]; // batch X,Y

      // forward pass
      const logits = model.call(Xb);
      const loss = F.crossEntropy(logits, Yb); // loss function

      // backward pass
      for (const p of parameters) p.grad = null;
      loss.backward();

      // update: simple SGD
      const lr = i < 300 ? 0.1 : 0.01; // step learning rate decay (150000 in the lecture)
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));

      // track stats
      if (i % 20 === 0) print(`${d7(i)}/${d7(max_steps)}: ${num(loss).toFixed(4)}`); // print every once in a while (10000 in the lecture)
      lossi.push(num(loss.log10()));
    }
    assertNumbers(lossi, want.lossi, { rtol: 1e-5, atol: 1e-6 }, 'lossi');
    // the shapes through the layers (the video prints them for a batch)
    assert.deepEqual(model.layers.map((layer) => [layer.constructor.name, layer.out.shape]), want.layer_shapes);
    assertTensor(torch.tensor(lossi).view(-1, 40).mean(1), want.lossi_mean, { rtol: 1e-5, atol: 1e-6 }, 'lossi averaged'); // view(-1, 1000) for 200000 steps
    parameters.forEach((p, i) => check(p, want.final[i], { rtol: 1e-5, atol: 5e-6 }, `final parameter ${i}`));
    assertTensor((model.layers[0] as Embedding).weight, want.final_emb, { rtol: 1e-5, atol: 5e-6 }, 'final embedding');
    model.layers.filter((l) => l instanceof BatchNorm1d).forEach((l, i) => {
      const bn = l as BatchNorm1d;
      assert.deepEqual(bn.running_mean.shape, want.running[i][0]);
      check(bn.running_mean, want.running[i][1], { rtol: 1e-5, atol: 5e-6 }, `running_mean ${i}`);
      check(bn.running_var, want.running[i][2], { rtol: 1e-5, atol: 5e-6 }, `running_var ${i}`);
    });

    // put layers into eval mode (needed for batchnorm especially)
    for (const layer of model.layers) layer.training = false;

    // evaluate the loss
    const splits: Record<string, [Tensor, Tensor]> = { train: [Xtr, Ytr], val: [Xdev, Ydev], test: [Xte, Yte] };
    // @torch.no_grad() # this decorator disables gradient tracking inside pytorch
    const split_loss = (split: string): void => torch.noGrad(() => {
      const [x, y] = splits[split];
      const logits = model.call(x);
      const loss = F.crossEntropy(logits, y);
      print(split, pyFloat(num(loss)));
    });

    split_loss('train');
    split_loss('val');

    // sample from the model
    for (let s = 0; s < 20; s++) {
      const out: number[] = [];
      let context = Array<number>(block_size).fill(0); // initialize with all ...
      for (;;) {
        // forward pass the neural net
        const logits = model.call(torch.tensor([context]));
        const probs = F.softmax(logits, { dim: 1 });
        // sample from the distribution
        const ix = num(torch.multinomial(probs, { numSamples: 1 }));
        // shift the context window and track the samples
        context = [...context.slice(1), ix];
        out.push(ix);
        // if we sample the special '.' token, break
        if (ix === 0) break;
      }
      print(out.map((i) => itos.get(i)).join('')); // decode and print the generated word
    }

    for (const [x, y] of zip(Xtr.index('7:15'), Ytr.index('7:15'))) {
      print([...x].map((ix) => itos.get(num(ix))).join(''), '-->', itos.get(num(y)));
    }

    // forward a single example:
    let logits = model.call(Xtr.index([7]));
    assert.deepEqual(logits.shape, want.single_shape);
    assertTensor(logits, want.single, { rtol: 1e-5, atol: 5e-6 }, 'model(Xtr[[7]])');

    // forward all of them
    logits = torch.zeros(8, 27);
    for (let i = 0; i < 8; i++) logits.indexPut_([i], model.call(Xtr.index([7 + i])));
    assertTensor(logits, want.all8, { rtol: 1e-5, atol: 5e-6 }, 'logits[i] = model(Xtr[[7+i]])');
  });
  assertPrinted(PRINTED, want.printed, 'part 5');
  assert.deepEqual(warnings, want.warnings);
});

// ============================================================================= karpathy/makemore makemore.py
// The script transcribed (ModelConfig, NewGELU, CausalSelfAttention, Block, Transformer, CausalBoW,
// BoWBlock, BoW, RNNCell, GRUCell, RNN, MLP, Bigram, generate, print_samples, evaluate, CharDataset,
// create_datasets, InfiniteDataLoader, and the __main__ block as makemore_main(argv)) and run as the
// fixture script runs it: each model type for 21 steps of a small configuration, then --sample-only
// from the transformer's checkpoint. As there: SummaryWriter is a recording stand-in (torchlette has
// no torch.utils.tensorboard), sys.exit() after --sample-only is a return, evaluation and sampling
// come every 10 / 20 steps; argparse is the small parser below (makemore.py's flags and defaults).

class ModelConfig {
  block_size: number | null = null; // length of the input sequences of integers
  vocab_size: number | null = null; // the input integers are in range [0 .. vocab_size -1]
  // parameters below control the sizes of each model slightly differently
  n_layer = 4;
  n_embd = 64;
  n_embd2 = 64;
  n_head = 4;
  constructor(fields: Partial<ModelConfig> = {}) {
    Object.assign(this, fields);
  }
}
type Config = ModelConfig & { block_size: number; vocab_size: number };

// -----------------------------------------------------------------------------
// Transformer Language Model (*exactly* as used in GPT-2)

class NewGELU extends torch.nn.Module {
  // Implementation of the GELU activation function currently in Google BERT repo (identical to OpenAI GPT).
  override forward(x: Tensor): Tensor {
    return x.mul(0.5).mul(torch.tanh(x.add(torch.pow(x, 3.0).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI))).add(1.0));
  }
}

class CausalSelfAttention extends torch.nn.Module {
  c_attn: torch.nn.Linear;
  c_proj: torch.nn.Linear;
  declare bias: Tensor;
  n_head: number;
  n_embd: number;

  constructor(config: Config) {
    super();
    assert.ok(config.n_embd % config.n_head === 0);
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new torch.nn.Linear(config.n_embd, 3 * config.n_embd);
    // output projection
    this.c_proj = new torch.nn.Linear(config.n_embd, config.n_embd);
    // causal mask to ensure that attention is only applied to the left in the input sequence
    this.registerBuffer('bias', torch.tril(torch.ones(config.block_size, config.block_size))
      .view(1, 1, config.block_size, config.block_size));
    this.n_head = config.n_head;
    this.n_embd = config.n_embd;
  }

  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.size(); // batch size, sequence length, embedding dimensionality (n_embd)

    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn.forward(x).split(this.n_embd, { dim: 2 });
    k = k.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)

    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(k.size(-1)));
    att = att.maskedFill(this.bias.index(':', ':', `:${T}`, `:${T}`).eq(0), -Infinity);
    att = F.softmax(att, { dim: -1 });
    let y = att.matmul(v); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side

    // output projection
    y = this.c_proj.forward(y);
    return y;
  }
}

class Block extends torch.nn.Module {
  // an unassuming Transformer block
  ln_1: torch.nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: torch.nn.LayerNorm;
  mlp: torch.nn.ModuleDict;
  mlpf: (x: Tensor) => Tensor;

  constructor(config: Config) {
    super();
    this.ln_1 = new torch.nn.LayerNorm(config.n_embd);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new torch.nn.LayerNorm(config.n_embd);
    this.mlp = new torch.nn.ModuleDict({
      c_fc: new torch.nn.Linear(config.n_embd, 4 * config.n_embd),
      c_proj: new torch.nn.Linear(4 * config.n_embd, config.n_embd),
      act: new NewGELU(),
    });
    const m = this.mlp;
    this.mlpf = (x) => m.get('c_proj').forward(m.get('act').forward(m.get('c_fc').forward(x))) as Tensor; // MLP forward
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln_1.forward(x)));
    x = x.add(this.mlpf(this.ln_2.forward(x)));
    return x;
  }
}

interface LanguageModel extends torch.nn.Module {
  get_block_size(): number;
  forward(idx: Tensor, targets?: Tensor | null): [Tensor, Tensor | null];
}

class Transformer extends torch.nn.Module implements LanguageModel {
  // Transformer Language Model, exactly as seen in GPT-2
  block_size: number;
  transformer: torch.nn.ModuleDict;
  lm_head: torch.nn.Linear;

  constructor(config: Config) {
    super();
    this.block_size = config.block_size;

    this.transformer = new torch.nn.ModuleDict({
      wte: new torch.nn.Embedding(config.vocab_size, config.n_embd),
      wpe: new torch.nn.Embedding(config.block_size, config.n_embd),
      h: new torch.nn.ModuleList(Array.from({ length: config.n_layer }, () => new Block(config))),
      ln_f: new torch.nn.LayerNorm(config.n_embd),
    });
    this.lm_head = new torch.nn.Linear(config.n_embd, config.vocab_size, { bias: false });

    // report number of parameters (note we don't count the decoder parameters in lm_head)
    const n_params = [...this.transformer.parameters()].reduce((s, p) => s + p.numel(), 0);
    print(`number of parameters: ${(n_params / 1e6).toFixed(2)}M`);
  }

  get_block_size(): number {
    return this.block_size;
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const device = idx.device;
    const [b, t] = idx.size();
    assert.ok(t <= this.block_size, `Cannot forward sequence of length ${t}, block size is only ${this.block_size}`);
    const pos = torch.arange(0, t, { dtype: torch.long, device }).unsqueeze(0); // shape (1, t)

    // forward the GPT model itself
    const tok_emb = this.transformer.get('wte').forward(idx) as Tensor; // token embeddings of shape (b, t, n_embd)
    const pos_emb = this.transformer.get('wpe').forward(pos) as Tensor; // position embeddings of shape (1, t, n_embd)
    let x = tok_emb.add(pos_emb);
    for (const block of this.transformer.get('h') as torch.nn.ModuleList) x = block.forward(x) as Tensor;
    x = this.transformer.get('ln_f').forward(x) as Tensor;
    const logits = this.lm_head.forward(x);

    // if we are given some desired targets also calculate the loss
    let loss = null;
    if (targets !== null) loss = F.crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignoreIndex: -1 });
    return [logits, loss];
  }
}

// -----------------------------------------------------------------------------
// Bag of Words (BoW) language model

class CausalBoW extends torch.nn.Module {
  // Causal bag of words. Averages the preceding elements and looks suspiciously like
  // a CausalAttention module you'd find in a transformer, for no apparent reason at all ;)
  block_size: number;
  declare bias: Tensor;

  constructor(config: Config) {
    super();

    // used to mask out vectors and preserve autoregressive property
    this.block_size = config.block_size;
    this.registerBuffer('bias', torch.tril(torch.ones(config.block_size, config.block_size))
      .view(1, config.block_size, config.block_size));
  }

  override forward(x: Tensor): Tensor {
    const [B, T] = x.size(); // batch size, sequence length, n_embd

    // do the weighted average of all preceeding token features
    let att = torch.zeros([B, T, T], { device: x.device });
    att = att.maskedFill(this.bias.index(':', `:${T}`, `:${T}`).eq(0), -Infinity);
    att = F.softmax(att, { dim: -1 });
    const y = att.matmul(x); // (B, T, T) x (B, T, C) -> (B, T, C)

    return y;
  }
}

class BoWBlock extends torch.nn.Module {
  // collects BoW features and adds an MLP
  cbow: CausalBoW;
  mlp: torch.nn.ModuleDict;
  mlpf: (x: Tensor) => Tensor;

  constructor(config: Config) {
    super();

    // Causal BoW module
    this.cbow = new CausalBoW(config);
    // MLP assembler
    this.mlp = new torch.nn.ModuleDict({
      c_fc: new torch.nn.Linear(config.n_embd, config.n_embd2),
      c_proj: new torch.nn.Linear(config.n_embd2, config.n_embd),
    });
    const m = this.mlp;
    this.mlpf = (x) => m.get('c_proj').forward(F.tanh(m.get('c_fc').forward(x) as Tensor)) as Tensor; // MLP forward
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.cbow.forward(x));
    x = x.add(this.mlpf(x));
    return x;
  }
}

class BoW extends torch.nn.Module implements LanguageModel {
  // takes the previous block_size tokens, encodes them with a lookup table,
  // also encodes their positions with lookup table, then averages all of those
  // embeddings up and uses that to predict the next token.
  block_size: number;
  vocab_size: number;
  wte: torch.nn.Embedding;
  wpe: torch.nn.Embedding;
  context_block: BoWBlock;
  lm_head: torch.nn.Linear;

  constructor(config: Config) {
    super();
    this.block_size = config.block_size;
    this.vocab_size = config.vocab_size;
    // token embedding
    this.wte = new torch.nn.Embedding(config.vocab_size, config.n_embd);
    // position embedding
    this.wpe = new torch.nn.Embedding(config.block_size, config.n_embd);
    // context block
    this.context_block = new BoWBlock(config);
    // language model head decoder layer
    this.lm_head = new torch.nn.Linear(config.n_embd, this.vocab_size);
  }

  get_block_size(): number {
    return this.block_size;
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const device = idx.device;
    const [, t] = idx.size();
    assert.ok(t <= this.block_size, `Cannot forward sequence of length ${t}, block size is only ${this.block_size}`);
    const pos = torch.arange(0, t, { dtype: torch.long, device }).unsqueeze(0); // shape (1, t)

    // forward the token and position embedding layers
    const tok_emb = this.wte.forward(idx); // token embeddings of shape (b, t, n_embd)
    const pos_emb = this.wpe.forward(pos); // position embeddings of shape (1, t, n_embd)
    // add and run through the decoder MLP
    let x = tok_emb.add(pos_emb);
    // run the bag of words context module
    x = this.context_block.forward(x);
    // decode to next token probability
    const logits = this.lm_head.forward(x);

    // if we are given some desired targets also calculate the loss
    let loss = null;
    if (targets !== null) loss = F.crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignoreIndex: -1 });

    return [logits, loss];
  }
}

// -----------------------------------------------------------------------------
// Recurrent Neural Net language model: either a vanilla RNN recurrence or a GRU.

class RNNCell extends torch.nn.Module {
  // the job of a 'Cell' is to:
  // take input at current time step x_{t} and the hidden state at the
  // previous time step h_{t-1} and return the resulting hidden state
  // h_{t} at the current timestep
  xh_to_h: torch.nn.Linear;

  constructor(config: Config) {
    super();
    this.xh_to_h = new torch.nn.Linear(config.n_embd + config.n_embd2, config.n_embd2);
  }

  override forward(xt: Tensor, hprev: Tensor): Tensor {
    const xh = torch.cat([xt, hprev], { dim: 1 });
    const ht = F.tanh(this.xh_to_h.forward(xh));
    return ht;
  }
}

class GRUCell extends torch.nn.Module {
  // same job as RNN cell, but a bit more complicated recurrence formula
  // that makes the GRU more expressive and easier to optimize.
  xh_to_z: torch.nn.Linear;
  xh_to_r: torch.nn.Linear;
  xh_to_hbar: torch.nn.Linear;

  constructor(config: Config) {
    super();
    // input, forget, output, gate
    this.xh_to_z = new torch.nn.Linear(config.n_embd + config.n_embd2, config.n_embd2);
    this.xh_to_r = new torch.nn.Linear(config.n_embd + config.n_embd2, config.n_embd2);
    this.xh_to_hbar = new torch.nn.Linear(config.n_embd + config.n_embd2, config.n_embd2);
  }

  override forward(xt: Tensor, hprev: Tensor): Tensor {
    // first use the reset gate to wipe some channels of the hidden state to zero
    const xh = torch.cat([xt, hprev], { dim: 1 });
    const r = F.sigmoid(this.xh_to_r.forward(xh));
    const hprev_reset = r.mul(hprev);
    // calculate the candidate new hidden state hbar
    const xhr = torch.cat([xt, hprev_reset], { dim: 1 });
    const hbar = F.tanh(this.xh_to_hbar.forward(xhr));
    // calculate the switch gate that determines if each channel should be updated at all
    const z = F.sigmoid(this.xh_to_z.forward(xh));
    // blend the previous hidden state and the new candidate hidden state
    const ht = z.rsub(1).mul(hprev).add(z.mul(hbar));
    return ht;
  }
}

class RNN extends torch.nn.Module implements LanguageModel {
  block_size: number;
  vocab_size: number;
  start: torch.nn.Parameter;
  wte: torch.nn.Embedding;
  cell: RNNCell | GRUCell;
  lm_head: torch.nn.Linear;

  constructor(config: Config, cell_type: string) {
    super();
    this.block_size = config.block_size;
    this.vocab_size = config.vocab_size;
    this.start = new torch.nn.Parameter(torch.zeros(1, config.n_embd2)); // the starting hidden state
    this.wte = new torch.nn.Embedding(config.vocab_size, config.n_embd); // token embeddings table
    if (cell_type === 'rnn') this.cell = new RNNCell(config);
    else if (cell_type === 'gru') this.cell = new GRUCell(config);
    else throw new Error(cell_type);
    this.lm_head = new torch.nn.Linear(config.n_embd2, this.vocab_size);
  }

  get_block_size(): number {
    return this.block_size;
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const [b, t] = idx.size();

    // embed all the integers up front and all at once for efficiency
    const emb = this.wte.forward(idx); // (b, t, n_embd)

    // sequentially iterate over the inputs and update the RNN state each tick
    let hprev = this.start.expand([b, -1]); // expand out the batch dimension
    const hiddens: Tensor[] = [];
    for (let i = 0; i < t; i++) {
      const xt = emb.index(':', i, ':'); // (b, n_embd)
      const ht = this.cell.forward(xt, hprev); // (b, n_embd2)
      hprev = ht;
      hiddens.push(ht);
    }

    // decode the outputs
    const hidden = torch.stack(hiddens, 1); // (b, t, n_embd2)
    const logits = this.lm_head.forward(hidden);

    // if we are given some desired targets also calculate the loss
    let loss = null;
    if (targets !== null) loss = F.crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignoreIndex: -1 });

    return [logits, loss];
  }
}

// -----------------------------------------------------------------------------
// MLP language model

class MLP extends torch.nn.Module implements LanguageModel {
  // takes the previous block_size tokens, encodes them with a lookup table,
  // concatenates the vectors and predicts the next token with an MLP.
  //
  // Reference:
  // Bengio et al. 2003 https://www.jmlr.org/papers/volume3/bengio03a/bengio03a.pdf
  block_size: number;
  vocab_size: number;
  wte: torch.nn.Embedding;
  mlp: torch.nn.Sequential;

  constructor(config: Config) {
    super();
    this.block_size = config.block_size;
    this.vocab_size = config.vocab_size;
    this.wte = new torch.nn.Embedding(config.vocab_size + 1, config.n_embd); // token embeddings table
    // +1 in the line above for a special <BLANK> token that gets inserted if encoding a token
    // before the beginning of the input sequence
    this.mlp = new torch.nn.Sequential(
      new torch.nn.Linear(this.block_size * config.n_embd, config.n_embd2),
      new torch.nn.Tanh(),
      new torch.nn.Linear(config.n_embd2, this.vocab_size),
    );
  }

  get_block_size(): number {
    return this.block_size;
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    // gather the word embeddings of the previous 3 words
    const embs: Tensor[] = [];
    for (let k = 0; k < this.block_size; k++) {
      const tok_emb = this.wte.forward(idx); // token embeddings of shape (b, t, n_embd)
      idx = torch.roll(idx, 1, 1);
      idx.indexPut_([':', 0], this.vocab_size); // special <BLANK> token
      embs.push(tok_emb);
    }

    // concat all of the embeddings together and pass through an MLP
    const x = torch.cat(embs, -1); // (b, t, n_embd * block_size)
    const logits = this.mlp.forward(x) as Tensor;

    // if we are given some desired targets also calculate the loss
    let loss = null;
    if (targets !== null) loss = F.crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignoreIndex: -1 });

    return [logits, loss];
  }
}

// -----------------------------------------------------------------------------
// Bigram language model

class Bigram extends torch.nn.Module implements LanguageModel {
  // Bigram Language Model 'neural net', simply a lookup table of logits for the
  // next character given a previous character.
  logits: torch.nn.Parameter;

  constructor(config: Config) {
    super();
    const n = config.vocab_size;
    this.logits = new torch.nn.Parameter(torch.zeros([n, n]));
  }

  get_block_size(): number {
    return 1; // this model only needs one previous character to predict the next
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    // 'forward pass', lol
    const logits = this.logits.index(idx);

    // if we are given some desired targets also calculate the loss
    let loss = null;
    if (targets !== null) loss = F.crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignoreIndex: -1 });

    return [logits, loss];
  }
}

// -----------------------------------------------------------------------------
// helper functions for evaluating and sampling from the model

interface Args {
  input_file: string; work_dir: string; resume: boolean; sample_only: boolean; num_workers: number; max_steps: number;
  device: string; seed: number; top_k: number; type: string; n_layer: number; n_head: number; n_embd: number;
  n_embd2: number; batch_size: number; learning_rate: number; weight_decay: number;
}
let args: Args;
let model: LanguageModel;
let train_dataset: CharDataset;
let test_dataset: CharDataset;
const SCALARS: [string, number, number][] = [];

/** @torch.no_grad() generate(model, idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None) */
function generate(model: LanguageModel, idx: Tensor, max_new_tokens: number, { temperature = 1.0, do_sample = false, top_k = null as number | null } = {}): Tensor {
  // Take a conditioning sequence of indices idx (LongTensor of shape (b,t)) and complete
  // the sequence max_new_tokens times, feeding the predictions back into the model each time.
  // Most likely you'll want to make sure to be in model.eval() mode of operation for this.
  return torch.noGrad(() => {
    const block_size = model.get_block_size();
    for (let _ = 0; _ < max_new_tokens; _++) {
      // if the sequence context is growing too long we must crop it at block_size
      const idx_cond = idx.size(1) <= block_size ? idx : idx.index(':', `${-block_size}:`);
      // forward the model to get the logits for the index in the sequence
      let [logits] = model.forward(idx_cond);
      // pluck the logits at the final step and scale by desired temperature
      logits = logits.index(':', -1, ':').div(temperature);
      // optionally crop the logits to only the top k options
      if (top_k !== null) {
        const [v] = torch.topk(logits, top_k);
        logits.indexPut_([logits.lt(v.index(':', [-1]))], -Infinity);
      }
      // apply softmax to convert logits to (normalized) probabilities
      const probs = F.softmax(logits, { dim: -1 });
      // either sample from the distribution or take the most likely element
      let idx_next: Tensor;
      if (do_sample) idx_next = torch.multinomial(probs, { numSamples: 1 });
      else [, idx_next] = torch.topk(probs, { k: 1, dim: -1 });
      // append sampled index to the running sequence and continue
      idx = torch.cat([idx, idx_next], { dim: 1 });
    }
    return idx;
  });
}

function print_samples(num = 10): void {
  // samples from the model and pretty prints the decoded samples
  const X_init = torch.zeros(num, 1, { dtype: torch.long }).to(args.device);
  const top_k = args.top_k !== -1 ? args.top_k : null;
  const steps = train_dataset.get_output_length() - 1; // -1 because we already start with <START> token (index 0)
  const X_samp = generate(model, X_init, steps, { top_k, do_sample: true }).to('cpu');
  const train_samples: string[] = [];
  const test_samples: string[] = [];
  const new_samples: string[] = [];
  for (let i = 0; i < X_samp.size(0); i++) {
    // get the i'th row of sampled integers, as python list
    let row = X_samp.index(i, '1:').tolist() as number[]; // note: we need to crop out the first <START> token
    // token 0 is the <STOP> token, so we crop the output sequence at that point
    const crop_index = row.includes(0) ? row.indexOf(0) : row.length;
    row = row.slice(0, crop_index);
    const word_samp = train_dataset.decode(row);
    // separately track samples that we have and have not seen before
    if (train_dataset.contains(word_samp)) train_samples.push(word_samp);
    else if (test_dataset.contains(word_samp)) test_samples.push(word_samp);
    else new_samples.push(word_samp);
  }
  print('-'.repeat(80));
  for (const [lst, desc] of [[train_samples, 'in train'], [test_samples, 'in test'], [new_samples, 'new']] as const) {
    print(`${lst.length} samples that are ${desc}:`);
    for (const word of lst) print(word);
  }
  print('-'.repeat(80));
}

/** @torch.inference_mode() evaluate(model, dataset, batch_size=50, max_batches=None) */
function evaluate(model: LanguageModel, dataset: CharDataset, batch_size = 50, max_batches: number | null = null): number {
  return torch.inferenceMode(() => {
    model.eval();
    const loader = new DataLoader(dataset, { shuffle: true, batchSize: batch_size, numWorkers: 0 });
    const losses: number[] = [];
    let i = 0;
    for (let batch of loader) {
      batch = batch.map((t) => t.to(args.device)) as [Tensor, Tensor];
      const [X, Y] = batch;
      const [, loss] = model.forward(X, Y);
      losses.push(num(loss!));
      if (max_batches !== null && i >= max_batches) break;
      i++;
    }
    const mean_loss = num(torch.tensor(losses).mean());
    model.train(); // reset model back to training mode
    return mean_loss;
  });
}

// -----------------------------------------------------------------------------
// helper functions for creating the training and test Datasets that emit words

class CharDataset extends Dataset<[Tensor, Tensor]> {
  words: string[];
  chars: string[];
  max_word_length: number;
  stoi: Map<string, number>;
  itos: Map<number, string>;

  constructor(words: string[], chars: string[], max_word_length: number) {
    super();
    this.words = words;
    this.chars = chars;
    this.max_word_length = max_word_length;
    this.stoi = new Map(chars.map((ch, i) => [ch, i + 1]));
    this.itos = new Map([...this.stoi].map(([s, i]) => [i, s])); // inverse mapping
  }

  get length(): number {
    return this.words.length;
  }

  contains(word: string): boolean {
    return this.words.includes(word);
  }

  get_vocab_size(): number {
    return this.chars.length + 1; // all the possible characters and special 0 token
  }

  get_output_length(): number {
    return this.max_word_length + 1; // <START> token followed by words
  }

  encode(word: string): Tensor {
    const ix = torch.tensor([...word].map((w) => this.stoi.get(w)!), { dtype: torch.long });
    return ix;
  }

  decode(ix: number[]): string {
    const word = ix.map((i) => this.itos.get(i)).join('');
    return word;
  }

  getItem(idx: number): [Tensor, Tensor] {
    const word = this.words[idx];
    const ix = this.encode(word);
    const x = torch.zeros(this.max_word_length + 1, { dtype: torch.long });
    const y = torch.zeros(this.max_word_length + 1, { dtype: torch.long });
    x.indexPut_([`1:${1 + ix.size(0)}`], ix);
    y.indexPut_([`:${ix.size(0)}`], ix);
    y.indexPut_([`${ix.size(0) + 1}:`], -1); // index -1 will mask the loss at the inactive locations
    return [x, y];
  }
}

function create_datasets(input_file: string): [CharDataset, CharDataset] {
  // preprocessing of the input text file
  const data = readFileSync(input_file, 'utf8');
  let words = data.split('\n'); // data.splitlines(): the trailing '' goes with the empty strings below
  words = words.map((w) => w.trim()); // get rid of any leading or trailing white space
  words = words.filter((w) => w); // get rid of any empty strings
  const chars = [...new Set(words.join(''))].sort(); // all the possible characters
  const max_word_length = Math.max(...words.map((w) => w.length));
  print(`number of examples in the dataset: ${words.length}`);
  print(`max word length: ${max_word_length}`);
  print(`number of unique characters in the vocabulary: ${chars.length}`);
  print('vocabulary:');
  print(chars.join(''));

  // partition the input data into a training and the test set
  const test_set_size = Math.min(1000, Math.trunc(words.length * 0.1)); // 10% of the training set, or up to 1000 examples
  const rp = torch.randperm(words.length).tolist() as number[];
  const train_words = rp.slice(0, -test_set_size).map((i) => words[i]);
  const test_words = rp.slice(-test_set_size).map((i) => words[i]);
  print(`split up the dataset into ${train_words.length} training examples and ${test_words.length} test examples`);

  // wrap in dataset objects
  const train_dataset = new CharDataset(train_words, chars, max_word_length);
  const test_dataset = new CharDataset(test_words, chars, max_word_length);

  return [train_dataset, test_dataset];
}

class InfiniteDataLoader {
  // this is really hacky and I'm not proud of it, but there doesn't seem to be
  // a better way in PyTorch to just create an infinite dataloader?
  train_loader: DataLoader<[Tensor, Tensor]>;
  data_iter: Iterator<[Tensor, Tensor]>;

  constructor(dataset: CharDataset, kwargs: { batchSize: number; pinMemory: boolean; numWorkers: number }) {
    const train_sampler = new RandomSampler(dataset, { replacement: true, numSamples: Math.trunc(1e10) });
    this.train_loader = new DataLoader(dataset, { sampler: train_sampler, ...kwargs });
    this.data_iter = this.train_loader[Symbol.iterator]();
  }

  next(): [Tensor, Tensor] {
    let batch = this.data_iter.next();
    if (batch.done) { // this will technically only happen after 1e10 samples... (i.e. basically never)
      this.data_iter = this.train_loader[Symbol.iterator]();
      batch = this.data_iter.next();
    }
    return batch.value as [Tensor, Tensor];
  }
}

/** torch.utils.tensorboard.SummaryWriter's add_scalar/flush, recorded (torchlette has no tensorboard). */
class SummaryWriter {
  constructor(readonly log_dir: string) {}
  add_scalar(tag: string, value: number, step: number): void {
    SCALARS.push([tag, value, step]);
  }
  flush(): void {}
}

/** makemore.py's argparse flags (long and short) and defaults. */
function parse_args(argv: string[]): Args {
  const a: Args = {
    input_file: 'names.txt', work_dir: 'out', resume: false, sample_only: false, num_workers: 4, max_steps: -1,
    device: 'cpu', seed: 3407, top_k: -1, type: 'transformer', n_layer: 4, n_head: 4, n_embd: 64, n_embd2: 64,
    batch_size: 32, learning_rate: 5e-4, weight_decay: 0.01,
  };
  const short: Record<string, string> = { '-i': '--input-file', '-o': '--work-dir', '-n': '--num-workers', '-b': '--batch-size', '-l': '--learning-rate', '-w': '--weight-decay' };
  const rec = a as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const flag = short[argv[i]] ?? argv[i];
    const key = flag.slice(2).replaceAll('-', '_');
    assert.ok(key in a, `unrecognized argument ${argv[i]}`);
    if (typeof rec[key] === 'boolean') rec[key] = true; // action='store_true'
    else rec[key] = typeof rec[key] === 'number' ? Number(argv[++i]) : argv[++i];
  }
  return a;
}

/** str(vars(args)) */
const pyVars = (a: Args): string =>
  `{${Object.entries(a).map(([k, v]) => `'${k}': ${typeof v === 'string' ? `'${v}'` : typeof v === 'boolean' ? pyBool(v) : String(v)}`).join(', ')}}`;

function makemore_main(argv: string[]): void {
  // parse command line args
  args = parse_args(argv);
  print(pyVars(args));

  // system inits
  torch.manualSeed(args.seed);
  torch.cuda.manualSeedAll(args.seed);
  mkdirSync(args.work_dir, { recursive: true });
  const writer = new SummaryWriter(args.work_dir);

  // init datasets
  [train_dataset, test_dataset] = create_datasets(args.input_file);
  const vocab_size = train_dataset.get_vocab_size();
  const block_size = train_dataset.get_output_length();
  print(`dataset determined that: vocab_size=${vocab_size}, block_size=${block_size}`);

  // init model
  const config = new ModelConfig({
    vocab_size, block_size,
    n_layer: args.n_layer, n_head: args.n_head,
    n_embd: args.n_embd, n_embd2: args.n_embd2,
  }) as Config;
  if (args.type === 'transformer') model = new Transformer(config);
  else if (args.type === 'bigram') model = new Bigram(config);
  else if (args.type === 'mlp') model = new MLP(config);
  else if (args.type === 'rnn') model = new RNN(config, 'rnn');
  else if (args.type === 'gru') model = new RNN(config, 'gru');
  else if (args.type === 'bow') model = new BoW(config);
  else throw new Error(`model type ${args.type} is not recognized`);
  model.to(args.device);
  print(`model #params: ${[...model.parameters()].reduce((s, p) => s + p.numel(), 0)}`);
  if (args.resume || args.sample_only) { // note: if we sample-only then we also assume we are resuming
    print('resuming from existing model in the workdir');
    model.loadStateDict(torch.load(path.join(args.work_dir, 'model.pt')));
  }
  if (args.sample_only) {
    print_samples(50);
    return; // sys.exit()
  }

  // init optimizer
  const optimizer = new torch.optim.AdamW(model.parameters(), { lr: args.learning_rate, weightDecay: args.weight_decay, betas: [0.9, 0.99], eps: 1e-8 });

  // init dataloader
  const batch_loader = new InfiniteDataLoader(train_dataset, { batchSize: args.batch_size, pinMemory: true, numWorkers: args.num_workers });

  // training loop
  let best_loss: number | null = null;
  let step = 0;
  for (;;) {
    const t0 = performance.now() / 1000;

    // get the next batch, ship to device, and unpack it to input and target
    let batch = batch_loader.next();
    batch = batch.map((t) => t.to(args.device)) as [Tensor, Tensor];
    const [X, Y] = batch;

    // feed into the model
    const [, loss] = model.forward(X, Y);

    // calculate the gradient, update the weights
    model.zeroGrad({ setToNone: true });
    loss!.backward();
    optimizer.step();

    // wait for all CUDA work on the GPU to finish then calculate iteration time taken
    if (args.device.startsWith('cuda')) torch.cuda.synchronize();
    const t1 = performance.now() / 1000;

    // logging
    if (step % 10 === 0) print(`step ${step} | loss ${num(loss!).toFixed(4)} | step time ${((t1 - t0) * 1000).toFixed(2)}ms`);

    // evaluate the model
    if (step > 0 && step % 10 === 0) { // 500 in makemore.py
      const train_loss = evaluate(model, train_dataset, 100, 10);
      const test_loss = evaluate(model, test_dataset, 100, 10);
      writer.add_scalar('Loss/train', train_loss, step);
      writer.add_scalar('Loss/test', test_loss, step);
      writer.flush();
      print(`step ${step} train loss: ${pyFloat(train_loss)} test loss: ${pyFloat(test_loss)}`);
      // save the model to disk if it has improved
      if (best_loss === null || test_loss < best_loss) {
        const out_path = path.join(args.work_dir, 'model.pt');
        print(`test loss ${pyFloat(test_loss)} is the best so far, saving model to ${out_path}`);
        torch.save(model.stateDict(), out_path);
        best_loss = test_loss;
      }
    }

    // sample from the model
    if (step > 0 && step % 20 === 0) print_samples(10); // 200 in makemore.py

    step += 1;
    // termination conditions
    if (args.max_steps >= 0 && step >= args.max_steps) break;
  }
}

const MAKEMORE_RUNS = [
  ['--type', 'bigram'],
  ['--type', 'mlp'],
  ['--type', 'rnn'],
  ['--type', 'gru'],
  ['--type', 'bow'],
  ['--type', 'transformer', '--top-k', '5'],
  ['--type', 'transformer', '--top-k', '5', '--sample-only'],
];
const MAKEMORE_COMMON = ['-i', 'names.txt', '--max-steps', '21', '-n', '0', '--n-layer', '2', '--n-head', '2',
  '--n-embd', '16', '--n-embd2', '16'];

test('karpathy/makemore makemore.py: every model type trained for 21 steps, evaluation, samples, --sample-only', async () => {
  const runs = fx.makemore_py;
  assert.equal(runs.length, MAKEMORE_RUNS.length);
  const tmp = mkdtempSync(path.join(tmpdir(), 'makemore-'));
  const cwd = process.cwd();
  // The warnings of all the runs together, each shown once as by default (warningsOf's warn-always
  // mode would print F.tanh's deprecation warning some 1600 times): PyTorch's runs, recorded one by
  // one, give nn.functional.tanh's and nn.functional.sigmoid's.
  const seen = new Set<string>();
  const listener = (w: Error): void => void seen.add(w.message);
  process.on('warning', listener);
  process.chdir(tmp);
  try {
    writeFileSync('names.txt', WORDS.join('\n') + '\n');
    for (const [r, extra] of MAKEMORE_RUNS.entries()) {
      const want = runs[r];
      PRINTED = [];
      SCALARS.length = 0;
      const argv = [...MAKEMORE_COMMON, '-o', 'out-' + extra[1], ...extra];
      assert.deepEqual(argv, want.argv);
      makemore_main(argv);
      const label = `makemore.py ${argv.slice(-3).join(' ')}`;
      // step times differ
      const mask = (lines: string[]): string[] => lines.map((l) => l.replace(/step time [\d.]+ms/, 'step time (t)ms'));
      assertPrinted(mask(PRINTED), mask(want.printed), label);
      assert.deepEqual(SCALARS.map(([tag, , step]) => [tag, step]), want.scalars.map(([tag, , step]) => [tag, step]));
      assertNumbers(SCALARS.map(([, v]) => v), want.scalars.map(([, v]) => v), { rtol: 1e-5, atol: 0 }, `${label} scalars`);
      const params = [...model.namedParameters()];
      assert.deepEqual(params.map(([n, p]) => [n, p.shape]), want.params.map(([n, s]) => [n, s]), `${label} parameter names`);
      params.forEach(([n, p], i) => {
        const [, , sum, absSum, head] = want.params[i];
        const flat = p.detach().reshape(-1);
        if (n.endsWith('attn.c_attn.bias')) {
          // The key bias adds the same q.b_k to every logit of a query row, so softmax cancels it and its
          // gradient is rounding noise (~1e-10), which AdamW turns into steps of up to lr in either
          // direction: the key third is compared to 2 * lr * steps, the query and value thirds closely.
          const e = flat.numel() / 3;
          assertTensor(flat.index(`:${e}`), { ...head, shape: [e], data: head.data.slice(0, e) }, { rtol: 1e-5, atol: 1e-6 }, `${label} ${n} (query)`);
          assertTensor(flat.index(`${e}:${2 * e}`), { ...head, shape: [e], data: head.data.slice(e, 2 * e) }, { rtol: 0, atol: 2 * 5e-4 * 21 }, `${label} ${n} (key)`);
          assertTensor(flat.index(`${2 * e}:`), { ...head, shape: [e], data: head.data.slice(2 * e) }, { rtol: 1e-5, atol: 1e-6 }, `${label} ${n} (value)`);
          return;
        }
        assert.ok(Math.abs(num(p.abs().sum()) - absSum) <= 1e-5 * absSum + 1e-6, `${label} ${n} abs sum`);
        assert.ok(Math.abs(num(p.sum()) - sum) <= 1e-5 * absSum + 1e-6, `${label} ${n} sum`);
        assertTensor(p.numel() > 64 ? flat.index(':8') : flat, head, { rtol: 1e-5, atol: 1e-6 }, `${label} ${n}`);
      });
    }
    await new Promise((resolve) => setImmediate(resolve)); // emitWarning delivers on a later tick
    assert.deepEqual([...seen].sort(), [...new Set(runs.flatMap((r) => r.warnings))].sort());
  } finally {
    process.off('warning', listener);
    process.chdir(cwd);
    rmSync(tmp, { recursive: true, force: true });
  }
});
