// Reading the PyTorch-generated fixtures (scripts/fixtures/*.py) and comparing against them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../../src/index.js';
import type { DType } from '../../src/index.js';

/**
 * A tensor as the fixture scripts write it: values flattened row-major; NaN/inf as strings;
 * int64 values past 2^53 as decimal strings (JSON numbers would round them).
 */
export interface TensorJson {
  dtype: DType;
  shape: number[];
  data: (number | string | boolean)[];
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8')) as T;
}

function decode(v: number | string | boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

/** An int64 fixture value exactly: a decimal string or a (safe) number. */
function decodeInt64(v: number | string | boolean): bigint {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return BigInt(decode(v));
}

export function fromJson(t: TensorJson, opts: { requiresGrad?: boolean } = {}): torch.Tensor {
  const values = t.dtype === 'int64' ? t.data.map(decodeInt64) : t.data.map(decode);
  const flat = torch.tensor(values.length === 0 ? [] : values, { dtype: t.dtype });
  return flat.reshape(t.shape).clone().requiresGrad_(opts.requiresGrad ?? false);
}

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/** Asserts same shape, dtype and values (NaN equal to NaN, infinities exact). */
export function assertTensor(actual: torch.Tensor, expected: TensorJson, tol: Tolerance = {}, label = ''): void {
  const where = label ? `${label}: ` : '';
  assert.deepEqual(actual.shape, expected.shape, `${where}shape`);
  assert.equal(actual.dtype, expected.dtype, `${where}dtype`);
  if (expected.dtype === 'int64') {
    // int64 compares exactly, every digit (the storage is a BigInt64Array).
    const gotBig = Array.from(actual.toTypedArray() as BigInt64Array);
    const wantBig = expected.data.map(decodeInt64);
    assert.equal(gotBig.length, wantBig.length, `${where}length`);
    for (let i = 0; i < wantBig.length; i++) assert.ok(gotBig[i] === wantBig[i], `${where}element ${i}: got ${gotBig[i]}, expected ${wantBig[i]}`);
    return;
  }
  const got = Array.from(actual.toTypedArray(), Number);
  // float32 values are written with 9 significant digits, which round-trip through fround.
  const want = expected.data.map(decode).map(expected.dtype === 'float32' ? Math.fround : (v: number) => v);
  const exact = expected.dtype !== 'float32' && expected.dtype !== 'float64';
  const rtol = tol.rtol ?? (expected.dtype === 'float64' ? 1e-10 : 1e-5);
  const atol = tol.atol ?? (expected.dtype === 'float64' ? 1e-12 : 1e-6);
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (Number.isNaN(b)) {
      assert.ok(Number.isNaN(a), `${where}element ${i}: expected NaN, got ${a}`);
    } else if (exact) {
      // Integers are held in doubles, where -0 and 0 are the same integer.
      assert.ok(a === b, `${where}element ${i}: got ${a}, expected ${b}`);
    } else if (!Number.isFinite(b)) {
      assert.equal(a, b, `${where}element ${i}`);
    } else {
      assert.ok(Math.abs(a - b) <= atol + rtol * Math.abs(b), `${where}element ${i}: got ${a}, expected ${b} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
