// Writes replace a file atomically: a temporary file beside the target is written,
// flushed to disk and renamed over it, so readers see the old file or the new one,
// never a partial write; on failure the temporary file goes and the target is untouched.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
