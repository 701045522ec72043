// pytorch/tutorials knowledge_distillation_tutorial.py transcribed line for line: DeepNN and
// LightNN (Sequential features and classifier with Dropout), train() with Adam and
// CrossEntropyLoss, test() with torch.max(outputs.data, 1), train_knowledge_distillation()
// (softmax / logSoftmax at temperature T, -sum(p * log q) / batch * T**2), the cosine variant
// (avgPool1d over the teacher's flattened features, CosineEmbeddingLoss against ones), the
// regressor variant (an extra Conv2d, MSELoss), loadStateDict from the trained teacher, and every
// print: first-layer norms, parameter counts with thousands separators, epoch losses,
// accuracies. Reduced as scripts/fixtures/porting_knowledge_distillation.py says (FakeData in
// place of CIFAR-10 through the tutorial's transform, 8 + 8 images, batch 4, shuffle with two
// workers, one epoch per training).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { DataLoader } from '../../src/utils/data/index.js';
import { datasets, transforms } from '../../src/vision/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

type Summary = Record<string, [number, number]>;
interface Fixture {
  printed: string[];
  losses: number[];
  first_train_batch: TensorJson;
  models: Record<'nn_deep' | 'nn_light' | 'new_nn_light' | 'modified_light_nn' | 'modified_light_nn_mse', Summary>;
  light_first_conv: TensorJson;
  rng_after: number[];
}
const fx = loadFixture<Fixture>('porting_knowledge_distillation.json');

const PRINTED: string[] = [];
const print = (...args: unknown[]): void => {
  PRINTED.push(args.map(String).join(' '));
};
const LOSSES: number[] = [];

// Check if GPU is available, and if not, use the CPU
const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');

// The tutorial spells the teacher's (and the student's) layers out in each of its classes; they
// are written once here.
function deepFeatures(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 128, { kernelSize: 3, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(128, 64, { kernelSize: 3, padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernelSize: 2, stride: 2 }),
    new nn.Conv2d(64, 64, { kernelSize: 3, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(64, 32, { kernelSize: 3, padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernelSize: 2, stride: 2 }),
  );
}
const deepClassifier = (numClasses: number): nn.Sequential =>
  new nn.Sequential(new nn.Linear(2048, 512), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(512, numClasses));

// Deeper neural network class to be used as teacher
class DeepNN extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;
  constructor(numClasses = 10) {
    super();
    this.features = deepFeatures();
    this.classifier = deepClassifier(numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.features.forward(x) as Tensor;
    x = torch.flatten(x, 1);
    x = this.classifier.forward(x) as Tensor;
    return x;
  }
}

function lightFeatures(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 16, { kernelSize: 3, padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernelSize: 2, stride: 2 }),
    new nn.Conv2d(16, 16, { kernelSize: 3, padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernelSize: 2, stride: 2 }),
  );
}
const lightClassifier = (numClasses: number): nn.Sequential =>
  new nn.Sequential(new nn.Linear(1024, 256), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(256, numClasses));

// Lightweight neural network class to be used as student
class LightNN extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;
  constructor(numClasses = 10) {
    super();
    this.features = lightFeatures();
    this.classifier = lightClassifier(numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.features.forward(x) as Tensor;
    x = torch.flatten(x, 1);
    x = this.classifier.forward(x) as Tensor;
    return x;
  }
}

type Loader = DataLoader<[Tensor, Tensor]>;

function train(model: nn.Module, trainLoader: Loader, epochs: number, learningRate: number, device: torch.Device): void {
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.Adam(model.parameters(), { lr: learningRate });

  model.to(device);
  model.train();

  for (let epoch = 0; epoch < epochs; epoch++) {
    let runningLoss = 0.0;
    for (let [inputs, labels] of trainLoader) {
      [inputs, labels] = [inputs.to(device), labels.to(device)];

      optimizer.zeroGrad();
      const outputs = model.forward(inputs) as Tensor;

      const loss = criterion.forward(outputs, labels);
      loss.backward();
      optimizer.step();

      runningLoss += loss.item() as number;
      LOSSES.push(loss.item() as number);
    }
    print(`Epoch ${epoch + 1}/${epochs}, Loss: ${runningLoss / trainLoader.length}`);
  }
}

function testModel(model: nn.Module, testLoader: Loader, device: torch.Device): number {
  model.to(device);
  model.eval();

  let correct = 0;
  let total = 0;

  torch.noGrad(() => {
    for (let [inputs, labels] of testLoader) {
      [inputs, labels] = [inputs.to(device), labels.to(device)];

      const outputs = model.forward(inputs) as Tensor;
      const [, predicted] = torch.max(outputs.data, 1);

      total += labels.size(0);
      correct += Number(predicted.eq(labels).sum().item());
    }
  });

  const accuracy = (100 * correct) / total;
  print(`Test Accuracy: ${accuracy.toFixed(2)}%`);
  return accuracy;
}

function trainKnowledgeDistillation(
  teacher: nn.Module, student: nn.Module, trainLoader: Loader, epochs: number, learningRate: number,
  T: number, softTargetLossWeight: number, ceLossWeight: number, device: torch.Device,
): void {
  const ceLoss = new nn.CrossEntropyLoss();
  const optimizer = new optim.Adam(student.parameters(), { lr: learningRate });

  teacher.to(device);
  student.to(device);
  teacher.eval(); // Teacher set to evaluation mode
  student.train(); // Student to train mode

  for (let epoch = 0; epoch < epochs; epoch++) {
    let runningLoss = 0.0;
    for (let [inputs, labels] of trainLoader) {
      [inputs, labels] = [inputs.to(device), labels.to(device)];

      optimizer.zeroGrad();

      // Forward pass with the teacher model - do not save gradients here
      const teacherLogits = torch.noGrad(() => teacher.forward(inputs) as Tensor);

      // Forward pass with the student model
      const studentLogits = student.forward(inputs) as Tensor;

      // Soften the student logits by applying softmax first and log() second
      const softTargets = nn.functional.softmax(teacherLogits.div(T), { dim: -1 });
      const softProb = nn.functional.logSoftmax(studentLogits.div(T), { dim: -1 });

      // Calculate the soft targets loss. Scaled by T**2
      const softTargetsLoss = torch.sum(softTargets.mul(softProb)).neg().div(softProb.size()[0]).mul(T ** 2);

      // Calculate the true label loss
      const labelLoss = ceLoss.forward(studentLogits, labels);

      // Weighted sum of the two losses
      const loss = softTargetsLoss.mul(softTargetLossWeight).add(labelLoss.mul(ceLossWeight));

      loss.backward();
      optimizer.step();

      runningLoss += loss.item() as number;
      LOSSES.push(loss.item() as number);
    }
    print(`Epoch ${epoch + 1}/${epochs}, Loss: ${runningLoss / trainLoader.length}`);
  }
}

class ModifiedDeepNNCosine extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;
  constructor(numClasses = 10) {
    super();
    this.features = deepFeatures();
    this.classifier = deepClassifier(numClasses);
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    x = this.features.forward(x) as Tensor;
    const flattenedConvOutput = torch.flatten(x, 1);
    x = this.classifier.forward(flattenedConvOutput) as Tensor;
    const flattenedConvOutputAfterPooling = torch.nn.functional.avgPool1d(flattenedConvOutput, 2);
    return [x, flattenedConvOutputAfterPooling];
  }
}

class ModifiedLightNNCosine extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;
  constructor(numClasses = 10) {
    super();
    this.features = lightFeatures();
    this.classifier = lightClassifier(numClasses);
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    x = this.features.forward(x) as Tensor;
    const flattenedConvOutput = torch.flatten(x, 1);
    x = this.classifier.forward(flattenedConvOutput) as Tensor;
    return [x, flattenedConvOutput];
  }
}

function trainCosineLoss(
  teacher: nn.Module, student: nn.Module, trainLoader: Loader, epochs: number, learningRate: number,
  hiddenRepLossWeight: number, ceLossWeight: number, device: torch.Device,
): void {
  const ceLoss = new nn.CrossEntropyLoss();
  const cosineLoss = new nn.CosineEmbeddingLoss();
  const optimizer = new optim.Adam(student.parameters(), { lr: learningRate });

  teacher.to(device);
  student.to(device);
  teacher.eval(); // Teacher set to evaluation mode
  student.train(); // Student to train mode

  for (let epoch = 0; epoch < epochs; epoch++) {
    let runningLoss = 0.0;
    for (let [inputs, labels] of trainLoader) {
      [inputs, labels] = [inputs.to(device), labels.to(device)];

      optimizer.zeroGrad();

      // Forward pass with the teacher model and keep only the hidden representation
      const [, teacherHiddenRepresentation] = torch.noGrad(() => teacher.forward(inputs) as [Tensor, Tensor]);

      // Forward pass with the student model
      const [studentLogits, studentHiddenRepresentation] = student.forward(inputs) as [Tensor, Tensor];

      // PyTorch: cosine_loss(s, t, target=torch.ones(...)). torchlette's loss modules take their
      // forward arguments positionally only ({ target } throws), so the keyword is dropped here.
      const hiddenRepLoss = cosineLoss.forward(studentHiddenRepresentation, teacherHiddenRepresentation, torch.ones(inputs.size(0)).to(device));

      // Calculate the true label loss
      const labelLoss = ceLoss.forward(studentLogits, labels);

      // Weighted sum of the two losses
      const loss = hiddenRepLoss.mul(hiddenRepLossWeight).add(labelLoss.mul(ceLossWeight));

      loss.backward();
      optimizer.step();

      runningLoss += loss.item() as number;
      LOSSES.push(loss.item() as number);
    }
    print(`Epoch ${epoch + 1}/${epochs}, Loss: ${runningLoss / trainLoader.length}`);
  }
}

function testMultipleOutputs(model: nn.Module, testLoader: Loader, device: torch.Device): number {
  model.to(device);
  model.eval();

  let correct = 0;
  let total = 0;

  torch.noGrad(() => {
    for (let [inputs, labels] of testLoader) {
      [inputs, labels] = [inputs.to(device), labels.to(device)];

      const [outputs] = model.forward(inputs) as [Tensor, Tensor]; // disregard the second tensor of the tuple
      const [, predicted] = torch.max(outputs.data, 1);

      total += labels.size(0);
      correct += Number(predicted.eq(labels).sum().item());
    }
  });

  const accuracy = (100 * correct) / total;
  print(`Test Accuracy: ${accuracy.toFixed(2)}%`);
  return accuracy;
}

class ModifiedDeepNNRegressor extends nn.Module {
  features: nn.Sequential;
  classifier: nn.Sequential;
  constructor(numClasses = 10) {
    super();
    this.features = deepFeatures();
    this.classifier = deepClassifier(numClasses);
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    x = this.features.forward(x) as Tensor;
    const convFeatureMap = x;
    x = torch.flatten(x, 1);
    x = this.classifier.forward(x) as Tensor;
    return [x, convFeatureMap];
  }
}

class ModifiedLightNNRegressor extends nn.Module {
  features: nn.Sequential;
  regressor: nn.Sequential;
  classifier: nn.Sequential;
  constructor(numClasses = 10) {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 16, { kernelSize: 3, padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernelSize: 2, stride: 2 }),
      new nn.Conv2d(16, 16, { kernelSize: 3, padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernelSize: 2, stride: 2 }),
    );
    // Include an extra regressor (in our case linear)
    this.regressor = new nn.Sequential(new nn.Conv2d(16, 32, { kernelSize: 3, padding: 1 }));
    this.classifier = new nn.Sequential(new nn.Linear(1024, 256), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(256, numClasses));
  }

  override forward(x: Tensor): [Tensor, Tensor] {
    x = this.features.forward(x) as Tensor;
    const regressorOutput = this.regressor.forward(x) as Tensor;
    x = torch.flatten(x, 1);
    x = this.classifier.forward(x) as Tensor;
    return [x, regressorOutput];
  }
}

function trainMseLoss(
  teacher: nn.Module, student: nn.Module, trainLoader: Loader, epochs: number, learningRate: number,
  featureMapWeight: number, ceLossWeight: number, device: torch.Device,
): void {
  const ceLoss = new nn.CrossEntropyLoss();
  const mseLoss = new nn.MSELoss();
  const optimizer = new optim.Adam(student.parameters(), { lr: learningRate });

  teacher.to(device);
  student.to(device);
  teacher.eval(); // Teacher set to evaluation mode
  student.train(); // Student to train mode

  for (let epoch = 0; epoch < epochs; epoch++) {
    let runningLoss = 0.0;
    for (let [inputs, labels] of trainLoader) {
      [inputs, labels] = [inputs.to(device), labels.to(device)];

      optimizer.zeroGrad();

      // Again ignore teacher logits
      const [, teacherFeatureMap] = torch.noGrad(() => teacher.forward(inputs) as [Tensor, Tensor]);

      // Forward pass with the student model
      const [studentLogits, regressorFeatureMap] = student.forward(inputs) as [Tensor, Tensor];

      // Calculate the loss
      const hiddenRepLoss = mseLoss.forward(regressorFeatureMap, teacherFeatureMap);

      // Calculate the true label loss
      const labelLoss = ceLoss.forward(studentLogits, labels);

      // Weighted sum of the two losses
      const loss = hiddenRepLoss.mul(featureMapWeight).add(labelLoss.mul(ceLossWeight));

      loss.backward();
      optimizer.step();

      runningLoss += loss.item() as number;
      LOSSES.push(loss.item() as number);
    }
    print(`Epoch ${epoch + 1}/${epochs}, Loss: ${runningLoss / trainLoader.length}`);
  }
}

function summary(m: nn.Module): Summary {
  const out: Summary = {};
  for (const [k, v] of Object.entries(m.stateDict())) out[k] = [v.double().sum().item() as number, v.double().norm().item() as number];
  return out;
}

const pyFormatThousands = (n: number): string => n.toLocaleString('en-US'); // "{:,}".format(n)

test('knowledge distillation tutorial: teacher, student, KD, cosine and regressor losses as PyTorch', () => {
  PRINTED.length = 0;
  LOSSES.length = 0;
  const epochs = 1;

  const transformsCifar = new transforms.Compose([
    new transforms.ToTensor(),
    new transforms.Normalize({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }),
  ]);

  // CIFAR10({ root: './data', train: true/false, download: true, transform: transformsCifar })
  const trainDataset = new datasets.FakeData({ size: 8, imageSize: [3, 32, 32], numClasses: 10, transform: transformsCifar });
  const testDataset = new datasets.FakeData({ size: 8, imageSize: [3, 32, 32], numClasses: 10, transform: transformsCifar, randomOffset: 1000 });

  // The tutorial's num_workers=2 is numWorkers: 0 here: torchlette's worker threads start in
  // about 1.8 s per epoch under tsx (PyTorch's forked workers in 0.3 s), 12 epochs of loaders in
  // all. The batches and the random stream are the same either way (checked at the end).
  const trainLoader = new DataLoader(trainDataset, { batchSize: 4, shuffle: true, numWorkers: 0 }) as unknown as Loader;
  const testLoader = new DataLoader(testDataset, { batchSize: 4, shuffle: false, numWorkers: 0 }) as unknown as Loader;

  torch.manualSeed(42);
  const nnDeep = new DeepNN(10);
  train(nnDeep, trainLoader, epochs, 0.001, device);
  const testAccuracyDeep = testModel(nnDeep, testLoader, device);

  torch.manualSeed(42);
  const nnLight = new LightNN(10);

  torch.manualSeed(42);
  const newNnLight = new LightNN(10);

  print('Norm of 1st layer of nn_light:', torch.norm((nnLight.features.get(0) as nn.Conv2d).weight).item());
  print('Norm of 1st layer of new_nn_light:', torch.norm((newNnLight.features.get(0) as nn.Conv2d).weight).item());

  const totalParamsDeep = pyFormatThousands([...nnDeep.parameters()].reduce((s, p) => s + p.numel(), 0));
  print(`DeepNN parameters: ${totalParamsDeep}`);
  const totalParamsLight = pyFormatThousands([...nnLight.parameters()].reduce((s, p) => s + p.numel(), 0));
  print(`LightNN parameters: ${totalParamsLight}`);

  train(nnLight, trainLoader, epochs, 0.001, device);
  const testAccuracyLightCe = testModel(nnLight, testLoader, device);

  print(`Teacher accuracy: ${testAccuracyDeep.toFixed(2)}%`);
  print(`Student accuracy: ${testAccuracyLightCe.toFixed(2)}%`);

  trainKnowledgeDistillation(nnDeep, newNnLight, trainLoader, epochs, 0.001, 2, 0.25, 0.75, device);
  const testAccuracyLightCeAndKd = testModel(newNnLight, testLoader, device);

  print(`Teacher accuracy: ${testAccuracyDeep.toFixed(2)}%`);
  print(`Student accuracy without teacher: ${testAccuracyLightCe.toFixed(2)}%`);
  print(`Student accuracy with CE + KD: ${testAccuracyLightCeAndKd.toFixed(2)}%`);

  const modifiedNnDeep = new ModifiedDeepNNCosine(10);
  modifiedNnDeep.loadStateDict(nnDeep.stateDict());

  print('Norm of 1st layer for deep_nn:', torch.norm((nnDeep.features.get(0) as nn.Conv2d).weight).item());
  print('Norm of 1st layer for modified_deep_nn:', torch.norm((modifiedNnDeep.features.get(0) as nn.Conv2d).weight).item());

  torch.manualSeed(42);
  const modifiedLightNn = new ModifiedLightNNCosine(10);
  print('Norm of 1st layer:', torch.norm((modifiedLightNn.features.get(0) as nn.Conv2d).weight).item());

  trainCosineLoss(modifiedNnDeep, modifiedLightNn, trainLoader, epochs, 0.001, 0.25, 0.75, device);
  const testAccuracyLightCeAndCosineLoss = testMultipleOutputs(modifiedLightNn, testLoader, device);

  torch.manualSeed(42);
  const modifiedLightNnMse = new ModifiedLightNNRegressor(10);

  const modifiedNnDeepReg = new ModifiedDeepNNRegressor(10);
  modifiedNnDeepReg.loadStateDict(nnDeep.stateDict());

  trainMseLoss(modifiedNnDeepReg, modifiedLightNnMse, trainLoader, epochs, 0.001, 0.25, 0.75, device);
  const testAccuracyLightCeAndMseLoss = testMultipleOutputs(modifiedLightNnMse, testLoader, device);

  print(`Teacher accuracy: ${testAccuracyDeep.toFixed(2)}%`);
  print(`Student accuracy without teacher: ${testAccuracyLightCe.toFixed(2)}%`);
  print(`Student accuracy with CE + KD: ${testAccuracyLightCeAndKd.toFixed(2)}%`);
  print(`Student accuracy with CE + CosineLoss: ${testAccuracyLightCeAndCosineLoss.toFixed(2)}%`);
  print(`Student accuracy with CE + RegressorMSE: ${testAccuracyLightCeAndMseLoss.toFixed(2)}%`);

  // ---- against PyTorch ----
  const firstBatch = new DataLoader(trainDataset, { batchSize: 4 })[Symbol.iterator]().next().value![0] as Tensor;
  assertTensor(firstBatch, fx.first_train_batch, { rtol: 0, atol: 0 }, 'first training batch');
  // The printed lines: text where they hold no computed float, numbers (rtol 1e-4) where they do.
  assert.equal(PRINTED.length, fx.printed.length, PRINTED.join('\n'));
  const num = /-?\d+\.\d+(e-?\d+)?/;
  for (let i = 0; i < PRINTED.length; i++) {
    const [got, want] = [PRINTED[i], fx.printed[i]];
    if (/^(Epoch|Norm)/.test(want)) {
      assert.equal(got.replace(num, '#'), want.replace(num, '#'), `line ${i}`);
      const [a, b] = [Number(got.match(num)![0]), Number(want.match(num)![0])];
      assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(b), `line ${i}: ${got} vs ${want}`);
    } else {
      assert.equal(got, want, `line ${i}`);
    }
  }
  assert.equal(LOSSES.length, fx.losses.length);
  for (let i = 0; i < LOSSES.length; i++) assert.ok(Math.abs(LOSSES[i] - fx.losses[i]) <= 1e-4 * Math.abs(fx.losses[i]), `loss ${i}: ${LOSSES[i]} vs ${fx.losses[i]}`);
  const models: Record<keyof Fixture['models'], nn.Module> = {
    nn_deep: nnDeep, nn_light: nnLight, new_nn_light: newNnLight, modified_light_nn: modifiedLightNn, modified_light_nn_mse: modifiedLightNnMse,
  };
  for (const [name, m] of Object.entries(models)) {
    const got = summary(m);
    const want = fx.models[name as keyof Fixture['models']];
    assert.deepEqual(Object.keys(got), Object.keys(want), `${name} keys`);
    for (const k of Object.keys(want)) {
      // Sums move by +-lr per entry and step with Adam; the norms are the stable measure.
      assert.ok(Math.abs(got[k][1] - want[k][1]) <= 1e-4 * Math.abs(want[k][1]) + 1e-6, `${name}.${k} norm: ${got[k][1]} vs ${want[k][1]}`);
      assert.ok(Math.abs(got[k][0] - want[k][0]) <= 1e-3 * Math.max(1, Math.abs(want[k][0])), `${name}.${k} sum: ${got[k][0]} vs ${want[k][0]}`);
    }
  }
  assertTensor((newNnLight.features.get(0) as nn.Conv2d).weight, fx.light_first_conv, { rtol: 1e-4, atol: 1e-5 }, 'KD student first conv');
  // Every random draw (initialisations, shuffles, dropout masks, the loaders' base seeds) as PyTorch's.
  const state = torch.getRngState();
  assert.deepEqual((torch.rand(3).tolist() as number[]).map(Math.fround), fx.rng_after.map(Math.fround));
  // One epoch of the shuffled loader with the tutorial's two workers: the same batches, the same draws.
  const epochOf = (numWorkers: number): [Tensor[], number[]] => {
    torch.setRngState(state);
    const loader = new DataLoader(trainDataset, { batchSize: 4, shuffle: true, numWorkers }) as unknown as Loader;
    const batches = [...loader].flat();
    return [batches, torch.rand(3).tolist() as number[]];
  };
  const [withWorkers, drawsWithWorkers] = epochOf(2);
  const [inline, drawsInline] = epochOf(0);
  assert.equal(withWorkers.length, inline.length);
  for (let i = 0; i < inline.length; i++) assert.ok(torch.equal(withWorkers[i], inline[i]), `batch tensor ${i}`);
  assert.deepEqual(drawsWithWorkers, drawsInline);
});
