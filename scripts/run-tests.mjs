// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
// TORCHLETTE_TEST_EXCLUDE: comma-separated path prefixes to leave out (see test-backends.mjs).
const excluded = (process.env.TORCHLETTE_TEST_EXCLUDE ?? '').split(',').filter(Boolean);
const files = find('test')
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .filter((f) => !excluded.some((p) => f.startsWith(p)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
