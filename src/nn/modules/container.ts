// Sequential, ModuleList and ModuleDict keep their children in insertion order;
// Sequential and ModuleList name them '0', '1', … as PyTorch does.
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

abstract class IndexedContainer extends Module {
  protected slots: Map<string, Module | null> = new Map();

  constructor() {
    super();
    Object.defineProperty(this, 'slots', { enumerable: false });
  }

  protected override entries(): [string, unknown][] {
    return [...this.slots.entries()];
  }

  protected override isModuleSlot(name: string): boolean {
    return this.slots.has(name);
  }

  get length(): number {
    return this.slots.size;
  }

  protected keyAt(index: number): string {
    const n = this.slots.size;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new RangeError(`index ${index} is out of range`);
    return [...this.slots.keys()][index < 0 ? index + n : index];
  }

  /** The module at position `index` (negative counts from the end). */
  get(index: number): Module {
    return this.slots.get(this.keyAt(index)) as Module;
  }

  /** Replaces the module at position `index` (`seq[i] = m` in Python). */
  set(index: number, module: Module): void {
    this.slots.set(this.keyAt(index), module);
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this.slots.values()) if (m !== null) yield m;
  }

  append(module: Module): this {
    this.slots.set(String(this.slots.size), module);
    return this;
  }
}

/** Runs its modules in order; `new Sequential(a, b)` or `new Sequential({ name: a, … })`. */
export class Sequential extends IndexedContainer {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const [first] = modules;
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.slots.set(name, m);
    } else {
      (modules as Module[]).forEach((m, i) => this.slots.set(String(i), m));
    }
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this) x = m.forward(x);
    return x as Tensor;
  }

  /** seq[start:end] as a new Sequential (same modules). */
  slice(start?: number, end?: number): Sequential {
    const picked = [...this.slots.entries()].slice(start, end);
    const out = new Sequential();
    for (const [name, m] of picked) out.slots.set(name, m);
    return out;
  }
}

/** A list of modules that registers them (iterate it and call each yourself). */
export class ModuleList extends IndexedContainer {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): void {
    const list = [...this.slots.values()];
    list.splice(index < 0 ? index + list.length : index, 0, module);
    this.slots = new Map(list.map((m, i) => [String(i), m]));
  }
}

/** A string-keyed map of modules. */
export class ModuleDict extends Module {
  private dict: Map<string, Module> = new Map();

  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    Object.defineProperty(this, 'dict', { enumerable: false });
    const pairs = Symbol.iterator in Object(modules) ? (modules as Iterable<[string, Module]>) : Object.entries(modules);
    for (const [k, m] of pairs) this.set(k, m);
  }

  protected override entries(): [string, unknown][] {
    return [...this.dict.entries()];
  }

  get(key: string): Module | undefined {
    return this.dict.get(key);
  }

  set(key: string, module: Module): void {
    if (key.includes('.') || key === '') throw new Error(`module name can't contain "." or be empty, got: ${key}`);
    this.dict.set(key, module);
  }

  has(key: string): boolean {
    return this.dict.has(key);
  }

  delete(key: string): boolean {
    return this.dict.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.dict.keys();
  }

  values(): IterableIterator<Module> {
    return this.dict.values();
  }

  items(): IterableIterator<[string, Module]> {
    return this.dict.entries();
  }

  get size(): number {
    return this.dict.size;
  }
}
