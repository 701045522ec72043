// Child of threads.test.ts, run on the threaded WebAssembly build: thousands of small
// jobs back to back, then with the workers asleep between jobs (each job wakes them), and
// the pool's count of waits that timed out with no part finished (a missed wake-up).
// Prints what happened as JSON.
import { setNumThreads } from '../../../src/backend/index.js';
import { addon, js, native, outFor, randomView, rng } from '../helpers.js';

if (!addon?.poolStalls) throw new Error('not the threaded WebAssembly build');
setNumThreads(2);
await new Promise((r) => setTimeout(r, 500)); // the workers are up
const r = rng(73);
const small = randomView(r, 'float32', [8192], { strided: 0 }); // the smallest size exp splits
const big = randomView(r, 'float32', [65536], { strided: 0 }); // parts long enough for the caller to sleep
const maxError = (x: ReturnType<typeof randomView>, out: ReturnType<typeof outFor>): number => {
  const ref = outFor('float32', x.shape);
  js.unary('exp', x, ref);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(Number(out[i]) - Number(ref[i])) / Math.abs(Number(ref[i])));
  return worst;
};
const before = addon.poolStalls();
const o1 = outFor('float32', small.shape);
for (let i = 0; i < 5000; i++) native!.unary('exp', small, o1);
const backToBack = maxError(small, o1);
const o2 = outFor('float32', big.shape);
for (let i = 0; i < 300; i++) {
  const until = performance.now() + 0.3; // longer than the workers' spin: they sleep
  while (performance.now() < until);
  native!.unary('exp', i % 2 ? big : small, i % 2 ? o2 : o1);
}
process.stdout.write(JSON.stringify({ stalls: addon.poolStalls() - before, backToBack, withSleeps: maxError(big, o2) }) + '\n');
