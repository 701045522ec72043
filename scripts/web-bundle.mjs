// Bundles page code that imports torchlette (the demo in examples/web/, the browser tests'
// pages and workers in test/browser/) with esbuild for platform=browser, ESM, and copies
// nothing else: the pages fetch prebuilds/wasm/torchlette.wasm and the Fashion-MNIST
// files from the server (scripts/web-server.mjs).
//
// TEMPORARY: until the platform seam (src/platform/, issue 15 part 1) lands, the core
// still imports node: built-ins, and esbuild stops on them for platform=browser. The
// `nodeStubs` plugin below replaces each with a module whose functions either do what a
// page can (path joins, endianness 'LE', "file does not exist") or throw naming the call.
// It must go once the seam is in: the issue forbids shims in the final state, and
// `bundle` then reports any node: import as the error it is (TORCHLETTE_WEB_STUBS=0
// turns the stubs off now, to see what is left).
import * as esbuild from 'esbuild';

const STUBS_ON = process.env.TORCHLETTE_WEB_STUBS !== '0';

/** The body of the stub module for one node: built-in (CommonJS, so that any named import resolves at run time). */
function stubSource(name) {
  return `
const fail = (what) => () => { throw new Error(what + ' (' + ${JSON.stringify(name)} + ') is not available in a web page'); };
const known = {
  // node:path / node:url: enough for the module-level path computations the core does.
  join: (...p) => p.filter(Boolean).join('/').replace(/\\/+/g, '/'),
  resolve: (...p) => p.filter(Boolean).join('/').replace(/\\/+/g, '/'),
  dirname: (p) => String(p).replace(/\\/[^/]*$/, '') || '/',
  basename: (p) => String(p).replace(/^.*\\//, ''),
  extname: (p) => (/\\.[^./]*$/.exec(String(p)) || [''])[0],
  isAbsolute: (p) => String(p).startsWith('/'),
  sep: '/',
  fileURLToPath: (u) => new URL(String(u)).pathname,
  pathToFileURL: (p) => new URL('file://' + p),
  // node:fs: nothing exists, so the addon and wasm file loaders report "not found".
  existsSync: () => false,
  // node:os
  endianness: () => 'LE',
  homedir: () => '/',
  tmpdir: () => '/tmp',
  // node:zlib: no crc32 (the core then uses its own JS table); node:buffer
  crc32: undefined,
  constants: { MAX_LENGTH: 2 ** 32 - 1 },
};
module.exports = new Proxy(known, {
  get: (t, k) => (k in t ? t[k] : k === '__esModule' ? false : typeof k === 'symbol' ? undefined : fail(String(k))),
  has: () => true,
});
`;
}

/** The temporary node: stubs (see the header); to be removed once src/ imports no node: module in a browser build. */
const nodeStubs = {
  name: 'torchlette-temporary-node-stubs',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({ contents: stubSource(args.path), loader: 'js' }));
  },
};

/**
 * Bundles `entryPoints` ({ outName: sourcePath }) into `outdir` as browser ESM (`plugins`: more
 * esbuild plugins, e.g. the browser tests' import redirections). Throws on any
 * esbuild error or warning (the issue's bar: zero of each). Returns esbuild's metafile.
 */
export async function bundle({ entryPoints, outdir, minify = false, sourcemap = false, plugins = [] }) {
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
    logLevel: 'silent',
    plugins: [...plugins, ...(STUBS_ON ? [nodeStubs] : [])],
    // TEMPORARY with the stubs: the native loader reads process.platform/arch at import.
    define: STUBS_ON ? { 'process.platform': '"browser"', 'process.arch': '"wasm32"' } : {},
  });
  const problems = [...result.errors, ...result.warnings];
  if (problems.length) {
    const text = await esbuild.formatMessages(problems, { kind: 'warning' });
    throw new Error(`esbuild: ${result.errors.length} errors, ${result.warnings.length} warnings\n${text.join('\n')}`);
  }
  return result.metafile;
}

/** Whether the temporary node: stubs are in use (the tests say so in their output). */
export const usingNodeStubs = STUBS_ON;
