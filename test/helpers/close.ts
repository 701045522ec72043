import assert from 'node:assert/strict';
import type { Tensor } from '../../src/index.js';

/** Asserts a tensor's values equal `expected` (nested arrays) within a tolerance. */
export function assertClose(actual: Tensor, expected: number[] | number[][] | number, tol = 1e-6): void {
  const want = [expected].flat(4) as number[];
  const got = Array.from(actual.toTypedArray(), Number);
  assert.equal(got.length, want.length, `element count: got ${got.length}, expected ${want.length}`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tol * (1 + Math.abs(want[i])), `element ${i}: got ${g}, expected ${want[i]}`));
}
