// Node's side of the browser tests: runs the seeded training loop on the backend
// TORCHLETTE_BACKEND names and prints the result as JSON (browser.test.ts spawns it once
// per backend, since the backend is chosen when torchlette loads). An argument sets the
// number of threads (the threaded wasm build's kernels split their sums by it).
import * as torch from '../../../src/index.js';
import { trainLoop } from './train-loop.js';

if (process.argv[2]) torch.setNumThreads(Number(process.argv[2]));
process.stdout.write(JSON.stringify(trainLoop()) + '\n');
