// Python's str/repr of the values modules print in extraRepr.

export { pyFloat } from '../tensor/py-float.js';
import { pyFloat } from '../tensor/py-float.js';

/** str() of a Python value a module printed: bool, int, float, tuple, None. */
export function pyValue(v: unknown, isFloat = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return isFloat ? pyFloat(v) : String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyValue(v[0], isFloat)},)` : `(${v.map((e) => pyValue(e, isFloat)).join(', ')})`;
  return String(v);
}
