// Samples and batches cross between worker threads as structured clones; tensors
// (class instances, which a clone would strip) travel as tagged plain data whose
// buffers are transferred rather than copied. Instances of other classes keep their
// class when both threads know it (registerTransferableClass, or a class the loader
// copied to the workers with the dataset); any other class instance is an error rather
// than a plain object silently losing its methods.
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

const TAG = '__torchlette_tensor__';
const CLASS_TAG = '__torchlette_class__';

/** Classes (other than Tensor) whose instances keep their prototype across threads. */
const classes = new Map<string, { prototype: object }>();
const names = new Map<object, string>();

/**
 * Lets instances of `cls` cross worker threads as themselves (their own fields are
 * cloned, the prototype restored). Both threads must register it under the same name,
 * which importing the module that defines the class does.
 */
export function registerTransferableClass(name: string, cls: { prototype: object }): void {
  classes.set(name, cls);
  if (!names.has(cls.prototype)) names.set(cls.prototype, name);
}

function registeredName(proto: object): string | null {
  return names.get(proto) ?? null;
}

interface EncodedTensor {
  [TAG]: true;
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

export function encode(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value instanceof Tensor) {
    const data = value.toTypedArray(); // a fresh copy, so handing its buffer over is safe
    transfer.push(data.buffer as ArrayBuffer);
    const out: EncodedTensor = { [TAG]: true, dtype: value.dtype, shape: value.shape.slice(), data };
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, transfer));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, encode(v, transfer)]));
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
    const proto = Object.getPrototypeOf(value) as object | null;
    const name = proto === Object.prototype || proto === null ? null : registeredName(proto);
    if (name === null && proto !== Object.prototype && proto !== null && !(value instanceof Date) && !(value instanceof RegExp) && !(value instanceof Set)) {
      const cls = (value as { constructor?: { name?: string } }).constructor?.name ?? 'an unknown class';
      throw new TypeError(
        `a DataLoader worker cannot send an instance of ${cls} to the main thread: a copy would lose its class. ` +
          `Call registerTransferableClass('${cls}', ${cls}) in the module that defines ${cls} (both threads import it), or return tensors, numbers, strings, arrays and plain objects`,
      );
    }
    if (value instanceof Date || value instanceof RegExp || value instanceof Set) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, transfer);
    if (name !== null) out[CLASS_TAG] = name;
    return out;
  }
  return value;
}

export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, decode(v)]));
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    if ((value as Partial<EncodedTensor>)[TAG] === true) {
      const t = value as EncodedTensor;
      return Tensor.fromData(t.data, t.dtype, t.shape);
    }
    const name = (value as Record<string, unknown>)[CLASS_TAG];
    const cls = typeof name === 'string' ? classes.get(name) : undefined;
    const out: Record<string, unknown> = cls ? Object.create(cls.prototype) : {};
    for (const [k, v] of Object.entries(value)) if (k !== CLASS_TAG) out[k] = decode(v);
    return out;
  }
  return value;
}
