// The "Text classification with the torchtext library" tutorial
// (beginner_source/text_sentiment_ngrams_tutorial.py) transcribed line for line: the basic_english
// tokenizer, build_vocab_from_iterator with specials ["<unk>"] and set_default_index, text_pipeline /
// label_pipeline, collate_batch (labels, the concatenated token ids and offsets from
// torch.tensor(offsets[:-1]).cumsum(dim=0)), TextClassificationModel (nn.EmbeddingBag(sparse=False) +
// nn.Linear, init_weights), train() with CrossEntropyLoss, clip_grad_norm_(0.1) and SGD(lr=5),
// evaluate(), StepLR(optimizer, 1.0, gamma=0.1) stepped when the validation accuracy drops,
// to_map_style_dataset + random_split(0.95 / 0.05), shuffled DataLoaders with collate_fn, the test
// accuracy and predict() on the tutorial's golf news, against the same program run by PyTorch 1.13
// (scripts/fixtures/porting_text_classification.py): the corpus, the vocab, the unshuffled example
// loader's first batch, the initial parameters (EmbeddingBag's and Linear's own draws, then
// init_weights' uniform_ from the same stream), the split, every shuffled training batch, its loss and
// gradient norm, every evaluation loss, what it prints, the lr after each epoch, the test accuracy,
// the predictions and the final parameters.
//
// torchtext is not a dependency of either side: its tokenizer and vocab are test/helpers/torchtext.ts (twin
// of scripts/fixtures/torchtext_lite.py), AG_NEWS and to_map_style_dataset the small plain equivalents
// written identically in the fixture script (a synthetic AG_NEWS-like corpus drawn from fixed word lists
// with a Park-Miller LCG). Reduced: 600 / 120 samples, a ~100-token
// vocab, BATCH_SIZE 16, log_interval 10, 3 epochs; torch.manualSeed(32) where the tutorial seeds nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { buildVocabFromIterator, getTokenizer } from '../helpers/torchtext.js';

const { DataLoader, Dataset, IterableDataset } = torch.utils.data;

type Sample = [number, string];
type Batch = [Tensor, Tensor, Tensor];

interface Fixture {
  seed: number;
  train: Sample[];
  test: Sample[];
  itos: string[];
  first_items: Sample[];
  pipelines: [number[], number[], number];
  first_batch: { label: TensorJson; text: TensorJson; offsets: TensorJson };
  init: Record<string, TensorJson>;
  sizes: [number, number];
  split: [number[], number[]];
  batches: [number[], number[], number[]][];
  losses: number[];
  norms: number[];
  eval_losses: number[][];
  epochs: [number, number, number, number][];
  printed: string[];
  accu_test: number;
  ex_tokens: string[];
  ex_ids: number[];
  outputs: TensorJson[];
  final: Record<string, TensorJson>;
}
const fx = loadFixture<Fixture>('porting_text_classification.json');

const LOG = {
  printed: [] as string[],
  batches: [] as [number[], number[], number[]][],
  losses: [] as number[],
  norms: [] as number[],
  evalLosses: [] as number[][],
  epochs: [] as [number, number | null, number, number][],
  outputs: [] as Tensor[],
};

// Python's str.format specs used by the tutorial's prints: {:Nd} and {:N.Mf}
const d = (n: number, width: number) => String(n).padStart(width);
const f = (x: number, width: number, digits: number) => x.toFixed(digits).padStart(width);

// --- torchtext dataset stand-ins (as in the fixture script) ---------------------------------------

const TOPICS = [
  ['minister', 'election', 'troops', 'president', 'embassy', 'ceasefire', 'parliament', 'rebels',
    'treaty', 'refugees', 'border', 'summit', 'diplomats', 'protest', 'vote', 'capital', 'un', 'iraq'],
  ['match', 'coach', 'season', 'goal', 'league', 'champions', 'tournament', 'striker', 'olympic',
    'medal', 'golf', 'round', 'playoff', 'injury', 'stadium', 'cup', 'rahm', 'tour'],
  ['shares', 'profit', 'market', 'investors', 'quarter', 'earnings', 'stocks', 'oil', 'prices',
    'bank', 'merger', 'deal', 'sales', 'dollar', 'economy', 'fed', 'retail', 'billion'],
  ['software', 'internet', 'computer', 'space', 'nasa', 'microsoft', 'researchers', 'chip', 'web',
    'wireless', 'google', 'scientists', 'linux', 'users', 'browser', 'satellite', 'data', 'online'],
];
const SHARED = ['the', 'a', 'of', 'to', 'in', 'on', 'for', 'and', 'with', 'after', 'new', 'said', 'first',
  'week', 'monday', 'report', 'year', 'over', 'its', 'at', 'by', 'us', 'plan', 'says'];
const RARE = ['zeppelin', 'quasar', 'marmalade', 'fjord', 'kumquat', 'ostrich']; // test split only: <unk>

/** Park-Miller minimal standard generator (products stay below 2^53: exact in doubles). */
class LCG {
  constructor(public state: number) {}
  next(n: number): number {
    this.state = (this.state * 48271) % 2147483647;
    return this.state % n;
  }
}

function makeText(rng: LCG, label: number, withRare: boolean): string {
  const words: string[] = [];
  for (let k = 4 + rng.next(9); k > 0; k--) {
    const r = rng.next(100);
    let w: string;
    if (r < 40) w = TOPICS[label - 1][rng.next(TOPICS[label - 1].length)];
    else if (r < 58) w = TOPICS[rng.next(4)][rng.next(18)];
    else if (withRare && r < 62) w = RARE[rng.next(RARE.length)];
    else w = SHARED[rng.next(SHARED.length)];
    const dd = rng.next(40);
    if (dd === 0) w = '(' + w + ')';
    else if (dd === 1) w = '"' + w + '"';
    else if (dd === 2) w = w + "'s";
    else if (dd === 3) w = w + ',';
    else if (dd === 4) w = w.toUpperCase();
    else if (dd === 5) w = w + ':';
    words.push(w);
  }
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return words.join(' ') + ['.', '!', '?', ' - AP.', '<br />'][rng.next(5)];
}

function makeSplit(seed: number, n: number, withRare: boolean): Sample[] {
  const rng = new LCG(seed);
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const label = 1 + rng.next(4);
    out.push([label, makeText(rng, label, withRare)]);
  }
  return out;
}

class _AGNewsIter extends IterableDataset<Sample> {
  constructor(readonly items: Sample[]) {
    super();
  }
  [Symbol.iterator](): Iterator<Sample> {
    return this.items[Symbol.iterator]();
  }
}

const _SPLITS: Record<string, Sample[]> = { train: makeSplit(12345, 600, false), test: makeSplit(54321, 120, true) };

/** torchtext.datasets.AG_NEWS: an iterable of (label, text) per split (a tuple for several). */
function AG_NEWS(split: 'train' | 'test'): _AGNewsIter;
function AG_NEWS(split?: string[]): _AGNewsIter[];
function AG_NEWS(split: string | string[] = ['train', 'test']): _AGNewsIter | _AGNewsIter[] {
  if (typeof split === 'string') return new _AGNewsIter(_SPLITS[split]);
  return split.map((s) => new _AGNewsIter(_SPLITS[s]));
}

/** torchtext.data.functional.to_map_style_dataset. */
function toMapStyleDataset<T>(iterData: Iterable<T>): torch.utils.data.Dataset<T> {
  class _MapStyleDataset extends Dataset<T> {
    readonly _data: T[];
    constructor(iterData: Iterable<T>) {
      super();
      this._data = [...iterData];
    }
    get length(): number {
      return this._data.length;
    }
    getItem(idx: number): T {
      return this._data[idx];
    }
  }
  return new _MapStyleDataset(iterData);
}

// --- the tutorial ----------------------------------------------------------------------------------

class TextClassificationModel extends nn.Module {
  embedding: nn.EmbeddingBag;
  fc: nn.Linear;

  constructor(vocabSize: number, embedDim: number, numClass: number) {
    super();
    this.embedding = new nn.EmbeddingBag(vocabSize, embedDim, { sparse: false });
    this.fc = new nn.Linear(embedDim, numClass);
    this.initWeights();
  }

  initWeights(): void {
    const initrange = 0.5;
    this.embedding.weight.data.uniform_(-initrange, initrange);
    this.fc.weight.data.uniform_(-initrange, initrange);
    this.fc.bias!.data.zero_();
  }

  override forward(text: Tensor, offsets: Tensor): Tensor {
    const embedded = this.embedding.forward(text, offsets);
    return this.fc.forward(embedded);
  }
}

/** Largest |a - b| and |a - b| / |b| over paired values (for the report in the assertions' messages). */
function maxDiff(got: number[], want: number[]): { abs: number; rel: number } {
  let abs = 0;
  let rel = 0;
  got.forEach((g, i) => {
    const e = Math.abs(g - want[i]);
    abs = Math.max(abs, e);
    if (want[i] !== 0) rel = Math.max(rel, e / Math.abs(want[i]));
  });
  return { abs, rel };
}
const values = (t: TensorJson) => t.data.map(Number);
const flat = (t: Tensor) => Array.from(t.toTypedArray(), Number);

test('text classification with the torchtext library: EmbeddingBag + Linear, clipGradNorm_, SGD + StepLR, shuffled DataLoaders, as PyTorch', () => {
  torch.manualSeed(fx.seed);

  // the corpus the stand-in AG_NEWS yields is the fixture's
  assert.deepEqual(_SPLITS.train, fx.train);
  assert.deepEqual(_SPLITS.test, fx.test);

  let trainIter: Iterator<Sample> | _AGNewsIter | _AGNewsIter[] = AG_NEWS('train')[Symbol.iterator]();
  assert.deepEqual([trainIter.next().value, trainIter.next().value], fx.first_items);

  const tokenizer = getTokenizer('basic_english');
  trainIter = AG_NEWS('train');

  function* yieldTokens(dataIter: Iterable<Sample>): Generator<string[]> {
    for (const [, text] of dataIter) yield tokenizer(text);
  }

  const vocab = buildVocabFromIterator(yieldTokens(trainIter), { specials: ['<unk>'] });
  vocab.setDefaultIndex(vocab.get('<unk>'));
  assert.deepEqual(vocab.getItos(), fx.itos);

  const textPipeline = (x: string) => vocab.call(tokenizer(x));
  const labelPipeline = (x: number | string) => parseInt(String(x), 10) - 1; // int(x) - 1
  assert.deepEqual([vocab.call(['here', 'is', 'an', 'example']), textPipeline('here is the an example'), labelPipeline('10')], fx.pipelines);

  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');

  function collateBatch(batch: Sample[]): Batch {
    let labelList: number[] | Tensor = [];
    let textList: Tensor[] | Tensor = [];
    let offsets: number[] | Tensor = [0];
    for (const [_label, _text] of batch) {
      labelList.push(labelPipeline(_label));
      const processedText = torch.tensor(textPipeline(_text), { dtype: torch.int64 });
      textList.push(processedText);
      offsets.push(processedText.size(0));
    }
    labelList = torch.tensor(labelList, { dtype: torch.int64 });
    offsets = torch.tensor(offsets.slice(0, -1)).cumsum({ dim: 0 });
    textList = torch.cat(textList);
    return [labelList.to(device), textList.to(device), offsets.to(device)];
  }

  trainIter = AG_NEWS('train');
  const dataloader = new DataLoader(trainIter, { batchSize: 8, shuffle: false, collateFn: collateBatch });
  // the tutorial builds this loader without iterating it; its first batch is compared here
  {
    const [label, text, offsets] = dataloader[Symbol.iterator]().next().value as Batch;
    assertTensor(label, fx.first_batch.label);
    assertTensor(text, fx.first_batch.text);
    assertTensor(offsets, fx.first_batch.offsets); // int64: torch.tensor(list of ints) infers int64 as PyTorch does
  }

  trainIter = AG_NEWS('train');
  const numClass = new Set([...trainIter].map(([label]) => label)).size;
  const vocabSize = vocab.length;
  const emsize = 64;
  let model = new TextClassificationModel(vocabSize, emsize, numClass).to(device);
  assert.deepEqual([numClass, vocabSize], fx.sizes);
  const init = model.stateDict();
  assert.deepEqual(Object.keys(init), Object.keys(fx.init));
  // EmbeddingBag's normal_ and Linear's kaiming_uniform_ / uniform_ draws, then init_weights' uniform_
  // on the same stream: the same float32 values
  for (const [k, v] of Object.entries(init)) assertTensor(v, fx.init[k], { rtol: 0, atol: 0 }, `init ${k}`);

  let epoch = 0;

  function train(dataloader: torch.utils.data.DataLoader<Sample, Batch>): void {
    model.train();
    let [totalAcc, totalCount] = [0, 0];
    const logInterval = 10;
    let startTime = performance.now() / 1000;

    let idx = 0;
    for (const [label, text, offsets] of dataloader) {
      LOG.batches.push([label.tolist() as number[], text.tolist() as number[], offsets.tolist() as number[]]);
      optimizer.zeroGrad();
      const predictedLabel = model.forward(text, offsets);
      const loss = criterion.forward(predictedLabel, label);
      loss.backward();
      const totalNorm = torch.nn.utils.clipGradNorm_(model.parameters(), 0.1);
      optimizer.step();
      LOG.losses.push(Number(loss.item()));
      LOG.norms.push(Number(totalNorm.item()));
      totalAcc += Number(predictedLabel.argmax(1).eq(label).sum().item());
      totalCount += label.size(0);
      if (idx % logInterval === 0 && idx > 0) {
        const elapsed = performance.now() / 1000 - startTime; // computed and left unused, as in the tutorial
        LOG.printed.push(`| epoch ${d(epoch, 3)} | ${d(idx, 5)}/${d(dataloader.length, 5)} batches | accuracy ${f(totalAcc / totalCount, 8, 3)}`);
        [totalAcc, totalCount] = [0, 0];
        startTime = performance.now() / 1000;
      }
      idx++;
    }
  }

  function evaluate(dataloader: torch.utils.data.DataLoader<Sample, Batch>): number {
    model.eval();
    let [totalAcc, totalCount] = [0, 0];
    const losses: number[] = [];

    torch.noGrad(() => {
      for (const [label, text, offsets] of dataloader) {
        const predictedLabel = model.forward(text, offsets);
        const loss = criterion.forward(predictedLabel, label);
        losses.push(Number(loss.item()));
        totalAcc += Number(predictedLabel.argmax(1).eq(label).sum().item());
        totalCount += label.size(0);
      }
    });
    LOG.evalLosses.push(losses);
    return totalAcc / totalCount;
  }

  // Hyperparameters
  const EPOCHS = 3; // epoch
  const LR = 5; // learning rate
  const BATCH_SIZE = 16; // batch size for training

  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: LR });
  const scheduler = new torch.optim.lrScheduler.StepLR(optimizer, 1.0, { gamma: 0.1 });
  let totalAccu: number | null = null;
  const [trainIter2, testIter] = AG_NEWS();
  const trainDataset = toMapStyleDataset(trainIter2);
  const testDataset = toMapStyleDataset(testIter);
  const numTrain = Math.trunc(trainDataset.length * 0.95);
  // from torch.utils.data.dataset import random_split: torchlette exports it as torch.utils.data.randomSplit
  const [splitTrain_, splitValid_] = torch.utils.data.randomSplit(trainDataset, [numTrain, trainDataset.length - numTrain]);
  assert.deepEqual([splitTrain_.indices, splitValid_.indices], fx.split);

  const trainDataloader = new DataLoader(splitTrain_, { batchSize: BATCH_SIZE, shuffle: true, collateFn: collateBatch });
  const validDataloader = new DataLoader(splitValid_, { batchSize: BATCH_SIZE, shuffle: true, collateFn: collateBatch });
  const testDataloader = new DataLoader(testDataset, { batchSize: BATCH_SIZE, shuffle: true, collateFn: collateBatch });

  for (epoch = 1; epoch < EPOCHS + 1; epoch++) {
    const epochStartTime = performance.now() / 1000;
    train(trainDataloader);
    const accuVal = evaluate(validDataloader);
    if (totalAccu !== null && totalAccu > accuVal) {
      scheduler.step();
    } else {
      totalAccu = accuVal;
    }
    LOG.epochs.push([accuVal, totalAccu, scheduler.getLastLr()[0], optimizer.paramGroups[0].lr]);
    LOG.printed.push('-'.repeat(59));
    LOG.printed.push(`| end of epoch ${d(epoch, 3)} | time: ${f(performance.now() / 1000 - epochStartTime, 5, 2)}s | valid accuracy ${f(accuVal, 8, 3)} `);
    LOG.printed.push('-'.repeat(59));
  }

  LOG.printed.push('Checking the results of test dataset.');
  const accuTest = evaluate(testDataloader);
  LOG.printed.push(`test accuracy ${f(accuTest, 8, 3)}`);

  const agNewsLabel: Record<number, string> = { 1: 'World', 2: 'Sports', 3: 'Business', 4: 'Sci/Tec' };

  function predict(text: string, textPipeline: (x: string) => number[]): number {
    return torch.noGrad(() => {
      const t = torch.tensor(textPipeline(text));
      const output = model.forward(t, torch.tensor([0]));
      LOG.outputs.push(output);
      return Number(output.argmax(1).item()) + 1;
    });
  }

  const exTextStr =
    'MEMPHIS, Tenn. – Four days ago, Jon Rahm was \
    enduring the season’s worst weather conditions on Sunday at The \
    Open on his way to a closing 75 at Royal Portrush, which \
    considering the wind and the rain was a respectable showing. \
    Thursday’s first round at the WGC-FedEx St. Jude Invitational \
    was another story. With temperatures in the mid-80s and hardly any \
    wind, the Spaniard was 13 strokes better in a flawless round. \
    Thanks to his best putting performance on the PGA Tour, Rahm \
    finished with an 8-under 62 for a three-stroke lead, which \
    was even more impressive considering he’d never played the \
    front nine at TPC Southwind.';

  model = model.to('cpu');

  assert.deepEqual(tokenizer(exTextStr), fx.ex_tokens);
  assert.deepEqual(textPipeline(exTextStr), fx.ex_ids);
  LOG.printed.push(`This is a ${agNewsLabel[predict(exTextStr, textPipeline)]} news`);
  // more news, one per topic (not in the tutorial)
  for (const s of [
    'Investors sold shares as oil prices hit the market (Reuters).',
    "NASA scientists said the new chip's software runs Linux!",
    "The striker's goal won the cup for the champions.",
    'Troops crossed the border after the ceasefire vote: UN diplomats protest.',
  ]) {
    LOG.printed.push(`This is a ${agNewsLabel[predict(s, textPipeline)]} news`);
  }

  // --- against PyTorch ---
  // the shuffled batches: RandomSampler's seed and the loader's base seed drawn from the default
  // generator per epoch, as PyTorch does (train, valid and test loaders interleaved)
  assert.equal(LOG.batches.length, fx.batches.length);
  LOG.batches.forEach((b, i) => assert.deepEqual(b, fx.batches[i], `training batch ${i}`));

  // 108 SGD steps on clipped gradients (norm 0.1, lr 5): float32 summation order only (seen: rel 3e-7)
  const lossDiff = maxDiff(LOG.losses, fx.losses);
  const normDiff = maxDiff(LOG.norms, fx.norms);
  assert.equal(LOG.losses.length, fx.losses.length);
  assert.ok(lossDiff.rel < 1e-5, `losses: max rel diff ${lossDiff.rel}`);
  assert.ok(normDiff.rel < 1e-5, `gradient norms: max rel diff ${normDiff.rel}`);
  assert.deepEqual(LOG.evalLosses.map((l) => l.length), fx.eval_losses.map((l) => l.length));
  const evalDiff = maxDiff(LOG.evalLosses.flat(), fx.eval_losses.flat());
  assert.ok(evalDiff.rel < 1e-5, `evaluation losses: max rel diff ${evalDiff.rel}`);

  // accuracies are ratios of counts, lrs products of doubles: exact
  assert.deepEqual(LOG.epochs, fx.epochs);
  assert.equal(accuTest, fx.accu_test);
  const untimed = (lines: string[]) => lines.map((l) => l.replace(/time: +[0-9.]+s/, 'time: Xs'));
  assert.deepEqual(untimed(LOG.printed), untimed(fx.printed));

  const outDiff = maxDiff(LOG.outputs.flatMap(flat), fx.outputs.flatMap(values));
  // seen: abs 5e-7 (outputs), 4e-7 (parameters, rel 5e-4 on values near 0) on native, js, wasm and wasm1
  LOG.outputs.forEach((o, i) => assertTensor(o, fx.outputs[i], { rtol: 1e-5, atol: 2e-6 }, `predict output ${i}`));
  const final = model.stateDict();
  const paramDiff = maxDiff(Object.keys(fx.final).flatMap((k) => flat(final[k])), Object.keys(fx.final).flatMap((k) => values(fx.final[k])));
  for (const [k, v] of Object.entries(final)) assertTensor(v, fx.final[k], { rtol: 1e-5, atol: 2e-6 }, `final ${k}`);
  if (process.env.TORCHLETTE_PORTING_REPORT) console.log({ lossDiff, normDiff, evalDiff, outDiff, paramDiff });
});
