#!/usr/bin/env node
// Makes the prebuilt native binary for this machine's platform and architecture, the
// one the package ships so that installing it compiles nothing (`npm run build:prebuilds`;
// `npm pack` and `npm publish` run it as `prepack`).
//
// It builds the addon with the package's own build script (scripts/build-native.mjs
// --from-source, which skips the compiler when build/Release is up to date with native/*
// and binding.gyp), then copies it into the node-gyp-build / prebuildify layout:
//
//   prebuilds/<platform>-<arch>/torchlette.napi[.<libc>].node
//
//   prebuilds/linux-x64/torchlette.napi.glibc.node     made here (glibc Linux)
//   prebuilds/linux-arm64/torchlette.napi.glibc.node   run this script on such a machine,
//   prebuilds/linux-x64/torchlette.napi.musl.node      (Alpine)  then copy the folder in
//   prebuilds/darwin-x64/torchlette.napi.node          before packing; a platform's folder
//   prebuilds/darwin-arm64/torchlette.napi.node        may hold several files (glibc and
//   prebuilds/win32-x64/torchlette.napi.node           musl), the loader picks by tags
//
// <platform>-<arch> are Node's process.platform and process.arch. Tags are dot-separated:
// 'napi' (an N-API build: one binary for every Node >= 20) and the C library on Linux.
// One binary holds every CPU-feature variant of the GEMM kernels (baseline, AVX2, AVX-512,
// the torchlette_avx2/_avx512 static libraries of binding.gyp); the addon picks one with
// cpuid at run time. The loader (src/backend/native/addon.ts) tries these first, then a
// local build in build/Release, then the JS backend.
//
// `--force` recompiles even when build/Release is up to date. Exits 1 when the build
// fails or the copied binary does not load: a package must not ship without it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs'), '--from-source', '--strict', ...(process.argv.includes('--force') ? ['--force'] : [])], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('torchlette prebuild: the native build failed; no prebuilt binary was made');
  process.exit(1);
}

const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? 'musl' : 'glibc') : undefined;
const name = `torchlette.napi${libc ? `.${libc}` : ''}.node`;
const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const target = join(dir, name);
mkdirSync(dir, { recursive: true });
const temp = `${target}.${process.pid}.tmp`;
copyFileSync(join(root, 'build', 'Release', 'torchlette.node'), temp);
renameSync(temp, target);

// It must load in a fresh process (no state from the build script).
const probe = spawnSync(
  process.execPath,
  ['-e', 'const a = require(process.argv[1]); a.init(new Float64Array(1024)); console.log(a.isa() + " " + a.cpuIsa())', target],
  { encoding: 'utf8' },
);
if (probe.status !== 0) {
  console.error(`torchlette prebuild: ${relative(root, target)} does not load:\n${probe.stderr}`);
  process.exit(1);
}

/** The newest symbol versions a Linux binary needs from glibc and libstdc++ (its floor on other machines). */
function versionFloor(path) {
  const text = readFileSync(path).toString('latin1');
  const newest = (prefix) => {
    const versions = [...text.matchAll(new RegExp(`${prefix}_(\\d+(?:\\.\\d+)+)`, 'g'))].map((m) => m[1].split('.').map(Number));
    versions.sort((a, b) => {
      for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
      return 0;
    });
    return versions.length ? versions[versions.length - 1].join('.') : null;
  };
  return { glibc: newest('GLIBC'), glibcxx: newest('GLIBCXX') };
}

const kib = (statSync(target).size / 1024).toFixed(0);
let floor = '';
if (libc === 'glibc') {
  const { glibc, glibcxx } = versionFloor(target);
  floor = `; needs glibc >= ${glibc}${glibcxx ? ` and libstdc++ with GLIBCXX_${glibcxx}` : ''}`;
}
const [isa] = probe.stdout.trim().split(' ');
console.log(`torchlette prebuild: ${relative(root, target)} (${kib} KiB, N-API, GEMM kernels here: ${isa}${floor}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
