// torchlette bundles for a web page with no shims: esbuild (platform=browser) and Vite
// build `torchlette` and `torchlette/vision` with zero errors, zero warnings and no Node
// built-in among their inputs (the platform seam, src/platform/, picks its browser half
// through the `browser` condition of src/package.json's `#platform/*` imports); and an app
// that uses only `tensor` and `nn.Linear` gets no serialization, data-loader or vision code
// (the `sideEffects` declarations let bundlers drop what nothing uses).
//
// The bundles are built from the sources (tsconfig's `torchlette` paths, as the browser
// tests and the demo page are); dist/ resolves `#platform/*` the same way (the build copies
// src/package.json to dist/package.json).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
/** Code that an app using only tensors and nn.Linear must not carry. */
const UNUSED = /src\/(serialization|utils\/data|vision|hub)\//;

const APPS = {
  full: "export * from 'torchlette';",
  vision: "export * from 'torchlette/vision';",
  // Methods that ops/ and autograd/ install on Tensor (sum, backward, tolist) must survive tree shaking.
  linear: "import { nn, tensor } from 'torchlette';\nconst fc = new nn.Linear(2, 3);\nconst y = fc.forward(tensor([[0.5, 2]])).sum();\ny.backward();\nexport const grad = fc.weight.grad.tolist();",
};

const work = mkdtempSync(join(tmpdir(), 'torchlette-bundle-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** An entry file inside the repository (so tsconfig.json's paths resolve `torchlette`). */
function entry(name: keyof typeof APPS): string {
  const dir = mkdtempSync(join(ROOT, 'test', 'package', '.bundle-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, APPS[name]);
  return file;
}

interface Bundle {
  errors: number;
  warnings: string[];
  inputs: string[];
  /** Inputs that contribute bytes to the output (metafile inputs also list what was tree-shaken away). */
  kept: string[];
  minified: number;
  gzipped: number;
}

async function esbuildBundle(name: keyof typeof APPS): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [entry(name)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: join(work, name),
  });
  const js = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  if (name === 'linear') {
    // Run the page bundle (its browser platform needs nothing Node lacks) and check what it computed.
    const file = join(work, 'linear.mjs');
    writeFileSync(file, js[0].contents);
    const { grad } = (await import(pathToFileURL(file).href)) as { grad: number[][] };
    assert.deepEqual(grad, [[0.5, 2], [0.5, 2], [0.5, 2]]);
  }
  const out = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  assert.ok(out);
  return {
    errors: result.errors.length,
    warnings: result.warnings.map((w) => w.text),
    inputs: Object.keys(result.metafile.inputs),
    kept: Object.entries(out.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k),
    minified: js.reduce((n, f) => n + f.contents.length, 0),
    gzipped: js.reduce((n, f) => n + gzipSync(f.contents).length, 0),
  };
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(0)} KB`;
}

describe('esbuild, platform=browser', () => {
  for (const name of ['full', 'vision', 'linear'] as const) {
    test(`${name}: no errors, no warnings, no Node built-in`, async (t) => {
      const b = await esbuildBundle(name);
      t.diagnostic(`${name}: ${kb(b.minified)} minified, ${kb(b.gzipped)} gzipped, ${b.kept.length} modules`);
      assert.equal(b.errors, 0);
      assert.deepEqual(b.warnings, []);
      assert.deepEqual(b.inputs.filter((i) => NODE_BUILTINS.has(i) || i.startsWith('node:')), []);
      assert.deepEqual(b.inputs.filter((i) => i.includes('/platform/node/')), [], 'the Node half of the platform seam');
      assert.ok(b.kept.some((i) => i.includes('/platform/browser/')), 'the browser half of the platform seam');
      if (name === 'linear') assert.deepEqual(b.kept.filter((i) => UNUSED.test(i)), [], 'serialization, data-loader, vision or hub code in a tensor + Linear app');
    });
  }
});

describe('Vite build', () => {
  for (const name of ['full', 'vision', 'linear'] as const) {
    test(`${name}: no errors, no warnings, no Node built-in`, async (t) => {
      const { build } = await import('vite');
      const warnings: string[] = [];
      const file = entry(name);
      const result = await build({
        configFile: false,
        logLevel: 'silent',
        root: dirname(file),
        resolve: { alias: [{ find: /^torchlette\/vision$/, replacement: join(ROOT, 'src/vision/index.ts') }, { find: /^torchlette$/, replacement: join(ROOT, 'src/index.ts') }] },
        build: {
          write: false,
          minify: 'esbuild',
          target: 'es2022',
          // An app build (lib mode would inline the .wasm as base64 and keep whitespace), keeping
          // the entry's exports as a library's.
          rollupOptions: {
            input: file,
            preserveEntrySignatures: 'strict',
            // Import cycles between modules (ops/view <-> ops/reduce <-> ops/join) are legal ES
            // modules; Vite leaves CIRCULAR_DEPENDENCY out of its own output for that reason.
            onwarn: (w) => {
              if (w.code !== 'CIRCULAR_DEPENDENCY') warnings.push(`${w.code ?? ''}: ${w.message}`);
            },
          },
        },
      });
      const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; fileName: string; code?: string; source?: string | Uint8Array; moduleIds?: string[]; modules?: Record<string, { renderedLength: number }> }[] }[];
      const assets = outputs.flatMap((o) => o.output).filter((c) => c.type === 'asset');
      const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
      const kept = chunks.flatMap((c) => Object.entries(c.modules ?? {}).filter(([, m]) => m.renderedLength > 0).map(([id]) => id));
      const ids = chunks.flatMap((c) => c.moduleIds ?? []);
      const code = chunks.map((c) => c.code ?? '').join('');
      t.diagnostic(`${name}: ${kb(code.length)} minified, ${kb(gzipSync(code).length)} gzipped; assets: ${assets.map((a) => `${a.fileName} ${kb(a.source?.length ?? 0)}`).join(', ') || 'none'}`);
      assert.deepEqual(warnings, []);
      assert.deepEqual(ids.filter((i) => NODE_BUILTINS.has(i) || i.startsWith('node:') || i.startsWith('__vite-browser-external')), []);
      assert.deepEqual(ids.filter((i) => i.includes('/platform/node/')), []);
      // The only files shipped beside the code: the WebAssembly builds (new URL(..., import.meta.url) in platform/browser/addon.ts),
      // with their relaxed-SIMD builds where scripts/build-wasm.mjs made them (clang++-19).
      const wasmFiles = existsSync(join(ROOT, 'prebuilds', 'wasm', 'torchlette-relaxed.wasm'))
        ? ['assets/torchlette-relaxed.wasm', 'assets/torchlette-threads-relaxed.wasm', 'assets/torchlette-threads.wasm', 'assets/torchlette.wasm']
        : ['assets/torchlette-threads.wasm', 'assets/torchlette.wasm'];
      assert.deepEqual(assets.map((a) => a.fileName.replace(/-[A-Za-z0-9_-]{8}\.wasm$/, '.wasm')).sort(), wasmFiles);
      if (name === 'linear') assert.deepEqual(kept.filter((i) => UNUSED.test(i)), [], 'serialization, data-loader, vision or hub code in a tensor + Linear app');
    });
  }
});
