// Child of threads.test.ts (the failure turns the pool off for the whole process): a
// kernel part that traps on a worker of the threaded WebAssembly build makes the
// calling thread throw an error naming it, instead of waiting forever for that part,
// and later kernels still run (on the calling thread). Prints what happened as JSON.
import { setNumThreads } from '../../../src/backend/index.js';
import { addon, js, native, outFor, randomView, rng } from '../helpers.js';

setNumThreads(2);
await new Promise((r) => setTimeout(r, 500)); // the workers are up
let error = '';
const t0 = performance.now();
try {
  addon!.testWorkerFailure!();
} catch (e) {
  error = (e as Error).message;
}
const ms = performance.now() - t0;
const x = randomView(rng(74), 'float32', [65536], { strided: 0 });
const a = outFor('float32', x.shape), b = outFor('float32', x.shape);
native!.unary('exp', x, a);
js.unary('exp', x, b);
let same = true;
for (let i = 0; i < a.length; i++) if (Math.abs(Number(a[i]) - Number(b[i])) > 4e-6 * Math.abs(Number(b[i]))) same = false;
process.stdout.write(JSON.stringify({ error, ms, after: same }) + '\n');
