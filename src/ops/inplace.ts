// In-place ops: compute the new value out of place (recording the graph as usual),
// write it into self's memory, then rebase self's history onto the new node, as
// PyTorch's rebase_history does (CopySlices on the base when self is a view).
import { backend } from '../backend/index.js';
import { canCast, scalarTypeName, type DType, type TypedArray } from '../tensor/dtype.js';
import { isGradEnabled, Node } from '../tensor/graph.js';
import { broadcastShapes, formatShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastTo, castRaw } from './kernels.js';
import { record } from './record.js';
import { asStrided, AsStridedBackward0, geometryOf, layoutOf, zerosLaidOut, type Geometry, type Layout } from './view.js';

export function checkCast(from: DType, to: DType): void {
  if (!canCast(from, to)) {
    throw new TypeError(`result type ${scalarTypeName(from)} can't be cast to the desired output type ${scalarTypeName(to)}`);
  }
}

/** Refuses writes through a tensor where several elements share one memory location. */
export function checkNoInternalOverlap(t: Tensor): void {
  for (let d = 0; d < t.shape.length; d++) {
    if (t.strides[d] === 0 && t.shape[d] > 1) {
      throw new Error(
        'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
      );
    }
  }
}

function checkInplaceAllowed(self: Tensor): void {
  if (!isGradEnabled()) return;
  if (self._requiresGrad && self.gradFn === null) {
    throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const base = self._base;
  if (base !== null && base._requiresGrad && base.gradFn === null) {
    throw new Error('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

/** Writes `value` (broadcast to self's shape, cast to self's dtype) into self's memory. */
export function writeInto(self: Tensor, value: Tensor): void {
  if (!sameShape(value.shape, self.shape)) {
    let ok = false;
    try {
      ok = sameShape(broadcastShapes(self.shape, value.shape), self.shape);
    } catch {
      ok = false;
    }
    if (!ok) throw new RangeError(`output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(broadcastShapes(self.shape, value.shape))}`);
  }
  checkCast(value.dtype, self.dtype);
  backend().copy(broadcastTo(value, self.shape), self);
  self._versionCounter.value++;
}

/** A copy of self's current values that carries self's place in the graph. */
function snapshot(self: Tensor): Tensor {
  const snap = castRaw(self, self.dtype);
  const fn = self.gradFn;
  if (fn !== null) {
    snap._gradFn = fn;
    snap._outputNr = self._outputNr;
  }
  return snap;
}

/** How an op writes its result straight into self's memory when nothing is recorded. */
export interface DirectWrite {
  /** The dtype the op computes in: the direct path needs it to be self's. */
  dtype: DType;
  /** Fills `out` (self's elements, contiguous) with the result. */
  write(out: TypedArray): void;
}

/** Self is contiguous, keeps its shape, and no operand reads self's memory in another layout. */
function canWriteDirectly(self: Tensor, others: readonly (Tensor | null | undefined)[], dtype: DType): boolean {
  if (dtype !== self.dtype || !self.isContiguous()) return false;
  for (const o of others) {
    if (!o) continue;
    if (o.dim() > self.dim() || o.shape.some((size, i) => size !== 1 && size !== self.shape[self.dim() - o.dim() + i])) return false;
    if (o._storage === self._storage && !(o.offset === self.offset && sameShape(o.shape, self.shape) && sameShape(o.strides, self.strides))) return false;
  }
  return true;
}

/**
 * Runs an in-place op: `compute` gets self's value and returns the new value. The
 * new value must broadcast to self's shape and be castable to self's dtype;
 * otherwise nothing is written. When recording, self is copied only if the op's
 * backward saved it (relu_, add_, exp_ … do not). With `direct`, an unrecorded op on
 * a contiguous self writes into self's memory without a temporary (optimizer steps).
 */
export function inplace(
  self: Tensor,
  others: readonly (Tensor | null | undefined)[],
  compute: (self: Tensor) => Tensor,
  direct?: DirectWrite,
): Tensor {
  const recording = isGradEnabled() && (self.requiresGrad || others.some((o) => o?.requiresGrad));
  const noGradBase = self._noGradViewOf;
  if (noGradBase !== null && isGradEnabled() && (recording || noGradBase.requiresGrad)) {
    // The write would reach the base's values but not its history: gradients through the base would be wrong.
    throw new Error(
      "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).",
    );
  }
  checkInplaceAllowed(self);
  checkNoInternalOverlap(self);
  if (!recording && direct && canWriteDirectly(self, others, direct.dtype)) {
    const n = self.numel();
    const buf = self.buffer;
    direct.write(self.offset === 0 && buf.length === n ? buf : buf.subarray(self.offset, self.offset + n));
    self._versionCounter.value++;
    return self;
  }
  const result = compute(self);
  if (recording && result !== self) result.gradFn?.rebindSaved(self, () => snapshot(self));
  writeInto(self, result);
  if (recording) rebaseHistory(self, result);
  return self;
}

/** Makes `result`'s node the history of self (which now holds result's values). */
export function rebaseHistory(self: Tensor, result: Tensor): void {
  const base = self._base;
  if (base === null) {
    const fn = result.gradFn;
    self._gradFn = fn;
    self._outputNr = result._outputNr;
    self._historyEpoch++;
    fn?.rebindSaved(result, self);
    return;
  }
  const node = new CopySlices(base, self);
  record(node, [base, result.requiresGrad ? result : null], [base]);
  base._historyEpoch++;
}

/**
 * The history of a base after an in-place write through one of its views: the
 * gradient of the old base is the incoming gradient with the view's region zeroed,
 * and the written value receives the gradient of that region.
 */
class CopySlices extends Node {
  readonly name = 'CopySlices';
  private readonly base: Layout;
  private readonly view: Geometry;
  constructor(base: Tensor, view: Tensor) {
    super();
    this.base = layoutOf(base);
    this.view = geometryOf(view);
  }
  backward([grad]: (Tensor | null)[]): (Tensor | null)[] {
    const laid = zerosLaidOut(this.base);
    laid.copy_(grad as Tensor);
    const region = asStrided(laid, this.view.shape, this.view.strides, this.view.offset);
    const gradResult = region.clone();
    region.zero_();
    return [laid, gradResult];
  }
}

Tensor._refreshViewHistory = (view: Tensor) => {
  const base = view._base as Tensor;
  view._viewEpoch = base._historyEpoch;
  if (base.requiresGrad) {
    record(new AsStridedBackward0(base, view), [base], [view]);
  } else {
    view._gradFn = null;
    view._outputNr = 0;
  }
};
