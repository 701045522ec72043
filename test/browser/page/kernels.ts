// The browser tests' kernel bundle: test/backend's kernel tests, which compare the
// WebAssembly kernels with the JS reference kernels on random strided views, run in the
// page on the wasm backend. Left out: coverage.test.ts (spawns Node processes, reads the
// .wasm file from disk) and threads.test.ts (worker_threads): they test Node packaging,
// not kernels.
import '../../backend/elementwise.test.js';
import '../../backend/erfinv.test.js';
import '../../backend/indexing-norm.test.js';
import '../../backend/matmul-conv.test.js';
import '../../backend/random.test.js';
import '../../backend/reduce.test.js';
import { runAll } from './node-test.js';

(globalThis as unknown as { torchletteKernels: unknown }).torchletteKernels = { runAll };
