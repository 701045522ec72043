// bentrevett/pytorch-seq2seq transcribed line for line, against the same code run by PyTorch 1.13
// (scripts/fixtures/porting_seq2seq_bentrevett.py): 1 - Sequence to Sequence Learning with Neural
// Networks (2-layer LSTM), 2 - Learning Phrase Representations (GRU with context), 3 - Neural
// Machine Translation by Jointly Learning to Align and Translate (bidirectional GRU + additive
// attention) -- the current notebooks at the repository root -- and legacy/4 - Packed Padded
// Sequences, Masking, Inference (pack_padded_sequence, masked attention), legacy/5 - Convolutional
// Sequence to Sequence Learning (GLU, scale) and legacy/6 - Attention is All You Need
// (MultiHeadAttentionLayer, PositionwiseFeedforwardLayer, masks, Adam lr 0.0005).
//
// Reduced, the same on both sides (the fixture script says so per line): Multi30k/spacy/torchtext
// are the toy corpus PAIRS (whitespace tokens, vocabularies built as torchtext does: specials,
// then tokens seen >= min_freq times by descending frequency, then alphabetically); notebooks 1-3
// keep their DataLoader (pad_sequence collate, shuffle=True); BucketIterator (4-6) is fixed batches
// in corpus order sorted by source length within each batch; batch size 8, 2 epochs, small
// dimensions; tqdm, matplotlib and BLEU are left out (the attention matrices are compared).
//
// Divergences are marked DIVERGENCE where they occur.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const F = nn.functional;
const random = torch.utils.pyRandom;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_seq2seq_bentrevett.json');
const TMP = join(tmpdir(), `porting-seq2seq-bentrevett-${process.pid}-${process.env.TORCHLETTE_BACKEND ?? 'default'}`);
mkdirSync(TMP, { recursive: true });

// ---------------------------------------------------------------- helpers (checking, Python's printing)
function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
const flat = (t: Tensor): number[] => Array.from(t.detach().reshape(-1).toTypedArray(), Number);
/** Python's f'{v:.{d}f}' (half-even on the exact binary value, as Python's format). */
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
/** Python's str() of a list of str */
const pyList = (xs: string[]): string => `[${xs.map((s) => `'${s}'`).join(', ')}]`;
/** f'{n:,}' */
const commas = (n: number): string => n.toLocaleString('en-US');
function printer(): { lines: string[]; print: (...a: unknown[]) => void } {
  const lines: string[] = [];
  return { lines, print: (...a: unknown[]) => lines.push(...a.map(String).join(' ').split('\n')) };
}
/** The printed lines equal PyTorch's, the epoch times (wall clock) left out. */
function assertLines(got: string[], want: string[], label: string): void {
  const noTime = (s: string): string => s.replace(/Time: \d+m \d+s/, 'Time: #');
  assert.deepEqual(got.map(noTime), want.map(noTime), label);
}
/** state_dict keys, shapes, first values and sums against the fixture's summary */
function assertStateDict(model: nn.Module, want: Record<string, Any>, rtol: number, label: string, atolSum = 1e-5, looseKey = (k: string): boolean => false): void {
  const sd = model.stateDict() as Record<string, Tensor>;
  assert.deepEqual(Object.keys(sd), Object.keys(want), `${label}: keys`);
  for (const [k, v] of Object.entries(sd)) {
    if (looseKey(k)) {
      closeAll(flat(v).slice(0, 8), want[k].head, 0, `${label}: ${k}`, 2e-3);
      continue;
    }
    assert.deepEqual(v.shape, want[k].shape, `${label}: ${k} shape`);
    closeAll(flat(v).slice(0, 8), want[k].head, rtol, `${label}: ${k}`, 1e-6);
    close(Number(v.double().sum().item()), want[k].sum, rtol, `${label}: ${k} sum`, atolSum);
  }
}
function assertTensor(got: Tensor, want: Any, rtol: number, label: string, atol = 1e-6): void {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  closeAll(flat(got), want.data, rtol, label, atol);
}

// ---------------------------------------------------------------- the data (replaces Multi30k + spacy + torchtext)
const PAIRS: [string, string][] = [
  ['Ein Mann sitzt auf einer Bank .', 'A man sits on a bench .'],
  ['Eine Frau liest ein Buch .', 'A woman reads a book .'],
  ['Ein Hund rennt durch den Park .', 'A dog runs through the park .'],
  ['Zwei Kinder spielen im Garten .', 'Two children play in the garden .'],
  ['Ein Mann spielt Gitarre .', 'A man plays guitar .'],
  ['Eine Frau trinkt Kaffee .', 'A woman drinks coffee .'],
  ['Ein Junge spielt Fussball im Park .', 'A boy plays soccer in the park .'],
  ['Ein Mädchen liest ein Buch im Garten .', 'A girl reads a book in the garden .'],
  ['Zwei Hunde rennen durch den Schnee .', 'Two dogs run through the snow .'],
  ['Ein Mann trinkt Kaffee auf einer Bank .', 'A man drinks coffee on a bench .'],
  ['Eine Frau spielt Gitarre im Park .', 'A woman plays guitar in the park .'],
  ['Ein Junge sitzt im Schnee .', 'A boy sits in the snow .'],
  ['Zwei Männer spielen Fussball .', 'Two men play soccer .'],
  ['Ein Hund sitzt auf einer Bank .', 'A dog sits on a bench .'],
  ['Eine Frau rennt durch den Garten .', 'A woman runs through the garden .'],
  ['Ein Mädchen trinkt Wasser .', 'A girl drinks water .'],
  ['Zwei Kinder rennen im Schnee .', 'Two children run in the snow .'],
  ['Ein Mann liest ein Buch auf einer Bank .', 'A man reads a book on a bench .'],
  ['Ein Junge trinkt Wasser im Park .', 'A boy drinks water in the park .'],
  ['Eine Frau sitzt im Garten .', 'A woman sits in the garden .'],
  ['Ein Hund spielt im Schnee .', 'A dog plays in the snow .'],
  ['Zwei Männer trinken Kaffee .', 'Two men drink coffee .'],
  ['Ein Mädchen spielt Gitarre .', 'A girl plays guitar .'],
  ['Ein Mann rennt durch den Park .', 'A man runs through the park .'],
  // valid
  ['Eine Frau liest ein Buch auf einer Bank .', 'A woman reads a book on a bench .'],
  ['Ein Junge rennt durch den Schnee .', 'A boy runs through the snow .'],
  ['Zwei Hunde spielen im Park .', 'Two dogs play in the park .'],
  ['Ein Mädchen sitzt auf einer Bank .', 'A girl sits on a bench .'],
  ['Ein Mann trinkt Wasser .', 'A man drinks water .'],
  ['Zwei Kinder spielen Fussball im Garten .', 'Two children play soccer in the garden .'],
  // test
  ['Ein Hund rennt im Garten .', 'A dog runs in the garden .'],
  ['Eine Frau spielt Fussball .', 'A woman plays soccer .'],
  ['Ein Junge liest ein Buch .', 'A boy reads a book .'],
  ['Zwei Männer sitzen auf einer Bank .', 'Two men sit on a bench .'],
  ['Ein Mädchen rennt durch den Park .', 'A girl runs through the park .'],
  ['Ein Mann spielt im Schnee .', 'A man plays in the snow .'],
];

type Row = { de: string; en: string; en_tokens?: string[]; de_tokens?: string[]; en_ids?: Tensor; de_ids?: Tensor };
function splitData(): [Row[], Row[], Row[]] {
  const rows = (ps: [string, string][]): Row[] => ps.map(([de, en]) => ({ de, en }));
  return [rows(PAIRS.slice(0, 24)), rows(PAIRS.slice(24, 30)), rows(PAIRS.slice(30))];
}
/** Replaces spacy's tokenizer: whitespace. */
const tokenizer = (s: string): string[] => s.split(/\s+/).filter((t) => t.length > 0);

/** torchtext.vocab.build_vocab_from_iterator(..., min_freq, specials) / legacy Field.build_vocab. */
class Vocab {
  itos: string[];
  stoi: Map<string, number>;
  defaultIndex: number | null = null;
  constructor(iterator: Iterable<string[]>, minFreq: number, specials: string[]) {
    const counter = new Map<string, number>();
    for (const tokens of iterator) for (const t of tokens) counter.set(t, (counter.get(t) ?? 0) + 1);
    const ordered = [...counter.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.itos = [...specials, ...ordered.filter(([t, c]) => c >= minFreq && !specials.includes(t)).map(([t]) => t)];
    this.stoi = new Map(this.itos.map((t, i) => [t, i]));
  }
  get length(): number {
    return this.itos.length;
  }
  get(token: string): number {
    return (this.stoi.get(token) ?? this.defaultIndex) as number;
  }
  setDefaultIndex(i: number): void {
    this.defaultIndex = i;
  }
  lookupIndices(tokens: string[]): number[] {
    return tokens.map((t) => this.get(t));
  }
  lookupTokens(ids: number[]): string[] {
    return ids.map((i) => this.itos[i]);
  }
}

function tokenizeExample(example: Row, maxLength: number, lower: boolean, sosToken: string, eosToken: string): Row {
  let enTokens = tokenizer(example.en).slice(0, maxLength);
  let deTokens = tokenizer(example.de).slice(0, maxLength);
  if (lower) {
    enTokens = enTokens.map((token) => token.toLowerCase());
    deTokens = deTokens.map((token) => token.toLowerCase());
  }
  enTokens = [sosToken, ...enTokens, eosToken];
  deTokens = [sosToken, ...deTokens, eosToken];
  return { ...example, en_tokens: enTokens, de_tokens: deTokens };
}
function numericalizeExample(example: Row, enVocab: Vocab, deVocab: Vocab): Row {
  const enIds = enVocab.lookupIndices(example.en_tokens!);
  const deIds = deVocab.lookupIndices(example.de_tokens!);
  return { ...example, en_ids: torch.tensor(enIds), de_ids: torch.tensor(deIds) };
}
function newData() {
  let [trainData, validData, testData] = splitData();
  const maxLength = 1_000;
  const lower = true;
  const sosToken = '<sos>';
  const eosToken = '<eos>';
  const fn = (ex: Row): Row => tokenizeExample(ex, maxLength, lower, sosToken, eosToken);
  trainData = trainData.map(fn);
  validData = validData.map(fn);
  testData = testData.map(fn);
  const minFreq = 2;
  const unkToken = '<unk>';
  const padToken = '<pad>';
  const specialTokens = [unkToken, padToken, sosToken, eosToken];
  const enVocab = new Vocab(trainData.map((ex) => ex.en_tokens!), minFreq, specialTokens);
  const deVocab = new Vocab(trainData.map((ex) => ex.de_tokens!), minFreq, specialTokens);
  assert.equal(enVocab.get(unkToken), deVocab.get(unkToken));
  assert.equal(enVocab.get(padToken), deVocab.get(padToken));
  const unkIndex = enVocab.get(unkToken);
  const padIndex = enVocab.get(padToken);
  enVocab.setDefaultIndex(unkIndex);
  deVocab.setDefaultIndex(unkIndex);
  trainData = trainData.map((ex) => numericalizeExample(ex, enVocab, deVocab));
  validData = validData.map((ex) => numericalizeExample(ex, enVocab, deVocab));
  testData = testData.map((ex) => numericalizeExample(ex, enVocab, deVocab));
  return { trainData, validData, testData, enVocab, deVocab, padIndex, lower, sosToken, eosToken };
}
type NewBatch = { en_ids: Tensor; de_ids: Tensor };
function getCollateFn(padIndex: number) {
  function collateFn(batch: Row[]): NewBatch {
    let batchEnIds: Tensor | Tensor[] = batch.map((example) => example.en_ids!);
    let batchDeIds: Tensor | Tensor[] = batch.map((example) => example.de_ids!);
    batchEnIds = nn.utils.rnn.padSequence(batchEnIds, { paddingValue: padIndex });
    batchDeIds = nn.utils.rnn.padSequence(batchDeIds, { paddingValue: padIndex });
    return { en_ids: batchEnIds, de_ids: batchDeIds };
  }
  return collateFn;
}
function getDataLoader(dataset: Row[], batchSize: number, padIndex: number, shuffle = false): Iterable<NewBatch> & { length: number } {
  const collateFn = getCollateFn(padIndex);
  const dataLoader = new torch.utils.data.DataLoader({ dataset, batchSize, collateFn, shuffle } as Any);
  return dataLoader as Any;
}

/** A legacy torchtext Example: vars(ex) is {src: tokens, trg: tokens}. */
class Example {
  constructor(public src: string[], public trg: string[]) {}
}
/** The legacy torchtext Field's attributes the notebooks read (vocab built by buildVocab). */
class Field {
  unkToken = '<unk>';
  padToken = '<pad>';
  vocab!: Vocab;
  constructor(public initToken: string, public eosToken: string, public lower: boolean, public batchFirst = false, public includeLengths = false) {}
  buildVocab(examples: Example[], name: 'src' | 'trg', minFreq: number): void {
    this.vocab = new Vocab(examples.map((ex) => ex[name]), minFreq, [this.unkToken, this.padToken, this.initToken, this.eosToken]);
  }
  process(tokenLists: string[][]): Tensor | [Tensor, Tensor] {
    tokenLists = tokenLists.map((t) => [this.initToken, ...t, this.eosToken]);
    const maxLen = Math.max(...tokenLists.map((t) => t.length));
    const lengths = tokenLists.map((t) => t.length);
    const padded = tokenLists.map((t) => [...t, ...Array<string>(maxLen - t.length).fill(this.padToken)]);
    let ids = torch.tensor(padded.map((row) => row.map((t) => this.vocab.stoi.get(t) ?? 0)));
    if (!this.batchFirst) ids = ids.t().contiguous();
    if (this.includeLengths) return [ids, torch.tensor(lengths)];
    return ids;
  }
}
class Batch {
  constructor(public src: Any, public trg: Tensor) {}
}
function legacyData(SRC: Field, TRG: Field) {
  const examples = (rows: [string, string][]): Example[] =>
    rows.map(([de, en]) => new Example(tokenizer(de).map((t) => t.toLowerCase()), tokenizer(en).map((t) => t.toLowerCase())));
  const [trainData, validData, testData] = [examples(PAIRS.slice(0, 24)), examples(PAIRS.slice(24, 30)), examples(PAIRS.slice(30))];
  SRC.buildVocab(trainData, 'src', 2);
  TRG.buildVocab(trainData, 'trg', 2);
  const iterator = (data: Example[], batchSize: number): Batch[] => {
    const batches: Batch[] = [];
    for (let i = 0; i < data.length; i += batchSize) {
      const chunk = data.slice(i, i + batchSize).sort((a, b) => b.src.length - a.src.length); // stable, as Python's sorted(reverse=True)
      batches.push(new Batch(SRC.process(chunk.map((ex) => ex.src)), TRG.process(chunk.map((ex) => ex.trg)) as Tensor));
    }
    return batches;
  };
  return { trainData, validData, testData, iterator };
}

function countParameters(model: nn.Module): number {
  let n = 0;
  for (const p of model.parameters()) if (p.requiresGrad) n += p.numel();
  return n;
}
function epochTime(startTime: number, endTime: number): [number, number] {
  const elapsedTime = endTime - startTime;
  const elapsedMins = Math.trunc(elapsedTime / 60);
  const elapsedSecs = Math.trunc(elapsedTime - elapsedMins * 60);
  return [elapsedMins, elapsedSecs];
}
const time = { time: (): number => performance.now() / 1000 };
function seedAll(seed = 1234): void {
  random.seed(seed);
  // np.random.seed(seed): numpy is not used after it
  torch.manualSeed(seed);
  torch.cuda.manualSeed(seed);
  torch.backends.cudnn.deterministic = true;
}

// train_fn / evaluate_fn are the same in notebooks 1-3 (batchLosses records each batch's loss)
const batchLosses: number[] = [];
type NewModel = nn.Module & { forward(src: Tensor, trg: Tensor, teacherForcingRatio: number): Tensor };

function trainFn(model: NewModel, dataLoader: Iterable<NewBatch> & { length: number }, optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, clip: number, teacherForcingRatio: number, device: torch.Device): number {
  model.train();
  let epochLoss = 0;
  for (const batch of dataLoader) {
    const src = batch.de_ids.to(device);
    let trg = batch.en_ids.to(device);
    optimizer.zeroGrad();
    let output = model.forward(src, trg, teacherForcingRatio) as Tensor;
    const outputDim = output.shape.at(-1)!;
    output = output.index('1:').view(-1, outputDim);
    trg = trg.index('1:').view(-1);
    const loss = criterion.forward(output, trg);
    loss.backward();
    torch.nn.utils.clipGradNorm_(model.parameters(), clip);
    optimizer.step();
    epochLoss += Number(loss.item());
    batchLosses.push(Number(loss.item()));
  }
  return epochLoss / dataLoader.length;
}
function evaluateFn(model: NewModel, dataLoader: Iterable<NewBatch> & { length: number }, criterion: nn.CrossEntropyLoss, device: torch.Device): number {
  model.eval();
  let epochLoss = 0;
  torch.noGrad(() => {
    for (const batch of dataLoader) {
      const src = batch.de_ids.to(device);
      let trg = batch.en_ids.to(device);
      let output = model.forward(src, trg, 0) as Tensor; // turn off teacher forcing
      const outputDim = output.shape.at(-1)!;
      output = output.index('1:').view(-1, outputDim);
      trg = trg.index('1:').view(-1);
      const loss = criterion.forward(output, trg);
      epochLoss += Number(loss.item());
    }
  });
  return epochLoss / dataLoader.length;
}
/** The training cell of notebooks 1-3 (tqdm left out), then the test cell. */
function trainLoopNew(print: (...a: unknown[]) => void, model: NewModel, trainDataLoader: Any, validDataLoader: Any, testDataLoader: Any, optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, clip: number, teacherForcingRatio: number, device: torch.Device, nEpochs: number, path: string, losses: number[][]): number {
  let bestValidLoss = Infinity;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const trainLoss = trainFn(model, trainDataLoader, optimizer, criterion, clip, teacherForcingRatio, device);
    const validLoss = evaluateFn(model, validDataLoader, criterion, device);
    losses.push([trainLoss, validLoss]);
    if (validLoss < bestValidLoss) {
      bestValidLoss = validLoss;
      torch.save(model.stateDict(), path);
    }
    print(`\tTrain Loss: ${pyFixed(trainLoss, 3).padStart(7)} | Train PPL: ${pyFixed(Math.exp(trainLoss), 3).padStart(7)}`);
    print(`\tValid Loss: ${pyFixed(validLoss, 3).padStart(7)} | Valid PPL: ${pyFixed(Math.exp(validLoss), 3).padStart(7)}`);
  }
  model.loadStateDict(torch.load(path));
  const testLoss = evaluateFn(model, testDataLoader, criterion, device);
  print(`| Test Loss: ${pyFixed(testLoss, 3)} | Test PPL: ${pyFixed(Math.exp(testLoss), 3).padStart(7)} |`);
  return testLoss;
}

// Losses after 6 Adam steps through dropout and teacher forcing: float32 sums in a different order
// (GEMM blocking, LSTM/GRU gates) move them by a few ulps per step, so rtol 1e-5 on losses and 1e-4
// on the trained weights.
const RTOL = 1e-5;
function checkRun(want: Any, got: { lines: string[]; batchLosses: number[]; losses: number[][]; testLoss: number }, label: string): void {
  closeAll(got.batchLosses, want.batch_losses, RTOL, `${label} batch losses`);
  closeAll(got.losses.flat(), want.losses.flat(), RTOL, `${label} epoch losses`);
  close(got.testLoss, want.test_loss, RTOL, `${label} test loss`);
  assertLines(got.lines, want.lines, `${label} printed lines`);
}

// ================================================================ 1 - Sequence to Sequence Learning with Neural Networks
test('1 - Sequence to Sequence Learning with Neural Networks (LSTM)', () => {
  const want = fx.nb1;
  const { lines, print } = printer();
  seedAll();
  const d = newData();
  const { enVocab, deVocab, padIndex } = d;
  assert.deepEqual(enVocab.itos, want.en_itos);
  assert.deepEqual(deVocab.itos, want.de_itos);
  assert.deepEqual(d.trainData[0].en_tokens, want.train0.en_tokens);
  assert.deepEqual(flat(d.trainData[0].en_ids!), want.train0.en_ids.data);
  const batchSize = 8; // 128
  const trainDataLoader = getDataLoader(d.trainData, batchSize, padIndex, true);
  const validDataLoader = getDataLoader(d.validData, batchSize, padIndex);
  const testDataLoader = getDataLoader(d.testData, batchSize, padIndex);
  const firstBatch = getDataLoader(d.trainData, batchSize, padIndex)[Symbol.iterator]().next().value as NewBatch;
  assertTensor(firstBatch.en_ids, want.first_batch.en_ids, 0, 'first batch en_ids');
  assertTensor(firstBatch.de_ids, want.first_batch.de_ids, 0, 'first batch de_ids');

  class Encoder extends nn.Module {
    hiddenDim: number;
    nLayers: number;
    embedding: nn.Embedding;
    rnn: nn.LSTM;
    dropout: nn.Dropout;
    constructor(inputDim: number, embeddingDim: number, hiddenDim: number, nLayers: number, dropout: number) {
      super();
      this.hiddenDim = hiddenDim;
      this.nLayers = nLayers;
      this.embedding = new nn.Embedding(inputDim, embeddingDim);
      this.rnn = new nn.LSTM(embeddingDim, hiddenDim, nLayers, { dropout });
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(src: Tensor): [Tensor, Tensor] {
      const embedded = this.dropout.forward(this.embedding.forward(src));
      const [outputs, [hidden, cell]] = this.rnn.forward(embedded) as [Tensor, [Tensor, Tensor]];
      void outputs;
      return [hidden, cell];
    }
  }
  class Decoder extends nn.Module {
    outputDim: number;
    hiddenDim: number;
    nLayers: number;
    embedding: nn.Embedding;
    rnn: nn.LSTM;
    fc_out: nn.Linear;
    dropout: nn.Dropout;
    constructor(outputDim: number, embeddingDim: number, hiddenDim: number, nLayers: number, dropout: number) {
      super();
      this.outputDim = outputDim;
      this.hiddenDim = hiddenDim;
      this.nLayers = nLayers;
      this.embedding = new nn.Embedding(outputDim, embeddingDim);
      this.rnn = new nn.LSTM(embeddingDim, hiddenDim, nLayers, { dropout });
      this.fc_out = new nn.Linear(hiddenDim, outputDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(input: Tensor, hidden: Tensor, cell: Tensor): [Tensor, Tensor, Tensor] {
      input = input.unsqueeze(0);
      const embedded = this.dropout.forward(this.embedding.forward(input));
      let output: Tensor;
      [output, [hidden, cell]] = this.rnn.forward(embedded, [hidden, cell]) as [Tensor, [Tensor, Tensor]];
      const prediction = this.fc_out.forward(output.squeeze(0));
      return [prediction, hidden, cell];
    }
  }
  class Seq2Seq extends nn.Module {
    encoder: Encoder;
    decoder: Decoder;
    device: torch.Device;
    constructor(encoder: Encoder, decoder: Decoder, device: torch.Device) {
      super();
      this.encoder = encoder;
      this.decoder = decoder;
      this.device = device;
      assert.ok(encoder.hiddenDim === decoder.hiddenDim, 'Hidden dimensions of encoder and decoder must be equal!');
      assert.ok(encoder.nLayers === decoder.nLayers, 'Encoder and decoder must have equal number of layers!');
    }
    override forward(src: Tensor, trg: Tensor, teacherForcingRatio: number): Tensor {
      const batchSize = trg.shape[1];
      const trgLength = trg.shape[0];
      const trgVocabSize = this.decoder.outputDim;
      const outputs = torch.zeros(trgLength, batchSize, trgVocabSize).to(this.device);
      let [hidden, cell] = this.encoder.forward(src);
      let input = trg.index(0, ':');
      for (let t = 1; t < trgLength; t++) {
        let output: Tensor;
        [output, hidden, cell] = this.decoder.forward(input, hidden, cell);
        outputs.indexPut_([t], output);
        const teacherForce = random.random() < teacherForcingRatio;
        const top1 = output.argmax(1);
        input = teacherForce ? trg.index(t) : top1;
      }
      return outputs;
    }
  }

  const inputDim = deVocab.length;
  const outputDim = enVocab.length;
  const encoderEmbeddingDim = 16; // 256
  const decoderEmbeddingDim = 16; // 256
  const hiddenDim = 32; // 512
  const nLayers = 2;
  const encoderDropout = 0.5;
  const decoderDropout = 0.5;
  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  const encoder = new Encoder(inputDim, encoderEmbeddingDim, hiddenDim, nLayers, encoderDropout);
  const decoder = new Decoder(outputDim, decoderEmbeddingDim, hiddenDim, nLayers, decoderDropout);
  const model = new Seq2Seq(encoder, decoder, device).to(device);

  function initWeights(m: nn.Module): void {
    for (const [name, param] of m.namedParameters()) {
      void name;
      nn.init.uniform_(param.data, -0.08, 0.08);
    }
  }
  assert.equal(String(model.apply(initWeights)), want.repr);
  assertStateDict(model, want.init, 0, 'init weights');
  print(`The model has ${commas(countParameters(model))} trainable parameters`);
  const optimizer = new optim.Adam(model.parameters());
  const criterion = new nn.CrossEntropyLoss({ ignoreIndex: padIndex });
  batchLosses.length = 0;
  const nEpochs = 2; // 10
  const clip = 1.0;
  const teacherForcingRatio = 0.5;
  const losses: number[][] = [];
  const testLoss = trainLoopNew(print, model, trainDataLoader, validDataLoader, testDataLoader, optimizer, criterion, clip, teacherForcingRatio, device, nEpochs, join(TMP, 'tut1-model.pt'), losses);
  checkRun(want, { lines, batchLosses, losses, testLoss }, 'nb1');

  function translateSentence(sentence: string | string[], model: Seq2Seq, enVocab: Vocab, deVocab: Vocab, lower: boolean, sosToken: string, eosToken: string, device: torch.Device, maxOutputLength = 25): string[] {
    model.eval();
    return torch.noGrad(() => {
      let tokens: string[];
      if (typeof sentence === 'string') tokens = tokenizer(sentence);
      else tokens = [...sentence];
      if (lower) tokens = tokens.map((token) => token.toLowerCase());
      tokens = [sosToken, ...tokens, eosToken];
      const ids = deVocab.lookupIndices(tokens);
      const tensor = torch.LongTensor(ids).unsqueeze(-1).to(device);
      let [hidden, cell] = model.encoder.forward(tensor);
      const inputs = enVocab.lookupIndices([sosToken]);
      for (let _ = 0; _ < maxOutputLength; _++) {
        const inputsTensor = torch.LongTensor([inputs.at(-1)!]).to(device);
        let output: Tensor;
        [output, hidden, cell] = model.decoder.forward(inputsTensor, hidden, cell);
        const predictedToken = Number(output.argmax(-1).item());
        inputs.push(predictedToken);
        if (predictedToken === enVocab.get(eosToken)) break;
      }
      return enVocab.lookupTokens(inputs);
    });
  }
  const args = [model, enVocab, deVocab, d.lower, d.sosToken, d.eosToken, device] as const;
  const translations = [translateSentence(d.testData[0].de, ...args), translateSentence('Ein Mann sitzt auf einer Bank .', ...args)];
  translations.push(...d.testData.map((example) => translateSentence(example.de, ...args)));
  const predictions = translations.slice(2).map((translation) => translation.slice(1, -1).join(' '));
  assert.deepEqual(translations, want.translations);
  assert.deepEqual(predictions, want.predictions);
  assertStateDict(model, want.final, 1e-4, 'trained weights');
});

// ================================================================ 2 - Learning Phrase Representations (GRU)
test('2 - Learning Phrase Representations using RNN Encoder-Decoder (GRU)', () => {
  const want = fx.nb2;
  const { lines, print } = printer();
  seedAll();
  const d = newData();
  const { enVocab, deVocab, padIndex } = d;
  const batchSize = 8; // 128
  const trainDataLoader = getDataLoader(d.trainData, batchSize, padIndex, true);
  const validDataLoader = getDataLoader(d.validData, batchSize, padIndex);
  const testDataLoader = getDataLoader(d.testData, batchSize, padIndex);

  class Encoder extends nn.Module {
    hiddenDim: number;
    embedding: nn.Embedding;
    rnn: nn.GRU;
    dropout: nn.Dropout;
    constructor(inputDim: number, embeddingDim: number, hiddenDim: number, dropout: number) {
      super();
      this.hiddenDim = hiddenDim;
      this.embedding = new nn.Embedding(inputDim, embeddingDim);
      this.rnn = new nn.GRU(embeddingDim, hiddenDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(src: Tensor): Tensor {
      const embedded = this.dropout.forward(this.embedding.forward(src));
      const [outputs, hidden] = this.rnn.forward(embedded) as [Tensor, Tensor]; // no cell state in GRU!
      void outputs;
      return hidden;
    }
  }
  class Decoder extends nn.Module {
    hiddenDim: number;
    outputDim: number;
    embedding: nn.Embedding;
    rnn: nn.GRU;
    fc_out: nn.Linear;
    dropout: nn.Dropout;
    constructor(outputDim: number, embeddingDim: number, hiddenDim: number, dropout: number) {
      super();
      this.hiddenDim = hiddenDim;
      this.outputDim = outputDim;
      this.embedding = new nn.Embedding(outputDim, embeddingDim);
      this.rnn = new nn.GRU(embeddingDim + hiddenDim, hiddenDim);
      this.fc_out = new nn.Linear(embeddingDim + hiddenDim * 2, outputDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(input: Tensor, hidden: Tensor, context: Tensor): [Tensor, Tensor] {
      input = input.unsqueeze(0);
      const embedded = this.dropout.forward(this.embedding.forward(input));
      const embCon = torch.cat([embedded, context], { dim: 2 });
      let output: Tensor;
      [output, hidden] = this.rnn.forward(embCon, hidden) as [Tensor, Tensor];
      output = torch.cat([embedded.squeeze(0), hidden.squeeze(0), context.squeeze(0)], { dim: 1 });
      const prediction = this.fc_out.forward(output);
      return [prediction, hidden];
    }
  }
  class Seq2Seq extends nn.Module {
    encoder: Encoder;
    decoder: Decoder;
    device: torch.Device;
    constructor(encoder: Encoder, decoder: Decoder, device: torch.Device) {
      super();
      this.encoder = encoder;
      this.decoder = decoder;
      this.device = device;
      assert.ok(encoder.hiddenDim === decoder.hiddenDim, 'Hidden dimensions of encoder and decoder must be equal!');
    }
    override forward(src: Tensor, trg: Tensor, teacherForcingRatio: number): Tensor {
      const batchSize = trg.shape[1];
      const trgLength = trg.shape[0];
      const trgVocabSize = this.decoder.outputDim;
      const outputs = torch.zeros(trgLength, batchSize, trgVocabSize).to(this.device);
      const context = this.encoder.forward(src);
      let hidden = context;
      let input = trg.index(0, ':');
      for (let t = 1; t < trgLength; t++) {
        let output: Tensor;
        [output, hidden] = this.decoder.forward(input, hidden, context);
        outputs.indexPut_([t], output);
        const teacherForce = random.random() < teacherForcingRatio;
        const top1 = output.argmax(1);
        input = teacherForce ? trg.index(t) : top1;
      }
      return outputs;
    }
  }

  const inputDim = deVocab.length;
  const outputDim = enVocab.length;
  const encoderEmbeddingDim = 16; // 256
  const decoderEmbeddingDim = 16; // 256
  const hiddenDim = 32; // 512
  const encoderDropout = 0.5;
  const decoderDropout = 0.5;
  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  const encoder = new Encoder(inputDim, encoderEmbeddingDim, hiddenDim, encoderDropout);
  const decoder = new Decoder(outputDim, decoderEmbeddingDim, hiddenDim, decoderDropout);
  const model = new Seq2Seq(encoder, decoder, device).to(device);

  function initWeights(m: nn.Module): void {
    for (const [name, param] of m.namedParameters()) {
      void name;
      nn.init.normal_(param.data, { mean: 0, std: 0.01 });
    }
  }
  assert.equal(String(model.apply(initWeights)), want.repr);
  assertStateDict(model, want.init, 0, 'init weights');
  print(`The model has ${commas(countParameters(model))} trainable parameters`);
  const optimizer = new optim.Adam(model.parameters());
  const criterion = new nn.CrossEntropyLoss({ ignoreIndex: padIndex });
  batchLosses.length = 0;
  const nEpochs = 2; // 10
  const clip = 1.0;
  const teacherForcingRatio = 0.5;
  const losses: number[][] = [];
  const testLoss = trainLoopNew(print, model, trainDataLoader, validDataLoader, testDataLoader, optimizer, criterion, clip, teacherForcingRatio, device, nEpochs, join(TMP, 'tut2-model.pt'), losses);
  checkRun(want, { lines, batchLosses, losses, testLoss }, 'nb2');

  function translateSentence(sentence: string | string[], model: Seq2Seq, enVocab: Vocab, deVocab: Vocab, lower: boolean, sosToken: string, eosToken: string, device: torch.Device, maxOutputLength = 25): string[] {
    model.eval();
    return torch.noGrad(() => {
      let tokens: string[];
      if (typeof sentence === 'string') tokens = tokenizer(sentence);
      else tokens = [...sentence];
      if (lower) tokens = tokens.map((token) => token.toLowerCase());
      tokens = [sosToken, ...tokens, eosToken];
      const ids = deVocab.lookupIndices(tokens);
      const tensor = torch.LongTensor(ids).unsqueeze(-1).to(device);
      const context = model.encoder.forward(tensor);
      let hidden = context;
      const inputs = enVocab.lookupIndices([sosToken]);
      for (let _ = 0; _ < maxOutputLength; _++) {
        const inputsTensor = torch.LongTensor([inputs.at(-1)!]).to(device);
        let output: Tensor;
        [output, hidden] = model.decoder.forward(inputsTensor, hidden, context);
        const predictedToken = Number(output.argmax(-1).item());
        inputs.push(predictedToken);
        if (predictedToken === enVocab.get(eosToken)) break;
      }
      return enVocab.lookupTokens(inputs);
    });
  }
  const args = [model, enVocab, deVocab, d.lower, d.sosToken, d.eosToken, device] as const;
  const translations = [translateSentence(d.testData[0].de, ...args), translateSentence('Ein Mann sitzt auf einer Bank .', ...args)];
  translations.push(...d.testData.map((example) => translateSentence(example.de, ...args)));
  assert.deepEqual(translations, want.translations);
  assertStateDict(model, want.final, 1e-4, 'trained weights');
});

// ================================================================ 3 - Neural Machine Translation by Jointly Learning to Align and Translate
test('3 - Neural Machine Translation by Jointly Learning to Align and Translate (attention)', () => {
  const want = fx.nb3;
  const { lines, print } = printer();
  seedAll();
  const d = newData();
  const { enVocab, deVocab, padIndex } = d;
  const batchSize = 8; // 128
  const trainDataLoader = getDataLoader(d.trainData, batchSize, padIndex, true);
  const validDataLoader = getDataLoader(d.validData, batchSize, padIndex);
  const testDataLoader = getDataLoader(d.testData, batchSize, padIndex);

  class Encoder extends nn.Module {
    embedding: nn.Embedding;
    rnn: nn.GRU;
    fc: nn.Linear;
    dropout: nn.Dropout;
    constructor(inputDim: number, embeddingDim: number, encoderHiddenDim: number, decoderHiddenDim: number, dropout: number) {
      super();
      this.embedding = new nn.Embedding(inputDim, embeddingDim);
      this.rnn = new nn.GRU(embeddingDim, encoderHiddenDim, { bidirectional: true });
      this.fc = new nn.Linear(encoderHiddenDim * 2, decoderHiddenDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(src: Tensor): [Tensor, Tensor] {
      const embedded = this.dropout.forward(this.embedding.forward(src));
      let [outputs, hidden] = this.rnn.forward(embedded) as [Tensor, Tensor];
      hidden = torch.tanh(this.fc.forward(torch.cat([hidden.index(-2, ':', ':'), hidden.index(-1, ':', ':')], { dim: 1 })));
      return [outputs, hidden];
    }
  }
  class Attention extends nn.Module {
    attn_fc: nn.Linear;
    v_fc: nn.Linear;
    constructor(encoderHiddenDim: number, decoderHiddenDim: number) {
      super();
      this.attn_fc = new nn.Linear(encoderHiddenDim * 2 + decoderHiddenDim, decoderHiddenDim);
      this.v_fc = new nn.Linear(decoderHiddenDim, 1, { bias: false });
    }
    override forward(hidden: Tensor, encoderOutputs: Tensor): Tensor {
      const batchSize = encoderOutputs.shape[1];
      void batchSize;
      const srcLength = encoderOutputs.shape[0];
      hidden = hidden.unsqueeze(1).repeat(1, srcLength, 1);
      encoderOutputs = encoderOutputs.permute(1, 0, 2);
      const energy = torch.tanh(this.attn_fc.forward(torch.cat([hidden, encoderOutputs], { dim: 2 })));
      const attention = this.v_fc.forward(energy).squeeze(2);
      return torch.softmax(attention, { dim: 1 });
    }
  }
  class Decoder extends nn.Module {
    outputDim: number;
    attention: Attention;
    embedding: nn.Embedding;
    rnn: nn.GRU;
    fc_out: nn.Linear;
    dropout: nn.Dropout;
    constructor(outputDim: number, embeddingDim: number, encoderHiddenDim: number, decoderHiddenDim: number, dropout: number, attention: Attention) {
      super();
      this.outputDim = outputDim;
      this.attention = attention;
      this.embedding = new nn.Embedding(outputDim, embeddingDim);
      this.rnn = new nn.GRU(encoderHiddenDim * 2 + embeddingDim, decoderHiddenDim);
      this.fc_out = new nn.Linear(encoderHiddenDim * 2 + decoderHiddenDim + embeddingDim, outputDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(input: Tensor, hidden: Tensor, encoderOutputs: Tensor): [Tensor, Tensor, Tensor] {
      input = input.unsqueeze(0);
      let embedded = this.dropout.forward(this.embedding.forward(input));
      let a = this.attention.forward(hidden, encoderOutputs);
      a = a.unsqueeze(1);
      encoderOutputs = encoderOutputs.permute(1, 0, 2);
      let weighted = torch.bmm(a, encoderOutputs);
      weighted = weighted.permute(1, 0, 2);
      const rnnInput = torch.cat([embedded, weighted], { dim: 2 });
      let output: Tensor;
      [output, hidden] = this.rnn.forward(rnnInput, hidden.unsqueeze(0)) as [Tensor, Tensor];
      assert.ok(output.eq(hidden).all().item());
      embedded = embedded.squeeze(0);
      output = output.squeeze(0);
      weighted = weighted.squeeze(0);
      const prediction = this.fc_out.forward(torch.cat([output, weighted, embedded], { dim: 1 }));
      return [prediction, hidden.squeeze(0), a.squeeze(1)];
    }
  }
  class Seq2Seq extends nn.Module {
    encoder: Encoder;
    decoder: Decoder;
    device: torch.Device;
    constructor(encoder: Encoder, decoder: Decoder, device: torch.Device) {
      super();
      this.encoder = encoder;
      this.decoder = decoder;
      this.device = device;
    }
    override forward(src: Tensor, trg: Tensor, teacherForcingRatio: number): Tensor {
      const batchSize = src.shape[1];
      const trgLength = trg.shape[0];
      const trgVocabSize = this.decoder.outputDim;
      const outputs = torch.zeros(trgLength, batchSize, trgVocabSize).to(this.device);
      let [encoderOutputs, hidden] = this.encoder.forward(src);
      let input = trg.index(0, ':');
      for (let t = 1; t < trgLength; t++) {
        let output: Tensor;
        [output, hidden] = this.decoder.forward(input, hidden, encoderOutputs);
        outputs.indexPut_([t], output);
        const teacherForce = random.random() < teacherForcingRatio;
        const top1 = output.argmax(1);
        input = teacherForce ? trg.index(t) : top1;
      }
      void encoderOutputs;
      return outputs;
    }
  }

  const inputDim = deVocab.length;
  const outputDim = enVocab.length;
  const encoderEmbeddingDim = 16; // 256
  const decoderEmbeddingDim = 16; // 256
  const encoderHiddenDim = 32; // 512
  const decoderHiddenDim = 32; // 512
  const encoderDropout = 0.5;
  const decoderDropout = 0.5;
  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  const attention = new Attention(encoderHiddenDim, decoderHiddenDim);
  const encoder = new Encoder(inputDim, encoderEmbeddingDim, encoderHiddenDim, decoderHiddenDim, encoderDropout);
  const decoder = new Decoder(outputDim, decoderEmbeddingDim, encoderHiddenDim, decoderHiddenDim, decoderDropout, attention);
  const model = new Seq2Seq(encoder, decoder, device).to(device);

  function initWeights(m: nn.Module): void {
    for (const [name, param] of m.namedParameters()) {
      if (name.includes('weight')) nn.init.normal_(param.data, { mean: 0, std: 0.01 });
      else nn.init.constant_(param.data, 0);
    }
  }
  assert.equal(String(model.apply(initWeights)), want.repr);
  assertStateDict(model, want.init, 0, 'init weights');
  print(`The model has ${commas(countParameters(model))} trainable parameters`);
  const optimizer = new optim.Adam(model.parameters());
  const criterion = new nn.CrossEntropyLoss({ ignoreIndex: padIndex });
  batchLosses.length = 0;
  const nEpochs = 2; // 10
  const clip = 1.0;
  const teacherForcingRatio = 0.5;
  const losses: number[][] = [];
  const testLoss = trainLoopNew(print, model, trainDataLoader, validDataLoader, testDataLoader, optimizer, criterion, clip, teacherForcingRatio, device, nEpochs, join(TMP, 'tut3-model.pt'), losses);
  checkRun(want, { lines, batchLosses, losses, testLoss }, 'nb3');

  function translateSentence(sentence: string | string[], model: Seq2Seq, enVocab: Vocab, deVocab: Vocab, lower: boolean, sosToken: string, eosToken: string, device: torch.Device, maxOutputLength = 25): [string[], string[], Tensor] {
    model.eval();
    return torch.noGrad(() => {
      let deTokens: string[];
      if (typeof sentence === 'string') deTokens = tokenizer(sentence);
      else deTokens = [...sentence];
      if (lower) deTokens = deTokens.map((token) => token.toLowerCase());
      deTokens = [sosToken, ...deTokens, eosToken];
      const ids = deVocab.lookupIndices(deTokens);
      const tensor = torch.LongTensor(ids).unsqueeze(-1).to(device);
      let [encoderOutputs, hidden] = model.encoder.forward(tensor);
      const inputs = enVocab.lookupIndices([sosToken]);
      const attentions = torch.zeros(maxOutputLength, 1, ids.length);
      for (let i = 0; i < maxOutputLength; i++) {
        const inputsTensor = torch.LongTensor([inputs.at(-1)!]).to(device);
        let output: Tensor;
        let attention: Tensor;
        [output, hidden, attention] = model.decoder.forward(inputsTensor, hidden, encoderOutputs);
        attentions.indexPut_([i], attention);
        const predictedToken = Number(output.argmax(-1).item());
        inputs.push(predictedToken);
        if (predictedToken === enVocab.get(eosToken)) break;
      }
      void encoderOutputs;
      const enTokens = enVocab.lookupTokens(inputs);
      return [enTokens, deTokens, attentions.index(`:${enTokens.length - 1}`)];
    });
  }
  const args = [model, enVocab, deVocab, d.lower, d.sosToken, d.eosToken, device] as const;
  [d.testData[0].de, 'Ein Mann sitzt auf einer Bank .'].forEach((sentence, k) => {
    const [translation, sentenceTokens, attention] = translateSentence(sentence, ...args);
    assert.deepEqual(translation, want.results[k].translation);
    assert.deepEqual(sentenceTokens, want.results[k].sentence_tokens);
    assertTensor(attention, want.results[k].attention, RTOL, `attention ${k}`);
  });
  const translations = d.testData.map((example) => translateSentence(example.de, ...args)[0]);
  assert.deepEqual(translations, want.translations);
  assertStateDict(model, want.final, 1e-4, 'trained weights');
});

/** The training cell of notebooks 4-6, then the test cell. */
function legacyLoop(print: (...a: unknown[]) => void, model: nn.Module, train: Any, evaluate: Any, trainIterator: Batch[], validIterator: Batch[], testIterator: Batch[], optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, CLIP: number, N_EPOCHS: number, path: string, losses: number[][]): number {
  let bestValidLoss = Infinity;
  for (let epoch = 0; epoch < N_EPOCHS; epoch++) {
    const startTime = time.time();
    const trainLoss = train(model, trainIterator, optimizer, criterion, CLIP);
    const validLoss = evaluate(model, validIterator, criterion);
    const endTime = time.time();
    losses.push([trainLoss, validLoss]);
    const [epochMins, epochSecs] = epochTime(startTime, endTime);
    if (validLoss < bestValidLoss) {
      bestValidLoss = validLoss;
      torch.save(model.stateDict(), path);
    }
    print(`Epoch: ${String(epoch + 1).padStart(2, '0')} | Time: ${epochMins}m ${epochSecs}s`);
    print(`\tTrain Loss: ${pyFixed(trainLoss, 3)} | Train PPL: ${pyFixed(Math.exp(trainLoss), 3).padStart(7)}`);
    print(`\t Val. Loss: ${pyFixed(validLoss, 3)} |  Val. PPL: ${pyFixed(Math.exp(validLoss), 3).padStart(7)}`);
  }
  model.loadStateDict(torch.load(path));
  const testLoss = evaluate(model, testIterator, criterion);
  print(`| Test Loss: ${pyFixed(testLoss, 3)} | Test PPL: ${pyFixed(Math.exp(testLoss), 3).padStart(7)} |`);
  return testLoss;
}

// ================================================================ legacy/4 - Packed Padded Sequences, Masking, Inference
test('legacy/4 - Packed Padded Sequences, Masking, Inference', () => {
  const want = fx.nb4;
  const { lines, print } = printer();
  seedAll();
  const SRC = new Field('<sos>', '<eos>', true, false, true);
  const TRG = new Field('<sos>', '<eos>', true);
  const { trainData, validData, testData, iterator } = legacyData(SRC, TRG);
  const BATCH_SIZE = 8; // 128
  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  const [trainIterator, validIterator, testIterator] = [iterator(trainData, BATCH_SIZE), iterator(validData, BATCH_SIZE), iterator(testData, BATCH_SIZE)];
  assert.deepEqual(SRC.vocab.itos, want.src_itos);
  assert.deepEqual(TRG.vocab.itos, want.trg_itos);
  assertTensor(trainIterator[0].src[0], want.batch0.src, 0, 'batch0 src');
  assertTensor(trainIterator[0].src[1], want.batch0.src_len, 0, 'batch0 src_len');
  assertTensor(trainIterator[0].trg, want.batch0.trg, 0, 'batch0 trg');

  class Encoder extends nn.Module {
    embedding: nn.Embedding;
    rnn: nn.GRU;
    fc: nn.Linear;
    dropout: nn.Dropout;
    constructor(inputDim: number, embDim: number, encHidDim: number, decHidDim: number, dropout: number) {
      super();
      this.embedding = new nn.Embedding(inputDim, embDim);
      this.rnn = new nn.GRU(embDim, encHidDim, { bidirectional: true });
      this.fc = new nn.Linear(encHidDim * 2, decHidDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(src: Tensor, srcLen: Tensor): [Tensor, Tensor] {
      const embedded = this.dropout.forward(this.embedding.forward(src));
      const packedEmbedded = nn.utils.rnn.packPaddedSequence(embedded, srcLen.to('cpu'));
      let [packedOutputs, hidden] = this.rnn.forward(packedEmbedded) as [Any, Tensor];
      const [outputs] = nn.utils.rnn.padPackedSequence(packedOutputs);
      hidden = torch.tanh(this.fc.forward(torch.cat([hidden.index(-2, ':', ':'), hidden.index(-1, ':', ':')], { dim: 1 })));
      return [outputs, hidden];
    }
  }
  class Attention extends nn.Module {
    attn: nn.Linear;
    v: nn.Linear;
    constructor(encHidDim: number, decHidDim: number) {
      super();
      this.attn = new nn.Linear(encHidDim * 2 + decHidDim, decHidDim);
      this.v = new nn.Linear(decHidDim, 1, { bias: false });
    }
    override forward(hidden: Tensor, encoderOutputs: Tensor, mask: Tensor): Tensor {
      const srcLen = encoderOutputs.shape[0];
      hidden = hidden.unsqueeze(1).repeat(1, srcLen, 1);
      encoderOutputs = encoderOutputs.permute(1, 0, 2);
      const energy = torch.tanh(this.attn.forward(torch.cat([hidden, encoderOutputs], { dim: 2 })));
      let attention = this.v.forward(energy).squeeze(2);
      attention = attention.maskedFill(mask.eq(0), -1e10);
      return F.softmax(attention, { dim: 1 });
    }
  }
  class Decoder extends nn.Module {
    outputDim: number;
    attention: Attention;
    embedding: nn.Embedding;
    rnn: nn.GRU;
    fc_out: nn.Linear;
    dropout: nn.Dropout;
    constructor(outputDim: number, embDim: number, encHidDim: number, decHidDim: number, dropout: number, attention: Attention) {
      super();
      this.outputDim = outputDim;
      this.attention = attention;
      this.embedding = new nn.Embedding(outputDim, embDim);
      this.rnn = new nn.GRU(encHidDim * 2 + embDim, decHidDim);
      this.fc_out = new nn.Linear(encHidDim * 2 + decHidDim + embDim, outputDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(input: Tensor, hidden: Tensor, encoderOutputs: Tensor, mask: Tensor): [Tensor, Tensor, Tensor] {
      input = input.unsqueeze(0);
      let embedded = this.dropout.forward(this.embedding.forward(input));
      let a = this.attention.forward(hidden, encoderOutputs, mask);
      a = a.unsqueeze(1);
      encoderOutputs = encoderOutputs.permute(1, 0, 2);
      let weighted = torch.bmm(a, encoderOutputs);
      weighted = weighted.permute(1, 0, 2);
      const rnnInput = torch.cat([embedded, weighted], { dim: 2 });
      let output: Tensor;
      [output, hidden] = this.rnn.forward(rnnInput, hidden.unsqueeze(0)) as [Tensor, Tensor];
      assert.ok(output.eq(hidden).all().item());
      embedded = embedded.squeeze(0);
      output = output.squeeze(0);
      weighted = weighted.squeeze(0);
      const prediction = this.fc_out.forward(torch.cat([output, weighted, embedded], { dim: 1 }));
      return [prediction, hidden.squeeze(0), a.squeeze(1)];
    }
  }
  class Seq2Seq extends nn.Module {
    encoder: Encoder;
    decoder: Decoder;
    srcPadIdx: number;
    device: torch.Device;
    constructor(encoder: Encoder, decoder: Decoder, srcPadIdx: number, device: torch.Device) {
      super();
      this.encoder = encoder;
      this.decoder = decoder;
      this.srcPadIdx = srcPadIdx;
      this.device = device;
    }
    createMask(src: Tensor): Tensor {
      const mask = src.ne(this.srcPadIdx).permute(1, 0);
      return mask;
    }
    override forward(src: Tensor, srcLen: Tensor, trg: Tensor, teacherForcingRatio = 0.5): Tensor {
      const batchSize = src.shape[1];
      const trgLen = trg.shape[0];
      const trgVocabSize = this.decoder.outputDim;
      const outputs = torch.zeros(trgLen, batchSize, trgVocabSize).to(this.device);
      let [encoderOutputs, hidden] = this.encoder.forward(src, srcLen);
      let input = trg.index(0, ':');
      const mask = this.createMask(src);
      for (let t = 1; t < trgLen; t++) {
        let output: Tensor;
        [output, hidden] = this.decoder.forward(input, hidden, encoderOutputs, mask);
        outputs.indexPut_([t], output);
        const teacherForce = random.random() < teacherForcingRatio;
        const top1 = output.argmax(1);
        input = teacherForce ? trg.index(t) : top1;
      }
      void encoderOutputs;
      return outputs;
    }
  }

  const INPUT_DIM = SRC.vocab.length;
  const OUTPUT_DIM = TRG.vocab.length;
  const ENC_EMB_DIM = 16; // 256
  const DEC_EMB_DIM = 16; // 256
  const ENC_HID_DIM = 32; // 512
  const DEC_HID_DIM = 32; // 512
  const ENC_DROPOUT = 0.5;
  const DEC_DROPOUT = 0.5;
  const SRC_PAD_IDX = SRC.vocab.stoi.get(SRC.padToken)!;
  const attn = new Attention(ENC_HID_DIM, DEC_HID_DIM);
  const enc = new Encoder(INPUT_DIM, ENC_EMB_DIM, ENC_HID_DIM, DEC_HID_DIM, ENC_DROPOUT);
  const dec = new Decoder(OUTPUT_DIM, DEC_EMB_DIM, ENC_HID_DIM, DEC_HID_DIM, DEC_DROPOUT, attn);
  const model = new Seq2Seq(enc, dec, SRC_PAD_IDX, device).to(device);

  function initWeights(m: nn.Module): void {
    for (const [name, param] of m.namedParameters()) {
      if (name.includes('weight')) nn.init.normal_(param.data, { mean: 0, std: 0.01 });
      else nn.init.constant_(param.data, 0);
    }
  }
  assert.equal(String(model.apply(initWeights)), want.repr);
  print(`The model has ${commas(countParameters(model))} trainable parameters`);
  const optimizer = new optim.Adam(model.parameters());
  const TRG_PAD_IDX = TRG.vocab.stoi.get(TRG.padToken)!;
  const criterion = new nn.CrossEntropyLoss({ ignoreIndex: TRG_PAD_IDX });
  const batchLosses: number[] = [];

  function train(model: Seq2Seq, iterator: Batch[], optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, clip: number): number {
    model.train();
    let epochLoss = 0;
    for (const batch of iterator) {
      const [src, srcLen] = batch.src as [Tensor, Tensor];
      let trg = batch.trg;
      optimizer.zeroGrad();
      let output = model.forward(src, srcLen, trg);
      const outputDim = output.shape.at(-1)!;
      output = output.index('1:').view(-1, outputDim);
      trg = trg.index('1:').view(-1);
      const loss = criterion.forward(output, trg);
      loss.backward();
      torch.nn.utils.clipGradNorm_(model.parameters(), clip);
      optimizer.step();
      epochLoss += Number(loss.item());
      batchLosses.push(Number(loss.item()));
    }
    return epochLoss / iterator.length;
  }
  function evaluate(model: Seq2Seq, iterator: Batch[], criterion: nn.CrossEntropyLoss): number {
    model.eval();
    let epochLoss = 0;
    torch.noGrad(() => {
      for (const batch of iterator) {
        const [src, srcLen] = batch.src as [Tensor, Tensor];
        let trg = batch.trg;
        let output = model.forward(src, srcLen, trg, 0); // turn off teacher forcing
        const outputDim = output.shape.at(-1)!;
        output = output.index('1:').view(-1, outputDim);
        trg = trg.index('1:').view(-1);
        const loss = criterion.forward(output, trg);
        epochLoss += Number(loss.item());
      }
    });
    return epochLoss / iterator.length;
  }
  const N_EPOCHS = 2; // 10
  const CLIP = 1;
  const losses: number[][] = [];
  const testLoss = legacyLoop(print, model, train, evaluate, trainIterator, validIterator, testIterator, optimizer, criterion, CLIP, N_EPOCHS, join(TMP, 'tut4-model.pt'), losses);

  function translateSentence(sentence: string | string[], srcField: Field, trgField: Field, model: Seq2Seq, device: torch.Device, maxLen = 50): [string[], Tensor] {
    model.eval();
    let tokens: string[];
    if (typeof sentence === 'string') tokens = tokenizer(sentence).map((token) => token.toLowerCase());
    else tokens = sentence.map((token) => token.toLowerCase());
    tokens = [srcField.initToken, ...tokens, srcField.eosToken];
    const srcIndexes = tokens.map((token) => srcField.vocab.stoi.get(token) ?? 0);
    const srcTensor = torch.LongTensor(srcIndexes).unsqueeze(1).to(device);
    const srcLen = torch.LongTensor([srcIndexes.length]);
    let [encoderOutputs, hidden] = torch.noGrad(() => model.encoder.forward(srcTensor, srcLen));
    const mask = model.createMask(srcTensor);
    const trgIndexes = [trgField.vocab.stoi.get(trgField.initToken)!];
    const attentions = torch.zeros(maxLen, 1, srcIndexes.length).to(device);
    for (let i = 0; i < maxLen; i++) {
      const trgTensor = torch.LongTensor([trgIndexes.at(-1)!]).to(device);
      let output: Tensor;
      let attention: Tensor;
      [output, hidden, attention] = torch.noGrad(() => model.decoder.forward(trgTensor, hidden, encoderOutputs, mask));
      attentions.indexPut_([i], attention);
      const predToken = Number(output.argmax(1).item());
      trgIndexes.push(predToken);
      if (predToken === trgField.vocab.stoi.get(trgField.eosToken)) break;
    }
    void encoderOutputs;
    const trgTokens = trgIndexes.map((i) => trgField.vocab.itos[i]);
    return [trgTokens.slice(1), attentions.index(`:${trgTokens.length - 1}`)];
  }
  const attns: Tensor[] = [];
  for (const [data, exampleIdx] of [[trainData, 12], [validData, 4], [testData, 5]] as const) { // 12, 14, 18
    const src = data[exampleIdx].src;
    const trg = data[exampleIdx].trg;
    print(`src = ${pyList(src)}`);
    print(`trg = ${pyList(trg)}`);
    const [translation, attention] = translateSentence(src, SRC, TRG, model, device);
    print(`predicted trg = ${pyList(translation)}`);
    attns.push(attention);
  }
  checkRun(want, { lines, batchLosses, losses, testLoss }, 'nb4');
  attns.forEach((a, k) => assertTensor(a, want.attentions[k], RTOL, `attention ${k}`));
  assertStateDict(model, want.final, 1e-4, 'trained weights');
});

/** train / evaluate of notebooks 5 and 6 (the same code in both). */
function legacyTrainEvalBf(batchLosses: number[]) {
  function train(model: nn.Module, iterator: Batch[], optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, clip: number): number {
    model.train();
    let epochLoss = 0;
    for (const batch of iterator) {
      const src = batch.src as Tensor;
      let trg = batch.trg;
      optimizer.zeroGrad();
      let [output] = model.forward(src, trg.index(':', ':-1')) as [Tensor, Tensor];
      const outputDim = output.shape.at(-1)!;
      output = output.contiguous().view(-1, outputDim);
      trg = trg.index(':', '1:').contiguous().view(-1);
      const loss = criterion.forward(output, trg);
      loss.backward();
      torch.nn.utils.clipGradNorm_(model.parameters(), clip);
      optimizer.step();
      epochLoss += Number(loss.item());
      batchLosses.push(Number(loss.item()));
    }
    return epochLoss / iterator.length;
  }
  function evaluate(model: nn.Module, iterator: Batch[], criterion: nn.CrossEntropyLoss): number {
    model.eval();
    let epochLoss = 0;
    torch.noGrad(() => {
      for (const batch of iterator) {
        const src = batch.src as Tensor;
        let trg = batch.trg;
        let [output] = model.forward(src, trg.index(':', ':-1')) as [Tensor, Tensor];
        const outputDim = output.shape.at(-1)!;
        output = output.contiguous().view(-1, outputDim);
        trg = trg.index(':', '1:').contiguous().view(-1);
        const loss = criterion.forward(output, trg);
        epochLoss += Number(loss.item());
      }
    });
    return epochLoss / iterator.length;
  }
  return [train, evaluate] as const;
}

/** translate_sentence of notebook 5 (kind 'conv') and 6 (kind 'transformer'). */
function translateSentenceBf(kind: 'conv' | 'transformer') {
  return function translateSentence(sentence: string | string[], srcField: Field, trgField: Field, model: Any, device: torch.Device, maxLen = 50): [string[], Tensor] {
    model.eval();
    let tokens: string[];
    if (typeof sentence === 'string') tokens = tokenizer(sentence).map((token) => token.toLowerCase());
    else tokens = sentence.map((token) => token.toLowerCase());
    tokens = [srcField.initToken, ...tokens, srcField.eosToken];
    const srcIndexes = tokens.map((token) => srcField.vocab.stoi.get(token) ?? 0);
    const srcTensor = torch.LongTensor(srcIndexes).unsqueeze(0).to(device);
    let encoderConved: Tensor, encoderCombined: Tensor, srcMask: Tensor, encSrc: Tensor;
    if (kind === 'conv') {
      [encoderConved, encoderCombined] = torch.noGrad(() => model.encoder.forward(srcTensor));
    } else {
      srcMask = model.makeSrcMask(srcTensor);
      encSrc = torch.noGrad(() => model.encoder.forward(srcTensor, srcMask));
    }
    const trgIndexes = [trgField.vocab.stoi.get(trgField.initToken)!];
    let attention!: Tensor;
    for (let i = 0; i < maxLen; i++) {
      const trgTensor = torch.LongTensor(trgIndexes).unsqueeze(0).to(device);
      let output: Tensor;
      if (kind === 'conv') {
        [output, attention] = torch.noGrad(() => model.decoder.forward(trgTensor, encoderConved, encoderCombined));
      } else {
        const trgMask = model.makeTrgMask(trgTensor);
        [output, attention] = torch.noGrad(() => model.decoder.forward(trgTensor, encSrc, trgMask, srcMask));
      }
      const predToken = Number(output.argmax(2).index(':', -1).item());
      trgIndexes.push(predToken);
      if (predToken === trgField.vocab.stoi.get(trgField.eosToken)) break;
    }
    const trgTokens = trgIndexes.map((i) => trgField.vocab.itos[i]);
    return [trgTokens.slice(1), attention];
  };
}

// The ConvS2S and Transformer translations (50 greedy steps of a barely trained model) are compared
// exactly; their attention matrices to rtol 1e-4 (softmax over energies computed after training).
// ================================================================ legacy/5 - Convolutional Sequence to Sequence Learning
test('legacy/5 - Convolutional Sequence to Sequence Learning', () => {
  const want = fx.nb5;
  const { lines, print } = printer();
  seedAll();
  const SRC = new Field('<sos>', '<eos>', true, true);
  const TRG = new Field('<sos>', '<eos>', true, true);
  const { trainData, validData, testData, iterator } = legacyData(SRC, TRG);
  const BATCH_SIZE = 8; // 128
  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  const [trainIterator, validIterator, testIterator] = [iterator(trainData, BATCH_SIZE), iterator(validData, BATCH_SIZE), iterator(testData, BATCH_SIZE)];

  class Encoder extends nn.Module {
    device: torch.Device;
    scale: Tensor;
    tok_embedding: nn.Embedding;
    pos_embedding: nn.Embedding;
    emb2hid: nn.Linear;
    hid2emb: nn.Linear;
    convs: nn.ModuleList;
    dropout: nn.Dropout;
    constructor(inputDim: number, embDim: number, hidDim: number, nLayers: number, kernelSize: number, dropout: number, device: torch.Device, maxLength = 100) {
      super();
      assert.ok(kernelSize % 2 === 1, 'Kernel size must be odd!');
      this.device = device;
      this.scale = torch.sqrt(torch.FloatTensor([0.5])).to(device);
      this.tok_embedding = new nn.Embedding(inputDim, embDim);
      this.pos_embedding = new nn.Embedding(maxLength, embDim);
      this.emb2hid = new nn.Linear(embDim, hidDim);
      this.hid2emb = new nn.Linear(hidDim, embDim);
      this.convs = new nn.ModuleList(Array.from({ length: nLayers }, () => new nn.Conv1d({
        inChannels: hidDim,
        outChannels: 2 * hidDim,
        kernelSize,
        padding: Math.floor((kernelSize - 1) / 2),
      })));
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(src: Tensor): [Tensor, Tensor] {
      const batchSize = src.shape[0];
      const srcLen = src.shape[1];
      const pos = torch.arange(0, srcLen).unsqueeze(0).repeat(batchSize, 1).to(this.device);
      const tokEmbedded = this.tok_embedding.forward(src);
      const posEmbedded = this.pos_embedding.forward(pos);
      const embedded = this.dropout.forward(tokEmbedded.add(posEmbedded));
      let convInput = this.emb2hid.forward(embedded);
      convInput = convInput.permute(0, 2, 1);
      let conved!: Tensor;
      for (const conv of this.convs) {
        conved = conv.forward(this.dropout.forward(convInput)) as Tensor;
        conved = F.glu(conved, { dim: 1 });
        conved = conved.add(convInput).mul(this.scale);
        convInput = conved;
      }
      conved = this.hid2emb.forward(conved.permute(0, 2, 1));
      const combined = conved.add(embedded).mul(this.scale);
      return [conved, combined];
    }
  }
  class Decoder extends nn.Module {
    kernelSize: number;
    trgPadIdx: number;
    device: torch.Device;
    scale: Tensor;
    tok_embedding: nn.Embedding;
    pos_embedding: nn.Embedding;
    emb2hid: nn.Linear;
    hid2emb: nn.Linear;
    attn_hid2emb: nn.Linear;
    attn_emb2hid: nn.Linear;
    fc_out: nn.Linear;
    convs: nn.ModuleList;
    dropout: nn.Dropout;
    constructor(outputDim: number, embDim: number, hidDim: number, nLayers: number, kernelSize: number, dropout: number, trgPadIdx: number, device: torch.Device, maxLength = 100) {
      super();
      this.kernelSize = kernelSize;
      this.trgPadIdx = trgPadIdx;
      this.device = device;
      this.scale = torch.sqrt(torch.FloatTensor([0.5])).to(device);
      this.tok_embedding = new nn.Embedding(outputDim, embDim);
      this.pos_embedding = new nn.Embedding(maxLength, embDim);
      this.emb2hid = new nn.Linear(embDim, hidDim);
      this.hid2emb = new nn.Linear(hidDim, embDim);
      this.attn_hid2emb = new nn.Linear(hidDim, embDim);
      this.attn_emb2hid = new nn.Linear(embDim, hidDim);
      this.fc_out = new nn.Linear(embDim, outputDim);
      this.convs = new nn.ModuleList(Array.from({ length: nLayers }, () => new nn.Conv1d({
        inChannels: hidDim,
        outChannels: 2 * hidDim,
        kernelSize,
      })));
      this.dropout = new nn.Dropout(dropout);
    }
    calculateAttention(embedded: Tensor, conved: Tensor, encoderConved: Tensor, encoderCombined: Tensor): [Tensor, Tensor] {
      const convedEmb = this.attn_hid2emb.forward(conved.permute(0, 2, 1));
      const combined = convedEmb.add(embedded).mul(this.scale);
      const energy = torch.matmul(combined, encoderConved.permute(0, 2, 1));
      const attention = F.softmax(energy, { dim: 2 });
      let attendedEncoding = torch.matmul(attention, encoderCombined);
      attendedEncoding = this.attn_emb2hid.forward(attendedEncoding);
      const attendedCombined = conved.add(attendedEncoding.permute(0, 2, 1)).mul(this.scale);
      return [attention, attendedCombined];
    }
    override forward(trg: Tensor, encoderConved: Tensor, encoderCombined: Tensor): [Tensor, Tensor] {
      let batchSize = trg.shape[0];
      const trgLen = trg.shape[1];
      const pos = torch.arange(0, trgLen).unsqueeze(0).repeat(batchSize, 1).to(this.device);
      const tokEmbedded = this.tok_embedding.forward(trg);
      const posEmbedded = this.pos_embedding.forward(pos);
      const embedded = this.dropout.forward(tokEmbedded.add(posEmbedded));
      let convInput = this.emb2hid.forward(embedded);
      convInput = convInput.permute(0, 2, 1);
      batchSize = convInput.shape[0];
      const hidDim = convInput.shape[1];
      let conved!: Tensor;
      let attention!: Tensor;
      for (const conv of this.convs) {
        convInput = this.dropout.forward(convInput);
        const padding = torch.zeros(batchSize, hidDim, this.kernelSize - 1).fill_(this.trgPadIdx).to(this.device);
        const paddedConvInput = torch.cat([padding, convInput], { dim: 2 });
        conved = conv.forward(paddedConvInput) as Tensor;
        conved = F.glu(conved, { dim: 1 });
        [attention, conved] = this.calculateAttention(embedded, conved, encoderConved, encoderCombined);
        conved = conved.add(convInput).mul(this.scale);
        convInput = conved;
      }
      conved = this.hid2emb.forward(conved.permute(0, 2, 1));
      const output = this.fc_out.forward(this.dropout.forward(conved));
      return [output, attention];
    }
  }
  class Seq2Seq extends nn.Module {
    encoder: Encoder;
    decoder: Decoder;
    constructor(encoder: Encoder, decoder: Decoder) {
      super();
      this.encoder = encoder;
      this.decoder = decoder;
    }
    override forward(src: Tensor, trg: Tensor): [Tensor, Tensor] {
      const [encoderConved, encoderCombined] = this.encoder.forward(src);
      const [output, attention] = this.decoder.forward(trg, encoderConved, encoderCombined);
      return [output, attention];
    }
  }

  const INPUT_DIM = SRC.vocab.length;
  const OUTPUT_DIM = TRG.vocab.length;
  const EMB_DIM = 16; // 256
  const HID_DIM = 32; // 512 # each conv. layer has 2 * hid_dim filters
  const ENC_LAYERS = 2; // 10 # number of conv. blocks in encoder
  const DEC_LAYERS = 2; // 10 # number of conv. blocks in decoder
  const ENC_KERNEL_SIZE = 3; // must be odd!
  const DEC_KERNEL_SIZE = 3; // can be even or odd
  const ENC_DROPOUT = 0.25;
  const DEC_DROPOUT = 0.25;
  const TRG_PAD_IDX = TRG.vocab.stoi.get(TRG.padToken)!;
  const enc = new Encoder(INPUT_DIM, EMB_DIM, HID_DIM, ENC_LAYERS, ENC_KERNEL_SIZE, ENC_DROPOUT, device);
  const dec = new Decoder(OUTPUT_DIM, EMB_DIM, HID_DIM, DEC_LAYERS, DEC_KERNEL_SIZE, DEC_DROPOUT, TRG_PAD_IDX, device);
  const model = new Seq2Seq(enc, dec).to(device);
  assert.equal(String(model), want.repr);
  assertStateDict(model, want.init, 0, 'init weights');
  print(`The model has ${commas(countParameters(model))} trainable parameters`);
  const optimizer = new optim.Adam(model.parameters());
  const criterion = new nn.CrossEntropyLoss({ ignoreIndex: TRG_PAD_IDX });
  const batchLosses: number[] = [];
  const [train, evaluate] = legacyTrainEvalBf(batchLosses);
  const N_EPOCHS = 2; // 10
  const CLIP = 0.1;
  const losses: number[][] = [];
  const testLoss = legacyLoop(print, model, train, evaluate, trainIterator, validIterator, testIterator, optimizer, criterion, CLIP, N_EPOCHS, join(TMP, 'tut5-model.pt'), losses);
  const translateSentence = translateSentenceBf('conv');
  const attns: Tensor[] = [];
  for (const [data, exampleIdx] of [[trainData, 2], [validData, 2], [testData, 4]] as const) {
    const src = data[exampleIdx].src;
    const trg = data[exampleIdx].trg;
    print(`src = ${pyList(src)}`);
    print(`trg = ${pyList(trg)}`);
    const [translation, attention] = translateSentence(src, SRC, TRG, model, device);
    print(`predicted trg = ${pyList(translation)}`);
    attns.push(attention);
  }
  checkRun(want, { lines, batchLosses, losses, testLoss }, 'nb5');
  attns.forEach((a, k) => assertTensor(a, want.attentions[k], 1e-4, `attention ${k}`));
  assertStateDict(model, want.final, 1e-4, 'trained weights');
});

// ================================================================ legacy/6 - Attention is All You Need
test('legacy/6 - Attention is All You Need', () => {
  const want = fx.nb6;
  const { lines, print } = printer();
  seedAll();
  const SRC = new Field('<sos>', '<eos>', true, true);
  const TRG = new Field('<sos>', '<eos>', true, true);
  const { trainData, validData, testData, iterator } = legacyData(SRC, TRG);
  const BATCH_SIZE = 8; // 128
  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  const [trainIterator, validIterator, testIterator] = [iterator(trainData, BATCH_SIZE), iterator(validData, BATCH_SIZE), iterator(testData, BATCH_SIZE)];

  class MultiHeadAttentionLayer extends nn.Module {
    hidDim: number;
    nHeads: number;
    headDim: number;
    fc_q: nn.Linear;
    fc_k: nn.Linear;
    fc_v: nn.Linear;
    fc_o: nn.Linear;
    dropout: nn.Dropout;
    scale: Tensor;
    constructor(hidDim: number, nHeads: number, dropout: number, device: torch.Device) {
      super();
      assert.ok(hidDim % nHeads === 0);
      this.hidDim = hidDim;
      this.nHeads = nHeads;
      this.headDim = Math.floor(hidDim / nHeads);
      this.fc_q = new nn.Linear(hidDim, hidDim);
      this.fc_k = new nn.Linear(hidDim, hidDim);
      this.fc_v = new nn.Linear(hidDim, hidDim);
      this.fc_o = new nn.Linear(hidDim, hidDim);
      this.dropout = new nn.Dropout(dropout);
      this.scale = torch.sqrt(torch.FloatTensor([this.headDim])).to(device);
    }
    override forward(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null): [Tensor, Tensor] {
      const batchSize = query.shape[0];
      let Q = this.fc_q.forward(query);
      let K = this.fc_k.forward(key);
      let V = this.fc_v.forward(value);
      Q = Q.view(batchSize, -1, this.nHeads, this.headDim).permute(0, 2, 1, 3);
      K = K.view(batchSize, -1, this.nHeads, this.headDim).permute(0, 2, 1, 3);
      V = V.view(batchSize, -1, this.nHeads, this.headDim).permute(0, 2, 1, 3);
      let energy = torch.matmul(Q, K.permute(0, 1, 3, 2)).div(this.scale);
      if (mask !== null) energy = energy.maskedFill(mask.eq(0), -1e10);
      const attention = torch.softmax(energy, { dim: -1 });
      let x = torch.matmul(this.dropout.forward(attention), V);
      x = x.permute(0, 2, 1, 3).contiguous();
      x = x.view(batchSize, -1, this.hidDim);
      x = this.fc_o.forward(x);
      return [x, attention];
    }
  }
  class PositionwiseFeedforwardLayer extends nn.Module {
    fc_1: nn.Linear;
    fc_2: nn.Linear;
    dropout: nn.Dropout;
    constructor(hidDim: number, pfDim: number, dropout: number) {
      super();
      this.fc_1 = new nn.Linear(hidDim, pfDim);
      this.fc_2 = new nn.Linear(pfDim, hidDim);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(x: Tensor): Tensor {
      x = this.dropout.forward(torch.relu(this.fc_1.forward(x)));
      x = this.fc_2.forward(x);
      return x;
    }
  }
  class EncoderLayer extends nn.Module {
    self_attn_layer_norm: nn.LayerNorm;
    ff_layer_norm: nn.LayerNorm;
    self_attention: MultiHeadAttentionLayer;
    positionwise_feedforward: PositionwiseFeedforwardLayer;
    dropout: nn.Dropout;
    constructor(hidDim: number, nHeads: number, pfDim: number, dropout: number, device: torch.Device) {
      super();
      this.self_attn_layer_norm = new nn.LayerNorm(hidDim);
      this.ff_layer_norm = new nn.LayerNorm(hidDim);
      this.self_attention = new MultiHeadAttentionLayer(hidDim, nHeads, dropout, device);
      this.positionwise_feedforward = new PositionwiseFeedforwardLayer(hidDim, pfDim, dropout);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(src: Tensor, srcMask: Tensor): Tensor {
      let [_src] = this.self_attention.forward(src, src, src, srcMask);
      src = this.self_attn_layer_norm.forward(src.add(this.dropout.forward(_src)));
      _src = this.positionwise_feedforward.forward(src);
      src = this.ff_layer_norm.forward(src.add(this.dropout.forward(_src)));
      return src;
    }
  }
  class Encoder extends nn.Module {
    device: torch.Device;
    tok_embedding: nn.Embedding;
    pos_embedding: nn.Embedding;
    layers: nn.ModuleList;
    dropout: nn.Dropout;
    scale: Tensor;
    constructor(inputDim: number, hidDim: number, nLayers: number, nHeads: number, pfDim: number, dropout: number, device: torch.Device, maxLength = 100) {
      super();
      this.device = device;
      this.tok_embedding = new nn.Embedding(inputDim, hidDim);
      this.pos_embedding = new nn.Embedding(maxLength, hidDim);
      this.layers = new nn.ModuleList(Array.from({ length: nLayers }, () => new EncoderLayer(hidDim, nHeads, pfDim, dropout, device)));
      this.dropout = new nn.Dropout(dropout);
      this.scale = torch.sqrt(torch.FloatTensor([hidDim])).to(device);
    }
    override forward(src: Tensor, srcMask: Tensor): Tensor {
      const batchSize = src.shape[0];
      const srcLen = src.shape[1];
      const pos = torch.arange(0, srcLen).unsqueeze(0).repeat(batchSize, 1).to(this.device);
      src = this.dropout.forward(this.tok_embedding.forward(src).mul(this.scale).add(this.pos_embedding.forward(pos)));
      for (const layer of this.layers) src = layer.forward(src, srcMask) as Tensor;
      return src;
    }
  }
  class DecoderLayer extends nn.Module {
    self_attn_layer_norm: nn.LayerNorm;
    enc_attn_layer_norm: nn.LayerNorm;
    ff_layer_norm: nn.LayerNorm;
    self_attention: MultiHeadAttentionLayer;
    encoder_attention: MultiHeadAttentionLayer;
    positionwise_feedforward: PositionwiseFeedforwardLayer;
    dropout: nn.Dropout;
    constructor(hidDim: number, nHeads: number, pfDim: number, dropout: number, device: torch.Device) {
      super();
      this.self_attn_layer_norm = new nn.LayerNorm(hidDim);
      this.enc_attn_layer_norm = new nn.LayerNorm(hidDim);
      this.ff_layer_norm = new nn.LayerNorm(hidDim);
      this.self_attention = new MultiHeadAttentionLayer(hidDim, nHeads, dropout, device);
      this.encoder_attention = new MultiHeadAttentionLayer(hidDim, nHeads, dropout, device);
      this.positionwise_feedforward = new PositionwiseFeedforwardLayer(hidDim, pfDim, dropout);
      this.dropout = new nn.Dropout(dropout);
    }
    override forward(trg: Tensor, encSrc: Tensor, trgMask: Tensor, srcMask: Tensor): [Tensor, Tensor] {
      let [_trg] = this.self_attention.forward(trg, trg, trg, trgMask);
      trg = this.self_attn_layer_norm.forward(trg.add(this.dropout.forward(_trg)));
      let attention: Tensor;
      [_trg, attention] = this.encoder_attention.forward(trg, encSrc, encSrc, srcMask);
      trg = this.enc_attn_layer_norm.forward(trg.add(this.dropout.forward(_trg)));
      _trg = this.positionwise_feedforward.forward(trg);
      trg = this.ff_layer_norm.forward(trg.add(this.dropout.forward(_trg)));
      return [trg, attention];
    }
  }
  class Decoder extends nn.Module {
    device: torch.Device;
    tok_embedding: nn.Embedding;
    pos_embedding: nn.Embedding;
    layers: nn.ModuleList;
    fc_out: nn.Linear;
    dropout: nn.Dropout;
    scale: Tensor;
    constructor(outputDim: number, hidDim: number, nLayers: number, nHeads: number, pfDim: number, dropout: number, device: torch.Device, maxLength = 100) {
      super();
      this.device = device;
      this.tok_embedding = new nn.Embedding(outputDim, hidDim);
      this.pos_embedding = new nn.Embedding(maxLength, hidDim);
      this.layers = new nn.ModuleList(Array.from({ length: nLayers }, () => new DecoderLayer(hidDim, nHeads, pfDim, dropout, device)));
      this.fc_out = new nn.Linear(hidDim, outputDim);
      this.dropout = new nn.Dropout(dropout);
      this.scale = torch.sqrt(torch.FloatTensor([hidDim])).to(device);
    }
    override forward(trg: Tensor, encSrc: Tensor, trgMask: Tensor, srcMask: Tensor): [Tensor, Tensor] {
      const batchSize = trg.shape[0];
      const trgLen = trg.shape[1];
      const pos = torch.arange(0, trgLen).unsqueeze(0).repeat(batchSize, 1).to(this.device);
      trg = this.dropout.forward(this.tok_embedding.forward(trg).mul(this.scale).add(this.pos_embedding.forward(pos)));
      let attention!: Tensor;
      for (const layer of this.layers) [trg, attention] = layer.forward(trg, encSrc, trgMask, srcMask) as [Tensor, Tensor];
      const output = this.fc_out.forward(trg);
      return [output, attention];
    }
  }
  class Seq2Seq extends nn.Module {
    encoder: Encoder;
    decoder: Decoder;
    srcPadIdx: number;
    trgPadIdx: number;
    device: torch.Device;
    constructor(encoder: Encoder, decoder: Decoder, srcPadIdx: number, trgPadIdx: number, device: torch.Device) {
      super();
      this.encoder = encoder;
      this.decoder = decoder;
      this.srcPadIdx = srcPadIdx;
      this.trgPadIdx = trgPadIdx;
      this.device = device;
    }
    makeSrcMask(src: Tensor): Tensor {
      const srcMask = src.ne(this.srcPadIdx).unsqueeze(1).unsqueeze(2);
      return srcMask;
    }
    makeTrgMask(trg: Tensor): Tensor {
      const trgPadMask = trg.ne(this.trgPadIdx).unsqueeze(1).unsqueeze(2);
      const trgLen = trg.shape[1];
      const trgSubMask = torch.tril(torch.ones([trgLen, trgLen], { device: this.device })).bool();
      const trgMask = trgPadMask.bitwiseAnd(trgSubMask);
      return trgMask;
    }
    override forward(src: Tensor, trg: Tensor): [Tensor, Tensor] {
      const srcMask = this.makeSrcMask(src);
      const trgMask = this.makeTrgMask(trg);
      const encSrc = this.encoder.forward(src, srcMask);
      const [output, attention] = this.decoder.forward(trg, encSrc, trgMask, srcMask);
      return [output, attention];
    }
  }

  const INPUT_DIM = SRC.vocab.length;
  const OUTPUT_DIM = TRG.vocab.length;
  const HID_DIM = 32; // 256
  const ENC_LAYERS = 2; // 3
  const DEC_LAYERS = 2; // 3
  const ENC_HEADS = 4; // 8
  const DEC_HEADS = 4; // 8
  const ENC_PF_DIM = 64; // 512
  const DEC_PF_DIM = 64; // 512
  const ENC_DROPOUT = 0.1;
  const DEC_DROPOUT = 0.1;
  const enc = new Encoder(INPUT_DIM, HID_DIM, ENC_LAYERS, ENC_HEADS, ENC_PF_DIM, ENC_DROPOUT, device);
  const dec = new Decoder(OUTPUT_DIM, HID_DIM, DEC_LAYERS, DEC_HEADS, DEC_PF_DIM, DEC_DROPOUT, device);
  const SRC_PAD_IDX = SRC.vocab.stoi.get(SRC.padToken)!;
  const TRG_PAD_IDX = TRG.vocab.stoi.get(TRG.padToken)!;
  const model = new Seq2Seq(enc, dec, SRC_PAD_IDX, TRG_PAD_IDX, device).to(device);
  print(`The model has ${commas(countParameters(model))} trainable parameters`);

  function initializeWeights(m: nn.Module): void {
    const w = (m as Any).weight; // hasattr(m, 'weight')
    if (w !== undefined && w.dim() > 1) nn.init.xavierUniform_(w.data);
  }
  assert.equal(String(model.apply(initializeWeights)), want.repr);
  assertStateDict(model, want.init, 0, 'init weights');
  const LEARNING_RATE = 0.0005;
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: LEARNING_RATE });
  const criterion = new nn.CrossEntropyLoss({ ignoreIndex: TRG_PAD_IDX });
  const batchLosses: number[] = [];
  const [train, evaluate] = legacyTrainEvalBf(batchLosses);
  const N_EPOCHS = 2; // 10
  const CLIP = 1;
  const losses: number[][] = [];
  const testLoss = legacyLoop(print, model, train, evaluate, trainIterator, validIterator, testIterator, optimizer, criterion, CLIP, N_EPOCHS, join(TMP, 'tut6-model.pt'), losses);
  const translateSentence = translateSentenceBf('transformer');
  const attns: Tensor[] = [];
  for (const [data, exampleIdx] of [[trainData, 8], [validData, 5], [testData, 1]] as const) {
    const src = data[exampleIdx].src;
    const trg = data[exampleIdx].trg;
    print(`src = ${pyList(src)}`);
    print(`trg = ${pyList(trg)}`);
    const [translation, attention] = translateSentence(src, SRC, TRG, model, device);
    print(`predicted trg = ${pyList(translation)}`);
    attns.push(attention);
  }

  function translateSentenceVectorized(srcTensor: Tensor, srcField: Field, trgField: Field, model: Seq2Seq, device: torch.Device, maxLen = 50): [string[][], Tensor] {
    assert.ok(srcTensor instanceof torch.Tensor);
    model.eval();
    const srcMask = model.makeSrcMask(srcTensor);
    const encSrc = torch.noGrad(() => model.encoder.forward(srcTensor, srcMask));
    const trgIndexes: (number | Tensor)[][] = Array.from({ length: srcTensor.length }, () => [trgField.vocab.stoi.get(trgField.initToken)!]);
    const translationsDone = Array<number>(srcTensor.length).fill(0);
    let attention!: Tensor;
    for (let i = 0; i < maxLen; i++) {
      const trgTensor = torch.LongTensor(trgIndexes as Any).to(device);
      const trgMask = model.makeTrgMask(trgTensor);
      let output: Tensor;
      [output, attention] = torch.noGrad(() => model.decoder.forward(trgTensor, encSrc, trgMask, srcMask));
      const predTokens = output.argmax(2).index(':', -1);
      let k = 0;
      for (const predTokenI of predTokens) {
        trgIndexes[k].push(predTokenI);
        if (predTokenI.eq(trgField.vocab.stoi.get(trgField.eosToken)!).item()) translationsDone[k] = 1;
        k++;
      }
      if (translationsDone.every(Boolean)) break;
    }
    const predSentences: string[][] = [];
    for (const trgSentence of trgIndexes) {
      const predSentence: string[] = [];
      for (let i = 1; i < trgSentence.length; i++) {
        if (Number(trgSentence[i]) === trgField.vocab.stoi.get(trgField.eosToken)) break;
        predSentence.push(trgField.vocab.itos[Number(trgSentence[i])]);
      }
      predSentences.push(predSentence);
    }
    return [predSentences, attention];
  }
  const [predSentences, attention] = translateSentenceVectorized(testIterator[0].src as Tensor, SRC, TRG, model, device);
  checkRun(want, { lines, batchLosses, losses, testLoss }, 'nb6');
  attns.forEach((a, k) => assertTensor(a, want.attentions[k], 1e-4, `attention ${k}`));
  assert.deepEqual(predSentences, want.vectorized);
  assertTensor(attention, want.vectorized_attention, 1e-4, 'vectorized attention');
  // The attention layers' fc_k.bias has an exactly zero gradient in exact arithmetic (softmax is
  // invariant to adding q.b_k to every key's score), so its float32 gradient is rounding noise,
  // which Adam scales to lr-sized steps: it is compared with atol 2e-3 (the lr is 5e-4 per step).
  assertStateDict(model, want.final, 1e-4, 'trained weights', 1e-5, (k) => k.endsWith('fc_k.bias'));
});
