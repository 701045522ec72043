// pytorch/tutorials beginner_source/translation_transformer.py ("Language Translation with nn.Transformer
// and torchtext") transcribed line for line: PositionalEncoding (den / pos, pos_embedding[:, 0::2] = sin and
// [:, 1::2] = cos, pos_embedding.unsqueeze(-2) registered as a buffer), TokenEmbedding
// (embedding(tokens.long()) * math.sqrt(emb_size)), Seq2SeqTransformer around the full nn.Transformer with
// encode / decode through self.transformer.encoder / .decoder, generate_square_subsequent_mask
// ((torch.triu(torch.ones((sz, sz))) == 1).transpose(0, 1) then masked_fill), create_mask (a bool
// torch.zeros((S, S)).type(torch.bool) src mask, (src == PAD_IDX).transpose(0, 1) padding masks),
// xavier_uniform_ on every p with dim > 1, CrossEntropyLoss(ignore_index=PAD_IDX), Adam(lr=0.0001,
// betas=(0.9, 0.98), eps=1e-9), sequential_transforms / tensor_transform / collate_fn with
// pad_sequence(..., padding_value=PAD_IDX), train_epoch / evaluate, the epoch loop's print, greedy_decode
// (torch.max(prob, dim=1), torch.cat with torch.ones(1, 1).type_as(src.data).fill_(next_word)) and translate;
// against the same program run by PyTorch 1.13 (scripts/fixtures/porting_translation.py): the vocabs, the
// first batch and its masks, pos_embedding, the initial parameters, every training loss, the train/val
// epoch losses, what it prints, the final parameters and the greedy translations (ids, strings and the
// logits of every decoding step). Dropout (0.1) stays on in training: the RNG streams match PyTorch's.
//
// torchtext, spacy and Multi30k are replaced, on both sides, by the same small code (test/helpers/torchtext.ts
// and scripts/fixtures/torchtext_lite.py): Multi30k yields the fixture's synthetic German-English pairs,
// get_tokenizer('spacy', ...) is a regex tokenizer (words and punctuation marks), and build_vocab_from_iterator / insert_token / reassign_token / set_default_index /
// lookup_tokens are a Vocab with torchtext's ordering and insert semantics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { DataLoader } from '../../src/utils/data/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { buildVocabFromIterator, getTokenizer, type Vocab } from '../helpers/torchtext.js';

const { Transformer } = nn;
const { padSequence } = nn.utils.rnn;

type Pair = [string, string];
interface Fixture {
  train: Pair[];
  valid: Pair[];
  src_itos: string[];
  tgt_itos: string[];
  first_batch: { src: TensorJson; tgt: TensorJson; masks: TensorJson[]; square_mask_5: TensorJson };
  pe: { shape: number[]; rows: TensorJson; row_4999: TensorJson; sum: number };
  init: Record<string, TensorJson>;
  losses: number[];
  train_loss: number[];
  val_loss: number[];
  printed: string[];
  final: Record<string, TensorJson>;
  sentences: string[];
  translations: string[];
  tokens: TensorJson[];
  steps: TensorJson[][];
}
const fx = loadFixture<Fixture>('porting_translation.json');

// --- the torchtext pieces the tutorial uses, as scripts/fixtures/porting_translation.py writes them ---
/** Multi30k(split=..., language_pair=('de', 'en')): the fixture's synthetic pairs. */
function Multi30k(opts: { split: 'train' | 'valid'; languagePair: [string, string] }): Iterable<Pair> {
  assert.deepEqual(opts.languagePair, ['de', 'en']);
  return fx[opts.split][Symbol.iterator]();
}

const SRC_LANGUAGE = 'de';
const TGT_LANGUAGE = 'en';

const tokenTransform: Record<string, (s: string) => string[]> = {};
tokenTransform[SRC_LANGUAGE] = getTokenizer('spacy', { language: 'de_core_news_sm' });
tokenTransform[TGT_LANGUAGE] = getTokenizer('spacy', { language: 'en_core_web_sm' });

function* yieldTokens(dataIter: Iterable<Pair>, language: string): Generator<string[]> {
  const languageIndex: Record<string, number> = { [SRC_LANGUAGE]: 0, [TGT_LANGUAGE]: 1 };

  for (const dataSample of dataIter) {
    yield tokenTransform[language](dataSample[languageIndex[language]]);
  }
}

const [UNK_IDX, PAD_IDX, BOS_IDX, EOS_IDX] = [0, 1, 2, 3];
const specialSymbols: Record<string, number> = { '<unk>': UNK_IDX, '<pad>': PAD_IDX, '<bos>': BOS_IDX, '<eos>': EOS_IDX };
const vocabTransform: Record<string, Vocab> = {};

// --- the tutorial's model ---
// Helper Module that adds positional encoding to the token embedding to introduce a notion of word order.
class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare pos_embedding: Tensor;

  constructor(embSize: number, dropout: number, maxlen = 5000) {
    super();
    const den = torch.exp(torch.arange(0, embSize, 2).neg().mul(Math.log(10000)).div(embSize));
    const pos = torch.arange(0, maxlen).reshape(maxlen, 1);
    let posEmbedding = torch.zeros([maxlen, embSize]);
    posEmbedding.indexPut_([':', '0::2'], torch.sin(pos.mul(den)));
    posEmbedding.indexPut_([':', '1::2'], torch.cos(pos.mul(den)));
    posEmbedding = posEmbedding.unsqueeze(-2);

    this.dropout = new nn.Dropout(dropout);
    this.registerBuffer('pos_embedding', posEmbedding);
  }

  override forward(tokenEmbedding: Tensor): Tensor {
    return this.dropout.forward(tokenEmbedding.add(this.pos_embedding.index(`:${tokenEmbedding.size(0)}`, ':')));
  }
}

// Helper Module to convert tensor of input indices into corresponding tensor of token embeddings
class TokenEmbedding extends nn.Module {
  embedding: nn.Embedding;
  embSize: number;

  constructor(vocabSize: number, embSize: number) {
    super();
    this.embedding = new nn.Embedding(vocabSize, embSize);
    this.embSize = embSize;
  }

  override forward(tokens: Tensor): Tensor {
    return this.embedding.forward(tokens.long()).mul(Math.sqrt(this.embSize));
  }
}

// Seq2Seq Network
class Seq2SeqTransformer extends nn.Module {
  // submodules keep the tutorial's attribute names: the state_dict keys are its keys
  transformer: InstanceType<typeof Transformer>;
  generator: nn.Linear;
  src_tok_emb: TokenEmbedding;
  tgt_tok_emb: TokenEmbedding;
  positional_encoding: PositionalEncoding;

  constructor(numEncoderLayers: number, numDecoderLayers: number, embSize: number, nhead: number, srcVocabSize: number, tgtVocabSize: number, dimFeedforward = 512, dropout = 0.1) {
    super();
    this.transformer = new Transformer({
      dModel: embSize,
      nhead,
      numEncoderLayers,
      numDecoderLayers,
      dimFeedforward,
      dropout,
    });
    this.generator = new nn.Linear(embSize, tgtVocabSize);
    this.src_tok_emb = new TokenEmbedding(srcVocabSize, embSize);
    this.tgt_tok_emb = new TokenEmbedding(tgtVocabSize, embSize);
    this.positional_encoding = new PositionalEncoding(embSize, dropout);
  }

  override forward(src: Tensor, trg: Tensor, srcMask: Tensor, tgtMask: Tensor, srcPaddingMask: Tensor, tgtPaddingMask: Tensor, memoryKeyPaddingMask: Tensor): Tensor {
    const srcEmb = this.positional_encoding.forward(this.src_tok_emb.forward(src));
    const tgtEmb = this.positional_encoding.forward(this.tgt_tok_emb.forward(trg));
    const outs = this.transformer.forward(srcEmb, tgtEmb, srcMask, tgtMask, null, srcPaddingMask, tgtPaddingMask, memoryKeyPaddingMask);
    return this.generator.forward(outs);
  }

  // the tutorial's revision of the time spells these self.transformer_encoder / self.transformer_decoder
  // (attributes the model lacks); its later revisions, and PyTorch's side, call self.transformer.encoder /
  // .decoder. Transformer.encoder / .decoder are typed as Module (customEncoder may be any Module): cast.
  encode(src: Tensor, srcMask: Tensor): Tensor {
    return this.transformer.encoder.forward(this.positional_encoding.forward(this.src_tok_emb.forward(src)), srcMask) as Tensor;
  }

  decode(tgt: Tensor, memory: Tensor, tgtMask: Tensor): Tensor {
    return this.transformer.decoder.forward(this.positional_encoding.forward(this.tgt_tok_emb.forward(tgt)), memory, tgtMask) as Tensor;
  }
}

const DEVICE = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');

function generateSquareSubsequentMask(sz: number): Tensor {
  let mask = torch.triu(torch.ones([sz, sz], { device: DEVICE })).eq(1).transpose(0, 1);
  mask = mask.float().maskedFill(mask.eq(0), -Infinity).maskedFill(mask.eq(1), 0.0);
  return mask;
}

function createMask(src: Tensor, tgt: Tensor): [Tensor, Tensor, Tensor, Tensor] {
  const srcSeqLen = src.shape[0];
  const tgtSeqLen = tgt.shape[0];

  const tgtMask = generateSquareSubsequentMask(tgtSeqLen);
  const srcMask = torch.zeros([srcSeqLen, srcSeqLen], { device: DEVICE }).type(torch.bool);

  const srcPaddingMask = src.eq(PAD_IDX).transpose(0, 1);
  const tgtPaddingMask = tgt.eq(PAD_IDX).transpose(0, 1);
  return [srcMask, tgtMask, srcPaddingMask, tgtPaddingMask];
}

// helper function to club together sequential operations
function sequentialTransforms(...transforms: ((x: never) => unknown)[]): (txtInput: string) => Tensor {
  return (txtInput: string) => {
    let x: unknown = txtInput;
    for (const transform of transforms) {
      x = transform(x as never);
    }
    return x as Tensor;
  };
}

// helper function to add BOS/EOS and create tensor for input sequence indices
function tensorTransform(tokenIds: number[]): Tensor {
  return torch.cat([torch.tensor([BOS_IDX]), torch.tensor(tokenIds), torch.tensor([EOS_IDX])]);
}

// --- the tutorial's script ---
test('translation: Seq2SeqTransformer (nn.Transformer) training, evaluation and greedy decoding, as PyTorch', () => {
  const LOG = { losses: [] as number[], trainLoss: [] as number[], valLoss: [] as number[], printed: [] as string[], steps: [] as Tensor[][], tokens: [] as Tensor[] };

  // Build source vocabulary
  let trainIter = Multi30k({ split: 'train', languagePair: [SRC_LANGUAGE, TGT_LANGUAGE] });
  vocabTransform[SRC_LANGUAGE] = buildVocabFromIterator(yieldTokens(trainIter, SRC_LANGUAGE));
  // Build target vocabulary
  trainIter = Multi30k({ split: 'train', languagePair: [SRC_LANGUAGE, TGT_LANGUAGE] });
  vocabTransform[TGT_LANGUAGE] = buildVocabFromIterator(yieldTokens(trainIter, TGT_LANGUAGE));

  // Insert special symbols
  for (const [symbol, index] of Object.entries(specialSymbols)) {
    if (vocabTransform[SRC_LANGUAGE].has(symbol)) {
      vocabTransform[SRC_LANGUAGE].reassignToken(symbol, index);
      vocabTransform[TGT_LANGUAGE].reassignToken(symbol, index);
    } else {
      vocabTransform[SRC_LANGUAGE].insertToken(symbol, index);
      vocabTransform[TGT_LANGUAGE].insertToken(symbol, index);
    }
  }
  vocabTransform[SRC_LANGUAGE].setDefaultIndex(UNK_IDX);
  vocabTransform[TGT_LANGUAGE].setDefaultIndex(UNK_IDX);
  assert.deepEqual(vocabTransform[SRC_LANGUAGE].getItos(), fx.src_itos);
  assert.deepEqual(vocabTransform[TGT_LANGUAGE].getItos(), fx.tgt_itos);

  torch.manualSeed(0);
  torch.useDeterministicAlgorithms(true);

  const SRC_VOCAB_SIZE = vocabTransform[SRC_LANGUAGE].length;
  const TGT_VOCAB_SIZE = vocabTransform[TGT_LANGUAGE].length;
  const EMB_SIZE = 16; // 512 in the tutorial
  const NHEAD = 2; // 8
  const FFN_HID_DIM = 32; // 512
  const BATCH_SIZE = 4; // 128
  const NUM_ENCODER_LAYERS = 2; // 3
  const NUM_DECODER_LAYERS = 2; // 3

  let transformer = new Seq2SeqTransformer(NUM_ENCODER_LAYERS, NUM_DECODER_LAYERS, EMB_SIZE, NHEAD, SRC_VOCAB_SIZE, TGT_VOCAB_SIZE, FFN_HID_DIM);

  for (const p of transformer.parameters()) {
    if (p.dim() > 1) {
      nn.init.xavierUniform_(p);
    }
  }

  transformer = transformer.to(DEVICE);
  const init = torch.deepcopy(transformer.stateDict());

  const lossFn = new torch.nn.CrossEntropyLoss({ ignoreIndex: PAD_IDX });

  const optimizer = new torch.optim.Adam(transformer.parameters(), { lr: 0.0001, betas: [0.9, 0.98], eps: 1e-9 });

  // src and tgt language text transforms to convert raw strings into tensors indices
  const srcTextTransform = sequentialTransforms(
    tokenTransform[SRC_LANGUAGE], // Tokenization
    (t: string[]) => vocabTransform[SRC_LANGUAGE].call(t), // Numericalization
    tensorTransform, // Add BOS/EOS and create tensor
  );
  const tgtTextTransform = sequentialTransforms(tokenTransform[TGT_LANGUAGE], (t: string[]) => vocabTransform[TGT_LANGUAGE].call(t), tensorTransform);

  // function to collate data samples into batch tensors
  function collateFn(batch: Pair[]): [Tensor, Tensor] {
    let srcBatch: Tensor[] | Tensor = [];
    let tgtBatch: Tensor[] | Tensor = [];
    for (const [srcSample, tgtSample] of batch) {
      srcBatch.push(srcTextTransform(srcSample.replace(/\n+$/, ''))); // src_sample.rstrip("\n")
      tgtBatch.push(tgtTextTransform(tgtSample.replace(/\n+$/, '')));
    }

    srcBatch = padSequence(srcBatch, { paddingValue: PAD_IDX });
    tgtBatch = padSequence(tgtBatch, { paddingValue: PAD_IDX });
    return [srcBatch, tgtBatch];
  }

  // the first batch and its masks, before training
  {
    const loader = new DataLoader([...Multi30k({ split: 'train', languagePair: [SRC_LANGUAGE, TGT_LANGUAGE] })], { batchSize: BATCH_SIZE, collateFn });
    const [src0, tgt0] = loader[Symbol.iterator]().next().value as [Tensor, Tensor];
    assertTensor(src0, fx.first_batch.src); // int64, as pad_sequence of torch.tensor(list of ints)
    assertTensor(tgt0, fx.first_batch.tgt);
    createMask(src0, tgt0.index(':-1', ':')).forEach((m, i) => assertTensor(m, fx.first_batch.masks[i], { rtol: 0, atol: 0 }, `create_mask ${i}`));
    assertTensor(generateSquareSubsequentMask(5), fx.first_batch.square_mask_5, { rtol: 0, atol: 0 }, 'square mask');
    const pe = transformer.positional_encoding.pos_embedding;
    assert.deepEqual(pe.shape, fx.pe.shape);
    // float32 sin/cos may differ from PyTorch's vectorised ones in the last ulp (cos(1): torchlette gives the
    // correctly rounded 0.54030228, PyTorch 0.54030234): values in [-1, 1], so 2 ulps of 1 at most
    assertTensor(pe.index(':12'), fx.pe.rows, { rtol: 0, atol: 1.2e-7 }, 'pos_embedding[:12]');
    assertTensor(pe.index(4999), fx.pe.row_4999, { rtol: 0, atol: 1.2e-7 }, 'pos_embedding[4999]');
    assert.ok(Math.abs(Number(pe.double().sum().item()) - fx.pe.sum) < 1e-3, `pos_embedding sum ${Number(pe.double().sum().item())} vs ${fx.pe.sum}`);
  }

  function trainEpoch(model: Seq2SeqTransformer, optimizer: torch.optim.Adam): number {
    model.train();
    let losses = 0;
    const trainIter = Multi30k({ split: 'train', languagePair: [SRC_LANGUAGE, TGT_LANGUAGE] });
    // an iterable-style dataset in the tutorial (torchtext's datapipe, with a length); a list here, as in the Python
    const trainDataloader = new DataLoader([...trainIter], { batchSize: BATCH_SIZE, collateFn });

    for (let [src, tgt] of trainDataloader) { // tqdm(train_dataloader)
      src = src.to(DEVICE);
      tgt = tgt.to(DEVICE);

      const tgtInput = tgt.index(':-1', ':');

      const [srcMask, tgtMask, srcPaddingMask, tgtPaddingMask] = createMask(src, tgtInput);

      const logits = model.forward(src, tgtInput, srcMask, tgtMask, srcPaddingMask, tgtPaddingMask, srcPaddingMask);

      optimizer.zeroGrad();

      const tgtOut = tgt.index('1:', ':');
      const loss = lossFn.forward(logits.reshape(-1, logits.shape[logits.shape.length - 1]), tgtOut.reshape(-1));
      loss.backward();

      optimizer.step();
      losses += Number(loss.item());
      LOG.losses.push(Number(loss.item()));
    }

    return losses / trainDataloader.length;
  }

  function evaluate(model: Seq2SeqTransformer): number {
    model.eval();
    let losses = 0;

    const valIter = Multi30k({ split: 'valid', languagePair: [SRC_LANGUAGE, TGT_LANGUAGE] });
    const valDataloader = new DataLoader([...valIter], { batchSize: BATCH_SIZE, collateFn });

    for (let [src, tgt] of valDataloader) { // tqdm(val_dataloader)
      src = src.to(DEVICE);
      tgt = tgt.to(DEVICE);

      const tgtInput = tgt.index(':-1', ':');

      const [srcMask, tgtMask, srcPaddingMask, tgtPaddingMask] = createMask(src, tgtInput);

      const logits = model.forward(src, tgtInput, srcMask, tgtMask, srcPaddingMask, tgtPaddingMask, srcPaddingMask);

      const tgtOut = tgt.index('1:', ':');
      const loss = lossFn.forward(logits.reshape(-1, logits.shape[logits.shape.length - 1]), tgtOut.reshape(-1));
      losses += Number(loss.item());
    }

    return losses / valDataloader.length;
  }

  const timer = () => performance.now() / 1000; // timeit.default_timer
  const NUM_EPOCHS = 3; // 18

  for (let epoch = 1; epoch <= NUM_EPOCHS; epoch++) {
    const startTime = timer();
    const trainLoss = trainEpoch(transformer, optimizer);
    const endTime = timer();
    const valLoss = evaluate(transformer);
    LOG.trainLoss.push(trainLoss);
    LOG.valLoss.push(valLoss);
    LOG.printed.push(`Epoch: ${epoch}, Train loss: ${trainLoss.toFixed(3)}, Val loss: ${valLoss.toFixed(3)}, ` + `Epoch time = ${(endTime - startTime).toFixed(3)}s`);
  }
  const final = torch.deepcopy(transformer.stateDict());

  // function to generate output sequence using greedy algorithm
  function greedyDecode(model: Seq2SeqTransformer, src: Tensor, srcMask: Tensor, maxLen: number, startSymbol: number): Tensor {
    src = src.to(DEVICE);
    srcMask = srcMask.to(DEVICE);

    let memory = model.encode(src, srcMask);
    let ys = torch.ones(1, 1).fill_(startSymbol).type(torch.long).to(DEVICE);
    const steps: Tensor[] = [];
    for (let i = 0; i < maxLen - 1; i++) {
      memory = memory.to(DEVICE);
      const tgtMask = generateSquareSubsequentMask(ys.size(0)).type(torch.bool).to(DEVICE);
      let out = model.decode(ys, memory, tgtMask);
      out = out.transpose(0, 1);
      const prob = model.generator.forward(out.index(':', -1));
      steps.push(prob);
      const { indices } = torch.max(prob, { dim: 1 }); // _, next_word = torch.max(prob, dim=1)
      const nextWord = Number(indices.item());

      ys = torch.cat([ys, torch.ones(1, 1).typeAs(src.data).fill_(nextWord)], { dim: 0 });
      if (nextWord === EOS_IDX) {
        break;
      }
    }
    LOG.steps.push(steps);
    return ys;
  }

  // actual function to translate input sentence into target language
  function translate(model: Seq2SeqTransformer, srcSentence: string): string {
    model.eval();
    const src = srcTextTransform(srcSentence).view(-1, 1);
    const numTokens = src.shape[0];
    const srcMask = torch.zeros(numTokens, numTokens).type(torch.bool);
    const tgtTokens = greedyDecode(model, src, srcMask, numTokens + 5, BOS_IDX).flatten();
    LOG.tokens.push(tgtTokens);
    // list(tgt_tokens.cpu().numpy()): tolist() in place of numpy
    return vocabTransform[TGT_LANGUAGE].lookupTokens(tgtTokens.cpu().tolist() as number[]).join(' ').replaceAll('<bos>', '').replaceAll('<eos>', '');
  }

  const translations = fx.sentences.map((s) => translate(transformer, s));

  // --- against PyTorch ---
  const keys = (sd: nn.StateDict) => Object.keys(sd).filter((k) => k !== 'positional_encoding.pos_embedding');
  assert.deepEqual(keys(init), Object.keys(fx.init), 'state_dict keys');
  // nn.Transformer's own xavier init, Linear / Embedding draws, then the tutorial's xavier_uniform_ on the same stream
  for (const k of keys(init)) assertTensor(init[k], fx.init[k], { rtol: 0, atol: 0 }, `init ${k}`);

  // 30 Adam steps of a 2+2-layer transformer with dropout on: only float summation order differs
  // (largest relative loss difference seen: 1.3e-7; parameters 6e-8 absolute; logits 8.3e-7 absolute)
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  assert.equal(LOG.losses.length, fx.losses.length);
  LOG.losses.forEach((l, i) => assert.ok(rel(l, fx.losses[i]) < 2e-6, `loss ${i}: ${l} vs ${fx.losses[i]} (rel ${rel(l, fx.losses[i])})`));
  LOG.trainLoss.forEach((l, i) => assert.ok(rel(l, fx.train_loss[i]) < 2e-6, `train loss ${i}: ${l} vs ${fx.train_loss[i]}`));
  LOG.valLoss.forEach((l, i) => assert.ok(rel(l, fx.val_loss[i]) < 2e-6, `val loss ${i}: ${l} vs ${fx.val_loss[i]}`));
  const untimed = (lines: string[]) => lines.map((l) => l.replace(/Epoch time = [0-9.]+s/, 'Epoch time = Xs'));
  assert.deepEqual(untimed(LOG.printed), untimed(fx.printed));
  // The key part of every in_proj_bias (rows EMB_SIZE..2*EMB_SIZE) gets a zero gradient in exact arithmetic (q . b_k
  // is the same for every key: softmax ignores it), so what it receives is rounding noise of either sign, that
  // Adam (eps 1e-9) turns into steps of about lr each: PyTorch's values are noise too. Those rows are only
  // checked to have moved by at most lr per step; every other value is compared with PyTorch's.
  const steps = fx.losses.length;
  for (const k of keys(final)) {
    if (k.endsWith('in_proj_bias')) {
      for (const [a, b] of [[0, EMB_SIZE], [2 * EMB_SIZE, 3 * EMB_SIZE]]) {
        const want = { ...fx.final[k], shape: [b - a], data: fx.final[k].data.slice(a, b) };
        assertTensor(final[k].index(`${a}:${b}`), want, { rtol: 1e-5, atol: 1e-6 }, `final ${k}[${a}:${b}]`);
      }
      const kBias = final[k].index(`${EMB_SIZE}:${2 * EMB_SIZE}`).sub(init[k].index(`${EMB_SIZE}:${2 * EMB_SIZE}`));
      assert.ok(Number(kBias.abs().max().item()) <= 0.0001 * steps * 1.01, `final ${k}: key bias moved by ${Number(kBias.abs().max().item())}`);
    } else {
      assertTensor(final[k], fx.final[k], { rtol: 1e-5, atol: 1e-6 }, `final ${k}`);
    }
  }

  // greedy decoding: the same ids (every step's top-2 logits are >= 0.02 apart in PyTorch), strings and logits
  LOG.tokens.forEach((t, i) => assertTensor(t, fx.tokens[i], { rtol: 0, atol: 0 }, `tokens ${i}`));
  assert.deepEqual(translations, fx.translations);
  assert.equal(LOG.steps.length, fx.steps.length);
  LOG.steps.forEach((steps, i) => {
    assert.equal(steps.length, fx.steps[i].length, `decoding steps of sentence ${i}`);
    steps.forEach((p, j) => assertTensor(p, fx.steps[i][j], { rtol: 1e-5, atol: 1e-5 }, `logits ${i}.${j}`));
  });
});
