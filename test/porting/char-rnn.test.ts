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
    const categoryTensor = torch.tensor([allCategories.indexOf(category)], { dtype: torch.long });
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
