// Importing torchlette does no I/O: no file is read, no addon loaded and no backend chosen
// until the first op (or backends.info()) asks for one. A child process patches node:fs and
// process.dlopen before importing the package and reports the calls made from src/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const PROBE = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const calls = [];
const ours = () => (new Error().stack ?? '').split('\\n').some((l) => l.includes('/src/') && !l.includes('node_modules'));
for (const name of ['readFileSync', 'existsSync', 'readdirSync', 'statSync', 'openSync', 'readFile', 'writeFileSync', 'mkdirSync']) {
  const original = fs[name];
  fs[name] = function (...args) {
    if (ours()) calls.push(name + ' ' + String(args[0]));
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();
const dlopen = process.dlopen;
process.dlopen = function (...args) {
  calls.push('dlopen ' + String(args[1]));
  return dlopen.apply(this, args);
};
const torch = await import('./src/index.ts');
await import('./src/vision/index.ts');
const atImport = calls.splice(0);
const info = torch.backends.info();
console.log(JSON.stringify({ atImport, afterInfo: calls, active: info.active }));
`;

test('importing torchlette and torchlette/vision reads no file and loads no addon; the first use does', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TORCHLETTE_BACKEND: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { atImport: string[]; afterInfo: string[]; active: string };
  assert.deepEqual(out.atImport, []);
  // backends.info() chose a backend: the native one loads an addon (dlopen), the others read the .wasm or look for files.
  assert.ok(out.afterInfo.length > 0, `backends.info() (active: ${out.active}) touched nothing`);
  if (out.active === 'native') assert.ok(out.afterInfo.some((c) => c.startsWith('dlopen ')));
});
