// torch.utils
export * as data from './data/index.js';
export * as checkpoint from './checkpoint.js';
