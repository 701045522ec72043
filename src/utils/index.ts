// torch.utils
export * as data from './data/index.js';
export * as checkpoint from './checkpoint.js';
// Python's `random` (CPython's Mersenne Twister): programs that draw with it (random.choice,
// random.random() for teacher forcing) port with the same draws for the same random.seed(n)
export { random as pyRandom, PythonRandom } from './py-random.js';
// torch.utils.benchmark: Timer and Measurement
export * as benchmark from './benchmark.js';
