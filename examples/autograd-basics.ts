// Example 1: the autograd programs of the seeds (003, 004), line for line in TypeScript.
//
//   npx tsx examples/autograd-basics.ts [--quick]
import * as torch from 'torchlette';
import { parseCli } from './lib/cli.js';

const args = parseCli({
  name: 'autograd-basics',
  about: "The seeds' autograd programs: requires_grad, grad_fn, no_grad, leaf and non-leaf gradients.",
  out: null,
});

console.log('--- requires_grad, grad_fn and no_grad (seed 004) ---');
const a = torch.tensor(5.0, { requiresGrad: true });
const a2 = torch.tensor(5.0, { requiresGrad: true });
const b = a.mul(5);
const c = b.div(2).add(a2.mul(5));
console.log(String(b));
console.log(String(c));
const d = torch.noGrad(() => b.mul(c)); // with torch.no_grad():
console.log(String(d));
c.backward();
console.log(String(a.grad), b.grad === null ? 'None' : String(b.grad), String(a2.grad));

console.log('\n--- x.grad == x / 2 (seed 004) ---');
torch.manualSeed(0);
const x = torch.randn(2, 2, { requiresGrad: true });
const y = x.pow(2);
console.log(String(y));
console.log('y.grad_fn:', y.gradFn?.name);
const z = y.mean();
z.backward();
console.log(String(x.grad));
console.log(String(x.div(2)));
console.log('x.grad == x / 2:', torch.allclose(x.grad!, x.div(2))); // d mean(x^2) / dx = 2x / 4

console.log('\n--- leaf and non-leaf tensors ---');
// Tensors the user creates are leaves: backward() stores their gradient in .grad. Tensors
// computed from them are not: their .grad stays null (Python: None) unless retainGrad()
// was called on them before backward().
console.log('a.is_leaf', a.isLeaf, ' b.is_leaf', b.isLeaf, ' b.grad_fn', b.gradFn?.name);
const u = torch.tensor([1, 2, 3], { dtype: torch.float32, requiresGrad: true });
const v = u.mul(2); // non-leaf
v.retainGrad();
const s = v.pow(2).sum(); // s = sum((2u)^2): ds/du = 8u, ds/dv = 2v
s.backward();
console.log('u.grad', String(u.grad), ' v.grad', String(v.grad));
const frozen = v.detach(); // same values, no history: a leaf that does not require grad
console.log('v.detach(): requires_grad', frozen.requiresGrad, ' is_leaf', frozen.isLeaf, ' grad_fn', frozen.gradFn?.name ?? 'None');

console.log('\n--- linear regression with w.data updates (seed 003) ---');
const xs = torch.rand([500, 1]);
const ys = xs.mul(3).add(0.8); // y = 3x + 0.8
const w = torch.rand([1, 1], { requiresGrad: true });
const bias = torch.tensor(0, { requiresGrad: true, dtype: torch.float32 });
const learning = 0.01;
const steps = args.quick ? 200 : 2000;
for (let i = 0; i < steps; i++) {
  const yPredict = torch.matmul(xs, w).add(bias);
  const loss = ys.sub(yPredict).pow(2).mean();
  if (w.grad !== null) w.grad.data.zero_();
  if (bias.grad !== null) bias.grad.data.zero_();
  loss.backward();
  w.data = w.data.sub(w.grad!.mul(learning));
  bias.data = bias.data.sub(bias.grad!.mul(learning));
  if ((i + 1) % (steps / 4) === 0) console.log('w, b, loss', w.item(), bias.item(), loss.item());
}

console.log('\n--- backward twice needs retain_graph (seed 002) ---');
const p = torch.tensor([1.0, 2.0], { requiresGrad: true });
const out = p.mul(p).sum();
out.backward();
try {
  out.backward();
} catch (e) {
  console.log('RuntimeError:', (e as Error).message.split('. ')[0] + '.');
}
