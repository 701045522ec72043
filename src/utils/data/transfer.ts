// Samples and batches cross between worker threads as structured clones; tensors
// (class instances, which a clone would strip) travel as tagged plain data whose
// buffers are transferred rather than copied.
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

const TAG = '__torchlette_tensor__';
const CLASS_TAG = '__torchlette_class__';

/** Classes (other than Tensor) whose instances keep their prototype across threads. */
const classes = new Map<string, { prototype: object }>();

/**
 * Lets instances of `cls` cross worker threads as themselves (their own fields are
 * cloned, the prototype restored). Both threads must register it under the same name,
 * which importing the module that defines the class does.
 */
export function registerTransferableClass(name: string, cls: { prototype: object }): void {
  classes.set(name, cls);
}

function registeredName(value: object): string | null {
  for (const [name, cls] of classes) if (Object.getPrototypeOf(value) === cls.prototype) return name;
  return null;
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
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, transfer);
    const name = registeredName(value);
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
