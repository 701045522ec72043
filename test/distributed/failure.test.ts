// A peer that dies or stops: the survivor gets an error, never a hang past the timeout.
// (Gloo: a killed peer resets the connection at once; a stopped one trips the timeout.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe, distributedSkip, runRanks } from './helpers.js';

const skip = distributedSkip();

for (const how of ['SIGKILL', 'SIGSTOP'] as const) {
  test(`a ${how === 'SIGKILL' ? 'killed' : 'stopped'} peer gives the survivor an error (${how}), within the timeout`, { skip, timeout: 60_000 }, async () => {
    const pids: number[] = [];
    let signalled = 0;
    const results = await runRanks('failure.ts', 2, {
      env: { TL_TIMEOUT_MS: '2000' },
      timeoutMs: 40_000,
      onSpawn: (rank, pid) => (pids[rank] = pid),
      onStdout: (rank, text) => {
        if (rank === 1 && text.includes('ready') && signalled === 0) {
          setTimeout(() => {
            signalled = Date.now();
            process.kill(pids[1], how);
          }, 200);
        }
        if (rank === 0 && text.includes('ERROR') && how === 'SIGSTOP') {
          process.kill(pids[1], 'SIGKILL'); // the stopped rank never ends by itself
        }
      },
    });
    const survivor = results[0];
    assert.equal(survivor.code, 3, describe(results));
    const m = /ERROR after (\d+) ms: (.*)/.exec(survivor.stdout);
    assert.ok(m, describe(results));
    const ms = Number(m[1]);
    if (how === 'SIGKILL') {
      assert.match(m[2], /Connection reset by peer|Connection closed by peer|Broken pipe/, m[2]);
      assert.ok(ms < 10_000, `error after ${ms} ms`);
    } else {
      assert.match(m[2], /Timed out|timeout/i, m[2]);
      assert.ok(ms >= 1500 && ms < 20_000, `error after ${ms} ms (timeout 2000 ms)`);
    }
  });
}
