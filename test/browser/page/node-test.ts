// `node:test` for the browser run of the kernel tests (test/backend/*.test.ts, bundled by
// test/browser/harness.ts with `node:test` pointed here): describe/test/after collect the
// tests while the bundle loads, `runAll` runs them in order and returns each outcome.
// Only what those files use: describe(name, [options], fn), test(name, [options], fn),
// after(fn), options.skip (false or a reason). This is the test runner of a test
// harness, not a stand-in for a Node API in the library.
type Fn = () => void | Promise<void>;
interface Options {
  skip?: boolean | string;
}
export interface Outcome {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  detail?: string;
  ms: number;
}

const tests: { name: string; skip: string | false; fn: Fn }[] = [];
const afters: Fn[] = [];
const prefix: string[] = [];
const skipStack: (string | false)[] = [];

function args(a: Options | Fn, b?: Fn): [Options, Fn] {
  return typeof a === 'function' ? [{}, a] : [a, b as Fn];
}
function reason(o: Options): string | false {
  return o.skip ? (typeof o.skip === 'string' ? o.skip : 'skipped') : false;
}

export function describe(name: string, a: Options | Fn, b?: Fn): void {
  const [options, fn] = args(a, b);
  prefix.push(name);
  skipStack.push(skipStack.find((s) => s) || reason(options));
  try {
    const r = fn();
    if (r instanceof Promise) throw new Error(`describe('${name}'): asynchronous describe bodies are not supported by the browser runner`);
  } finally {
    prefix.pop();
    skipStack.pop();
  }
}

export function test(name: string, a: Options | Fn, b?: Fn): void {
  const [options, fn] = args(a, b);
  tests.push({ name: [...prefix, name].join(' > '), skip: skipStack.find((s) => s) || reason(options), fn });
}
export const it = test;

export function after(fn: Fn): void {
  afters.push(fn);
}

/** Runs every collected test once, in order. */
export async function runAll(): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const t of tests) {
    const t0 = performance.now();
    if (t.skip) {
      out.push({ name: t.name, status: 'skip', detail: t.skip, ms: 0 });
      continue;
    }
    try {
      await t.fn();
      out.push({ name: t.name, status: 'pass', ms: performance.now() - t0 });
    } catch (e) {
      out.push({ name: t.name, status: 'fail', detail: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), ms: performance.now() - t0 });
    }
  }
  for (const fn of afters) await fn();
  return out;
}
