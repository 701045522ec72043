// karpathy/nanoGPT transcribed line for line: model.py (LayerNorm with an optional bias through
// F.layerNorm, CausalSelfAttention on its manual path with the causal `bias` buffer, MLP with nn.GELU,
// Block, GPTConfig, GPT with the weight tying `transformer.wte.weight = lm_head.weight`, _init_weights
// through this.apply, the scaled c_proj.weight init, get_num_params, forward with and without targets,
// crop_block_size, configure_optimizers' p.dim() groups and AdamW, estimate_mfu, generate with
// temperature and top_k) and train.py's loop (the configurator's overrides, get_batch, estimate_loss
// under noGrad with model.eval()/train(), get_lr's warmup + cosine schedule set on each param group,
// gradient accumulation, GradScaler, clipGradNorm_, zeroGrad({ setToNone: true }), the checkpoint dict
// saved with torch.save and resumed with init_from='resume', the `_orig_mod.` stripping and
// optimizer.loadStateDict), against the same program run by PyTorch 1.13
// (scripts/fixtures/porting_nanogpt.py): n_layer 2, n_head 2, n_embd 16, block_size 8, vocab 32,
// dropout 0.1, bias False; 9 iterations (2 micro-steps each), then a resume to iteration 12 with
// train.py's CPU default dtype 'float16' (the GradScaler turns itself off with PyTorch's warning).
// Compared: what it prints (times masked; out_dir is a temporary folder here, 'out' there), the first batch, every learning
// rate, micro-step loss and gradient norm, every estimate_loss tensor, the initial parameters, the
// checkpoint (its contents, and PyTorch's own checkpoint bytes loaded here), the final parameters,
// generate's samples, the inference logits, crop_block_size and a bias=True model.
//
// Where Python differs from TypeScript: GPTConfig (a dataclass) is a class taking an options
// object; train.py's module globals are the fields of one config object that the configurator's
// overrides update (and `config` is its snapshot of int/float/bool/str entries, as train.py's);
// get_batch reads the synthetic uint16 arrays in memory in place of np.memmap; meta.pkl's dict is in
// memory; `f"{t:.4f}"` of a 0-d tensor formats its item(); `with ctx:` is a function taking the
// body. Two lines of train.py do not run here (torch.backends.cuda.matmul.allow_tf32 and
// torch.backends.cudnn.allow_tf32, see the comments there), and PyTorch 1.13's
// hasattr(F, 'scaled_dot_product_attention') is False while torchlette has the function: the check
// is transcribed with 1.13's answer (the last test compares both paths in eval mode).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { AdamW } from '../../src/optim/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { warningsOf } from './warnings.js';

const F = torch.nn.functional;

interface CheckpointJson {
  keys: string[];
  model_keys: string[];
  optimizer: { state: Record<string, { step: TensorJson; keys: string[] }>; param_groups: Record<string, unknown>[] };
  model_args: Record<string, unknown>;
  iter_num: number;
  best_val_loss: TensorJson;
  config: Record<string, unknown>;
}
interface Fixture {
  printed: string[];
  lrs: number[];
  micro_losses: number[];
  grad_norms: number[];
  evals: [string, TensorJson][];
  train_data: number[];
  init: Record<string, TensorJson>;
  state_dict_keys: string[];
  num_params: number[];
  groups: string[][];
  first_batch: TensorJson[];
  warnings1: string[];
  groups_lens: number[];
  ckpt_b64: string;
  ckpt: CheckpointJson;
  ckpt_shares_tied: boolean;
  printed_resume_from: number;
  resume_keys: string[];
  warnings2: string[];
  final2: Record<string, TensorJson>;
  tied_after: boolean;
  infer_logits: TensorJson;
  infer_loss_none: boolean;
  gen_t08_k5: TensorJson;
  gen_k200: TensorJson;
  gen_t15: TensorJson;
  crop_sd: [string, number[]][];
  crop_params: [string, number[]][];
  crop_num_params: number;
  crop_gen: TensorJson;
  crop_error: string;
  bias_init: Record<string, [number[], number, number]>;
  bias_sd_keys: string[];
  bias_loss: number;
  bias_grads: Record<string, [number, number]>;
}
const fx = loadFixture<Fixture>('porting_nanogpt.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dict = Record<string, any>;
const LOG = {
  printed: [] as string[],
  lrs: [] as number[],
  microLosses: [] as number[],
  gradNorms: [] as number[],
  evals: [] as [string, Tensor][],
  groups: [] as string[][],
  resumeKeys: [] as string[],
  init: null as Map<string, Tensor> | null,
  stateDictKeys: [] as string[],
  numParams: [] as number[],
  firstBatch: [] as Tensor[],
};
const logPrint = (s: string): void => {
  LOG.printed.push(s);
};

/** Python's f"{n:,}". */
const commas = (n: number): string => n.toLocaleString('en-US');
/** Python's str(bool). */
const pyBool = (b: boolean): string => (b ? 'True' : 'False');
/** f"{t:.4f}" where t is a 0-d tensor (Tensor.__format__ formats its item()). */
const fmt4 = (t: Tensor): string => Number(t.item()).toFixed(4);

// ----------------------------------------------------------------------------- model.py

class LayerNorm extends nn.Module {
  // LayerNorm but with an optional bias. PyTorch doesn't support simply bias=False
  weight: nn.Parameter;
  bias: nn.Parameter | null;

  constructor(ndim: number, bias: boolean) {
    super();
    this.weight = new nn.Parameter(torch.ones(ndim));
    this.bias = bias ? new nn.Parameter(torch.zeros(ndim)) : null;
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.weight.shape, this.weight, this.bias, 1e-5);
  }
}

/** hasattr(torch.nn.functional, 'scaled_dot_product_attention') in PyTorch 1.13 (torchlette has it: see the last test). */
const HAS_SDPA_IN_PYTORCH_1_13 = false;

class CausalSelfAttention extends nn.Module {
  c_attn: nn.Linear;
  c_proj: nn.Linear;
  attn_dropout: nn.Dropout;
  resid_dropout: nn.Dropout;
  n_head: number;
  n_embd: number;
  dropout: number;
  flash: boolean;
  declare bias: Tensor;

  constructor(config: GPTConfig) {
    super();
    assert.ok(config.n_embd % config.n_head === 0);
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new nn.Linear(config.n_embd, 3 * config.n_embd, { bias: config.bias });
    // output projection
    this.c_proj = new nn.Linear(config.n_embd, config.n_embd, { bias: config.bias });
    // regularization
    this.attn_dropout = new nn.Dropout(config.dropout);
    this.resid_dropout = new nn.Dropout(config.dropout);
    this.n_head = config.n_head;
    this.n_embd = config.n_embd;
    this.dropout = config.dropout;
    // flash attention make GPU go brrrrr but support is only in PyTorch >= 2.0
    this.flash = HAS_SDPA_IN_PYTORCH_1_13 && 'scaledDotProductAttention' in torch.nn.functional;
    if (!this.flash) {
      logPrint('WARNING: using slow attention. Flash Attention requires PyTorch >= 2.0');
      // causal mask to ensure that attention is only applied to the left in the input sequence
      this.registerBuffer('bias', torch.tril(torch.ones(config.block_size, config.block_size)).view(1, 1, config.block_size, config.block_size));
    }
  }

  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.size() as number[]; // batch size, sequence length, embedding dimensionality (n_embd)

    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn.forward(x).split(this.n_embd, { dim: 2 });
    k = k.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)

    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let y: Tensor;
    if (this.flash) {
      // efficient attention using Flash Attention CUDA kernels
      y = torch.nn.functional.scaledDotProductAttention(q, k, v, { attnMask: null, dropoutP: this.training ? this.dropout : 0, isCausal: true });
    } else {
      // manual implementation of attention
      let att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(k.size(-1) as number));
      att = att.maskedFill(this.bias.index(':', ':', `:${T}`, `:${T}`).eq(0), -Infinity);
      att = F.softmax(att, { dim: -1 });
      att = this.attn_dropout.forward(att);
      y = att.matmul(v); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
    }
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side

    // output projection
    y = this.resid_dropout.forward(this.c_proj.forward(y));
    return y;
  }
}

class MLP extends nn.Module {
  c_fc: nn.Linear;
  gelu: nn.GELU;
  c_proj: nn.Linear;
  dropout: nn.Dropout;

  constructor(config: GPTConfig) {
    super();
    this.c_fc = new nn.Linear(config.n_embd, 4 * config.n_embd, { bias: config.bias });
    this.gelu = new nn.GELU();
    this.c_proj = new nn.Linear(4 * config.n_embd, config.n_embd, { bias: config.bias });
    this.dropout = new nn.Dropout(config.dropout);
  }

  override forward(x: Tensor): Tensor {
    x = this.c_fc.forward(x);
    x = this.gelu.forward(x);
    x = this.c_proj.forward(x);
    x = this.dropout.forward(x);
    return x;
  }
}

class Block extends nn.Module {
  ln_1: LayerNorm;
  attn: CausalSelfAttention;
  ln_2: LayerNorm;
  mlp: MLP;

  constructor(config: GPTConfig) {
    super();
    this.ln_1 = new LayerNorm(config.n_embd, config.bias);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new LayerNorm(config.n_embd, config.bias);
    this.mlp = new MLP(config);
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln_1.forward(x)));
    x = x.add(this.mlp.forward(this.ln_2.forward(x)));
    return x;
  }
}

// @dataclass
class GPTConfig {
  block_size = 1024;
  vocab_size = 50304; // GPT-2 vocab_size of 50257, padded up to nearest multiple of 64 for efficiency
  n_layer = 12;
  n_head = 12;
  n_embd = 768;
  dropout = 0.0;
  bias = true; // True: bias in Linears and LayerNorms, like GPT-2. False: a bit better and faster

  constructor(kwargs: Partial<GPTConfig> = {}) {
    Object.assign(this, kwargs);
  }
}

class GPT extends nn.Module {
  config: GPTConfig;
  transformer: nn.ModuleDict;
  lm_head: nn.Linear;

  constructor(config: GPTConfig) {
    super();
    assert.ok(config.vocab_size !== null);
    assert.ok(config.block_size !== null);
    this.config = config;

    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocab_size, config.n_embd),
      wpe: new nn.Embedding(config.block_size, config.n_embd),
      drop: new nn.Dropout(config.dropout),
      h: new nn.ModuleList(Array.from({ length: config.n_layer }, () => new Block(config))),
      ln_f: new LayerNorm(config.n_embd, config.bias),
    });
    this.lm_head = new nn.Linear(config.n_embd, config.vocab_size, { bias: false });
    // with weight tying when using torch.compile() some warnings get generated:
    // "UserWarning: functional_call was passed multiple values for tied weights.
    // This behavior is deprecated and will be an error in future versions"
    // not 100% sure what this is, so far seems to be harmless. TODO investigate
    this.wte.weight = this.lm_head.weight; // https://paperswithcode.com/method/weight-tying

    // init all weights
    this.apply((m) => this._initWeights(m));
    // apply special scaled init to the residual projections, per GPT-2 paper
    for (const [pn, p] of this.namedParameters()) {
      if (pn.endsWith('c_proj.weight')) {
        torch.nn.init.normal_(p, { mean: 0.0, std: 0.02 / Math.sqrt(2 * config.n_layer) });
      }
    }

    // report number of parameters
    logPrint(`number of parameters: ${(this.getNumParams() / 1e6).toFixed(2)}M`);
  }

  /** self.transformer.wte / .wpe / .h (ModuleDict members, typed). */
  get wte(): nn.Embedding {
    return this.transformer.get('wte') as nn.Embedding;
  }
  get wpe(): nn.Embedding {
    return this.transformer.get('wpe') as nn.Embedding;
  }
  get h(): nn.ModuleList {
    return this.transformer.get('h') as nn.ModuleList;
  }

  getNumParams(nonEmbedding = true): number {
    // Return the number of parameters in the model.
    // For non-embedding count (default), the position embeddings get subtracted.
    // The token embeddings would too, except due to the parameter sharing these
    // params are actually used as weights in the final layer, so we include them.
    let nParams = 0;
    for (const p of this.parameters()) nParams += p.numel();
    if (nonEmbedding) {
      nParams -= this.wpe.weight.numel();
    }
    return nParams;
  }

  _initWeights(module: nn.Module): void {
    if (module instanceof nn.Linear) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) {
        torch.nn.init.zeros_(module.bias);
      }
    } else if (module instanceof nn.Embedding) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
    }
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const device = idx.device;
    const [, t] = idx.size() as number[];
    assert.ok(t <= this.config.block_size, `Cannot forward sequence of length ${t}, block size is only ${this.config.block_size}`);
    const pos = torch.arange(0, t, { dtype: torch.long, device }); // shape (t)

    // forward the GPT model itself
    const tokEmb = this.wte.forward(idx); // token embeddings of shape (b, t, n_embd)
    const posEmb = this.wpe.forward(pos); // position embeddings of shape (t, n_embd)
    let x = this.transformer.get('drop').forward(tokEmb.add(posEmb)) as Tensor;
    for (const block of this.h) {
      x = block.forward(x) as Tensor;
    }
    x = this.transformer.get('ln_f').forward(x) as Tensor;

    let logits: Tensor;
    let loss: Tensor | null;
    if (targets !== null) {
      // if we are given some desired targets also calculate the loss
      logits = this.lm_head.forward(x);
      loss = F.crossEntropy(logits.view(-1, logits.size(-1) as number), targets.view(-1), { ignoreIndex: -1 });
    } else {
      // inference-time mini-optimization: only forward the lm_head on the very last position
      logits = this.lm_head.forward(x.index(':', [-1], ':')); // note: using list [-1] to preserve the time dim
      loss = null;
    }

    return [logits, loss];
  }

  cropBlockSize(blockSize: number): void {
    // model surgery to decrease the block size if necessary
    // e.g. we may load the GPT2 pretrained model checkpoint (block size 1024)
    // but want to use a smaller block size for some smaller, simpler model
    assert.ok(blockSize <= this.config.block_size);
    this.config.block_size = blockSize;
    this.wpe.weight = new nn.Parameter(this.wpe.weight.index(`:${blockSize}`));
    for (const block of this.h as Iterable<Block>) {
      if ('bias' in block.attn) {
        block.attn.bias = block.attn.bias.index(':', ':', `:${blockSize}`, `:${blockSize}`);
      }
    }
  }

  // from_pretrained (downloads GPT-2 through transformers) is left out, as in the fixture

  configureOptimizers(weightDecay: number, learningRate: number, betas: [number, number], deviceType: string): AdamW {
    // start with all of the candidate parameters
    let paramDict = new Map(this.namedParameters());
    // filter out those that do not require grad
    paramDict = new Map([...paramDict].filter(([, p]) => p.requiresGrad));
    // create optim groups. Any parameters that is 2D will be weight decayed, otherwise no.
    // i.e. all weight tensors in matmuls + embeddings decay, all biases and layernorms don't.
    const decayParams = [...paramDict].filter(([, p]) => p.dim() >= 2).map(([, p]) => p);
    const nodecayParams = [...paramDict].filter(([, p]) => p.dim() < 2).map(([, p]) => p);
    const optimGroups = [
      { params: decayParams, weightDecay: weightDecay },
      { params: nodecayParams, weightDecay: 0.0 },
    ];
    // recorded: the names in each group
    LOG.groups = [[...paramDict].filter(([, p]) => p.dim() >= 2).map(([n]) => n), [...paramDict].filter(([, p]) => p.dim() < 2).map(([n]) => n)];
    const numDecayParams = decayParams.reduce((s, p) => s + p.numel(), 0);
    const numNodecayParams = nodecayParams.reduce((s, p) => s + p.numel(), 0);
    logPrint(`num decayed parameter tensors: ${decayParams.length}, with ${commas(numDecayParams)} parameters`);
    logPrint(`num non-decayed parameter tensors: ${nodecayParams.length}, with ${commas(numNodecayParams)} parameters`);
    // Create AdamW optimizer and use the fused version if it is available
    const fusedAvailable = false; // 'fused' in inspect.signature(torch.optim.AdamW).parameters: False in PyTorch 1.13
    const useFused = fusedAvailable && deviceType === 'cuda';
    const extraArgs = useFused ? { fused: true } : {};
    const optimizer = new AdamW(optimGroups, { lr: learningRate, betas, ...extraArgs });
    logPrint(`using fused AdamW: ${pyBool(useFused)}`);

    return optimizer;
  }

  estimateMfu(fwdbwdPerIter: number, dt: number): number {
    // estimate model flops utilization (MFU) in units of A100 bfloat16 peak FLOPS
    // first estimate the number of flops we do per iteration.
    // see PaLM paper Appendix B as ref: https://arxiv.org/abs/2204.02311
    const N = this.getNumParams();
    const cfg = this.config;
    const [L, H, Q, T] = [cfg.n_layer, cfg.n_head, Math.floor(cfg.n_embd / cfg.n_head), cfg.block_size];
    const flopsPerToken = 6 * N + 12 * L * H * Q * T;
    const flopsPerFwdbwd = flopsPerToken * T;
    const flopsPerIter = flopsPerFwdbwd * fwdbwdPerIter;
    // express our flops throughput as ratio of A100 bfloat16 peak flops
    const flopsAchieved = flopsPerIter * (1.0 / dt); // per second
    const flopsPromised = 312e12; // A100 GPU bfloat16 peak flops is 312 TFLOPS
    const mfu = flopsAchieved / flopsPromised;
    return mfu;
  }

  // @torch.no_grad()
  generate(idx: Tensor, maxNewTokens: number, temperature = 1.0, topK: number | null = null): Tensor {
    return torch.noGrad(() => {
      for (let i = 0; i < maxNewTokens; i++) {
        // if the sequence context is growing too long we must crop it at block_size
        const idxCond = (idx.size(1) as number) <= this.config.block_size ? idx : idx.index(':', `${-this.config.block_size}:`);
        // forward the model to get the logits for the index in the sequence
        let [logits] = this.forward(idxCond);
        // pluck the logits at the final step and scale by desired temperature
        logits = logits.index(':', -1, ':').div(temperature);
        // optionally crop the logits to only the top k options
        if (topK !== null) {
          const { values: v } = torch.topk(logits, Math.min(topK, logits.size(-1) as number));
          logits.indexPut_([logits.lt(v.index(':', [-1]))], -Infinity);
        }
        // apply softmax to convert logits to (normalized) probabilities
        const probs = F.softmax(logits, { dim: -1 });
        // sample from the distribution
        const idxNext = torch.multinomial(probs, { numSamples: 1 });
        // append sampled index to the running sequence and continue
        idx = torch.cat([idx, idxNext], { dim: 1 });
      }
      return idx;
    });
  }
}

// ----------------------------------------------------------------------------- the data

/** The token files' stand-in: a deterministic uint16 sequence over a vocabulary of 32 (as the fixture's). */
function syntheticTokens(n: number, offset: number): Uint16Array {
  return Uint16Array.from({ length: n }, (_, j) => {
    const i = offset + j;
    return (Math.floor((i * i) / 3) + i) % 32;
  });
}

const TRAIN_DATA = syntheticTokens(300, 0);
const VAL_DATA = syntheticTokens(100, 1000);
const META = { vocab_size: 32 };

// ----------------------------------------------------------------------------- train.py

function trainProgram(overrides: Dict): [GPT, AdamW] {
  // -----------------------------------------------------------------------------
  // default config values designed to train a gpt2 (124M) on OpenWebText
  const C: Dict = {
    // I/O
    out_dir: 'out',
    eval_interval: 2000,
    log_interval: 1,
    eval_iters: 200,
    eval_only: false, // if True, script exits right after the first eval
    always_save_checkpoint: true, // if True, always save a checkpoint after each eval
    init_from: 'scratch', // 'scratch' or 'resume' or 'gpt2*'
    // wandb logging
    wandb_log: false, // disabled by default
    wandb_project: 'owt',
    wandb_run_name: 'gpt2', // 'run' + str(time.time())
    // data
    dataset: 'openwebtext',
    gradient_accumulation_steps: 5 * 8, // used to simulate larger batch sizes
    batch_size: 12, // if gradient_accumulation_steps > 1, this is the micro-batch size
    block_size: 1024,
    // model
    n_layer: 12,
    n_head: 12,
    n_embd: 768,
    dropout: 0.0, // for pretraining 0 is good, for finetuning try 0.1+
    bias: false, // do we use bias inside LayerNorm and Linear layers?
    // adamw optimizer
    learning_rate: 6e-4, // max learning rate
    max_iters: 600000, // total number of training iterations
    weight_decay: 1e-1,
    beta1: 0.9,
    beta2: 0.95,
    grad_clip: 1.0, // clip gradients at this value, or disable if == 0.0
    // learning rate decay settings
    decay_lr: true, // whether to decay the learning rate
    warmup_iters: 2000, // how many steps to warm up for
    lr_decay_iters: 600000, // should be ~= max_iters per Chinchilla
    min_lr: 6e-5, // minimum learning rate, should be ~= learning_rate/10 per Chinchilla
    // DDP settings
    backend: 'nccl', // 'nccl', 'gloo', etc.
    // system
    device: 'cuda', // examples: 'cpu', 'cuda', 'cuda:0', 'cuda:1' etc., or try 'mps' on macbooks
    dtype: torch.cuda.isAvailable() && torch.cuda.isBf16Supported() ? 'bfloat16' : 'float16', // 'float32', 'bfloat16', or 'float16', the latter will auto implement a GradScaler
    compile: true, // use PyTorch 2.0 to compile the model to be faster
  };
  // -----------------------------------------------------------------------------
  const configKeys = Object.keys(C).filter((k) => !k.startsWith('_') && ['number', 'boolean', 'string'].includes(typeof C[k]));
  Object.assign(C, overrides); // configurator.py: overrides from command line or config file
  const config = Object.fromEntries(configKeys.map((k) => [k, C[k]])); // will be useful for logging
  // -----------------------------------------------------------------------------
  const { out_dir: outDir, eval_interval: evalInterval, log_interval: logInterval, eval_iters: evalIters, eval_only: evalOnly } = C;
  const { always_save_checkpoint: alwaysSaveCheckpoint, init_from: initFrom, dataset } = C;
  const { gradient_accumulation_steps: gradientAccumulationSteps, batch_size: batchSize, block_size: blockSize } = C;
  const { n_layer, n_head, n_embd, dropout, bias } = C;
  const { learning_rate: learningRate, max_iters: maxIters, weight_decay: weightDecay, beta1, beta2, grad_clip: gradClip, decay_lr: decayLr } = C;
  const { warmup_iters: warmupIters, lr_decay_iters: lrDecayIters, min_lr: minLr, device, dtype, compile } = C;

  // various inits, derived attributes, I/O setup
  const ddp = Number(process.env.RANK ?? -1) !== -1; // is this a ddp run?
  assert.ok(!ddp);
  // if not ddp, we are running on a single gpu, and one process
  const masterProcess = true;
  const seedOffset = 0;
  const ddpWorldSize = 1;
  const tokensPerIter = gradientAccumulationSteps * ddpWorldSize * batchSize * blockSize;
  logPrint(`tokens per iteration will be: ${commas(tokensPerIter)}`);

  if (masterProcess) {
    mkdirSync(outDir, { recursive: true });
  }
  torch.manualSeed(1337 + seedOffset);
  torch.backends.cuda.matmul.allowTf32 = true; // allow tf32 on matmul
  torch.backends.cudnn.allowTf32 = true; // allow tf32 on cudnn
  const deviceType = String(device).includes('cuda') ? 'cuda' : 'cpu'; // for later use in torch.autocast
  // note: float16 data type will automatically use a GradScaler
  const ptdtype = { float32: torch.float32, bfloat16: torch.bfloat16, float16: torch.float16 }[dtype as 'float32' | 'bfloat16' | 'float16'];
  const ctx = <T>(body: () => T): T => (deviceType === 'cpu' ? body() : torch.amp.autocast(deviceType, { dtype: ptdtype }, body));

  // poor man's data loader
  const dataDir = path.join('data', dataset);
  const getBatch = (split: string): [Tensor, Tensor] => {
    // (the np.memmap of data_dir/train.bin or val.bin: the synthetic uint16 arrays)
    const data = split === 'train' ? TRAIN_DATA : VAL_DATA;
    const ix = torch.randint(data.length - blockSize, [batchSize]);
    // data[i:i+block_size] with i a 0-d tensor (numpy reads its __index__; Number(i) is its value)
    const at = (i: Tensor): number => Number(i);
    let x = torch.stack([...ix].map((i) => torch.tensor(data.subarray(at(i), at(i) + blockSize), { dtype: torch.int64 })));
    let y = torch.stack([...ix].map((i) => torch.tensor(data.subarray(at(i) + 1, at(i) + 1 + blockSize), { dtype: torch.int64 })));
    if (deviceType === 'cuda') {
      // pin arrays x,y, which allows us to move them to GPU asynchronously (non_blocking=True)
      // x, y = x.pin_memory().to(device, non_blocking=True), ...: CUDA only (PyTorch 1.13 without CUDA
      // raises there; torchlette has no Tensor.pinMemory and 'cuda' devices throw)
      throw new Error('unreachable: the device is the CPU');
    } else {
      [x, y] = [x.to(device), y.to(device)];
    }
    return [x, y];
  };

  // init these up here, can override if init_from='resume' (i.e. from a checkpoint)
  let iterNum = 0;
  let bestValLoss: number | Tensor = 1e9;

  // attempt to derive vocab_size from the dataset
  const metaPath = path.join(dataDir, 'meta.pkl');
  // (meta.pkl's dict is in memory)
  const meta = META;
  const metaVocabSize: number | null = meta.vocab_size;
  logPrint(`found vocab_size = ${metaVocabSize} (inside ${metaPath})`);

  // model init
  const modelArgs: Dict = { n_layer, n_head, n_embd, block_size: blockSize, bias, vocab_size: null, dropout }; // start with model_args from command line
  let model: GPT;
  let checkpoint: Dict | null = null;
  if (initFrom === 'scratch') {
    // init a new model from scratch
    logPrint('Initializing a new model from scratch');
    // determine the vocab size we'll use for from-scratch training
    if (metaVocabSize === null) {
      logPrint('defaulting to vocab_size of GPT-2 to 50304 (50257 rounded up for efficiency)');
    }
    modelArgs.vocab_size = metaVocabSize !== null ? metaVocabSize : 50304;
    const gptconf = new GPTConfig(modelArgs);
    model = new GPT(gptconf);
  } else if (initFrom === 'resume') {
    logPrint(`Resuming training from ${outDir}`);
    // resume training from a checkpoint.
    const ckptPath = path.join(outDir, 'ckpt.pt');
    checkpoint = torch.load<Dict>(ckptPath, { mapLocation: device });
    const checkpointModelArgs = checkpoint.model_args;
    // force these config attributes to be equal otherwise we can't even resume training
    // the rest of the attributes (e.g. dropout) can stay as desired from command line
    for (const k of ['n_layer', 'n_head', 'n_embd', 'block_size', 'bias', 'vocab_size']) {
      modelArgs[k] = checkpointModelArgs[k];
    }
    // create the model
    const gptconf = new GPTConfig(modelArgs);
    model = new GPT(gptconf);
    const stateDict: Record<string, Tensor> = checkpoint.model;
    // fix the keys of the state dictionary :(
    // honestly no idea how checkpoints sometimes get this prefix, have to debug more
    const unwantedPrefix = '_orig_mod.';
    for (const [k] of Object.entries(stateDict)) {
      if (k.startsWith(unwantedPrefix)) {
        const popped = stateDict[k]; // state_dict.pop(k)
        delete stateDict[k];
        stateDict[k.slice(unwantedPrefix.length)] = popped;
      }
    }
    LOG.resumeKeys = Object.keys(stateDict);
    model.loadStateDict(stateDict);
    iterNum = checkpoint.iter_num;
    bestValLoss = checkpoint.best_val_loss;
  } else {
    throw new Error(`init_from=${initFrom}: from_pretrained is left out`);
  }
  // crop down the model block size if desired, using model surgery
  if (blockSize < model.config.block_size) {
    model.cropBlockSize(blockSize);
    modelArgs.block_size = blockSize; // so that the checkpoint will have the right value
  }
  model.to(device);
  if (initFrom === 'scratch') {
    LOG.init = new Map([...model.namedParameters()].map(([n, p]) => [n, p.detach().clone()]));
    LOG.stateDictKeys = Object.keys(model.stateDict());
    LOG.numParams = [model.getNumParams(), model.getNumParams(false)];
  }

  // initialize a GradScaler. If enabled=False scaler is a no-op
  const scaler = new torch.cuda.amp.GradScaler({ enabled: dtype === 'float16' });

  // optimizer
  const optimizer = model.configureOptimizers(weightDecay, learningRate, [beta1, beta2], deviceType);
  if (initFrom === 'resume') {
    optimizer.loadStateDict(checkpoint!.optimizer);
  }
  checkpoint = null; // free up memory

  // compile the model
  if (compile) {
    throw new Error('torch.compile requires PyTorch 2.0 (neither PyTorch 1.13 nor torchlette has it)');
  }

  // helps estimate an arbitrarily accurate loss over either split using many batches
  const estimateLoss = (): Record<string, Tensor> =>
    torch.noGrad(() => {
      const out: Record<string, Tensor> = {};
      model.eval();
      for (const split of ['train', 'val']) {
        const losses = torch.zeros(evalIters);
        for (let k = 0; k < evalIters; k++) {
          const [X, Y] = getBatch(split);
          const [, loss] = ctx(() => model.forward(X, Y));
          losses.indexPut_([k], loss!.item());
        }
        out[split] = losses.mean();
        LOG.evals.push([split, losses]);
      }
      model.train();
      return out;
    });

  // learning rate decay scheduler (cosine with warmup)
  const getLr = (it: number): number => {
    // 1) linear warmup for warmup_iters steps
    if (it < warmupIters) {
      return (learningRate * (it + 1)) / (warmupIters + 1);
    }
    // 2) if it > lr_decay_iters, return min learning rate
    if (it > lrDecayIters) {
      return minLr;
    }
    // 3) in between, use cosine decay down to min learning rate
    const decayRatio = (it - warmupIters) / (lrDecayIters - warmupIters);
    assert.ok(decayRatio >= 0 && decayRatio <= 1);
    const coeff = 0.5 * (1.0 + Math.cos(Math.PI * decayRatio)); // coeff ranges 0..1
    return minLr + coeff * (learningRate - minLr);
  };

  // training loop
  let [X, Y] = getBatch('train'); // fetch the very first batch
  if (initFrom === 'scratch') LOG.firstBatch = [X, Y];
  let t0 = performance.now() / 1000;
  let localIterNum = 0; // number of iterations in the lifetime of this process
  const rawModel = model; // unwrap DDP container if needed
  let runningMfu = -1.0;
  for (;;) {
    // determine and set the learning rate for this iteration
    const lr = decayLr ? getLr(iterNum) : learningRate;
    for (const paramGroup of optimizer.paramGroups) {
      paramGroup.lr = lr;
    }
    LOG.lrs.push(lr);

    // evaluate the loss on train/val sets and write checkpoints
    if (iterNum % evalInterval === 0 && masterProcess) {
      const losses = estimateLoss();
      logPrint(`step ${iterNum}: train loss ${fmt4(losses.train)}, val loss ${fmt4(losses.val)}`);
      if (losses.val.lt(bestValLoss).item() || alwaysSaveCheckpoint) {
        bestValLoss = losses.val;
        if (iterNum > 0) {
          checkpoint = {
            model: rawModel.stateDict(),
            optimizer: optimizer.stateDict(),
            model_args: modelArgs,
            iter_num: iterNum,
            best_val_loss: bestValLoss,
            config,
          };
          logPrint(`saving checkpoint to ${outDir}`);
          torch.save(checkpoint, path.join(outDir, 'ckpt.pt'));
        }
      }
    }
    if (iterNum === 0 && evalOnly) {
      break;
    }

    // forward backward update, with optional gradient accumulation to simulate larger batch size
    // and using the GradScaler if data type is float16
    let loss!: Tensor;
    for (let microStep = 0; microStep < gradientAccumulationSteps; microStep++) {
      loss = ctx(() => {
        const [, l] = model.forward(X, Y);
        return l!.div(gradientAccumulationSteps); // scale the loss to account for gradient accumulation
      });
      LOG.microLosses.push(Number(loss.item()));
      // immediately async prefetch next batch while model is doing the forward pass on the GPU
      [X, Y] = getBatch('train');
      // backward pass, with gradient scaling if training in fp16
      scaler.scale(loss).backward();
    }
    // clip the gradient
    if (gradClip !== 0.0) {
      scaler.unscale_(optimizer);
      // (train.py discards the total norm; recorded here)
      LOG.gradNorms.push(Number(torch.nn.utils.clipGradNorm_(model.parameters(), gradClip).item()));
    }
    // step the optimizer and scaler if training in fp16
    scaler.step(optimizer);
    scaler.update();
    // flush the gradients as soon as we can, no need for this memory anymore
    optimizer.zeroGrad({ setToNone: true });

    // timing and logging
    const t1 = performance.now() / 1000;
    const dt = t1 - t0;
    t0 = t1;
    if (iterNum % logInterval === 0 && masterProcess) {
      // get loss as float. note: this is a CPU-GPU sync point
      // scale up to undo the division above, approximating the true total loss (exact would have been a sum)
      const lossf = Number(loss.item()) * gradientAccumulationSteps;
      if (localIterNum >= 5) {
        // let the training loop settle a bit
        const mfu = rawModel.estimateMfu(batchSize * gradientAccumulationSteps, dt);
        runningMfu = runningMfu === -1.0 ? mfu : 0.9 * runningMfu + 0.1 * mfu;
      }
      logPrint(`iter ${iterNum}: loss ${lossf.toFixed(4)}, time ${(dt * 1000).toFixed(2)}ms, mfu ${(runningMfu * 100).toFixed(2)}%`);
    }
    iterNum += 1;
    localIterNum += 1;

    // termination conditions
    if (iterNum > maxIters) {
      break;
    }
  }

  return [rawModel, optimizer];
}

// ----------------------------------------------------------------------------- the comparisons

const untimed = (lines: string[]): string[] => lines.map((l) => l.replace(/time [0-9.]+ms/, 'time Xms'));

/** Relative comparison of two number lists. */
function assertClose(got: number[], want: number[], rtol: number, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= rtol * Math.abs(want[i]) + 1e-7, `${label} ${i}: ${g} vs ${want[i]}`));
}

test('nanoGPT: model.py + train.py (scratch, checkpoint, resume with _orig_mod. keys), generate, crop_block_size, as PyTorch 1.13', async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'nanogpt-'));
  const outDir = path.join(tmp, 'out');
  const mask = (lines: string[]): string[] => lines.map((l) => l.replaceAll(outDir, 'out')); // the fixture runs with out_dir 'out' under a temporary cwd
  try {
    assert.deepEqual(Array.from(TRAIN_DATA.subarray(0, 20)), fx.train_data);
    // python train.py --device=cpu --compile=False --dtype=float32 --out_dir=... (and the tiny model)
    const commonArgs = {
      out_dir: outDir, eval_interval: 4, eval_iters: 3, log_interval: 1,
      gradient_accumulation_steps: 2, batch_size: 4, block_size: 8,
      n_layer: 2, n_head: 2, n_embd: 16, dropout: 0.1, learning_rate: 1e-2,
      warmup_iters: 2, lr_decay_iters: 6, min_lr: 1e-3,
      backend: 'gloo', device: 'cpu', compile: false,
    };
    let [[model, optimizer], warnings] = await warningsOf(() => trainProgram({ ...commonArgs, dtype: 'float32', max_iters: 8, dataset: 'synthetic' }));
    assert.deepEqual(warnings, fx.warnings1);

    // the model as built: parameters (tied ones once), state_dict keys (both tied names), counts
    assert.deepEqual([...LOG.init!.keys()], Object.keys(fx.init));
    for (const [n, p] of LOG.init!) assertTensor(p, fx.init[n], { rtol: 1e-6, atol: 1e-7 }, `initial ${n}`);
    assert.deepEqual(LOG.stateDictKeys, fx.state_dict_keys);
    assert.deepEqual(LOG.numParams, fx.num_params);
    assert.deepEqual(LOG.groups, fx.groups);
    assert.deepEqual(
      optimizer.paramGroups.map((g) => g.params.length),
      fx.groups_lens,
    );
    assertTensor(LOG.firstBatch[0], fx.first_batch[0], {}, 'first X');
    assertTensor(LOG.firstBatch[1], fx.first_batch[1], {}, 'first Y');

    // the checkpoint torchlette wrote, read back, against PyTorch's (contents and metadata)
    const ckptPath = path.join(outDir, 'ckpt.pt');
    const ckpt = torch.load<Dict>(ckptPath);
    assert.deepEqual(Object.keys(ckpt), fx.ckpt.keys);
    assert.deepEqual(Object.keys(ckpt.model), fx.ckpt.model_keys);
    assert.deepEqual(ckpt.model_args, fx.ckpt.model_args);
    assert.equal(ckpt.iter_num, fx.ckpt.iter_num);
    assertTensor(ckpt.best_val_loss, fx.ckpt.best_val_loss, { rtol: 1e-5 }, 'best_val_loss');
    assert.deepEqual({ ...ckpt.config, out_dir: 'out' }, fx.ckpt.config);
    assert.deepEqual(
      ckpt.optimizer.param_groups.map((g: Dict) => ({ ...g, lr: Number(g.lr.toPrecision(12)) })),
      fx.ckpt.optimizer.param_groups.map((g) => ({ ...g, lr: Number((g.lr as number).toPrecision(12)) })),
    );
    assert.deepEqual(Object.keys(ckpt.optimizer.state), Object.keys(fx.ckpt.optimizer.state));
    for (const [i, s] of Object.entries(fx.ckpt.optimizer.state)) {
      assert.deepEqual(Object.keys(ckpt.optimizer.state[i]), s.keys, `state ${i} keys`);
      assertTensor(ckpt.optimizer.state[i].step, s.step, {}, `state ${i} step`);
    }
    // PyTorch's checkpoint (its bytes) loads here, with the same structure and (to rounding) values
    const ptCkpt = torch.loadFromBuffer<Dict>(Buffer.from(fx.ckpt_b64, 'base64'));
    assert.deepEqual(Object.keys(ptCkpt), Object.keys(ckpt));
    assert.deepEqual(Object.keys(ptCkpt.model), Object.keys(ckpt.model));
    for (const [k, v] of Object.entries(ptCkpt.model as Record<string, Tensor>)) {
      assert.ok(torch.allclose(ckpt.model[k], v, { rtol: 1e-4, atol: 2e-6 }), `checkpoint model ${k}`);
    }
    for (const [i, s] of Object.entries(ptCkpt.optimizer.state as Record<string, Record<string, Tensor>>)) {
      for (const key of ['exp_avg', 'exp_avg_sq']) {
        assert.ok(torch.allclose(ckpt.optimizer.state[i][key], s[key], { rtol: 1e-3, atol: 1e-7 }), `checkpoint optimizer ${i} ${key}`);
      }
    }
    assert.equal(ptCkpt.model['lm_head.weight'].storage === ptCkpt.model['transformer.wte.weight'].storage, fx.ckpt_shares_tied, 'tied weights share a storage after torch.load');
    assert.equal(ckpt.model['lm_head.weight'].storage === ckpt.model['transformer.wte.weight'].storage, fx.ckpt_shares_tied, "tied weights share a storage in torchlette's own checkpoint");

    // the checkpoint as a torch.compile'd model would have written it: model keys under '_orig_mod.'
    ckpt.model = Object.fromEntries(Object.entries(ckpt.model as Dict).map(([k, v]) => [`_orig_mod.${k}`, v]));
    torch.save(ckpt, ckptPath);

    // python train.py ... --init_from=resume --max_iters=12 --always_save_checkpoint=False (dtype left at 'float16')
    assert.equal(LOG.printed.length, fx.printed_resume_from);
    [[model, optimizer], warnings] = await warningsOf(() =>
      trainProgram({ ...commonArgs, init_from: 'resume', max_iters: 12, always_save_checkpoint: false, dataset: 'synthetic' }),
    );
    assert.deepEqual(warnings, fx.warnings2);
    assert.deepEqual(LOG.resumeKeys, fx.resume_keys);
    assert.equal(model.wte.weight === model.lm_head.weight, fx.tied_after);

    assertClose(LOG.lrs, fx.lrs, 1e-12, 'lr');
    assertClose(LOG.microLosses, fx.micro_losses, 2e-5, 'micro-step loss');
    assertClose(LOG.gradNorms, fx.grad_norms, 1e-4, 'grad norm');
    assert.deepEqual(
      LOG.evals.map(([s]) => s),
      fx.evals.map(([s]) => s),
    );
    LOG.evals.forEach(([, l], i) => assertTensor(l, fx.evals[i][1], { rtol: 2e-5, atol: 1e-6 }, `estimate_loss ${i}`));
    for (const [n, p] of model.namedParameters()) assertTensor(p, fx.final2[n], { rtol: 1e-4, atol: 5e-6 }, `final ${n}`);

    // sampling (sample.py's loop, with its seed): prompts of 3 tokens, 10 new ones (cropped to block_size)
    model.eval();
    torch.manualSeed(1337);
    const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.long });
    torch.noGrad(() => {
      const [logits, loss] = model.forward(x);
      assertTensor(logits, fx.infer_logits, { rtol: 1e-4, atol: 2e-5 }, 'inference logits (last position)');
      assert.equal(loss === null, fx.infer_loss_none);
      assertTensor(model.generate(x, 10, 0.8, 5), fx.gen_t08_k5, {}, 'generate temperature 0.8, top_k 5');
      assertTensor(model.generate(x, 10, undefined, 200), fx.gen_k200, {}, 'generate top_k 200 (> vocab)');
      assertTensor(model.generate(x, 10, 1.5), fx.gen_t15, {}, 'generate temperature 1.5');
    });

    // model surgery: crop to block_size 4
    model.cropBlockSize(4);
    assert.deepEqual(
      Object.entries(model.stateDict()).map(([k, v]) => [k, v.shape]),
      fx.crop_sd,
    );
    assert.deepEqual(
      [...model.namedParameters()].map(([n, p]) => [n, p.shape]),
      fx.crop_params,
    );
    assert.equal(model.getNumParams(), fx.crop_num_params);
    torch.noGrad(() => {
      assertTensor(model.generate(x, 6, 0.9, 8), fx.crop_gen, {}, 'generate after crop_block_size(4)');
      assert.throws(() => model.forward(torch.zeros(1, 5, { dtype: torch.long })), { message: fx.crop_error });
    });

    // a bias=True model (GPT-2's layout): its parameters, state_dict keys and a training-mode loss
    torch.manualSeed(7);
    const m2 = new GPT(new GPTConfig({ block_size: 8, vocab_size: 32, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0.1, bias: true }));
    assert.deepEqual([...m2.namedParameters()].map(([n]) => n), Object.keys(fx.bias_init));
    for (const [n, p] of m2.namedParameters()) {
      const [shape, sum, norm] = fx.bias_init[n];
      assert.deepEqual(p.shape, shape, n);
      assertClose([Number(p.sum().item()), Number(p.norm().item())], [sum, norm], 1e-5, `bias=True init ${n}`);
    }
    assert.deepEqual(Object.keys(m2.stateDict()), fx.bias_sd_keys);
    const xb = torch.tensor(syntheticTokens(16, 5), { dtype: torch.int64 }).view(2, 8);
    const yb = torch.tensor(syntheticTokens(16, 6), { dtype: torch.int64 }).view(2, 8);
    const [, loss] = m2.forward(xb, yb);
    loss!.backward();
    assertClose([Number(loss!.item())], [fx.bias_loss], 1e-5, 'bias=True loss');
    for (const [n, p] of m2.namedParameters()) {
      const [sum, norm] = fx.bias_grads[n];
      assertClose([Number(p.grad!.norm().item())], [norm], 1e-4, `bias=True grad norm ${n}`);
      assert.ok(Math.abs(Number(p.grad!.sum().item()) - sum) <= 1e-4 * norm + 1e-7, `bias=True grad sum ${n}: ${Number(p.grad!.sum().item())} vs ${sum}`);
    }

    assert.deepEqual(untimed(mask(LOG.printed)), untimed(fx.printed));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("nanoGPT: the flash path (torchlette's F.scaledDotProductAttention, PyTorch >= 2.0) equals the manual one in eval mode", () => {
  torch.manualSeed(3);
  const config = new GPTConfig({ block_size: 8, vocab_size: 32, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0.1, bias: true });
  const model = new GPT(config);
  model.eval();
  const idx = torch.tensor(syntheticTokens(24, 11), { dtype: torch.int64 }).view(3, 8);
  const [slow] = torch.noGrad(() => model.forward(idx, idx));
  for (const block of model.h as Iterable<Block>) block.attn.flash = true;
  const [fast] = torch.noGrad(() => model.forward(idx, idx));
  assert.ok(torch.allclose(fast, slow, { rtol: 1e-5, atol: 1e-6 }));
});
