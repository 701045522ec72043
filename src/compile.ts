// torch.compile (PyTorch 2), so that scripts written for it (nanoGPT's `model = torch.compile(model)`)
// run unchanged. PyTorch compiles to fuse kernels, not to change what a model computes, and
// torchlette runs every op eagerly: a compiled module is the module behind PyTorch's wrapper
// (OptimizedModule: the module registered as `_orig_mod`, so state-dict keys read
// `_orig_mod.transformer.wte.weight` as a compiled model's do, and attributes it lacks read through
// to the module), and a compiled function is the function.
import { Module, readThrough } from './nn/module.js';
import { bool, check, either, func, nullable, record, signature, string, type Check } from './tensor/args.js';

const MODES = ['default', 'reduce-overhead', 'max-autotune', 'max-autotune-no-cudagraphs'];
// torch._dynamo.list_backends(exclude_tags=()) of PyTorch 2: the names a script may pass.
const BACKENDS = ['inductor', 'eager', 'aot_eager', 'aot_eager_decomp_partition', 'aot_ts', 'cudagraphs', 'onnxrt', 'openxla', 'openxla_eval', 'tvm'];

export type Compilable = Module | ((...args: never[]) => unknown);
const compilable: Check<Compilable> = check('an nn.Module or a function', (v) => v instanceof Module || typeof v === 'function');

const compileArgs = signature('compile', [
  ['model', nullable(compilable), null],
  '*',
  ['fullgraph', bool, false],
  ['dynamic', nullable(bool), null],
  ['backend', either(string, func), 'inductor'],
  ['mode', nullable(string), null],
  ['options', nullable(record), null],
  ['disable', bool, false],
] as const);

export interface CompileOptions {
  fullgraph?: boolean;
  dynamic?: boolean | null;
  backend?: string | ((...args: never[]) => unknown);
  mode?: string | null;
  options?: Record<string, unknown> | null;
  disable?: boolean;
}

/**
 * PyTorch's OptimizedModule: wraps a module registered as `_orig_mod`; forward calls it (its
 * hooks included); a property the wrapper lacks is the module's (methods bound to it).
 */
export class OptimizedModule extends Module {
  declare readonly _orig_mod: Module;

  constructor(mod: Module) {
    super();
    this.addModule('_orig_mod', mod);
    return readThrough(this, mod);
  }

  override forward(...args: unknown[]): unknown {
    return (this._orig_mod.forward as (...a: unknown[]) => unknown)(...args);
  }
}

/** A standard decorator's context (`@torch.compile` on a method). */
function isDecoratorContext(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'kind' in v && 'addInitializer' in v;
}

function checkSettings(o: { backend: unknown; mode: string | null; options: Record<string, unknown> | null }): void {
  if (typeof o.backend === 'function') {
    throw new TypeError(
      "torch.compile(): a custom backend compiles torch.fx graphs, which torchlette does not build (every op runs eagerly as it is called); pass a backend's name such as 'inductor' (the default)",
    );
  }
  if (!BACKENDS.includes(o.backend as string)) {
    throw new Error(`Invalid backend: '${String(o.backend)}', see torch._dynamo.list_backends() for available backends.`);
  }
  if (o.mode !== null && o.options !== null) throw new Error("Either mode or options can be specified, but both can't be specified at the same time.");
  if (o.mode !== null && !MODES.includes(o.mode)) throw new Error(`Unrecognized mode=${o.mode}, should be one of: ${MODES.join(', ')}`);
}

function compiled<T extends Compilable>(model: T): T {
  if (model instanceof Module) return new OptimizedModule(model) as unknown as T;
  const fn = model as unknown as (...a: unknown[]) => unknown;
  const wrapper = function (this: unknown, ...args: unknown[]) {
    return fn.apply(this, args);
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  return wrapper as unknown as T;
}

/**
 * torch.compile(model=None, *, fullgraph=False, dynamic=None, backend='inductor', mode=None,
 * options=None, disable=False): `torch.compile(model)` gives the module wrapped as PyTorch's
 * OptimizedModule (same outputs, state-dict keys under `_orig_mod.`), `torch.compile(fn)` a function
 * computing what fn computes, `torch.compile({ mode })` a function that compiles its argument, and
 * `@torch.compile` decorates a method. Backend and mode names are checked as PyTorch checks them;
 * `disable: true` returns the model itself.
 */
export function compile<F extends (...args: never[]) => unknown>(method: F, context: ClassMethodDecoratorContext): F;
export function compile<T extends Compilable>(model: T, options?: CompileOptions): T;
export function compile(options?: CompileOptions): <T extends Compilable>(model: T) => T;
export function compile(...args: unknown[]): unknown {
  if (args.length === 2 && typeof args[0] === 'function' && isDecoratorContext(args[1])) return compiled(args[0] as Compilable);
  const a = compileArgs.parse(args as never);
  checkSettings(a);
  const apply = <T extends Compilable>(model: T): T => (a.disable ? model : compiled(model));
  if (a.model === null) {
    // (also a method decorator: `@torch.compile({ mode: 'max-autotune' })`)
    return (model: unknown) => {
      if (!compilable.test(model)) throw new TypeError(`compile(): expected an nn.Module or a function to compile, not ${typeof model}`);
      return apply(model as Compilable);
    };
  }
  return apply(a.model);
}
