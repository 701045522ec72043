// torch.is_tensor, is_storage, is_floating_point, is_nonzero, is_signed, is_same_size,
// typename, can_cast and set_default_tensor_type, with their Tensor-method twins.
import { checkTensor, pyTypeName } from './args.js';
import { canCast as canCastDtype, DTYPES, legacyTypeName, setDefaultDtype, type DType } from './dtype.js';
import { Storage, Tensor } from './tensor.js';

export const isTensor = (obj: unknown): obj is Tensor => obj instanceof Tensor;
export const isStorage = (obj: unknown): obj is Storage => obj instanceof Storage;

export function isFloatingPoint(input: Tensor): boolean {
  checkTensor('isFloatingPoint', 'input', 1, input);
  return input.isFloatingPoint();
}

/** torchlette has no complex dtypes: always false (as PyTorch for real tensors). */
export function isComplex(input: Tensor): boolean {
  checkTensor('isComplex', 'input', 1, input);
  return false;
}

export function isSigned(input: Tensor): boolean {
  checkTensor('isSigned', 'input', 1, input);
  return input.dtype !== 'uint8' && input.dtype !== 'bool';
}

/** The truth value of a one-element tensor (PyTorch's is_nonzero and its errors). */
export function isNonzero(input: Tensor): boolean {
  checkTensor('isNonzero', 'input', 1, input);
  const n = input.numel();
  if (n === 0) throw new RangeError('Boolean value of Tensor with no values is ambiguous');
  if (n > 1) throw new RangeError('Boolean value of Tensor with more than one value is ambiguous');
  return Number(input.item()) !== 0;
}

export function isSameSize(input: Tensor, other: Tensor): boolean {
  checkTensor('isSameSize', 'input', 1, input);
  checkTensor('isSameSize', 'other', 2, other);
  return input.shape.length === other.shape.length && input.shape.every((s, i) => s === other.shape[i]);
}

/** Negative-bit views exist only for complex conjugation in PyTorch: never set here. */
export const isNeg = (input: Tensor): boolean => (checkTensor('isNeg', 'input', 1, input), false);
export const isDistributed = (input: Tensor): boolean => (checkTensor('isDistributed', 'input', 1, input), false);

/** torch.typename: 'torch.FloatTensor' for tensors, the type's name otherwise. */
export function typename(obj: unknown): string {
  if (obj instanceof Tensor) return legacyTypeName(obj.dtype);
  return pyTypeName(obj);
}

/** torch.can_cast: whether PyTorch's type promotion allows writing `from` into `to`. */
export function canCast(from: DType, to: DType): boolean {
  for (const d of [from, to]) if (!DTYPES.includes(d)) throw new TypeError(`can_cast(): argument must be a dtype, not ${pyTypeName(d)}`);
  return canCastDtype(from, to);
}

const TENSOR_TYPES: Record<string, DType> = { 'torch.FloatTensor': 'float32', 'torch.DoubleTensor': 'float64' };

/** torch.set_default_tensor_type('torch.FloatTensor' | 'torch.DoubleTensor'): sets the default float dtype. */
export function setDefaultTensorType(t: string): void {
  const d = TENSOR_TYPES[t];
  if (d === undefined) {
    throw new TypeError(`only floating-point types are supported as the default type (torch.FloatTensor or torch.DoubleTensor), got ${String(t)}`);
  }
  setDefaultDtype(d);
}

declare module './tensor.js' {
  interface Tensor {
    isComplex(): boolean;
    isSigned(): boolean;
    isNonzero(): boolean;
    isNeg(): boolean;
    isDistributed(): boolean;
    /** No negative-bit views exist here: the tensor itself. */
    resolveNeg(): Tensor;
    /** Which output of its gradFn this tensor is (PyTorch's output_nr). */
    readonly outputNr: number;
  }
}

const P = Tensor.prototype;
P.isComplex = function (this: Tensor) {
  return isComplex(this);
};
P.isSigned = function (this: Tensor) {
  return isSigned(this);
};
P.isNonzero = function (this: Tensor) {
  return isNonzero(this);
};
P.isNeg = function (this: Tensor) {
  return false;
};
P.isDistributed = function (this: Tensor) {
  return false;
};
P.resolveNeg = function (this: Tensor) {
  return this;
};
Object.defineProperty(P, 'outputNr', {
  get(this: Tensor) {
    return this._outputNr;
  },
});
