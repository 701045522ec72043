// Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode.
//
// The ordering itself runs in JS, one row (a line along `dim`) at a time over a typed
// array, as PyTorch's CPU kernels do; the values then move through the gather kernel
// and gradients through scatter. Where equal keys leave the order open, the indices are
// PyTorch's CPU ones: sort(stable=False), topk and mode reproduce libstdc++'s std::sort /
// std::nth_element / std::partial_sort (std-algorithms.ts), kthvalue ATen's
// quick_select_template, median(dim) the first index in (value, index) order; stable=True
// keeps equal elements in input order. NaN sorts as the largest value (numpy's order).
import { bool, checkTensor, int, nullable, signature, type ArgsOf } from '../tensor/args.js';
import { Node } from '../tensor/graph.js';
import { normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { needsGrad, record } from './record.js';
import { fromRows, gatherAlong, rowsOf, ValueSelectingBackward } from './rows.js';
import { ValuesIndices } from './reduce.js';
import { quickSelect, stdNthElement, stdPartialSort, stdSort } from './std-algorithms.js';
import { orderKeysOf } from './order-keys.js';

type Grad = Tensor | null;

/** Comparators as ATen writes them: NaN is the largest value. */
const isNan = (v: number) => v !== v;
const ascLess = (a: number, b: number) => a < b || (!isNan(a) && isNan(b));
const descLess = (a: number, b: number) => a > b || (isNan(a) && !isNan(b));

/** Values and indices of a selection along d, with its node. */
function selected(x: Tensor, d: number, indices: Tensor, node: string, keepdim: boolean): ValuesIndices {
  const values = gatherAlong(x, d, indices);
  let vals = values;
  let idx = indices;
  if (!keepdim && x.dim() > 0) {
    vals = new Tensor(values._storage, values.dtype, values.shape.filter((_, i) => i !== d));
    idx = new Tensor(indices._storage, indices.dtype, indices.shape.filter((_, i) => i !== d));
  }
  if (needsGrad(x)) record(new ValueSelectingBackward(node, x.shape.slice(), d, keepdim), [x], [vals]).save(idx);
  // The op's name from its node's (SortBackward0 -> sort, NanmedianBackward1 -> nanmedian).
  return new ValuesIndices(vals, idx, node.replace(/Backward\d$/, '').toLowerCase());
}

function checkSortable(op: string, x: Tensor): void {
  checkTensor(op, 'input', 1, x);
}

// --- sort / argsort / msort ---

const sortArgs = signature('sort', [['dim', int, -1], ['descending', bool, false], '*', ['stable', bool, false]] as const);
const argsortArgs = signature('argsort', [['dim', int, -1], ['descending', bool, false], '*', ['stable', bool, false]] as const);

function sortIndices(x: Tensor, d: number, descending: boolean, stable: boolean): Tensor {
  const { data, n, count, outer } = rowsOf(x, d);
  const out = new Float64Array(count * n);
  const perm = new Int32Array(n);
  let base = 0;
  // ATen's comparators on (value, index) pairs, NaN largest; written out so V8 inlines them.
  const less = descending
    ? (i: number, j: number) => {
        const a = data[base + i], b = data[base + j];
        return a > b || (a !== a && b === b);
      }
    : (i: number, j: number) => {
        const a = data[base + i], b = data[base + j];
        return a < b || (b !== b && a === a);
      };
  const stableCmp = (i: number, j: number) => (less(i, j) ? -1 : less(j, i) ? 1 : i - j);
  for (let r = 0; r < count; r++) {
    base = r * n;
    for (let i = 0; i < n; i++) perm[i] = i;
    if (stable) perm.sort(stableCmp);
    else stdSort(perm, 0, n, less);
    out.set(perm, base);
  }
  return fromRows(out, outer, n, d, x.dim());
}

function sortImpl(x: Tensor, dim: number, descending: boolean, stable: boolean): ValuesIndices {
  const d = normalizeDim(dim, x.dim());
  return selected(x, d, sortIndices(x, d, descending, stable), stable ? 'SortBackward1' : 'SortBackward0', true);
}

/** torch.sort: values and indices along dim (ascending; NaN last). */
export function sort(input: Tensor, ...args: ArgsOf<typeof sortArgs>): ValuesIndices {
  checkSortable('sort', input);
  const a = sortArgs.parse(args);
  return sortImpl(input, a.dim, a.descending, a.stable);
}

export function argsort(input: Tensor, ...args: ArgsOf<typeof argsortArgs>): Tensor {
  checkSortable('argsort', input);
  const a = argsortArgs.parse(args);
  return sortIndices(input, normalizeDim(a.dim, input.dim()), a.descending, a.stable);
}

/** torch.msort: sort along dim 0 (values only). */
export function msort(input: Tensor): Tensor {
  checkSortable('msort', input);
  return sortImpl(input, 0, false, false).values;
}

// --- topk ---

const topkArgs = signature('topk', [['k', int], ['dim', int, -1], ['largest', bool, true], ['sorted', bool, true]] as const);

export function topk(input: Tensor, ...args: ArgsOf<typeof topkArgs>): ValuesIndices {
  checkSortable('topk', input);
  const a = topkArgs.parse(args);
  const d = normalizeDim(a.dim, input.dim());
  const k = a.k;
  const size = input.dim() === 0 ? 1 : input.shape[d];
  if (k < 0 || k > size) throw new RangeError('selected index k out of range');
  if (input.dtype === 'bool') throw new TypeError('"topk_cpu" not implemented for \'Bool\'');
  const { data, n, count, outer } = rowsOf(input, d);
  const out = new Float64Array(count * k);
  const queue = new Float64Array(n);
  let base = 0;
  const key = a.largest ? descLess : ascLess;
  const less = (i: number, j: number) => key(data[base + i], data[base + j]);
  const partial = k * 64 <= n;
  for (let r = 0; r < count && k > 0; r++) {
    base = r * n;
    for (let i = 0; i < n; i++) queue[i] = i;
    if (partial) {
      stdPartialSort(queue, 0, k, n, less);
    } else {
      stdNthElement(queue, 0, k - 1, n, less);
      if (a.sorted) stdSort(queue, 0, k - 1, less);
    }
    out.set(queue.subarray(0, k), r * k);
  }
  return selected(input, d, fromRows(out, outer, k, d, input.dim()), 'TopkBackward0', true);
}

// --- kthvalue ---

const kthvalueArgs = signature('kthvalue', [['k', int], ['dim', int, -1], ['keepdim', bool, false]] as const);

const gtOrNan = (x: number, y: number) => (isNan(x) && !isNan(y)) || x > y;

export function kthvalue(input: Tensor, ...args: ArgsOf<typeof kthvalueArgs>): ValuesIndices {
  checkSortable('kthvalue', input);
  const a = kthvalueArgs.parse(args);
  const d = normalizeDim(a.dim, input.dim());
  const size = input.dim() === 0 ? 1 : input.shape[d];
  if (input.dim() > 0 && size === 0) throw new RangeError(`kthvalue(): Expected reduction dim ${d} to have non-zero size.`);
  if (a.k < 1 || a.k > size) throw new RangeError('kthvalue(): selected number k out of range');
  const { data, n, count, outer } = rowsOf(input, d);
  const out = new Float64Array(count);
  const vals = new Float64Array(n);
  const idx = new Float64Array(n);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < n; i++) {
      vals[i] = data[r * n + i];
      idx[i] = i;
    }
    quickSelect(vals, idx, n, a.k - 1, gtOrNan);
    out[r] = idx[a.k - 1];
  }
  return selected(input, d, fromRows(out, outer, 1, d, input.dim()), 'KthvalueBackward0', a.keepdim);
}

// --- median / nanmedian ---

/** The gradient of a global reduction to one value: spread evenly over the elements equal to it. */
class EvenlyDistributeBackward extends Node {
  constructor(readonly name: string) {
    super();
  }
  backward([g]: Grad[]): Grad[] {
    const [x, result] = this.saved();
    const mask = result.isnan().item() !== 0 ? x.isnan() : x.eq(result);
    return [mask.mul((g as Tensor).div(mask.sum()))];
  }
}

function medianAll(x: Tensor, ignoreNan: boolean): Tensor {
  const op = ignoreNan ? 'nanmedian' : 'median';
  if (x.numel() === 0) throw new RangeError(`${op}() input tensor cannot be empty`);
  // Exact keys (int64 past 2^53 ranks); the result is the element itself, found by its key.
  const keys = orderKeysOf(x.toTypedArray());
  const values = Float64Array.from(keys);
  let nans = 0;
  for (const v of values) if (isNan(v)) nans++;
  let result: number;
  if (!ignoreNan && nans > 0) result = NaN;
  else {
    const k = Math.trunc((values.length - nans - 1) / 2);
    values.sort((a, b) => (isNan(a) ? (isNan(b) ? 0 : 1) : isNan(b) ? -1 : a - b));
    result = values[k];
  }
  let at = 0;
  while (!(keys[at] === result || (isNan(result) && isNan(keys[at])))) at++;
  const typed = x.detach().reshape(-1).narrow(0, at, 1).reshape([]).clone();
  if (needsGrad(x)) record(new EvenlyDistributeBackward(ignoreNan ? 'NanmedianBackward0' : 'MedianBackward0'), [x], [typed]).save(x, typed);
  return typed;
}

function medianDim(x: Tensor, dim: number, keepdim: boolean, ignoreNan: boolean): ValuesIndices {
  const op = ignoreNan ? 'nanmedian' : 'median';
  const d = normalizeDim(dim, x.dim());
  if (x.dim() > 0 && x.shape[d] === 0) throw new RangeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const { data, n, count, outer } = rowsOf(x, d);
  const out = new Float64Array(count);
  const idx = new Float64Array(n);
  let base = 0;
  const less = ignoreNan
    ? (i: number, j: number) => {
        const a = data[base + i], b = data[base + j];
        return a < b || (a === b && i < j) || (isNan(b) && !isNan(a));
      }
    : (i: number, j: number) => {
        const a = data[base + i], b = data[base + j];
        return a < b || (a === b && i < j);
      };
  for (let r = 0; r < count; r++) {
    base = r * n;
    let firstNan = -1;
    let nans = 0;
    for (let i = 0; i < n; i++) {
      if (isNan(data[base + i])) {
        if (firstNan < 0) firstNan = i;
        nans++;
      }
    }
    if (!ignoreNan && firstNan >= 0) {
      out[r] = firstNan;
      continue;
    }
    for (let i = 0; i < n; i++) idx[i] = i;
    const k = Math.trunc((n - (ignoreNan ? nans : 0) - 1) / 2);
    stdNthElement(idx, 0, k, n, less);
    out[r] = idx[k];
  }
  return selected(x, d, fromRows(out, outer, 1, d, x.dim()), ignoreNan ? 'NanmedianBackward1' : 'MedianBackward1', keepdim);
}

const medianArgs = signature('median', [['dim', nullable(int), null], ['keepdim', bool, false]] as const);
const nanmedianArgs = signature('nanmedian', [['dim', nullable(int), null], ['keepdim', bool, false]] as const);

/** The median's overloads: median() (the lower median of all elements) and median(dim, keepdim) → values, indices. */
export interface MedianFn {
  (input: Tensor): Tensor;
  (input: Tensor, dim: number, keepdim?: boolean, opts?: { keepdim?: boolean }): ValuesIndices;
  (input: Tensor, dim: number, opts: { keepdim?: boolean }): ValuesIndices;
  (input: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
}

function medianOf(name: 'median' | 'nanmedian', sig: typeof medianArgs, input: Tensor, args: unknown[]): Tensor | ValuesIndices {
  checkSortable(name, input);
  const a = sig.parse(args);
  if (a.dim === null) return medianAll(input, name === 'nanmedian');
  return medianDim(input, a.dim, a.keepdim, name === 'nanmedian');
}

export const median = ((input: Tensor, ...args: unknown[]) => medianOf('median', medianArgs, input, args)) as MedianFn;
export const nanmedian = ((input: Tensor, ...args: unknown[]) => medianOf('nanmedian', nanmedianArgs, input, args)) as MedianFn;

// --- mode ---

const modeArgs = signature('mode', [['dim', int, -1], ['keepdim', bool, false]] as const);

export function mode(input: Tensor, ...args: ArgsOf<typeof modeArgs>): ValuesIndices {
  checkSortable('mode', input);
  const a = modeArgs.parse(args);
  const d = normalizeDim(a.dim, input.dim());
  if (input.dim() > 0 && input.shape[d] === 0) throw new RangeError(`mode(): Expected reduction dim ${d} to have non-zero size.`);
  const { data, n, count, outer } = rowsOf(input, d);
  const out = new Float64Array(count);
  const perm = new Float64Array(n);
  let base = 0;
  const less = (i: number, j: number) => data[base + i] < data[base + j];
  for (let r = 0; r < count; r++) {
    base = r * n;
    for (let i = 0; i < n; i++) perm[i] = i;
    stdSort(perm, 0, n, less);
    // The most frequent value (the smallest among equally frequent ones), at the last index of its run.
    let best = 0;
    let bestIndex = 0;
    let run = 0;
    for (let i = 0; i < n; i++) {
      run++;
      if (i === n - 1 || data[base + perm[i]] !== data[base + perm[i + 1]]) {
        if (run > best) {
          best = run;
          bestIndex = perm[i];
        }
        run = 0;
      }
    }
    out[r] = bestIndex;
  }
  return selected(input, d, fromRows(out, outer, 1, d, input.dim()), 'ModeBackward0', a.keepdim);
}

// --- methods ---

declare module '../tensor/tensor.js' {
  interface Tensor {
    sort(...args: ArgsOf<typeof sortArgs>): ValuesIndices;
    argsort(...args: ArgsOf<typeof argsortArgs>): Tensor;
    msort(): Tensor;
    topk(...args: ArgsOf<typeof topkArgs>): ValuesIndices;
    kthvalue(...args: ArgsOf<typeof kthvalueArgs>): ValuesIndices;
    median(): Tensor;
    median(dim: number, keepdim?: boolean, opts?: { keepdim?: boolean }): ValuesIndices;
    median(dim: number, opts: { keepdim?: boolean }): ValuesIndices;
    median(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
    nanmedian(): Tensor;
    nanmedian(dim: number, keepdim?: boolean, opts?: { keepdim?: boolean }): ValuesIndices;
    nanmedian(dim: number, opts: { keepdim?: boolean }): ValuesIndices;
    nanmedian(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
    mode(...args: ArgsOf<typeof modeArgs>): ValuesIndices;
  }
}

const P = Tensor.prototype as unknown as Record<string, unknown>;
P.sort = function (this: Tensor, ...args: ArgsOf<typeof sortArgs>) {
  return sort(this, ...args);
};
P.argsort = function (this: Tensor, ...args: ArgsOf<typeof argsortArgs>) {
  return argsort(this, ...args);
};
P.msort = function (this: Tensor) {
  return msort(this);
};
P.topk = function (this: Tensor, ...args: ArgsOf<typeof topkArgs>) {
  return topk(this, ...args);
};
P.kthvalue = function (this: Tensor, ...args: ArgsOf<typeof kthvalueArgs>) {
  return kthvalue(this, ...args);
};
P.median = function (this: Tensor, ...args: unknown[]) {
  return medianOf('median', medianArgs, this, args);
};
P.nanmedian = function (this: Tensor, ...args: unknown[]) {
  return medianOf('nanmedian', nanmedianArgs, this, args);
};
P.mode = function (this: Tensor, ...args: ArgsOf<typeof modeArgs>) {
  return mode(this, ...args);
};
