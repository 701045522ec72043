// The "Classifying Names with a Character-Level RNN" tutorial transcribed line for line (the
// hand-written RNN of i2h/i2o Linear layers over cat(input, hidden), one-hot letters,
// randomTrainingExample with Python's random.randint, NLLLoss, the manual update on p.data,
// evaluate + topk) against the same program run by PyTorch on a synthetic name list
// (scripts/fixtures/porting_char_rnn.py): the same 300 examples (torch.utils.pyRandom seeded as
// Python's random.seed(0)), every loss, every guess, the predictions and the final weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const random = torch.utils.pyRandom;

interface Fixture {
  first_output: TensorJson;
  losses: number[];
  lines: string[];
  guesses: string[];
  all_losses: number[];
  predictions: [number, string][][];
  state: Record<string, TensorJson>;
  modern: { test_indices: number[]; first: TensorJson; all_losses: number[]; confusion: TensorJson; state: Record<string, TensorJson> };
}
const fx = loadFixture<Fixture>('porting_char_rnn.json');

const allLetters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ' + " .,;'";
const nLetters = allLetters.length;

const categoryLines: Record<string, string[]> = {
  Italian: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi'],
  Japanese: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe'],
  Polish: ['Nowak', 'Kowalski', 'Wisniewski', 'Wojcik', 'Kaminski'],
  Scottish: ['Smith', 'Brown', 'Wilson', 'Campbell', 'Stewart'],
};
const allCategories = Object.keys(categoryLines);
const nCategories = allCategories.length;

function letterToIndex(letter: string): number {
  return allLetters.indexOf(letter);
}

function lineToTensor(line: string): Tensor {
  const tensor = torch.zeros(line.length, 1, nLetters);
  [...line].forEach((letter, li) => tensor.index(li).index(0).indexPut_([letterToIndex(letter)], 1));
  return tensor;
}

class RNN extends nn.Module {
  hiddenSize: number;
  i2h: nn.Linear;
  i2o: nn.Linear;
  softmax = new nn.LogSoftmax({ dim: 1 });

  constructor(inputSize: number, hiddenSize: number, outputSize: number) {
    super();
    this.hiddenSize = hiddenSize;
    this.i2h = new nn.Linear(inputSize + hiddenSize, hiddenSize);
    this.i2o = new nn.Linear(inputSize + hiddenSize, outputSize);
  }

  override forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
    const combined = torch.cat([input, hidden], 1);
    hidden = this.i2h.forward(combined);
    let output = this.i2o.forward(combined);
    output = this.softmax.forward(output);
    return [output, hidden];
  }

  initHidden(): Tensor {
    return torch.zeros(1, this.hiddenSize);
  }
}

test('char_rnn_classification: i2h/i2o RNN over one-hot letters, manual SGD on p.data, as PyTorch', () => {
  random.seed(0);
  torch.manualSeed(0);
  const nHidden = 128;
  const rnn = new RNN(nLetters, nHidden, nCategories);

  const categoryFromOutput = (output: Tensor): [string, number] => {
    const { indices: topI } = output.topk(1);
    const categoryI = Number(topI.index(0).item());
    return [allCategories[categoryI], categoryI];
  };
  const randomChoice = <T>(l: T[]): T => l[random.randint(0, l.length - 1)];
  const randomTrainingExample = (): [string, string, Tensor, Tensor] => {
    const category = randomChoice(allCategories);
    const line = randomChoice(categoryLines[category]);
    const categoryTensor = torch.LongTensor([allCategories.indexOf(category)]);
    const lineTensor = lineToTensor(line);
    return [category, line, categoryTensor, lineTensor];
  };

  const criterion = new nn.NLLLoss();
  const learningRate = 0.005;

  const train = (categoryTensor: Tensor, lineTensor: Tensor): [Tensor, number] => {
    let hidden = rnn.initHidden();
    rnn.zeroGrad();
    let output!: Tensor;
    for (let i = 0; i < lineTensor.size()[0]; i++) [output, hidden] = rnn.forward(lineTensor.index(i), hidden);
    const loss = criterion.forward(output, categoryTensor);
    loss.backward();
    for (const p of rnn.parameters()) p.data.add_(p.grad!.data, { alpha: -learningRate });
    return [output, Number(loss.item())];
  };

  const [firstOutput] = rnn.forward(lineToTensor('Albert').index(0), torch.zeros(1, nHidden));
  assertTensor(firstOutput, fx.first_output, { rtol: 1e-5, atol: 1e-6 }, 'first output');
  const [nIters, plotEvery] = [300, 50];
  let currentLoss = 0;
  const allLosses: number[] = [];
  const losses: number[] = [];
  const lines: string[] = [];
  const guesses: string[] = [];
  for (let iter = 1; iter < nIters + 1; iter++) {
    const [, line, categoryTensor, lineTensor] = randomTrainingExample();
    const [output, loss] = train(categoryTensor, lineTensor);
    currentLoss += loss;
    losses.push(loss);
    lines.push(line);
    guesses.push(categoryFromOutput(output)[0]);
    if (iter % plotEvery === 0) {
      allLosses.push(currentLoss / plotEvery);
      currentLoss = 0;
    }
  }

  const evaluate = (lineTensor: Tensor): Tensor => {
    let hidden = rnn.initHidden();
    let output!: Tensor;
    for (let i = 0; i < lineTensor.size()[0]; i++) [output, hidden] = rnn.forward(lineTensor.index(i), hidden);
    return output;
  };
  const predictions = ['Dovesky', 'Jackson', 'Satoshi'].map((inputLine) =>
    torch.noGrad(() => {
      const output = evaluate(lineToTensor(inputLine));
      const { values: topv, indices: topi } = output.topk(3, 1, true);
      return [0, 1, 2].map((i): [number, string] => [Number(topv.index(0).index(i).item()), allCategories[Number(topi.index(0).index(i).item())]]);
    }),
  );

  assert.deepEqual(lines, fx.lines); // the same examples: pyRandom draws as Python's random
  assert.deepEqual(guesses, fx.guesses);
  // float32: 300 sequential updates; each step's loss stays within 1e-5 of PyTorch's
  losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5, `loss ${i}: ${l} vs ${fx.losses[i]}`));
  allLosses.forEach((l, i) => assert.ok(Math.abs(l - fx.all_losses[i]) < 1e-5, `plot loss ${i}`));
  predictions.forEach((pred, j) =>
    pred.forEach(([v, c], i) => {
      assert.equal(c, fx.predictions[j][i][1]);
      assert.ok(Math.abs(v - fx.predictions[j][i][0]) < 1e-5, `prediction ${j}/${i}: ${v} vs ${fx.predictions[j][i][0]}`);
    }),
  );
  const state = rnn.stateDict();
  assert.deepEqual(Object.keys(state), Object.keys(fx.state));
  for (const [k, v] of Object.entries(state)) assertTensor(v, fx.state[k], { rtol: 1e-5, atol: 1e-7 }, k);
});

// --- the tutorial's current form: NamesDataset, randomSplit, CharRNN over nn.RNN, minibatches ---

class NamesDataset extends torch.utils.data.Dataset<[Tensor, Tensor, string, string]> {
  data: string[] = [];
  dataTensors: Tensor[] = [];
  labels: string[] = [];
  labelsTensors: Tensor[] = [];
  labelsUniq: string[];

  constructor(categoryLines: Record<string, string[]>) {
    super();
    const labelsSet = new Set<string>();
    for (const [label, lines] of Object.entries(categoryLines)) {
      labelsSet.add(label);
      for (const name of lines) {
        this.data.push(name);
        this.dataTensors.push(lineToTensor(name));
        this.labels.push(label);
      }
    }
    this.labelsUniq = [...labelsSet].sort(); // list(set) in the tutorial: sorted on both sides
    for (let idx = 0; idx < this.labels.length; idx++) {
      const tempTensor = torch.tensor([this.labelsUniq.indexOf(this.labels[idx])], { dtype: torch.long });
      this.labelsTensors.push(tempTensor);
    }
  }

  get length(): number {
    return this.data.length;
  }

  getItem(idx: number): [Tensor, Tensor, string, string] {
    return [this.labelsTensors[idx], this.dataTensors[idx], this.labels[idx], this.data[idx]];
  }
}

class CharRNN extends nn.Module {
  rnn: nn.RNN;
  h2o: nn.Linear;
  softmax = new nn.LogSoftmax({ dim: 1 });

  constructor(inputSize: number, hiddenSize: number, outputSize: number) {
    super();
    this.rnn = new nn.RNN(inputSize, hiddenSize);
    this.h2o = new nn.Linear(hiddenSize, outputSize);
  }

  override forward(lineTensor: Tensor): Tensor {
    const [, hidden] = this.rnn.forward(lineTensor);
    let output = this.h2o.forward(hidden.index(0));
    output = this.softmax.forward(output);
    return output;
  }
}

function labelFromOutput(output: Tensor, outputLabels: string[]): [string, number] {
  const { indices: topI } = output.topk(1);
  const labelI = Number(topI.index(0).item());
  return [outputLabels[labelI], labelI];
}

/** numpy's array_split(a, sections): the first len % sections parts one longer. */
function arraySplit<T>(a: T[], sections: number): T[][] {
  const [base, extra] = [Math.floor(a.length / sections), a.length % sections];
  const out: T[][] = [];
  for (let k = 0, at = 0; k < sections; k++) {
    const n = base + (k < extra ? 1 : 0);
    out.push(a.slice(at, (at += n)));
  }
  return out;
}

test('char_rnn_classification, current form: nn.RNN, randomSplit, shuffled minibatches, clipGradNorm_, as PyTorch', () => {
  const m = fx.modern;
  random.seed(0);
  torch.manualSeed(0);
  const alldata = new NamesDataset(categoryLines);
  const [trainSet, testSet] = torch.utils.data.randomSplit(alldata, [0.85, 0.15], { generator: new torch.Generator().manualSeed(2024) });
  const nHidden = 64;
  const rnn = new CharRNN(nLetters, nHidden, alldata.labelsUniq.length);

  const train = (rnn: CharRNN, trainingData: torch.utils.data.Subset<[Tensor, Tensor, string, string]>, nEpoch = 10, nBatchSize = 64, learningRate = 0.2, criterion = new nn.NLLLoss()): number[] => {
    let currentLoss = 0;
    const allLosses: number[] = [];
    rnn.train();
    const optimizer = new torch.optim.SGD(rnn.parameters(), { lr: learningRate });
    for (let iter = 1; iter < nEpoch + 1; iter++) {
      rnn.zeroGrad();
      const indices = Array.from({ length: trainingData.length }, (_, i) => i);
      random.shuffle(indices);
      const batches = arraySplit(indices, Math.floor(indices.length / nBatchSize));
      for (const batch of batches) {
        let batchLoss = torch.zeros([]); // Python's batch_loss = 0
        for (const i of batch) {
          const [labelTensor, textTensor] = trainingData.getItem(i);
          const output = rnn.forward(textTensor);
          const loss = criterion.forward(output, labelTensor);
          batchLoss = batchLoss.add(loss);
        }
        batchLoss.backward();
        nn.utils.clipGradNorm_(rnn.parameters(), 3);
        optimizer.step();
        optimizer.zeroGrad();
        currentLoss += Number(batchLoss.item()) / batch.length;
      }
      allLosses.push(currentLoss / batches.length);
      currentLoss = 0;
    }
    return allLosses;
  };

  const evaluate = (rnn: CharRNN, testingData: torch.utils.data.Subset<[Tensor, Tensor, string, string]>, classes: string[]): Tensor => {
    const confusion = torch.zeros(classes.length, classes.length);
    rnn.eval();
    torch.noGrad(() => {
      for (let i = 0; i < testingData.length; i++) {
        const [, textTensor, label] = testingData.getItem(i);
        const output = rnn.forward(textTensor);
        const [, guessI] = labelFromOutput(output, classes);
        const labelI = classes.indexOf(label);
        confusion.index(labelI).index(guessI).add_(1); // confusion[label_i][guess_i] += 1
      }
    });
    for (let i = 0; i < classes.length; i++) {
      const denom = confusion.index(i).sum();
      if (Number(denom.item()) > 0) confusion.indexPut_([i], confusion.index(i).div(denom));
    }
    return confusion;
  };

  const first = rnn.forward(lineToTensor('Albert'));
  const allLosses = train(rnn, trainSet, 8, 4, 0.15);
  const confusion = evaluate(rnn, testSet, alldata.labelsUniq);

  assert.deepEqual([...testSet.indices], m.test_indices);
  assertTensor(first, m.first, { rtol: 1e-5, atol: 1e-6 }, 'first output');
  allLosses.forEach((l, i) => assert.ok(Math.abs(l - m.all_losses[i]) < 1e-5, `epoch loss ${i}: ${l} vs ${m.all_losses[i]}`));
  assertTensor(confusion, m.confusion, {}, 'confusion');
  const state = rnn.stateDict();
  assert.deepEqual(Object.keys(state), Object.keys(m.state));
  for (const [k, v] of Object.entries(state)) assertTensor(v, m.state[k], { rtol: 1e-5, atol: 1e-6 }, k);
});
