// Copies and conversions: clone, contiguous, to(dtype), copy_, fill_, zero_.
import { backend } from '../backend/index.js';
import { castScalar, isDType, type DType, type TypedArray } from '../tensor/dtype.js';
import { isGradEnabled, legacyTypeName, Node } from '../tensor/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNoInternalOverlap, inplace } from './inplace.js';
import { broadcastTo, castRaw } from './kernels.js';
import { needsGrad, record } from './record.js';

class PassThroughBackward extends Node {
  constructor(readonly name: string) {
    super();
  }
  backward([g]: (Tensor | null)[]): (Tensor | null)[] {
    return [g];
  }
}

/** A contiguous copy (CloneBackward0). */
export function clone(x: Tensor): Tensor {
  const out = castRaw(x, x.dtype);
  if (needsGrad(x)) record(new PassThroughBackward('CloneBackward0'), [x], [out]);
  return out;
}

export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/** A copy converted to `dtype` (ToCopyBackward0; the engine casts the gradient back). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = castRaw(x, dtype);
  if (needsGrad(x) && (dtype === 'float32' || dtype === 'float64')) record(new PassThroughBackward('ToCopyBackward0'), [x], [out]);
  return out;
}

/** src broadcast to `shape` and cast to `dtype`, as the value copy_ writes (CopyBackwards). */
function copiedValue(src: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const out = Tensor.empty(shape.slice(), dtype);
  backend().copy(broadcastTo(src, shape), out);
  if (needsGrad(src)) record(new PassThroughBackward('CopyBackwards'), [src], [out]);
  return out;
}

export function copy_(self: Tensor, src: Tensor): Tensor {
  if (!(src instanceof Tensor)) throw new TypeError('copy_(): argument src must be a Tensor');
  const direct = {
    dtype: self.dtype,
    write: (out: TypedArray) => backend().copy(broadcastTo(src, self.shape), { buffer: out, dtype: self.dtype, shape: self.shape, strides: self.strides, offset: 0 }),
  };
  return inplace(self, [src], (s) => copiedValue(src, s.shape, s.dtype), direct);
}

/** Writes `value` everywhere; with no graph to record this is a plain fill of self's memory. */
export function fill_(self: Tensor, value: number | boolean | Tensor): Tensor {
  if (value instanceof Tensor) {
    if (value.dim() !== 0) throw new RangeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
    return inplace(self, [value], (s) => copiedValue(value, s.shape, s.dtype));
  }
  const v = castScalar(Number(value), self.dtype);
  if (isGradEnabled() && self.requiresGrad) {
    return inplace(self, [], (s) => {
      const out = Tensor.empty(s.shape.slice(), s.dtype);
      backend().fill(out, v);
      return out;
    });
  }
  checkNoInternalOverlap(self);
  backend().fill(self, v);
  self._versionCounter.value++;
  return self;
}

export interface ToOptions {
  dtype?: DType;
  device?: string;
  copy?: boolean;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    clone(): Tensor;
    contiguous(): Tensor;
    /** to(dtype), to('cpu') or to({ dtype, device, copy }). */
    to(target: DType | 'cpu' | Tensor | ToOptions): Tensor;
    /** type() gives PyTorch's legacy type string ('torch.FloatTensor'); type(dtype) converts. */
    type(): string;
    type(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    long(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    byte(): Tensor;
    /** Returns this tensor (torchlette runs on the CPU). */
    cpu(): Tensor;
    copy_(src: Tensor): Tensor;
    fill_(value: number | boolean | Tensor): Tensor;
    zero_(): Tensor;
  }
}

const P = Tensor.prototype;
P.clone = function (this: Tensor) {
  return clone(this);
};
P.contiguous = function (this: Tensor) {
  return contiguous(this);
};
P.to = function (this: Tensor, target: DType | 'cpu' | Tensor | ToOptions) {
  if (target instanceof Tensor) return toDtype(this, target.dtype);
  if (typeof target === 'string') {
    if (isDType(target)) return toDtype(this, target);
    if (target === 'cpu') return this;
    throw new TypeError(`to(): unsupported device or dtype '${target}' (torchlette runs on the CPU)`);
  }
  if (target.device !== undefined && target.device !== 'cpu') throw new TypeError(`to(): unsupported device '${target.device}'`);
  const out = target.dtype ? toDtype(this, target.dtype) : this;
  return target.copy && out === this ? clone(this) : out;
};
P.type = function (this: Tensor, dtype?: DType) {
  return dtype === undefined ? legacyTypeName(this.dtype) : toDtype(this, dtype);
} as Tensor['type'];
P.float = function (this: Tensor) {
  return toDtype(this, 'float32');
};
P.double = function (this: Tensor) {
  return toDtype(this, 'float64');
};
P.long = function (this: Tensor) {
  return toDtype(this, 'int64');
};
P.int = function (this: Tensor) {
  return toDtype(this, 'int32');
};
P.bool = function (this: Tensor) {
  return toDtype(this, 'bool');
};
P.byte = function (this: Tensor) {
  return toDtype(this, 'uint8');
};
P.cpu = function (this: Tensor) {
  return this;
};
P.copy_ = function (this: Tensor, src: Tensor) {
  return copy_(this, src);
};
P.fill_ = function (this: Tensor, value: number | boolean | Tensor) {
  return fill_(this, value);
};
P.zero_ = function (this: Tensor) {
  return fill_(this, 0);
};
