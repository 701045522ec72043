// Example 9: pytorch/examples' time_sequence_prediction, transcribed line for line. Two
// LSTMCells in float64 learn sine waves starting at different phases, trained with LBFGS
// (lr 0.8, whole-batch closure) on MSELoss; after each step the model predicts `future`
// values past the end of three held-out waves. One change, made in the PyTorch twin too
// (scripts/fixtures/time_sequence.py): the phases come from torch.randint (seed 2) rather
// than numpy, so both programs train on the same data and print the same losses.
//
//   npx tsx examples/time-sequence.ts [--steps 15] [--quick]
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { parseCli } from './lib/cli.js';

const args = parseCli({
  name: 'time-sequence',
  about: 'Two LSTMCells learn sine waves with LBFGS, then predict their continuation (pytorch/examples).',
  options: {
    steps: { type: 'string', help: 'LBFGS steps (default 15; --quick 2)' },
    waves: { type: 'string', help: 'number of sine waves, 3 of them held out (default 100; --quick 8)' },
    length: { type: 'string', help: 'samples per wave (default 1000; --quick 60)' },
    future: { type: 'string', help: 'values predicted past the end of each test wave (default 1000; --quick 20)' },
  },
  out: null,
});

const T = 20;

/** generate_sine_wave.py: N waves of L samples, each shifted by a random phase. */
function makeData(N: number, L: number): Tensor {
  torch.manualSeed(2);
  const offsets = torch.randint(-4 * T, 4 * T, [N, 1]);
  const x = torch.arange(L).unsqueeze(0).add(offsets);
  return torch.sin(x.double().div(1.0 * T)); // float64 throughout, as numpy computes it
}

class Sequence extends nn.Module {
  lstm1 = new nn.LSTMCell(1, 51);
  lstm2 = new nn.LSTMCell(51, 51);
  linear = new nn.Linear(51, 1);

  override forward(input: Tensor, future = 0): Tensor {
    const outputs: Tensor[] = [];
    let hT = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let cT = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let hT2 = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let cT2 = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let output = hT; // replaced at the first step

    for (const inputT of input.split(1, 1)) {
      [hT, cT] = this.lstm1.forward(inputT, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    for (let i = 0; i < future; i++) {
      // if we should predict the future
      [hT, cT] = this.lstm1.forward(output, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    return torch.cat(outputs, 1);
  }
}

const data = makeData(args.number('waves', 100, 8), args.number('length', 1000, 60));
torch.manualSeed(0);
const input = data.index('3:', ':-1');
const target = data.index('3:', '1:');
const testInput = data.index(':3', ':-1');
const testTarget = data.index(':3', '1:');
// build the model
const seq = new Sequence().double();
const criterion = new nn.MSELoss();
// use LBFGS as optimizer since we can load the whole data to train
const optimizer = new optim.LBFGS(seq.parameters(), { lr: 0.8 });
const future = args.number('future', 1000, 20);
const started = performance.now();
for (let i = 0; i < args.number('steps', 15, 2); i++) {
  console.log('STEP: ', i);
  const closure = () => {
    optimizer.zeroGrad();
    const out = seq.forward(input);
    const loss = criterion.forward(out, target);
    console.log('loss:', loss.item());
    loss.backward();
    return loss;
  };
  optimizer.step(closure);
  // begin to predict, no need to track gradient here
  torch.noGrad(() => {
    const pred = seq.forward(testInput, future);
    const loss = criterion.forward(pred.index(':', `:-${future}`), testTarget);
    console.log('test loss:', loss.item());
  });
}
console.log(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
