// Copies of object graphs for DataLoader worker threads, as Python's pickle does under
// the spawn start method: classes and functions travel by reference — the URL of the
// module that defines them and their name — and the worker imports them again; an
// instance travels as its class plus a copy of its own fields (Object.create of the
// class's prototype, as pickle's cls.__new__ without __init__); tensors as their data.
// Shared references and cycles are kept. What cannot be rebuilt that way (a closure
// over local variables, a class defined in the program's entry script, private #fields,
// a native handle) makes pickle() throw an Unpicklable error saying why, so the loader
// can load on the main thread instead.
import { realpathSync } from '#platform/fs';
import { fileURLToPath, pathToFileURL } from '#platform/path';
import { Storage, Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { functionUrl, inspectorAvailable, privateNamesOfClass } from './function-location.js';
import { registerTransferableClass } from './transfer.js';
import { mainScript } from '#platform/os';

/** Why a value cannot be copied to a worker thread. */
export class Unpicklable extends Error {
  override name = 'Unpicklable';
}

/** The worker could not rebuild the graph (a module failed to import, a name is not exported). */
export class RebuildError extends Error {
  override name = 'RebuildError';
}

const TAG = '\u0000torchlette.pickle';

/** A class or function, imported again by the worker. */
interface RefNode {
  [TAG]: 'ref';
  url: string;
  name: string;
  source: string;
}
/** [key, value, flags: 1 enumerable, 2 writable, 4 configurable] */
type Prop = [string, unknown, number];
interface InstanceNode {
  [TAG]: 'instance' | 'callable';
  cls: RefNode;
  props: Prop[];
}
interface ObjectNode {
  [TAG]: 'object' | 'null-object';
  props: Record<string, unknown>;
}
interface TensorNode {
  [TAG]: 'tensor';
  storage: { data: ArrayBufferView };
  dtype: DType;
  shape: number[];
  strides: number[];
  offset: number;
  requiresGrad: boolean;
}
interface BufferNode {
  [TAG]: 'buffer';
  data: Uint8Array;
}
type Node = RefNode | InstanceNode | ObjectNode | TensorNode | BufferNode;

export interface Pickled {
  root: unknown;
  /** The module URLs the worker must import before rebuilding. */
  modules: string[];
}

const FUNCTION_PROTOTYPES = new Set<unknown>([
  Function.prototype,
  Object.getPrototypeOf(async function () {}),
  Object.getPrototypeOf(function* () {}),
  Object.getPrototypeOf(async function* () {}),
]);

function isNative(fn: unknown): boolean {
  return typeof fn === 'function' && /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(fn));
}

function isClass(fn: (...args: never[]) => unknown): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

let entry: string | null | undefined;
/** The program's entry script (process.argv[1]) as a file URL: importing it again would rerun the program. */
function entryUrl(): string | null {
  if (entry === undefined) {
    const main = mainScript();
    try {
      entry = main ? pathToFileURL(realpathSync(main)).href : null;
    } catch {
      entry = main ? pathToFileURL(main).href : null;
    }
  }
  return entry;
}

function sameFile(url: string, other: string | null): boolean {
  if (other === null) return false;
  const strip = (u: string) => u.replace(/[?#].*$/, '');
  if (strip(url) === strip(other)) return true;
  try {
    return url.startsWith('file:') && pathToFileURL(realpathSync(fileURLToPath(strip(url)))).href === strip(other);
  } catch {
    return false;
  }
}

function describeFunction(fn: (...args: never[]) => unknown): string {
  const src = Function.prototype.toString.call(fn).replace(/\s+/g, ' ');
  const kind = isClass(fn) ? 'class' : 'function';
  return fn.name ? `${kind} ${fn.name}` : `the anonymous ${kind} \`${src.length > 60 ? `${src.slice(0, 57)}...` : src}\``;
}

function isPrimitive(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol');
}

/** Classes met while pickling, by the key both threads give them: their instances may cross in batches too. */
function transferKey(ref: RefNode): string {
  return `${ref.url}#${ref.name}`;
}

class Pickler {
  private readonly memo = new Map<unknown, unknown>();
  readonly modules = new Set<string>();

  fail(path: string, why: string): never {
    throw new Unpicklable(`${path} ${why}`);
  }

  value(v: unknown, path: string): unknown {
    if (isPrimitive(v)) return v;
    if (typeof v === 'symbol') this.fail(path, 'is a symbol');
    const known = this.memo.get(v);
    if (known !== undefined) return known;
    if (typeof v === 'function') return this.func(v as (...args: never[]) => unknown, path);
    const obj = v as object;
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) {
      // cloned with their aliasing kept; a Node Buffer would arrive as a plain Uint8Array
      if (typeof Buffer !== 'undefined' && Buffer.isBuffer(obj)) {
        const out: BufferNode = { [TAG]: 'buffer', data: new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength) };
        this.memo.set(obj, out);
        return out;
      }
      if (!isNative((proto as { constructor?: unknown } | null)?.constructor)) this.fail(path, `is an instance of ${(obj as object).constructor.name}, a subclass of a typed array that a worker thread would receive as its base class`);
      return obj;
    }
    if (proto === Array.prototype) {
      const arr = obj as unknown[];
      if (arr.every(isPrimitive)) {
        this.memo.set(obj, obj);
        return obj;
      }
      const out: unknown[] = [];
      this.memo.set(obj, out);
      for (let i = 0; i < arr.length; i++) out.push(this.value(arr[i], `${path}[${i}]`));
      return out;
    }
    if (proto === Object.prototype || proto === null) {
      const props: Record<string, unknown> = {};
      const plain = proto === Object.prototype && !Object.prototype.hasOwnProperty.call(obj, TAG);
      const out = plain ? props : ({ [TAG]: proto === null ? 'null-object' : 'object', props } as ObjectNode);
      this.memo.set(obj, out);
      if (Object.getOwnPropertySymbols(obj).length > 0) this.fail(path, 'has symbol-keyed properties');
      for (const [k, x] of Object.entries(obj)) props[k] = this.value(x, `${path}.${k}`);
      return out;
    }
    if (obj instanceof Tensor) return this.tensor(obj, path);
    if (proto === Map.prototype) {
      const out = new Map<unknown, unknown>();
      this.memo.set(obj, out);
      for (const [k, x] of obj as Map<unknown, unknown>) out.set(this.value(k, `${path}.keys()`), this.value(x, `${path}.get(${String(k)})`));
      return out;
    }
    if (proto === Set.prototype) {
      const out = new Set<unknown>();
      this.memo.set(obj, out);
      for (const x of obj as Set<unknown>) out.add(this.value(x, `${path} (an element)`));
      return out;
    }
    if (proto === Date.prototype || proto === RegExp.prototype) return obj;
    return this.instance(obj, proto as object, path, 'instance');
  }

  private tensor(t: Tensor, path: string): TensorNode {
    if (t._gradFn !== null) this.fail(path, 'is a tensor with a grad_fn (detach() it before giving it to a dataset)');
    let storage = this.memo.get(t._storage) as TensorNode['storage'] | undefined;
    if (storage === undefined) {
      storage = { data: t._storage.data };
      this.memo.set(t._storage, storage);
    }
    const out: TensorNode = { [TAG]: 'tensor', storage, dtype: t._dtype, shape: t._shape.slice(), strides: t._strides.slice(), offset: t._offset, requiresGrad: t._requiresGrad };
    this.memo.set(t, out);
    return out;
  }

  private func(fn: (...args: never[]) => unknown, path: string): unknown {
    const proto = Object.getPrototypeOf(fn) as unknown;
    // A function whose prototype is an ordinary object is a callable instance (torchlette's transforms).
    if (!FUNCTION_PROTOTYPES.has(proto) && typeof proto !== 'function' && proto !== null) return this.instance(fn, proto as object, path, 'callable');
    return this.ref(fn, path);
  }

  ref(fn: (...args: never[]) => unknown, path: string): RefNode {
    const known = this.memo.get(fn) as RefNode | undefined;
    if (known !== undefined) return known;
    const what = describeFunction(fn);
    if (isNative(fn)) this.fail(path, `is ${what}, a built-in or bound function that cannot be imported by a worker thread`);
    if (!fn.name) this.fail(path, `is ${what}; a worker thread can only import named functions exported by a module`);
    let url = functionUrl(fn);
    if (url === null) {
      if (!inspectorAvailable()) this.fail(path, `is ${what}, and this Node has no inspector to find the module that defines it`);
      this.fail(path, `is ${what}, which was not defined in a module (eval or REPL) that a worker thread can import`);
    }
    if (url.startsWith('/') || /^[a-z]:[\\/]/i.test(url)) url = pathToFileURL(url).href;
    if (!/^(file|data):/.test(url)) this.fail(path, `is ${what} from ${url}, which a worker thread cannot import`);
    if (sameFile(url, entryUrl())) {
      this.fail(path, `is ${what}, defined in the program's entry script ${url.startsWith('file:') ? fileURLToPath(url) : url}, which a worker thread cannot import without running the program again`);
    }
    this.modules.add(url);
    const out: RefNode = { [TAG]: 'ref', url, name: fn.name, source: Function.prototype.toString.call(fn) };
    this.memo.set(fn, out);
    if (isClass(fn)) registerTransferableClass(transferKey(out), fn as unknown as { prototype: object });
    return out;
  }

  private instance(obj: object, proto: object, path: string, kind: 'instance' | 'callable'): InstanceNode {
    const cls = (proto as { constructor?: unknown }).constructor;
    if (typeof cls !== 'function' || (cls as { prototype?: unknown }).prototype !== proto) this.fail(path, 'is an object whose prototype is not the prototype of a class');
    const name = (cls as { name?: string }).name || 'an anonymous class';
    // An instance of a built-in (or a class extending one, e.g. Map) keeps state no own property shows.
    for (let p: object | null = proto; p !== null && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p) as object | null) {
      const ctor = (p as { constructor?: unknown }).constructor;
      if (isNative(ctor)) {
        const builtin = (ctor as { name: string }).name;
        this.fail(path, `is ${cls === ctor ? `a ${builtin}` : `an instance of ${name}, which extends ${builtin}`}, whose internal state cannot be copied to a worker thread`);
      }
    }
    const priv = privateNamesOfClass(cls as object, obj);
    if (priv.length > 0) this.fail(path, `is an instance of ${name}, which keeps state in private fields (${priv.join(', ')}) that no copy can carry to a worker thread`);
    const node: InstanceNode = { [TAG]: kind, cls: this.ref(cls as (...args: never[]) => unknown, `${path}'s class`), props: [] };
    this.memo.set(obj, node);
    const isFn = typeof obj === 'function';
    for (const key of Reflect.ownKeys(obj)) {
      if (typeof key === 'symbol') this.fail(path, `has a symbol-keyed property ${String(key)}`);
      const d = Object.getOwnPropertyDescriptor(obj, key) as PropertyDescriptor;
      // a callable's own length / name (and a function's prototype) come with the function the worker makes
      if (isFn && (key === 'length' || key === 'name' || key === 'prototype') && !d.enumerable && !d.writable) continue;
      if (d.get || d.set) this.fail(`${path}.${key}`, 'is a getter or setter defined on the instance');
      node.props.push([key, this.value(d.value, `${path}.${key}`), (d.enumerable ? 1 : 0) | (d.writable ? 2 : 0) | (d.configurable ? 4 : 0)]);
    }
    return node;
  }
}

/**
 * The graph of `value` as data a worker can rebuild with unpickle(); throws Unpicklable
 * (its message says which part and why, `path` naming the root) when it cannot be.
 */
export function pickle(value: unknown, path: string): Pickled {
  const p = new Pickler();
  const root = p.value(value, path);
  return { root, modules: [...p.modules] };
}

/** A function or class by reference (for a loader's workerInitFn / collateFn). */
export function pickleFunction(fn: (...args: never[]) => unknown, path: string): Pickled {
  return pickle(fn, path);
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, TAG);
}

/** Finds the export of `ns` that is `ref` (by name; by source when names repeat). */
function resolveRef(ns: Record<string, unknown>, ref: RefNode): (...args: never[]) => unknown {
  const candidates: ((...args: never[]) => unknown)[] = [];
  const scan = (o: unknown) => {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return;
    for (const k of Object.keys(o)) {
      let x: unknown;
      try {
        x = (o as Record<string, unknown>)[k];
      } catch {
        continue;
      }
      if (typeof x === 'function' && x.name === ref.name && !candidates.includes(x as never)) candidates.push(x as (...args: never[]) => unknown);
    }
  };
  scan(ns);
  scan(ns.default); // a CommonJS module's exports
  if (typeof ns.default === 'function' && (ns.default as { name: string }).name === ref.name && !candidates.includes(ns.default as never)) candidates.push(ns.default as (...args: never[]) => unknown);
  const exact = candidates.find((c) => Function.prototype.toString.call(c) === ref.source);
  if (exact) return exact;
  if (candidates.length === 1) return candidates[0];
  const kind = /^class\b/.test(ref.source) ? 'class' : 'function';
  if (candidates.length === 0) throw new RebuildError(`${kind} ${ref.name} is not exported by ${ref.url}, so a worker thread cannot import it`);
  throw new RebuildError(`${ref.url} exports several functions named ${ref.name}`);
}

/** Imports the modules of a pickle (in the worker). */
export async function importModules(modules: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  await Promise.all(
    modules.map(async (url) => {
      try {
        out.set(url, (await import(url)) as Record<string, unknown>);
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        throw new RebuildError(`a worker thread could not import ${url}: ${msg}`);
      }
    }),
  );
  return out;
}

/** Rebuilds a pickled graph; the modules must have been imported with importModules. */
export function unpickle(p: Pickled, modules: Map<string, Record<string, unknown>>): unknown {
  const memo = new Map<unknown, unknown>();

  const ref = (node: RefNode): unknown => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    const ns = modules.get(node.url);
    if (ns === undefined) throw new RebuildError(`module ${node.url} was not imported`);
    const fn = resolveRef(ns, node);
    memo.set(node, fn);
    if (/^class\b/.test(node.source)) registerTransferableClass(transferKey(node), fn as unknown as { prototype: object });
    return fn;
  };

  const fill = (target: object, props: Prop[]) => {
    for (const [key, v, flags] of props) {
      Object.defineProperty(target, key, { value: decode(v), enumerable: (flags & 1) !== 0, writable: (flags & 2) !== 0, configurable: (flags & 4) !== 0 });
    }
  };

  const decode = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return v;
    const known = memo.get(v);
    if (known !== undefined) return known;
    if (Array.isArray(v)) {
      if (v.every(isPrimitive)) return v;
      const out: unknown[] = [];
      memo.set(v, out);
      for (const x of v) out.push(decode(x));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map<unknown, unknown>();
      memo.set(v, out);
      for (const [k, x] of v) out.set(decode(k), decode(x));
      return out;
    }
    if (v instanceof Set) {
      const out = new Set<unknown>();
      memo.set(v, out);
      for (const x of v) out.add(decode(x));
      return out;
    }
    if (v instanceof Date || v instanceof RegExp) return v;
    if (!isNode(v)) {
      const out: Record<string, unknown> = {};
      memo.set(v, out);
      for (const [k, x] of Object.entries(v)) out[k] = decode(x);
      return out;
    }
    switch (v[TAG]) {
      case 'ref':
        return ref(v);
      case 'object':
      case 'null-object': {
        const out: Record<string, unknown> = v[TAG] === 'object' ? {} : Object.create(null);
        memo.set(v, out);
        for (const [k, x] of Object.entries(v.props)) out[k] = decode(x);
        return out;
      }
      case 'buffer': {
        const b = Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);
        memo.set(v, b);
        return b;
      }
      case 'tensor': {
        let storage = memo.get(v.storage) as Storage | undefined;
        if (storage === undefined) {
          storage = new Storage(v.storage.data as Storage['data']);
          memo.set(v.storage, storage);
        }
        const t = new Tensor(storage, v.dtype, v.shape, v.strides, v.offset);
        t._requiresGrad = v.requiresGrad;
        memo.set(v, t);
        return t;
      }
      case 'instance':
      case 'callable': {
        const cls = ref(v.cls) as new (...args: unknown[]) => object;
        let target: object;
        if (v[TAG] === 'instance') target = Object.create(cls.prototype) as object;
        else {
          // A callable instance is made by its root class's constructor (torchlette's Transform
          // returns a function calling this.forward), run with new.target = the class, as
          // pickle's __new__ without __init__; its own fields are then the copied ones.
          let root: unknown = cls;
          while (Object.getPrototypeOf(root) !== Function.prototype) root = Object.getPrototypeOf(root);
          target = Reflect.construct(root as new () => object, [], cls);
          if (typeof target !== 'function') throw new RebuildError(`${cls.name}: its root class ${(root as { name: string }).name} does not make callable instances`);
        }
        memo.set(v, target);
        fill(target, v.props);
        return target;
      }
    }
    return v;
  };

  return decode(p.root);
}
