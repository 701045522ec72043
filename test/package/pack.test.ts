// The published package: what `npm pack` ships, and that the packed tarball, installed
// offline with install scripts disabled, runs on the native backend through the prebuilt
// binary in prebuilds/<platform>-<arch>/ (scripts/prebuild.mjs makes it; `prepack` runs it).
//
// Slow (one real `npm pack`, which rebuilds dist/, and one offline install): it runs in
// the native pass of `npm test` only (scripts/test-backends.mjs).
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PLATFORM = `${process.platform}-${process.arch}`;
const PREBUILD_DIR = join(ROOT, 'prebuilds', PLATFORM);

/**
 * Upper bounds with margin (0.1.0 packed to ~1.05 MB, ~3.9 MB unpacked, ~610 files; the four
 * .wasm builds — one thread and threaded, each also with relaxed SIMD — bring it to ~2.24 MB packed, ~8.7 MB unpacked;
 * 2026-12-07: ~2.63 MB packed with SLEEF's functions in every build and the Lazy modules; later that day
 * ~10.02 MB unpacked with torch.utils.benchmark, torch.multiprocessing and the memory formats).
 */
const MAX_PACKED_BYTES = 2_900_000;
const MAX_UNPACKED_BYTES = 10_600_000;

/** What a tarball may contain: the build output, the prebuilt binaries, what a source build needs, the docs. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE(\.md|\.txt)?$/,
  /^dist\/.+\.(js|d\.ts)$/,
  /^dist\/package\.json$/, // dist's package scope: #platform/* imports and sideEffects (src/package.json, copied by the build)
  /^prebuilds\/[a-z0-9]+-[a-z0-9]+\/[A-Za-z0-9_.-]+\.node$/,
  /^prebuilds\/wasm\/torchlette(-threads)?(-relaxed)?\.wasm$/, // the WebAssembly backend: one thread and threaded, each also as the relaxed-SIMD (FMA) build (scripts/build-wasm.mjs, run by prepack)
  /^native\/[A-Za-z0-9_]+\.(cc|h|inc)$/,
  /^binding\.gyp$/,
  /^scripts\/build-native\.mjs$/,
  // torch.distributed's optional Gloo addon: its sources and build script (built at install when Gloo is there).
  /^native\/distributed\/([A-Za-z0-9_]+\.(cc|h)|binding\.gyp)$/,
  /^scripts\/build-distributed\.mjs$/,
  /^bin\/torchlette-run\.mjs$/,
];

/** What must never ship, whatever `files` says: tests, fixtures, build intermediates, outputs. */
const FORBIDDEN = [
  /(^|\/)(test|tests|__tests__|fixtures|examples|bench|out|build|node_modules|\.deps|obj\.target)\//,
  /\.test\.[cm]?[jt]s$/,
  /\.(o|a|d|obj|mk|gypi|log|map|tsbuildinfo|tgz|py|pyc|stamp)$/,
  /(^|\/)\.[^/]+$/, // dotfiles
];

interface PackEntry {
  path: string;
  size: number;
}
interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  integrity: string;
  files: PackEntry[];
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** This process's environment without what `npm test` sets for its own script, or the backend choice. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(lifecycle|package)_/.test(k) || k === 'npm_config_local_prefix' || k === 'TORCHLETTE_BACKEND' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return env;
}

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** `npm pack --json` prints one JSON array after whatever the lifecycle scripts print. */
function parsePack(stdout: string): PackResult {
  const at = stdout.lastIndexOf('\n[');
  const json = JSON.parse(at >= 0 ? stdout.slice(at + 1) : stdout) as PackResult[];
  assert.equal(json.length, 1);
  return json[0];
}

function checkContents(pack: PackResult, label: string): void {
  const paths = pack.files.map((f) => f.path);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`${label}: ${pack.filename} packs to ${kb(pack.size)} (${kb(pack.unpackedSize)} unpacked, ${pack.entryCount} files)`);
  const notAllowed = paths.filter((p) => !ALLOWED.some((re) => re.test(p)));
  assert.deepEqual(notAllowed, [], 'files outside the package\'s "files" list');
  const forbidden = paths.filter((p) => FORBIDDEN.some((re) => re.test(p)));
  assert.deepEqual(forbidden, [], 'tests, fixtures or build intermediates in the package');
  for (const must of ['package.json', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/vision/index.js', 'dist/vision/index.d.ts', 'dist/package.json', 'binding.gyp', 'native/addon.cc', 'scripts/build-native.mjs']) {
    assert.ok(paths.includes(must), `${must} is not in the package`);
  }
  assert.ok(
    paths.some((p) => p.startsWith(`prebuilds/${PLATFORM}/`) && p.endsWith('.node')),
    `no prebuilt binary for ${PLATFORM} in the package`,
  );
  assert.ok(paths.includes('prebuilds/wasm/torchlette.wasm'), 'the WebAssembly backend is not in the package');
  assert.ok(paths.includes('prebuilds/wasm/torchlette-threads.wasm'), 'the threaded WebAssembly backend is not in the package');
  // Every native source binding.gyp names ships (a source build must work from the tarball).
  const gyp = readFileSync(join(ROOT, 'binding.gyp'), 'utf8');
  for (const m of gyp.matchAll(/"(native\/[^"]+\.cc)"/g)) assert.ok(paths.includes(m[1]), `${m[1]} (named in binding.gyp) is not in the package`);
  assert.ok(pack.size < MAX_PACKED_BYTES, `packed size ${pack.size} B exceeds ${MAX_PACKED_BYTES} B`);
  assert.ok(pack.unpackedSize < MAX_UNPACKED_BYTES, `unpacked size ${pack.unpackedSize} B exceeds ${MAX_UNPACKED_BYTES} B`);
}

describe('the npm package', { timeout: 600_000 }, () => {
  let work = '';

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'torchlette-pack-'));
    // The prebuilt binary is a build product (not in git): make it once when it is missing.
    const have = existsSync(PREBUILD_DIR) && readdirSync(PREBUILD_DIR).some((n) => n.endsWith('.node'));
    if (!have) {
      const r = run(process.execPath, [join(ROOT, 'scripts', 'prebuild.mjs')], { cwd: ROOT });
      assert.equal(r.status, 0, `scripts/prebuild.mjs failed:\n${r.stdout}\n${r.stderr}`);
    }
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('npm pack --dry-run lists only what ships, within the size bound', () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is missing: `npm run build` (npm ci runs it) builds it');
    const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
    checkContents(parsePack(r.stdout), 'npm pack --dry-run');
  });

  test('the packed tarball installs offline with scripts disabled and runs on the prebuilt native binary', () => {
    // A real pack, as `npm publish` does it: prepack makes the prebuilt binary, prepare rebuilds dist/.
    const packed = parsePack(npm(['pack', '--json', '--pack-destination', work], ROOT).stdout);
    checkContents(packed, 'npm pack');
    const app = join(work, 'app');
    const tarball = join(work, packed.filename);
    assert.ok(existsSync(tarball));

    // A project that depends on the tarball, its lockfile pinning torchlette's dependencies to
    // the versions of this repository's lockfile, so that the install needs nothing beyond
    // npm's cache, which `npm ci` filled (no network: --offline).
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    const spec = `file:${tarball}`;
    const packages: Record<string, unknown> = {
      '': { name: 'torchlette-pack-probe', dependencies: { torchlette: spec } },
      'node_modules/torchlette': {
        version: pkg.version,
        resolved: spec,
        integrity: packed.integrity,
        license: pkg.license,
        dependencies: pkg.dependencies,
        optionalDependencies: pkg.optionalDependencies,
        engines: pkg.engines,
        hasInstallScript: true,
      },
    };
    for (const [key, entry] of Object.entries(repoLock.packages)) {
      if (key !== '' && entry.dev !== true) packages[key] = entry;
    }
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'torchlette-pack-probe', private: true, type: 'module', dependencies: { torchlette: spec } }, null, 2));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'torchlette-pack-probe', lockfileVersion: 3, requires: true, packages }, null, 2));

    const t0 = Date.now();
    npm(['ci', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], app);
    console.log(`npm ci --ignore-scripts --offline of the tarball: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const installed = join(app, 'node_modules', 'torchlette');
    assert.ok(existsSync(join(installed, 'dist', 'index.js')));
    assert.ok(!existsSync(join(installed, 'build')), 'nothing may have been built at install');

    // A user's program in a fresh process: the native backend from the prebuilt binary, and ops on it.
    const probe = [
      "import * as torch from 'torchlette';",
      "import * as vision from 'torchlette/vision';",
      'const prod = torch.full([64, 64], 2, { dtype: torch.float32 }).matmul(torch.ones([64, 64]));',
      'const conv = torch.nn.functional.conv2d(torch.ones([1, 1, 5, 5]), torch.ones([1, 1, 3, 3])).sum().item();',
      'console.log(JSON.stringify({ info: torch.backends.info(), prod: [prod.min().item(), prod.max().item()], conv, vision: typeof vision.models.resnet18 }));',
    ].join('\n');
    const r = run(process.execPath, ['--input-type=module', '-e', probe], { cwd: app });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /torchlette/, 'no warning about the backend');
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      info: { active: string; nativeAvailable: boolean; addon: { from: string; path: string; why: string } | null };
      prod: number[];
      conv: number;
      vision: string;
    };
    assert.equal(out.info.active, 'native');
    assert.ok(out.info.addon, 'backends.info().addon is null');
    assert.equal(out.info.addon.from, 'prebuilt', out.info.addon.why);
    assert.ok(out.info.addon.path.startsWith(join(installed, 'prebuilds', PLATFORM)), out.info.addon.path);
    assert.deepEqual(out.prod, [128, 128]);
    assert.equal(out.conv, 81);
    assert.equal(out.vision, 'function');

    // From CommonJS (a project without "type": "module", tsc's default `module: commonjs`, tsx
    // running such a project): require() of the ES module, which Node runs natively from 20.19.
    if (process.features.require_module) {
      const cjs = "const torch = require('torchlette'); const vision = require('torchlette/vision'); console.log(JSON.stringify([torch.ones([3]).sum().item(), typeof vision.models.resnet18]));";
      const c = run(process.execPath, ['--input-type=commonjs', '-e', cjs], { cwd: app });
      assert.equal(c.status, 0, c.stderr);
      assert.deepEqual(JSON.parse(c.stdout.trim().split('\n').pop()!), [3, 'function']);
    }

    // The same program on the WebAssembly backend shipped in the package (no compiler involved).
    const w = run(process.execPath, ['--input-type=module', '-e', probe], { cwd: app, env: { ...cleanEnv(), TORCHLETTE_BACKEND: 'wasm' } });
    assert.equal(w.status, 0, w.stderr);
    const wout = JSON.parse(w.stdout.trim().split('\n').pop()!) as { info: { active: string; wasm: { path: string } | null }; prod: number[]; conv: number };
    assert.equal(wout.info.active, 'wasm');
    // The threaded build (Node has SharedArrayBuffer), for relaxed SIMD where it was built (clang++-19).
    const relaxed = existsSync(join(installed, 'prebuilds', 'wasm', 'torchlette-threads-relaxed.wasm'));
    assert.equal(wout.info.wasm?.path, join(installed, 'prebuilds', 'wasm', relaxed ? 'torchlette-threads-relaxed.wasm' : 'torchlette-threads.wasm'));
    assert.deepEqual(wout.prod, [128, 128]);
    assert.equal(wout.conv, 81);

    // With scripts enabled, the install script finds the prebuilt binary and compiles nothing.
    const rebuild = npm(['rebuild', 'torchlette', '--foreground-scripts'], app);
    assert.match(rebuild.stdout + rebuild.stderr, /using the prebuilt native backend .*nothing to compile/);
    assert.ok(!existsSync(join(installed, 'build', 'Release')), 'the install script compiled the addon although a prebuilt binary loads');
  });
});
