// One rank of the failure tests: all-reduces in a loop until a peer goes away; prints how
// long after the first failing op the error came and exits 3 with it.
import * as torch from '../../../src/index.js';

const d = torch.distributed;
d.initProcessGroup('gloo', { timeout: Number(process.env.TL_TIMEOUT_MS ?? 5000) });
const t = torch.ones([1000]);
d.allReduce(t);
console.log('ready');
for (;;) {
  const started = Date.now();
  try {
    d.allReduce(t);
  } catch (e) {
    console.log(`ERROR after ${Date.now() - started} ms: ${(e as Error).message}`);
    process.exit(3);
  }
  await new Promise((r) => setTimeout(r, 1));
}
