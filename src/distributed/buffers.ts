// Tensors as the buffers Gloo reads and writes: the one place that maps a tensor's
// storage to the addon's element kinds (native/distributed/addon.cc's Kind). The kind
// follows the storage's typed array, so int64 moves as doubles while torchlette keeps it
// in a Float64Array and as int64 once it is a BigInt64Array, with no change here.
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export const KIND_F32 = 0;
export const KIND_F64 = 1;
export const KIND_I32 = 2;
export const KIND_I64 = 3;
export const KIND_U8 = 4;

/** The addon's element kind for a tensor; bool and unknown storages throw. */
export function elementKind(t: Tensor, what: string): number {
  const a: unknown = t.buffer;
  if (t.dtype !== 'bool') {
    if (a instanceof Float32Array) return KIND_F32;
    if (a instanceof Float64Array) return KIND_F64;
    if (a instanceof Int32Array) return KIND_I32;
    if (a instanceof BigInt64Array) return KIND_I64;
    if (a instanceof Uint8Array) return KIND_U8;
  }
  throw new TypeError(`${what}: unsupported dtype ${t.dtype} (torch.distributed takes float32, float64, int32, int64 and uint8 tensors)`);
}

/**
 * A tensor's elements as one contiguous typed array the addon may write to, and how to
 * finish: a contiguous tensor is used in place (its version is bumped, as PyTorch's in-place
 * collectives do); any other layout goes through a contiguous copy written back at the end.
 */
export interface Staged {
  readonly tensor: Tensor;
  readonly buffer: TypedArray;
  /** Writes the results back into the tensor (when it was copied) and marks it modified. */
  finish(modified: boolean): void;
}

export function stage(t: Tensor): Staged {
  if (t.isContiguous()) {
    const buffer = t.buffer.subarray(t.offset, t.offset + t.numel()) as TypedArray;
    return {
      tensor: t,
      buffer,
      finish: (modified) => {
        if (modified) t._versionCounter.value++;
      },
    };
  }
  const copy = t.detach().contiguous();
  return {
    tensor: t,
    buffer: copy.buffer.subarray(copy.offset, copy.offset + copy.numel()) as TypedArray,
    finish: (modified) => {
      if (modified) t.detach().copy_(copy);
    },
  };
}

/** A fresh contiguous typed array like the tensor's storage, for `n` elements. */
export function scratch(t: Tensor, n: number): TypedArray {
  const Ctor = t.buffer.constructor as new (n: number) => TypedArray;
  return new Ctor(n);
}
