// pytorch/examples gcn/main.py transcribed line for line (GraphConv with a xavier_normal_ `kernel`
// and torch.mm + torch.spmm, GCN with ReLU, Dropout and log_softmax, load_cora's feature scaling and
// D^-1/2 (I + A) D^-1/2 renormalisation, train_iter/test, Adam with weight decay, NLLLoss) against
// the same program run by PyTorch (scripts/fixtures/porting_gcn.py) on a synthetic seeded graph in
// Cora's file format: the split, the initial kernels, every loss and evaluation, what it prints,
// the test result and the final kernels.
//
// torchlette has no sparse layouts: where the example builds torch sparse tensors (to_sparse(),
// sparse_coo_tensor) this port keeps the dense tensor they stand for; every product on them is the
// same sum of the same nonzero terms (torch.spmm on strided tensors is mm, as in PyTorch).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { Adam } from '../../src/optim/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = torch.nn.functional;

interface Fixture {
  content: string;
  cites: string;
  idx: TensorJson;
  init: { gc1_kernel: TensorJson; gc2_kernel: TensorJson };
  features: TensorJson;
  adj_mat: TensorJson;
  labels: TensorJson;
  losses: number[];
  evals: number[][];
  printed: string[];
  test: number[];
  gc1_kernel: TensorJson;
  gc2_kernel: TensorJson;
}
const fx = loadFixture<Fixture>('porting_gcn.json');
const LOG = { losses: [] as number[], evals: [] as number[][], printed: [] as string[] };

class GraphConv extends nn.Module {
  kernel: nn.Parameter;
  bias: nn.Parameter | null;

  constructor(inputDim: number, outputDim: number, useBias = false) {
    super();
    // Python's torch.Tensor(input_dim, output_dim) (uninitialised float32); torchlette's Tensor class
    // constructor takes storage, dtype and shape, so the legacy torch.FloatTensor(sizes) stands in
    this.kernel = new nn.Parameter(torch.FloatTensor(inputDim, outputDim));
    nn.init.xavierNormal_(this.kernel);
    this.bias = null;
    if (useBias) {
      this.bias = new nn.Parameter(torch.FloatTensor(outputDim));
      nn.init.zeros_(this.bias);
    }
  }

  override forward(inputTensor: Tensor, adjMat: Tensor): Tensor {
    const support = torch.mm(inputTensor, this.kernel);
    let output = torch.spmm(adjMat, support);
    if (this.bias !== null) {
      output = output.add(this.bias);
    }
    return output;
  }
}

class GCN extends nn.Module {
  gc1: GraphConv;
  gc2: GraphConv;
  dropout: nn.Dropout;

  constructor(inputDim: number, hiddenDim: number, outputDim: number, useBias = true, dropoutP = 0.1) {
    super();
    this.gc1 = new GraphConv(inputDim, hiddenDim, useBias);
    this.gc2 = new GraphConv(hiddenDim, outputDim, useBias);
    this.dropout = new nn.Dropout(dropoutP);
  }

  override forward(inputTensor: Tensor, adjMat: Tensor): Tensor {
    let x = this.gc1.forward(inputTensor, adjMat);
    x = F.relu(x);
    x = this.dropout.forward(x);
    x = this.gc2.forward(x, adjMat);
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
  adjMat = torch.eye(V).add(adjMat);

  let degreeMat = torch.sum(adjMat, { dim: 1 });
  degreeMat = torch.sqrt(degreeMat.reciprocal());
  degreeMat.indexPut_([degreeMat.eq(Infinity)], 0);
  degreeMat = torch.diag(degreeMat); // .to_sparse() in the example: kept dense

  adjMat = degreeMat.matmul(adjMat).matmul(degreeMat);

  return [features.to(device), labels.to(device), adjMat.to(device)]; // .to_sparse() on features and adj_mat: kept dense
}

function trainIter(epoch: number, model: GCN, optimizer: Adam, criterion: nn.NLLLoss, input: [Tensor, Tensor], target: Tensor, maskTrain: Tensor, maskVal: Tensor, printEvery = 10): void {
  const startT = performance.now() / 1000;
  model.train();
  optimizer.zeroGrad();

  const output = model.forward(...input);
  const loss = criterion.forward(output.index(maskTrain), target.index(maskTrain));

  loss.backward();
  optimizer.step();
  LOG.losses.push(Number(loss.item()));

  const [lossTrain, accTrain] = testModel(model, criterion, input, target, maskTrain);
  const [lossVal, accVal] = testModel(model, criterion, input, target, maskVal);
  LOG.evals.push([lossTrain, accTrain, lossVal, accVal]);

  if (epoch % printEvery === 0) {
    LOG.printed.push(`Epoch: ${String(epoch).padStart(4, '0')} (${(performance.now() / 1000 - startT).toFixed(4)}s) loss_train: ${lossTrain.toFixed(4)} acc_train: ${accTrain.toFixed(4)} loss_val: ${lossVal.toFixed(4)} acc_val: ${accVal.toFixed(4)}`);
  }
}

function testModel(model: GCN, criterion: nn.NLLLoss, input: [Tensor, Tensor], target: Tensor, mask: Tensor): [number, number] {
  model.eval();
  return torch.noGrad(() => {
    let output = model.forward(...input);
    [output, target] = [output.index(mask), target.index(mask)];

    const loss = criterion.forward(output, target);
    const acc = output.argmax({ dim: 1 }).eq(target).float().sum().div(target.shape[0]);
    return [Number(loss.item()), Number(acc.item())];
  });
}

test('gcn: GraphConv with torch.spmm, Cora-format loading, Adam + NLLLoss, as PyTorch', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'torchlette-gcn-'));
  try {
    // the example downloads and extracts cora.tgz into the working directory; here the fixture's files
    mkdirSync(path.join(tmp, 'cora'));
    writeFileSync(path.join(tmp, 'cora', 'cora.content'), fx.content);
    writeFileSync(path.join(tmp, 'cora', 'cora.cites'), fx.cites);
    const args = { epochs: 40, lr: 0.01, l2: 5e-4, dropoutP: 0.5, hiddenDim: 16, valEvery: 10, includeBias: false, device: 'cpu', dryRun: false, seed: 42 };

    torch.manualSeed(args.seed);
    const device = torch.device(args.device);
    LOG.printed.push(`Using ${device} device`);
    LOG.printed.push('Loading dataset...');
    const [features, labels, adjMat] = loadCora(path.join(tmp, 'cora'), device);
    const idx = torch.randperm(labels.shape[0]).to(device);
    // 1000 / 500 / the rest of Cora's 2708 papers in the example; 20 / 10 / 30 of these 60
    const [idxTest, idxVal, idxTrain] = [idx.index(':20'), idx.index('20:30'), idx.index('30:')];

    const gcn = new GCN(features.shape[1], args.hiddenDim, Number(labels.max().item()) + 1, args.includeBias, args.dropoutP).to(device);
    const optimizer = new Adam(gcn.parameters(), { lr: args.lr, weightDecay: args.l2 });
    const criterion = new nn.NLLLoss();

    assertTensor(features, fx.features, { rtol: 1e-6, atol: 1e-7 }, 'features');
    assertTensor(adjMat, fx.adj_mat, { rtol: 1e-6, atol: 1e-7 }, 'adj_mat');
    assertTensor(labels, fx.labels);
    assertTensor(idx, fx.idx);
    assertTensor(gcn.gc1.kernel, fx.init.gc1_kernel, { rtol: 1e-6, atol: 1e-7 }, 'gc1.kernel draw');
    assertTensor(gcn.gc2.kernel, fx.init.gc2_kernel, { rtol: 1e-6, atol: 1e-7 }, 'gc2.kernel draw');

    for (let epoch = 0; epoch < args.epochs; epoch++) {
      trainIter(epoch + 1, gcn, optimizer, criterion, [features, adjMat], labels, idxTrain, idxVal, args.valEvery);
      if (args.dryRun) break;
    }

    const [lossTest, accTest] = testModel(gcn, criterion, [features, adjMat], labels, idxTest);
    LOG.printed.push(`Test set results: loss ${lossTest.toFixed(4)} accuracy ${accTest.toFixed(4)}`);

    // full-batch training on 60 nodes: only summation order differs (sparse products in PyTorch)
    assert.equal(LOG.losses.length, fx.losses.length);
    LOG.losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5 * Math.abs(fx.losses[i]), `loss ${i}: ${l} vs ${fx.losses[i]}`));
    LOG.evals.forEach((e, i) => e.forEach((v, j) => assert.ok(Math.abs(v - fx.evals[i][j]) < 1e-5 * Math.max(1, Math.abs(fx.evals[i][j])), `eval ${i}.${j}: ${v} vs ${fx.evals[i][j]}`)));
    assert.ok(Math.abs(lossTest - fx.test[0]) < 1e-5 * fx.test[0], `test loss: ${lossTest} vs ${fx.test[0]}`);
    assert.equal(accTest, fx.test[1]);
    const untimed = (lines: string[]) => lines.map((l) => l.replace(/\([0-9.]+s\)/, '(Xs)'));
    assert.deepEqual(untimed(LOG.printed), untimed(fx.printed));
    assertTensor(gcn.gc1.kernel, fx.gc1_kernel, { rtol: 1e-4, atol: 1e-5 }, 'final gc1.kernel');
    assertTensor(gcn.gc2.kernel, fx.gc2_kernel, { rtol: 1e-4, atol: 1e-5 }, 'final gc2.kernel');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
