// Native vs JS: reductions, variance, cumsum/cumprod, softmax and its gradient on
// random strided views. Integer results and max/min/arg* are exact; float sums
// differ only by summation order (float32 sums run in float32 lanes natively).
import { describe, test } from 'node:test';
import type { ReduceOp } from '../../src/backend/backend.js';
import type { DType } from '../../src/backend/dtype.js';
import {
  assertArraysClose, describeView, EXACT, FLOATS, int, js, native, numel, outFor, randomShape, randomView, rng,
  skipNative, type Rand, type Tol,
} from './helpers.js';

/** A random sorted subset of [0, nd) (possibly all dims). */
function randomDims(r: Rand, nd: number): number[] {
  const dims = [...Array(nd).keys()].filter(() => r() < 0.5);
  return dims.length === 0 && nd > 0 && r() < 0.5 ? [...Array(nd).keys()] : dims;
}

function reducedShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.filter((_, d) => !dims.includes(d));
}

/** The output dtype the ops layer gives each reduction. */
function outDtype(op: ReduceOp, dtype: DType): DType {
  if (op === 'argmax' || op === 'argmin') return 'int64';
  if (op === 'all' || op === 'any') return 'bool';
  if ((op === 'sum' || op === 'prod') && dtype !== 'float32' && dtype !== 'float64') return 'int64';
  return dtype;
}

function sumTol(dtype: DType, count: number): Tol {
  if (dtype === 'float32') return { rtol: 2e-6 * Math.sqrt(count + 1), atol: 2e-6 * Math.sqrt(count + 1) };
  if (dtype === 'float64') return { rtol: 1e-13, atol: 1e-13 };
  return EXACT;
}

describe('reduction kernels: native vs JS', { skip: skipNative }, () => {
  test('reduce: every op and dtype over random dim subsets', () => {
    const r = rng(11);
    const ops: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin', 'all', 'any'];
    for (const op of ops) {
      for (const dtype of ['float32', 'float64', 'int64', 'int32', 'uint8', 'bool'] as DType[]) {
        if ((op === 'prod' || op === 'sum') && dtype === 'bool') continue;
        for (let trial = 0; trial < 25; trial++) {
          const shape = randomShape(r, 4, 9);
          let dims = randomDims(r, shape.length);
          if (op === 'argmax' || op === 'argmin') dims = shape.length === 0 ? [] : [int(r, 0, shape.length - 1)];
          const x = randomView(r, dtype, shape, { broadcast: 0.15, specials: op !== 'prod' && trial % 5 === 0, range: op === 'prod' ? 1.5 : 3 });
          const od = outDtype(op, dtype);
          const oshape = reducedShape(shape, dims);
          const a = outFor(od, oshape), b = outFor(od, oshape);
          native!.reduce(op, x, dims, a);
          js.reduce(op, x, dims, b);
          const count = numel(shape) / Math.max(1, numel(oshape));
          const tol = op === 'sum' ? sumTol(dtype, count) : op === 'prod' ? sumTol(dtype === 'float32' ? 'float32' : dtype, count) : EXACT;
          assertArraysClose(a, b, tol, `${op} over [${dims}] of ${describeView(x)}`);
        }
      }
    }
  });

  test('reduce: large tensors (vertical rows, thread splits, one output)', () => {
    const r = rng(12);
    for (const [shape, dims] of [
      [[1000, 301], [0]], [[301, 1000], [1]], [[64, 517, 9], [0, 2]], [[200000], [0]], [[3, 70001], [0, 1]], [[129, 3, 257], [1]],
    ] as [number[], number[]][]) {
      for (const dtype of FLOATS) {
        const x = randomView(r, dtype, shape, { strided: 0.3 });
        const oshape = reducedShape(shape, dims);
        for (const op of ['sum', 'max', 'min', 'any'] as ReduceOp[]) {
          const od = outDtype(op, dtype);
          const a = outFor(od, oshape), b = outFor(od, oshape);
          native!.reduce(op, x, dims, a);
          js.reduce(op, x, dims, b);
          const count = numel(shape) / Math.max(1, numel(oshape));
          assertArraysClose(a, b, op === 'sum' ? sumTol(dtype, count) : EXACT, `${op} over [${dims}] of ${describeView(x)}`);
        }
      }
    }
  });

  test('variance: corrections 0 and 1, strided views', () => {
    const r = rng(13);
    for (const dtype of ['float32', 'float64', 'int64'] as DType[]) {
      for (let trial = 0; trial < 40; trial++) {
        const shape = randomShape(r, 4, 9);
        const dims = randomDims(r, shape.length);
        const x = randomView(r, dtype, shape, { broadcast: 0.1 });
        const od = dtype === 'int64' ? 'float64' : dtype;
        const oshape = reducedShape(shape, dims);
        for (const correction of [0, 1]) {
          const a = outFor(od, oshape), b = outFor(od, oshape);
          native!.variance(x, dims, correction, a);
          js.variance(x, dims, correction, b);
          assertArraysClose(a, b, od === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-10, atol: 1e-12 }, `var(${correction}) over [${dims}] of ${describeView(x)}`);
        }
      }
    }
  });

  test('cumsum / cumprod: exact (same double accumulation order)', () => {
    const r = rng(14);
    for (const dtype of ['float32', 'float64', 'int64', 'int32', 'uint8'] as DType[]) {
      for (let trial = 0; trial < 20; trial++) {
        // 0-d inputs are left out: the JS kernels write nothing for them (see the report).
        const shape = [int(r, 1, 8), ...randomShape(r, 3, 8)];
        const dim = int(r, 0, shape.length - 1);
        const x = randomView(r, dtype, shape, { broadcast: 0.1, range: 1.5 });
        const od = dtype === 'float32' || dtype === 'float64' ? dtype : 'int64';
        for (const op of ['cumsum', 'cumprod'] as const) {
          const a = outFor(od, shape), b = outFor(od, shape);
          native!.cumulative(op, x, dim, a);
          js.cumulative(op, x, dim, b);
          assertArraysClose(a, b, EXACT, `${op} dim ${dim} of ${describeView(x)}`);
        }
      }
    }
  });

  test('softmax / log-softmax and their gradients, any dim', () => {
    const r = rng(15);
    for (const dtype of FLOATS) {
      for (let trial = 0; trial < 40; trial++) {
        const shape = [int(r, 1, 9), ...randomShape(r, 3, 9)];
        const dim = int(r, 0, shape.length - 1);
        const x = randomView(r, dtype, shape, { specials: trial % 8 === 0, range: 8 });
        const tol: Tol = dtype === 'float32' ? { rtol: 2e-6, atol: 1e-6 } : { rtol: 1e-13, atol: 1e-14 };
        for (const log of [false, true]) {
          const a = outFor(dtype, shape), b = outFor(dtype, shape);
          native!.softmax(x, dim, log, a);
          js.softmax(x, dim, log, b);
          assertArraysClose(a, b, tol, `softmax(log ${log}) dim ${dim} of ${describeView(x)}`);
          const y = { buffer: b, dtype, shape, strides: shape.map((_, d) => numel(shape.slice(d + 1))), offset: 0 };
          const g = randomView(r, dtype, shape);
          const c = outFor(dtype, shape), e = outFor(dtype, shape);
          native!.softmaxBackward(g, y, dim, log, c);
          js.softmaxBackward(g, y, dim, log, e);
          assertArraysClose(c, e, dtype === 'float32' ? { rtol: 1e-5, atol: 2e-6 } : tol, `softmaxBackward(log ${log}) dim ${dim}`);
        }
      }
    }
  });
});
