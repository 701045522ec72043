// Bundles page code that imports torchlette (the demo in examples/web/, the browser tests'
// pages and workers in test/browser/) with esbuild for platform=browser, ESM, and copies
// nothing else: the pages fetch prebuilds/wasm/torchlette.wasm and the Fashion-MNIST
// files from the server (scripts/web-server.mjs).
//
// The library needs no shims: src/platform/ picks its browser implementation through the
// `browser` condition of src/package.json's `imports`, which esbuild applies for
// platform=browser. Any error or warning (a node: import reaching the bundle among them)
// fails the build.
import * as esbuild from 'esbuild';

/**
 * Bundles `entryPoints` ({ outName: sourcePath }) into `outdir` as browser ESM (`plugins`: more
 * esbuild plugins, e.g. the browser tests' import redirections; `splitting`: dynamic imports
 * become chunks sharing the modules they import, as bench/chromium's page needs). Throws on any
 * esbuild error or warning (the issue's bar: zero of each). Returns esbuild's metafile.
 */
export async function bundle({ entryPoints, outdir, minify = false, sourcemap = false, plugins = [], splitting = false }) {
  const result = await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify,
    sourcemap,
    metafile: true,
    splitting,
    logLevel: 'silent',
    plugins,
  });
  const problems = [...result.errors, ...result.warnings];
  if (problems.length) {
    const text = await esbuild.formatMessages(problems, { kind: 'warning' });
    throw new Error(`esbuild: ${result.errors.length} errors, ${result.warnings.length} warnings\n${text.join('\n')}`);
  }
  // the bar: no Node module in a browser bundle (esbuild would have failed on one unless a plugin let it through)
  const nodeInputs = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('node:') || p.includes('node-stub'));
  if (nodeInputs.length) throw new Error(`the browser bundle has Node inputs: ${nodeInputs.join(', ')}`);
  return result.metafile;
}
