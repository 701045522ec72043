// Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict: their items live in
// one ordered map (PyTorch's _modules, or _parameters for the parameter containers), so
// addModule / registerModule / registerParameter / append / insert / update all land in
// the same place and show up in forward, parameters(), the state dict and the repr.
// Every item is also readable as a property (`seq[0]`, `dict.proj`), as Python's
// getattr(module, name).
import { check, pyTypeName, signature, nullable, type ArgsOf, type Check } from '../../tensor/args.js';
import { Tensor } from '../../tensor/tensor.js';
import { KeyError, Module, typename, type Registered } from '../module.js';
import { Parameter } from '../parameter.js';

const iterable: Check<Iterable<unknown>> = check('an iterable', (v) => v !== null && typeof v === 'object' && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function');
/** What ModuleDict / ParameterDict take: a plain object, a Map, another dict, or [key, value] pairs. */
export type Mapping<V> = Record<string, V> | Map<string, V> | Iterable<readonly [string, V]>;
/** A mapping (a plain object, a Map, a ModuleDict / ParameterDict) or an iterable of [key, value] pairs. */
function mapping<V>(): Check<Mapping<V>> {
  return check('an object, a Map or an iterable of [key, value] pairs', (v) => v !== null && typeof v === 'object' && !(v instanceof Tensor), true);
}

/** The index as Python's operator.index + range check: negative counts from the end. */
function absIndex(index: unknown, length: number): number {
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`'${pyTypeName(index)}' object cannot be interpreted as an integer`);
  if (index < -length || index >= length) throw new RangeError(`index ${index} is out of range`);
  return index < 0 ? index + length : index;
}

/** Python's slice start/stop for a sequence of `length` (negative counts from the end, clamped). */
function sliceRange(length: number, start?: number, end?: number): [number, number] {
  const clamp = (i: number | undefined, fallback: number) => (i === undefined ? fallback : Math.min(Math.max(i < 0 ? i + length : i, 0), length));
  return [clamp(start, 0), clamp(end, length)];
}

/** The mapping's [key, value] pairs in the order PyTorch reads them. */
function pairsOf(where: string, values: object, sortPlain: boolean): [unknown, unknown][] {
  if (values instanceof Map) return [...values.entries()];
  if (values instanceof ModuleDict || values instanceof ParameterDict) return [...values.items()];
  if (typeof (values as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    const entries = Object.entries(values);
    // Python's dict is a Mapping: ParameterDict.update sorts its items, ModuleDict keeps their order.
    return sortPlain ? entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
  }
  const pairs: [unknown, unknown][] = [];
  let j = 0;
  for (const p of values as Iterable<unknown>) {
    if (p === null || typeof p !== 'object' || typeof (p as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`${where} update sequence element #${j} should be Iterable; is${pyTypeName(p)}`);
    }
    const pair = [...(p as Iterable<unknown>)];
    if (pair.length !== 2) throw new RangeError(`${where} update sequence element #${j} has length ${pair.length}; 2 is required`);
    pairs.push([pair[0], pair[1]]);
    j++;
  }
  return pairs;
}

/**
 * A module whose items (PyTorch's _modules, or _parameters) are kept in one ordered map
 * and exposed as properties. Fields assigned otherwise (registerBuffer, …) stay fields.
 */
abstract class Container extends Module {
  /** @internal The items in order. */
  protected _items = new Map<string, unknown>();

  constructor() {
    super();
    Object.defineProperty(this, '_items', { enumerable: false });
  }

  /** What a None item is: a module slot (module containers) or a parameter slot. */
  protected abstract readonly itemKind: Registered;

  /** Which registrations go to the items: every module, or (parameter containers) the names already there. */
  protected abstract ownsItem(kind: Registered, name: string): boolean;

  protected override entries(): [string, unknown][] {
    return [...this._items.entries(), ...super.entries()];
  }

  protected override registeredAs(name: string): Registered | null {
    if (!this._items.has(name)) return super.registeredAs(name);
    const v = this._items.get(name);
    if (v instanceof Parameter) return 'parameter';
    if (v instanceof Module) return 'module';
    return v === null ? this.itemKind : null;
  }

  protected override store(kind: Registered, name: string, value: unknown): void {
    if (kind !== 'buffer' && this.ownsItem(kind, name)) this.setItem(name, value);
    else super.store(kind, name, value);
  }

  protected override isModuleSlot(name: string): boolean {
    return (this.itemKind === 'module' && this._items.has(name) && this._items.get(name) === null) || super.isModuleSlot(name);
  }

  /** Sets an item (already checked) and makes it readable as a property. */
  protected setItem(name: string, value: unknown): void {
    if (!this._items.has(name)) {
      Object.defineProperty(this, name, {
        get(this: Container) {
          return this._items.get(name);
        },
        set(this: Container, v: unknown) {
          this.assignItem(name, v);
        },
        enumerable: false,
        configurable: true,
      });
    }
    this._items.set(name, value);
  }

  /** `container[name] = value` (Python's __setitem__ / setattr for an item). */
  protected abstract assignItem(name: string, value: unknown): void;

  /** Replaces all items (after a deletion renumbers them). */
  protected resetItems(entries: [string, unknown][]): void {
    for (const name of this._items.keys()) delete (this as unknown as Record<string, unknown>)[name];
    this._items.clear();
    for (const [name, value] of entries) this.setItem(name, value);
  }

  protected deleteItem(name: string): void {
    delete (this as unknown as Record<string, unknown>)[name];
    this._items.delete(name);
  }

  get length(): number {
    return this._items.size;
  }
}

/** A container of modules: every addModule lands in the items. */
abstract class ModuleContainer extends Container {
  protected get itemKind(): Registered {
    return 'module';
  }

  protected ownsItem(kind: Registered): boolean {
    return kind === 'module';
  }

  protected assignItem(name: string, value: unknown): void {
    if (value !== null && !(value instanceof Module)) throw new TypeError(`cannot assign '${typename(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    this._items.set(name, value);
  }
}

/** Sequential and ModuleList: modules by position (their names are '0', '1', … unless given). */
abstract class ModuleSequence extends ModuleContainer {
  readonly [index: number]: Module;

  /** The module at position `index` (negative counts from the end); Python's `seq[index]`. */
  get(index: number): Module {
    return [...this._items.values()][absIndex(index, this._items.size)] as Module;
  }

  /** Same as get(index), under Array's name for it: `layers.at(-1)` is Python's `layers[-1]`. */
  at(index: number): Module {
    return this.get(index);
  }

  /** Replaces the module at position `index` (Python's `seq[index] = module`). */
  set(index: number, module: Module): void {
    this.assignItem([...this._items.keys()][absIndex(index, this._items.size)], module);
  }

  /** The modules in order. */
  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._items.values()) if (m !== null) yield m as Module;
  }

  /** Appends `module` under the name String(length). */
  append(module: Module): this {
    this.addModule(String(this._items.size), module);
    return this;
  }

  /** Removes and returns the module at `index`; the remaining ones are renumbered '0', '1', … */
  pop(index: number): Module {
    const keys = [...this._items.keys()];
    const key = keys[absIndex(index, keys.length)];
    const module = this._items.get(key) as Module;
    this.deleteItem(key);
    this.resetItems([...this._items.values()].map((m, i) => [String(i), m]));
    return module;
  }
}

/** Runs its modules in order: `new Sequential(a, b, c)`, or named `new Sequential({ conv: a, relu: b })` (Python's OrderedDict; a Map works too). */
export class Sequential extends ModuleSequence {
  constructor(...args: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    const [first] = args as unknown[];
    if (args.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module) && !(first instanceof Tensor)) {
      for (const [key, module] of pairsOf('Sequential', first, false)) this.addModule(key as string, module as Module);
    } else {
      args.forEach((m, i) => this.addModule(String(i), m as Module));
    }
  }

  override forward(input: Tensor, ...extra: never[]): Tensor {
    // One input, as PyTorch's: extra arguments (an LSTM's hidden state, say) are an error, not dropped.
    if (arguments.length !== 1) {
      throw new TypeError(arguments.length === 0 ? "Sequential.forward() missing 1 required positional argument: 'input'" : `Sequential.forward() takes 2 positional arguments but ${extra.length + 2} were given`);
    }
    let x: unknown = input;
    for (const m of this) x = m.forward(x);
    return x as Tensor;
  }

  /** seq[start:end] as a new Sequential of the same modules, keeping their names. */
  slice(start?: number, end?: number): Sequential {
    const [from, to] = sliceRange(this._items.size, start, end);
    return new Sequential(new Map([...this._items.entries()].slice(from, to) as [string, Module][]));
  }

  /** Inserts `module` at `index` (-length <= index <= length), shifting the following ones. */
  insert(index: number, module: Module): this {
    if (!(module instanceof Module)) throw new TypeError(`module should be of type: <class 'torch.nn.modules.module.Module'>`);
    const n = this._items.size;
    if (!Number.isInteger(index) || index < -n || index > n) throw new RangeError(`Index out of range: ${index}`);
    const at = index < 0 ? index + n : index;
    for (let i = n; i > at; i--) this.setItem(String(i), this._items.get(String(i - 1)));
    this.setItem(String(at), module);
    return this;
  }

  /** Appends each module of `sequential` (any iterable of modules). */
  extend(sequential: Iterable<Module>): this {
    if (sequential === null || typeof (sequential as Iterable<Module>)?.[Symbol.iterator] !== 'function') throw new TypeError(`'${pyTypeName(sequential)}' object is not iterable`);
    for (const layer of sequential) this.append(layer);
    return this;
  }
}

const moduleListArgs = signature('ModuleList', [['modules', nullable(iterable), null]] as const);

/** A list of modules that registers them (iterate it and call each yourself); `new ModuleList([a, b])`. */
export class ModuleList extends ModuleSequence {
  constructor(...args: ArgsOf<typeof moduleListArgs>) {
    super();
    const { modules } = moduleListArgs.parse(args);
    if (modules !== null) this.extend(modules as Iterable<Module>);
  }

  /** Appends each module (Python's `list += modules`). */
  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof modules !== 'object' || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList.extend should be called with an iterable, but got ${pyTypeName(modules)}`);
    }
    const offset = this._items.size;
    let i = 0;
    for (const m of modules) this.addModule(String(offset + i++), m);
    return this;
  }

  /** Inserts `module` before position `index` (negative counts from the end, as list.insert). */
  insert(index: number, module: Module): void {
    const n = this._items.size;
    if (!Number.isInteger(index)) throw new TypeError(`'${pyTypeName(index)}' object cannot be interpreted as an integer`);
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${typename(module)} is not a Module subclass`);
    for (let i = n; i > at; i--) this.setItem(String(i), this._items.get(String(i - 1)));
    this.setItem(String(at), module);
  }

  /** list[start:end] as a new ModuleList of the same modules (renumbered). */
  slice(start?: number, end?: number): ModuleList {
    const [from, to] = sliceRange(this._items.size, start, end);
    return new ModuleList([...this._items.values()].slice(from, to) as Module[]);
  }
}

const moduleDictArgs = signature('ModuleDict', [['modules', nullable(mapping<Module>()), null]] as const);

/** Modules by name, in insertion order: `new ModuleDict({ proj: a, act: b })` (or a Map, or [key, module] pairs). */
export class ModuleDict extends ModuleContainer {
  constructor(...args: ArgsOf<typeof moduleDictArgs>) {
    super();
    const { modules } = moduleDictArgs.parse(args);
    if (modules !== null) this.update(modules);
  }

  /** The module under `key` (Python's `dict[key]`; a missing key throws KeyError). */
  get(key: string): Module {
    if (!this._items.has(key)) throw new KeyError(`'${key}'`);
    return this._items.get(key) as Module;
  }

  /** Adds or replaces the module under `key` (Python's `dict[key] = module`). */
  set(key: string, module: Module): void {
    this.addModule(key, module);
  }

  has(key: string): boolean {
    return this._items.has(key);
  }

  /** Removes `key` (Python's `del dict[key]`; a missing key throws KeyError). */
  delete(key: string): void {
    if (!this._items.has(key)) throw new KeyError(`'${key}'`);
    this.deleteItem(key);
  }

  clear(): void {
    this.resetItems([]);
  }

  /** Removes `key` and returns its module. */
  pop(key: string): Module {
    const m = this.get(key);
    this.deleteItem(key);
    return m;
  }

  keys(): IterableIterator<string> {
    return this._items.keys();
  }

  values(): IterableIterator<Module> {
    return this._items.values() as IterableIterator<Module>;
  }

  /** The [key, module] pairs. */
  items(): IterableIterator<[string, Module]> {
    return this._items.entries() as IterableIterator<[string, Module]>;
  }

  /** The keys, as iterating a Python dict. */
  [Symbol.iterator](): Iterator<string> {
    return this._items.keys();
  }

  /** Adds the modules of a mapping (object, Map, ModuleDict) or of an iterable of [key, module] pairs. */
  update(modules: Mapping<Module> | ModuleDict): void {
    if (modules === null || typeof modules !== 'object') {
      throw new TypeError(`ModuleDict.update should be called with an iterable of key/value pairs, but got ${pyTypeName(modules)}`);
    }
    for (const [key, module] of pairsOf('ModuleDict', modules, false)) this.addModule(key as string, module as Module);
  }

  /** @deprecated Use `length` (Python's len()). */
  get size(): number {
    return this._items.size;
  }
}

/** A parameter container's item: a Tensor becomes a Parameter, as PyTorch's __setitem__ does. */
function asItem(value: unknown): unknown {
  return value instanceof Tensor && !(value instanceof Parameter) ? new Parameter(value) : value;
}

/** "Parameter containing: [torch.float32 of size 2x3]", or the type of a non-tensor item. */
function describeItem(value: unknown, typeName: (t: Tensor) => string): string {
  if (value instanceof Tensor) return `${value instanceof Parameter ? 'Parameter' : 'Tensor'} containing: [${typeName(value)} of size ${value.shape.join('x')}]`;
  return `Object of type: ${value === null ? 'NoneType' : value instanceof Module ? value.constructor.name : pyTypeName(value)}`;
}

/** ParameterList and ParameterDict: items are parameters (or, as in PyTorch, modules and other objects). */
abstract class ParameterContainer extends Container {
  protected get itemKind(): Registered {
    return 'parameter';
  }

  protected ownsItem(_kind: Registered, name: string): boolean {
    return this._items.has(name);
  }

  /** Checks and stores one item (Python's __setitem__): parameters and modules with their registration checks. */
  protected assignItem(name: string, value: unknown): void {
    const v = asItem(value);
    if (v instanceof Parameter) this.registerParameter(name, v);
    else if (v instanceof Module) this.addModule(name, v);
    if (v instanceof Parameter || v instanceof Module) {
      // registerParameter / addModule stored it unless the name was not an item yet.
      if (this._items.get(name) !== v) {
        super.store('parameter', name, undefined);
        delete (this as unknown as Record<string, unknown>)[name];
        this.setItem(name, v);
      }
    } else {
      this.setItem(name, v);
    }
  }

  override forward(..._args: unknown[]): never {
    throw new Error(`${this.constructor.name} should not be called.`);
  }
}

const parameterListArgs = signature('ParameterList', [['values', nullable(iterable), null]] as const);

/** A list of parameters, registered as '0', '1', …: `new ParameterList([p, q])`; tensors become Parameters. */
export class ParameterList extends ParameterContainer {
  readonly [index: number]: Parameter;

  constructor(...args: ArgsOf<typeof parameterListArgs>) {
    super();
    const { values } = parameterListArgs.parse(args);
    if (values !== null) this.extend(values as Iterable<Tensor>);
  }

  /** The parameter at `index` (negative counts from the end). */
  get(index: number): Parameter {
    return this._items.get(String(absIndex(index, this._items.size))) as Parameter;
  }

  /** Same as get(index), under Array's name for it (`params.at(-1)`). */
  at(index: number): Parameter {
    return this.get(index);
  }

  /** Replaces the item at `index` (a Tensor becomes a Parameter). */
  set(index: number, value: Tensor): void {
    this.assignItem(String(absIndex(index, this._items.size)), value);
  }

  *[Symbol.iterator](): Iterator<Parameter> {
    for (const v of this._items.values()) yield v as Parameter;
  }

  append(value: Tensor): this {
    this.assignItem(String(this._items.size), value);
    return this;
  }

  extend(values: Iterable<Tensor>): this {
    if (values === null || typeof values !== 'object' || values instanceof Tensor || typeof (values as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ParameterList.extend should be called with an iterable, but got ${pyTypeName(values)}`);
    }
    for (const v of values) this.append(v);
    return this;
  }

  /** list[start:end] as a new ParameterList of the same parameters. */
  slice(start?: number, end?: number): ParameterList {
    const [from, to] = sliceRange(this._items.size, start, end);
    return new ParameterList([...this._items.values()].slice(from, to) as Tensor[]);
  }

  override extraRepr(): string {
    return [...this._items.values()].map((p, k) => `  (${k}): ${describeItem(p, (t) => `torch.${t.dtype}`)}`).join('\n');
  }
}

const parameterDictArgs = signature('ParameterDict', [['parameters', nullable(mapping<Tensor | null>()), null]] as const);

/** Parameters by name: `new ParameterDict({ a: p, b: q })` (a plain object is sorted by key, as Python's dict; a Map keeps its order). */
export class ParameterDict extends ParameterContainer {
  constructor(...args: ArgsOf<typeof parameterDictArgs>) {
    super();
    const { parameters } = parameterDictArgs.parse(args);
    if (parameters !== null) this.update(parameters);
  }

  private static key(key: unknown): string {
    if (typeof key !== 'string') {
      throw new TypeError(
        `Index given to ParameterDict cannot be used as a key as it is not a string (type is '${pyTypeName(key)}'). Open an issue on github if you need non-string keys.`,
      );
    }
    return key;
  }

  /** Python's dict.get(key, default=None): the parameter under `key`, or `defaultValue` when there is none. */
  get(key: string, defaultValue: Parameter | null = null): Parameter | null {
    return this._items.has(ParameterDict.key(key)) ? (this._items.get(key) as Parameter) : defaultValue;
  }

  /** Adds or replaces the item under `key` (Python's `dict[key] = value`; a Tensor becomes a Parameter). */
  set(key: string, value: Tensor | null): void {
    this.assignItem(ParameterDict.key(key), value);
  }

  has(key: string): boolean {
    return this._items.has(key);
  }

  /** Removes `key` (Python's `del dict[key]`; a missing key throws KeyError). */
  delete(key: string): void {
    if (!this._items.has(ParameterDict.key(key))) throw new KeyError(`'${key}'`);
    this.deleteItem(key);
  }

  clear(): void {
    this.resetItems([]);
  }

  /** Removes `key` and returns its parameter (a missing key throws KeyError). */
  pop(key: string): Parameter {
    if (!this._items.has(ParameterDict.key(key))) throw new KeyError(`'${key}'`);
    const v = this._items.get(key) as Parameter;
    this.deleteItem(key);
    return v;
  }

  /** Removes and returns the last [key, parameter] pair. */
  popitem(): [string, Parameter] {
    const last = [...this._items.keys()].pop();
    if (last === undefined) throw new KeyError("'popitem(): dictionary is empty'");
    return [last, this.pop(last)];
  }

  /** The parameter under `key`, first setting it to `defaultValue` when there is none. */
  setdefault(key: string, defaultValue: Tensor | null = null): Parameter | null {
    if (!this._items.has(ParameterDict.key(key))) this.set(key, defaultValue);
    return this._items.get(key) as Parameter | null;
  }

  /** A new ParameterDict with the same parameters. */
  copy(): ParameterDict {
    return new ParameterDict(new Map(this._items) as Map<string, Parameter>);
  }

  /** A new ParameterDict with `keys`, each set to `defaultValue`. */
  fromkeys(keys: Iterable<string>, defaultValue: Tensor | null = null): ParameterDict {
    return new ParameterDict([...keys].map((k) => [k, defaultValue] as [string, Tensor | null]));
  }

  keys(): IterableIterator<string> {
    return this._items.keys();
  }

  values(): IterableIterator<Parameter> {
    return this._items.values() as IterableIterator<Parameter>;
  }

  items(): IterableIterator<[string, Parameter]> {
    return this._items.entries() as IterableIterator<[string, Parameter]>;
  }

  /** The keys, as iterating a Python dict. */
  [Symbol.iterator](): Iterator<string> {
    return this._items.keys();
  }

  /**
   * Adds the items of a Map or ParameterDict (in order), of a plain object (sorted by key,
   * as PyTorch sorts a dict) or of an iterable of [key, value] pairs.
   */
  update(parameters: Mapping<Tensor | null> | ParameterDict): void {
    if (parameters === null || typeof parameters !== 'object') {
      throw new TypeError(`ParametersDict.update should be called with an iterable of key/value pairs, but got ${pyTypeName(parameters)}`);
    }
    for (const [key, value] of pairsOf('ParameterDict', parameters, true)) this.set(key as string, value as Tensor);
  }

  override extraRepr(): string {
    return [...this._items.entries()].map(([k, p]) => `  (${k}): ${describeItem(p, (t) => typename(t))}`).join('\n');
  }
}
