// PyTorch's DDP bucket assignment (reducer.cpp compute_bucket_assignment_by_size, 1.13, as
// distributed.py calls it): parameters in definition order fill one open bucket per dtype;
// a bucket closes when it reaches the current size limit (1 MB for the first bucket of a
// dtype, then bucketCapMb); buckets are sorted by their smallest parameter index and then
// reversed, approximating the order in which backward produces the gradients.
import type { Tensor } from '../../tensor/tensor.js';

/** torch.distributed._DEFAULT_FIRST_BUCKET_BYTES. */
export const DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024;

/** Parameter indices per bucket, in the order the buckets are reduced. */
export function assignBuckets(params: readonly Tensor[], bucketCapBytes: number, firstBucketBytes = DEFAULT_FIRST_BUCKET_BYTES): number[][] {
  const limits = [firstBucketBytes, bucketCapBytes];
  const open = new Map<string, { indices: number[]; bytes: number; limit: number }>();
  const done: number[][] = [];
  params.forEach((p, i) => {
    let b = open.get(p.dtype);
    if (b === undefined) {
      b = { indices: [], bytes: 0, limit: 0 };
      open.set(p.dtype, b);
    }
    b.indices.push(i);
    b.bytes += p.numel() * p.buffer.BYTES_PER_ELEMENT;
    if (b.bytes >= limits[b.limit]) {
      done.push(b.indices);
      open.set(p.dtype, { indices: [], bytes: 0, limit: Math.min(b.limit + 1, limits.length - 1) });
    }
  });
  for (const b of open.values()) if (b.indices.length > 0) done.push(b.indices);
  done.sort((x, y) => Math.min(...x) - Math.min(...y));
  return done.reverse();
}
