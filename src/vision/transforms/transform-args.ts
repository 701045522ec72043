// Python's repr of the values transforms print, and torchvision's small argument helpers
// (_setup_size, _check_sequence_input, _setup_angle), shared by the transform classes
// issue 12 added.
import { pyFloat } from '../../nn/repr.js';
import { Tensor } from '../../tensor/tensor.js';
import { getDimensions, type ImageLike } from './functional.js';

export const pyNum = (x: number): string => (Number.isInteger(x) ? String(x) : pyFloat(x));
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  return String(v);
}
export const floats = (v: readonly number[]): string => `[${v.map(pyFloat).join(', ')}]`;
export const tuple = (v: readonly number[]): string => `(${v.map(pyNum).join(', ')})`;

/** _setup_size: a number or [n] becomes (n, n) (repr as a tuple); [h, w] stays as given. */
export function setupSize(size: number | readonly number[], message: string): { size: [number, number]; repr: string } {
  if (typeof size === 'number') return { size: [size, size], repr: tuple([size, size]) };
  if (size.length === 1) return { size: [size[0], size[0]], repr: tuple([size[0], size[0]]) };
  if (size.length !== 2) throw new RangeError(message);
  return { size: [size[0], size[1]], repr: py(size) };
}

/** _check_sequence_input */
export function checkSequence(x: readonly number[], name: string, sizes: readonly number[]): void {
  if (!sizes.includes(x.length)) throw new RangeError(`${name} should be a sequence of length ${sizes.join(' or ')}.`);
}

/** _setup_angle: a number d is [-d, d]; a sequence must have one of `sizes` lengths. */
export function setupAngle(x: number | readonly number[], name: string, sizes: readonly number[]): number[] {
  if (typeof x === 'number') {
    if (x < 0) throw new RangeError(`If ${name} is a single number, it must be positive.`);
    return [-x, x];
  }
  checkSequence(x, name, sizes);
  return x.slice();
}

/** The fill a geometric transform hands a tensor image: one float per channel. */
export function tensorFill(img: ImageLike, fill: number | readonly number[]): number | readonly number[] {
  if (!(img instanceof Tensor)) return fill;
  const [channels] = getDimensions(img);
  return typeof fill === 'number' ? new Array<number>(channels).fill(fill) : fill.slice();
}
