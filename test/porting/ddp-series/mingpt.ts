// pytorch/examples distributed/minGPT-ddp/mingpt: char_dataset.py, model.py, trainer.py and main.py (its
// hydra config gpt2_train_cfg.yaml a plain object), in one file, started by
//   npx torchlette-run --standalone --nproc-per-node 2 mingpt.ts OUT MAX_EPOCHS
// with the reductions of scripts/fixtures/porting_ddp_series.py (CPU, "gloo", tiny sizes, use_amp false).
// Dataclasses become classes whose constructor takes the fields as an object (GPTConfig(**cfg)).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as torch from '../../../src/index.js';
import { nn, type Tensor } from '../../../src/index.js';
import { DataLoader, Dataset, DistributedSampler, randomSplit, type Subset } from '../../../src/utils/data/index.js';
import { dump, LOG } from './record.js';

const F = nn.functional;
const DDP = nn.parallel.DistributedDataParallel;
const { initProcessGroup, destroyProcessGroup } = torch.distributed;
const print = console.log;

// ============================================================================ char_dataset.py

class DataConfig {
  path: string = null as unknown as string;
  block_size: number = null as unknown as number;
  train_split: number = null as unknown as number;
  truncate = 1.0;
  constructor(fields: Partial<DataConfig> = {}) {
    Object.assign(this, fields);
  }
}

class CharDataset extends Dataset<[Tensor, Tensor]> {
  stoi: Map<string, number>;
  itos: Map<number, string>;
  block_size: number;
  vocab_size: number;
  data: string;

  constructor(dataCfg: DataConfig) {
    super();
    let data = readFileSync(dataCfg.path).toString('utf-8'); // fsspec.open(data_cfg.path).open().read().decode('utf-8')
    data = data.slice(0, Math.trunc(data.length * dataCfg.truncate));

    const chars = [...new Set(data)].sort();
    const [dataSize, vocabSize] = [data.length, chars.length];
    print(`Data has ${dataSize} characters, ${vocabSize} unique.`);

    this.stoi = new Map(chars.map((ch, i) => [ch, i]));
    this.itos = new Map(chars.map((ch, i) => [i, ch]));
    this.block_size = dataCfg.block_size;
    this.vocab_size = vocabSize;
    this.data = data;
  }

  get length(): number {
    return this.data.length - this.block_size;
  }

  getItem(idx: number): [Tensor, Tensor] {
    // grab a chunk of (block_size + 1) characters from the data
    const chunk = this.data.slice(idx, idx + this.block_size + 1);
    // encode every character to an integer
    const dix = [...chunk].map((s) => this.stoi.get(s) as number);
    const x = torch.tensor(dix.slice(0, -1), { dtype: torch.long });
    const y = torch.tensor(dix.slice(1), { dtype: torch.long });
    return [x, y];
  }
}

// ============================================================================ model.py

class GPTConfig {
  model_type: string | null = 'gpt2';
  // model configurations
  n_layer: number | null = null;
  n_head: number | null = null;
  n_embd: number | null = null;
  // openai's values for gpt2
  vocab_size = 50257;
  block_size = 1024;
  // dropout hyperparameters
  embd_pdrop = 0.1;
  resid_pdrop = 0.1;
  attn_pdrop = 0.1;
  constructor(fields: Partial<GPTConfig> = {}) {
    Object.assign(this, fields);
  }
}
type Config = GPTConfig & { n_layer: number; n_head: number; n_embd: number };

class OptimizerConfig {
  learning_rate = 3e-4;
  weight_decay = 0.1;
  constructor(fields: Partial<OptimizerConfig> = {}) {
    Object.assign(this, fields);
  }
}

class MultiheadAttentionLayer extends nn.Module {
  resid_drop: nn.Dropout;
  c_proj: nn.Linear;
  declare mask: Tensor;
  attn: nn.MultiheadAttention;

  // A multi-head masked self-attention layer with a projection at the end.
  constructor(config: Config, device = 'cpu', dtype: torch.DType = torch.float32) {
    super();
    assert.ok(config.n_embd % config.n_head === 0);
    this.resid_drop = new nn.Dropout(config.resid_pdrop);
    this.c_proj = new nn.Linear(config.n_embd, config.n_embd, { device, dtype });
    this.registerBuffer('mask', torch.tril(torch.ones(config.block_size, config.block_size)).view(1, 1, config.block_size, config.block_size));
    this.attn = new torch.nn.MultiheadAttention({
      embedDim: config.n_embd,
      numHeads: config.n_head,
      dropout: config.attn_pdrop,
      batchFirst: true,
      device,
      dtype,
    });
  }

  override forward(x: Tensor): Tensor {
    const [, seqSize] = x.size() as number[];
    let y = this.attn.forward(x, x, x, { attnMask: this.mask.index(0, 0, `:${seqSize}`, `:${seqSize}`) })[0];
    y = this.resid_drop.forward(this.c_proj.forward(y));
    return y;
  }
}

class Block extends nn.Module {
  ln1: nn.LayerNorm;
  ln2: nn.LayerNorm;
  attn: MultiheadAttentionLayer;
  mlp: nn.Sequential;

  // an unassuming Transformer block
  constructor(config: Config) {
    super();
    this.ln1 = new nn.LayerNorm(config.n_embd);
    this.ln2 = new nn.LayerNorm(config.n_embd);
    this.attn = new MultiheadAttentionLayer(config);
    this.mlp = new nn.Sequential(
      new nn.Linear(config.n_embd, 4 * config.n_embd),
      new nn.GELU(),
      new nn.Linear(4 * config.n_embd, config.n_embd),
      new nn.Dropout(config.resid_pdrop),
    );
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln1.forward(x)));
    x = x.add(this.mlp.forward(this.ln2.forward(x)) as Tensor);
    return x;
  }
}

class EmbeddingStem extends nn.Module {
  tok_emb: nn.Embedding;
  pos_emb: nn.Parameter;
  drop: nn.Dropout;
  block_size: number;

  constructor(config: Config, device = 'cpu', dtype: torch.DType = torch.float32) {
    super();
    this.tok_emb = new nn.Embedding(config.vocab_size, config.n_embd, { device, dtype });
    this.pos_emb = new nn.Parameter(torch.zeros(1, config.block_size, config.n_embd, { device, dtype }));
    this.drop = new nn.Dropout(config.embd_pdrop);
    this.block_size = config.block_size;
  }

  resetParameters(): void {
    this.tok_emb.resetParameters();
  }

  override forward(idx: Tensor): Tensor {
    const [, t] = idx.size() as number[];
    assert.ok(t <= this.block_size, `Cannot forward sequence of length ${t}, block size is only ${this.block_size}`);

    const tokenEmbeddings = this.tok_emb.forward(idx); // each index maps to a (learnable) embedding vector
    const positionEmbeddings = this.pos_emb.index(':', `:${t}`, ':'); // each position maps to a (learnable) position vector
    return this.drop.forward(tokenEmbeddings.add(positionEmbeddings));
  }
}

class GPT extends nn.Module {
  block_size: number;
  emb_stem: EmbeddingStem;
  blocks: nn.Sequential;
  ln_f: nn.LayerNorm;
  head: nn.Linear;

  // GPT Language Model
  constructor(config: GPTConfig) {
    super();
    this.block_size = config.block_size;
    const cfg = this._setModelConfig(config);

    // input embedding stem
    this.emb_stem = new EmbeddingStem(cfg);
    // transformer
    this.blocks = new nn.Sequential(...Array.from({ length: cfg.n_layer }, () => new Block(cfg)));
    // decoder head
    this.ln_f = new nn.LayerNorm(cfg.n_embd);
    this.head = new nn.Linear(cfg.n_embd, cfg.vocab_size, { bias: false });

    // init all weights, and apply a special scaled init to the residual projections, per GPT-2 paper
    this.apply((m) => this._initWeights(m));
    for (const [pn, p] of this.namedParameters()) {
      if (pn.endsWith('c_proj.weight')) {
        p.data.normal_({ mean: 0.0, std: 0.02 / Math.sqrt(2 * cfg.n_layer) });
      }
    }

    // report number of parameters (note we don't count the decoder parameters in lm_head)
    let nParams = 0;
    for (const p of this.blocks.parameters()) nParams += p.numel();
    print(`number of parameters: ${(nParams / 1e6).toFixed(2)}M`);
  }

  _setModelConfig(config: GPTConfig): Config {
    const typeGiven = config.model_type !== null;
    const paramsGiven = [config.n_layer !== null, config.n_head !== null, config.n_embd !== null].every(Boolean);
    // assert type_given ^ params_given # exactly one of these (XOR)
    if (typeGiven && !paramsGiven) {
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
          } as Record<string, Partial<GPTConfig>>
        )[config.model_type as string],
      );
    }
    return config as Config;
  }

  _initWeights(module: nn.Module): void {
    if (module instanceof nn.Linear || module instanceof nn.Embedding) {
      module.weight.data.normal_({ mean: 0.0, std: 0.02 });
      if (module instanceof nn.Linear && module.bias !== null) {
        module.bias.data.zero_();
      }
    } else if (module instanceof nn.LayerNorm) {
      module.bias!.data.zero_();
      module.weight!.data.fill_(1.0);
    }
  }

  override forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    let x = this.emb_stem.forward(idx);
    x = this.blocks.forward(x) as Tensor;
    x = this.ln_f.forward(x);
    const logits = this.head.forward(x);

    // if we are given some desired targets also calculate the loss
    let loss: Tensor | null = null;
    if (targets !== null) {
      loss = F.crossEntropy(logits.view(-1, logits.size(-1) as number), targets.view(-1), { ignoreIndex: -1 });
    }

    return [logits, loss];
  }
}

function createOptimizer(model: nn.Module, optConfig: OptimizerConfig): torch.optim.AdamW {
  // separate out all parameters to those that will and won't experience regularizing weight decay
  const decay = new Set<string>();
  const noDecay = new Set<string>();
  const whitelistWeightModules = [torch.nn.Linear];
  const blacklistWeightModules = [torch.nn.LayerNorm, torch.nn.Embedding];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const isinstance = (m: nn.Module, classes: (abstract new (...a: any[]) => nn.Module)[]): boolean => classes.some((c) => m instanceof c);
  for (const [mn, m] of model.namedModules()) {
    for (const [pn] of m.namedParameters()) {
      const fpn = mn ? `${mn}.${pn}` : pn; // full param name
      if (pn.endsWith('bias')) {
        // all biases will not be decayed
        noDecay.add(fpn);
      } else if (pn.endsWith('weight') && isinstance(m, whitelistWeightModules)) {
        // weights of whitelist modules will be weight decayed
        decay.add(fpn);
      } else if (pn.endsWith('in_proj_weight')) {
        // MHA projection layer
        decay.add(fpn);
      } else if (pn.endsWith('weight') && isinstance(m, blacklistWeightModules)) {
        // weights of blacklist modules will NOT be weight decayed
        noDecay.add(fpn);
      } else if (pn.endsWith('pos_emb')) {
        // positional embedding shouldn't be decayed
        noDecay.add(fpn);
      }
    }
  }

  // validate that we considered every parameter
  const paramDict = new Map(model.namedParameters());
  const interParams = [...decay].filter((pn) => noDecay.has(pn));
  const unionParams = new Set([...decay, ...noDecay]);
  assert.ok(interParams.length === 0, `parameters ${interParams} made it into both decay/no_decay sets!`);
  const missing = [...paramDict.keys()].filter((pn) => !unionParams.has(pn));
  assert.ok(missing.length === 0, `parameters ${missing} were not separated into either decay/no_decay set!`);

  // create the pytorch optimizer object
  const optimGroups = [
    { params: [...decay].sort().map((pn) => paramDict.get(pn)!), weightDecay: optConfig.weight_decay },
    { params: [...noDecay].sort().map((pn) => paramDict.get(pn)!), weightDecay: 0.0 },
  ];
  LOG.groups = [[...decay].sort(), [...noDecay].sort()];
  const optimizer = new torch.optim.AdamW(optimGroups, { lr: optConfig.learning_rate, betas: [0.9, 0.95] });
  return optimizer;
}

// ============================================================================ trainer.py

class TrainerConfig {
  max_epochs: number = null as unknown as number;
  batch_size: number = null as unknown as number;
  data_loader_workers: number = null as unknown as number;
  grad_norm_clip: number = null as unknown as number;
  snapshot_path: string | null = null;
  save_every: number = null as unknown as number;
  use_amp: boolean = null as unknown as boolean;
  constructor(fields: Partial<TrainerConfig> = {}) {
    Object.assign(this, fields);
  }
}

class Snapshot {
  model_state: Record<string, Tensor>;
  optimizer_state: torch.optim.OptimizerStateDict;
  finished_epoch: number;
  constructor(fields: { model_state: Record<string, Tensor>; optimizer_state: torch.optim.OptimizerStateDict; finished_epoch: number }) {
    assert.deepEqual(Object.keys(fields).sort(), ['finished_epoch', 'model_state', 'optimizer_state']);
    this.model_state = fields.model_state;
    this.optimizer_state = fields.optimizer_state;
    this.finished_epoch = fields.finished_epoch;
  }
}
/** dataclasses.asdict */
const asdict = (s: Snapshot): Record<string, unknown> => ({ model_state: s.model_state, optimizer_state: s.optimizer_state, finished_epoch: s.finished_epoch });

type Loader = DataLoader<[Tensor, Tensor], [Tensor, Tensor]>;

class Trainer {
  config: TrainerConfig;
  local_rank: number;
  global_rank: number;
  device: torch.Device;
  device_type: string;
  train_dataset: Dataset<[Tensor, Tensor]>;
  train_loader: Loader;
  test_loader: Loader | null;
  epochs_run: number;
  model: nn.Module;
  optimizer: torch.optim.Optimizer;
  save_every: number;
  scaler?: InstanceType<typeof torch.cuda.amp.GradScaler>;

  constructor(trainerConfig: TrainerConfig, model: nn.Module, optimizer: torch.optim.Optimizer, trainDataset: Dataset<[Tensor, Tensor]>, testDataset: Dataset<[Tensor, Tensor]> | null = null) {
    this.config = trainerConfig;
    // set torchrun variables
    this.local_rank = Number(process.env.LOCAL_RANK);
    this.global_rank = Number(process.env.RANK);
    // set device: torch.device(f"{torch.accelerator.current_accelerator()}:{local_rank}")
    this.device = torch.device('cpu');
    this.device_type = this.device.type;
    // data stuff
    this.train_dataset = trainDataset;
    this.train_loader = this._prepareDataloader(trainDataset);
    this.test_loader = testDataset ? this._prepareDataloader(testDataset) : null;
    // initialize train states
    this.epochs_run = 0;
    this.model = model.to('cpu'); // model.to(self.local_rank)
    this.optimizer = optimizer;
    this.save_every = this.config.save_every;
    if (this.config.use_amp) {
      // torch.amp.GradScaler(self.device_type) is PyTorch 2.3's; 1.13 (and torchlette) have torch.cuda.amp's,
      // which the revision before torch.accelerator used
      this.scaler = new torch.cuda.amp.GradScaler();
    }
    // load snapshot if available. only necessary on the first node.
    if (this.config.snapshot_path === null) {
      this.config.snapshot_path = 'snapshot.pt';
    }
    this._loadSnapshot();
    // wrap with DDP. this step will synch model across all the processes.
    this.model = new DDP(this.model);
  }

  _prepareDataloader(dataset: Dataset<[Tensor, Tensor]>): Loader {
    return new DataLoader(dataset, {
      batchSize: this.config.batch_size,
      pinMemory: true,
      shuffle: false,
      numWorkers: this.config.data_loader_workers,
      sampler: new DistributedSampler(dataset),
    });
  }

  _loadSnapshot(): void {
    let snapshotData: Record<string, unknown>;
    try {
      const f = readFileSync(this.config.snapshot_path as string); // with fsspec.open(self.config.snapshot_path) as f
      snapshotData = torch.load(f, { mapLocation: 'cpu' }) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // except FileNotFoundError
      print('Snapshot not found. Training model from scratch');
      return;
    }

    const snapshot = new Snapshot(snapshotData as ConstructorParameters<typeof Snapshot>[0]);
    this.model.loadStateDict(snapshot.model_state);
    this.optimizer.loadStateDict(snapshot.optimizer_state);
    this.epochs_run = snapshot.finished_epoch;
    print(`Resuming training from snapshot at Epoch ${this.epochs_run}`);
  }

  _runBatch(source: Tensor, targets: Tensor, train = true): number {
    const [, loss] = torch.setGradEnabled(train, () =>
      torch.amp.autocast({ deviceType: this.device_type, dtype: torch.float16, enabled: this.config.use_amp }, () => this.model.forward(source, targets) as [Tensor, Tensor]),
    );

    if (train) {
      this.optimizer.zeroGrad({ setToNone: true });
      if (this.config.use_amp) {
        this.scaler!.scale(loss).backward();
        torch.nn.utils.clipGradNorm_(this.model.parameters(), this.config.grad_norm_clip);
        this.scaler!.step(this.optimizer);
        this.scaler!.update();
      } else {
        loss.backward();
        ((LOG.grad_norms ??= []) as number[]).push(Number(torch.nn.utils.clipGradNorm_(this.model.parameters(), this.config.grad_norm_clip).item()));
        this.optimizer.step();
      }
    }

    return Number(loss.item());
  }

  _runEpoch(epoch: number, dataloader: Loader, train = true): void {
    if (train) {
      (dataloader.sampler as DistributedSampler).setEpoch(epoch);
      LOG.orders.push([...(dataloader.sampler as DistributedSampler)]);
    }
    let iter = 0;
    for (let [source, targets] of dataloader) {
      const stepType = train ? 'Train' : 'Eval';
      source = source.to('cpu');
      targets = targets.to('cpu');
      const batchLoss = this._runBatch(source, targets, train);
      (train ? LOG.losses : LOG.eval_losses).push(batchLoss);
      if (iter % 100 === 0) {
        print(`[RANK${this.global_rank}] Epoch ${epoch} | Iter ${iter} | ${stepType} Loss ${batchLoss.toFixed(5)}`);
      }
      iter++;
    }
  }

  _saveSnapshot(epoch: number): void {
    // capture snapshot
    const model = this.model;
    const rawModel = 'module' in model ? (model as InstanceType<typeof DDP>).module : model;
    let snapshot = new Snapshot({
      model_state: rawModel.stateDict(),
      optimizer_state: this.optimizer.stateDict(),
      finished_epoch: epoch,
    });
    // save snapshot
    const data = asdict(snapshot);
    if ((this.config.snapshot_path as string).startsWith('s3://')) {
      throw new Error('upload_to_s3');
    } else {
      torch.save(data, this.config.snapshot_path as string);
    }
    snapshot = null as unknown as Snapshot;

    print(`Snapshot saved at epoch ${epoch}`);
  }

  train(): void {
    for (let e = this.epochs_run; e < this.config.max_epochs; e++) {
      let epoch = e;
      epoch += 1;
      this._runEpoch(epoch, this.train_loader, true);
      if (this.local_rank === 0 && epoch % this.save_every === 0) {
        this._saveSnapshot(epoch);
      }
      // eval run
      if (this.test_loader) {
        this._runEpoch(epoch, this.test_loader, false);
      }
    }
  }
}

// ============================================================================ main.py

function ddpSetup(): void {
  // backend = torch.distributed.get_default_backend_for_device(device)
  initProcessGroup({ backend: 'gloo' });
}

function getTrainObjs(gptCfg: GPTConfig, optCfg: OptimizerConfig, dataCfg: DataConfig): [GPT, torch.optim.AdamW, Subset<[Tensor, Tensor]>, Subset<[Tensor, Tensor]>] {
  const dataset = new CharDataset(dataCfg);
  const trainLen = Math.trunc(dataset.length * dataCfg.train_split);
  const [trainSet, testSet] = randomSplit(dataset, [trainLen, dataset.length - trainLen]);
  LOG.test_indices = [...testSet.indices];

  gptCfg.vocab_size = dataset.vocab_size;
  gptCfg.block_size = dataset.block_size;
  const model = new GPT(gptCfg);
  const optimizer = createOptimizer(model, optCfg);

  return [model, optimizer, trainSet, testSet];
}

// gpt2_train_cfg.yaml (reduced as in the fixture script)
const cfg = {
  data_config: { path: 'input.txt', block_size: 16, train_split: 0.9, truncate: 0.5 },
  gpt_config: { n_layer: 2, n_head: 2, n_embd: 16 },
  trainer_config: { max_epochs: Number(process.argv[3]), batch_size: 16, data_loader_workers: 0, grad_norm_clip: 1.0, snapshot_path: 'gpt_snapshot.pt', save_every: 1, use_amp: false },
  optimizer_config: { weight_decay: 0.1, learning_rate: 0.0003 },
};

function main(): void {
  torch.manualSeed(Number(process.env.RANK));
  ddpSetup();

  const gptCfg = new GPTConfig(cfg.gpt_config);
  const optCfg = new OptimizerConfig(cfg.optimizer_config);
  const dataCfg = new DataConfig(cfg.data_config);
  const trainerCfg = new TrainerConfig(cfg.trainer_config);

  const [model, optimizer, trainData, testData] = getTrainObjs(gptCfg, optCfg, dataCfg);
  const trainer = new Trainer(trainerCfg, model, optimizer, trainData, testData);
  trainer.train();

  destroyProcessGroup();
  dump(process.argv[2], Number(process.env.RANK), model.stateDict());
}

main();
