#!/usr/bin/env node
// Builds the WebAssembly backend: the native kernels (native/*.cc, the same files the
// addon compiles, without addon.cc and the thread pool) plus native/wasm/*.cc, with
// clang for wasm32-wasi and SIMD128, into two modules in prebuilds/wasm/:
//   torchlette.wasm          one thread (wasm/parallel_serial.cc), its own memory
//   torchlette-threads.wasm  wasm threads: atomics, an imported shared memory, workers
//                            (wasm/parallel_threads.cc) and a locking malloc
//                            (wasm/malloc_threads.cc: wasi-libc here has no threads)
// and, when a clang that emits the final relaxed-SIMD opcodes is found (clang++-19; clang
// 14's -mrelaxed-simd emits pre-standard ones no engine accepts; CXX_RELAXED overrides
// it), the same two with the GEMM micro-kernels (wasm/gemm_simd128.cc) compiled for
// relaxed SIMD (f32x4.relaxed_madd: one FMA instead of a mul and an add):
//   torchlette-relaxed.wasm, torchlette-threads-relaxed.wasm
// Only that file differs: every other object is the same one, linked into both. The
// loader takes a relaxed build where the engine validates relaxed SIMD.
// The files ship in the npm package (`npm pack` runs this through prepack), so
// installing torchlette never needs this compiler; src/backend/wasm/load.ts loads
// the threaded one where SharedArrayBuffer exists, else the other.
//
// Needs clang (14+) with the wasm32 target, lld (wasm-ld) and a WASI sysroot: on Debian
// `apt-get install clang lld wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32` (the
// sysroot is /usr; WASI_SYSROOT overrides it, CXX the compiler).
// Skips the compiler when the output was built from the same sources (a stamp in
// build/); `--force` rebuilds. `--if-possible` exits 0 with a note when no compiler is found
// (npm test builds it when it can; the wasm test pass then reports it missing).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'prebuilds', 'wasm');
// The stamp stays out of prebuilds/ (which ships whole in the npm package).
const stampPath = join(root, 'build', 'wasm.stamp');
const args = new Set(process.argv.slice(2));

// addon.cc is the N-API binding (glue.cc replaces it); parallel.cc is the std::thread
// pool (parallel_serial.cc replaces it); the *_avx2/_avx512/_fma files are x86-only
// kernels the cpuid dispatch never picks here (TL_HAVE_X86_KERNELS is not defined).
const EXCLUDED = new Set(['addon.cc', 'parallel.cc', 'gemm_avx2.cc', 'gemm_avx512.cc', 'ternary_fma.cc', 'random_avx2.cc', 'unary_fma.cc', 'unary_avx512.cc']);
const kernelSources = readdirSync(join(root, 'native'))
  .filter((f) => f.endsWith('.cc') && !EXCLUDED.has(f))
  .sort()
  .map((f) => join('native', f));
const wasmSources = readdirSync(join(root, 'native', 'wasm'))
  .filter((f) => f.endsWith('.cc'))
  .sort()
  .map((f) => join('native', 'wasm', f));
const sources = [...kernelSources, ...wasmSources];
const THREADS_ONLY = new Set(['native/wasm/parallel_threads.cc', 'native/wasm/malloc_threads.cc']);
const SERIAL_ONLY = new Set(['native/wasm/parallel_serial.cc']);

// -ffp-contract=off as in the addon (elementwise results equal the JS backend's);
// gemm.cc turns contraction back on for its own loops, and wasm has no FMA anyway.
const CXXFLAGS = ['--target=wasm32-wasi', '-std=c++17', '-O3', '-msimd128', '-ffp-contract=off', '-fno-exceptions', '-fno-rtti', '-Inative'];
const LDFLAGS = [
  '-mexec-model=reactor', // a library: exports called from JS, no main()
  '-Wl,--strip-debug',
  '-Wl,-z,stack-size=1048576',
  '-Wl,--max-memory=4294967296', // wasm32's whole address space: large conv layers
];
// The two builds' compile flags and link flags; each links the objects of `sources`.
const FLAVORS = [
  { name: 'serial', file: 'torchlette', sources: sources.filter((f) => !THREADS_ONLY.has(f)), cxxflags: [], ldflags: [] },
  {
    name: 'threads',
    file: 'torchlette-threads',
    sources: sources.filter((f) => !SERIAL_ONLY.has(f)),
    cxxflags: ['-matomics', '-mbulk-memory', '-mmutable-globals'],
    ldflags: [
      '-Wl,--shared-memory',
      '-Wl,--import-memory', // the JS side creates the shared memory and hands it to every thread
      '-Wl,--initial-memory=16777216', // src/backend/wasm/addon.ts SHARED_INITIAL_PAGES (256 pages)
      '-Wl,--export=__stack_pointer', // each worker points it at its own stack
      // wasi-libc here is built without atomics: its objects do not declare the features
      // shared memory needs. Nothing of it that runs on workers shares state
      // (malloc is replaced; errno is never read), so the check is waived.
      '-Wl,--no-check-features',
    ],
  },
];
// The file compiled a second time, for relaxed SIMD, by the relaxed compiler (-mcpu=mvp:
// no feature beyond what the other objects use, apart from SIMD).
const RELAXED_SOURCE = 'native/wasm/gemm_simd128.cc';
const RELAXED_FLAGS = ['-mcpu=mvp', '-msimd128', '-mrelaxed-simd'];
const objDir = join(root, 'build', 'wasm-obj');

function findCompiler(candidates) {
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  return null;
}

function stamp(cxx) {
  const h = createHash('sha256');
  h.update(JSON.stringify({ cxx, relaxedCxx, CXXFLAGS, LDFLAGS, sources, FLAVORS, RELAXED_FLAGS }));
  const headers = readdirSync(join(root, 'native')).filter((f) => /\.(h|inc)$/.test(f)).sort().map((f) => join('native', f));
  for (const f of [...sources, ...headers, 'scripts/build-wasm.mjs']) h.update(f).update(readFileSync(join(root, f)));
  return h.digest('hex');
}

const cxx = findCompiler(process.env.CXX ? [process.env.CXX] : ['clang++', 'clang++-19', 'clang++-16', 'clang++-15', 'clang++-14']);
const relaxedCxx = findCompiler(process.env.CXX_RELAXED ? [process.env.CXX_RELAXED] : ['clang++-19']);
if (!cxx) {
  const msg = 'build-wasm: no clang++ found (Debian: apt-get install clang lld wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32)';
  if (args.has('--if-possible')) {
    console.log(`${msg}; skipped`);
    process.exit(0);
  }
  console.error(msg);
  process.exit(1);
}
const sysroot = process.env.WASI_SYSROOT ?? (existsSync('/usr/include/wasm32-wasi') ? '/usr' : null);
if (!sysroot) {
  const msg = 'build-wasm: no WASI sysroot (Debian: apt-get install wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32; or set WASI_SYSROOT)';
  if (args.has('--if-possible')) {
    console.log(`${msg}; skipped`);
    process.exit(0);
  }
  console.error(msg);
  process.exit(1);
}

const want = stamp(cxx);
const relaxedOut = (f) => `${f.file}-relaxed.wasm`;
const outputs = FLAVORS.flatMap((f) => [`${f.file}.wasm`, ...(relaxedCxx ? [relaxedOut(f)] : [])]).map((f) => join(outDir, f));
if (!args.has('--force') && outputs.every((o) => existsSync(o)) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === want) {
  console.log(`build-wasm: ${outputs.join(', ')} up to date`);
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
mkdirSync(dirname(stampPath), { recursive: true });
rmSync(stampPath, { force: true });
// Without the relaxed compiler, an older relaxed build would be loaded with new sources.
if (!relaxedCxx) for (const f of FLAVORS) rmSync(join(outDir, relaxedOut(f)), { force: true });

function run(compiler, cmdArgs, cwd = root) {
  return new Promise((done) => {
    const child = spawn(compiler, cmdArgs, { cwd, stdio: 'inherit' });
    child.on('error', (e) => done(e.message));
    child.on('exit', (code, signal) => done(code === 0 ? null : `${compiler} failed (${code ?? signal})`));
  });
}
const fail = (error) => {
  console.error(`build-wasm: ${error}`);
  process.exit(1);
};

// Objects first (each flavor's sources in one clang process; the two flavors at once),
// then the links. Outputs are built next to the old files and renamed over them when
// they load: a process starting meanwhile (tests) reads an old module or a new one,
// never half a file.
const t0 = Date.now();
const objOf = (f, src) => join(objDir, f.name, src.replace(/^.*\//, '').replace(/\.cc$/, '.o'));
const compiled = await Promise.all(
  FLAVORS.map(async (f) => {
    const dir = join(objDir, f.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const flags = [...CXXFLAGS.map((x) => (x === '-Inative' ? `-I${join(root, 'native')}` : x)), ...f.cxxflags, `--sysroot=${sysroot}`];
    return (
      (await run(cxx, [...flags, '-c', ...f.sources.map((s) => join(root, s))], dir)) ??
      (relaxedCxx ? await run(relaxedCxx, [...flags, ...RELAXED_FLAGS, '-c', join(root, RELAXED_SOURCE), '-o', join(dir, 'relaxed.o')]) : null)
    );
  }),
);
if (compiled.some(Boolean)) fail(compiled.find(Boolean));

const links = FLAVORS.flatMap((f) => {
  const objs = f.sources.map((s) => objOf(f, s));
  const relaxedObjs = objs.map((o) => (o === objOf(f, RELAXED_SOURCE) ? join(objDir, f.name, 'relaxed.o') : o));
  return [
    { out: join(outDir, `${f.file}.wasm`), objs, ldflags: f.ldflags },
    ...(relaxedCxx ? [{ out: join(outDir, relaxedOut(f)), objs: relaxedObjs, ldflags: f.ldflags, relaxed: true }] : []),
  ];
});
const built = [];
for (const l of links) {
  const tmp = `${l.out}.tmp`;
  // clang 14's wasm-ld reads clang 19's relaxed object (the instructions are opaque to it).
  const error = await run(cxx, ['--target=wasm32-wasi', `--sysroot=${sysroot}`, ...LDFLAGS, ...l.ldflags, ...l.objs, '-o', tmp]);
  built.push({ ...l, tmp, error });
}
// Check that each compiles here before stamping it (the relaxed ones with Node's flag, as
// src/platform/node/addon.ts sets it).
if (relaxedCxx) (await import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
for (const b of built) {
  if (b.error) continue;
  const bytes = readFileSync(b.tmp);
  try {
    new WebAssembly.Module(bytes);
  } catch (e) {
    b.error = `${b.tmp} does not compile in this Node: ${e.message}`;
  }
  // The threaded builds' C++ runtime is built without threads: its guard for a
  // function-local static with a dynamic initializer aborts (a worker traps) when two
  // threads reach the static's first use at once. Such statics link __cxa_guard_acquire
  // (named in the name section, which --strip-debug keeps).
  if (!b.error && b.ldflags.includes('-Wl,--shared-memory') && bytes.includes('__cxa_guard_acquire')) {
    b.error = `${b.tmp} links __cxa_guard_acquire: a function-local static with a dynamic initializer is not safe on ` +
      'the threaded build (initialise it at load instead, as native/gemm.cc does for the ISA)';
  }
}
const failed = built.find((b) => b.error);
if (failed) {
  for (const b of built) rmSync(b.tmp, { force: true });
  fail(failed.error);
}
for (const b of built) renameSync(b.tmp, b.out);
writeFileSync(stampPath, want);
const sizes = built.map((b) => `${b.out} (${(readFileSync(b.out).length / 1024).toFixed(0)} KB)`).join(', ');
console.log(`build-wasm: ${sizes} in ${((Date.now() - t0) / 1000).toFixed(1)} s${relaxedCxx ? '' : ' (no clang++-19: no relaxed-SIMD builds)'}`);
