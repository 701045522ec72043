// Example 2 (seed 003): linear regression y = 3x + 0.8, first "the most primitive way"
// (autograd plus w.data updates by hand), then with nn.Linear, SGD and MSELoss. Writes
// a plot of the data and both fitted lines, and one of the two loss curves.
//
//   npx tsx examples/linear-regression.ts [--quick] [--out out/linear-regression]
import { join } from 'node:path';
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { parseCli } from './lib/cli.js';
import { lineChart } from './lib/plot.js';

const args = parseCli({
  name: 'linear-regression',
  about: 'Seed 003: linear regression by hand and with nn.Linear + SGD; plots the fit.',
  options: {
    steps: { type: 'string', help: 'iterations of each version (default 2000; --quick 300)' },
  },
});
const steps = args.number('steps', 2000, 300);
torch.manualSeed(0);

// 1. Prepare the data y = 3x + 0.8. (The seed forgets the line `y = 3*x + 0.8` and
// only has it in a comment; it is written out here.)
const x = torch.rand([500, 1]);
const y = x.mul(3).add(0.8);

console.log('--- the raw version: autograd and w.data updates ---');
const w = torch.rand([1, 1], { requiresGrad: true });
const b = torch.tensor(0, { requiresGrad: true, dtype: torch.float32 });
const learning = 0.01;
const rawLosses: number[] = [];
// The seed runs 100 iterations, far from converged at lr 0.01; this runs `steps`.
for (let i = 0; i < steps; i++) {
  const yPredict = torch.matmul(x, w).add(b);
  const loss = y.sub(yPredict).pow(2).mean();
  if (w.grad !== null) w.grad.data.zero_();
  if (b.grad !== null) b.grad.data.zero_();
  loss.backward();
  // Python's `w.data = w.data - leanning * w.grad`: the update is not recorded by autograd.
  w.data = w.data.sub(w.grad!.mul(learning));
  b.data = b.data.sub(b.grad!.mul(learning));
  rawLosses.push(Number(loss.item()));
  if ((i + 1) % Math.max(1, Math.floor(steps / 4)) === 0) console.log('w,b,loss', Number(w.item()), Number(b.item()), Number(loss.item()));
}

console.log('\n--- the advanced API version: nn.Linear, SGD, MSELoss ---');
class MyLinear extends nn.Module {
  linear = new nn.Linear(1, 1);
  override forward(x: Tensor): Tensor {
    return this.linear.forward(x);
  }
}
const myLinear = new MyLinear();
const optimizer = new optim.SGD(myLinear.parameters(), 0.001); // does w.data -= lr * w.grad for us
const lossFn = new nn.MSELoss();
const nnLosses: number[] = [];
for (let i = 0; i < steps; i++) {
  const yPredict = myLinear.forward(x);
  const loss = lossFn.forward(yPredict, y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  nnLosses.push(Number(loss.item()));
  // The seed prints every 100 iterations; a quarter of the run is enough here.
  if ((i + 1) % Math.max(1, Math.floor(steps / 4)) === 0) {
    console.log(Number(loss.item()), [...myLinear.parameters()].map((p) => String(p)).join(', '));
  }
}
const nnW = Number(myLinear.linear.weight.item());
const nnB = Number(myLinear.linear.bias!.item());
console.log(`\nraw version: y = ${Number(w.item()).toFixed(4)} x + ${Number(b.item()).toFixed(4)}   (loss ${rawLosses.at(-1)!.toFixed(6)})`);
console.log(`nn version:  y = ${nnW.toFixed(4)} x + ${nnB.toFixed(4)}   (loss ${nnLosses.at(-1)!.toFixed(6)}; lr 0.001 is 10x smaller)`);

// The seed plots y_true and y_pred with matplotlib; here: the data as points and the
// two fitted lines.
const xs = Array.from(x.view(-1).toTypedArray(), Number);
const ends = [0, 1];
const fit = join(args.out, 'linear-regression.png');
await lineChart(
  [
    { label: 'data: y = 3x + 0.8', x: xs, y: Array.from(y.view(-1).toTypedArray(), Number), mode: 'points', color: [150, 150, 150] },
    { label: `raw: ${Number(w.item()).toFixed(2)}x + ${Number(b.item()).toFixed(2)}`, x: ends, y: ends.map((v) => Number(w.item()) * v + Number(b.item())) },
    { label: `nn.Linear: ${nnW.toFixed(2)}x + ${nnB.toFixed(2)}`, x: ends, y: ends.map((v) => nnW * v + nnB) },
  ],
  { title: `Linear regression after ${steps} steps`, xLabel: 'x', yLabel: 'y', legend: 'left' },
).save(fit);
const curves = join(args.out, 'linear-regression-loss.png');
await lineChart(
  [
    { label: 'raw (lr 0.01)', y: rawLosses },
    { label: 'nn.Linear + SGD (lr 0.001)', y: nnLosses },
  ],
  { title: 'Mean squared error', xLabel: 'iteration', yLabel: 'loss' },
).save(curves);
console.log(`saved ${fit} and ${curves}`);
