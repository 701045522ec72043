// pytorch/examples vision_transformer/main.py transcribed line for line (PatchExtractor with
// unfold/permute/contiguous/view, InputEmbedding with a batch-sized class token and positional
// embedding, EncoderBlocks of LayerNorm, MultiheadAttention (batch_first=False, as the example leaves
// it) and a GELU MLP with Dropout, the MLPHead; TrainEval with Adam + weight decay, CrossEntropyLoss,
// shuffled DataLoaders and torch.save of the best state_dict) against the same program run by PyTorch
// (scripts/fixtures/porting_vit.py) on a synthetic seeded CIFAR-10 read by datasets.CIFAR10 through
// Resize + ToTensor, at reduced sizes: every loss, the bar's postfix, what it prints, the shuffled
// labels, the first transformed image, initial and final weights and the saved checkpoint.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { DataLoader } from '../../src/utils/data/index.js';
import * as torchvision from '../../src/vision/index.js';
import type { Image } from '../../src/vision/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { Compose, ToTensor, Resize } = torchvision.transforms;

interface Fixture {
  desc: string[];
  train_labels: number[][];
  val_labels: number[][];
  train_losses: number[];
  val_losses: number[];
  postfix: { Loss: string }[];
  epoch_losses: number[][];
  printed: string[];
  first_image: TensorJson;
  init: Record<'class_token' | 'projection_weight_row0' | 'in_proj_weight_1_row0' | 'mlp_3_weight_1_row0' | 'head_weight', TensorJson>;
  state_dict_keys: string[];
  saved_head_bias: TensorJson;
  head_weight: TensorJson;
  class_token: TensorJson;
  repr: string;
}
const fx = loadFixture<Fixture>('porting_vit.json');
const LOG = {
  desc: [] as string[], trainLabels: [] as number[][], valLabels: [] as number[][], trainLosses: [] as number[], valLosses: [] as number[],
  postfix: [] as { Loss: string }[], epochLosses: [] as number[][], printed: [] as string[], firstImage: null as Tensor | null,
};

/**
 * What the example uses of torch.hub.tqdm: iterate, and show a description and a postfix (recorded
 * here). torchlette has no tqdm; neither has Debian's PyTorch without the tqdm package, where
 * torch.hub.tqdm is a byte counter, so the fixture script uses the same stand-in.
 */
class Tqdm<T> implements Iterable<T> {
  constructor(private readonly iterable: Iterable<T>, opts: { desc?: string } = {}) {
    LOG.desc.push(opts.desc as string);
  }
  [Symbol.iterator](): Iterator<T> {
    return this.iterable[Symbol.iterator]();
  }
  setPostfix(orderedDict: { Loss: string }): void {
    LOG.postfix.push({ ...orderedDict });
  }
}
const tqdm = <T>(iterable: Iterable<T>, opts?: { desc?: string }) => new Tqdm(iterable, opts);

class PatchExtractor extends nn.Module {
  patchSize: number;

  constructor(patchSize = 16) {
    super();
    this.patchSize = patchSize;
  }

  override forward(inputData: Tensor): Tensor {
    const [batchSize, , height, width] = inputData.size();
    assert.ok(height % this.patchSize === 0 && width % this.patchSize === 0,
      `Input height (${height}) and width (${width}) must be divisible by patch size (${this.patchSize})`);

    const numPatchesH = Math.floor(height / this.patchSize);
    const numPatchesW = Math.floor(width / this.patchSize);
    const numPatches = numPatchesH * numPatchesW;

    const patches = inputData.unfold(2, this.patchSize, this.patchSize).
      unfold(3, this.patchSize, this.patchSize).
      permute(0, 2, 3, 1, 4, 5).
      contiguous().
      view(batchSize, numPatches, -1);

    return patches;
  }
}

interface Args {
  noCuda: boolean; patchSize: number; latentSize: number; nChannels: number; numHeads: number; numEncoders: number;
  dropout: number; imgSize: number; numClasses: number; epochs: number; lr: number; weightDecay: number; batchSize: number; dryRun: boolean;
}

class InputEmbedding extends nn.Module {
  patchSize: number;
  nChannels: number;
  latentSize: number;
  device: torch.Device;
  batchSize: number;
  inputSize: number;
  LinearProjection: nn.Linear;
  class_token: nn.Parameter;
  pos_embedding: nn.Parameter;

  constructor(args: Args) {
    super();
    this.patchSize = args.patchSize;
    this.nChannels = args.nChannels;
    this.latentSize = args.latentSize;
    const useCuda = !args.noCuda && torch.cuda.isAvailable();
    this.device = torch.device(useCuda ? 'cuda' : 'cpu');
    this.batchSize = args.batchSize;
    this.inputSize = this.patchSize * this.patchSize * this.nChannels;

    // Linear projection
    this.LinearProjection = new nn.Linear(this.inputSize, this.latentSize);
    // Class token
    this.class_token = new nn.Parameter(torch.randn(this.batchSize, 1, this.latentSize).to(this.device));
    // Positional embedding
    this.pos_embedding = new nn.Parameter(torch.randn(this.batchSize, 1, this.latentSize).to(this.device));
  }

  override forward(inputData: Tensor): Tensor {
    inputData = inputData.to(this.device);
    // Patchifying the Image
    const patchify = new PatchExtractor(this.patchSize);
    const patches = patchify.forward(inputData);

    let linearProjection = this.LinearProjection.forward(patches).to(this.device);
    const [, n] = linearProjection.shape;
    linearProjection = torch.cat([this.class_token, linearProjection], { dim: 1 });
    const posEmbed = this.pos_embedding.index(':', `:${n + 1}`, ':');
    linearProjection.add_(posEmbed); // linear_projection += pos_embed

    return linearProjection;
  }
}

class EncoderBlock extends nn.Module {
  latentSize: number;
  numHeads: number;
  dropout: number;
  norm: nn.LayerNorm;
  attention: nn.MultiheadAttention;
  enc_MLP: nn.Sequential;

  constructor(args: Args) {
    super();
    this.latentSize = args.latentSize;
    this.numHeads = args.numHeads;
    this.dropout = args.dropout;
    this.norm = new nn.LayerNorm(this.latentSize);
    this.attention = new nn.MultiheadAttention(this.latentSize, this.numHeads, { dropout: this.dropout });
    this.enc_MLP = new nn.Sequential(
      new nn.Linear(this.latentSize, this.latentSize * 4),
      new nn.GELU(),
      new nn.Dropout(this.dropout),
      new nn.Linear(this.latentSize * 4, this.latentSize),
      new nn.Dropout(this.dropout),
    );
  }

  override forward(embPatches: Tensor): Tensor {
    const firstNorm = this.norm.forward(embPatches);
    const attentionOut = this.attention.forward(firstNorm, firstNorm, firstNorm)[0];
    const firstAdded = attentionOut.add(embPatches);
    const secondNorm = this.norm.forward(firstAdded);
    const mlpOut = this.enc_MLP.forward(secondNorm);
    const output = mlpOut.add(firstAdded);

    return output;
  }
}

class ViT extends nn.Module {
  numEncoders: number;
  latentSize: number;
  numClasses: number;
  dropout: number;
  embedding: InputEmbedding;
  encoders: nn.ModuleList;
  MLPHead: nn.Sequential;

  constructor(args: Args) {
    super();
    this.numEncoders = args.numEncoders;
    this.latentSize = args.latentSize;
    this.numClasses = args.numClasses;
    this.dropout = args.dropout;

    this.embedding = new InputEmbedding(args);
    // Encoder Stack
    this.encoders = new nn.ModuleList(Array.from({ length: this.numEncoders }, () => new EncoderBlock(args)));
    this.MLPHead = new nn.Sequential(
      new nn.LayerNorm(this.latentSize),
      new nn.Linear(this.latentSize, this.latentSize),
      new nn.Linear(this.latentSize, this.numClasses),
    );
  }

  override forward(testInput: Tensor): Tensor {
    let encOutput = this.embedding.forward(testInput);
    for (const encLayer of this.encoders) {
      encOutput = encLayer.forward(encOutput) as Tensor;
    }

    const classTokenEmbed = encOutput.index(':', 0);
    return this.MLPHead.forward(classTokenEmbed);
  }
}

type Batch = [Tensor, number]; // what the dataset yields; the loader collates both to tensors
// Python's "%6f": six decimals, at least six characters wide
const pct6f = (v: number) => v.toFixed(6).padStart(6);

class TrainEval {
  model: ViT;
  trainDataloader: DataLoader<Batch, [Tensor, Tensor]>;
  valDataloader: DataLoader<Batch, [Tensor, Tensor]>;
  optimizer: optim.Optimizer;
  criterion: nn.CrossEntropyLoss;
  epoch: number;
  device: torch.Device;
  args: Args;
  dir: string;

  // `dir` is where torch.save writes best-weights.pt (the working directory in the example)
  constructor(args: Args, model: ViT, trainDataloader: DataLoader<Batch, [Tensor, Tensor]>, valDataloader: DataLoader<Batch, [Tensor, Tensor]>, optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, device: torch.Device, dir: string) {
    this.model = model;
    this.trainDataloader = trainDataloader;
    this.valDataloader = valDataloader;
    this.optimizer = optimizer;
    this.criterion = criterion;
    this.epoch = args.epochs;
    this.device = device;
    this.args = args;
    this.dir = dir;
  }

  trainFn(currentEpoch: number): number {
    this.model.train();
    let totalLoss = 0.0;
    const tk = tqdm(this.trainDataloader, { desc: 'EPOCH' + '[TRAIN]' + String(currentEpoch + 1) + '/' + String(this.epoch) });

    let t = 0;
    for (const data of tk) {
      let [images, labels] = data;
      [images, labels] = [images.to(this.device), labels.to(this.device)];
      LOG.trainLabels.push(labels.tolist() as number[]);
      LOG.firstImage ??= images.index(0);
      this.optimizer.zeroGrad();
      const logits = this.model.forward(images);
      const loss = this.criterion.forward(logits, labels);
      loss.backward();
      this.optimizer.step();
      LOG.trainLosses.push(Number(loss.item()));

      totalLoss += Number(loss.item());
      tk.setPostfix({ Loss: pct6f(totalLoss / (t + 1)) });
      if (this.args.dryRun) break;
      t++;
    }

    return totalLoss / this.trainDataloader.length;
  }

  evalFn(currentEpoch: number): number {
    this.model.eval();
    let totalLoss = 0.0;
    const tk = tqdm(this.valDataloader, { desc: 'EPOCH' + '[VALID]' + String(currentEpoch + 1) + '/' + String(this.epoch) });

    let t = 0;
    for (const data of tk) {
      let [images, labels] = data;
      [images, labels] = [images.to(this.device), labels.to(this.device)];
      LOG.valLabels.push(labels.tolist() as number[]);

      const logits = this.model.forward(images);
      const loss = this.criterion.forward(logits, labels);
      LOG.valLosses.push(Number(loss.item()));

      totalLoss += Number(loss.item());
      tk.setPostfix({ Loss: pct6f(totalLoss / (t + 1)) });
      if (this.args.dryRun) break;
      t++;
    }

    return totalLoss / this.valDataloader.length;
  }

  train(): void {
    let bestValidLoss = Infinity; // np.inf
    let bestTrainLoss = Infinity;
    for (let i = 0; i < this.epoch; i++) {
      const trainLoss = this.trainFn(i);
      const valLoss = this.evalFn(i);
      LOG.epochLosses.push([trainLoss, valLoss]);

      if (valLoss < bestValidLoss) {
        torch.save(this.model.stateDict(), path.join(this.dir, 'best-weights.pt'));
        LOG.printed.push('Saved Best Weights');
        bestValidLoss = valLoss;
        bestTrainLoss = trainLoss;
      }
    }
    LOG.printed.push(`Training Loss : ${bestTrainLoss}`);
    LOG.printed.push(`Valid Loss : ${bestValidLoss}`);
  }
}

// The files are not the real CIFAR-10: no MD5 checks (an existing file passes), as in the fixture script.
class SyntheticCIFAR10<I = Image, L = number> extends torchvision.datasets.CIFAR10<I, L> {
  static override trainList = torchvision.datasets.CIFAR10.trainList.map(([f]): [string, null] => [f, null]);
  static override testList = torchvision.datasets.CIFAR10.testList.map(([f]): [string, null] => [f, null]);
  static override meta = { ...torchvision.datasets.CIFAR10.meta, md5: null };
}

test('vision_transformer: patches, MultiheadAttention encoders, Adam + CrossEntropyLoss on CIFAR-10, as PyTorch', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'torchlette-vit-'));
  try {
    torch.manualSeed(0); // the example does not seed; the fixture script does, first
    // --img-size 16 --patch-size 4 --latent-size 32 --num-heads 4 --num-encoders 2 --epochs 2; the rest default
    const args: Args = {
      noCuda: false, patchSize: 4, latentSize: 32, nChannels: 3, numHeads: 4, numEncoders: 2, dropout: 0.1, imgSize: 16,
      numClasses: 10, epochs: 2, lr: 1e-2, weightDecay: 3e-2, batchSize: 4, dryRun: false,
    };

    const useCuda = !args.noCuda && torch.cuda.isAvailable();
    const device = torch.device(useCuda ? 'cuda' : 'cpu');

    const transforms = new Compose<Image, Tensor>([
      new Resize([args.imgSize, args.imgSize]),
      new ToTensor(),
    ]);
    // root='./dataset', download=True in the example: here the fixture's files
    const root = path.join(import.meta.dirname, '..', 'fixtures', 'datasets', 'vit-cifar10');
    const trainData = new SyntheticCIFAR10({ root, train: true, download: false, transform: transforms });
    const validData = new SyntheticCIFAR10({ root, train: false, download: false, transform: transforms });
    const trainLoader = new DataLoader(trainData, { batchSize: args.batchSize, shuffle: true });
    const validLoader = new DataLoader(validData, { batchSize: args.batchSize, shuffle: true });

    const model = new ViT(args).to(device);
    assertTensor(model.embedding.class_token.index(0), fx.init.class_token, { rtol: 1e-6, atol: 1e-7 }, 'class_token draw');
    assertTensor(model.embedding.LinearProjection.weight.index(0), fx.init.projection_weight_row0, { rtol: 1e-6, atol: 1e-7 }, 'LinearProjection draw');
    const enc1 = model.encoders.get(1) as EncoderBlock;
    assertTensor(enc1.attention.in_proj_weight!.index(0), fx.init.in_proj_weight_1_row0, { rtol: 1e-6, atol: 1e-7 }, 'in_proj_weight draw');
    assertTensor((enc1.enc_MLP.get(3) as nn.Linear).weight.index(0), fx.init.mlp_3_weight_1_row0, { rtol: 1e-6, atol: 1e-7 }, 'enc_MLP draw');
    const head = model.MLPHead.get(2) as nn.Linear;
    assertTensor(head.weight, fx.init.head_weight, { rtol: 1e-6, atol: 1e-7 }, 'MLPHead draw');
    assert.equal(String(model), fx.repr);

    const optimizer = new optim.Adam(model.parameters(), { lr: args.lr, weightDecay: args.weightDecay });
    const criterion = new nn.CrossEntropyLoss();

    new TrainEval(args, model, trainLoader, validLoader, optimizer, criterion, device, tmp).train();

    assert.deepEqual(LOG.desc, fx.desc);
    assert.deepEqual(LOG.trainLabels, fx.train_labels); // the same shuffles
    assert.deepEqual(LOG.valLabels, fx.val_labels);
    assertTensor(LOG.firstImage as Tensor, fx.first_image, { rtol: 1e-6, atol: 1e-7 }, 'Resize + ToTensor');
    // four Adam steps: rounding only (summation order; both backends agree with PyTorch to ~1e-7 relative
    // here), held to 1e-5 relative
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-5 * Math.abs(b), `${what}: ${a} vs ${b}`);
    assert.equal(LOG.trainLosses.length, fx.train_losses.length);
    LOG.trainLosses.forEach((l, i) => close(l, fx.train_losses[i], `train loss ${i}`));
    assert.equal(LOG.valLosses.length, fx.val_losses.length);
    LOG.valLosses.forEach((l, i) => close(l, fx.val_losses[i], `val loss ${i}`));
    LOG.epochLosses.forEach((e, i) => e.forEach((l, j) => close(l, fx.epoch_losses[i][j], `epoch ${i} loss ${j}`)));
    assert.equal(LOG.postfix.length, fx.postfix.length);
    LOG.postfix.forEach((p, i) => close(Number(p.Loss), Number(fx.postfix[i].Loss), `postfix ${i}`));
    const masked = (lines: string[]) => lines.map((l) => l.replace(/: [0-9.e-]+$/, ': x'));
    assert.deepEqual(masked(LOG.printed), masked(fx.printed));
    assertTensor(head.weight, fx.head_weight, { rtol: 1e-4, atol: 1e-6 }, 'final MLPHead[2].weight');
    assertTensor(model.embedding.class_token.index(0), fx.class_token, { rtol: 1e-4, atol: 1e-6 }, 'final class_token');

    const saved = torch.load<Record<string, Tensor>>(path.join(tmp, 'best-weights.pt'));
    assert.deepEqual(Object.keys(saved), fx.state_dict_keys);
    assertTensor(saved['MLPHead.2.bias'], fx.saved_head_bias, { rtol: 1e-4, atol: 1e-6 }, 'saved MLPHead.2.bias');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
