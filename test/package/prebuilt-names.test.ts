// The prebuilt-binary naming the loader reads (node-gyp-build's tags; see scripts/prebuild.mjs).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { linuxLibc, prebuildDir, prebuiltCandidates } from '../../src/backend/native/addon.js';

test('prebuilt binaries: N-API and libc-tagged first, the other libc and ABI-specific builds skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'torchlette-prebuilds-'));
  try {
    for (const name of ['torchlette.node', 'torchlette.napi.musl.node', 'torchlette.napi.glibc.node', 'torchlette.napi.node', 'node.abi115.node', 'electron.napi.node', 'README.txt']) {
      writeFileSync(join(dir, name), '');
    }
    const names = prebuiltCandidates(dir).map((p) => basename(p));
    const libc = linuxLibc();
    const expected =
      libc === 'glibc'
        ? ['torchlette.napi.glibc.node', 'torchlette.napi.node', 'torchlette.node']
        : libc === 'musl'
          ? ['torchlette.napi.musl.node', 'torchlette.napi.node', 'torchlette.node']
          : ['torchlette.napi.node', 'torchlette.node'];
    assert.deepEqual(names, expected);
    assert.deepEqual(prebuiltCandidates(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the prebuilt folder is named by Node's platform and arch", () => {
  assert.equal(basename(prebuildDir()), `${process.platform}-${process.arch}`);
  assert.equal(basename(join(prebuildDir(), '..')), 'prebuilds');
});
