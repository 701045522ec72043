// torchlette-run (bin/torchlette-run.mjs): PyTorch's environment per rank, rank-prefixed
// output, a failed or killed rank stops the job and names the rank, signals are forwarded.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { distributedSkip, WORKERS } from './helpers.js';

const skip = distributedSkip();
const LAUNCHER = join(import.meta.dirname, '..', '..', 'bin', 'torchlette-run.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function launch(args: string[], onLine?: (line: string, pid: number) => void, timeoutMs = 60_000, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [LAUNCHER, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of d.toString().split('\n')) if (line) onLine?.(line, child.pid as number);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('torchlette-run starts the ranks with PyTorch\'s environment and prefixes their output', { skip, timeout: 60_000 }, async () => {
  const r = await launch(['--nproc-per-node', '2', '--standalone', join(WORKERS, 'launch.ts'), 'x', '--y']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const rank of [0, 1]) {
    assert.match(r.stdout, new RegExp(`^\\[rank${rank}\\]:pid \\d+ rank ${rank} local ${rank} world 2 args x --y$`, 'm'));
    assert.match(r.stdout, new RegExp(`^\\[rank${rank}\\]:sum 2,2,2$`, 'm'));
  }
  // torchrun's underscore spellings and --flag=value; node ranks offset RANK.
  const two = await launch(['--nproc_per_node=1', '--nnodes=1', '--node_rank=0', '--master_addr=127.0.0.1', `--master_port=${20000 + Math.floor(Math.random() * 20000)}`, join(WORKERS, 'launch.ts')]);
  assert.equal(two.code, 0, two.stdout + two.stderr);
  const bad = await launch(['--nproc-per-node', 'two', join(WORKERS, 'launch.ts')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--nproc-per-node must be an integer >= 1, got 'NaN'|got 'two'/);
});

test('a TypeScript script runs from any working directory, as torchrun runs one (tsx is found from the script)', { skip, timeout: 60_000 }, async () => {
  const r = await launch(['--nproc-per-node', '1', '--standalone', join(WORKERS, 'launch.ts')], undefined, 60_000, tmpdir());
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^\[rank0\]:sum 1,1,1$/m);
});

test('a rank that throws stops the job: exit 1 naming the rank and its exit code', { skip, timeout: 60_000 }, async () => {
  const r = await launch(['--nproc-per-node', '2', '--standalone', join(WORKERS, 'launch.ts'), '--train', '--throw-on', '1']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /\[rank1\]:.*boom on rank 1/);
  assert.match(r.stderr, /torchlette-run: rank 1 \(local_rank: 1, pid: \d+\) failed with exit code 1; the other ranks were stopped/);
});

test('killing one rank mid-training ends the job within the timeout, naming the killed rank', { skip, timeout: 60_000 }, async () => {
  let killed = false;
  const r = await launch(['--nproc-per-node', '2', '--standalone', join(WORKERS, 'launch.ts'), '--train'], (line) => {
    const m = /^\[rank1\]:pid (\d+)/.exec(line);
    if (m) (globalThis as { victim?: number }).victim = Number(m[1]);
    if (/^\[rank1\]:training/.test(line) && !killed) {
      killed = true;
      process.kill((globalThis as { victim?: number }).victim as number, 'SIGKILL');
    }
  });
  assert.ok(killed, r.stdout + r.stderr);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /torchlette-run: rank 1 \(local_rank: 1, pid: \d+\) was killed by SIGKILL \(exitcode: -9\); the other ranks were stopped/);
  assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
});

test('SIGTERM to the launcher is forwarded to every rank', { skip, timeout: 60_000 }, async () => {
  let sent = false;
  const r = await launch(['--nproc-per-node', '2', '--standalone', join(WORKERS, 'launch.ts'), '--train'], (line, pid) => {
    if (/^\[rank0\]:training/.test(line) && !sent) {
      sent = true;
      process.kill(pid, 'SIGTERM');
    }
  });
  assert.ok(sent);
  assert.equal(r.code, 143, r.stdout + r.stderr);
});
