// rasbt/LLMs-from-scratch ("Build a Large Language Model (From Scratch)", Sebastian Raschka), the
// main-chapter code transcribed line for line, against the same code run by PyTorch 1.13
// (scripts/fixtures/porting_llms_from_scratch.py):
//   ch02  SimpleTokenizerV2, GPTDatasetV1 (the sliding window), create_dataloader_v1, token and
//         positional embeddings (Embedding reprs);
//   ch03  the simplified attention walkthrough (torch.dot loops, softmax_naive), SelfAttention_v1
//         (nn.Parameter weights) and _v2, the causal mask (tril, triu + masked_fill with -inf,
//         dropout), CausalAttention (register_buffer'd mask, masked_fill_ with a bool triu slice),
//         MultiHeadAttentionWrapper (ModuleList + cat) and MultiHeadAttention;
//   ch04  LayerNorm (var unbiased=False), GELU (tanh form), FeedForward, ExampleDeepNeuralNetwork's
//         gradients with and without shortcuts, TransformerBlock, GPTModel (repr, state_dict keys,
//         parameter counting, weight tying), generate_text_simple;
//   ch05  the loss walkthrough (advanced indexing probas[i, [0, 1, 2], targets[i]], cross_entropy,
//         perplexity), calc_loss_batch/loader, evaluate_model, train_model_simple with AdamW, the
//         decoding strategies (multinomial + bincount, temperature, topk + torch.where(condition=,
//         input=, other=), full_like + index assignment), generate() with top_k/temperature/eos_id,
//         model.pth and model_and_optimizer.pth (and PyTorch's own bytes of the latter), an epoch
//         resumed from it, load_weights_into_gpt with assign() (np.split, .T, Parameter reassignment);
//   ch06  SpamDataset (padding), out_head replacement, freezing (requires_grad = False), unfreezing the
//         last block + final norm, last-token classification loss, calc_accuracy_loader,
//         train_classifier_simple, classify_review;
//   app D linear warmup, cosine decay, clip_grad_norm_, find_highest_gradient, train_model;
//   app E LoRALayer (kaiming_uniform_), LinearWithLoRA, replace_linear_with_lora (named_children +
//         setattr, also on Sequential's numbered children), LoRA finetuning.
// Reduced (as in the fixture): tiktoken is not installed and there is no network, so the book's own
// ch02 SimpleTokenizerV2 (vocabulary from a synthetic text) replaces the GPT-2 tokenizer; the text,
// the SMS data and the "GPT-2" weights are synthetic (the weights drawn with torch.manual_seed(7) in
// OpenAI's checkpoint layout, on both sides); the GPT is tiny (vocab 111, context 16, emb 32, 2
// heads, 2 layers, drop_rate 0.1); fewer epochs, smaller batches, generate_and_print_sample makes 12
// tokens (50 in the book); ch06/appendix E learn with lr 5e-4 (5e-5 in the book) so that 2 epochs
// move the weights. Everything print()s is compared as text; trained weights are compared per
// state_dict key (shape, first 8 values, float64 sum and sum of squares) to keep the fixture small.
// Python's `print` helpers for torch.Size / tuples / dicts are written out where Python would print them.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { DataLoader, Dataset } from '../../src/utils/data/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_llms_from_scratch.json');
const TMP = join(tmpdir(), `porting-llms-${process.pid}-${process.env.TORCHLETTE_BACKEND ?? 'default'}`);
mkdirSync(TMP, { recursive: true });

test('torch.pi / torch.inf / torch.e / torch.nan are Python\'s math constants', () => {
  assert.equal(torch.pi, Math.PI);
  assert.equal(torch.inf, Infinity);
  assert.equal(torch.e, Math.E);
  assert.ok(Number.isNaN(torch.nan));
});

// ----------------------------------------------------------------------------- helpers
let PRINTED: string[] = [];
/** Python's print(*args, end=...) into PRINTED. */
function print(...args: unknown[]): void {
  let end = '\n';
  const last = args.at(-1);
  if (typeof last === 'object' && last !== null && 'end' in last && Object.keys(last).length === 1) {
    end = (last as { end: string }).end;
    args = args.slice(0, -1);
  }
  PRINTED.push(args.map((a) => String(a)).join(' ') + end);
}
/**
 * Compares what was print()ed with PyTorch's output line by line. Where a line differs, its numbers
 * are compared with a tolerance (float32 rounding: a loss summed over batches printed with 16 digits,
 * or a value printed with 3-4 decimals that lies on a rounding edge) and the rest of the line exactly.
 */
function checkPrinted(want: string): void {
  const got = PRINTED.join('').split('\n');
  const exp = want.split('\n');
  const NUM = /-?\d+\.\d+(?:e[-+]?\d+)?/g;
  for (let i = 0; i < Math.max(got.length, exp.length); i++) {
    if (got[i] === exp[i]) continue;
    const label = `printed line ${i + 1}: ${JSON.stringify(got[i])} vs ${JSON.stringify(exp[i])}`;
    assert.ok(got[i] !== undefined && exp[i] !== undefined, label);
    assert.equal(got[i].replace(NUM, '#'), exp[i].replace(NUM, '#'), label);
    const [g, e] = [got[i].match(NUM)!, exp[i].match(NUM)!];
    g.forEach((gs, j) => {
      const decimals = (e[j].split('.')[1] ?? '').replace(/e.*/, '').length;
      const tol = Math.max(1e-5 * Math.abs(Number(e[j])), decimals <= 4 ? 1.01 * 10 ** -decimals : 0);
      assert.ok(Math.abs(Number(gs) - Number(e[j])) <= tol, label);
    });
  }
}
/** str(torch.Size) */
const Size = (t: Tensor): string => `torch.Size([${t.shape.join(', ')}])`;
/** str() of a Python list of ints, of a tuple */
const pyList = (a: number[]): string => `[${a.join(', ')}]`;
const pyTuple = (a: number[]): string => (a.length === 1 ? `(${a[0]},)` : `(${a.join(', ')})`);
/** f"{n:,}" */
const commas = (n: number): string => n.toLocaleString('en-US');
const num = (t: Tensor): number => Number(t.item());
const flat = (t: Tensor): number[] => Array.from(t.detach().reshape(-1).toTypedArray(), Number);
const sumOf = (xs: Iterable<number>): number => [...xs].reduce((s, v) => s + v, 0);
function close(got: number, want: number, rtol: number, label: string, atol = 1e-7): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
function closeAll(got: number[], want: number[], rtol: number, label: string, atol = 1e-7): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => close(g, want[i], rtol, `${label}[${i}]`, atol));
}
/** The fixture's summ(state_dict): shape, the first 8 values, the float64 sum and sum of squares. */
function checkSumm(sd: Map<string, Tensor> | Record<string, Tensor>, want: Record<string, [number[], number[], number, number]>, rtol: number, label: string, skip?: RegExp): void {
  const entries = sd instanceof Map ? [...sd.entries()] : Object.entries(sd);
  assert.deepEqual(entries.map(([k]) => k), Object.keys(want), `${label}: keys`);
  for (const [k, v] of entries) {
    if (skip?.test(k)) continue;
    const [shape, first, s, ss] = want[k];
    assert.deepEqual(v.shape, shape, `${label}.${k} shape`);
    const vals = flat(v.float());
    closeAll(vals.slice(0, 8), first, rtol, `${label}.${k}[:8]`, 1e-6);
    const scale = Math.sqrt(ss) + 1e-6;
    close(sumOf(vals), s, 0, `${label}.${k}.sum()`, rtol * 10 * scale);
    close(sumOf(vals.map((x) => x * x)), ss, rtol * 10, `${label}.${k}.pow(2).sum()`, 1e-9);
  }
}
const numParams = (ps: Iterable<nn.Parameter>, pred: (p: nn.Parameter) => boolean = () => true): number => sumOf([...ps].filter(pred).map((p) => p.numel()));

// ----------------------------------------------------------------------------- ch02
const TEXT: string = fx.text;
const SMS: [string, number][] = fx.sms;

class SimpleTokenizerV2 {
  str_to_int: Map<string, number>;
  int_to_str: Map<number, string>;
  constructor(vocab: Map<string, number>) {
    this.str_to_int = vocab;
    this.int_to_str = new Map([...vocab].map(([s, i]) => [i, s]));
  }

  encode(text: string): number[] {
    let preprocessed = text.split(/([,.:;?_!"()']|--|\s)/);
    preprocessed = preprocessed.filter((item) => item.trim()).map((item) => item.trim());
    preprocessed = preprocessed.map((item) => (this.str_to_int.has(item) ? item : '<|unk|>'));
    const ids = preprocessed.map((s) => this.str_to_int.get(s)!);
    return ids;
  }

  decode(ids: number[]): string {
    let text = ids.map((i) => this.int_to_str.get(i)!).join(' ');
    // Replace spaces before the specified punctuations
    text = text.replace(/\s+([,.:;?!"()'])/g, '$1');
    return text;
  }
}

function buildVocab(rawText: string): Map<string, number> {
  let preprocessed = rawText.split(/([,.:;?_!"()']|--|\s)/);
  preprocessed = preprocessed.filter((item) => item.trim()).map((item) => item.trim());
  const allTokens = [...new Set(preprocessed)].sort();
  allTokens.push('<|endoftext|>', '<|unk|>');
  return new Map(allTokens.map((token, integer) => [token, integer]));
}

const VOCAB = buildVocab(TEXT + ' ' + SMS.map(([t]) => t).join(' '));
const TOKENIZER = new SimpleTokenizerV2(VOCAB);

class GPTDatasetV1 extends Dataset<[Tensor, Tensor]> {
  input_ids: Tensor[] = [];
  target_ids: Tensor[] = [];
  constructor(txt: string, tokenizer: SimpleTokenizerV2, maxLength: number, stride: number) {
    super();
    // Tokenize the entire text
    const tokenIds = tokenizer.encode(txt);
    // Use a sliding window to chunk the book into overlapping sequences of max_length
    for (let i = 0; i < tokenIds.length - maxLength; i += stride) {
      const inputChunk = tokenIds.slice(i, i + maxLength);
      const targetChunk = tokenIds.slice(i + 1, i + maxLength + 1);
      this.input_ids.push(torch.tensor(inputChunk));
      this.target_ids.push(torch.tensor(targetChunk));
    }
  }

  get length(): number {
    return this.input_ids.length;
  }

  getItem(idx: number): [Tensor, Tensor] {
    return [this.input_ids[idx], this.target_ids[idx]];
  }
}

type Loader = DataLoader<[Tensor, Tensor]>;
function createDataloaderV1(txt: string, { batchSize = 4, maxLength = 256, stride = 128, shuffle = true, dropLast = true, numWorkers = 0 } = {}): Loader {
  // Initialize the tokenizer
  const tokenizer = TOKENIZER; // tiktoken.get_encoding("gpt2")
  // Create dataset
  const dataset = new GPTDatasetV1(txt, tokenizer, maxLength, stride);
  // Create dataloader
  const dataloader = new DataLoader(dataset, { batchSize, shuffle, dropLast, numWorkers }) as Loader;
  return dataloader;
}

test('ch02: SimpleTokenizerV2, GPTDatasetV1 sliding windows, DataLoader, embeddings', () => {
  const want = fx.ch02;
  PRINTED = [];
  const tokenizer = TOKENIZER;
  assert.equal(VOCAB.size, want.vocab_size);
  const items = [...VOCAB.entries()];
  assert.deepEqual([...items.slice(0, 5), ...items.slice(-5)], want.vocab_items);
  const text1 = 'Hello, do you like tea?';
  const text2 = 'In the sunlit terraces of the palace.';
  const text = [text1, text2].join(' <|endoftext|> ');
  assert.equal(text, want.joined);
  assert.deepEqual(tokenizer.encode(text), want.encoded);
  assert.equal(tokenizer.decode(tokenizer.encode(text)), want.decoded);
  const encText = tokenizer.encode(TEXT);
  assert.equal(encText.length, want.n_tokens);
  const encSample = encText.slice(50);
  const contextSize = 4;
  const x = encSample.slice(0, contextSize);
  const y = encSample.slice(1, contextSize + 1);
  assert.deepEqual([x, y], want.xy);
  const pairs: string[] = [];
  for (let i = 1; i < contextSize + 1; i++) {
    const context = encSample.slice(0, i);
    const desired = encSample[i];
    pairs.push(tokenizer.decode(context) + ' ---> ' + tokenizer.decode([desired]));
  }
  assert.deepEqual(pairs, want.pairs);

  let dataloader = createDataloaderV1(TEXT, { batchSize: 1, maxLength: 4, stride: 1, shuffle: false });
  let dataIter = dataloader[Symbol.iterator]();
  const firstBatch = dataIter.next().value!;
  const secondBatch = dataIter.next().value!;
  assert.equal(`[${firstBatch.map(String).join(', ')}]`, want.first_batch);
  assert.equal(`[${secondBatch.map(String).join(', ')}]`, want.second_batch);

  dataloader = createDataloaderV1(TEXT, { batchSize: 8, maxLength: 4, stride: 4, shuffle: false });
  dataIter = dataloader[Symbol.iterator]();
  let [inputs, targets] = dataIter.next().value!;
  assert.equal(String(inputs), want.inputs);
  assert.equal(String(targets), want.targets);

  const inputIds = torch.tensor([2, 3, 5, 1]);
  let vocabSize = 6;
  let outputDim = 3;
  torch.manualSeed(123);
  const embeddingLayer = new torch.nn.Embedding(vocabSize, outputDim);
  assert.equal(String(embeddingLayer.weight), want.emb_weight);
  assert.equal(String(embeddingLayer.forward(torch.tensor([3]))), want.emb_3);
  assert.equal(String(embeddingLayer.forward(inputIds)), want.emb_ids);

  vocabSize = VOCAB.size;
  outputDim = 8;
  const tokenEmbeddingLayer = new torch.nn.Embedding(vocabSize, outputDim);
  const maxLength = 4;
  dataloader = createDataloaderV1(TEXT, { batchSize: 8, maxLength, stride: maxLength, shuffle: false });
  dataIter = dataloader[Symbol.iterator]();
  [inputs, targets] = dataIter.next().value!;
  const tokenEmbeddings = tokenEmbeddingLayer.forward(inputs);
  assert.equal(Size(tokenEmbeddings), want.token_embeddings_shape);
  const contextLength = maxLength;
  const posEmbeddingLayer = new torch.nn.Embedding(contextLength, outputDim);
  const posEmbeddings = posEmbeddingLayer.forward(torch.arange(maxLength));
  assert.equal(Size(posEmbeddings), want.pos_embeddings_shape);
  const inputEmbeddings = tokenEmbeddings.add(posEmbeddings);
  assertTensor(inputEmbeddings, want.input_embeddings, { rtol: 1e-6, atol: 1e-7 }, 'input_embeddings');

  // shuffle=True, drop_last=True with the global generator
  torch.manualSeed(123);
  dataloader = createDataloaderV1(TEXT, { batchSize: 3, maxLength: 6, stride: 5, shuffle: true });
  assert.equal(dataloader.length, want.shuffled_len);
  assert.deepEqual([...dataloader].map(([x, y]) => [x.tolist(), y.tolist()]), want.shuffled);
  checkPrinted(want.printed);
});

// ----------------------------------------------------------------------------- ch03
const inputs = torch.tensor(
  [[0.43, 0.15, 0.89], // Your     (x^1)
    [0.55, 0.87, 0.66], // journey  (x^2)
    [0.57, 0.85, 0.64], // starts   (x^3)
    [0.22, 0.58, 0.33], // with     (x^4)
    [0.77, 0.25, 0.10], // one      (x^5)
    [0.05, 0.80, 0.55]], // step     (x^6)
);

function softmaxNaive(x: Tensor): Tensor {
  return torch.exp(x).div(torch.exp(x).sum({ dim: 0 }));
}

class SelfAttention_v1 extends nn.Module {
  W_query: nn.Parameter;
  W_key: nn.Parameter;
  W_value: nn.Parameter;
  constructor(dIn: number, dOut: number) {
    super();
    this.W_query = new nn.Parameter(torch.rand(dIn, dOut));
    this.W_key = new nn.Parameter(torch.rand(dIn, dOut));
    this.W_value = new nn.Parameter(torch.rand(dIn, dOut));
  }

  override forward(x: Tensor): Tensor {
    const keys = x.matmul(this.W_key);
    const queries = x.matmul(this.W_query);
    const values = x.matmul(this.W_value);
    const attnScores = queries.matmul(keys.T); // omega
    const attnWeights = torch.softmax(attnScores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    const contextVec = attnWeights.matmul(values);
    return contextVec;
  }
}

class SelfAttention_v2 extends nn.Module {
  W_query: nn.Linear;
  W_key: nn.Linear;
  W_value: nn.Linear;
  constructor(dIn: number, dOut: number, qkvBias = false) {
    super();
    this.W_query = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.W_key = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.W_value = new nn.Linear(dIn, dOut, { bias: qkvBias });
  }

  override forward(x: Tensor): Tensor {
    const keys = this.W_key.forward(x);
    const queries = this.W_query.forward(x);
    const values = this.W_value.forward(x);
    const attnScores = queries.matmul(keys.T);
    const attnWeights = torch.softmax(attnScores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    const contextVec = attnWeights.matmul(values);
    return contextVec;
  }
}

class CausalAttention extends nn.Module {
  d_out: number;
  W_query: nn.Linear;
  W_key: nn.Linear;
  W_value: nn.Linear;
  dropout: nn.Dropout;
  declare mask: Tensor;
  constructor(dIn: number, dOut: number, contextLength: number, dropout: number, qkvBias = false) {
    super();
    this.d_out = dOut;
    this.W_query = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.W_key = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.W_value = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.dropout = new nn.Dropout(dropout); // New
    this.registerBuffer('mask', torch.triu(torch.ones(contextLength, contextLength), { diagonal: 1 })); // New
  }

  override forward(x: Tensor): Tensor {
    const [, numTokens] = x.shape; // New batch dimension b
    const keys = this.W_key.forward(x);
    const queries = this.W_query.forward(x);
    const values = this.W_value.forward(x);
    const attnScores = queries.matmul(keys.transpose(1, 2)); // Changed transpose
    attnScores.maskedFill_( // New, _ ops are in-place
      this.mask.bool().index(`:${numTokens}`, `:${numTokens}`), -torch.inf);
    let attnWeights = torch.softmax(attnScores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    attnWeights = this.dropout.forward(attnWeights); // New
    const contextVec = attnWeights.matmul(values);
    return contextVec;
  }
}

class MultiHeadAttentionWrapper extends nn.Module {
  heads: nn.ModuleList;
  constructor(dIn: number, dOut: number, contextLength: number, dropout: number, numHeads: number, qkvBias = false) {
    super();
    this.heads = new nn.ModuleList(
      Array.from({ length: numHeads }, () => new CausalAttention(dIn, dOut, contextLength, dropout, qkvBias)),
    );
  }

  override forward(x: Tensor): Tensor {
    return torch.cat([...this.heads].map((head) => head.forward(x) as Tensor), { dim: -1 });
  }
}

class MultiHeadAttention extends nn.Module {
  d_out: number;
  num_heads: number;
  head_dim: number;
  W_query: nn.Linear;
  W_key: nn.Linear;
  W_value: nn.Linear;
  out_proj: nn.Linear;
  dropout: nn.Dropout;
  declare mask: Tensor;
  constructor(dIn: number, dOut: number, contextLength: number, dropout: number, numHeads: number, qkvBias = false) {
    super();
    assert.ok(dOut % numHeads === 0, 'd_out must be divisible by num_heads');
    this.d_out = dOut;
    this.num_heads = numHeads;
    this.head_dim = Math.floor(dOut / numHeads); // Reduce the projection dim to match desired output dim
    this.W_query = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.W_key = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.W_value = new nn.Linear(dIn, dOut, { bias: qkvBias });
    this.out_proj = new nn.Linear(dOut, dOut); // Linear layer to combine head outputs
    this.dropout = new nn.Dropout(dropout);
    this.registerBuffer('mask', torch.triu(torch.ones(contextLength, contextLength), { diagonal: 1 }));
  }

  override forward(x: Tensor): Tensor {
    const [b, numTokens] = x.shape;
    let keys = this.W_key.forward(x); // Shape: (b, num_tokens, d_out)
    let queries = this.W_query.forward(x);
    let values = this.W_value.forward(x);
    // We implicitly split the matrix by adding a `num_heads` dimension
    // Unroll last dim: (b, num_tokens, d_out) -> (b, num_tokens, num_heads, head_dim)
    keys = keys.view(b, numTokens, this.num_heads, this.head_dim);
    values = values.view(b, numTokens, this.num_heads, this.head_dim);
    queries = queries.view(b, numTokens, this.num_heads, this.head_dim);
    // Transpose: (b, num_tokens, num_heads, head_dim) -> (b, num_heads, num_tokens, head_dim)
    keys = keys.transpose(1, 2);
    queries = queries.transpose(1, 2);
    values = values.transpose(1, 2);
    // Compute scaled dot-product attention (aka self-attention) with a causal mask
    const attnScores = queries.matmul(keys.transpose(2, 3)); // Dot product for each head
    // Original mask truncated to the number of tokens and converted to boolean
    const maskBool = this.mask.bool().index(`:${numTokens}`, `:${numTokens}`);
    // Use the mask to fill attention scores
    attnScores.maskedFill_(maskBool, -torch.inf);
    let attnWeights = torch.softmax(attnScores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    attnWeights = this.dropout.forward(attnWeights);
    // Shape: (b, num_tokens, num_heads, head_dim)
    let contextVec = attnWeights.matmul(values).transpose(1, 2);
    // Combine heads, where self.d_out = self.num_heads * self.head_dim
    contextVec = contextVec.contiguous().view(b, numTokens, this.d_out);
    contextVec = this.out_proj.forward(contextVec); // optional projection
    return contextVec;
  }
}

test('ch03: attention walkthrough, SelfAttention_v1/v2, causal mask, CausalAttention, MultiHeadAttention(Wrapper)', () => {
  const want = fx.ch03;
  PRINTED = [];
  const query = inputs.index(1); // 2nd input token is the query
  let attnScores2 = torch.empty(inputs.shape[0]);
  for (const [i, xI] of [...inputs].entries()) {
    attnScores2.indexPut_([i], torch.dot(xI, query)); // dot product (transpose not necessary here since they are 1-dim vectors)
  }
  assert.equal(String(attnScores2), want.attn_scores_2);
  const attnWeights2Tmp = attnScores2.div(attnScores2.sum());
  // float32 rounding (1 ulp): PyTorch's attn_weights_2_tmp.sum() prints tensor(1.0000) (not exactly
  // 1), torchlette's is exactly 1 and prints tensor(1.). Compared to 1e-6 here.
  assert.equal(String(attnWeights2Tmp), want.tmp[0]);
  close(num(attnWeights2Tmp.sum()), 1, 1e-6, 'attn_weights_2_tmp.sum()');
  const attnWeights2Naive = softmaxNaive(attnScores2);
  assert.deepEqual([String(attnWeights2Naive), String(attnWeights2Naive.sum())], want.naive);
  let attnWeights2 = torch.softmax(attnScores2, { dim: 0 });
  assert.deepEqual([String(attnWeights2), String(attnWeights2.sum())], want.softmax);
  let contextVec2 = torch.zeros(query.shape);
  for (const [i, xI] of [...inputs].entries()) {
    contextVec2.add_(attnWeights2.index(i).mul(xI)); // context_vec_2 += attn_weights_2[i] * x_i
  }
  assert.equal(String(contextVec2), want.context_vec_2);

  let attnScores = torch.empty(6, 6);
  for (const [i, xI] of [...inputs].entries()) {
    for (const [j, xJ] of [...inputs].entries()) attnScores.indexPut_([i, j], torch.dot(xI, xJ));
  }
  assert.equal(String(attnScores), want.attn_scores_loop);
  attnScores = inputs.matmul(inputs.T);
  assert.equal(String(attnScores), want.attn_scores);
  let attnWeights = torch.softmax(attnScores, { dim: -1 });
  assert.equal(String(attnWeights), want.attn_weights);
  // The row sums print 1.0000 in PyTorch (1.00000012: its softmax values are 1 ulp above
  // torchlette's, e.g. 0.209834769 vs 0.209834754) and 1. here (exactly 1): compared as numbers.
  closeAll(flat(attnWeights.sum({ dim: -1 })), [1, 1, 1, 1, 1, 1], 1e-6, 'row sums');
  assert.equal(want.row_sums, 'tensor([1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000])');
  const allContextVecs = attnWeights.matmul(inputs);
  assert.equal(String(allContextVecs), want.all_context_vecs);

  const x2 = inputs.index(1); // second input element
  let dIn = inputs.shape[1]; // the input embedding size, d=3
  let dOut = 2; // the output embedding size, d=2
  torch.manualSeed(123);
  const W_query = new torch.nn.Parameter(torch.rand(dIn, dOut), { requiresGrad: false });
  const W_key = new torch.nn.Parameter(torch.rand(dIn, dOut), { requiresGrad: false });
  const W_value = new torch.nn.Parameter(torch.rand(dIn, dOut), { requiresGrad: false });
  const query2 = x2.matmul(W_query); // _2 because it's with respect to the 2nd input element
  assert.equal(String(query2), want.query_2);
  let keys = inputs.matmul(W_key);
  const values = inputs.matmul(W_value);
  assert.equal(Size(keys), want.keys_shape);
  const keys2 = keys.index(1); // Python starts index at 0
  const attnScore22 = query2.dot(keys2);
  assert.equal(String(attnScore22), want.attn_score_22);
  attnScores2 = query2.matmul(keys.T); // All attention scores for given query
  assert.equal(String(attnScores2), want.attn_scores_2b);
  const dK = keys.shape[1];
  attnWeights2 = torch.softmax(attnScores2.div(dK ** 0.5), { dim: -1 });
  assert.equal(String(attnWeights2), want.attn_weights_2b);
  contextVec2 = attnWeights2.matmul(values);
  assert.equal(String(contextVec2), want.context_vec_2b);
  assert.equal(String(W_query), want.W_query_repr);

  torch.manualSeed(123);
  const saV1 = new SelfAttention_v1(dIn, dOut);
  assert.equal(String(saV1.forward(inputs)), want.sa_v1);
  assert.equal(String(saV1), want.sa_v1_repr);

  torch.manualSeed(789);
  const saV2 = new SelfAttention_v2(dIn, dOut);
  assert.equal(String(saV2.forward(inputs)), want.sa_v2);

  // Reuse the query and key weight matrices of the
  // SelfAttention_v2 object from the previous section for convenience
  const queries = saV2.W_query.forward(inputs);
  keys = saV2.W_key.forward(inputs);
  attnScores = queries.matmul(keys.T);
  attnWeights = torch.softmax(attnScores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
  assert.equal(String(attnWeights), want.v2_attn_weights);
  let contextLength = attnScores.shape[0];
  const maskSimple = torch.tril(torch.ones(contextLength, contextLength));
  assert.equal(String(maskSimple), want.mask_simple);
  const maskedSimple = attnWeights.mul(maskSimple);
  assert.equal(String(maskedSimple), want.masked_simple);
  const rowSums = maskedSimple.sum({ dim: -1, keepdim: true });
  const maskedSimpleNorm = maskedSimple.div(rowSums);
  assert.equal(String(maskedSimpleNorm), want.masked_simple_norm);
  const mask = torch.triu(torch.ones(contextLength, contextLength), { diagonal: 1 });
  const masked = attnScores.maskedFill(mask.bool(), -torch.inf);
  assert.equal(String(masked), want.masked);
  attnWeights = torch.softmax(masked.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
  assert.equal(String(attnWeights), want.masked_weights);

  torch.manualSeed(123);
  const dropout = new torch.nn.Dropout(0.5); // dropout rate of 50%
  const example = torch.ones(6, 6); // create a matrix of ones
  assert.equal(String(dropout.forward(example)), want.dropout_ones);
  torch.manualSeed(123);
  assert.equal(String(dropout.forward(attnWeights)), want.dropout_weights);

  const batch = torch.stack([inputs, inputs], { dim: 0 });
  assert.equal(Size(batch), want.batch_shape);
  torch.manualSeed(123);
  contextLength = batch.shape[1];
  const ca = new CausalAttention(dIn, dOut, contextLength, 0.0);
  let contextVecs = ca.forward(batch);
  assert.equal(String(contextVecs), want.ca);
  assert.equal(Size(contextVecs), want.ca_shape);
  assert.deepEqual(Object.keys(ca.stateDict()), want.ca_state_keys);
  assert.equal(String(ca), want.ca_repr);
  assert.deepEqual([...ca.namedBuffers()].map(([n]) => n), want.ca_buffers);
  assert.equal(String(ca.mask), want.ca_mask);

  torch.manualSeed(123);
  contextLength = batch.shape[1]; // This is the number of tokens
  [dIn, dOut] = [3, 2];
  let mha: nn.Module = new MultiHeadAttentionWrapper(dIn, dOut, contextLength, 0.0, 2);
  contextVecs = mha.forward(batch) as Tensor;
  assert.equal(String(contextVecs), want.mhaw);
  assert.equal(Size(contextVecs), want.mhaw_shape);
  assert.equal(String(mha), want.mhaw_repr);

  // (b, num_heads, num_tokens, head_dim) = (1, 2, 3, 4)
  const a = torch.tensor([[[[0.2745, 0.6584, 0.2775, 0.8573],
    [0.8993, 0.0390, 0.9268, 0.7388],
    [0.7179, 0.7058, 0.9156, 0.4340]],
  [[0.0772, 0.3565, 0.1479, 0.5331],
    [0.4066, 0.2318, 0.4545, 0.9737],
    [0.4606, 0.5159, 0.4220, 0.5786]]]]);
  assert.equal(String(a.matmul(a.transpose(2, 3))), want.a_at_aT);
  const firstHead = a.index(0, 0, ':', ':');
  const firstRes = firstHead.matmul(firstHead.T);
  assert.equal(String(firstRes), want.first_res);
  const secondHead = a.index(0, 1, ':', ':');
  const secondRes = secondHead.matmul(secondHead.T);
  assert.equal(String(secondRes), want.second_res);

  torch.manualSeed(123);
  [, contextLength, dIn] = batch.shape;
  dOut = 2;
  mha = new MultiHeadAttention(dIn, dOut, contextLength, 0.0, 2);
  contextVecs = mha.forward(batch) as Tensor;
  assert.equal(String(contextVecs), want.mha);
  assert.equal(Size(contextVecs), want.mha_shape);
  assert.equal(String(mha), want.mha_repr);
  assert.deepEqual(Object.keys(mha.stateDict()), want.mha_state_keys);

  // dropout inside the attention: train mode, a fixed seed
  torch.manualSeed(123);
  mha = new MultiHeadAttention(dIn, 4, contextLength, 0.5, 2);
  assertTensor(mha.forward(batch) as Tensor, want.mha_drop, { rtol: 1e-5, atol: 1e-6 }, 'mha_drop');
  checkPrinted(want.printed);
});

// ----------------------------------------------------------------------------- ch04
interface GPTConfig {
  vocab_size: number;
  context_length: number;
  emb_dim: number;
  n_heads: number;
  n_layers: number;
  drop_rate: number;
  qkv_bias: boolean;
}

class LayerNorm extends nn.Module {
  eps: number;
  scale: nn.Parameter;
  shift: nn.Parameter;
  constructor(embDim: number) {
    super();
    this.eps = 1e-5;
    this.scale = new nn.Parameter(torch.ones(embDim));
    this.shift = new nn.Parameter(torch.zeros(embDim));
  }

  override forward(x: Tensor): Tensor {
    const mean = x.mean({ dim: -1, keepdim: true });
    const vari = x.var({ dim: -1, keepdim: true, unbiased: false });
    const normX = x.sub(mean).div(torch.sqrt(vari.add(this.eps)));
    return this.scale.mul(normX).add(this.shift);
  }
}

class GELU extends nn.Module {
  constructor() {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x.mul(0.5).mul(torch.tanh(
      torch.sqrt(torch.tensor(2.0 / torch.pi)).mul(
        x.add(torch.pow(x, 3).mul(0.044715))),
    ).add(1));
  }
}

class FeedForward extends nn.Module {
  layers: nn.Sequential;
  constructor(cfg: GPTConfig) {
    super();
    this.layers = new nn.Sequential(
      new nn.Linear(cfg.emb_dim, 4 * cfg.emb_dim),
      new GELU(),
      new nn.Linear(4 * cfg.emb_dim, cfg.emb_dim),
    );
  }

  override forward(x: Tensor): Tensor {
    return this.layers.forward(x);
  }
}

class ExampleDeepNeuralNetwork extends nn.Module {
  use_shortcut: boolean;
  layers: nn.ModuleList;
  constructor(layerSizes: number[], useShortcut: boolean) {
    super();
    this.use_shortcut = useShortcut;
    this.layers = new nn.ModuleList([
      new nn.Sequential(new nn.Linear(layerSizes[0], layerSizes[1]), new GELU()),
      new nn.Sequential(new nn.Linear(layerSizes[1], layerSizes[2]), new GELU()),
      new nn.Sequential(new nn.Linear(layerSizes[2], layerSizes[3]), new GELU()),
      new nn.Sequential(new nn.Linear(layerSizes[3], layerSizes[4]), new GELU()),
      new nn.Sequential(new nn.Linear(layerSizes[4], layerSizes[5]), new GELU()),
    ]);
  }

  override forward(x: Tensor): Tensor {
    for (const layer of this.layers) {
      // Compute the output of the current layer
      const layerOutput = layer.forward(x) as Tensor;
      // Check if shortcut can be applied
      if (this.use_shortcut && JSON.stringify(x.shape) === JSON.stringify(layerOutput.shape)) x = x.add(layerOutput);
      else x = layerOutput;
    }
    return x;
  }
}

function printGradients(model: nn.Module, x: Tensor): number[] {
  // Forward pass
  const output = model.forward(x) as Tensor;
  const target = torch.tensor([[0.0]], { dtype: torch.float32 }); // torch.tensor([[0.]])
  // Calculate loss based on how close the target and output are
  const lossFn = new nn.MSELoss();
  const loss = lossFn.forward(output, target);
  // Backward pass to calculate the gradients
  loss.backward();
  const grads: number[] = [];
  for (const [name, param] of model.namedParameters()) {
    if (name.includes('weight')) {
      // Print the mean absolute gradient of the weights
      print(`${name} has gradient mean of ${num(param.grad!.abs().mean())}`);
      grads.push(num(param.grad!.abs().mean()));
    }
  }
  return grads;
}

class TransformerBlock extends nn.Module {
  att: MultiHeadAttention;
  ff: FeedForward;
  norm1: LayerNorm;
  norm2: LayerNorm;
  drop_shortcut: nn.Dropout;
  constructor(cfg: GPTConfig) {
    super();
    this.att = new MultiHeadAttention(cfg.emb_dim, cfg.emb_dim, cfg.context_length, cfg.drop_rate, cfg.n_heads, cfg.qkv_bias);
    this.ff = new FeedForward(cfg);
    this.norm1 = new LayerNorm(cfg.emb_dim);
    this.norm2 = new LayerNorm(cfg.emb_dim);
    this.drop_shortcut = new nn.Dropout(cfg.drop_rate);
  }

  override forward(x: Tensor): Tensor {
    // Shortcut connection for attention block
    let shortcut = x;
    x = this.norm1.forward(x);
    x = this.att.forward(x); // Shape [batch_size, num_tokens, emb_size]
    x = this.drop_shortcut.forward(x);
    x = x.add(shortcut); // Add the original input back
    // Shortcut connection for feed forward block
    shortcut = x;
    x = this.norm2.forward(x);
    x = this.ff.forward(x);
    x = this.drop_shortcut.forward(x);
    x = x.add(shortcut); // Add the original input back
    return x;
  }
}

class GPTModel extends nn.Module {
  tok_emb: nn.Embedding;
  pos_emb: nn.Embedding;
  drop_emb: nn.Dropout;
  trf_blocks: nn.Sequential;
  final_norm: LayerNorm;
  out_head: nn.Module;
  constructor(cfg: GPTConfig) {
    super();
    this.tok_emb = new nn.Embedding(cfg.vocab_size, cfg.emb_dim);
    this.pos_emb = new nn.Embedding(cfg.context_length, cfg.emb_dim);
    this.drop_emb = new nn.Dropout(cfg.drop_rate);
    this.trf_blocks = new nn.Sequential(...Array.from({ length: cfg.n_layers }, () => new TransformerBlock(cfg)));
    this.final_norm = new LayerNorm(cfg.emb_dim);
    this.out_head = new nn.Linear(cfg.emb_dim, cfg.vocab_size, { bias: false });
  }

  override forward(inIdx: Tensor): Tensor {
    const [, seqLen] = inIdx.shape;
    const tokEmbeds = this.tok_emb.forward(inIdx);
    const posEmbeds = this.pos_emb.forward(torch.arange(seqLen, { device: inIdx.device }));
    let x = tokEmbeds.add(posEmbeds); // Shape [batch_size, num_tokens, emb_size]
    x = this.drop_emb.forward(x);
    x = this.trf_blocks.forward(x);
    x = this.final_norm.forward(x);
    const logits = this.out_head.forward(x) as Tensor;
    return logits;
  }
}
const block = (m: GPTModel, b: number): TransformerBlock => m.trf_blocks.get(b) as TransformerBlock;
const linear = (m: nn.Module): nn.Linear => m as nn.Linear;

function generateTextSimple(model: nn.Module, idx: Tensor, maxNewTokens: number, contextSize: number): Tensor {
  // idx is (batch, n_tokens) array of indices in the current context
  for (let _ = 0; _ < maxNewTokens; _++) {
    // Crop current context if it exceeds the supported context size
    const idxCond = idx.index(':', `-${contextSize}:`);
    // Get the predictions
    let logits = torch.noGrad(() => model.forward(idxCond) as Tensor);
    // Focus only on the last time step
    // (batch, n_tokens, vocab_size) becomes (batch, vocab_size)
    logits = logits.index(':', -1, ':');
    // Apply softmax to get probabilities
    const probas = torch.softmax(logits, { dim: -1 }); // (batch, vocab_size)
    // Get the idx of the vocab entry with the highest probability value
    const idxNext = torch.argmax(probas, { dim: -1, keepdim: true }); // (batch, 1)
    // Append sampled index to the running sequence
    idx = torch.cat([idx, idxNext], { dim: 1 }); // (batch, n_tokens+1)
  }
  return idx;
}

const GPT_CONFIG_TINY: GPTConfig = {
  vocab_size: VOCAB.size, // Vocabulary size (GPT-2: 50257)
  context_length: 16, // Context length (GPT-2: 1024)
  emb_dim: 32, // Embedding dimension (GPT-2: 768)
  n_heads: 2, // Number of attention heads (GPT-2: 12)
  n_layers: 2, // Number of layers (GPT-2: 12)
  drop_rate: 0.1, // Dropout rate
  qkv_bias: false, // Query-Key-Value bias
};

test('ch04: LayerNorm, GELU, FeedForward, shortcut gradients, TransformerBlock, GPTModel, generate_text_simple', () => {
  const want = fx.ch04;
  PRINTED = [];
  const tokenizer = TOKENIZER;
  const txt1 = 'Every effort moves you';
  const txt2 = 'Every day holds a';
  const batch = torch.stack([torch.tensor(tokenizer.encode(txt1)), torch.tensor(tokenizer.encode(txt2))], { dim: 0 });
  assert.equal(String(batch), want.batch);

  torch.manualSeed(123);
  // create 2 training examples with 5 dimensions (features) each
  const batchExample = torch.randn(2, 5);
  const layer = new nn.Sequential(new nn.Linear(5, 6), new nn.ReLU());
  const out = layer.forward(batchExample);
  assert.equal(String(out), want.ln_out);
  let mean = out.mean({ dim: -1, keepdim: true });
  let vari = out.var({ dim: -1, keepdim: true });
  assert.deepEqual([String(mean), String(vari)], want.mean_var);
  const outNorm = out.sub(mean).div(torch.sqrt(vari));
  assert.equal(String(outNorm), want.out_norm);
  mean = outNorm.mean({ dim: -1, keepdim: true });
  vari = outNorm.var({ dim: -1, keepdim: true });
  assertTensor(torch.cat([mean, vari], 1), want.mean_var_norm, { rtol: 1e-5, atol: 1e-6 }, 'mean/var of out_norm');
  torch.setPrintoptions({ sciMode: false });
  try {
    // The means are float32 rounding residues (~1e-8, see mean_var_norm above): their sign decides
    // between '0.0000' and '-0.0000' (PyTorch: 9.9e-09 and 2.0e-08), so only the variances compare as text.
    assert.equal(String(vari), want.mean_var_nosci[1]);
    assert.equal(String(mean.abs()), want.mean_var_nosci[0].replace('grad_fn=<MeanBackward1>', 'grad_fn=<AbsBackward0>'));
    const ln = new LayerNorm(5);
    const outLn = ln.forward(batchExample);
    mean = outLn.mean({ dim: -1, keepdim: true });
    vari = outLn.var({ dim: -1, unbiased: false, keepdim: true });
    assert.equal(String(vari), want.ln_mean_var[1]);
    assert.equal(String(mean.abs()).replace(/ +/g, ' '), want.ln_mean_var[0].replace('-', '').replace('grad_fn=<MeanBackward1>', 'grad_fn=<AbsBackward0>').replace(/ +/g, ' '));
    assert.equal(String(ln), want.ln_repr);
  } finally {
    torch.setPrintoptions({ profile: 'default' });
  }

  const [gelu, relu] = [new GELU(), new nn.ReLU()];
  let x = torch.linspace(-3, 3, 100);
  const [yGelu] = [gelu.forward(x), relu.forward(x)];
  assertTensor(yGelu, want.gelu, { rtol: 1e-6, atol: 1e-7 }, 'GELU');
  assertTensor(yGelu.sub(new nn.GELU({ approximate: 'tanh' }).forward(x)), want.gelu_vs_nn, { rtol: 0, atol: 1e-6 }, 'GELU - nn.GELU(tanh)');
  const ffn = new FeedForward(GPT_CONFIG_TINY);
  x = torch.rand(2, 3, 32);
  assert.equal(Size(ffn.forward(x)), want.ffn_shape);
  assert.equal(String(ffn), want.ffn_repr);

  const layerSizes = [3, 3, 3, 3, 3, 1];
  // torch.tensor([[1., 0., -1.]]): a JavaScript number literal has no float/int distinction (README), so the dtype is spelled out
  const sampleInput = torch.tensor([[1.0, 0.0, -1.0]], { dtype: torch.float32 });
  torch.manualSeed(123);
  const modelWithoutShortcut = new ExampleDeepNeuralNetwork(layerSizes, false);
  closeAll(printGradients(modelWithoutShortcut, sampleInput), want.grads_without, 1e-5, 'grads without shortcut');
  torch.manualSeed(123);
  const modelWithShortcut = new ExampleDeepNeuralNetwork(layerSizes, true);
  closeAll(printGradients(modelWithShortcut, sampleInput), want.grads_with, 1e-5, 'grads with shortcut');

  torch.manualSeed(123);
  x = torch.rand(2, 4, 32); // Shape: [batch_size, num_tokens, emb_dim]
  const blk = new TransformerBlock(GPT_CONFIG_TINY);
  const output = blk.forward(x);
  print('Input shape:', Size(x));
  print('Output shape:', Size(output));
  assertTensor(output, want.block_out, { rtol: 1e-5, atol: 1e-6 }, 'TransformerBlock');

  torch.manualSeed(123);
  const model = new GPTModel(GPT_CONFIG_TINY);
  let out2 = model.forward(batch);
  print('Input batch:\n', batch);
  print('\nOutput shape:', Size(out2));
  assertTensor(out2, want.logits, { rtol: 1e-5, atol: 1e-6 }, 'GPTModel logits');
  assert.equal(String(model), want.model_repr);
  const totalParams = numParams(model.parameters());
  print(`Total number of parameters: ${commas(totalParams)}`);
  print('Token embedding layer shape:', Size(model.tok_emb.weight));
  print('Output layer shape:', Size(linear(model.out_head).weight));
  const totalParamsGpt2 = totalParams - numParams(model.out_head.parameters());
  print(`Number of trainable parameters considering weight tying: ${commas(totalParamsGpt2)}`);
  // Calculate the total size in bytes (assuming float32, 4 bytes per parameter)
  const totalSizeBytes = totalParams * 4;
  // Convert to megabytes
  const totalSizeMb = totalSizeBytes / (1024 * 1024);
  print(`Total size of the model: ${totalSizeMb.toFixed(2)} MB`);
  assert.deepEqual(Object.keys(model.stateDict()), want.state_keys);
  assert.deepEqual([...model.namedParameters()].map(([n, p]) => [n, p.shape]), want.named_params);

  const startContext = 'Every effort moves you';
  const encoded = tokenizer.encode(startContext);
  print('encoded:', pyList(encoded));
  const encodedTensor = torch.tensor(encoded).unsqueeze(0); // A
  print('encoded_tensor.shape:', Size(encodedTensor));
  model.eval(); // A
  out2 = generateTextSimple(model, encodedTensor, 6, GPT_CONFIG_TINY.context_length);
  print('Output:', out2);
  print('Output length:', out2.index(0).size(0));
  const decodedText = tokenizer.decode(out2.squeeze(0).tolist() as number[]);
  print(decodedText);
  // past the context length: idx[:, -context_size:] crops
  out2 = generateTextSimple(model, encodedTensor, 20, GPT_CONFIG_TINY.context_length);
  assert.deepEqual(out2.tolist(), want.long_gen);

  // weight tying as GPT-2 does it: one Parameter in two modules
  torch.manualSeed(123);
  const tied = new GPTModel(GPT_CONFIG_TINY);
  linear(tied.out_head).weight = tied.tok_emb.weight;
  assert.equal(linear(tied.out_head).weight === tied.tok_emb.weight, want.tied_is);
  assert.equal(numParams(tied.parameters()), want.tied_numel);
  assert.equal([...tied.parameters()].length, want.tied_n_params);
  assert.deepEqual([...tied.namedParameters()].map(([n]) => n), want.tied_named);
  assert.deepEqual(Object.keys(tied.stateDict()), want.tied_state_keys);
  assertTensor((tied.eval() as GPTModel).forward(batch), want.tied_logits, { rtol: 1e-5, atol: 1e-5 }, 'tied logits (magnitudes ~10: N(0, 1) embeddings as the head)');
  checkPrinted(want.printed);
});

// ----------------------------------------------------------------------------- ch05
function textToTokenIds(text: string, tokenizer: SimpleTokenizerV2): Tensor {
  const encoded = tokenizer.encode(text);
  const encodedTensor = torch.tensor(encoded).unsqueeze(0); // add batch dimension
  return encodedTensor;
}

function tokenIdsToText(tokenIds: Tensor, tokenizer: SimpleTokenizerV2): string {
  const flatIds = tokenIds.squeeze(0); // remove batch dimension
  return tokenizer.decode(flatIds.tolist() as number[]);
}

function calcLossBatch(inputBatch: Tensor, targetBatch: Tensor, model: nn.Module, device: torch.Device): Tensor {
  [inputBatch, targetBatch] = [inputBatch.to(device), targetBatch.to(device)];
  const logits = model.forward(inputBatch) as Tensor;
  const loss = torch.nn.functional.crossEntropy(logits.flatten(0, 1), targetBatch.flatten());
  return loss;
}

type LossBatchFn = typeof calcLossBatch;
function calcLossLoader(dataLoader: Loader, model: nn.Module, device: torch.Device, numBatches: number | null = null, lossBatch: LossBatchFn = calcLossBatch): number {
  let totalLoss = 0.0;
  if (dataLoader.length === 0) return NaN;
  else if (numBatches === null) numBatches = dataLoader.length;
  // Reduce the number of batches to match the total number of batches in the data loader
  // if num_batches exceeds the number of batches in the data loader
  else numBatches = Math.min(numBatches, dataLoader.length);
  for (const [i, [inputBatch, targetBatch]] of [...dataLoader].entries()) {
    if (i < numBatches) {
      const loss = lossBatch(inputBatch, targetBatch, model, device);
      totalLoss += num(loss);
    } else break;
  }
  return totalLoss / numBatches;
}

function evaluateModel(model: nn.Module, trainLoader: Loader, valLoader: Loader, device: torch.Device, evalIter: number, lossBatch: LossBatchFn = calcLossBatch): [number, number] {
  model.eval();
  const [trainLoss, valLoss] = torch.noGrad(() => [
    calcLossLoader(trainLoader, model, device, evalIter, lossBatch),
    calcLossLoader(valLoader, model, device, evalIter, lossBatch),
  ]);
  model.train();
  return [trainLoss, valLoss];
}

function generateAndPrintSample(model: GPTModel, tokenizer: SimpleTokenizerV2, device: torch.Device, startContext: string): void {
  model.eval();
  const contextSize = model.pos_emb.weight.shape[0];
  const encoded = textToTokenIds(startContext, tokenizer).to(device);
  const tokenIds = torch.noGrad(() => generateTextSimple(model, encoded, 12, contextSize)); // 50 in the book
  const decodedText = tokenIdsToText(tokenIds, tokenizer);
  print(decodedText.replaceAll('\n', ' ')); // Compact print format
  model.train();
}

const step6 = (n: number): string => String(n).padStart(6, '0');

function trainModelSimple(model: GPTModel, trainLoader: Loader, valLoader: Loader, optimizer: torch.optim.Optimizer, device: torch.Device, numEpochs: number,
  evalFreq: number, evalIter: number, startContext: string, tokenizer: SimpleTokenizerV2): [number[], number[], number[]] {
  // Initialize lists to track losses and tokens seen
  const [trainLosses, valLosses, trackTokensSeen]: number[][] = [[], [], []];
  let [tokensSeen, globalStep] = [0, -1];
  // Main training loop
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    model.train(); // Set model to training mode
    for (const [inputBatch, targetBatch] of trainLoader) {
      optimizer.zeroGrad(); // Reset loss gradients from previous batch iteration
      const loss = calcLossBatch(inputBatch, targetBatch, model, device);
      loss.backward(); // Calculate loss gradients
      optimizer.step(); // Update model weights using loss gradients
      tokensSeen += inputBatch.numel();
      globalStep += 1;
      // Optional evaluation step
      if (globalStep % evalFreq === 0) {
        const [trainLoss, valLoss] = evaluateModel(model, trainLoader, valLoader, device, evalIter);
        trainLosses.push(trainLoss);
        valLosses.push(valLoss);
        trackTokensSeen.push(tokensSeen);
        print(`Ep ${epoch + 1} (Step ${step6(globalStep)}): Train loss ${trainLoss.toFixed(3)}, Val loss ${valLoss.toFixed(3)}`);
      }
    }
    // Print a sample text after each epoch
    generateAndPrintSample(model, tokenizer, device, startContext);
  }
  return [trainLosses, valLosses, trackTokensSeen];
}

function generate(model: nn.Module, idx: Tensor, maxNewTokens: number, contextSize: number, temperature = 0.0, topK: number | null = null, eosId: number | null = null): Tensor {
  // For-loop is the same as before: Get logits, and only focus on last time step
  for (let _ = 0; _ < maxNewTokens; _++) {
    const idxCond = idx.index(':', `-${contextSize}:`);
    let logits = torch.noGrad(() => model.forward(idxCond) as Tensor);
    logits = logits.index(':', -1, ':');
    // New: Filter logits with top_k sampling
    if (topK !== null) {
      // Keep only top_k values
      const [topLogits] = torch.topk(logits, topK);
      const minVal = topLogits.index(':', -1);
      logits = torch.where(logits.lt(minVal), torch.tensor(-Infinity).to(logits.device), logits);
    }
    let idxNext: Tensor;
    // New: Apply temperature scaling
    if (temperature > 0.0) {
      logits = logits.div(temperature);
      // Apply softmax to get probabilities
      const probs = torch.softmax(logits, { dim: -1 }); // (batch_size, context_len)
      // Sample from the distribution
      idxNext = torch.multinomial(probs, { numSamples: 1 }); // (batch_size, 1)
    } else {
      // Otherwise same as before: get idx of the vocab entry with the highest logits value
      idxNext = torch.argmax(logits, { dim: -1, keepdim: true }); // (batch_size, 1)
    }
    // `idx_next == eos_id` with eos_id=None is False in Python (Tensor.__eq__(None))
    if (eosId !== null && Boolean(idxNext.eq(eosId).item())) break; // Stop generating early if end-of-sequence token is encountered and eos_id is specified
    // Same as before: append sampled index to the running sequence
    idx = torch.cat([idx, idxNext], { dim: 1 }); // (batch_size, num_tokens+1)
  }
  return idx;
}

class ValueError extends Error {}

/** numpy arrays are tensors here: `torch.tensor(right)` copies them (PyTorch warns for a tensor argument, as torchlette does). */
function assign(left: Tensor, right: Tensor): nn.Parameter {
  if (JSON.stringify(left.shape) !== JSON.stringify(right.shape)) {
    throw new ValueError(`Shape mismatch. Left: ${Size(left)}, Right: ${pyTuple(right.shape)}`);
  }
  return new torch.nn.Parameter(right.clone().detach()); // torch.tensor(right) of a numpy array: a copy
}

interface Gpt2Block {
  attn: { c_attn: { w: Tensor; b: Tensor }; c_proj: { w: Tensor; b: Tensor } };
  mlp: { c_fc: { w: Tensor; b: Tensor }; c_proj: { w: Tensor; b: Tensor } };
  ln_1: { g: Tensor; b: Tensor };
  ln_2: { g: Tensor; b: Tensor };
}
interface Gpt2Params { wte: Tensor; wpe: Tensor; blocks: Gpt2Block[]; g: Tensor; b: Tensor }

function loadWeightsIntoGpt(gpt: GPTModel, params: Gpt2Params): void {
  gpt.pos_emb.weight = assign(gpt.pos_emb.weight, params.wpe);
  gpt.tok_emb.weight = assign(gpt.tok_emb.weight, params.wte);
  for (let b = 0; b < params.blocks.length; b++) {
    const blk = block(gpt, b);
    // np.split(a, 3, axis=-1) -> torch.tensorSplit(a, 3, { dim: -1 })
    const [qW, kW, vW] = torch.tensorSplit(params.blocks[b].attn.c_attn.w, 3, { dim: -1 });
    blk.att.W_query.weight = assign(blk.att.W_query.weight, qW.T);
    blk.att.W_key.weight = assign(blk.att.W_key.weight, kW.T);
    blk.att.W_value.weight = assign(blk.att.W_value.weight, vW.T);
    const [qB, kB, vB] = torch.tensorSplit(params.blocks[b].attn.c_attn.b, 3, { dim: -1 });
    blk.att.W_query.bias = assign(blk.att.W_query.bias!, qB);
    blk.att.W_key.bias = assign(blk.att.W_key.bias!, kB);
    blk.att.W_value.bias = assign(blk.att.W_value.bias!, vB);
    blk.att.out_proj.weight = assign(blk.att.out_proj.weight, params.blocks[b].attn.c_proj.w.T);
    blk.att.out_proj.bias = assign(blk.att.out_proj.bias!, params.blocks[b].attn.c_proj.b);
    linear(blk.ff.layers.get(0)).weight = assign(linear(blk.ff.layers.get(0)).weight, params.blocks[b].mlp.c_fc.w.T);
    linear(blk.ff.layers.get(0)).bias = assign(linear(blk.ff.layers.get(0)).bias!, params.blocks[b].mlp.c_fc.b);
    linear(blk.ff.layers.get(2)).weight = assign(linear(blk.ff.layers.get(2)).weight, params.blocks[b].mlp.c_proj.w.T);
    linear(blk.ff.layers.get(2)).bias = assign(linear(blk.ff.layers.get(2)).bias!, params.blocks[b].mlp.c_proj.b);
    blk.norm1.scale = assign(blk.norm1.scale, params.blocks[b].ln_1.g);
    blk.norm1.shift = assign(blk.norm1.shift, params.blocks[b].ln_1.b);
    blk.norm2.scale = assign(blk.norm2.scale, params.blocks[b].ln_2.g);
    blk.norm2.shift = assign(blk.norm2.shift, params.blocks[b].ln_2.b);
  }
  gpt.final_norm.scale = assign(gpt.final_norm.scale, params.g);
  gpt.final_norm.shift = assign(gpt.final_norm.shift, params.b);
  linear(gpt.out_head).weight = assign(linear(gpt.out_head).weight, params.wte);
}

interface Settings { n_vocab: number; n_ctx: number; n_embd: number; n_head: number; n_layer: number }
/** OpenAI's checkpoint layout (as load_gpt2_params_from_tf_ckpt returns it), drawn with seed 7 as in the fixture. */
function fakeGpt2Params(settings: Settings): Gpt2Params {
  torch.manualSeed(7);
  const [E, V, C] = [settings.n_embd, settings.n_vocab, settings.n_ctx];
  const w = (...shape: number[]): Tensor => torch.randn(...shape).mul(0.02);
  const g = (n: number): Tensor => torch.randn(n).mul(0.1).add(1); // 1 + 0.1 * randn(n)
  const params: Gpt2Params = { wte: w(V, E), wpe: w(C, E), blocks: [], g: null!, b: null! };
  for (let i = 0; i < settings.n_layer; i++) {
    const attn = { c_attn: { w: w(E, 3 * E), b: w(3 * E) }, c_proj: { w: w(E, E), b: w(E) } };
    const mlp = { c_fc: { w: w(E, 4 * E), b: w(4 * E) }, c_proj: { w: w(4 * E, E), b: w(E) } };
    const ln_1 = { g: g(E), b: w(E) };
    const ln_2 = { g: g(E), b: w(E) };
    params.blocks.push({ attn, mlp, ln_1, ln_2 });
  }
  params.g = g(E);
  params.b = w(E);
  return params;
}

const BASE_CONFIG: GPTConfig = {
  vocab_size: VOCAB.size, // Vocabulary size
  context_length: 16, // Context length
  drop_rate: 0.0, // Dropout rate
  qkv_bias: true, // Query-key-value bias
  emb_dim: 32, n_layers: 2, n_heads: 2,
};
const SETTINGS: Settings = { n_vocab: VOCAB.size, n_ctx: 16, n_embd: 32, n_head: 2, n_layer: 2 };

function trainValLoaders(): [Loader, Loader] {
  const textData = TEXT;
  // Train/validation ratio
  const trainRatio = 0.90;
  const splitIdx = Math.trunc(trainRatio * textData.length);
  const trainData = textData.slice(0, splitIdx);
  const valData = textData.slice(splitIdx);
  torch.manualSeed(123);
  const trainLoader = createDataloaderV1(trainData, { batchSize: 2, maxLength: GPT_CONFIG_TINY.context_length, stride: GPT_CONFIG_TINY.context_length, dropLast: true, shuffle: true, numWorkers: 0 });
  const valLoader = createDataloaderV1(valData, { batchSize: 2, maxLength: GPT_CONFIG_TINY.context_length, stride: GPT_CONFIG_TINY.context_length, dropLast: false, shuffle: false, numWorkers: 0 });
  return [trainLoader, valLoader];
}

test('ch05: loss walkthrough, train_model_simple (AdamW), decoding strategies, generate, save/load, load_weights_into_gpt', () => {
  const want = fx.ch05;
  PRINTED = [];
  const tokenizer = TOKENIZER;
  const device = torch.device('cpu');
  torch.manualSeed(123);
  let model = new GPTModel(GPT_CONFIG_TINY);
  model.eval(); // Disable dropout during inference

  const startContext = 'Every effort moves you';
  let tokenIds = generateTextSimple(model, textToTokenIds(startContext, tokenizer), 10, GPT_CONFIG_TINY.context_length);
  print('Output text:\n', tokenIdsToText(tokenIds, tokenizer));

  const inputs_ = torch.tensor([tokenizer.encode('every effort moves'), tokenizer.encode('I had always')]);
  const targets = torch.tensor([tokenizer.encode('effort moves you'), tokenizer.encode('had always thought')]);
  const logits = torch.noGrad(() => model.forward(inputs_));
  let probas = torch.softmax(logits, { dim: -1 }); // Probability of each token in vocabulary
  print(Size(probas)); // Shape: (batch_size, num_tokens, vocab_size)
  tokenIds = torch.argmax(probas, { dim: -1, keepdim: true });
  print('Token IDs:\n', tokenIds);
  print(`Targets batch 1: ${tokenIdsToText(targets.index(0), tokenizer)}`);
  print(`Outputs batch 1: ${tokenIdsToText(tokenIds.index(0).flatten(), tokenizer)}`);
  let textIdx = 0;
  // probas[text_idx, [0, 1, 2], targets[text_idx]]
  const targetProbas1 = probas.index(textIdx, [0, 1, 2], targets.index(textIdx));
  print('Text 1:', targetProbas1);
  textIdx = 1;
  const targetProbas2 = probas.index(textIdx, [0, 1, 2], targets.index(textIdx));
  print('Text 2:', targetProbas2);
  // Compute logarithm of all token probabilities
  const logProbas = torch.log(torch.cat([targetProbas1, targetProbas2]));
  print(logProbas);
  // Calculate the average probability for each token
  const avgLogProbas = torch.mean(logProbas);
  print(avgLogProbas);
  const negAvgLogProbas = avgLogProbas.mul(-1);
  print(negAvgLogProbas);
  print('Logits shape:', Size(logits));
  print('Targets shape:', Size(targets));
  const logitsFlat = logits.flatten(0, 1);
  const targetsFlat = targets.flatten();
  print('Flattened logits:', Size(logitsFlat));
  print('Flattened targets:', Size(targetsFlat));
  let loss = torch.nn.functional.crossEntropy(logitsFlat, targetsFlat);
  print(loss);
  const perplexity = torch.exp(loss);
  print(perplexity);

  const textData = TEXT;
  const totalCharacters = textData.length;
  const totalTokens = tokenizer.encode(textData).length;
  print('Characters:', totalCharacters);
  print('Tokens:', totalTokens);
  const [trainLoader, valLoader] = trainValLoaders();
  print('Train loader:');
  for (const [x, y] of trainLoader) print(Size(x), Size(y));
  print('\nValidation loader:');
  for (const [x, y] of valLoader) print(Size(x), Size(y));
  let trainTokens = 0;
  for (const [inputBatch] of trainLoader) trainTokens += inputBatch.numel();
  let valTokens = 0;
  for (const [inputBatch] of valLoader) valTokens += inputBatch.numel();
  print('Training tokens:', trainTokens);
  print('Validation tokens:', valTokens);
  print('All tokens:', trainTokens + valTokens);

  model.to(device); // no assignment model = model.to(device) necessary for nn.Module classes
  torch.manualSeed(123); // For reproducibility due to the shuffling in the data loader
  let [trainLoss, valLoss] = torch.noGrad(() => [calcLossLoader(trainLoader, model, device), calcLossLoader(valLoader, model, device)]);
  print('Training loss:', trainLoss);
  print('Validation loss:', valLoss);
  closeAll([trainLoss, valLoss], want.init_losses, 1e-6, 'initial losses');

  torch.manualSeed(123);
  model = new GPTModel(GPT_CONFIG_TINY);
  model.to(device);
  let optimizer = new torch.optim.AdamW(model.parameters(), { lr: 0.0004, weightDecay: 0.1 });
  const numEpochs = 3; // 10 in the book
  const [trainLosses, valLosses, tokensSeen] = trainModelSimple(model, trainLoader, valLoader, optimizer, device, numEpochs, 5, 5, 'Every effort moves you', tokenizer);
  closeAll(trainLosses, want.train_losses, 1e-5, 'train_losses');
  closeAll(valLosses, want.val_losses, 1e-5, 'val_losses');
  assert.deepEqual(tokensSeen, want.tokens_seen);
  const epochsTensor = torch.linspace(0, numEpochs, trainLosses.length);
  assertTensor(epochsTensor, want.epochs_tensor, { rtol: 1e-6 }, 'epochs_tensor');
  checkSumm(model.stateDict(), want.trained, 1e-4, 'trained');
  assertTensor(linear(model.out_head).weight, want.trained_out_head, { rtol: 1e-4, atol: 1e-6 }, 'trained out_head.weight');

  // 5.3 decoding strategies
  model.to('cpu');
  model.eval();
  tokenIds = generateTextSimple(model, textToTokenIds('Every effort moves you', tokenizer), 10, GPT_CONFIG_TINY.context_length);
  print('Output text:\n', tokenIdsToText(tokenIds, tokenizer));

  const vocab = new Map([['closer', 0], ['every', 1], ['effort', 2], ['forward', 3], ['inches', 4], ['moves', 5], ['pizza', 6], ['toward', 7], ['you', 8]]);
  const inverseVocab = new Map([...vocab].map(([k, v]) => [v, k]));
  // Suppose input is "every effort moves you", and the LLM
  // returns the following logits for the next token:
  const nextTokenLogits = torch.tensor([4.51, 0.89, -1.90, 6.75, 1.63, -1.62, -1.89, 6.28, 1.79]);
  probas = torch.softmax(nextTokenLogits, { dim: 0 });
  let nextTokenId = num(torch.argmax(probas));
  // The next generated token is then as follows:
  print(inverseVocab.get(nextTokenId));
  torch.manualSeed(123);
  nextTokenId = num(torch.multinomial(probas, { numSamples: 1 }));
  print(inverseVocab.get(nextTokenId));

  const printSampledTokens = (probas: Tensor): void => {
    torch.manualSeed(123); // Manual seed for reproducibility
    const sample = Array.from({ length: 1_000 }, () => num(torch.multinomial(probas, { numSamples: 1 })));
    const sampledIds = torch.bincount(torch.tensor(sample), { minlength: probas.size(0) });
    // f"{freq}" of a 0-d tensor formats its item() (a template literal would give its repr)
    for (const [i, freq] of [...sampledIds].entries()) print(`${freq.item()} x ${inverseVocab.get(i)}`);
  };
  printSampledTokens(probas);

  const softmaxWithTemperature = (logits: Tensor, temperature: number): Tensor => {
    const scaledLogits = logits.div(temperature);
    return torch.softmax(scaledLogits, { dim: 0 });
  };
  // Temperature values
  const temperatures = [1, 0.1, 5]; // Original, higher confidence, and lower confidence
  // Calculate scaled probabilities
  const scaledProbas = temperatures.map((T) => softmaxWithTemperature(nextTokenLogits, T));
  scaledProbas.forEach((p, i) => assertTensor(p, want.scaled_probas[i], { rtol: 1e-6, atol: 1e-7 }, `scaled_probas[${i}]`));
  printSampledTokens(scaledProbas[1]);
  printSampledTokens(scaledProbas[2]);

  const topK = 3;
  const [topLogits, topPos] = torch.topk(nextTokenLogits, topK);
  print('Top logits:', topLogits);
  print('Top positions:', topPos);
  let newLogits = torch.where({
    condition: nextTokenLogits.lt(topLogits.index(-1)),
    input: torch.tensor(-Infinity),
    other: nextTokenLogits,
  });
  print(newLogits);
  newLogits = torch.fullLike( // create tensor containing -inf values
    nextTokenLogits, -torch.inf);
  newLogits.indexPut_([topPos], nextTokenLogits.index(topPos)); // copy top k values into the -inf tensor
  const topkProbas = torch.softmax(newLogits, { dim: 0 });
  print(topkProbas);

  torch.manualSeed(123);
  tokenIds = generate(model, textToTokenIds('Every effort moves you', tokenizer), 15, GPT_CONFIG_TINY.context_length, 1.4, 25);
  print('Output text:\n', tokenIdsToText(tokenIds, tokenizer));
  assert.deepEqual(tokenIds.tolist(), want.gen_topk);
  torch.manualSeed(123);
  const first = generate(model, textToTokenIds('Every effort moves you', tokenizer), 1, 16, 1.4, 25);
  torch.manualSeed(123);
  const stopped = generate(model, textToTokenIds('Every effort moves you', tokenizer), 15, 16, 1.4, 25, num(first.index(0, -1)));
  assert.deepEqual(stopped.tolist(), want.gen_eos);

  // 5.4 loading and saving model weights
  torch.save(model.stateDict(), join(TMP, 'model.pth'));
  model = new GPTModel(GPT_CONFIG_TINY);
  model.loadStateDict(torch.load(join(TMP, 'model.pth'), { mapLocation: device }));
  model.eval();
  assertTensor(model.forward(inputs_), want.reloaded_logits, { rtol: 1e-4, atol: 1e-5 }, 'reloaded logits');

  torch.save({
    model_state_dict: model.stateDict(),
    optimizer_state_dict: optimizer.stateDict(),
  }, join(TMP, 'model_and_optimizer.pth'));
  // PyTorch 1.13's weights-only unpickler refuses the optimizer's float hyperparameters (the fixture
  // records its error; later PyTorch versions load the file); torchlette's loads it.
  let weightsOnlyError: string | null = null;
  try {
    torch.load(join(TMP, 'model_and_optimizer.pth'), { weightsOnly: true });
  } catch (e) {
    weightsOnlyError = (e as Error).message;
  }
  // DIVERGENCE (1.13 only): PyTorch 1.13 raises want.weights_only_error ("... WeightsUnpickler error:
  // Unsupported operand 71") for torch.load(path, weights_only=True) of an optimizer state_dict;
  // torchlette loads it, as PyTorch >= 2.0 does.
  assert.ok(weightsOnlyError === null || weightsOnlyError === want.weights_only_error, String(weightsOnlyError));
  const checkpoint = torch.load(join(TMP, 'model_and_optimizer.pth')) as Any;
  model = new GPTModel(GPT_CONFIG_TINY);
  model.loadStateDict(checkpoint.model_state_dict);
  optimizer = new torch.optim.AdamW(model.parameters(), { lr: 0.0005, weightDecay: 0.1 });
  optimizer.loadStateDict(checkpoint.optimizer_state_dict);
  model.train();
  const sd = optimizer.stateDict() as Any;
  assert.deepEqual(sd.param_groups, want.opt_param_groups);
  const state = sd.state instanceof Map ? sd.state : new Map(Object.entries(sd.state).map(([k, v]) => [Number(k), v]));
  assert.deepEqual([[...state.keys()], Object.keys(state.get(0)).sort()], want.opt_state_keys);
  assert.equal(num(state.get(0).step), want.opt_step);
  // PyTorch's own model_and_optimizer.pth holds the same model and optimizer state
  writeFileSync(join(TMP, 'py_model_and_optimizer.pth'), Buffer.from(want.ckpt_b64, 'base64'));
  const pyCheckpoint = torch.load(join(TMP, 'py_model_and_optimizer.pth')) as Any;
  for (const [k, v] of Object.entries(checkpoint.model_state_dict)) {
    const pv = pyCheckpoint.model_state_dict[k] as Tensor;
    assert.deepEqual(pv.shape, (v as Tensor).shape, k);
    assert.ok(torch.allclose(pv, v as Tensor, { rtol: 1e-4, atol: 1e-5 }), `PyTorch's checkpoint ${k}`);
  }
  const pyOpt = new torch.optim.AdamW(new GPTModel(GPT_CONFIG_TINY).parameters(), { lr: 0.0005, weightDecay: 0.1 });
  pyOpt.loadStateDict(pyCheckpoint.optimizer_state_dict);
  assert.deepEqual((pyOpt.stateDict() as Any).param_groups, want.opt_param_groups);

  // one more epoch from the restored model and optimizer
  torch.manualSeed(123);
  const resumedLosses: number[] = [];
  for (const [inputBatch, targetBatch] of trainLoader) {
    optimizer.zeroGrad();
    loss = calcLossBatch(inputBatch, targetBatch, model, device);
    loss.backward();
    optimizer.step();
    resumedLosses.push(num(loss));
  }
  closeAll(resumedLosses, want.resumed_losses, 1e-4, 'resumed losses');
  checkSumm(model.stateDict(), want.resumed_state, 1e-4, 'resumed state');

  // 5.5 loading pretrained weights (synthetic, in OpenAI's layout)
  const settings = SETTINGS;
  const params = fakeGpt2Params(settings);
  print('Settings:', `{${Object.entries(settings).map(([k, v]) => `'${k}': ${v}`).join(', ')}}`);
  print('Parameter dictionary keys:', `dict_keys([${Object.keys(params).map((k) => `'${k}'`).join(', ')}])`);
  print('Token embedding weight tensor dimensions:', pyTuple(params.wte.shape));
  const gpt = new GPTModel(BASE_CONFIG);
  gpt.eval();
  assert.throws(() => assign(gpt.pos_emb.weight, params.wte), (e: Error) => e instanceof ValueError && e.message === want.assign_error);
  loadWeightsIntoGpt(gpt, params);
  gpt.to(device);
  assert.equal(linear(gpt.out_head).weight === gpt.tok_emb.weight, want.gpt_tied_is);
  assert.equal(torch.equal(linear(gpt.out_head).weight, gpt.tok_emb.weight), want.gpt_tied_equal);
  assert.equal([...gpt.parameters()].length, want.gpt_n_params);
  assert.deepEqual([...gpt.namedParameters()].map(([n]) => n), want.gpt_named);
  assertTensor(block(gpt, 1).att.W_query.weight, want.gpt_q_w, { rtol: 0, atol: 0 }, 'W_query.weight after assign');
  torch.manualSeed(123);
  tokenIds = generate(gpt, textToTokenIds('Every effort moves you', tokenizer).to(device), 10, BASE_CONFIG.context_length, 1.5, 10);
  print('Output text:\n', tokenIdsToText(tokenIds, tokenizer));
  assertTensor(torch.noGrad(() => gpt.forward(inputs_)), want.gpt_logits, { rtol: 1e-5, atol: 1e-6 }, 'GPT-2-style logits');
  checkPrinted(want.printed);
});

test('ch05: assign() of a transposed array: torch.tensor(numpy_array.T) keeps the transposed strides in PyTorch', () => {
  // PyTorch 1.13: torch.nn.Parameter(torch.tensor(q_w.T)).is_contiguous() is False (the fixture's
  // gpt_q_w_contig) since torch.tensor of a numpy array keeps its strides; torchlette has no numpy, the
  // TypeScript assign() copies a tensor. Recorded for completeness, not a torchlette divergence.
  assert.equal(fx.ch05.gpt_q_w_contig, false);
});

// ----------------------------------------------------------------------------- ch06
const PAD = VOCAB.get('<|endoftext|>')!;

class SpamDataset extends Dataset<[Tensor, Tensor]> {
  data: [string, number][];
  encoded_texts: number[][];
  max_length: number;
  constructor(rows: [string, number][], tokenizer: SimpleTokenizerV2, maxLength: number | null = null, padTokenId = 50256) {
    super();
    this.data = rows; // pd.read_csv(csv_file): (Text, Label) rows here
    // Pre-tokenize texts
    this.encoded_texts = this.data.map(([text]) => tokenizer.encode(text));
    if (maxLength === null) {
      this.max_length = this._longestEncodedLength();
    } else {
      this.max_length = maxLength;
      // Truncate sequences if they are longer than max_length
      this.encoded_texts = this.encoded_texts.map((encodedText) => encodedText.slice(0, this.max_length));
    }
    // Pad sequences to the longest sequence
    this.encoded_texts = this.encoded_texts.map((encodedText) => [...encodedText, ...Array(this.max_length - encodedText.length).fill(padTokenId)]);
  }

  getItem(index: number): [Tensor, Tensor] {
    const encoded = this.encoded_texts[index];
    const label = this.data[index][1];
    return [torch.tensor(encoded, { dtype: torch.long }), torch.tensor(label, { dtype: torch.long })];
  }

  get length(): number {
    return this.data.length;
  }

  _longestEncodedLength(): number {
    let maxLength = 0;
    for (const encodedText of this.encoded_texts) {
      const encodedLength = encodedText.length;
      if (encodedLength > maxLength) maxLength = encodedLength;
    }
    return maxLength;
  }
}

function calcAccuracyLoader(dataLoader: Loader, model: nn.Module, device: torch.Device, numBatches: number | null = null): number {
  model.eval();
  let [correctPredictions, numExamples] = [0, 0];
  if (numBatches === null) numBatches = dataLoader.length;
  else numBatches = Math.min(numBatches, dataLoader.length);
  for (const [i, [input, target]] of [...dataLoader].entries()) {
    if (i < numBatches) {
      const [inputBatch, targetBatch] = [input.to(device), target.to(device)];
      const logits = torch.noGrad(() => (model.forward(inputBatch) as Tensor).index(':', -1, ':')); // Logits of last output token
      const predictedLabels = torch.argmax(logits, { dim: -1 });
      numExamples += predictedLabels.shape[0];
      correctPredictions += num(predictedLabels.eq(targetBatch).sum());
    } else break;
  }
  return correctPredictions / numExamples;
}

function calcLossBatchCls(inputBatch: Tensor, targetBatch: Tensor, model: nn.Module, device: torch.Device): Tensor {
  [inputBatch, targetBatch] = [inputBatch.to(device), targetBatch.to(device)];
  const logits = (model.forward(inputBatch) as Tensor).index(':', -1, ':'); // Logits of last output token
  const loss = torch.nn.functional.crossEntropy(logits, targetBatch);
  return loss;
}

function trainClassifierSimple(model: nn.Module, trainLoader: Loader, valLoader: Loader, optimizer: torch.optim.Optimizer, device: torch.Device, numEpochs: number,
  evalFreq: number, evalIter: number): [number[], number[], number[], number[], number] {
  // Initialize lists to track losses and examples seen
  const [trainLosses, valLosses, trainAccs, valAccs]: number[][] = [[], [], [], []];
  let [examplesSeen, globalStep] = [0, -1];
  // Main training loop
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    model.train(); // Set model to training mode
    for (const [inputBatch, targetBatch] of trainLoader) {
      optimizer.zeroGrad(); // Reset loss gradients from previous batch iteration
      const loss = calcLossBatchCls(inputBatch, targetBatch, model, device);
      loss.backward(); // Calculate loss gradients
      optimizer.step(); // Update model weights using loss gradients
      examplesSeen += inputBatch.shape[0]; // New: track examples instead of tokens
      globalStep += 1;
      // Optional evaluation step
      if (globalStep % evalFreq === 0) {
        const [trainLoss, valLoss] = evaluateModel(model, trainLoader, valLoader, device, evalIter, calcLossBatchCls);
        trainLosses.push(trainLoss);
        valLosses.push(valLoss);
        print(`Ep ${epoch + 1} (Step ${step6(globalStep)}): Train loss ${trainLoss.toFixed(3)}, Val loss ${valLoss.toFixed(3)}`);
      }
    }
    // Calculate accuracy after each epoch
    const trainAccuracy = calcAccuracyLoader(trainLoader, model, device, evalIter);
    const valAccuracy = calcAccuracyLoader(valLoader, model, device, evalIter);
    print(`Training accuracy: ${(trainAccuracy * 100).toFixed(2)}% | `, { end: '' });
    print(`Validation accuracy: ${(valAccuracy * 100).toFixed(2)}%`);
    trainAccs.push(trainAccuracy);
    valAccs.push(valAccuracy);
  }
  return [trainLosses, valLosses, trainAccs, valAccs, examplesSeen];
}

function classifyReview(text: string, model: GPTModel, tokenizer: SimpleTokenizerV2, device: torch.Device, maxLength: number | null = null, padTokenId = 50256): string {
  model.eval();
  // Prepare inputs to the model
  let inputIds = tokenizer.encode(text);
  const supportedContextLength = model.pos_emb.weight.shape[0];
  // Truncate sequences if they too long
  inputIds = inputIds.slice(0, Math.min(maxLength!, supportedContextLength));
  assert.ok(maxLength !== null, 'max_length must be specified. If you want to use the full model context, pass max_length=model.pos_emb.weight.shape[0].');
  assert.ok(maxLength <= supportedContextLength, `max_length (${maxLength}) exceeds model's supported context length (${supportedContextLength}).`);
  // Pad sequences to the longest sequence
  inputIds.push(...Array(maxLength - inputIds.length).fill(padTokenId));
  const inputTensor = torch.tensor(inputIds, { device }).unsqueeze(0); // add batch dimension
  // Model inference
  const logits = torch.noGrad(() => model.forward(inputTensor).index(':', -1, ':')); // Logits of the last output token
  const predictedLabel = num(torch.argmax(logits, { dim: -1 }));
  // Return the classified result
  return predictedLabel === 1 ? 'spam' : 'not spam';
}

function spamLoaders(): [SpamDataset, SpamDataset, Loader, Loader] {
  const tokenizer = TOKENIZER;
  const [trainRows, valRows] = [SMS.slice(0, 28), SMS.slice(28)];
  const trainDataset = new SpamDataset(trainRows, tokenizer, null, PAD);
  const valDataset = new SpamDataset(valRows, tokenizer, trainDataset.max_length, PAD);
  const numWorkers = 0;
  const batchSize = 4; // 8 in the book
  torch.manualSeed(123);
  const trainLoader = new DataLoader({ dataset: trainDataset, batchSize, shuffle: true, numWorkers, dropLast: true }) as Loader;
  const valLoader = new DataLoader({ dataset: valDataset, batchSize, numWorkers, dropLast: false }) as Loader;
  return [trainDataset, valDataset, trainLoader, valLoader];
}

function pretrainedGpt(): GPTModel {
  const model = new GPTModel(BASE_CONFIG);
  loadWeightsIntoGpt(model, fakeGpt2Params(SETTINGS));
  model.eval();
  return model;
}

test('ch06: SpamDataset, new out_head, freezing, last-token classification, train_classifier_simple, classify_review', () => {
  const want = fx.ch06;
  PRINTED = [];
  const tokenizer = TOKENIZER;
  const device = torch.device('cpu');
  const [trainDataset, , trainLoader, valLoader] = spamLoaders();
  print(trainDataset.max_length);
  assert.deepEqual(trainDataset.getItem(0).map((t) => t.tolist()), want.first_item);
  let inputBatch!: Tensor;
  let targetBatch!: Tensor;
  for ([inputBatch, targetBatch] of trainLoader);
  print('Input batch dimensions:', Size(inputBatch));
  print('Label batch dimensions', Size(targetBatch));
  print(`${trainLoader.length} training batches`);
  print(`${valLoader.length} validation batches`);

  const model = pretrainedGpt();
  for (const param of model.parameters()) param.requiresGrad = false;
  torch.manualSeed(123);
  const numClasses = 2;
  model.out_head = new torch.nn.Linear({ inFeatures: BASE_CONFIG.emb_dim, outFeatures: numClasses });
  for (const param of model.trf_blocks.at(-1)!.parameters()) param.requiresGrad = true;
  for (const param of model.final_norm.parameters()) param.requiresGrad = true;
  assert.deepEqual([...model.namedParameters()].filter(([, p]) => p.requiresGrad).map(([n]) => n), want.trainable);

  const inputs_ = torch.tensor(tokenizer.encode('Do you have time')).unsqueeze(0);
  print('Inputs:', inputs_);
  print('Inputs dimensions:', Size(inputs_)); // shape: (batch_size, num_tokens)
  const outputs = torch.noGrad(() => model.forward(inputs_));
  print('Outputs:\n', outputs);
  print('Outputs dimensions:', Size(outputs)); // shape: (batch_size, num_tokens, num_classes)
  print('Last output token:', outputs.index(':', -1, ':'));
  const probas = torch.softmax(outputs.index(':', -1, ':'), { dim: -1 });
  const label = torch.argmax(probas);
  print('Class label:', num(label));

  model.to(device);
  torch.manualSeed(123); // For reproducibility due to the shuffling in the training data loader
  let trainAccuracy = calcAccuracyLoader(trainLoader, model, device, 10);
  let valAccuracy = calcAccuracyLoader(valLoader, model, device, 10);
  print(`Training accuracy: ${(trainAccuracy * 100).toFixed(2)}%`);
  print(`Validation accuracy: ${(valAccuracy * 100).toFixed(2)}%`);
  const [trainLoss, valLoss] = torch.noGrad(() => [
    calcLossLoader(trainLoader, model, device, 5, calcLossBatchCls),
    calcLossLoader(valLoader, model, device, 5, calcLossBatchCls),
  ]);
  print(`Training loss: ${trainLoss.toFixed(3)}`);
  print(`Validation loss: ${valLoss.toFixed(3)}`);
  closeAll([trainAccuracy, valAccuracy, trainLoss, valLoss], want.init, 1e-5, 'initial accuracy/loss');

  torch.manualSeed(123);
  const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 5e-4, weightDecay: 0.1 }); // 5e-5 in the book
  const numEpochs = 2; // 5 in the book
  const res = trainClassifierSimple(model, trainLoader, valLoader, optimizer, device, numEpochs, 3, 2);
  closeAll(res[0], want.train[0], 1e-4, 'train_losses');
  closeAll(res[1], want.train[1], 1e-4, 'val_losses');
  assert.deepEqual(res.slice(2), want.train.slice(2));
  assert.deepEqual([...model.namedParameters()].filter(([, p]) => p.grad === null).map(([n]) => n), want.frozen_grad_none);
  assert.equal(Object.keys((optimizer.stateDict() as Any).state instanceof Map ? Object.fromEntries((optimizer.stateDict() as Any).state) : (optimizer.stateDict() as Any).state).length, want.opt_state_len);
  // The key projection's bias gets a zero gradient in exact arithmetic (softmax over the keys is
  // invariant to adding q.b_k to every score), so its float32 gradients are ~1e-9 rounding noise that
  // AdamW turns into +-lr steps: those entries are not compared (PyTorch's own runs differ there too).
  checkSumm(model.stateDict(), want.final, 1e-4, 'finetuned', /att\.W_key\.bias$/);
  assert.equal(torch.equal(block(model, 0).att.W_query.weight, block(pretrainedGpt(), 0).att.W_query.weight), want.frozen_unchanged);
  assert.deepEqual(['win free cash now!', 'see you at home later tonight.'].map((t) => classifyReview(t, model, tokenizer, device, trainDataset.max_length, PAD)), want.classified);
  checkPrinted(want.printed);
});

// ----------------------------------------------------------------------------- appendix D
const ORIG_BOOK_VERSION = false;

function findHighestGradient(model: nn.Module): Tensor | null {
  let maxGrad: Tensor | null = null;
  for (const param of model.parameters()) {
    if (param.grad !== null) {
      const gradValues = param.grad.data.flatten();
      const maxGradParam = gradValues.max();
      if (maxGrad === null || Boolean(maxGradParam.gt(maxGrad).item())) maxGrad = maxGradParam;
    }
  }
  return maxGrad;
}

function trainModel(model: GPTModel, trainLoader: Loader, valLoader: Loader, optimizer: torch.optim.Optimizer, device: torch.Device,
  nEpochs: number, evalFreq: number, evalIter: number, startContext: string, tokenizer: SimpleTokenizerV2,
  warmupSteps: number, initialLr = 3e-05, minLr = 1e-6): [number[], number[], number[], number[]] {
  const [trainLosses, valLosses, trackTokensSeen, trackLrs]: number[][] = [[], [], [], []];
  let [tokensSeen, globalStep] = [0, -1];
  // Retrieve the maximum learning rate from the optimizer
  const peakLr = optimizer.paramGroups[0].lr as number;
  // Calculate the total number of iterations in the training process
  const totalTrainingSteps = trainLoader.length * nEpochs;
  // Calculate the learning rate increment during the warmup phase
  const lrIncrement = (peakLr - initialLr) / warmupSteps;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    model.train();
    for (const [inputBatch, targetBatch] of trainLoader) {
      optimizer.zeroGrad();
      globalStep += 1;
      // Adjust the learning rate based on the current phase (warmup or cosine annealing)
      let lr: number;
      if (globalStep < warmupSteps) {
        // Linear warmup
        lr = initialLr + globalStep * lrIncrement;
      } else {
        // Cosine annealing after warmup
        const progress = (globalStep - warmupSteps) / (totalTrainingSteps - warmupSteps);
        lr = minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
      }
      // Apply the calculated learning rate to the optimizer
      for (const paramGroup of optimizer.paramGroups) paramGroup.lr = lr;
      trackLrs.push(lr); // Store the current learning rate
      // Calculate and backpropagate the loss
      const loss = calcLossBatch(inputBatch, targetBatch, model, device);
      loss.backward();
      // Apply gradient clipping after the warmup phase to avoid exploding gradients
      if (ORIG_BOOK_VERSION) {
        if (globalStep > warmupSteps) torch.nn.utils.clipGradNorm_(model.parameters(), { maxNorm: 1.0 });
      } else if (globalStep >= warmupSteps) { // the book originally used global_step > warmup_steps, which led to a skipped clipping step after warmup
        torch.nn.utils.clipGradNorm_(model.parameters(), { maxNorm: 1.0 });
      }
      optimizer.step();
      tokensSeen += inputBatch.numel();
      // Periodically evaluate the model on the training and validation sets
      if (globalStep % evalFreq === 0) {
        const [trainLoss, valLoss] = evaluateModel(model, trainLoader, valLoader, device, evalIter);
        trainLosses.push(trainLoss);
        valLosses.push(valLoss);
        trackTokensSeen.push(tokensSeen);
        // Print the current losses
        print(`Ep ${epoch + 1} (Iter ${step6(globalStep)}): Train loss ${trainLoss.toFixed(3)}, Val loss ${valLoss.toFixed(3)}`);
      }
    }
    // Generate and print a sample from the model to monitor progress
    generateAndPrintSample(model, tokenizer, device, startContext);
  }
  return [trainLosses, valLosses, trackTokensSeen, trackLrs];
}

test('appendix D: linear warmup, cosine decay, clip_grad_norm_, train_model', () => {
  const want = fx.appD;
  PRINTED = [];
  const tokenizer = TOKENIZER;
  const device = torch.device('cpu');
  const [trainLoader, valLoader] = trainValLoaders();

  // D.1 learning rate warmup
  let nEpochs = 15;
  const initialLr = 0.0001;
  let peakLr = 0.01;
  const totalSteps = trainLoader.length * nEpochs;
  const warmupSteps = Math.trunc(0.2 * totalSteps); // 20% warmup
  print(warmupSteps);

  torch.manualSeed(123);
  let model = new GPTModel(GPT_CONFIG_TINY);
  model.to(device);
  let optimizer = new torch.optim.AdamW(model.parameters(), { weightDecay: 0.1 });
  let lrIncrement = (peakLr - initialLr) / warmupSteps;
  let globalStep = -1;
  let trackLrs: number[] = [];
  let inputBatch!: Tensor;
  let targetBatch!: Tensor;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    for ([inputBatch, targetBatch] of trainLoader) {
      optimizer.zeroGrad();
      globalStep += 1;
      const lr = globalStep < warmupSteps ? initialLr + globalStep * lrIncrement : peakLr;
      // Apply the calculated learning rate to the optimizer
      for (const paramGroup of optimizer.paramGroups) paramGroup.lr = lr;
      trackLrs.push(optimizer.paramGroups[0].lr as number);
      // Calculate loss and update weights
      // ...
    }
  }
  closeAll(trackLrs, want.warmup_lrs, 1e-12, 'warmup lrs', 0);

  // D.2 cosine decay
  const minLr = 0.1 * initialLr;
  trackLrs = [];
  lrIncrement = (peakLr - initialLr) / warmupSteps;
  globalStep = -1;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    for ([inputBatch, targetBatch] of trainLoader) {
      optimizer.zeroGrad();
      globalStep += 1;
      let lr: number;
      // Adjust the learning rate based on the current phase (warmup or cosine annealing)
      if (globalStep < warmupSteps) {
        // Linear warmup
        lr = initialLr + globalStep * lrIncrement;
      } else {
        // Cosine annealing after warmup
        const progress = (globalStep - warmupSteps) / (totalSteps - warmupSteps);
        lr = minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
      }
      // Apply the calculated learning rate to the optimizer
      for (const paramGroup of optimizer.paramGroups) paramGroup.lr = lr;
      trackLrs.push(optimizer.paramGroups[0].lr as number);
    }
  }
  closeAll(trackLrs, want.cosine_lrs, 1e-12, 'cosine lrs', 0);

  // D.3 gradient clipping
  torch.manualSeed(123);
  model = new GPTModel(GPT_CONFIG_TINY);
  model.to(device);
  const loss = calcLossBatch(inputBatch, targetBatch, model, device);
  loss.backward();
  print(findHighestGradient(model));
  const totalNorm = torch.nn.utils.clipGradNorm_(model.parameters(), { maxNorm: 1.0 });
  print(findHighestGradient(model));
  close(num(totalNorm), want.total_norm, 1e-5, 'total_norm');
  assert.equal(String(totalNorm), want.total_norm_repr);

  // D.4 the modified training function
  torch.manualSeed(123);
  model = new GPTModel(GPT_CONFIG_TINY);
  model.to(device);
  peakLr = 0.001; // this was originally set to 5e-4 in the book by mistake
  optimizer = new torch.optim.AdamW(model.parameters(), { lr: peakLr, weightDecay: 0.1 }); // the book accidentally omitted the lr assignment
  nEpochs = 2; // 15 in the book
  const res = trainModel(model, trainLoader, valLoader, optimizer, device, nEpochs, 5, 1, 'Every effort moves you',
    tokenizer, Math.trunc(0.2 * trainLoader.length * nEpochs), 1e-5, 1e-5); // warmup: 20% of the reduced run
  closeAll(res[0], want.train[0], 1e-4, 'train_losses');
  closeAll(res[1], want.train[1], 1e-4, 'val_losses');
  assert.deepEqual(res[2], want.train[2]);
  closeAll(res[3], want.train[3], 1e-12, 'lrs', 0);
  checkSumm(model.stateDict(), want.final, 1e-4, 'final');
  checkPrinted(want.printed);
});

// ----------------------------------------------------------------------------- appendix E
class LoRALayer extends torch.nn.Module {
  A: nn.Parameter;
  B: nn.Parameter;
  alpha: number;
  constructor(inDim: number, outDim: number, rank: number, alpha: number) {
    super();
    this.A = new torch.nn.Parameter(torch.empty(inDim, rank));
    torch.nn.init.kaimingUniform_(this.A, { a: Math.sqrt(5) }); // similar to standard weight initialization
    this.B = new torch.nn.Parameter(torch.zeros(rank, outDim));
    this.alpha = alpha;
  }

  override forward(x: Tensor): Tensor {
    x = x.matmul(this.A).matmul(this.B).mul(this.alpha); // self.alpha * (x @ self.A @ self.B)
    return x;
  }
}

class LinearWithLoRA extends torch.nn.Module {
  linear: nn.Linear;
  lora: LoRALayer;
  constructor(linear: nn.Linear, rank: number, alpha: number) {
    super();
    this.linear = linear;
    this.lora = new LoRALayer(linear.inFeatures, linear.outFeatures, rank, alpha);
  }

  override forward(x: Tensor): Tensor {
    return this.linear.forward(x).add(this.lora.forward(x));
  }
}

function replaceLinearWithLora(model: nn.Module, rank: number, alpha: number): void {
  for (const [name, module] of model.namedChildren()) {
    if (module instanceof torch.nn.Linear) {
      // Replace the Linear layer with LinearWithLoRA (setattr(model, name, ...))
      (model as Any)[name] = new LinearWithLoRA(module, rank, alpha);
    } else {
      // Recursively apply the same function to child modules
      replaceLinearWithLora(module, rank, alpha);
    }
  }
}

test('appendix E: LoRALayer, LinearWithLoRA, replace_linear_with_lora, LoRA finetuning', () => {
  const want = fx.appE;
  PRINTED = [];
  const device = torch.device('cpu');
  const [, , trainLoader, valLoader] = spamLoaders();
  const model = pretrainedGpt();
  torch.manualSeed(123);
  const numClasses = 2;
  model.out_head = new torch.nn.Linear({ inFeatures: 32, outFeatures: numClasses }); // 768 in the book
  model.to(device);
  torch.manualSeed(123);
  let trainAccuracy = calcAccuracyLoader(trainLoader, model, device);
  let valAccuracy = calcAccuracyLoader(valLoader, model, device);
  print(`Training accuracy: ${(trainAccuracy * 100).toFixed(2)}%`);
  print(`Validation accuracy: ${(valAccuracy * 100).toFixed(2)}%`);

  let totalParams = numParams(model.parameters(), (p) => p.requiresGrad);
  print(`Total trainable parameters before: ${commas(totalParams)}`);
  for (const param of model.parameters()) param.requiresGrad = false;
  totalParams = numParams(model.parameters(), (p) => p.requiresGrad);
  print(`Total trainable parameters after: ${commas(totalParams)}`);

  torch.manualSeed(123); // (not in the book: LoRALayer's kaiming_uniform_ draws)
  replaceLinearWithLora(model, 16, 16);
  totalParams = numParams(model.parameters(), (p) => p.requiresGrad);
  print(`Total trainable LoRA parameters: ${commas(totalParams)}`);
  model.to(device);
  print(model);
  assert.deepEqual(Object.keys(model.stateDict()), want.state_keys);
  assertTensor((block(model, 0).att.W_query as unknown as LinearWithLoRA).lora.A, want.lora_A0, { rtol: 0, atol: 0 }, 'lora.A');

  torch.manualSeed(123);
  trainAccuracy = calcAccuracyLoader(trainLoader, model, device, 10);
  valAccuracy = calcAccuracyLoader(valLoader, model, device, 10);
  print(`Training accuracy: ${(trainAccuracy * 100).toFixed(2)}%`);
  print(`Validation accuracy: ${(valAccuracy * 100).toFixed(2)}%`);

  torch.manualSeed(123);
  const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 5e-4, weightDecay: 0.1 }); // 5e-5 in the book
  const numEpochs = 2; // 5 in the book
  const res = trainClassifierSimple(model, trainLoader, valLoader, optimizer, device, numEpochs, 3, 2);
  closeAll(res[0], want.train[0], 1e-4, 'train_losses');
  closeAll(res[1], want.train[1], 1e-4, 'val_losses');
  assert.deepEqual(res.slice(2), want.train.slice(2));
  checkSumm(model.stateDict(), want.lora_final, 1e-4, 'after LoRA finetuning');
  trainAccuracy = calcAccuracyLoader(trainLoader, model, device);
  valAccuracy = calcAccuracyLoader(valLoader, model, device);
  print(`Training accuracy: ${(trainAccuracy * 100).toFixed(2)}%`);
  print(`Validation accuracy: ${(valAccuracy * 100).toFixed(2)}%`);
  checkPrinted(want.printed);
});

export type { TensorJson };
