// The examples are written as users write them: they import 'torchlette' and
// 'torchlette/vision' (tsconfig.json's paths map the package's own name to src/ inside the
// repository), never files under src/, so a copied example runs against the installed package.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './run.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('no example imports from src/', () => {
  const offenders = tsFiles(join(ROOT, 'examples')).filter((f) => /from\s+['"](\.\.\/)+src\//.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});
