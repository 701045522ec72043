// Writes replace a file atomically: a temporary file beside the target is written,
// flushed to disk and renamed over it, so readers see the old file or the new one,
// never a partial write; on failure the temporary file goes and the target is untouched.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from '#platform/fs';
import { open, rename, unlink } from '#platform/fs';
import { basename, dirname, join } from '#platform/path';
import { randomHex } from '#platform/crypto';
import { pid, processAlive } from '#platform/os';

function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${pid()}.${randomHex(6)}.tmp`);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes the temporaries that interrupted saves to `path` left behind (a killed process
 * cannot clean up after itself): only files named exactly as temporaryPath names them,
 * and only those of processes that no longer run, so a concurrent save is never touched.
 */
function removeOrphans(path: string): void {
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return; // the directory does not exist yet: the write itself will say so
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (m === null || Number(m[1]) === pid() || processAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dirname(path), name));
    } catch {
      /* gone already, or not ours to remove */
    }
  }
}

// writeSync writes at most 2 GiB per call.
const MAX_WRITE = 1 << 30;

function writeAll(fd: number, chunk: Uint8Array): void {
  let done = 0;
  while (done < chunk.length) done += writeSync(fd, chunk, done, Math.min(MAX_WRITE, chunk.length - done));
}

function syncDirectory(path: string): void {
  // Makes the rename itself durable; not possible everywhere (Windows), where it is skipped.
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  removeOrphans(path);
  const tmp = temporaryPath(path);
  let fd: number | null = openSync(tmp, 'wx', 0o644);
  try {
    for (const chunk of chunks) writeAll(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  syncDirectory(path);
}

export async function writeFileAtomicAsync(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  removeOrphans(path);
  const tmp = temporaryPath(path);
  const handle = await open(tmp, 'wx', 0o644);
  let closed = false;
  try {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, done, Math.min(MAX_WRITE, chunk.length - done));
        done += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(tmp, path);
  } catch (e) {
    if (!closed) await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  syncDirectory(path);
}
