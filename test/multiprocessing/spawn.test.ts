// torch.multiprocessing.spawn (test/multiprocessing/workers/spawn.ts): fn(rank, ...args) in
// nprocs processes that re-run the program, as Python's spawn start method; DDP over Gloo from
// spawned ranks gives PyTorch's parameters (scripts/fixtures/multiprocessing_spawn.py, the same
// program under PyTorch's mp.spawn); a raising or exiting rank rejects with PyTorch's exceptions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { distributedSkip, freePort } from '../distributed/helpers.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture<{ params: number[]; exited: string }>('multiprocessing_spawn.json');
const SCRIPT = join(import.meta.dirname, 'workers', 'spawn.ts');

function run(...args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { encoding: 'utf-8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout.split('\n').filter((l) => l).sort();
}

test('spawn runs fn(rank, ...args) in nprocs processes that run the program again, then resolves in the parent', () => {
  assert.deepEqual(run('ok'), ['parent done', 'rank 0 of 2 x', 'rank 1 of 2 x', 'top 0:0', 'top 0:1', 'top parent']);
  // a second spawn call: its processes pass the first call without running it
  assert.deepEqual(run('twice'), ['first 0', 'first 1', 'parent done', 'second 0', 'second 1', 'top 0:0', 'top 0:1', 'top 1:0', 'top 1:1', 'top parent']);
});

test("a rank that throws or exits rejects the spawn with PyTorch's exceptions", () => {
  assert.ok(run('raise').includes('parent caught ProcessRaisedException: -- Process 1 terminated with the following error: | Error: boom on rank 1'));
  assert.ok(run('exit').includes(`parent caught ProcessExitedException: ${fx.exited}`));
});

test("DDP from spawned ranks (the DDP tutorial's entry point) trains to PyTorch's parameters", { skip: distributedSkip() }, async () => {
  const port = String(await freePort());
  const line = run('ddp', port).find((l) => l.startsWith('params '));
  assert.ok(line !== undefined);
  const got = JSON.parse(line.slice('params '.length)) as number[];
  got.forEach((v, i) => assert.ok(Math.abs(v - fx.params[i]) <= 1e-6 * Math.abs(fx.params[i]), `${v} vs ${fx.params[i]}`));
});
