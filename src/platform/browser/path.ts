// Paths in a web page: POSIX rules in plain JS (there is no file system; names still get
// joined and split, e.g. an archive's entry names), and file URLs as plain URL parsing.
import type * as Node from '../node/path.js';

export const sep = '/';

function normalizeParts(parts: string[], absolute: boolean): string {
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(p);
  }
  const body = out.join('/');
  return absolute ? `/${body}` : body || '.';
}

export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}

export function join(...paths: string[]): string {
  const joined = paths.filter((p) => p !== '').join('/');
  if (joined === '') return '.';
  const trailing = joined.endsWith('/') ? '/' : '';
  const n = normalizeParts(joined.split('/'), isAbsolute(joined));
  return n === '/' ? n : n + trailing;
}

/** Like Node's, with '/' standing for the (absent) current directory. */
export function resolve(...paths: string[]): string {
  let acc = '';
  for (let i = paths.length - 1; i >= 0 && !isAbsolute(acc); i--) acc = acc ? `${paths[i]}/${acc}` : paths[i];
  return normalizeParts(`/${acc}`.split('/'), true);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path.startsWith('/') ? '/' : '.';
  const at = trimmed.lastIndexOf('/');
  if (at < 0) return '.';
  return at === 0 ? '/' : trimmed.slice(0, at);
}

export function basename(path: string, suffix?: string): string {
  const base = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return suffix && base.endsWith(suffix) && base !== suffix ? base.slice(0, -suffix.length) : base;
}

export function extname(path: string): string {
  const base = basename(path);
  const at = base.lastIndexOf('.');
  return at <= 0 ? '' : base.slice(at);
}

export const parse: typeof Node.parse = (path: string) => {
  const base = basename(path);
  const ext = extname(path);
  const dir = path.includes('/') ? dirname(path) : '';
  return { root: isAbsolute(path) ? '/' : '', dir, base, ext, name: ext ? base.slice(0, -ext.length) : base };
};

export const fileURLToPath: typeof Node.fileURLToPath = (url: string | URL) => {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'file:') throw new TypeError(`The URL must be of scheme file (got ${u.href})`);
  return decodeURIComponent(u.pathname);
};

export const pathToFileURL: typeof Node.pathToFileURL = (path: string) => new URL(`file://${encodeURI(resolve(path))}`);
