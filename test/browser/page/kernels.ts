// The browser tests' kernel bundle: test/backend's kernel tests, which compare the
// WebAssembly kernels with the JS reference kernels on random strided views, run in the
// page on the wasm backend, loaded first with the library's page loader (test/backend's
// helpers read the backend when they load, hence the dynamic imports after it). Left out:
// coverage.test.ts (spawns Node processes, reads the .wasm file from disk) and
// threads.test.ts (worker_threads): they test Node packaging, not kernels.
import * as torch from '../../../src/index.js';
import { WASM_SINGLE } from './builds.js';
import { runAll } from './node-test.js';

await torch.backends.loadWasm(WASM_SINGLE);
await import('../../backend/elementwise.test.js');
await import('../../backend/erfinv.test.js');
await import('../../backend/indexing-norm.test.js');
await import('../../backend/matmul-conv.test.js');
await import('../../backend/random.test.js');
await import('../../backend/reduce.test.js');

(globalThis as unknown as { torchletteKernels: unknown }).torchletteKernels = { runAll, backend: torch.backends.info().active };
