// Multi-process tests: spawning ranks as child Node processes (TypeScript via tsx), free
// ports from the OS, hard timeouts (every child is killed when one runs over), and the
// rule for skipping: only when the addon is missing AND TORCHLETTE_REQUIRE_DISTRIBUTED is
// unset (CI sets it, so CI can never skip into green).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as torch from '../../src/index.js';

/** A skip reason for node:test (false: run), or an error when CI requires distributed. */
export function distributedSkip(): string | false {
  if (torch.distributed.isAvailable()) return false;
  if (process.env.TORCHLETTE_REQUIRE_DISTRIBUTED) {
    throw new Error(`TORCHLETTE_REQUIRE_DISTRIBUTED is set but torch.distributed is not available: ${torch.distributed.unavailableReason()}`);
  }
  return `torch.distributed is not available: ${torch.distributed.unavailableReason()}`;
}

/** A port nobody listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RankResult {
  rank: number;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  args?: string[];
  /** Kills every rank after this many ms (default 60 s). */
  timeoutMs?: number;
  /** Called with each child once it has started (e.g. to kill or stop it later). */
  onSpawn?: (rank: number, pid: number) => void;
  /** Called with each piece of a rank's stdout as it arrives. */
  onStdout?: (rank: number, text: string) => void;
}

export const WORKERS = join(import.meta.dirname, 'workers');

/** Runs `worker` as `n` ranks of a job on 127.0.0.1 and resolves with every rank's result. */
export async function runRanks(worker: string, n: number, opts: RunOptions = {}): Promise<RankResult[]> {
  const port = await freePort();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const children = Array.from({ length: n }, (_, rank) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(WORKERS, worker), ...(opts.args ?? [])], {
      env: { ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: String(n), LOCAL_RANK: String(rank), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) opts.onSpawn?.(rank, child.pid);
    return child;
  });
  const timer = setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
  }, timeoutMs);
  try {
    return await Promise.all(
      children.map(
        (child, rank) =>
          new Promise<RankResult>((resolve) => {
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (d: Buffer) => {
              stdout += d.toString();
              opts.onStdout?.(rank, d.toString());
            });
            child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
            child.on('close', (code, signal) => resolve({ rank, code, signal, stdout, stderr }));
          }),
      ),
    );
  } finally {
    clearTimeout(timer);
  }
}

/** A readable account of a job's ranks, for assertion messages. */
export function describe(results: RankResult[]): string {
  return results.map((r) => `--- rank ${r.rank}: code ${r.code} signal ${r.signal}\n${r.stdout}\n${r.stderr}`).join('\n');
}
