// `node:assert/strict` for the browser run of the kernel tests (see node-test.ts): the
// functions test/backend uses, with Node's strict semantics (Object.is for primitives,
// deep equality over arrays, typed arrays and plain objects).
export class AssertionError extends Error {
  override name = 'AssertionError';
}

function message(m: string | Error | undefined, fallback: string): never {
  if (m instanceof Error) throw m;
  throw new AssertionError(m ?? fallback);
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function deepEqualValues(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqualValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function ok(v: unknown, m?: string | Error): void {
  if (!v) message(m, `The expression evaluated to a falsy value: ${show(v)}`);
}

function equal(a: unknown, b: unknown, m?: string | Error): void {
  if (!Object.is(a, b)) message(m, `Expected values to be strictly equal: ${show(a)} !== ${show(b)}`);
}

function notEqual(a: unknown, b: unknown, m?: string | Error): void {
  if (Object.is(a, b)) message(m, `Expected values to differ: ${show(a)}`);
}

function deepEqual(a: unknown, b: unknown, m?: string | Error): void {
  if (!deepEqualValues(a, b)) message(m, `Expected values to be strictly deep-equal: ${show(a)} vs ${show(b)}`);
}

function fail(m?: string | Error): never {
  message(m, 'Failed');
}

function match(s: string, re: RegExp, m?: string | Error): void {
  if (!re.test(s)) message(m, `The input did not match ${re}: ${show(s)}`);
}

function doesNotMatch(s: string, re: RegExp, m?: string | Error): void {
  if (re.test(s)) message(m, `The input was expected to not match ${re}: ${show(s)}`);
}

type Expected = RegExp | (new (...a: never[]) => Error) | { message?: string | RegExp; name?: string };

function throws(fn: () => unknown, expected?: Expected, m?: string | Error): void {
  let thrown: unknown = undefined;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    thrown = e;
  }
  if (!threw) message(m, 'Missing expected exception.');
  if (expected === undefined) return;
  const err = thrown as Error;
  if (expected instanceof RegExp) {
    if (!expected.test(String(err?.message ?? err))) message(m, `The error message ${show(err?.message)} does not match ${expected}`);
  } else if (typeof expected === 'function') {
    if (!(thrown instanceof expected)) message(m, `The error is a ${err?.constructor?.name}, expected ${expected.name}: ${err?.message}`);
  } else {
    for (const [k, want] of Object.entries(expected)) {
      const got = (err as unknown as Record<string, unknown>)[k];
      const good = want instanceof RegExp ? typeof got === 'string' && want.test(got) : Object.is(got, want);
      if (!good) message(m, `The error's ${k} is ${show(got)}, expected ${show(want)}`);
    }
  }
}

const assert = Object.assign((v: unknown, m?: string | Error) => ok(v, m), {
  ok,
  equal,
  strictEqual: equal,
  notEqual,
  notStrictEqual: notEqual,
  deepEqual,
  deepStrictEqual: deepEqual,
  fail,
  match,
  doesNotMatch,
  throws,
  AssertionError,
});
export default assert;
export { ok, equal, notEqual, deepEqual, fail, match, doesNotMatch, throws };
