#!/usr/bin/env node
// Builds the WebAssembly backend: the native kernels (native/*.cc, the same files the
// addon compiles, without addon.cc and the thread pool) plus native/wasm/*.cc, with
// clang for wasm32-wasi and SIMD128, into two modules in prebuilds/wasm/:
//   torchlette.wasm          one thread (wasm/parallel_serial.cc), its own memory
//   torchlette-threads.wasm  wasm threads: atomics, an imported shared memory, workers
//                            (wasm/parallel_threads.cc) and a locking malloc
//                            (wasm/malloc_threads.cc: wasi-libc here has no threads)
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
const EXCLUDED = new Set(['addon.cc', 'parallel.cc', 'gemm_avx2.cc', 'gemm_avx512.cc', 'ternary_fma.cc', 'random_avx2.cc']);
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
const VARIANTS = [
  { file: 'torchlette.wasm', sources: sources.filter((f) => !THREADS_ONLY.has(f)), cxxflags: [], ldflags: [] },
  {
    file: 'torchlette-threads.wasm',
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

function findCompiler() {
  const candidates = process.env.CXX ? [process.env.CXX] : ['clang++', 'clang++-19', 'clang++-16', 'clang++-15', 'clang++-14'];
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  return null;
}

function stamp(cxx) {
  const h = createHash('sha256');
  h.update(JSON.stringify({ cxx, CXXFLAGS, LDFLAGS, sources, VARIANTS }));
  const headers = readdirSync(join(root, 'native')).filter((f) => /\.(h|inc)$/.test(f)).sort().map((f) => join('native', f));
  for (const f of [...sources, ...headers, 'scripts/build-wasm.mjs']) h.update(f).update(readFileSync(join(root, f)));
  return h.digest('hex');
}

const cxx = findCompiler();
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
const outs = VARIANTS.map((v) => join(outDir, v.file));
if (!args.has('--force') && outs.every((o) => existsSync(o)) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === want) {
  console.log(`build-wasm: ${outs.join(', ')} up to date`);
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
mkdirSync(dirname(stampPath), { recursive: true });
rmSync(stampPath, { force: true });
// Built next to the old files and renamed over them when they load: a process starting
// meanwhile (tests) reads an old module or a new one, never half a file. The two
// variants compile at once (two clang processes).
const t0 = Date.now();
const built = await Promise.all(
  VARIANTS.map(
    (v) =>
      new Promise((done) => {
        const out = join(outDir, v.file);
        const tmp = `${out}.tmp`;
        const cmd = [...CXXFLAGS, ...v.cxxflags, `--sysroot=${sysroot}`, ...LDFLAGS, ...v.ldflags, ...v.sources, '-o', tmp];
        const child = spawn(cxx, cmd, { cwd: root, stdio: 'inherit' });
        child.on('error', (e) => done({ out, tmp, error: e.message }));
        child.on('exit', (code, signal) => done({ out, tmp, error: code === 0 ? null : `${cxx} failed (${code ?? signal})` }));
      }),
  ),
);
for (const b of built) {
  if (!b.error) {
    // Check that it compiles here before stamping it.
    try {
      new WebAssembly.Module(readFileSync(b.tmp));
    } catch (e) {
      b.error = `${b.tmp} does not compile in this Node: ${e.message}`;
    }
  }
}
const failed = built.find((b) => b.error);
if (failed) {
  for (const b of built) rmSync(b.tmp, { force: true });
  console.error(`build-wasm: ${failed.error}`);
  process.exit(1);
}
for (const b of built) renameSync(b.tmp, b.out);
writeFileSync(stampPath, want);
const sizes = built.map((b) => `${b.out} (${(readFileSync(b.out).length / 1024).toFixed(0)} KB)`).join(', ');
console.log(`build-wasm: ${sizes} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
