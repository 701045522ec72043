#!/usr/bin/env node
// Builds torch.distributed's optional addon (native/distributed -> native/distributed/build/
// Release/torchlette_distributed.node) when Gloo is on this machine (Debian: libgloo-dev).
// scripts/build-native.mjs runs it first; it never fails the install. Whether it built, and
// why not, is written to native/distributed/build/distributed-build.log, which
// torch.distributed.unavailableReason() reports. The prebuilt package binary does not
// include it: users who want torch.distributed install libgloo-dev and build from source.
//   node scripts/build-distributed.mjs [--force]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'native', 'distributed');
const buildDir = join(srcDir, 'build');
const logPath = join(buildDir, 'distributed-build.log');
const addonPath = join(buildDir, 'Release', 'torchlette_distributed.node');
const stampPath = join(buildDir, 'distributed-build.stamp');
const require = createRequire(import.meta.url);

function log(text) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(logPath, text);
}

/** Compiles and links a program that creates a Gloo TCP device: the test for "Gloo is here". */
function glooCompiles(cxx) {
  const dir = mkdtempSync(join(tmpdir(), 'torchlette-gloo-'));
  try {
    writeFileSync(
      join(dir, 't.cc'),
      '#include <gloo/allreduce.h>\n#include <gloo/rendezvous/context.h>\n#include <gloo/transport/tcp/device.h>\n' +
        'int main() { gloo::transport::tcp::attr a; a.hostname = "127.0.0.1"; auto d = gloo::transport::tcp::CreateDevice(a); return d ? 0 : 1; }\n',
    );
    const r = spawnSync(cxx, ['-std=c++17', 't.cc', '-o', 't', '-lgloo', '-lpthread'], { cwd: dir, encoding: 'utf8', shell: /\s/.test(cxx) });
    return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stamp() {
  const h = createHash('sha256');
  h.update(`${process.platform} ${process.arch}\n`);
  for (const name of readdirSync(srcDir).sort()) {
    if (name === 'build') continue;
    h.update(name);
    h.update(readFileSync(join(srcDir, name)));
  }
  return h.digest('hex');
}

function loads() {
  try {
    return typeof require(addonPath).newGroup === 'function';
  } catch {
    return false;
  }
}

/** Returns true when the addon is there and loads; never throws. */
export function buildDistributed({ force = false, nodeGyp, nodedir } = {}) {
  try {
    if (process.platform === 'win32') {
      log('UNAVAILABLE: torch.distributed (Gloo) is built on Linux and macOS only\n');
      return false;
    }
    const cxx = process.env.CXX || 'g++';
    const probe = glooCompiles(cxx);
    if (!probe.ok) {
      log(`UNAVAILABLE: Gloo was not found when torchlette was built (install libgloo-dev, then run node scripts/build-distributed.mjs)\n\n${probe.output}`);
      return false;
    }
    const s = stamp();
    if (!force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === s && loads()) return true;
    if (!nodeGyp) {
      log('UNAVAILABLE: node-gyp was not found to build the distributed addon\n');
      return false;
    }
    const args = [nodeGyp, 'rebuild', '--release', `--directory=${srcDir}`, ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    if (r.status !== 0 || !loads()) {
      log(`UNAVAILABLE: the distributed addon did not build or load (node-gyp exited with ${r.status})\n\n${output}`);
      return false;
    }
    writeFileSync(stampPath, s);
    log(`OK: built against Gloo\n\n${output}`);
    console.log('torchlette: torch.distributed (Gloo) addon built');
    return true;
  } catch (e) {
    log(`UNAVAILABLE: building the distributed addon failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const npmGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const prefix = resolve(process.execPath, '..', '..');
  const nodedir = existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined;
  const ok = buildDistributed({ force: process.argv.includes('--force'), nodeGyp: process.env.npm_config_node_gyp || (existsSync(npmGyp) ? npmGyp : undefined), nodedir });
  if (!ok) console.warn(`torchlette: torch.distributed unavailable: ${readFileSync(logPath, 'utf8').split('\n')[0]}`);
}
