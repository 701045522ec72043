// torch.nn.parallel
export { DistributedDataParallel } from './distributed.js';
export { assignBuckets as _assignBuckets, DEFAULT_FIRST_BUCKET_BYTES } from './buckets.js';
