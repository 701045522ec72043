// pytorch/examples gat/main.py transcribed line for line (GraphAttentionLayer with xavier_normal_ `W`
// and 3-D `a`, F.dropout on the transformed features and on the attention, heads split by
// view/permute, source/target scores from slices of `a` broadcast-added through .mT, LeakyReLU,
// non-edges masked to -9e16 with torch.where, softmax over the rows, batched matmul, heads averaged
// with mean(dim=0) or concatenated; GAT of two such layers with ELU and log_softmax; load_cora's
// feature scaling and I + A adjacency; train_iter/test, Adam with weight decay, NLLLoss) against the
// same program run by PyTorch (scripts/fixtures/porting_gat.py) on a synthetic seeded graph in
// Cora's file format, without and with --concat-heads: the split, the initial parameters, every loss
// and evaluation (dropout on, so every dropout mask is PyTorch's draw), what it prints, the test
// result and the final parameters.
//
// torchlette has no sparse layouts: where the example builds torch sparse tensors (to_sparse(),
// sparse_coo_tensor) this port keeps the dense tensor they stand for; every product on them is the
// same sum of the same nonzero terms.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { Adam } from '../../src/optim/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = torch.nn.functional;

interface Params { gat1_W: TensorJson; gat1_a: TensorJson; gat2_W: TensorJson; gat2_a: TensorJson }
interface Run {
  idx: TensorJson;
  init: Params;
  losses: number[];
  evals: number[][];
  printed: string[];
  test: number[];
  final: Params;
}
interface Fixture {
  content: string;
  cites: string;
  features: TensorJson;
  adj_mat: TensorJson;
  labels: TensorJson;
  mean: Run;
  concat: Run;
}
const fx = loadFixture<Fixture>('porting_gat.json');
const LOG = { losses: [] as number[], evals: [] as number[][], printed: [] as string[] };

class GraphAttentionLayer extends nn.Module {
  nHeads: number;
  concat: boolean;
  dropout: number;
  outFeatures?: number;
  nHidden: number;
  W: nn.Parameter;
  a: nn.Parameter;
  leakyrelu: nn.LeakyReLU;
  softmax: nn.Softmax;

  constructor(inFeatures: number, outFeatures: number, nHeads: number, concat = false, dropout = 0.4, leakyReluSlope = 0.2) {
    super();

    this.nHeads = nHeads; // Number of attention heads
    this.concat = concat; // wether to concatenate the final attention heads
    this.dropout = dropout; // Dropout rate

    if (concat) {
      this.outFeatures = outFeatures;
      assert.ok(outFeatures % nHeads === 0);
      this.nHidden = Math.floor(outFeatures / nHeads);
    } else {
      this.nHidden = outFeatures;
    }

    this.W = new nn.Parameter(torch.empty({ size: [inFeatures, this.nHidden * nHeads] }));

    this.a = new nn.Parameter(torch.empty({ size: [nHeads, 2 * this.nHidden, 1] }));

    this.leakyrelu = new nn.LeakyReLU(leakyReluSlope);
    this.softmax = new nn.Softmax({ dim: 1 }); // defined and unused, as in the example

    this.resetParameters();
  }

  resetParameters(): void {
    nn.init.xavierNormal_(this.W);
    nn.init.xavierNormal_(this.a);
  }

  private getAttentionScores(hTransformed: Tensor): Tensor {
    const sourceScores = torch.matmul(hTransformed, this.a.index(':', `:${this.nHidden}`, ':'));
    const targetScores = torch.matmul(hTransformed, this.a.index(':', `${this.nHidden}:`, ':'));

    // (n_heads, n_nodes, 1) + (n_heads, 1, n_nodes) = (n_heads, n_nodes, n_nodes)
    const e = sourceScores.add(targetScores.mT);
    return this.leakyrelu.forward(e);
  }

  override forward(h: Tensor, adjMat: Tensor): Tensor {
    const nNodes = h.shape[0];

    let hTransformed = torch.mm(h, this.W);
    hTransformed = F.dropout(hTransformed, this.dropout, { training: this.training });

    hTransformed = hTransformed.view(nNodes, this.nHeads, this.nHidden).permute(1, 0, 2);

    let e = this.getAttentionScores(hTransformed);

    const connectivityMask = torch.onesLike(e).mul(-9e16); // -9e16 * torch.ones_like(e)
    e = torch.where(adjMat.gt(0), e, connectivityMask);

    let attention = F.softmax(e, { dim: -1 });
    attention = F.dropout(attention, this.dropout, { training: this.training });

    let hPrime = torch.matmul(attention, hTransformed);

    if (this.concat) {
      hPrime = hPrime.permute(1, 0, 2).contiguous().view(nNodes, this.outFeatures!);
    } else {
      hPrime = hPrime.mean({ dim: 0 });
    }

    return hPrime;
  }
}

class GAT extends nn.Module {
  gat1: GraphAttentionLayer;
  gat2: GraphAttentionLayer;

  constructor(inFeatures: number, nHidden: number, nHeads: number, numClasses: number, concat = false, dropout = 0.4, leakyReluSlope = 0.2) {
    super();

    this.gat1 = new GraphAttentionLayer(inFeatures, nHidden, nHeads, concat, dropout, leakyReluSlope);

    this.gat2 = new GraphAttentionLayer(nHidden, numClasses, 1, false, dropout, leakyReluSlope);
  }

  override forward(inputTensor: Tensor, adjMat: Tensor): Tensor {
    let x = this.gat1.forward(inputTensor, adjMat);
    x = F.elu(x);

    x = this.gat2.forward(x, adjMat);

    return F.logSoftmax(x, { dim: 1 });
  }
}

/** np.genfromtxt(path, dtype=str): whitespace-separated fields, one row a line. */
const genfromtxt = (file: string): string[][] => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));

function loadCora(pathTo = './cora', device: torch.Device | string = 'cpu'): [Tensor, Tensor, Tensor] {
  const contentPath = path.join(pathTo, 'cora.content');
  const citesPath = path.join(pathTo, 'cora.cites');

  const contentTensor = genfromtxt(contentPath);
  const citesTensor = genfromtxt(citesPath).map((r) => r.map((v) => parseInt(v, 10))); // dtype=np.int32

  let features = torch.FloatTensor(contentTensor.map((r) => r.slice(1, -1).map((v) => parseInt(v, 10))));
  let scaleVector = torch.sum(features, { dim: 1 });
  scaleVector = scaleVector.reciprocal(); // 1 / scale_vector: PyTorch's __rtruediv__ is reciprocal() * 1
  scaleVector.indexPut_([scaleVector.eq(Infinity)], 0);
  scaleVector = torch.diag(scaleVector); // .to_sparse() in the example: kept dense
  features = scaleVector.matmul(features);

  // np.unique(content_tensor[:, -1], return_inverse=True): the sorted classes and each row's position
  const column = contentTensor.map((r) => r[r.length - 1]);
  const classes = [...new Set(column)].sort();
  const labels = torch.LongTensor(column.map((c) => classes.indexOf(c)));

  const idx = contentTensor.map((r) => parseInt(r[0], 10));
  const idxMap = new Map(idx.map((id, pos) => [id, pos]));

  const edges = citesTensor.map((edge) => [idxMap.get(edge[0])!, idxMap.get(edge[1])!]);

  const V = idx.length;
  const E = edges.length;
  // torch.sparse_coo_tensor(edges.T, torch.ones(E), (V, V), dtype=torch.int64), dense: the values
  // scattered into zeros, a repeated edge adding up as a sparse tensor's duplicates do
  const edgesT = torch.tensor(edges).t();
  let adjMat = torch.zeros([V, V], { dtype: torch.int64 }).indexPut_([edgesT.index(0), edgesT.index(1)], torch.ones(E, { dtype: torch.int64 }), { accumulate: true });
  adjMat = torch.eye(V).add(adjMat); // dense float32 + int64 (sparse in the example): float32

  return [features.to(device), labels.to(device), adjMat.to(device)];
}

function trainIter(epoch: number, model: GAT, optimizer: Adam, criterion: nn.NLLLoss, input: [Tensor, Tensor], target: Tensor, maskTrain: Tensor, maskVal: Tensor, printEvery = 10): void {
  const startT = performance.now() / 1000;
  model.train();
  optimizer.zeroGrad();

  // Forward pass
  const output = model.forward(...input);
  const loss = criterion.forward(output.index(maskTrain), target.index(maskTrain)); // Compute the loss using the training mask

  loss.backward();
  optimizer.step();
  LOG.losses.push(Number(loss.item()));

  // Evaluate the model performance on training and validation sets
  const [lossTrain, accTrain] = testModel(model, criterion, input, target, maskTrain);
  const [lossVal, accVal] = testModel(model, criterion, input, target, maskVal);
  LOG.evals.push([lossTrain, accTrain, lossVal, accVal]);

  if (epoch % printEvery === 0) {
    LOG.printed.push(`Epoch: ${String(epoch).padStart(4, '0')} (${(performance.now() / 1000 - startT).toFixed(4)}s) loss_train: ${lossTrain.toFixed(4)} acc_train: ${accTrain.toFixed(4)} loss_val: ${lossVal.toFixed(4)} acc_val: ${accVal.toFixed(4)}`);
  }
}

function testModel(model: GAT, criterion: nn.NLLLoss, input: [Tensor, Tensor], target: Tensor, mask: Tensor): [number, number] {
  model.eval();
  return torch.noGrad(() => {
    let output = model.forward(...input);
    [output, target] = [output.index(mask), target.index(mask)];

    const loss = criterion.forward(output, target);
    const acc = output.argmax({ dim: 1 }).eq(target).float().sum().div(target.shape[0]);
    return [Number(loss.item()), Number(acc.item())];
  });
}

const isfile = (p: string) => existsSync(p) && statSync(p).isFile();

/** The example's __main__ block, in a directory holding ./cora, with or without --concat-heads. */
function main(concatHeads: boolean, want: Run): void {
  LOG.losses = [];
  LOG.evals = [];
  LOG.printed = [];
  // 300 epochs, hidden 64, 8 heads, every 20 in the example; reduced as the fixture script is
  const args = { epochs: 30, lr: 0.005, l2: 5e-4, dropoutP: 0.6, hiddenDim: 16, numHeads: 4, concatHeads, valEvery: 10, noAccel: true, dryRun: false, seed: 13 };

  torch.manualSeed(args.seed);

  // torch.accelerator.is_available(): the fixture runs with --no-accel (PyTorch 1.13 has no torch.accelerator)
  const useAccel = !args.noAccel;

  const device = useAccel ? torch.device('cuda') : torch.device('cpu');
  LOG.printed.push(`Using ${device} device`);

  const coraPath = './cora';

  if (isfile(path.join(coraPath, 'cora.content')) && isfile(path.join(coraPath, 'cora.cites'))) {
    LOG.printed.push('Dataset already downloaded...');
  } else {
    throw new Error('the fixture files are written before'); // the example downloads cora.tgz here
  }

  LOG.printed.push('Loading dataset...');
  const [features, labels, adjMat] = loadCora(coraPath, device);
  const idx = torch.randperm(labels.shape[0]).to(device);
  // 1200 / 400 / the rest of Cora's 2708 papers in the example; 20 / 10 / 30 of these 60
  const [idxTest, idxVal, idxTrain] = [idx.index(':20'), idx.index('20:30'), idx.index('30:')];

  const gatNet = new GAT(
    features.shape[1], // in_features
    args.hiddenDim, // n_hidden
    args.numHeads, // n_heads
    Number(labels.max().item()) + 1, // num_classes
    args.concatHeads, // concat
    args.dropoutP, // dropout
    0.2, // leaky_relu_slope
  ).to(device);

  assertTensor(features, fx.features, { rtol: 1e-6, atol: 1e-7 }, 'features');
  assertTensor(adjMat, fx.adj_mat, {}, 'adj_mat');
  assertTensor(labels, fx.labels);
  assertTensor(idx, want.idx);
  assertTensor(gatNet.gat1.W, want.init.gat1_W, { rtol: 1e-6, atol: 1e-7 }, 'gat1.W draw');
  assertTensor(gatNet.gat1.a, want.init.gat1_a, { rtol: 1e-6, atol: 1e-7 }, 'gat1.a draw');
  assertTensor(gatNet.gat2.W, want.init.gat2_W, { rtol: 1e-6, atol: 1e-7 }, 'gat2.W draw');
  assertTensor(gatNet.gat2.a, want.init.gat2_a, { rtol: 1e-6, atol: 1e-7 }, 'gat2.a draw');

  const optimizer = new Adam(gatNet.parameters(), { lr: args.lr, weightDecay: args.l2 });
  const criterion = new nn.NLLLoss();

  for (let epoch = 0; epoch < args.epochs; epoch++) {
    trainIter(epoch + 1, gatNet, optimizer, criterion, [features, adjMat], labels, idxTrain, idxVal, args.valEvery);
    if (args.dryRun) break;
  }
  const [lossTest, accTest] = testModel(gatNet, criterion, [features, adjMat], labels, idxTest);
  LOG.printed.push(`Test set results: loss ${lossTest.toFixed(4)} accuracy ${accTest.toFixed(4)}`);

  // full-batch training on 60 nodes with PyTorch's dropout masks: only summation order differs
  assert.equal(LOG.losses.length, want.losses.length);
  LOG.losses.forEach((l, i) => assert.ok(Math.abs(l - want.losses[i]) < 1e-5 * Math.abs(want.losses[i]), `loss ${i}: ${l} vs ${want.losses[i]}`));
  LOG.evals.forEach((e, i) => e.forEach((v, j) => assert.ok(Math.abs(v - want.evals[i][j]) < 1e-5 * Math.max(1, Math.abs(want.evals[i][j])), `eval ${i}.${j}: ${v} vs ${want.evals[i][j]}`)));
  assert.ok(Math.abs(lossTest - want.test[0]) < 1e-5 * want.test[0], `test loss: ${lossTest} vs ${want.test[0]}`);
  assert.equal(accTest, want.test[1]);
  const untimed = (lines: string[]) => lines.map((l) => l.replace(/\([0-9.]+s\)/, '(Xs)'));
  assert.deepEqual(untimed(LOG.printed), untimed(want.printed));
  assertTensor(gatNet.gat1.W, want.final.gat1_W, { rtol: 1e-4, atol: 1e-5 }, 'final gat1.W');
  assertTensor(gatNet.gat1.a, want.final.gat1_a, { rtol: 1e-4, atol: 1e-5 }, 'final gat1.a');
  assertTensor(gatNet.gat2.W, want.final.gat2_W, { rtol: 1e-4, atol: 1e-5 }, 'final gat2.W');
  assertTensor(gatNet.gat2.a, want.final.gat2_a, { rtol: 1e-4, atol: 1e-5 }, 'final gat2.a');
}

function inCoraDir(fn: () => void): void {
  const tmp = mkdtempSync(path.join(tmpdir(), 'torchlette-gat-'));
  const cwd = process.cwd();
  try {
    // the example downloads and extracts cora.tgz into the working directory; here the fixture's files
    mkdirSync(path.join(tmp, 'cora'));
    writeFileSync(path.join(tmp, 'cora', 'cora.content'), fx.content);
    writeFileSync(path.join(tmp, 'cora', 'cora.cites'), fx.cites);
    process.chdir(tmp);
    fn();
  } finally {
    process.chdir(cwd);
    rmSync(tmp, { recursive: true, force: true });
  }
}

test('gat: heads averaged (default), Cora-format loading, Adam + NLLLoss, dropout on, as PyTorch', () => {
  inCoraDir(() => main(false, fx.mean));
});

test('gat: --concat-heads, as PyTorch', () => {
  inCoraDir(() => main(true, fx.concat));
});
