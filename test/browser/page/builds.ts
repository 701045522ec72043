// The .wasm URLs the test pages load (test/browser/harness.ts serves them).
/**
 * Both builds: loadWasm picks the threaded one where the page can run threads, and their
 * relaxed-SIMD builds where Chromium has relaxed SIMD and the server has them (as Node does).
 */
export const WASM_BUILDS = {
  single: '/torchlette.wasm',
  threads: '/torchlette-threads.wasm',
  relaxed: { single: '/torchlette-relaxed.wasm', threads: '/torchlette-threads-relaxed.wasm' },
};
/** The single-threaded build (relaxed where it can be). */
export const WASM_SINGLE = { single: WASM_BUILDS.single, relaxed: { single: WASM_BUILDS.relaxed.single } };
