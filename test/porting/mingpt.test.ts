// karpathy/minGPT transcribed line for line: mingpt/model.py (NewGELU, CausalSelfAttention with the fused
// c_attn split and the causal `bias` buffer, Block with its ModuleDict MLP and `mlpf` lambda, GPT with
// get_default_config's model_type merging, `_init_weights` through `this.apply` and the scaled
// c_proj.weight init, configure_optimizers' decay/no_decay sets from namedModules()/namedParameters() and
// AdamW param groups, forward with crossEntropy(ignoreIndex -1), generate with temperature, top-k
// filtering and torch.multinomial), mingpt/trainer.py's Trainer (a RandomSampler with replacement,
// zeroGrad({ setToNone: true }), clipGradNorm_, max_iters), mingpt/utils.py's CfgNode and set_seed, and
// projects/adder/adder.py's AdditionDataset, eval_split and batch_end_callback, against the same program
// run by PyTorch 1.13 (scripts/fixtures/porting_mingpt.py): ndigit 2 (vocab 10, block_size 6), a model of
// n_layer 2, n_head 2, n_embd 16, 30 iterations of AdamW at lr 5e-3 with every dropout at 0.1, then
// generate greedy and sampled. Compared: the data split, the initial parameters, the param-group names,
// every loss and gradient norm, what it prints (timings masked), eval_split's per-problem results, the
// final parameters and every generated sequence (multinomial draws from the default generator as
// PyTorch's does).
//
// CfgNode becomes a plain object (merge_from_dict is Object.assign); ModuleDict members are read with
// the typed .get(name) where Python reads them as attributes (the attribute also exists at run time, but
// TypeScript does not know its type). f"{score}" on a 0-d tensor formats its item() (Tensor.__format__),
// written here as the float's Python str; `%d` % t is Number(t.item()).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { AdamW } from '../../src/optim/index.js';
import { DataLoader, Dataset } from '../../src/utils/data/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { warningsOf } from './warnings.js';

const F = torch.nn.functional;

interface Fixture {
  printed: string[];
  losses: number[];
  grad_norms: number[];
  evals: { split: string; results: number[] }[];
  test_ixes: TensorJson;
  train0: number[][];
  model_config: Record<string, unknown>;
  init: Record<string, TensorJson>;
  state_dict_keys: string[];
  groups: string[][];
  groups_weight_decay: number[];
  warnings: string[];
  final: Record<string, TensorJson>;
  prompts: TensorJson;
  gen_greedy: TensorJson;
  gen_greedy_topk: TensorJson;
  gen_sample_topk: TensorJson;
  gen_sample: TensorJson;
  gen_sample_hot: TensorJson;
  nano_config: Record<string, unknown>;
  nano_shapes: [string, number[]][];
}
const fx = loadFixture<Fixture>('porting_mingpt.json');
const LOG = { printed: [] as string[], losses: [] as number[], gradNorms: [] as number[], evals: [] as { split: string; results: number[] }[], groups: [] as string[][] };
const logPrint = (s: string): void => {
  LOG.printed.push(s);
};

/** Python's str(float): integral values keep a trailing '.0'. */
const pyFloat = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

// ----------------------------------------------------------------------------- mingpt/utils.py

function setSeed(seed: number): void {
  // random.seed(seed); np.random.seed(seed): no Python-side RNG is used by this program
  torch.manualSeed(seed);
  torch.cuda.manualSeedAll(seed);
}

// CfgNode as a plain object; merge_from_dict(d) is Object.assign(node, d)
type CfgNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ----------------------------------------------------------------------------- mingpt/model.py

class NewGELU extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x.mul(0.5).mul(torch.tanh(x.add(torch.pow(x, 3.0).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI))).add(1.0));
  }
}

class CausalSelfAttention extends nn.Module {
  c_attn: nn.Linear;
  c_proj: nn.Linear;
  attn_dropout: nn.Dropout;
  resid_dropout: nn.Dropout;
  declare bias: Tensor;
  n_head: number;
  n_embd: number;

  constructor(config: CfgNode) {
    super();
    assert.ok(config.n_embd % config.n_head === 0);
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new nn.Linear(config.n_embd, 3 * config.n_embd);
    // output projection
    this.c_proj = new nn.Linear(config.n_embd, config.n_embd);
    // regularization
    this.attn_dropout = new nn.Dropout(config.attn_pdrop);
    this.resid_dropout = new nn.Dropout(config.resid_pdrop);
    // causal mask to ensure that attention is only applied to the left in the input sequence
    this.registerBuffer('bias', torch.tril(torch.ones(config.block_size, config.block_size)).view(1, 1, config.block_size, config.block_size));
    this.n_head = config.n_head;
    this.n_embd = config.n_embd;
  }

  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.size() as number[]; // batch size, sequence length, embedding dimensionality (n_embd)

    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn.forward(x).split(this.n_embd, { dim: 2 });
    k = k.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)

    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(k.size(-1) as number));
    att = att.maskedFill(this.bias.index(':', ':', `:${T}`, `:${T}`).eq(0), -Infinity);
    att = F.softmax(att, { dim: -1 });
    att = this.attn_dropout.forward(att);
    let y = att.matmul(v); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side

    // output projection
    y = this.resid_dropout.forward(this.c_proj.forward(y));
    return y;
  }
}

class Block extends nn.Module {
  ln_1: nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: nn.LayerNorm;
  mlp: nn.ModuleDict;
  mlpf: (x: Tensor) => Tensor;

  constructor(config: CfgNode) {
    super();
    this.ln_1 = new nn.LayerNorm(config.n_embd);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new nn.LayerNorm(config.n_embd);
    this.mlp = new nn.ModuleDict({
      c_fc: new nn.Linear(config.n_embd, 4 * config.n_embd),
      c_proj: new nn.Linear(4 * config.n_embd, config.n_embd),
      act: new NewGELU(),
      dropout: new nn.Dropout(config.resid_pdrop),
    });
    const m = this.mlp;
    const call = (name: string, x: Tensor): Tensor => m.get(name).forward(x) as Tensor;
    this.mlpf = (x) => call('dropout', call('c_proj', call('act', call('c_fc', x)))); // MLP forward
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln_1.forward(x)));
    x = x.add(this.mlpf(this.ln_2.forward(x)));
    return x;
  }
}

class GPT extends nn.Module {
  block_size: number;
  transformer: nn.ModuleDict;
  lm_head: nn.Linear;

  static getDefaultConfig(): CfgNode {
    const C: CfgNode = {};
    // either model_type or (n_layer, n_head, n_embd) must be given in the config
    C.model_type = 'gpt';
    C.n_layer = null;
    C.n_head = null;
    C.n_embd = null;
    // these options must be filled in externally
    C.vocab_size = null;
    C.block_size = null;
    // dropout hyperparameters
    C.embd_pdrop = 0.1;
    C.resid_pdrop = 0.1;
    C.attn_pdrop = 0.1;
    return C;
  }

  constructor(config: CfgNode) {
    super();
    assert.ok(config.vocab_size !== null);
    assert.ok(config.block_size !== null);
    this.block_size = config.block_size;

    const typeGiven = config.model_type !== null;
    const paramsGiven = [config.n_layer !== null, config.n_head !== null, config.n_embd !== null].every(Boolean);
    assert.ok(typeGiven !== paramsGiven); // exactly one of these (XOR)
    if (typeGiven) {
      // translate from model_type to detailed configuration
      Object.assign(
        config,
        (
          {
            // names follow the huggingface naming conventions
            // GPT-1
            'openai-gpt': { n_layer: 12, n_head: 12, n_embd: 768 }, // 117M params
            // GPT-2 configs
            gpt2: { n_layer: 12, n_head: 12, n_embd: 768 }, // 124M params
            'gpt2-medium': { n_layer: 24, n_head: 16, n_embd: 1024 }, // 350M params
            'gpt2-large': { n_layer: 36, n_head: 20, n_embd: 1280 }, // 774M params
            'gpt2-xl': { n_layer: 48, n_head: 25, n_embd: 1600 }, // 1558M params
            // Gophers
            'gopher-44m': { n_layer: 8, n_head: 16, n_embd: 512 },
            // (there are a number more...)
            // I made these tiny models up
            'gpt-mini': { n_layer: 6, n_head: 6, n_embd: 192 },
            'gpt-micro': { n_layer: 4, n_head: 4, n_embd: 128 },
            'gpt-nano': { n_layer: 3, n_head: 3, n_embd: 48 },
          } as Record<string, CfgNode>
        )[config.model_type],
      );
    }

    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocab_size, config.n_embd),
      wpe: new nn.Embedding(config.block_size, config.n_embd),
      drop: new nn.Dropout(config.embd_pdrop),
      h: new nn.ModuleList(Array.from({ length: config.n_layer }, () => new Block(config))),
      ln_f: new nn.LayerNorm(config.n_embd),
    });
    this.lm_head = new nn.Linear(config.n_embd, config.vocab_size, { bias: false });

    // init all weights, and apply a special scaled init to the residual projections, per GPT-2 paper
    this.apply((m) => this._initWeights(m));
    for (const [pn, p] of this.namedParameters()) {
      if (pn.endsWith('c_proj.weight')) {
        torch.nn.init.normal_(p, { mean: 0.0, std: 0.02 / Math.sqrt(2 * config.n_layer) });
      }
    }

    // report number of parameters (note we don't count the decoder parameters in lm_head)
    let nParams = 0;
    for (const p of this.transformer.parameters()) nParams += p.numel();
    logPrint(`number of parameters: ${(nParams / 1e6).toFixed(2)}M`);
  }

  _initWeights(module: nn.Module): void {
    if (module instanceof nn.Linear) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) {
        torch.nn.init.zeros_(module.bias);
      }
    } else if (module instanceof nn.Embedding) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
    } else if (module instanceof nn.LayerNorm) {
      torch.nn.init.zeros_(module.bias!);
      torch.nn.init.ones_(module.weight!);
    }
  }

  configureOptimizers(trainConfig: CfgNode): AdamW {
    // separate out all parameters to those that will and won't experience regularizing weight decay
    const decay = new Set<string>();
    const noDecay = new Set<string>();
    const whitelistWeightModules = [torch.nn.Linear];
    const blacklistWeightModules = [torch.nn.LayerNorm, torch.nn.Embedding];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const isinstance = (m: nn.Module, classes: (abstract new (...a: any[]) => nn.Module)[]): boolean => classes.some((c) => m instanceof c);
    for (const [mn, m] of this.namedModules()) {
      for (const [pn] of m.namedParameters()) {
        const fpn = mn ? `${mn}.${pn}` : pn; // full param name
        // random note: because named_modules and named_parameters are recursive
        // we will see the same tensors p many many times. but doing it this way
        // allows us to know which parent module any tensor p belongs to...
        if (pn.endsWith('bias')) {
          // all biases will not be decayed
          noDecay.add(fpn);
        } else if (pn.endsWith('weight') && isinstance(m, whitelistWeightModules)) {
          // weights of whitelist modules will be weight decayed
          decay.add(fpn);
        } else if (pn.endsWith('weight') && isinstance(m, blacklistWeightModules)) {
          // weights of blacklist modules will NOT be weight decayed
          noDecay.add(fpn);
        }
      }
    }

    // validate that we considered every parameter
    const paramDict = new Map(this.namedParameters());
    const interParams = [...decay].filter((pn) => noDecay.has(pn));
    const unionParams = new Set([...decay, ...noDecay]);
    assert.ok(interParams.length === 0, `parameters ${interParams} made it into both decay/no_decay sets!`);
    const missing = [...paramDict.keys()].filter((pn) => !unionParams.has(pn));
    assert.ok(missing.length === 0, `parameters ${missing} were not separated into either decay/no_decay set!`);

    // create the pytorch optimizer object
    const optimGroups = [
      { params: [...decay].sort().map((pn) => paramDict.get(pn)!), weightDecay: trainConfig.weight_decay },
      { params: [...noDecay].sort().map((pn) => paramDict.get(pn)!), weightDecay: 0.0 },
    ];
    // recorded: the names in each group, in order
    LOG.groups = [[...decay].sort(), [...noDecay].sort()];
    const optimizer = new AdamW(optimGroups, { lr: trainConfig.learning_rate, betas: trainConfig.betas });
    return optimizer;
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const device = idx.device;
    const [, t] = idx.size() as number[];
    assert.ok(t <= this.block_size, `Cannot forward sequence of length ${t}, block size is only ${this.block_size}`);
    const pos = torch.arange(0, t, { dtype: torch.long, device }).unsqueeze(0); // shape (1, t)

    // forward the GPT model itself
    const tr = (name: string): nn.Module => this.transformer.get(name);
    const tokEmb = tr('wte').forward(idx) as Tensor; // token embeddings of shape (b, t, n_embd)
    const posEmb = tr('wpe').forward(pos) as Tensor; // position embeddings of shape (1, t, n_embd)
    let x = tr('drop').forward(tokEmb.add(posEmb)) as Tensor;
    for (const block of tr('h') as nn.ModuleList) {
      x = block.forward(x) as Tensor;
    }
    x = tr('ln_f').forward(x) as Tensor;
    const logits = this.lm_head.forward(x);

    // if we are given some desired targets also calculate the loss
    let loss: Tensor | null = null;
    if (targets !== null) {
      loss = F.crossEntropy(logits.view(-1, logits.size(-1) as number), targets.view(-1), { ignoreIndex: -1 });
    }

    return [logits, loss];
  }

  // @torch.no_grad()
  generate(idx: Tensor, maxNewTokens: number, temperature = 1.0, doSample = false, topK: number | null = null): Tensor {
    return torch.noGrad(() => {
      for (let i = 0; i < maxNewTokens; i++) {
        // if the sequence context is growing too long we must crop it at block_size
        const idxCond = idx.size(1) <= this.block_size ? idx : idx.index(':', `${-this.block_size}:`);
        // forward the model to get the logits for the index in the sequence
        let [logits] = this.forward(idxCond);
        // pluck the logits at the final step and scale by desired temperature
        logits = logits.index(':', -1, ':').div(temperature);
        // optionally crop the logits to only the top k options
        if (topK !== null) {
          const { values: v } = torch.topk(logits, topK);
          logits.indexPut_([logits.lt(v.index(':', [-1]))], -Infinity);
        }
        // apply softmax to convert logits to (normalized) probabilities
        const probs = F.softmax(logits, { dim: -1 });
        // either sample from the distribution or take the most likely element
        let idxNext: Tensor;
        if (doSample) {
          idxNext = torch.multinomial(probs, { numSamples: 1 });
        } else {
          idxNext = torch.topk(probs, { k: 1, dim: -1 }).indices;
        }
        // append sampled index to the running sequence and continue
        idx = torch.cat([idx, idxNext], { dim: 1 });
      }
      return idx;
    });
  }
}

// ----------------------------------------------------------------------------- mingpt/trainer.py

type Callback = (trainer: Trainer) => void;

class Trainer {
  config: CfgNode;
  model: GPT;
  optimizer: AdamW | null;
  trainDataset: Dataset<[Tensor, Tensor]>;
  callbacks: Map<string, Callback[]>;
  device: string;
  iterNum: number;
  iterTime: number;
  iterDt: number;
  loss!: Tensor;

  static getDefaultConfig(): CfgNode {
    const C: CfgNode = {};
    // device to train on
    C.device = 'auto';
    // dataloder parameters
    C.num_workers = 4;
    // optimizer parameters
    C.max_iters = null;
    C.batch_size = 64;
    C.learning_rate = 3e-4;
    C.betas = [0.9, 0.95];
    C.weight_decay = 0.1; // only applied on matmul weights
    C.grad_norm_clip = 1.0;
    return C;
  }

  constructor(config: CfgNode, model: GPT, trainDataset: Dataset<[Tensor, Tensor]>) {
    this.config = config;
    this.model = model;
    this.optimizer = null;
    this.trainDataset = trainDataset;
    this.callbacks = new Map(); // defaultdict(list)

    // determine the device we'll train on
    if (config.device === 'auto') {
      this.device = torch.cuda.isAvailable() ? 'cuda' : 'cpu';
    } else {
      this.device = config.device;
    }
    this.model = this.model.to(this.device);
    logPrint(`running on device ${this.device}`);

    // variables that will be assigned to trainer class later for logging and etc
    this.iterNum = 0;
    this.iterTime = 0.0;
    this.iterDt = 0.0;
  }

  addCallback(onevent: string, callback: Callback): void {
    if (!this.callbacks.has(onevent)) this.callbacks.set(onevent, []);
    this.callbacks.get(onevent)!.push(callback);
  }

  setCallback(onevent: string, callback: Callback): void {
    this.callbacks.set(onevent, [callback]);
  }

  triggerCallbacks(onevent: string): void {
    for (const callback of this.callbacks.get(onevent) ?? []) {
      callback(this);
    }
  }

  run(): void {
    const [model, config] = [this.model, this.config];

    // setup the optimizer
    this.optimizer = model.configureOptimizers(config);

    // setup the dataloader
    const trainLoader = new DataLoader(this.trainDataset, {
      sampler: new torch.utils.data.RandomSampler(this.trainDataset, { replacement: true, numSamples: Math.trunc(1e10) }),
      shuffle: false,
      pinMemory: true,
      batchSize: config.batch_size,
      numWorkers: config.num_workers,
    });

    model.train();
    this.iterNum = 0;
    this.iterTime = performance.now() / 1000;
    let dataIter = trainLoader[Symbol.iterator]();
    for (;;) {
      // fetch the next batch (x, y) and re-init iterator if needed
      let next = dataIter.next();
      if (next.done) {
        dataIter = trainLoader[Symbol.iterator]();
        next = dataIter.next();
      }
      let batch = next.value as Tensor[];
      batch = batch.map((t) => t.to(this.device));
      const [x, y] = batch;

      // forward the model
      let logits: Tensor;
      [logits, this.loss] = model.forward(x, y) as [Tensor, Tensor];
      void logits;

      // backprop and update the parameters
      model.zeroGrad({ setToNone: true });
      this.loss.backward();
      // (the trainer discards the total norm; recorded here)
      LOG.gradNorms.push(Number(torch.nn.utils.clipGradNorm_(model.parameters(), config.grad_norm_clip).item()));
      this.optimizer.step();

      this.triggerCallbacks('on_batch_end');
      this.iterNum += 1;
      const tnow = performance.now() / 1000;
      this.iterDt = tnow - this.iterTime;
      this.iterTime = tnow;

      // termination conditions
      if (config.max_iters !== null && this.iterNum >= config.max_iters) {
        break;
      }
    }
  }
}

// ----------------------------------------------------------------------------- projects/adder/adder.py

function getConfig(workDir: string): CfgNode {
  const C: CfgNode = {};
  // system
  C.system = {};
  C.system.seed = 3407;
  C.system.work_dir = workDir;
  // data
  C.data = AdditionDataset.getDefaultConfig();
  // model
  C.model = GPT.getDefaultConfig();
  C.model.model_type = 'gpt-nano';
  // trainer
  C.trainer = Trainer.getDefaultConfig();
  C.trainer.learning_rate = 5e-4; // the model we're using is so small that we can go a bit faster
  return C;
}

class AdditionDataset extends Dataset<[Tensor, Tensor]> {
  config: CfgNode;
  split: string;
  ixes: Tensor;

  static getDefaultConfig(): CfgNode {
    const C: CfgNode = {};
    C.ndigit = 2;
    return C;
  }

  constructor(config: CfgNode, split: string) {
    super();
    this.config = config;
    this.split = split; // train/test

    // split up all addition problems into either training data or test data
    const ndigit = this.config.ndigit;
    assert.ok(ndigit <= 3, 'the lines below would be very memory inefficient, in future maybe refactor to support');
    const num = (10 ** ndigit) ** 2; // total number of possible addition problems with ndigit numbers
    const rng = new torch.Generator();
    rng.manualSeed(1337);
    const perm = torch.randperm(num, { generator: rng });
    const numTest = Math.min(Math.trunc(num * 0.2), 500); // 20% of the whole dataset, or only up to 500
    this.ixes = split === 'test' ? perm.index(`:${numTest}`) : perm.index(`${numTest}:`);
  }

  getVocabSize(): number {
    return 10; // digits 0..9
  }

  getBlockSize(): number {
    return 3 * this.config.ndigit + 1 - 1;
  }

  get length(): number {
    return this.ixes.nelement();
  }

  getItem(i: number): [Tensor, Tensor] {
    const ndigit = this.config.ndigit;
    // given a problem index idx, first recover the associated a + b
    const idx = Number(this.ixes.index(i).item());
    const nd = 10 ** ndigit;
    const a = Math.floor(idx / nd);
    const b = idx % nd;
    // calculate the "label" of the addition problem a + b
    const c = a + b;
    // encode the digits of a, b, c into strings
    const astr = String(a).padStart(ndigit, '0');
    const bstr = String(b).padStart(ndigit, '0');
    const cstr = [...String(c).padStart(ndigit + 1, '0')].reverse().join(''); // reverse c to make addition easier
    const render = astr + bstr + cstr;
    const dix = [...render].map((s) => parseInt(s, 10)); // convert each character to its token index
    // x will be input to GPT and y will be the associated expected outputs
    const x = torch.tensor(dix.slice(0, -1), { dtype: torch.long });
    const y = torch.tensor(dix.slice(1), { dtype: torch.long }); // predict the next token in the sequence
    y.indexPut_([`:${ndigit * 2 - 1}`], -1); // we will only train in the output locations. -1 will mask loss to zero
    return [x, y];
  }
}

interface Program {
  model: GPT;
  trainer: Trainer;
  testDataset: AdditionDataset;
  evalSplit: (trainer: Trainer, split: string, maxBatches?: number | null) => Tensor;
  workDir: string;
}

/** adder.py's __main__ up to trainer.run(), which the test calls (inside warningsOf). */
function setup(): Program {
  const workDir = mkdtempSync(path.join(tmpdir(), 'mingpt-'));

  // get default config and overrides from the command line, if any
  const config = getConfig(workDir);
  // the overrides: --model.model_type=None --model.n_layer=2 --model.n_head=2 --model.n_embd=16
  // --trainer.learning_rate=5e-3 --trainer.max_iters=30 --trainer.num_workers=0
  Object.assign(config.model, { model_type: null, n_layer: 2, n_head: 2, n_embd: 16 });
  Object.assign(config.trainer, { learning_rate: 5e-3, max_iters: 30, num_workers: 0 });
  setSeed(config.system.seed);

  // construct train and test datasets
  const trainDataset = new AdditionDataset(config.data, 'train');
  const testDataset = new AdditionDataset(config.data, 'test');
  assertTensor(testDataset.ixes, fx.test_ixes, {}, 'test split');
  const [x0, y0] = trainDataset.getItem(0);
  assert.deepEqual([x0.tolist(), y0.tolist()], fx.train0);

  // construct the model
  config.model.vocab_size = trainDataset.getVocabSize();
  config.model.block_size = trainDataset.getBlockSize();
  const model = new GPT(config.model);
  assert.deepEqual(config.model, fx.model_config);
  assert.deepEqual(Object.keys(model.stateDict()), fx.state_dict_keys);
  assert.deepEqual([...model.namedParameters()].map(([n]) => n), Object.keys(fx.init));
  for (const [n, p] of model.namedParameters()) assertTensor(p, fx.init[n], { rtol: 1e-6, atol: 1e-7 }, `initial ${n}`);

  // construct the trainer object
  const trainer = new Trainer(config.trainer, model, trainDataset);

  // helper function for the evaluation of a model
  const evalSplit = (trainer: Trainer, split: string, maxBatches: number | null = null): Tensor => {
    const dataset = ({ train: trainDataset, test: testDataset } as Record<string, AdditionDataset>)[split];
    const ndigit = config.data.ndigit;
    const results: number[] = [];
    let mistakesPrintedAlready = 0;
    const factors = torch.tensor([Array.from({ length: ndigit + 1 }, (_, i) => 10 ** i).reverse()]).to(trainer.device);
    const loader = new DataLoader(dataset, { batchSize: 100, numWorkers: 0, dropLast: false });
    let b = 0;
    for (let [x] of loader as Iterable<Tensor[]>) {
      x = x.to(trainer.device);
      // isolate the first two digits of the input sequence alone
      const d1d2 = x.index(':', `:${ndigit * 2}`);
      // let the model sample the rest of the sequence
      const d1d2d3 = model.generate(d1d2, ndigit + 1, undefined, false); // using greedy argmax, not sampling
      // isolate the last digit of the sampled sequence
      let d3 = d1d2d3.index(':', `${-(ndigit + 1)}:`);
      d3 = d3.flip(1); // reverse the digits to their "normal" order
      // decode the integers from individual digits
      const d1i = d1d2.index(':', `:${ndigit}`).mul(factors.index(':', '1:')).sum(1);
      const d2i = d1d2.index(':', `${ndigit}:${ndigit * 2}`).mul(factors.index(':', '1:')).sum(1);
      const d3iPred = d3.mul(factors).sum(1);
      const d3iGt = d1i.add(d2i); // manually calculate the ground truth
      // evaluate the correctness of the results in this batch
      const correct = d3iPred.eq(d3iGt).cpu(); // Software 1.0 vs. Software 2.0 fight RIGHT on this line haha
      for (let i = 0; i < x.size(0); i++) {
        results.push(Number(correct.index(i).item()));
        if (!correct.index(i).item() && mistakesPrintedAlready < 5) {
          // only print up to 5 mistakes to get a sense
          mistakesPrintedAlready += 1;
          const d = (t: Tensor): number => Number(t.index(i).item());
          logPrint(`GPT claims that ${d(d1i)} + ${d(d2i)} = ${d(d3iPred)} but gt is ${d(d3iGt)}`);
        }
      }
      b += 1;
      if (maxBatches !== null && b >= maxBatches) {
        break;
      }
    }
    const rt = torch.tensor(results, { dtype: torch.float });
    logPrint(`${split} final score: ${Math.trunc(Number(rt.sum().item()))}/${results.length} = ${Number(rt.mean().mul(100).item()).toFixed(2)}% correct`);
    LOG.evals.push({ split, results });
    return rt.sum();
  };

  // iteration callback
  let topScore: Tensor | number = 0;
  const batchEndCallback = (trainer: Trainer): void => {
    LOG.losses.push(Number(trainer.loss.item()));

    if (trainer.iterNum % 10 === 0) {
      logPrint(`iter_dt ${(trainer.iterDt * 1000).toFixed(2)}ms; iter ${trainer.iterNum}: train loss ${Number(trainer.loss.item()).toFixed(5)}`);
    }

    if (trainer.iterNum % 500 === 0) {
      // evaluate both the train and test score
      const trainMaxBatches = ({ 1: null, 2: null, 3: 5 } as Record<number, number | null>)[config.data.ndigit]; // if ndigit=2 we can afford the whole train set, ow no
      model.eval();
      const [trainScore, testScore] = torch.noGrad(() => [evalSplit(trainer, 'train', trainMaxBatches), evalSplit(trainer, 'test', null)]);
      const score = trainScore.add(testScore);
      // save the model if this is the best score we've seen so far
      if (score.gt(topScore).item()) {
        topScore = score;
        logPrint(`saving model with new top score of ${pyFloat(Number(score.item()))}`); // f"{score}": a 0-d tensor formats as its item()
        const ckptPath = path.join(config.system.work_dir, 'model.pt');
        torch.save(model.stateDict(), ckptPath);
      }
      // revert model to training mode
      model.train();
    }
  };

  trainer.setCallback('on_batch_end', batchEndCallback);
  return { model, trainer, testDataset, evalSplit, workDir };
}

test('minGPT: GPT + Trainer on the adder task, configure_optimizers groups, generate greedy/top-k/multinomial, as PyTorch 1.13', async () => {
  const { model, trainer, testDataset, evalSplit, workDir } = setup();
  try {
    // run the optimization
    const [, warnings] = await warningsOf(() => trainer.run());
    assert.deepEqual(warnings, fx.warnings);

    assert.deepEqual(LOG.groups, fx.groups);
    assert.deepEqual(
      trainer.optimizer!.paramGroups.map((g) => g.weightDecay),
      fx.groups_weight_decay,
    );

    // 30 steps on batches of 64 with dropout: summation order differs (GEMM blocking, reductions)
    assert.equal(LOG.losses.length, fx.losses.length);
    LOG.losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5 * Math.abs(fx.losses[i]), `loss ${i}: ${l} vs ${fx.losses[i]}`));
    LOG.gradNorms.forEach((g, i) => assert.ok(Math.abs(g - fx.grad_norms[i]) < 1e-4 * Math.abs(fx.grad_norms[i]), `grad norm ${i}: ${g} vs ${fx.grad_norms[i]}`));
    // The key part of c_attn.bias adds q·b_k to every score of a row, which softmax cancels: its true
    // gradient is 0 and what backward gives is rounding noise, which Adam's m / (sqrt(v) + eps) turns
    // into steps of its own. Those 16 values stay O(1e-5) and are compared loosely; the query and value
    // parts and every other parameter tightly (30 Adam steps after different summation orders: the
    // largest difference seen is 3.2e-6, on wasm1, at an mlp.c_proj weight that ends near -0.003).
    const nEmbd = 16;
    for (const [n, p] of model.namedParameters()) {
      if (n.endsWith('attn.c_attn.bias')) {
        const want = fromJson(fx.final[n]);
        const [wq, wk, wv] = want.split(nEmbd).map((t) => ({ dtype: 'float32', shape: t.shape, data: t.tolist() as number[] }) as TensorJson);
        const [q, k, v] = p.detach().split(nEmbd);
        assertTensor(q, wq, { rtol: 1e-4, atol: 5e-6 }, `final ${n} (query)`);
        assertTensor(v, wv, { rtol: 1e-4, atol: 5e-6 }, `final ${n} (value)`);
        assertTensor(k, wk, { rtol: 0, atol: 1e-4 }, `final ${n} (key: rounding noise)`);
      } else {
        assertTensor(p, fx.final[n], { rtol: 1e-4, atol: 5e-6 }, `final ${n}`);
      }
    }

    // after training: the test split greedily, then generate's other modes on the first test problems
    model.eval();
    torch.noGrad(() => evalSplit(trainer, 'test', null));
    const prompts = torch.stack(Array.from({ length: 6 }, (_, i) => testDataset.getItem(i)[0].index(':4')));
    assertTensor(prompts, fx.prompts);
    assertTensor(model.generate(prompts, 8, undefined, false), fx.gen_greedy, {}, 'greedy');
    assertTensor(model.generate(prompts, 8, 0.5, false, 3), fx.gen_greedy_topk, {}, 'greedy, top_k 3');
    torch.manualSeed(1234);
    assertTensor(model.generate(prompts, 8, 0.8, true, 4), fx.gen_sample_topk, {}, 'sampled, temperature 0.8, top_k 4');
    assertTensor(model.generate(prompts, 8, undefined, true), fx.gen_sample, {}, 'sampled');
    assertTensor(model.generate(prompts, 8, 2.0, true, null), fx.gen_sample_hot, {}, 'sampled, temperature 2');

    assert.equal(LOG.evals.length, fx.evals.length);
    LOG.evals.forEach((e, i) => assert.deepEqual(e, fx.evals[i], `eval_split ${i} (${fx.evals[i].split})`));

    // the model_type path: 'gpt-nano' merged into the config
    const nanoConfig = GPT.getDefaultConfig();
    nanoConfig.model_type = 'gpt-nano';
    nanoConfig.vocab_size = 10;
    nanoConfig.block_size = 6;
    const nano = new GPT(nanoConfig);
    assert.deepEqual(nanoConfig, fx.nano_config);
    assert.deepEqual(
      [...nano.namedParameters()].map(([n, p]) => [n, p.shape]),
      fx.nano_shapes,
    );

    const untimed = (lines: string[]): string[] => lines.map((l) => l.replace(/^iter_dt [0-9.]+ms/, 'iter_dt Xms'));
    assert.deepEqual(untimed(LOG.printed), untimed(fx.printed));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});
