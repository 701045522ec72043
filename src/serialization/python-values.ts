// How Python objects are held while unpickling, before they become JS values.
// Lists are plain arrays; str, int, float, bool and None are JS primitives (int as
// number, or bigint past 2^53); bytes are Uint8Arrays.

export class PyTuple {
  constructor(readonly items: unknown[]) {}
}

/** dict or collections.OrderedDict, keyed by the Python keys (str, int, ...). */
export class PyDict {
  readonly map = new Map<unknown, unknown>();
  constructor(readonly ordered: boolean) {}
}

export class PySet {
  readonly items: unknown[] = [];
  constructor(readonly frozen: boolean) {}
}

/** A module-level name the allow-list admitted (a function, class or dtype). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get path(): string {
    return `${this.module}.${this.name}`;
  }
}

export function pyTypeName(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyDict) return value.ordered ? 'OrderedDict' : 'dict';
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof PyGlobal) return value.path;
  if (value instanceof Uint8Array) return 'bytes';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return (value as object).constructor?.name ?? typeof value;
  }
}
