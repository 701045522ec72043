// pytorch/examples siamese_network/main.py transcribed line for line (SiameseNetwork: torchvision's
// resnet18(weights=None) with its conv1 replaced by a 1-channel one, Sequential(*children()[:-1]) as
// the twin, an fc head initialised by apply(init_weights) with xavier_uniform_ and
// bias.data.fill_(0.01), Sigmoid; APP_MATCHER grouping examples by class and drawing pairs with
// Python's random; BCELoss, Adadelta + StepLR; train() and test() with torch.where(outputs > 0.5, 1, 0))
// against the same program run by PyTorch on the same synthetic seeded 'MNIST'
// (scripts/fixtures/porting_siamese.py): every loss, what it prints, the pairs' targets, the test
// outputs and predictions, and the final weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { DataLoader, Dataset } from '../../src/utils/data/index.js';
import * as torchvision from '../../src/vision/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const { StepLR } = optim.lrScheduler;
const random = torch.utils.pyRandom;

interface Fixture {
  losses: number[];
  printed: string[];
  targets: number[][];
  test_outputs: TensorJson[];
  preds: TensorJson[];
  test_loss: number[];
  fc0_weight_row0: TensorJson;
  fc0_bias: TensorJson;
  fc2_weight: TensorJson;
  fc2_bias: TensorJson;
  init_fc0_row0: TensorJson;
  repr: string;
}
const fx = loadFixture<Fixture>('porting_siamese.json');
const LOG = { losses: [] as number[], printed: [] as string[], targets: [] as number[][], testOutputs: [] as Tensor[], preds: [] as Tensor[], testLoss: [] as number[] };

class SiameseNetwork extends nn.Module {
  resnet: nn.Module;
  fcInFeatures: number;
  fc: nn.Sequential;
  sigmoid: nn.Sigmoid;

  constructor() {
    super();
    const resnet = torchvision.models.resnet18({ weights: null });
    resnet.conv1 = new nn.Conv2d(1, 64, { kernelSize: [7, 7], stride: [2, 2], padding: [3, 3], bias: false });
    this.fcInFeatures = resnet.fc.inFeatures;
    this.resnet = new torch.nn.Sequential(...[...resnet.children()].slice(0, -1));
    this.fc = new nn.Sequential(
      new nn.Linear(this.fcInFeatures * 2, 256),
      new nn.ReLU({ inplace: true }),
      new nn.Linear(256, 1),
    );
    this.sigmoid = new nn.Sigmoid();
    this.resnet.apply((m) => this.initWeights(m));
    this.fc.apply((m) => this.initWeights(m));
  }

  initWeights(m: nn.Module): void {
    if (m instanceof nn.Linear) {
      torch.nn.init.xavierUniform_(m.weight);
      m.bias!.data.fill_(0.01);
    }
  }

  forwardOnce(x: Tensor): Tensor {
    let output = this.resnet.forward(x) as Tensor;
    output = output.view(output.size()[0], -1);
    return output;
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    const output1 = this.forwardOnce(input1);
    const output2 = this.forwardOnce(input2);
    let output = torch.cat([output1, output2], 1);
    output = this.fc.forward(output);
    output = this.sigmoid.forward(output);
    return output;
  }
}

/** What APP_MATCHER reads of datasets.MNIST: .data (N, 28, 28) uint8 and .targets (N,) int64. */
class FakeMNIST {
  data: Tensor;
  targets: Tensor;
  constructor(n: number, g: torch.Generator) {
    this.data = torch.randint(0, 256, [n, 28, 28], { generator: g, dtype: 'uint8' });
    this.targets = torch.arange(n).remainder(10); // every class at least twice (a pair needs two of a class)
  }
}

class APP_MATCHER extends Dataset<[Tensor, Tensor, Tensor]> {
  dataset: FakeMNIST;
  data: Tensor;
  groupedExamples: Record<number, number[]> = {};

  constructor(dataset: FakeMNIST) {
    super();
    this.dataset = dataset;
    this.data = this.dataset.data.unsqueeze(1).clone();
    this.groupExamples();
  }

  groupExamples(): void {
    const npArr = this.dataset.targets.clone().tolist() as number[];
    this.groupedExamples = {};
    for (let i = 0; i < 10; i++) {
      this.groupedExamples[i] = npArr.flatMap((v, j) => (v === i ? [j] : [])); // np.where(np_arr == i)[0]
    }
  }

  get length(): number {
    return this.data.shape[0];
  }

  getItem(index: number): [Tensor, Tensor, Tensor] {
    const selectedClass = random.randint(0, 9);
    const randomIndex1 = random.randint(0, this.groupedExamples[selectedClass].length - 1);
    const index1 = this.groupedExamples[selectedClass][randomIndex1];
    const image1 = this.data.index(index1).clone().float();
    let image2: Tensor;
    let target: Tensor;
    if (index % 2 === 0) {
      let randomIndex2 = random.randint(0, this.groupedExamples[selectedClass].length - 1);
      while (randomIndex2 === randomIndex1) {
        randomIndex2 = random.randint(0, this.groupedExamples[selectedClass].length - 1);
      }
      const index2 = this.groupedExamples[selectedClass][randomIndex2];
      image2 = this.data.index(index2).clone().float();
      target = torch.tensor(1, { dtype: torch.float });
    } else {
      let otherSelectedClass = random.randint(0, 9);
      while (otherSelectedClass === selectedClass) {
        otherSelectedClass = random.randint(0, 9);
      }
      const randomIndex2 = random.randint(0, this.groupedExamples[otherSelectedClass].length - 1);
      const index2 = this.groupedExamples[otherSelectedClass][randomIndex2];
      image2 = this.data.index(index2).clone().float();
      target = torch.tensor(0, { dtype: torch.float });
    }
    return [image1, image2, target];
  }
}

type Triple = [Tensor, Tensor, Tensor];
// --lr 0.01 as the fixture script explains
const args = { lr: 0.01, gamma: 0.7, logInterval: 2, dryRun: false };
// str.format's {:.0f} and {:.6f}
const f0 = (v: number) => v.toFixed(0);

function train(model: SiameseNetwork, device: torch.Device, trainLoader: DataLoader<Triple>, optimizer: optim.Optimizer, epoch: number): void {
  model.train();
  const criterion = new nn.BCELoss();
  let batchIdx = 0;
  for (let [images1, images2, targets] of trainLoader) {
    [images1, images2, targets] = [images1.to(device), images2.to(device), targets.to(device)];
    optimizer.zeroGrad();
    const outputs = model.forward(images1, images2).squeeze();
    const loss = criterion.forward(outputs, targets);
    loss.backward();
    optimizer.step();
    LOG.losses.push(Number(loss.item()));
    LOG.targets.push(targets.tolist() as number[]);
    if (batchIdx % args.logInterval === 0) {
      LOG.printed.push(`Train Epoch: ${epoch} [${batchIdx * images1.size(0)}/${(trainLoader.dataset as APP_MATCHER).length} (${f0((100 * batchIdx) / trainLoader.length)}%)]\tLoss: ${Number(loss.item()).toFixed(6)}`);
      if (args.dryRun) break;
    }
    batchIdx++;
  }
}

function testModel(model: SiameseNetwork, device: torch.Device, testLoader: DataLoader<Triple>): void {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  const criterion = new nn.BCELoss();
  torch.noGrad(() => {
    for (let [images1, images2, targets] of testLoader) {
      [images1, images2, targets] = [images1.to(device), images2.to(device), targets.to(device)];
      const outputs = model.forward(images1, images2).squeeze();
      testLoss += Number(criterion.forward(outputs, targets).sum().item());
      const pred = torch.where(outputs.gt(0.5), 1, 0);
      correct += Number(pred.eq(targets.viewAs(pred)).sum().item());
      LOG.testOutputs.push(outputs);
      LOG.preds.push(pred);
    }
  });
  const n = (testLoader.dataset as APP_MATCHER).length;
  testLoss /= n;
  LOG.testLoss.push(testLoss);
  LOG.printed.push(`\nTest set: Average loss: ${testLoss.toFixed(4)}, Accuracy: ${correct}/${n} (${f0((100 * correct) / n)}%)\n`);
}

test('siamese_network: resnet18 twin, BCELoss, Adadelta + StepLR, random pairs, as PyTorch', () => {
  const g = new torch.Generator().manualSeed(0);
  const [trainMnist, testMnist] = [new FakeMNIST(20, g), new FakeMNIST(20, g)];
  random.seed(0);
  torch.manualSeed(1);
  const device = torch.device('cpu');
  const trainKwargs = { batchSize: 4 };
  const testKwargs = { batchSize: 10 };
  const trainDataset = new APP_MATCHER(trainMnist);
  const testDataset = new APP_MATCHER(testMnist);
  const trainLoader = new DataLoader(trainDataset, trainKwargs);
  const testLoader = new DataLoader(testDataset, testKwargs);
  const model = new SiameseNetwork().to(device);
  const optimizer = new optim.Adadelta(model.parameters(), { lr: args.lr });
  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: args.gamma });
  const fc0 = model.fc.get(0) as nn.Linear;
  assertTensor(fc0.weight.index(0), fx.init_fc0_row0, { rtol: 1e-6, atol: 1e-7 }, 'xavier_uniform_ draw');
  assert.equal(String(model), fx.repr);
  for (let epoch = 1; epoch < 2 + 1; epoch++) {
    train(model, device, trainLoader, optimizer, epoch);
    testModel(model, device, testLoader);
    scheduler.step();
  }

  assert.deepEqual(LOG.targets, fx.targets); // the same pairs from Python's random
  // Rounding grows fast in this program (raw 0-255 pixels, 4-image BatchNorm batches): PyTorch's own run
  // on 2 threads without mkldnn drifts from its 1-thread run (the fixture) by 2e-5 at the first loss, 8e-4
  // at the fifth and 11% at the tenth, and its runs from weights perturbed by 1.2e-7 (relative, random;
  // 3 tries) moved the fifth loss by up to 2.9e-2 and the first test loss by 7.2e-3. So the first four
  // losses are held to 1e-3 relative, the first test to 1e-2, and epoch 2 only to the same prints
  // (numbers masked: the 6th decimal of the first loss already differs between PyTorch's own runs) and
  // shapes.
  assert.equal(LOG.losses.length, fx.losses.length);
  LOG.losses.slice(0, 4).forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-3 * Math.abs(fx.losses[i]), `loss ${i}: ${l} vs ${fx.losses[i]}`));
  assert.ok(Math.abs(LOG.testLoss[0] - fx.test_loss[0]) < 1e-2 * fx.test_loss[0], `test loss: ${LOG.testLoss[0]} vs ${fx.test_loss[0]}`);
  // The first test's outputs and predictions (int64, as where(cond, 1, 0) gives) are PyTorch's only
  // while training stays where the fixture's run went: one of the perturbed PyTorch runs above moved an
  // output across 0.5. Their dtypes and shapes are PyTorch's in any case.
  assert.deepEqual([LOG.testOutputs[0].dtype, LOG.testOutputs[0].shape], [fx.test_outputs[0].dtype, fx.test_outputs[0].shape]);
  LOG.preds.forEach((p, i) => assert.deepEqual([p.dtype, p.shape], [fx.preds[i].dtype, fx.preds[i].shape]));
  const masked = (lines: string[]) => lines.map((l) => l.replace(/(Loss|loss): [0-9.]+/, '$1: x').replace(/Accuracy: .*/, 'Accuracy: x'));
  assert.deepEqual(masked(LOG.printed), masked(fx.printed));
  // the final weights carry epoch 2's drift too: PyTorch's 2-thread run differs from the fixture by up to
  // 1.4e-4 in them (they are ~0.01-0.1 in size), so 3e-4 absolute
  assertTensor(fc0.weight.index(0), fx.fc0_weight_row0, { rtol: 1e-3, atol: 3e-4 }, 'fc[0].weight[0]');
  assertTensor(fc0.bias!, fx.fc0_bias, { rtol: 1e-3, atol: 3e-4 }, 'fc[0].bias');
  const fc2 = model.fc.get(2) as nn.Linear;
  assertTensor(fc2.weight, fx.fc2_weight, { rtol: 1e-3, atol: 3e-4 }, 'fc[2].weight');
  assertTensor(fc2.bias!, fx.fc2_bias, { rtol: 1e-3, atol: 3e-4 }, 'fc[2].bias');
  // (resnet[1].running_mean and conv1's weights after epoch 2 are left out: on raw 0-255 pixels the JS backend's
  // drift there reaches 3%, more than the epoch-1 checks above let through for anything they compare)
});
