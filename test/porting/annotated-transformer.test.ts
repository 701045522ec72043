// harvardnlp/annotated-transformer (the_annotated_transformer.py, "The Annotated Transformer") transcribed line
// for line, parts 1 and 2 up to the synthetic copy task: EncoderDecoder, Generator (log_softmax), clones
// (copy.deepcopy into an nn.ModuleList), Encoder / Decoder, the hand-written LayerNorm (a_2 / b_2 Parameters,
// x.std with Bessel's correction), SublayerConnection, EncoderLayer / DecoderLayer, subsequent_mask
// (torch.triu(..., diagonal=1).type(torch.uint8) == 0), attention (masked_fill(mask == 0, -1e9)),
// MultiHeadedAttention (view / transpose / contiguous), PositionwiseFeedForward, Embeddings
// (* math.sqrt(d_model)), PositionalEncoding (register_buffer, exp / log / sin / cos), make_model (xavier_uniform_
// on p.dim() > 1), inference_test / run_tests, Batch (src_mask, make_std_mask), TrainState, run_epoch with its
// %-formatted print, rate() under LambdaLR, example_learning_schedule, LabelSmoothing (KLDivLoss(reduction='sum'),
// fill_ / scatter_ / true_dist[:, padding_idx] = 0 / torch.nonzero / index_fill_), example_label_smoothing and
// the penalization curve, data_gen (torch.randint, data[:, 0] = 1), SimpleLossCompute, DummyOptimizer /
// DummyScheduler, greedy_decode and example_simple_model; against the same program run by PyTorch 1.13
// (scripts/fixtures/porting_annotated_transformer.py): the masks, the positional encodings, every decoding step's
// log-probabilities, what it prints, the learning-rate schedules, the label-smoothing distributions and losses
// (NaN where PyTorch's are: 0 * log(0) in KLDivLoss), the initial parameters, every loss, run_epoch's results and
// TrainState, the final parameters and attention, and the greedy decode of the trained model. Dropout (0.1) stays
// on; seeds on both sides give PyTorch's streams.
//
// Reduced as the fixture script says (d_model 16, d_ff 32, h 2, batch 8, 4 + 2 batches, 3 epochs, warmup 20,
// run_tests 3 times). Where TypeScript cannot say what Python says:
// - Python's `a + b` of an int and a 0-dim tensor (total_loss += loss, train_state.tokens += batch.ntokens) is
//   `pyAdd` below; `%`-formatting is `pyFormat`.
// - run_epoch's default `train_state=TrainState()` is evaluated once, when Python defines the function (the
//   default instance is shared by every call): a module-level instance here, as a JavaScript default
//   parameter would be a new TrainState on every call.
// - DummyOptimizer subclasses torch.optim.Optimizer without calling its __init__, which a TypeScript subclass
//   cannot do (super() is required, and Optimizer([]) throws 'optimizer got an empty parameter list', as
//   PyTorch's): it is a plain class with the same members.
// - `self.linears[-1]` is `this.linears.get(-1)` (a negative property index is no element in JavaScript).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { LambdaLR } from '../../src/optim/lr-scheduler/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { logSoftmax } = nn.functional;

interface Fixture {
  masks: { subsequent_mask_5: TensorJson; src_mask: TensorJson; tgt_mask: TensorJson; ntokens: TensorJson };
  positional: { y: TensorJson; pe_shape: number[]; pe_4999: TensorJson; buffers: string[]; params: string[] };
  schedule: { python: number[][]; tensor: TensorJson; shape: number[]; dtype: string; sum: number; weight: TensorJson; bias: TensorJson };
  label_smoothing: { true_dist: TensorJson; loss: TensorJson };
  penalization: (number | string)[];
  printed: string[];
  losses: [string, number, number, number][];
  epochs: [string, TensorJson, number, number, number, TensorJson, number | null][];
  inference_probs: TensorJson[];
  greedy_probs: TensorJson[];
  repr: string;
  keys: string[];
  init: Record<string, TensorJson>;
  final: Record<string, TensorJson>;
  attn: TensorJson;
}
const fx = loadFixture<Fixture>('porting_annotated_transformer.json');

const LOG = {
  printed: [] as string[],
  losses: [] as [string, number, number, number][],
  epochs: [] as [string, Tensor, number, number, number, Tensor | number, number | null][],
  inferenceProbs: [] as Tensor[],
  greedyProbs: [] as Tensor[],
};
/** print(*args) into the log. */
const print = (...args: unknown[]) => LOG.printed.push(args.map(String).join(' '));

/** Python's `a + b` where either is an int and the other a 0-dim tensor (int + tensor is the tensor's add). */
function pyAdd(a: number | Tensor, b: number | Tensor): number | Tensor {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  return typeof a === 'number' ? (b as Tensor).add(a) : a.add(b);
}

/** Python's `fmt % args` for the conversions run_epoch uses (%Nd, %N.Pf, %N.Pe), numbers or 0-dim tensors. */
function pyFormat(fmt: string, args: (number | Tensor)[]): string {
  let i = 0;
  return fmt.replace(/%(\d*)(?:\.(\d+))?([dfe])/g, (_, width: string, prec: string, conv: string) => {
    const a = args[i++];
    const v = typeof a === 'number' ? a : Number(a.item());
    let s: string;
    if (conv === 'd') s = String(Math.trunc(v));
    else if (conv === 'f') s = v.toFixed(Number(prec ?? 6));
    else s = v.toExponential(Number(prec ?? 6)).replace(/e([+-])(\d)$/, 'e$10$2');
    return s.padStart(Number(width || 0));
  });
}

class DummyOptimizer {
  paramGroups = [{ lr: 0 }];

  step(): void {}

  zeroGrad(_opts = { setToNone: false }): void {}
}

class DummyScheduler {
  step(): void {}
}

class EncoderDecoder extends nn.Module {
  // A standard Encoder-Decoder architecture. Base for this and many other models.
  encoder: Encoder;
  decoder: Decoder;
  src_embed: nn.Sequential;
  tgt_embed: nn.Sequential;
  generator: Generator;

  constructor(encoder: Encoder, decoder: Decoder, srcEmbed: nn.Sequential, tgtEmbed: nn.Sequential, generator: Generator) {
    super();
    this.encoder = encoder;
    this.decoder = decoder;
    this.src_embed = srcEmbed;
    this.tgt_embed = tgtEmbed;
    this.generator = generator;
  }

  override forward(src: Tensor, tgt: Tensor, srcMask: Tensor, tgtMask: Tensor): Tensor {
    // Take in and process masked src and target sequences.
    return this.decode(this.encode(src, srcMask), srcMask, tgt, tgtMask);
  }

  encode(src: Tensor, srcMask: Tensor): Tensor {
    return this.encoder.forward(this.src_embed.forward(src) as Tensor, srcMask);
  }

  decode(memory: Tensor, srcMask: Tensor, tgt: Tensor, tgtMask: Tensor): Tensor {
    return this.decoder.forward(this.tgt_embed.forward(tgt) as Tensor, memory, srcMask, tgtMask);
  }
}

class Generator extends nn.Module {
  // Define standard linear + softmax generation step.
  proj: nn.Linear;

  constructor(dModel: number, vocab: number) {
    super();
    this.proj = new nn.Linear(dModel, vocab);
  }

  override forward(x: Tensor): Tensor {
    return logSoftmax(this.proj.forward(x), { dim: -1 });
  }
}

function clones(module: nn.Module, N: number): nn.ModuleList {
  // Produce N identical layers.
  return new nn.ModuleList(Array.from({ length: N }, () => torch.deepcopy(module)));
}

class Encoder extends nn.Module {
  // Core encoder is a stack of N layers
  layers: nn.ModuleList;
  norm: LayerNorm;

  constructor(layer: EncoderLayer, N: number) {
    super();
    this.layers = clones(layer, N);
    this.norm = new LayerNorm(layer.size);
  }

  override forward(x: Tensor, mask: Tensor): Tensor {
    // Pass the input (and mask) through each layer in turn.
    for (const layer of this.layers) {
      x = layer.forward(x, mask) as Tensor;
    }
    return this.norm.forward(x);
  }
}

class LayerNorm extends nn.Module {
  // Construct a layernorm module (See citation for details).
  a_2: nn.Parameter;
  b_2: nn.Parameter;
  eps: number;

  constructor(features: number, eps = 1e-6) {
    super();
    this.a_2 = new nn.Parameter(torch.ones(features));
    this.b_2 = new nn.Parameter(torch.zeros(features));
    this.eps = eps;
  }

  override forward(x: Tensor): Tensor {
    const mean = x.mean(-1, { keepdim: true });
    const std = x.std(-1, { keepdim: true });
    return this.a_2.mul(x.sub(mean)).div(std.add(this.eps)).add(this.b_2);
  }
}

class SublayerConnection extends nn.Module {
  // A residual connection followed by a layer norm. Note for code simplicity the norm is first as opposed to last.
  norm: LayerNorm;
  dropout: nn.Dropout;

  constructor(size: number, dropout: number) {
    super();
    this.norm = new LayerNorm(size);
    this.dropout = new nn.Dropout(dropout);
  }

  override forward(x: Tensor, sublayer: (x: Tensor) => Tensor): Tensor {
    // Apply residual connection to any sublayer with the same size.
    return x.add(this.dropout.forward(sublayer(this.norm.forward(x))));
  }
}

class EncoderLayer extends nn.Module {
  // Encoder is made up of self-attn and feed forward (defined below)
  self_attn: MultiHeadedAttention;
  feed_forward: PositionwiseFeedForward;
  sublayer: nn.ModuleList;
  size: number;

  constructor(size: number, selfAttn: MultiHeadedAttention, feedForward: PositionwiseFeedForward, dropout: number) {
    super();
    this.self_attn = selfAttn;
    this.feed_forward = feedForward;
    this.sublayer = clones(new SublayerConnection(size, dropout), 2);
    this.size = size;
  }

  override forward(x: Tensor, mask: Tensor): Tensor {
    // Follow Figure 1 (left) for connections.
    x = this.sublayer[0].forward(x, (x: Tensor) => this.self_attn.forward(x, x, x, mask)) as Tensor;
    return this.sublayer[1].forward(x, this.feed_forward.forward) as Tensor;
  }
}

class Decoder extends nn.Module {
  // Generic N layer decoder with masking.
  layers: nn.ModuleList;
  norm: LayerNorm;

  constructor(layer: DecoderLayer, N: number) {
    super();
    this.layers = clones(layer, N);
    this.norm = new LayerNorm(layer.size);
  }

  override forward(x: Tensor, memory: Tensor, srcMask: Tensor, tgtMask: Tensor): Tensor {
    for (const layer of this.layers) {
      x = layer.forward(x, memory, srcMask, tgtMask) as Tensor;
    }
    return this.norm.forward(x);
  }
}

class DecoderLayer extends nn.Module {
  // Decoder is made of self-attn, src-attn, and feed forward (defined below)
  size: number;
  self_attn: MultiHeadedAttention;
  src_attn: MultiHeadedAttention;
  feed_forward: PositionwiseFeedForward;
  sublayer: nn.ModuleList;

  constructor(size: number, selfAttn: MultiHeadedAttention, srcAttn: MultiHeadedAttention, feedForward: PositionwiseFeedForward, dropout: number) {
    super();
    this.size = size;
    this.self_attn = selfAttn;
    this.src_attn = srcAttn;
    this.feed_forward = feedForward;
    this.sublayer = clones(new SublayerConnection(size, dropout), 3);
  }

  override forward(x: Tensor, memory: Tensor, srcMask: Tensor, tgtMask: Tensor): Tensor {
    // Follow Figure 1 (right) for connections.
    const m = memory;
    x = this.sublayer[0].forward(x, (x: Tensor) => this.self_attn.forward(x, x, x, tgtMask)) as Tensor;
    x = this.sublayer[1].forward(x, (x: Tensor) => this.src_attn.forward(x, m, m, srcMask)) as Tensor;
    return this.sublayer[2].forward(x, this.feed_forward.forward) as Tensor;
  }
}

function subsequentMask(size: number): Tensor {
  // Mask out subsequent positions.
  const attnShape = [1, size, size];
  const subsequentMask = torch.triu(torch.ones(attnShape), { diagonal: 1 }).type(torch.uint8);
  return subsequentMask.eq(0);
}

function attention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null, dropout: nn.Dropout | null = null): [Tensor, Tensor] {
  // Compute 'Scaled Dot Product Attention'
  const dK = query.size(-1);
  let scores = torch.matmul(query, key.transpose(-2, -1)).div(Math.sqrt(dK));
  if (mask !== null) {
    scores = scores.maskedFill(mask.eq(0), -1e9);
  }
  let pAttn = scores.softmax({ dim: -1 });
  if (dropout !== null) {
    pAttn = dropout.forward(pAttn);
  }
  return [torch.matmul(pAttn, value), pAttn];
}

class MultiHeadedAttention extends nn.Module {
  dK: number;
  h: number;
  linears: nn.ModuleList;
  attn: Tensor | null;
  dropout: nn.Dropout;

  constructor(h: number, dModel: number, dropout = 0.1) {
    // Take in model size and number of heads.
    super();
    assert.ok(dModel % h === 0);
    // We assume d_v always equals d_k
    this.dK = Math.floor(dModel / h);
    this.h = h;
    this.linears = clones(new nn.Linear(dModel, dModel), 4);
    this.attn = null;
    this.dropout = new nn.Dropout({ p: dropout });
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null): Tensor {
    // Implements Figure 2
    if (mask !== null) {
      // Same mask applied to all h heads.
      mask = mask.unsqueeze(1);
    }
    const nbatches = query.size(0);

    // 1) Do all the linear projections in batch from d_model => h x d_k
    [query, key, value] = [...this.linears].slice(0, 3).map((lin, i) =>
      (lin.forward([query, key, value][i]) as Tensor).view(nbatches, -1, this.h, this.dK).transpose(1, 2));

    // 2) Apply attention on all the projected vectors in batch.
    let x: Tensor;
    [x, this.attn] = attention(query, key, value, mask, this.dropout);

    // 3) "Concat" using a view and apply a final linear.
    x = x.transpose(1, 2).contiguous().view(nbatches, -1, this.h * this.dK);
    return this.linears.get(-1).forward(x) as Tensor;
  }
}

class PositionwiseFeedForward extends nn.Module {
  // Implements FFN equation.
  w_1: nn.Linear;
  w_2: nn.Linear;
  dropout: nn.Dropout;

  constructor(dModel: number, dFf: number, dropout = 0.1) {
    super();
    this.w_1 = new nn.Linear(dModel, dFf);
    this.w_2 = new nn.Linear(dFf, dModel);
    this.dropout = new nn.Dropout(dropout);
  }

  override forward(x: Tensor): Tensor {
    return this.w_2.forward(this.dropout.forward(this.w_1.forward(x).relu()));
  }
}

class Embeddings extends nn.Module {
  lut: nn.Embedding;
  dModel: number;

  constructor(dModel: number, vocab: number) {
    super();
    this.lut = new nn.Embedding(vocab, dModel);
    this.dModel = dModel;
  }

  override forward(x: Tensor): Tensor {
    return this.lut.forward(x).mul(Math.sqrt(this.dModel));
  }
}

class PositionalEncoding extends nn.Module {
  // Implement the PE function.
  dropout: nn.Dropout;
  declare pe: Tensor;

  constructor(dModel: number, dropout: number, maxLen = 5000) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });

    // Compute the positional encodings once in log space.
    let pe = torch.zeros(maxLen, dModel);
    const position = torch.arange(0, maxLen).unsqueeze(1);
    const divTerm = torch.exp(torch.arange(0, dModel, 2).mul(-(Math.log(10000.0) / dModel)));
    pe.indexPut_([':', '0::2'], torch.sin(position.mul(divTerm)));
    pe.indexPut_([':', '1::2'], torch.cos(position.mul(divTerm)));
    pe = pe.unsqueeze(0);
    this.registerBuffer('pe', pe);
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.pe.index(':', `:${x.size(1)}`).requiresGrad_(false));
    return this.dropout.forward(x);
  }
}

function exampleKPositional() {
  const pe = new PositionalEncoding(20, 0);
  const y = pe.forward(torch.zeros(1, 100, 20));
  return { y, pe };
}

function makeModel(srcVocab: number, tgtVocab: number, N = 6, dModel = 512, dFf = 2048, h = 8, dropout = 0.1): EncoderDecoder {
  // Helper: Construct a model from hyperparameters.
  const c = torch.deepcopy;
  const attn = new MultiHeadedAttention(h, dModel);
  const ff = new PositionwiseFeedForward(dModel, dFf, dropout);
  const position = new PositionalEncoding(dModel, dropout);
  const model = new EncoderDecoder(
    new Encoder(new EncoderLayer(dModel, c(attn), c(ff), dropout), N),
    new Decoder(new DecoderLayer(dModel, c(attn), c(attn), c(ff), dropout), N),
    new nn.Sequential(new Embeddings(dModel, srcVocab), c(position)),
    new nn.Sequential(new Embeddings(dModel, tgtVocab), c(position)),
    new Generator(dModel, tgtVocab),
  );

  // This was important from their code.
  // Initialize parameters with Glorot / fan_avg.
  for (const p of model.parameters()) {
    if (p.dim() > 1) {
      nn.init.xavierUniform_(p);
    }
  }
  return model;
}

function inferenceTest(): void {
  const testModel = makeModel(11, 11, 2, 16, 32, 2); // make_model(11, 11, 2, d_model=16, d_ff=32, h=2)
  testModel.eval();
  const src = torch.LongTensor([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  const srcMask = torch.ones(1, 1, 10);

  const memory = testModel.encode(src, srcMask);
  let ys = torch.zeros(1, 1).typeAs(src);

  for (let i = 0; i < 9; i++) {
    const out = testModel.decode(memory, srcMask, ys, subsequentMask(ys.size(1)).typeAs(src.data));
    const prob = testModel.generator.forward(out.index(':', -1));
    LOG.inferenceProbs.push(prob);
    let [, nextWord] = torch.max(prob, { dim: 1 });
    nextWord = nextWord.data.index(0);
    ys = torch.cat([ys, torch.empty(1, 1).typeAs(src.data).fill_(nextWord)], { dim: 1 });
  }

  print('Example Untrained Model Prediction:', ys);
}

function runTests(): void {
  for (let _ = 0; _ < 3; _++) { // 10
    inferenceTest();
  }
}

class Batch {
  // Object for holding a batch of data with mask during training.
  src: Tensor;
  src_mask: Tensor;
  tgt!: Tensor;
  tgt_y!: Tensor;
  tgt_mask!: Tensor;
  ntokens!: Tensor;

  constructor(src: Tensor, tgt: Tensor | null = null, pad = 2) { // 2 = <blank>
    this.src = src;
    this.src_mask = src.ne(pad).unsqueeze(-2);
    if (tgt !== null) {
      this.tgt = tgt.index(':', ':-1');
      this.tgt_y = tgt.index(':', '1:');
      this.tgt_mask = Batch.makeStdMask(this.tgt, pad);
      this.ntokens = this.tgt_y.ne(pad).data.sum();
    }
  }

  static makeStdMask(tgt: Tensor, pad: number): Tensor {
    // Create a mask to hide padding and future words.
    let tgtMask = tgt.ne(pad).unsqueeze(-2);
    tgtMask = tgtMask.bitwiseAnd(subsequentMask(tgt.size(-1)).typeAs(tgtMask.data));
    return tgtMask;
  }
}

class TrainState {
  // Track number of steps, examples, and tokens processed
  step = 0; // Steps in the current epoch
  accumStep = 0; // Number of gradient accumulation steps
  samples = 0; // total # of examples used
  tokens: number | Tensor = 0; // total # of tokens processed
}

interface OptimizerLike {
  paramGroups: { lr: number }[];
  step(): unknown;
  zeroGrad(opts: { setToNone: boolean }): void;
}
type LossCompute = (x: Tensor, y: Tensor, norm: Tensor) => [Tensor, Tensor];

const defaultTrainState = new TrainState(); // run_epoch's train_state=TrainState(), made once
function runEpoch(
  dataIter: Iterable<Batch>,
  model: EncoderDecoder,
  lossCompute: LossCompute,
  optimizer: OptimizerLike,
  scheduler: { step(): unknown },
  mode = 'train',
  accumIter = 1,
  trainState = defaultTrainState,
): [Tensor, TrainState] {
  // Train a single epoch
  let start = performance.now() / 1000;
  let totalTokens: number | Tensor = 0;
  let totalLoss: number | Tensor = 0;
  let tokens: number | Tensor = 0;
  let nAccum = 0;
  let i = 0;
  for (const batch of dataIter) {
    const out = model.forward(batch.src, batch.tgt, batch.src_mask, batch.tgt_mask);
    const [loss, lossNode] = lossCompute(out, batch.tgt_y, batch.ntokens);
    LOG.losses.push([mode, Number(loss.item()), Number(lossNode.item()), Number(batch.ntokens.item())]);
    // loss_node = loss_node / accum_iter
    if (mode === 'train' || mode === 'train+log') {
      lossNode.backward();
      trainState.step += 1;
      trainState.samples += batch.src.shape[0];
      trainState.tokens = pyAdd(trainState.tokens, batch.ntokens);
      if (i % accumIter === 0) {
        optimizer.step();
        optimizer.zeroGrad({ setToNone: true });
        nAccum += 1;
        trainState.accumStep += 1;
      }
      scheduler.step();
    }

    totalLoss = pyAdd(totalLoss, loss);
    totalTokens = pyAdd(totalTokens, batch.ntokens);
    tokens = pyAdd(tokens, batch.ntokens);
    if (i % 40 === 1 && (mode === 'train' || mode === 'train+log')) {
      const lr = optimizer.paramGroups[0].lr;
      const elapsed = performance.now() / 1000 - start;
      print(
        pyFormat('Epoch Step: %6d | Accumulation Step: %3d | Loss: %6.2f ' + '| Tokens / Sec: %7.1f | Learning Rate: %6.1e', [
          i,
          nAccum,
          loss.div(batch.ntokens),
          (tokens as Tensor).div(elapsed),
          lr,
        ]),
      );
      start = performance.now() / 1000;
      tokens = 0;
    }
    i++;
  }
  return [(totalLoss as Tensor).div(totalTokens), trainState];
}

function rate(step: number, modelSize: number, factor: number, warmup: number): number {
  // we have to default the step to 1 for LambdaLR function to avoid zero raising to negative power.
  if (step === 0) {
    step = 1;
  }
  return factor * (modelSize ** -0.5 * Math.min(step ** -0.5, step * warmup ** -1.5));
}

function exampleLearningSchedule() {
  const opts: [number, number, number][] = [
    [512, 1, 4000], // example 1
    [512, 1, 8000], // example 2
    [256, 1, 4000], // example 3
  ];

  const dummyModel = new torch.nn.Linear(1, 1);
  let learningRates: number[][] | Tensor = [];

  // we have 3 examples in opts list.
  for (const example of opts) {
    // run 20000 epoch for each example
    const optimizer = new torch.optim.Adam(dummyModel.parameters(), { lr: 1, betas: [0.9, 0.98], eps: 1e-9 });
    const lrScheduler = new LambdaLR({ optimizer, lrLambda: (step: number) => rate(step, ...example) });
    const tmp: number[] = [];
    // take 20K dummy training steps, save the learning rate at each step
    for (let step = 0; step < 20000; step++) {
      tmp.push(optimizer.paramGroups[0].lr);
      optimizer.step();
      lrScheduler.step();
    }
    learningRates.push(tmp);
  }

  const pythonLrs = learningRates.map((row) => row.filter((_, j) => j % 250 === 0));
  learningRates = torch.tensor(learningRates);
  return { pythonLrs, learningRates, dummyModel };
}

class LabelSmoothing extends nn.Module {
  // Implement label smoothing.
  criterion: nn.KLDivLoss;
  paddingIdx: number;
  confidence: number;
  smoothing: number;
  size: number;
  trueDist: Tensor | null;

  constructor(size: number, paddingIdx: number, smoothing = 0.0) {
    super();
    this.criterion = new nn.KLDivLoss({ reduction: 'sum' });
    this.paddingIdx = paddingIdx;
    this.confidence = 1.0 - smoothing;
    this.smoothing = smoothing;
    this.size = size;
    this.trueDist = null;
  }

  override forward(x: Tensor, target: Tensor): Tensor {
    assert.ok(x.size(1) === this.size);
    const trueDist = x.data.clone();
    trueDist.fill_(this.smoothing / (this.size - 2));
    trueDist.scatter_(1, target.data.unsqueeze(1), this.confidence);
    trueDist.indexPut_([':', this.paddingIdx], 0);
    const mask = torch.nonzero(target.data.eq(this.paddingIdx));
    if (mask.dim() > 0) {
      trueDist.indexFill_(0, mask.squeeze(), 0.0);
    }
    this.trueDist = trueDist;
    return this.criterion.forward(x, trueDist.clone().detach());
  }
}

function exampleLabelSmoothing() {
  const crit = new LabelSmoothing(5, 0, 0.4);
  const predict = torch.FloatTensor([
    [0, 0.2, 0.7, 0.1, 0],
    [0, 0.2, 0.7, 0.1, 0],
    [0, 0.2, 0.7, 0.1, 0],
    [0, 0.2, 0.7, 0.1, 0],
    [0, 0.2, 0.7, 0.1, 0],
  ]);
  const result = crit.forward(predict.log(), torch.LongTensor([2, 1, 0, 3, 3]));
  return { trueDist: crit.trueDist!, result };
}

function loss(x: number, crit: LabelSmoothing): Tensor {
  const d = x + 3 * 1;
  const predict = torch.FloatTensor([[0, x / d, 1 / d, 1 / d, 1 / d]]);
  return crit.forward(predict.log(), torch.LongTensor([1])).data;
}

function penalizationVisualization(): number[] {
  const crit = new LabelSmoothing(5, 0, 0.1);
  return Array.from({ length: 99 }, (_, j) => Number(loss(j + 1, crit).item()));
}

function* dataGen(V: number, batchSize: number, nbatches: number): IterableIterator<Batch> {
  // Generate random data for a src-tgt copy task.
  for (let i = 0; i < nbatches; i++) {
    const data = torch.randint(1, V, { size: [batchSize, 10] });
    data.indexPut_([':', 0], 1);
    const src = data.requiresGrad_(false).clone().detach();
    const tgt = data.requiresGrad_(false).clone().detach();
    yield new Batch(src, tgt, 0);
  }
}

class SimpleLossCompute {
  // A simple loss compute and train function.
  generator: Generator;
  criterion: LabelSmoothing;

  constructor(generator: Generator, criterion: LabelSmoothing) {
    this.generator = generator;
    this.criterion = criterion;
  }

  call(x: Tensor, y: Tensor, norm: Tensor): [Tensor, Tensor] {
    x = this.generator.forward(x);
    const sloss = this.criterion.forward(x.contiguous().view(-1, x.size(-1)), y.contiguous().view(-1)).div(norm);
    return [sloss.data.mul(norm), sloss];
  }
}

function greedyDecode(model: EncoderDecoder, src: Tensor, srcMask: Tensor, maxLen: number, startSymbol: number): Tensor {
  const memory = model.encode(src, srcMask);
  let ys = torch.zeros(1, 1).fill_(startSymbol).typeAs(src.data);
  for (let i = 0; i < maxLen - 1; i++) {
    const out = model.decode(memory, srcMask, ys, subsequentMask(ys.size(1)).typeAs(src.data));
    const prob = model.generator.forward(out.index(':', -1));
    LOG.greedyProbs.push(prob);
    let [, nextWord] = torch.max(prob, { dim: 1 });
    nextWord = nextWord.data.index(0);
    ys = torch.cat([ys, torch.zeros(1, 1).typeAs(src.data).fill_(nextWord)], { dim: 1 });
  }
  return ys;
}

function exampleSimpleModel() {
  const V = 11;
  const criterion = new LabelSmoothing(V, 0, 0.0);
  const model = makeModel(V, V, 2, 16, 32, 2); // make_model(V, V, N=2)
  const init = torch.deepcopy(model.stateDict());
  const repr = String(model);

  const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.5, betas: [0.9, 0.98], eps: 1e-9 });
  const lrScheduler = new LambdaLR({
    optimizer,
    lrLambda: (step: number) => rate(step, (model.src_embed[0] as Embeddings).dModel, 1.0, 20), // warmup=400
  });

  const lossCompute = (c: SimpleLossCompute): LossCompute => (x, y, norm) => c.call(x, y, norm);
  const batchSize = 8; // 80
  for (let epoch = 0; epoch < 3; epoch++) { // 20
    model.train();
    let r = runEpoch(dataGen(V, batchSize, 4), model, lossCompute(new SimpleLossCompute(model.generator, criterion)), optimizer, lrScheduler, 'train');
    LOG.epochs.push(['train', r[0], r[1].step, r[1].accumStep, r[1].samples, r[1].tokens, optimizer.paramGroups[0].lr]);
    model.eval();
    r = runEpoch(dataGen(V, batchSize, 2), model, lossCompute(new SimpleLossCompute(model.generator, criterion)), new DummyOptimizer(), new DummyScheduler(), 'eval');
    LOG.epochs.push(['eval', r[0], r[1].step, r[1].accumStep, r[1].samples, r[1].tokens, null]);
  }

  const final = torch.deepcopy(model.stateDict());
  const attn = (model.decoder.layers[1] as DecoderLayer).src_attn.attn!;
  model.eval();
  const src = torch.LongTensor([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  const maxLen = src.shape[1];
  const srcMask = torch.ones(1, 1, maxLen);
  print(greedyDecode(model, src, srcMask, maxLen, 0));
  return { model, init, final, attn, repr };
}

const num = (v: number | string) => (v === 'nan' ? NaN : (v as number));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test('annotated transformer: masks, positional encoding, label smoothing and the learning-rate schedule, as PyTorch', () => {
  const mask = subsequentMask(5);
  const batch = new Batch(torch.tensor([[1, 3, 4, 2, 2], [1, 5, 2, 2, 2]]), torch.tensor([[1, 6, 7, 8, 2, 2], [1, 9, 2, 2, 2, 2]]));
  assertTensor(mask, fx.masks.subsequent_mask_5, {}, 'subsequent_mask(5)');
  assertTensor(batch.src_mask, fx.masks.src_mask, {}, 'src_mask');
  assertTensor(batch.tgt_mask, fx.masks.tgt_mask, {}, 'tgt_mask');
  assertTensor(batch.ntokens, fx.masks.ntokens, {}, 'ntokens');

  const { y, pe } = exampleKPositional();
  assertTensor(y.index(0, ':', '4:8'), fx.positional.y, { rtol: 0, atol: 2.4e-7 }, 'example_positional');
  assert.deepEqual(pe.pe.shape, fx.positional.pe_shape);
  // div_term = exp(arange(0, 20, 2) * -(log(10000) / 20)) in float32: torchlette's exp is correctly rounded,
  // PyTorch's vectorised one is 1 ulp below it for exp(-7.3682723) (0.000630957307 where the exact value is
  // 0.000630957340 and the nearest float32 0.000630957366); position 4999 times that ulp moves sin's argument by
  // 2.9e-7: pe[0, 4999] compares to 1e-6
  assertTensor(pe.pe.index(0, 4999), fx.positional.pe_4999, { rtol: 0, atol: 1e-6 }, 'pe[0, 4999]');
  assert.deepEqual([...pe.namedBuffers()].map(([k]) => k), fx.positional.buffers);
  assert.deepEqual([...pe.namedParameters()].map(([k]) => k), fx.positional.params);

  torch.manualSeed(0);
  const { pythonLrs, learningRates, dummyModel } = exampleLearningSchedule();
  // rate() in float64 on both sides: the same numbers (** of JavaScript and Python's float pow agree here)
  pythonLrs.forEach((row, i) => row.forEach((lr, j) => assert.ok(lr === fx.schedule.python[i][j] || rel(lr, fx.schedule.python[i][j]) < 1e-15, `lr ${i}.${j}: ${lr} vs ${fx.schedule.python[i][j]}`)));
  assert.deepEqual(learningRates.shape, fx.schedule.shape);
  assert.equal(`torch.${learningRates.dtype}`, fx.schedule.dtype);
  assertTensor(learningRates.index(':', '::250'), fx.schedule.tensor, { rtol: 0, atol: 0 }, 'learning_rates[:, ::250]');
  assert.ok(rel(Number(learningRates.double().sum().item()), fx.schedule.sum) < 1e-12);
  // optimizer.step() without gradients leaves the dummy model as it was
  assertTensor(dummyModel.weight, fx.schedule.weight, { rtol: 0, atol: 0 });
  assertTensor(dummyModel.bias!, fx.schedule.bias, { rtol: 0, atol: 0 });

  const { trueDist, result } = exampleLabelSmoothing();
  assertTensor(trueDist, fx.label_smoothing.true_dist, { rtol: 0, atol: 0 }, 'crit.true_dist');
  assertTensor(result, fx.label_smoothing.loss, {}, 'label smoothing loss (NaN in PyTorch: 0 * log 0)');
  const pen = penalizationVisualization();
  assert.equal(pen.length, fx.penalization.length);
  pen.forEach((l, i) => {
    const want = num(fx.penalization[i]);
    assert.ok(Number.isNaN(want) ? Number.isNaN(l) : rel(l, want) < 1e-6, `penalization ${i}: ${l} vs ${want}`);
  });
});

test('annotated transformer: run_tests, the copy task trained with LabelSmoothing / Adam / LambdaLR, and greedy_decode, as PyTorch', () => {
  torch.manualSeed(0);
  runTests();

  torch.manualSeed(0);
  const { init, final, attn, repr } = exampleSimpleModel();
  assert.equal(repr, fx.repr, 'print(model)');

  // the three untrained models' decoding steps (eval mode) and predictions
  assert.equal(LOG.inferenceProbs.length, 27);
  LOG.inferenceProbs.forEach((p, i) => assertTensor(p, fx.inference_probs[i], { rtol: 1e-5, atol: 2e-6 }, `inference_test step ${i}`));

  // the seeded initial weights: nn.Linear / nn.Embedding draws, then xavier_uniform_ on the same stream
  assert.deepEqual(Object.keys(init), fx.keys, 'state_dict keys');
  for (const k of Object.keys(fx.init)) assertTensor(init[k], fx.init[k], { rtol: 0, atol: 0 }, `init ${k}`);

  // every batch: loss (sloss.data * norm), loss_node and ntokens
  assert.equal(LOG.losses.length, fx.losses.length);
  LOG.losses.forEach(([mode, l, node, n], i) => {
    const [wmode, wl, wnode, wn] = fx.losses[i];
    assert.equal(mode, wmode);
    assert.equal(n, wn, `ntokens ${i}`);
    assert.ok(rel(l, wl) < 2e-6, `loss ${i}: ${l} vs ${wl}`);
    assert.ok(rel(node, wnode) < 2e-6, `loss_node ${i}: ${node} vs ${wnode}`);
  });

  // run_epoch's results: total_loss / total_tokens, the shared default TrainState, the learning rate
  assert.equal(LOG.epochs.length, fx.epochs.length);
  LOG.epochs.forEach(([mode, r, step, accum, samples, tokens, lr], i) => {
    const [wmode, wr, wstep, waccum, wsamples, wtokens, wlr] = fx.epochs[i];
    assert.equal(mode, wmode);
    assertTensor(r, wr, { rtol: 2e-6, atol: 0 }, `run_epoch ${i}`);
    assert.deepEqual([step, accum, samples], [wstep, waccum, wsamples], `train_state ${i}`);
    assert.ok(tokens instanceof torch.Tensor, 'train_state.tokens becomes a tensor (int + tensor)');
    assertTensor(tokens, wtokens, {}, `train_state.tokens ${i}`);
    if (wlr === null) assert.equal(lr, null);
    else assert.ok(lr === wlr || rel(lr as number, wlr) < 1e-15, `lr ${i}: ${lr} vs ${wlr}`);
  });

  // 12 Adam steps with dropout on: only float summation order differs. The key projection's bias
  // (linears.1.bias of every MultiHeadedAttention) gets a zero gradient in exact arithmetic (q . b_k is the same
  // for every key of a query: the softmax ignores it, masked or not), so what it receives is rounding noise of
  // either sign, which Adam (eps 1e-9) turns into steps of up to about lr: PyTorch's values are noise too. Those
  // biases are only checked to have moved by no more than the learning rates add up to.
  const lrSum = Array.from({ length: 12 }, (_, s) => 0.5 * rate(s, 16, 1.0, 20)).reduce((a, b) => a + b);
  for (const k of Object.keys(fx.final)) {
    if (/attn\.linears\.1\.bias$/.test(k)) {
      const moved = Number(final[k].sub(init[k]).abs().max().item());
      assert.ok(moved <= lrSum, `final ${k}: the key bias moved by ${moved} (lr sum ${lrSum})`);
    } else {
      assertTensor(final[k], fx.final[k], { rtol: 1e-5, atol: 1e-6 }, `final ${k}`);
    }
  }
  assertTensor(attn, fx.attn, { rtol: 1e-5, atol: 1e-6 }, 'decoder.layers[1].src_attn.attn');
  LOG.greedyProbs.forEach((p, i) => assertTensor(p, fx.greedy_probs[i], { rtol: 1e-5, atol: 1e-5 }, `greedy_decode step ${i}`));

  // what it prints: the predictions, run_epoch's lines (Tokens / Sec is a timing) and the greedy decode
  const untimed = (lines: string[]) => lines.map((l) => l.replace(/Tokens \/ Sec: +[0-9.]+/, 'Tokens / Sec: X'));
  assert.deepEqual(untimed(LOG.printed), untimed(fx.printed));
});
