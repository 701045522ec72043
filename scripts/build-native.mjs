#!/usr/bin/env node
// The package's `install` script, and the way to build the native CPU backend from source
// (binding.gyp -> build/Release/torchlette.node, with node-gyp).
//
// - At install: when a prebuilt binary for this platform ships in the package
//   (prebuilds/<platform>-<arch>/, see scripts/prebuild.mjs) and loads here, nothing is
//   compiled: it says so in one line and exits. Otherwise it builds from source when a
//   C++ compiler is present. The script is optional: with scripts disabled
//   (`npm install --ignore-scripts`, npm's allowScripts policy) the prebuilt binary is
//   loaded all the same.
// - `--from-source` (or TORCHLETTE_BUILD_FROM_SOURCE=1, or `npm install --build-from-source`,
//   which sets npm_config_build_from_source) builds even when a prebuilt binary would do;
//   `npm run build:native` is that, and so is running this script by hand or as the
//   install script of a development checkout (`npm ci` in the repository). A local build
//   newer than the prebuilt binary is the one torchlette loads (src/backend/native/addon.ts).
// - Offline: node-gyp downloads Node's headers unless told where they are. Official
//   Node builds and distro packages ship them next to the binary
//   (<prefix>/include/node), so we pass --nodedir=<prefix> when they are there.
// - Never fails the install: on any error it records the reason in
//   build/native-build.log, prints one warning and exits 0; torchlette then runs on
//   its JS backend and says why once at startup. `--strict` exits 1 instead
//   (scripts/prebuild.mjs).
// - TORCHLETTE_SKIP_NATIVE=1 skips the build.
// - Skips the compiler when the addon was built from the same sources (a stamp of
//   native/*, binding.gyp, the platform and arch) and still loads; `--force` rebuilds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDistributed } from './build-distributed.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const logPath = join(buildDir, 'native-build.log');
const require = createRequire(import.meta.url);

function log(text) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(logPath, text);
}

const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');
// Prebuilt binaries are for installs of the package. Run by hand (not as npm's install
// script), or in a development checkout (src/ is not shipped; there prebuilds/ is a pack-time
// product that may be older than native/), it builds from source.
const devCheckout = existsSync(join(root, 'src')) && existsSync(join(root, 'tsconfig.json'));
const fromSource =
  force ||
  process.argv.includes('--from-source') ||
  /^(true|1)$/i.test(process.env.npm_config_build_from_source ?? '') ||
  /^(true|1)$/i.test(process.env.TORCHLETTE_BUILD_FROM_SOURCE ?? '') ||
  process.env.npm_lifecycle_event !== 'install' ||
  devCheckout;

function giveUp(reason, details = '') {
  log(`FAILED: ${reason}\n\n${details}`);
  if (strict) {
    console.error(`torchlette: native backend not built: ${reason}. Details: ${logPath}`);
    process.exit(1);
  }
  console.warn(`torchlette: native backend not built (${reason}); the JS backend will be used. Details: ${logPath}`);
  process.exit(0);
}

/** The prebuilt binaries for this platform, best first (the loader's rule, src/backend/native/addon.ts). */
function prebuiltCandidates() {
  const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!existsSync(dir)) return [];
  const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? 'musl' : 'glibc') : undefined;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.node'))
    .map((name) => ({ name, tags: name.split('.').slice(0, -1) }))
    .filter(({ tags }) => {
      const fileLibc = tags.find((t) => t === 'glibc' || t === 'musl');
      return (!fileLibc || fileLibc === libc) && !tags.some((t) => /^(abi\d+|electron|node-webkit)$/.test(t));
    })
    .map(({ name, tags }) => ({ name, score: (tags.includes('napi') ? 2 : 0) + (tags.some((t) => t === 'glibc' || t === 'musl') ? 1 : 0) }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .map(({ name }) => join(dir, name));
}

/** Whether a C++ compiler runs ($CXX, else g++/c++/clang++); a quick check before node-gyp. */
function haveCompiler() {
  if (process.platform === 'win32') return true; // node-gyp finds Visual Studio itself
  const names = process.env.CXX ? [process.env.CXX] : ['g++', 'c++', 'clang++'];
  return names.some((cxx) => spawnSync(cxx, ['--version'], { encoding: 'utf8', shell: /\s/.test(cxx) }).status === 0);
}

/** node-gyp: the one npm runs scripts with, a local install, or the one bundled with npm. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    (() => {
      try {
        return require.resolve('node-gyp/bin/node-gyp.js');
      } catch {
        return undefined;
      }
    })(),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/** The directory holding include/node/{node_api.h,common.gypi} for this Node, if it has one. */
function findNodeDir() {
  const given = process.env.npm_config_nodedir;
  if (given && existsSync(join(given, 'include', 'node', 'common.gypi'))) return given;
  const prefix = resolve(process.execPath, '..', '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) {
    return prefix;
  }
  return undefined; // node-gyp will use (or download into) its own header cache
}

if (process.env.TORCHLETTE_SKIP_NATIVE) {
  log('SKIPPED: TORCHLETTE_SKIP_NATIVE is set\n');
  console.warn('torchlette: TORCHLETTE_SKIP_NATIVE is set; the native backend is not built.');
  process.exit(0);
}

// torch.distributed's optional Gloo addon (its own gyp file under native/distributed): built
// when Gloo is on this machine; it never fails the install and does not depend on what follows.
buildDistributed({ nodeGyp: findNodeGyp(), nodedir: findNodeDir() });

const addonPath = join(buildDir, 'Release', 'torchlette.node');
const stampPath = join(buildDir, 'native-build.stamp');

/** Hash of everything the addon is built from. */
function sourceStamp() {
  const h = createHash('sha256');
  h.update(`${process.platform} ${process.arch}\n`);
  const nativeDir = join(root, 'native');
  // the files directly in native/ (native/distributed and native/wasm are other builds' sources)
  const files = readdirSync(nativeDir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  for (const f of ['binding.gyp', ...files.map((n) => join('native', n))]) {
    h.update(f);
    h.update(readFileSync(join(root, f)));
  }
  return h.digest('hex');
}

function loads(path = addonPath) {
  try {
    const addon = require(path);
    addon.init(new Float64Array(1024));
    return addon;
  } catch {
    return null;
  }
}

if (!fromSource) {
  for (const path of prebuiltCandidates()) {
    const addon = loads(path);
    if (addon) {
      console.log(
        `torchlette: using the prebuilt native backend ${relative(root, path)} (${addon.isa()}, ${addon.getNumThreads()} threads); ` +
          'nothing to compile (TORCHLETTE_BUILD_FROM_SOURCE=1 npm rebuild torchlette builds from source)',
      );
      process.exit(0);
    }
  }
}

const stamp = sourceStamp();
if (!force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp && loads()) {
  console.log('torchlette: native CPU backend is up to date (node scripts/build-native.mjs --force rebuilds it)');
  process.exit(0);
}

if (!haveCompiler()) {
  const compilers = process.env.CXX || 'g++, c++ or clang++';
  giveUp(
    fromSource
      ? `no C++ compiler (${compilers}) was found to build from source`
      : `no prebuilt binary for ${process.platform}-${process.arch} loads here, and no C++ compiler (${compilers}) was found to build one`,
  );
}
const nodeGyp = findNodeGyp();
if (!nodeGyp) giveUp('node-gyp was not found (it ships with npm)');
try {
  require.resolve('node-addon-api');
} catch {
  giveUp('the node-addon-api package is missing (run npm install)');
}

const nodedir = findNodeDir();
const args = [nodeGyp, 'rebuild', '--release', '-j', 'max', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const started = Date.now();
const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
if (result.error) giveUp(`node-gyp could not run: ${result.error.message}`, output);
if (result.status !== 0) {
  const errorLine = output.split('\n').find((l) => /error|not found|ENOTFOUND|EACCES/i.test(l)) ?? `node-gyp exited with ${result.status}`;
  giveUp(errorLine.trim().slice(0, 200), output);
}

// The addon must also load and initialise on this machine.
try {
  const addon = require(addonPath);
  addon.init(new Float64Array(1024));
  writeFileSync(stampPath, stamp);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  log(`OK: built in ${seconds} s (${nodedir ? `headers from ${nodedir}` : 'node-gyp headers'}); GEMM kernels ${addon.isa()}, ${addon.getNumThreads()} threads\n\n${output}`);
  console.log(`torchlette: native CPU backend built in ${seconds} s (${addon.isa()}, ${addon.getNumThreads()} threads)`);
} catch (e) {
  giveUp(`the built addon does not load: ${e.message}`, output);
}
