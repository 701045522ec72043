// Every collective against its definition, for every reduce op and dtype, with 2 and 3
// processes on 127.0.0.1 (workers/collectives.ts does the checking in each rank).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe, distributedSkip, runRanks } from './helpers.js';

const skip = distributedSkip();

for (const n of [2, 3]) {
  test(`collectives with ${n} processes equal their definitions (float32/float64/int64/int32/uint8, SUM/AVG/PRODUCT/MIN/MAX)`, { skip, timeout: 120_000 }, async () => {
    const results = await runRanks('collectives.ts', n, { timeoutMs: 100_000 });
    for (const r of results) {
      assert.equal(r.code, 0, describe(results));
      assert.match(r.stdout, /ok \d+ checks/);
    }
  });
}
