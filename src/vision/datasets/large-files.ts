// Files past what readFileSync takes (2 GiB) or than is worth holding in memory: STL10's
// 2.7 GB unlabeled images, ImageNet's 6 GB and 138 GB archives. Reading, MD5 and tar
// extraction go a chunk at a time. Only uncompressed tars; entries whose path would leave
// the target folder are refused.
import { createHash } from '#platform/crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from '#platform/fs';
import { dirname, isAbsolute, relative, resolve, sep } from '#platform/path';

const CHUNK = 1 << 22;

function withFd<T>(path: string, flags: string, fn: (fd: number) => T): T {
  const fd = openSync(path, flags);
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

/** The MD5 of a file of any size, read in chunks. */
export function md5OfLargeFile(path: string): string {
  const hash = createHash('md5');
  const buf = Buffer.allocUnsafe(CHUNK);
  withFd(path, 'r', (fd) => {
    let at = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, at);
      if (n <= 0) break;
      hash.update(buf.subarray(0, n));
      at += n;
    }
  });
  return hash.digest('hex');
}

/** A whole file of any size (up to what a Uint8Array holds), read in chunks. */
export function readLargeFile(path: string): Uint8Array {
  return withFd(path, 'r', (fd) => {
    const size = fstatSync(fd).size;
    const out = new Uint8Array(size);
    for (let at = 0; at < size; ) {
      const n = readSync(fd, out, at, Math.min(1 << 30, size - at), at);
      if (n <= 0) throw new Error(`${path}: the file ended early (it changed while being read?)`);
      at += n;
    }
    return out;
  });
}

/** check_integrity for large files: it exists and, if `md5` is given, matches it. */
export function checkLargeFileIntegrity(path: string, md5?: string): boolean {
  return existsSync(path) && (md5 === undefined || md5OfLargeFile(path) === md5);
}

function inside(folder: string, name: string, archive: string): string {
  const path = resolve(folder, name);
  const rel = relative(resolve(folder), path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new Error(`${archive}: refusing to extract ${name} outside ${folder}`);
  return path;
}

/**
 * Extracts the regular files of an uncompressed tar into `folder` (ustar and GNU long
 * names; directories are made as needed) and returns their paths in archive order.
 */
export function extractLargeTar(archive: string, folder: string): string[] {
  const written: string[] = [];
  const header = Buffer.alloc(512);
  const buf = Buffer.allocUnsafe(CHUNK);
  withFd(archive, 'r', (fd) => {
    let pos = 0;
    let longName: string | null = null;
    const read = (target: Buffer, length: number, at: number): void => {
      let done = 0;
      while (done < length) {
        const n = readSync(fd, target, done, length - done, at + done);
        if (n <= 0) throw new Error(`${archive}: truncated tar archive`);
        done += n;
      }
    };
    const text = (start: number, length: number) => header.subarray(start, start + length).toString('latin1').replace(/\0.*$/s, '');
    for (;;) {
      if (readSync(fd, header, 0, 512, pos) < 512) break;
      const name = text(0, 100);
      if (name === '') break;
      const size = parseInt(text(124, 12).trim() || '0', 8);
      if (!Number.isFinite(size) || size < 0) throw new Error(`${archive}: bad size in the tar header of ${name}`);
      const type = text(156, 1);
      const start = pos + 512;
      pos = start + Math.ceil(size / 512) * 512;
      if (type === 'L') {
        const long = Buffer.alloc(size);
        read(long, size, start);
        longName = long.toString('utf8').replace(/\0.*$/s, '');
        continue;
      }
      const prefix = text(345, 155);
      const entry = longName ?? (prefix ? `${prefix}/${name}` : name);
      longName = null;
      if (type === '5') {
        if (relative(resolve(folder), resolve(folder, entry)) !== '') mkdirSync(inside(folder, entry, archive), { recursive: true });
        continue;
      }
      if (type !== '0' && type !== '') continue; // links, devices, pax headers: not dataset files
      const path = inside(folder, entry, archive);
      mkdirSync(dirname(path), { recursive: true });
      withFd(path, 'w', (out) => {
        for (let done = 0; done < size; ) {
          const n = Math.min(CHUNK, size - done);
          read(buf, n, start + done);
          writeSync(out, buf, 0, n);
          done += n;
        }
      });
      written.push(path);
    }
  });
  return written;
}
