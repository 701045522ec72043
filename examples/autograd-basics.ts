// The autograd programs of the seeds (003, 004), line for line in TypeScript.
// Run with `npm start`.
import * as torch from '../src/index.js';

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

console.log('\n--- linear regression with w.data updates (seed 003) ---');
const xs = torch.rand([500, 1]);
const ys = xs.mul(3).add(0.8); // y = 3x + 0.8
const w = torch.rand([1, 1], { requiresGrad: true });
const bias = torch.tensor(0, { requiresGrad: true, dtype: torch.float32 });
const learning = 0.01;
for (let i = 0; i < 2000; i++) {
  const yPredict = torch.matmul(xs, w).add(bias);
  const loss = ys.sub(yPredict).pow(2).mean();
  if (w.grad !== null) w.grad.data.zero_();
  if (bias.grad !== null) bias.grad.data.zero_();
  loss.backward();
  w.data = w.data.sub(w.grad!.mul(learning));
  bias.data = bias.data.sub(bias.grad!.mul(learning));
  if ((i + 1) % 500 === 0) console.log('w, b, loss', w.item(), bias.item(), loss.item());
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
