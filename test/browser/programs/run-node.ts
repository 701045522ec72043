// Node's side of the browser tests: runs the seeded training loop on the backend
// TORCHLETTE_BACKEND names and prints the result as JSON (browser.test.ts spawns it once
// per backend, since the backend is chosen when torchlette loads).
import { trainLoop } from './train-loop.js';

process.stdout.write(JSON.stringify(trainLoop()) + '\n');
