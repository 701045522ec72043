// Python's calling convention in one place: every public constructor and function that
// PyTorch lets you call positionally is declared here as a signature (PyTorch's
// parameter order, camelCased names, defaults, a check per parameter), and calls take
// PyTorch's positional arguments, a trailing options object, or both — as Python
// mixes positional and keyword arguments. Unknown, snake_case, duplicate, missing and
// mistyped arguments throw a TypeError naming the parameter; nothing is dropped silently.
//
//   const conv2dArgs = signature('Conv2d', [
//     ['inChannels', int], ['outChannels', int], ['kernelSize', intOrList],
//     ['stride', intOrList, 1], '*', ['device', any, null],
//   ] as const);
//   constructor(...args: ArgsOf<typeof conv2dArgs>) { const a = conv2dArgs.parse(args); … }
//
// `'*'` starts keyword-only parameters, as in Python. Parsing is a loop over a
// precompiled table: cheap enough for functions on the hot path.
import { DTYPES } from '../backend/index.js';
import { MISSING_DTYPES, type DType } from './dtype.js';
import { isDeviceLike, type DeviceLike } from './device.js';
import { Tensor } from './tensor.js';

/** A run-time type test with the words for the error message ("an int", "a list of ints"). */
export interface Check<T, A = T> {
  readonly test: (value: unknown) => boolean;
  readonly expected: string;
  /** The parameter itself takes a plain object, so a trailing object there is not the options. */
  readonly record?: boolean;
  /** Turns an accepted value into the one the callee gets (a deprecated form into the current one). */
  readonly coerce?: (value: unknown) => unknown;
  /** Phantom: the TypeScript type the callee gets. */
  readonly __type?: T;
  /** Phantom: the TypeScript type callers may pass (wider than T where coerce converts). */
  __accepts?(value: A): void;
}

export function check<T>(expected: string, test: (value: unknown) => boolean, record = false): Check<T> {
  return { test, expected, record };
}

// --- the checks ---

export const any: Check<unknown> = check('anything', () => true);
export const int: Check<number> = check('an int', (v) => Number.isInteger(v));
export const number: Check<number> = check('a number', (v) => typeof v === 'number');
/** A Python int or float scalar: a number, or a bigint (an int64 past 2^53). */
export const numberOrBigint: Check<number | bigint> = check('a number', (v) => typeof v === 'number' || typeof v === 'bigint');
export const bool: Check<boolean> = check('a bool', (v) => typeof v === 'boolean');
export const string: Check<string> = check('a string', (v) => typeof v === 'string');
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const func: Check<(...args: never[]) => unknown> = check('a function', (v) => typeof v === 'function');
export const tensor: Check<Tensor> = check('Tensor', (v) => v instanceof Tensor);
export const dtype: Check<DType> = check(`a dtype (${DTYPES.join(', ')})`, (v) => typeof v === 'string' && (DTYPES as readonly string[]).includes(v));
export const intList: Check<readonly number[]> = check('a list of ints', (v) => Array.isArray(v) && v.every((e) => Number.isInteger(e)));
export const intOrList: Check<number | readonly number[]> = check('an int or a list of ints', (v) => Number.isInteger(v) || intList.test(v));
export const numberList: Check<readonly number[]> = check('a list of numbers', (v) => Array.isArray(v) && v.every((e) => typeof e === 'number'));
export const numberOrList: Check<number | readonly number[]> = check('a number or a list of numbers', (v) => typeof v === 'number' || numberList.test(v));
/** A plain object ({ key: value }), e.g. ModuleDict's modules. */
export const record: Check<Record<string, unknown>> = check('an object', (v) => isPlainObject(v), true);

/** One of the listed strings (PyTorch's `mode` / `reduction` / `nonlinearity` arguments). */
export function oneOf<const T extends string>(...values: T[]): Check<T> {
  return check(`one of ${values.map((v) => `'${v}'`).join(', ')}`, (v) => (values as unknown[]).includes(v));
}

/** An int in a range (e.g. a non-negative count). */
export function intAtLeast(min: number): Check<number> {
  return check(min === 0 ? 'a non-negative int' : `an int >= ${min}`, (v) => Number.isInteger(v) && (v as number) >= min);
}

/** An instance of a class, named as PyTorch names it. */
export function instance<T>(cls: abstract new (...args: never[]) => T, name: string = cls.name): Check<T> {
  return check(name, (v) => v instanceof cls);
}

/** The check, or null (Python's Optional[...]). */
export function nullable<T>(c: Check<T>): Check<T | null> {
  return check(`${c.expected} or null`, (v) => v === null || c.test(v), c.record);
}

/** Either check. */
export function either<A, B>(a: Check<A>, b: Check<B>): Check<A | B> {
  return check(`${a.expected} or ${b.expected}`, (v) => a.test(v) || b.test(v), a.record || b.record);
}

// --- signatures ---

/** A parameter: [name, check] is required; [name, check, default] is optional; '*' starts keyword-only ones. */
export type Entry = readonly [name: string, check: Check<unknown>] | readonly [name: string, check: Check<unknown>, fallback: unknown] | '*';
export type Spec = readonly Entry[];

type TypeOf<C> = C extends Check<infer T, unknown> ? T : never;
/** What callers may pass for a check (its __accepts, which is its type unless coerce widens it). */
type InputOf<C> = C extends { __accepts?(value: infer A): void } ? A : never;
type Param = readonly [string, Check<unknown>, ...unknown[]];
/** Optional parameters also take undefined positionally (not given, as in JavaScript). */
type PositionalType<H extends Param> = H extends readonly [string, infer C, unknown] ? InputOf<C> | undefined : InputOf<H[1]>;
type PositionalOf<S> = S extends readonly [infer H, ...infer R] ? (H extends '*' ? [] : H extends Param ? [PositionalType<H>, ...PositionalOf<R>] : []) : [];
type Prefixes<T extends unknown[]> = T extends [...infer I, unknown] ? T | Prefixes<I> : [];

type NamedOptions<S extends Spec> = { [E in S[number] as E extends Param ? E[0] : never]?: E extends Param ? InputOf<E[1]> : never };
/** `alias` for the option `name`, where the signature has it. */
type Alias<O, Name extends string, A extends string> = Name extends keyof O ? { [K in A]?: O[Name] } : unknown;
/** The options object: every parameter by its camelCase name, and NumPy's `axis` / `keepdims` for `dim` / `keepdim` (NUMPY_ALIASES). */
export type OptionsOf<S extends Spec> = NamedOptions<S> & Alias<NamedOptions<S>, 'dim', 'axis'> & Alias<NamedOptions<S>, 'keepdim', 'keepdims'>;
/** The arguments a signature takes: any prefix of the positional parameters, then optionally the options. */
export type Args<S extends Spec> = Prefixes<PositionalOf<S>> extends infer P ? (P extends unknown[] ? [...P, options?: OptionsOf<S>] : never) : never;
/** A signature's arguments then a body function: context managers written as `f(...args, () => { ... })`. */
export type ArgsWithBody<G, T> = G extends Signature<infer S>
  ? Prefixes<PositionalOf<S>> extends infer P
    ? P extends unknown[]
      ? [...P, () => T] | [...P, OptionsOf<S>, () => T]
      : never
    : never
  : never;
/** What parse returns: every parameter, defaults filled in. */
export type Parsed<S extends Spec> = { [E in S[number] as E extends Param ? E[0] : never]: E extends Param ? TypeOf<E[1]> : never };

export interface Signature<S extends Spec> {
  readonly name: string;
  readonly spec: S;
  parse(args: readonly unknown[]): Parsed<S>;
}
export type ArgsOf<G> = G extends Signature<infer S> ? Args<S> : never;
export type ParsedOf<G> = G extends Signature<infer S> ? Parsed<S> : never;
export type OptionsObjectOf<G> = G extends Signature<infer S> ? OptionsOf<S> : never;

/** `{…}` literals and Object.create(null): the only objects taken as an options bag. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Python's type names for error messages: int, float, str, bool, None, list, Tensor. */
export function pyTypeName(v: unknown): string {
  if (v === null) return 'None';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'function') return 'function';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Tensor) return 'Tensor';
  if (isPlainObject(v)) return 'object';
  return (v as object).constructor?.name ?? 'object';
}

/** NumPy's spellings that PyTorch's argument parser takes for these parameters in every function (x.sum(1, keepdims=True), x.mean(axis=0)). */
const NUMPY_ALIASES: Readonly<Record<string, string>> = { axis: 'dim', keepdims: 'keepdim' };

const snakeToCamel = (s: string): string => s.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** "ExponentialLR(): …" for classes, "conv2d(): …" for functions. */
function fail(where: string, message: string): never {
  throw new TypeError(`${where}(): ${message}`);
}

/**
 * Declares a PyTorch signature. `name` is how errors name the callee (the class for a
 * constructor, the function otherwise).
 */
export function signature<const S extends Spec>(name: string, spec: S): Signature<S> {
  const names: string[] = [];
  const checks: Check<unknown>[] = [];
  const fallbacks: unknown[] = [];
  const required: boolean[] = [];
  let positional = -1;
  for (const e of spec) {
    if (e === '*') {
      positional = names.length;
      continue;
    }
    names.push(e[0]);
    checks.push(e[1]);
    required.push(e.length === 2);
    fallbacks.push(e.length === 3 ? e[2] : undefined);
  }
  if (positional < 0) positional = names.length;
  const index = new Map(names.map((n, i) => [n, i]));
  const minPositional = required.indexOf(false) < 0 ? names.length : required.indexOf(false);
  // A call with no arguments (x.mean(), m.zeroGrad(), m.parameters()) gets every default:
  // a copy of this object, built once, with the keys in the order the loop below adds them.
  let defaults: Record<string, unknown> | null = null;
  if (!required.includes(true)) {
    defaults = {};
    for (let i = 0; i < names.length; i++) defaults[names[i]] = fallbacks[i];
  }

  function badType(i: number, v: unknown, byName: boolean): never {
    const where = byName ? `option '${names[i]}'` : `argument '${names[i]}' (position ${i + 1})`;
    const missing = typeof v === 'string' && Object.hasOwn(MISSING_DTYPES, v) && checks[i].expected.startsWith('a dtype') ? MISSING_DTYPES[v] : undefined;
    const half = missing === undefined ? '' : `; torchlette has no ${v as string} tensors: ${missing === 'int' ? 'use int32 or int64' : 'keep float32 or use float64'}`;
    return fail(name, `${where} must be ${checks[i].expected}, not ${pyTypeName(v)}${half}`);
  }

  function unknownKey(key: string): never {
    const camel = snakeToCamel(key);
    if (camel !== key && index.has(camel)) fail(name, `unexpected option '${key}' — did you mean '${camel}'?`);
    const accepted = names.length === 0 ? 'it takes no options' : `accepted options: ${names.join(', ')}`;
    // PyTorch's out= writes the result into a given tensor; torchlette returns a new one.
    if (key === 'out') fail(name, `out= is not supported (${accepted}): use the returned tensor, or copy it into yours with out.copy_(result)`);
    return fail(name, `unexpected option '${key}'; ${accepted}`);
  }

  function parse(args: readonly unknown[]): Parsed<S> {
    let n = args.length;
    // Trailing undefineds are arguments not given (JavaScript's default-parameter rule).
    while (n > 0 && args[n - 1] === undefined) n--;
    if (n === 0 && defaults !== null) return { ...defaults } as Parsed<S>;
    let options: Record<string, unknown> | undefined;
    if (n > 0 && isPlainObject(args[n - 1]) && !(n - 1 < positional && checks[n - 1].record)) {
      options = args[n - 1] as Record<string, unknown>;
      n--;
    }
    if (n > positional) {
      const range = minPositional === positional ? `${positional}` : `from ${minPositional} to ${positional}`;
      fail(name, `takes ${range} positional argument${positional === 1 ? '' : 's'} but ${n} were given`);
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const v = args[i];
      if (v === undefined) continue;
      if (!checks[i].test(v)) badType(i, v, false);
      out[names[i]] = checks[i].coerce ? checks[i].coerce!(v) : v;
    }
    if (options !== undefined) {
      for (let key in options) {
        const v = options[key];
        let i = index.get(key);
        if (i === undefined && Object.prototype.hasOwnProperty.call(NUMPY_ALIASES, key)) {
          i = index.get(NUMPY_ALIASES[key]);
          if (i !== undefined) key = NUMPY_ALIASES[key];
        }
        if (i === undefined) unknownKey(key);
        if (v === undefined) continue;
        if ((i < n && args[i] !== undefined) || out[key] !== undefined) fail(name, `got multiple values for argument '${key}'`);
        if (!checks[i].test(v)) badType(i, v, true);
        out[key] = checks[i].coerce ? checks[i].coerce!(v) : v;
      }
    }
    for (let i = 0; i < names.length; i++) {
      if (out[names[i]] !== undefined) continue;
      if (required[i]) fail(name, `missing required argument '${names[i]}'`);
      out[names[i]] = fallbacks[i];
    }
    return out as Parsed<S>;
  }

  return { name, spec, parse };
}

/** Options-only calls (`{ keepdim: true }` style), checked the same way: unknown keys and types throw. */
export function checkOptions<S extends Spec>(sig: Signature<S>, options: unknown): Parsed<S> {
  if (options === undefined) return sig.parse([]);
  if (!isPlainObject(options)) fail(sig.name, `options must be an object, not ${pyTypeName(options)}`);
  return sig.parse([options]);
}

/** PyTorch's "argument 'input' (position 1) must be Tensor, not int" for ops that take tensors. */
export function checkTensor(where: string, argName: string, position: number, value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor)) fail(where, `argument '${argName}' (position ${position}) must be Tensor, not ${pyTypeName(value)}`);
}

/** A device argument: 'cpu', 'cpu:0' or torch.device('cpu'); 'cuda' and other accelerators throw their own error. */
export const deviceArg: Check<DeviceLike> = check("a device ('cpu' or torch.device('cpu'))", (v) => isDeviceLike(v));

/**
 * For functions whose body reads positional arguments (the creation functions, with their
 * int64 and overload logic): moves the parameters that the trailing options object names
 * (`names`, in PyTorch's positional order) into their positional slots, as Python binds
 * `linspace(start=0, end=1, steps=5)`. The other keys stay options (the function checks
 * them); a parameter given twice, or one missing before a named one, throws naming it.
 */
export function liftOptions(name: string, names: readonly string[], args: readonly unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = n > 0 ? args[n - 1] : undefined;
  if (!isPlainObject(last) || !names.some((k) => k in last)) return args.slice(0, n);
  const positional = args.slice(0, n - 1);
  const rest: Record<string, unknown> = {};
  let highest = -1;
  for (const key in last) {
    const i = names.indexOf(key);
    if (i < 0) {
      rest[key] = last[key];
      continue;
    }
    if (positional[i] !== undefined) fail(name, `got multiple values for argument '${key}'`);
    positional[i] = last[key];
    highest = Math.max(highest, i);
  }
  for (let i = 0; i < highest; i++) if (positional[i] === undefined) fail(name, `missing required argument '${names[i]}'`);
  return Object.keys(rest).length > 0 ? [...positional, rest] : positional;
}
