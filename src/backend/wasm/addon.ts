// The WebAssembly build of the native kernels (native/wasm/glue.cc + native/*.cc, built
// by scripts/build-wasm.mjs) behind the same `Addon` interface as the N-API addon, so
// that src/backend/native/index.ts builds a Backend over it unchanged.
//
// The kernels can only touch the module's linear memory, so every call copies its
// typed arrays into one arena there, runs, and copies back the buffers the function
// writes. Typed arrays over the same ArrayBuffer (in-place ops: out is x's buffer) are
// copied as one block, so aliasing inside the kernels is exactly as in the addon.
// The meta Float64Array (shapes, strides, scalars) is copied in before each call.
//
// The threaded build (torchlette-threads.wasm) imports a shared memory, created here;
// with a WorkerHost its workers (threads.ts) run parts of each kernel on that memory.
//
// This file does no I/O and imports nothing from Node: the caller hands it a compiled
// WebAssembly.Module (wasm/load.ts reads the file in Node) and, for threads, a host.
import type { TypedArray } from '../dtype.js';
import type { Addon, AddonOps } from '../native/addon.js';
import type { MinSizes } from '../native/index.js';
import { webAssembly, type WasmGlobal, type WasmMemory, type WasmModule } from './api.js';
import { WORKER_SOURCE, type WorkerHost } from './threads.js';

type Fn = (...args: number[]) => number;

/**
 * Below these sizes a kernel stays in the JS backend. A wasm call costs ~2 us (the
 * copies in and out, on top of the addon's ~0.7), so the crossover sits about 4x
 * higher than the native backend's (measured with float32 add/sum, loaded machine).
 */
export const WASM_MIN_SIZES: MinSizes = { elementwise: 1024, reduce: 1024, matmulMacs: 4096, index: 1024, softmax: 512, loss: 1024 };

/** What glue.cc exports (the tl_* functions are looked up by name). */
interface Exports {
  memory?: WasmMemory; // absent in the threaded build (it imports the memory)
  __stack_pointer?: WasmGlobal;
  _initialize?: () => void;
  [name: string]: unknown;
}

// The threaded build's memory: its initial size is wasm-ld's --initial-memory in
// scripts/build-wasm.mjs (16 MiB), the maximum wasm32's 4 GiB.
const SHARED_INITIAL_PAGES = 256;
const SHARED_MAX_PAGES = 65536;
/** Each worker's stack (the calling thread's is wasm-ld's -z stack-size, also 1 MiB). */
const WORKER_STACK_BYTES = 1 << 20;
/** native/wasm/parallel_threads.cc's kMaxThreads. */
const MAX_THREADS = 64;

/** tl::BufType of each typed array the kernels accept (common.h). */
function bufType(b: TypedArray): number {
  if (b instanceof Float32Array) return 0;
  if (b instanceof Float64Array) return 1;
  if (b instanceof Int32Array) return 2;
  if (b instanceof Uint8Array) return 3;
  if (b instanceof BigInt64Array) return 4; // int64: real int64_t in the kernels (I64)
  throw new TypeError('torchlette wasm: unsupported typed array type');
}

/** The byte ranges of one ArrayBuffer that a call's arguments cover, copied as one block. */
interface Block {
  buffer: ArrayBufferLike;
  lo: number;
  hi: number;
  /** Byte offset of the block in the arena. */
  at: number;
  written: boolean;
  /** The block is one output the kernel writes whole: nothing to copy in. */
  fresh: boolean;
}

/**
 * f(...argv) with the arguments spelled out: a call through a spread takes V8's generic
 * JS-to-wasm path (~1 us more per kernel call than a call of fixed arity).
 */
function invoke(f: Fn, v: number[]): number {
  switch (v.length) {
    case 3: return f(v[0], v[1], v[2]);
    case 4: return f(v[0], v[1], v[2], v[3]);
    case 6: return f(v[0], v[1], v[2], v[3], v[4], v[5]);
    case 9: return f(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    case 12: return f(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
    default: return f(...v);
  }
}

// The WASI functions libc's abort/printf paths import; the kernels never print, so
// each answers ENOSYS.
const ENOSYS = 52;

/** The threaded build's workers: how many were spawned and how many have started (entered tl_worker_main). */
export interface WasmWorkers {
  workers(): { spawned: number; started: number };
}

/**
 * An Addon over an instance of `module`. Throws when the module is not torchlette's.
 * For the threaded build, `host` starts its workers (without one it runs on one thread).
 */
export function createWasmAddon(module: WasmModule, host?: WorkerHost): Addon & WasmWorkers {
  const WA = webAssembly();
  if (!WA) throw new Error('torchlette wasm: this JavaScript engine has no WebAssembly');
  const imports: Record<string, Record<string, unknown>> = {};
  let shared: WasmMemory | undefined;
  for (const imp of WA.Module.imports(module)) {
    if (imp.kind === 'memory' && imp.module === 'env' && imp.name === 'memory') {
      if (typeof SharedArrayBuffer === 'undefined') throw new Error('torchlette wasm: the threaded build needs SharedArrayBuffer');
      shared = new WA.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAX_PAGES, shared: true });
      (imports.env ??= {}).memory = shared;
      continue;
    }
    if (imp.kind !== 'function') throw new Error(`torchlette wasm: unexpected import ${imp.module}.${imp.name}`);
    (imports[imp.module] ??= {})[imp.name] = () => ENOSYS;
  }
  const instance = new WA.Instance(module, imports);
  const ex = instance.exports as unknown as Exports;
  ex._initialize?.(); // a WASI reactor: runs the C++ static constructors (this thread only)
  const fn = (name: string): Fn => {
    const f = ex[name];
    if (typeof f !== 'function') throw new Error(`torchlette wasm: the module has no ${name}`);
    return f as Fn;
  };
  const own = shared ?? ex.memory;
  if (!own) throw new Error('torchlette wasm: the module has no memory');
  const memory: WasmMemory = own;

  const cString = (ptr: number): string => {
    const bytes = new Uint8Array(memory.buffer, ptr);
    const end = bytes.indexOf(0);
    // slice: TextDecoder refuses views of a SharedArrayBuffer in browsers
    return new TextDecoder().decode(bytes.slice(0, end < 0 ? 0 : end));
  };

  const tlMeta = fn('tl_meta')();
  const metaLen = fn('tl_meta_len')();
  const tlError = fn('tl_error')();
  const tlBad = fn('tl_bad');
  const tlArena = fn('tl_arena');
  let meta: Float64Array | null = null;

  /**
   * Runs glue function `f` on `args` (undefined: an absent optional argument), copying
   * back the arguments at the indices in `written`. `tail` (randomFill's generator
   * state) is passed as a bare pointer after them and copied back. `fresh`: the index of
   * an output the kernel writes whole (see freshOut), not copied in when no other
   * argument shares its buffer. Returns f's result.
   */
  function call(f: Fn, args: readonly (TypedArray | undefined)[], written: readonly number[], tail?: Uint32Array, fresh = -1): number {
    if (!meta) throw new RangeError('torchlette wasm: not initialised');
    // Group the arguments by ArrayBuffer (8-byte aligned ranges: every element stays aligned).
    const blocks: Block[] = [];
    const blockOf: number[] = [];
    const all: (TypedArray | Uint32Array | undefined)[] = tail ? [...args, tail] : args.slice();
    for (let i = 0; i < all.length; i++) {
      const a = all[i];
      if (!a) {
        blockOf.push(-1);
        continue;
      }
      const lo = a.byteOffset & ~7, hi = a.byteOffset + a.byteLength;
      const isWritten = written.includes(i) || (tail !== undefined && i === all.length - 1);
      let k = blocks.findIndex((b) => b.buffer === a.buffer);
      if (k < 0) {
        k = blocks.length;
        blocks.push({ buffer: a.buffer, lo, hi, at: 0, written: isWritten, fresh: i === fresh });
      } else {
        const b = blocks[k];
        b.lo = Math.min(b.lo, lo);
        b.hi = Math.max(b.hi, hi);
        b.written ||= isWritten;
        b.fresh = false; // shared with another argument: its other bytes are read or kept
      }
      blockOf.push(k);
    }
    let total = 0;
    for (const b of blocks) {
      b.at = total;
      total += (b.hi - b.lo + 63) & ~63;
    }
    if (total > 0xffffffff) throw new RangeError('torchlette wasm: the arguments do not fit in 4 GiB of WebAssembly memory');
    const base = tlArena(Math.max(total, 64)) >>> 0;
    if (base === 0) throw new RangeError(`torchlette wasm: out of memory (${total} bytes for the arguments)`);
    // tl_arena may have grown the memory: views are taken after it.
    new Float64Array(memory.buffer, tlMeta, metaLen).set(meta);
    for (const b of blocks) {
      // A fresh output's block is its own bytes rounded down to 8: copy in the (at most 7)
      // bytes before it, which the copy back rewrites.
      const lo = b.fresh ? args[fresh]!.byteOffset : b.lo;
      if (lo > b.lo) new Uint8Array(memory.buffer, base + b.at, lo - b.lo).set(new Uint8Array(b.buffer, b.lo, lo - b.lo));
      if (!b.fresh) new Uint8Array(memory.buffer, base + b.at, b.hi - b.lo).set(new Uint8Array(b.buffer, b.lo, b.hi - b.lo));
    }
    const argv: number[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (!a) {
        argv.push(0, 0, -1);
        continue;
      }
      const b = blocks[blockOf[i]];
      argv.push(base + b.at + (a.byteOffset - b.lo), a.length, bufType(a));
    }
    if (tail) argv.push(base + blocks[blockOf[all.length - 1]].at + (tail.byteOffset - blocks[blockOf[all.length - 1]].lo));
    const r = runKernel(f, argv);
    // A failed check: 0, or -2 from tl_random_fill (whose results are generator indices).
    if (tail ? r === -2 : r === 0) throw new RangeError(cString(tlError));
    // The kernels may have grown the memory too: fresh views again.
    for (const b of blocks) {
      if (b.written) new Uint8Array(b.buffer, b.lo, b.hi - b.lo).set(new Uint8Array(memory.buffer, base + b.at, b.hi - b.lo));
    }
    return r;
  }

  // The threaded build traps in the calling thread when a worker's part trapped
  // (native/wasm/parallel_threads.cc): say so instead of a bare 'unreachable'.
  const poolFailure = typeof ex.tl_pool_failure === 'function' ? (ex.tl_pool_failure as Fn) : () => 0;
  function runKernel(f: Fn, argv: number[]): number {
    try {
      return invoke(f, argv);
    } catch (e) {
      const failure = poolFailure() >>> 0;
      if (failure === 0) throw e;
      throw new Error(`torchlette wasm: a worker thread of the threaded WebAssembly build failed while running a kernel ` +
        `(${cString(failure).split('\n')[0]}); later kernels run on the calling thread only\nThe worker's stack:\n${cString(failure)}`, { cause: e });
    }
  }

  // Meta holds each view as dtype, ndim, offset, shape, strides (native/addon.ts putView).
  const skipView = (q: number): number => q + 3 + 2 * meta![q + 1];
  /**
   * `index` when the view at meta[q] covers all of `out` from element 0 in row-major
   * order, so that the kernel writes every element (putOut's outputs), else -1.
   */
  const freshOut = (q: number, out: TypedArray, index: number): number => {
    const m = meta!;
    const nd = m[q + 1];
    if (m[q + 2] !== 0) return -1;
    let n = 1;
    for (let d = nd - 1; d >= 0; d--) {
      const size = m[q + 3 + d];
      if (size !== 1 && m[q + 3 + nd + d] !== n) return -1;
      n *= size;
    }
    return n === out.length ? index : -1;
  };
  // Where the output's view starts: unary and binary put 6 numbers first.
  const UNARY_AT = 6;

  /** Fills a contiguous float View without a call: what the kernel writes (value rounded to the buffer's type). */
  const fillHere = (dst: TypedArray): boolean => {
    const m = meta!;
    const float = (m[1] === 0 && dst instanceof Float32Array) || (m[1] === 1 && dst instanceof Float64Array);
    if (!float || !contiguousAt(1)) return false;
    let n = 1;
    for (let d = 0; d < m[2]; d++) n *= m[4 + d];
    if (m[3] + n > dst.length) return false; // the kernel's bounds check raises
    dst.fill(m[0], m[3], m[3] + n);
    return true;
  };
  /** The view at meta[q] is row-major contiguous (any offset). */
  const contiguousAt = (q: number): boolean => {
    const m = meta!;
    const nd = m[q + 1];
    for (let d = nd - 1, s = 1; d >= 0; d--) {
      const size = m[q + 3 + d];
      if (size !== 1 && m[q + 3 + nd + d] !== s) return false;
      s *= size;
    }
    return true;
  };

  const glue = {
    unary: fn('tl_unary'), binary: fn('tl_binary'), ternary: fn('tl_ternary'), adadelta: fn('tl_adadelta'), where: fn('tl_where'), copy: fn('tl_copy'),
    fill: fn('tl_fill'), randomFill: fn('tl_random_fill'), reduce: fn('tl_reduce'), variance: fn('tl_variance'),
    cumulative: fn('tl_cumulative'), softmax: fn('tl_softmax'), softmaxBackward: fn('tl_softmax_backward'), matmul: fn('tl_matmul'),
    gather: fn('tl_gather'), scatter: fn('tl_scatter'), indexSelect: fn('tl_index_select'), indexPut: fn('tl_index_put'),
    conv2d: fn('tl_conv2d'), conv2dBackwardInput: fn('tl_conv2d_backward_input'), conv2dBackwardWeight: fn('tl_conv2d_backward_weight'),
    maxPool2d: fn('tl_max_pool2d'), maxPool2dBackward: fn('tl_max_pool2d_backward'), avgPool2d: fn('tl_avg_pool2d'),
    avgPool2dBackward: fn('tl_avg_pool2d_backward'), adaptiveAvgPool2d: fn('tl_adaptive_avg_pool2d'),
    adaptiveAvgPool2dBackward: fn('tl_adaptive_avg_pool2d_backward'), adaptiveMaxPool2d: fn('tl_adaptive_max_pool2d'),
    nllLoss: fn('tl_nll_loss'), nllLossBackward: fn('tl_nll_loss_backward'), batchNormStats: fn('tl_batch_norm_stats'),
    embeddingRenorm: fn('tl_embedding_renorm'), batchNorm: fn('tl_batch_norm'), batchNormBackward: fn('tl_batch_norm_backward'),
    groupNorm: fn('tl_group_norm'), groupNormBackward: fn('tl_group_norm_backward'),
  };
  const getNumThreads = fn('tl_get_num_threads'), tlSetNumThreads = fn('tl_set_num_threads');
  // The threaded build with a host: workers are started as setNumThreads asks for them
  // (never stopped: fewer threads leave some idle). Kernels run on the calling thread
  // alone until the first worker is up (milliseconds), then split as in the addon.
  const threaded = Boolean(shared && host && ex.__stack_pointer && typeof ex.tl_worker_main === 'function');
  let workers = 0;
  const setNumThreads = (n: number): void => {
    tlSetNumThreads(n);
    if (!threaded || !host || !shared) return;
    const allocStack = fn('tl_alloc_stack');
    const want = Math.min(n, MAX_THREADS) - 1;
    for (; workers < want; workers++) {
      const lo = allocStack(WORKER_STACK_BYTES) >>> 0;
      if (lo === 0) throw new RangeError('torchlette wasm: out of memory for a worker stack');
      host.spawn(WORKER_SOURCE, { module, memory: shared, stackLo: lo, stackHi: lo + WORKER_STACK_BYTES });
    }
  };
  if (threaded && host) {
    fn('tl_set_main_can_wait')(host.mainCanWait ? 1 : 0);
    setNumThreads(host.cores);
  }
  const isa = fn('tl_isa'), cpuIsa = fn('tl_cpu_isa'), setIsa = fn('tl_set_isa'), names = fn('tl_names');
  const ISA_NAMES = ['generic', 'avx2', 'avx512', 'emulated512'];

  // Glue results: 2 = true, 1 = false (left to JS); indexing 1 = an index out of range.
  const bool = (r: number) => r === 2;
  const index = (r: number): number | null => (r === 2 ? null : tlBad());

  const tlWorkers = threaded ? fn('tl_workers') : () => 0;

  return {
    workers: () => ({ spawned: workers, started: tlWorkers() }),
    init(m: Float64Array): AddonOps {
      if (m.length > metaLen) throw new RangeError(`torchlette wasm: meta has ${m.length} slots, the module ${metaLen}`);
      meta = m;
      const list = (which: number) => cString(names(which)).split(',').filter(Boolean);
      return { unaryOps: list(0), binaryOps: list(1), reduceOps: list(2) };
    },
    getNumThreads: () => getNumThreads(),
    setNumThreads: (n) => setNumThreads(n),
    ...(typeof ex.tl_pool_stalls === 'function' ? { poolStalls: ex.tl_pool_stalls as () => number } : {}),
    ...(typeof ex.tl_test_worker_trap === 'function' ? { testWorkerFailure: () => void runKernel(fn('tl_test_worker_trap'), []) } : {}),
    isa: () => cString(isa()),
    cpuIsa: () => cString(cpuIsa()),
    setIsa: (name) => ISA_NAMES.includes(name) && setIsa(ISA_NAMES.indexOf(name)) === 1,
    unary: (x, out) => void call(glue.unary, [x, out], [1], undefined, freshOut(skipView(UNARY_AT), out, 1)),
    binary: (a, b, out) => void call(glue.binary, [a, b, out], [2], undefined, freshOut(skipView(skipView(UNARY_AT)), out, 2)),
    ternary: (x, a, b, out) => bool(call(glue.ternary, [x, a, b, out], [3])),
    adadelta: (p, g, sq, acc) => bool(call(glue.adadelta, [p, g, sq, acc], [0, 2, 3])),
    // Optional (a module built before it lacks it: the optimizer then runs the op sequence).
    ...(typeof ex.tl_adam_step === 'function'
      ? { adamStep: (param: TypedArray, grad: TypedArray, expAvg: TypedArray, expAvgSq: TypedArray) => bool(call(fn('tl_adam_step'), [param, grad, expAvg, expAvgSq], [0, 2, 3])) }
      : {}),
    ...(typeof ex.tl_sgd_step === 'function'
      ? { sgdStep: (param: TypedArray, grad: TypedArray, buf: TypedArray) => bool(call(fn('tl_sgd_step'), [param, grad, buf], [0, 2])) }
      : {}),
    where: (c, a, b, out) => void call(glue.where, [c, a, b, out], [3], undefined, freshOut(skipView(skipView(skipView(0))), out, 3)),
    copy: (src, dst) => void call(glue.copy, [src, dst], [1]),
    // A contiguous float fill is TypedArray.fill: no copies in and out of the module.
    fill: (dst) => void (fillHere(dst) || call(glue.fill, [dst], [0])),
    randomFill(out, state) {
      if (!(state instanceof Uint32Array) || state.length !== 624) {
        throw new RangeError("torchlette wasm: randomFill expects the generator's 624 words as a Uint32Array");
      }
      return call(glue.randomFill, [out], [0], state);
    },
    reduce: (x, out) => void call(glue.reduce, [x, out], [1]),
    variance: (x, out) => void call(glue.variance, [x, out], [1]),
    cumulative: (x, out) => void call(glue.cumulative, [x, out], [1]),
    softmax: (x, out) => void call(glue.softmax, [x, out], [1]),
    softmaxBackward: (g, y, out) => void call(glue.softmaxBackward, [g, y, out], [2]),
    matmul: (a, b, out) => bool(call(glue.matmul, [a, b, out], [2], undefined, freshOut(skipView(skipView(0)), out, 2))),
    gather: (x, i, out) => index(call(glue.gather, [x, i, out], [2])),
    scatter: (dst, i, src) => index(call(glue.scatter, [dst, i, src], [0])),
    indexSelect: (x, i, out) => index(call(glue.indexSelect, [x, i, out], [2])),
    indexPut: (dst, i, src) => index(call(glue.indexPut, [dst, i, src], [0])),
    conv2d: (x, w, bias, out) => bool(call(glue.conv2d, [x, w, bias, out], [3])),
    conv2dBackwardInput: (g, w, out) => bool(call(glue.conv2dBackwardInput, [g, w, out], [2])),
    conv2dBackwardWeight: (g, x, out) => bool(call(glue.conv2dBackwardWeight, [g, x, out], [2])),
    maxPool2d: (x, out, idx) => bool(call(glue.maxPool2d, [x, out, idx], [1, 2])),
    maxPool2dBackward: (g, idx, out) => bool(call(glue.maxPool2dBackward, [g, idx, out], [2])),
    avgPool2d: (x, out) => bool(call(glue.avgPool2d, [x, out], [1])),
    avgPool2dBackward: (g, out) => bool(call(glue.avgPool2dBackward, [g, out], [1])),
    adaptiveAvgPool2d: (x, out) => bool(call(glue.adaptiveAvgPool2d, [x, out], [1])),
    adaptiveAvgPool2dBackward: (g, out) => bool(call(glue.adaptiveAvgPool2dBackward, [g, out], [1])),
    adaptiveMaxPool2d: (x, out, idx) => bool(call(glue.adaptiveMaxPool2d, [x, out, idx], [1, 2])),
    nllLoss(input, target, weight, out, totalWeight) {
      const r = call(glue.nllLoss, [input, target, weight, out, totalWeight], [3, 4]);
      return r === 3 ? tlBad() : r === 2;
    },
    nllLossBackward: (g, t, w, out) => bool(call(glue.nllLossBackward, [g, t, w, out], [3])),
    // Optional (a module built before them lacks them: the backend then runs the JS kernels).
    ...(typeof ex.tl_binary_cross_entropy === 'function' && typeof ex.tl_binary_cross_entropy_backward === 'function'
      ? {
        binaryCrossEntropy(input: TypedArray, target: TypedArray, weight: TypedArray | undefined, out: TypedArray): boolean | number {
          const r = call(fn('tl_binary_cross_entropy'), [input, target, weight, out], [3]);
          return r === 3 ? 2 : r === 2;
        },
        binaryCrossEntropyBackward: (g: TypedArray, x: TypedArray, t: TypedArray, w: TypedArray | undefined, out: TypedArray) =>
          bool(call(fn('tl_binary_cross_entropy_backward'), [g, x, t, w, out], [4])),
      }
      : {}),
    batchNormStats: (x, mean, varSum) => bool(call(glue.batchNormStats, [x, mean, varSum], [1, 2])),
    embeddingRenorm: (w, i) => bool(call(glue.embeddingRenorm, [w, i], [0])),
    batchNorm: (x, mean, invstd, w, b, out) => bool(call(glue.batchNorm, [x, mean, invstd, w, b, out], [5])),
    batchNormBackward: (g, x, mean, invstd, w, gi, gw, gb) =>
      bool(call(glue.batchNormBackward, [g, x, mean, invstd, w, gi, gw, gb], [5, 6, 7])),
    groupNorm: (x, w, b, out, mean, rstd) => bool(call(glue.groupNorm, [x, w, b, out, mean, rstd], [3, 4, 5])),
    groupNormBackward: (g, x, mean, rstd, w, gi, gw, gb) =>
      bool(call(glue.groupNormBackward, [g, x, mean, rstd, w, gi, gw, gb], [5, 6, 7])),
  };
}
