// Downloads for datasets' `download: true`. Dataset constructors are synchronous (as
// torchvision's), so the fetch runs on a helper thread while this one waits on a
// SharedArrayBuffer (hub/fetch-sync.ts); files are checked by MD5 as torchvision does.
import { createHash } from '#platform/crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from '#platform/fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from '#platform/path';
import { fetchToPathSync } from '../../hub/fetch-sync.js';
import { gunzipIfGzipped } from './gzip.js';
import { latin1Decode } from '../../platform/bytes.js';

/** Fetches `url` into `dest` synchronously (through `dest.part`); throws with the reason on failure. */
export function fetchToFileSync(url: string, dest: string, timeoutMs = 10 * 60 * 1000): void {
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.part`;
  try {
    fetchToPathSync(url, tmp, { idleTimeoutMs: timeoutMs });
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function md5Of(path: string): string {
  return createHash('md5').update(readFileSync(path)).digest('hex');
}

/** torchvision's check_integrity: the file exists and (if an md5 is given) matches it. */
export function checkIntegrity(path: string, md5?: string): boolean {
  return existsSync(path) && (md5 === undefined || md5Of(path) === md5);
}

/**
 * Downloads `filename` from the first mirror that works into `folder` and checks its
 * MD5. `howToFix` is appended to the error when every mirror fails (e.g. offline).
 */
export function downloadFromMirrors(mirrors: readonly string[], filename: string, folder: string, md5: string | undefined, howToFix: string): string {
  const dest = join(folder, filename);
  if (checkIntegrity(dest, md5)) {
    // torchvision's download_url says so (with os.path.join's spelling of the path)
    console.log(`Using downloaded and verified file: ${folder.endsWith('/') ? folder : `${folder}/`}${filename}`);
    return dest;
  }
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = `${mirror}${filename}`;
    try {
      fetchToFileSync(url, dest);
    } catch (e) {
      failures.push(`${url}: ${(e as Error).message}`);
      continue;
    }
    if (checkIntegrity(dest, md5)) return dest;
    rmSync(dest, { force: true });
    failures.push(`${url}: MD5 mismatch (expected ${md5})`);
  }
  throw new Error(`Could not download ${filename}:\n  ${failures.join('\n  ')}\n${howToFix}`);
}

/**
 * Where entry `name` of an archive lands under `folder`; throws if it would land
 * outside it (`../x`, `/abs`, `a/../../x`). A directory entry may name `folder`
 * itself (`./`); a file may not.
 */
function pathInside(folder: string, name: string, isDir: boolean, archive: string): string {
  const path = resolve(folder, name);
  const rel = relative(resolve(folder), path);
  const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  if (outside || (rel === '' && !isDir)) throw new Error(`${archive}: refusing to extract ${name} outside ${folder}`);
  return path;
}

/**
 * Extracts the regular files (and directories) of a .tar or .tar.gz archive into
 * `folder`; refuses any entry whose path would land outside `folder`.
 */
export function extractTar(archive: string, folder: string): void {
  const bytes = gunzipIfGzipped(readFileSync(archive), archive);
  const text = (start: number, length: number) => latin1Decode(bytes.subarray(start, start + length)).replace(/\0.*$/s, '');
  let pos = 0;
  while (pos + 512 <= bytes.length) {
    const name = text(pos, 100);
    if (name === '') break;
    const size = parseInt(text(pos + 124, 12).trim() || '0', 8);
    const type = text(pos + 156, 1);
    const prefix = text(pos + 345, 155);
    const path = pathInside(folder, prefix ? `${prefix}/${name}` : name, type === '5', archive);
    const start = pos + 512;
    if (type === '5') mkdirSync(path, { recursive: true });
    else if (type === '0' || type === '') {
      if (start + size > bytes.length) throw new Error(`${archive}: truncated tar archive at ${name}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes.subarray(start, start + size));
    }
    pos = start + Math.ceil(size / 512) * 512;
  }
}
