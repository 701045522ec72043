// Example 12: pytorch/examples' regression/main.py transcribed line for line: fit a
// degree-4 polynomial with one nn.Linear on random batches, smooth_l1_loss and a hand-written
// SGD step, until the loss is below 1e-3. scripts/fixtures/regression.py is the same program
// in PyTorch: from the same seed it stops after the same number of batches with the same fit.
//
//   npx tsx examples/regression.ts [--seed 0]
import * as torch from 'torchlette';
import type { Tensor } from 'torchlette';
import { parseCli } from './lib/cli.js';

const F = torch.nn.functional;

const args = parseCli({
  name: 'regression',
  about: "pytorch/examples' polynomial regression with one Linear layer (runs to convergence; --quick changes nothing).",
  options: { seed: { type: 'string', help: 'random seed (default: 0; the Python original does not seed)' } },
  out: null,
});
torch.manualSeed(args.number('seed', 0));

const POLY_DEGREE = 4;
const W_target = torch.randn(POLY_DEGREE, 1).mul(5);
const b_target = torch.randn(1).mul(5);

/** Builds features i.e. a matrix with columns [x, x^2, x^3, x^4]. */
function makeFeatures(x: Tensor): Tensor {
  x = x.unsqueeze(1);
  return torch.cat(Array.from({ length: POLY_DEGREE }, (_, i) => x.pow(i + 1)), 1);
}

/** Approximated function. */
function f(x: Tensor): Tensor {
  return x.mm(W_target).add(Number(b_target.item()));
}

/** Python's '{:+.2f}'. */
const signed = (v: number) => `${v >= 0 ? '+' : '-'}${Math.abs(v).toFixed(2)}`;

/** Creates a string description of a polynomial. */
function polyDesc(W: Tensor, b: Tensor): string {
  let result = 'y = ';
  (W.tolist() as number[]).forEach((w, i) => {
    result += `${signed(w)} x^${i + 1} `;
  });
  result += signed((b.tolist() as number[])[0]);
  return result;
}

/** Builds a batch i.e. (x, f(x)) pair. */
function getBatch(batchSize = 32): [Tensor, Tensor] {
  const random = torch.randn(batchSize);
  const x = makeFeatures(random);
  const y = f(x);
  return [x, y];
}

// Define model
const fc = new torch.nn.Linear(W_target.size(0), 1);

let loss = Infinity;
let batchIdx = 0;
for (batchIdx = 1; ; batchIdx++) {
  // Get data
  const [batchX, batchY] = getBatch();
  // Reset gradients
  fc.zeroGrad();
  // Forward pass
  const output = F.smoothL1Loss(fc.forward(batchX), batchY);
  loss = Number(output.item());
  // Backward pass
  output.backward();
  // Apply gradients
  for (const param of fc.parameters()) param.data.add_((param.grad as Tensor).mul(-0.1));
  // Stop criterion
  if (loss < 1e-3) break;
}

console.log(`Loss: ${loss.toFixed(6)} after ${batchIdx} batches`);
console.log(`==> Learned function:\t${polyDesc(fc.weight.view(-1), fc.bias as Tensor)}`);
console.log(`==> Actual function:\t${polyDesc(W_target.view(-1), b_target)}`);
