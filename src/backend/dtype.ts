// The storage types behind each dtype. int64 lives in a Float64Array: JavaScript
// numbers hold every integer up to 2^53 exactly, and this keeps one number type
// through every kernel instead of a BigInt path beside each one.
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'int64', 'float32', 'float64'];

export function allocate(dtype: DType, n: number): TypedArray {
  try {
    return allocateArray(dtype, n);
  } catch (e) {
    // V8 refuses lengths past its typed-array limit or memory: say how much was asked, as PyTorch does.
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`DefaultCPUAllocator: can't allocate memory: you tried to allocate ${n * elementSize(dtype)} bytes.`);
  }
}

function allocateArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
    case 'int64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
  }
}

export function isFloatingDtype(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isIntegralDtype(dtype: DType, includeBool: boolean): boolean {
  return dtype === 'int64' || dtype === 'int32' || dtype === 'uint8' || (includeBool && dtype === 'bool');
}

/** Bytes per element as PyTorch stores the dtype (int64 is 8 bytes on disk). */
export function elementSize(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'uint8':
    case 'bool':
      return 1;
  }
}

/** Converts a JS number to what a store into `dtype` must hold (C++ cast semantics). */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
    case 'int64':
      return Number.isFinite(value) ? Math.trunc(value) : value;
    case 'int32':
      return value | 0;
    case 'uint8':
      return value & 255;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}
