// torch.utils.data
export { Dataset, IterableDataset, TensorDataset, ListDataset, ConcatDataset, ChainDataset, Subset, randomSplit, type AnyDataset } from './dataset.js';
export {
  Sampler,
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
  type RandomSamplerOptions,
  type SizedIterable,
} from './sampler.js';
export { NumberDtypeMemo, defaultCollate, defaultConvert, type Collated } from './collate.js';
export { DataLoader, type DataLoaderOptions, type WorkerDatasetSpec } from './dataloader.js';
export { getWorkerInfo, type WorkerInfo } from './worker-info.js';
export { registerTransferableClass } from './transfer.js';
export { DistributedSampler } from './distributed-sampler.js';
