// Tensor.storage(): PyTorch 1.13's TypedStorage, the flat memory a tensor and its views share,
// seen as elements of the tensor's dtype: its size, elements by index (reading and writing,
// negative indices from the end, as Python's storage[i]), tolist() and PyTorch's printing.
import { castScalar, int64Of, int64Value, type DType, type TypedArray } from './dtype.js';
import { Device } from './device.js';
import { pyFloat } from './py-float.js';

export class TypedStorage {
  /** The memory (shared with every tensor viewing it) and the dtype its elements are read as. */
  constructor(
    private readonly data: TypedArray,
    readonly dtype: DType,
  ) {}

  get device(): Device {
    return new Device(null);
  }

  /** Elements in the storage (all of it, whatever part a tensor views). */
  size(): number {
    return this.data.length;
  }

  get length(): number {
    return this.data.length;
  }

  private at(i: number): number {
    if (!Number.isInteger(i)) throw new TypeError(`storage index must be an int, not ${typeof i}`);
    const j = i < 0 ? i + this.data.length : i;
    if (j < 0 || j >= this.data.length) throw new RangeError(`index ${i} out of range for storage of size ${this.data.length}`);
    return j;
  }

  /** storage[i] */
  get(i: number): number | bigint | boolean {
    const v = this.data[this.at(i)];
    if (this.dtype === 'bool') return v !== 0;
    if (typeof v === 'bigint') return int64Value(v);
    return v;
  }

  /** storage[i] = value: writes through to every tensor on this storage. */
  set(i: number, value: number | bigint | boolean): void {
    const j = this.at(i);
    const v = typeof value === 'boolean' ? Number(value) : value;
    if (this.data instanceof BigInt64Array) this.data[j] = int64Of(v);
    else this.data[j] = castScalar(Number(v), this.dtype);
  }

  tolist(): (number | bigint | boolean)[] {
    return Array.from({ length: this.data.length }, (_, i) => this.get(i));
  }

  *[Symbol.iterator](): Iterator<number | bigint | boolean> {
    for (let i = 0; i < this.data.length; i++) yield this.get(i);
  }

  /** str(storage): one element a line, then the type, dtype, device and size. */
  toString(): string {
    const str = (v: number | bigint | boolean) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'number' && (this.dtype === 'float32' || this.dtype === 'float64') ? pyFloat(v) : String(v));
    const info = `[torch.storage.TypedStorage(dtype=torch.${this.dtype}, device=cpu) of size ${this.data.length}]`;
    return ` ${this.tolist().map(str).join('\n ')}\n${info}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
