// The legacy typed constructors old tutorials call (torch.FloatTensor([1, 0, 0, 0, 1, 0]) in the
// spatial transformer tutorial, torch.LongTensor([i]) in the char-RNN one), as PyTorch 1.13's
// torch.FloatTensor(...): a sequence is data, integers are sizes (uninitialized, as
// torch.empty), no argument is an empty tensor, a tensor of the same dtype comes back as an
// alias (another dtype throws PyTorch's TypeError); `x instanceof torch.FloatTensor` checks
// x's dtype, as isinstance does.
import { pyTypeName } from '../tensor/args.js';
import { empty, tensor, type TensorData } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

export interface LegacyTensorType {
  readonly dtype: DType;
  (): Tensor;
  (data: Exclude<TensorData, number | bigint | boolean | Tensor>): Tensor;
  (...size: number[]): Tensor;
  (other: Tensor): Tensor;
}

// c10's names for the dtypes, as TensorOptions prints them
const C_NAMES: Partial<Record<DType, string>> = { float32: 'float', float64: 'double', int64: 'long int', int32: 'int', uint8: 'unsigned char', bool: 'bool' };
const options = (dtype: DType): string =>
  `TensorOptions(dtype=${C_NAMES[dtype]}, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))`;

function legacyType(name: string, dtype: DType): LegacyTensorType {
  const ctor = (...args: unknown[]): Tensor => {
    if (args.length === 0) return empty([0], { dtype });
    const [first] = args;
    if (args.length === 1 && first instanceof Tensor) {
      if (first.dtype !== dtype) throw new TypeError(`expected ${options(dtype)} (got ${options(first.dtype)})`);
      return first.view(first.shape);
    }
    if (args.length === 1 && typeof first === 'object' && first !== null && (Array.isArray(first) || ArrayBuffer.isView(first))) return tensor(first as TensorData, { dtype });
    if (args.every((a) => Number.isInteger(a))) return empty(args as number[], { dtype });
    throw new TypeError(`new(): data must be a sequence (got ${pyTypeName(first)})`);
  };
  Object.defineProperty(ctor, 'name', { value: name });
  // torch.FloatTensor.dtype is torch.float32: x.type(torch.FloatTensor) reads it (ops/copy.ts typeDtype)
  Object.defineProperty(ctor, 'dtype', { value: dtype });
  Object.defineProperty(ctor, Symbol.hasInstance, { value: (v: unknown) => v instanceof Tensor && v.dtype === dtype });
  return ctor as LegacyTensorType;
}

export const FloatTensor = legacyType('FloatTensor', 'float32');
export const DoubleTensor = legacyType('DoubleTensor', 'float64');
export const LongTensor = legacyType('LongTensor', 'int64');
export const IntTensor = legacyType('IntTensor', 'int32');
export const ByteTensor = legacyType('ByteTensor', 'uint8');
export const BoolTensor = legacyType('BoolTensor', 'bool');
