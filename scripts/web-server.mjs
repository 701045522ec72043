// A tiny static HTTP server for pages that use torchlette: the demo (npm run web) and the
// browser tests (test/browser/). It sends the two headers that make a page
// crossOriginIsolated (Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp), without which a page has no
// SharedArrayBuffer and so no WebAssembly threads. It listens on 127.0.0.1 only.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.pt': 'application/octet-stream',
  '.gz': 'application/octet-stream',
};

/**
 * Serves `mounts`: URL prefix → folder on disk (e.g. { '/': 'examples/web', '/assets/': 'assets' }),
 * the longest matching prefix first; `files`: exact URL → file on disk. Resolves with
 * { server, url, close } once listening on `port` (0: a free port). `isolate: false` leaves
 * out the COOP/COEP headers (the browser tests' page without SharedArrayBuffer).
 */
export async function startServer({ mounts = {}, files = {}, port = 0, log = false, isolate = true } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = files[path];
    if (!file) {
      const prefix = prefixes.find((p) => path.startsWith(p));
      if (prefix) {
        const root = mounts[prefix];
        const rel = normalize(path.slice(prefix.length) || 'index.html');
        // no escaping the mounted folder with ../
        if (!rel.startsWith('..') && !rel.includes(`${sep}..`)) file = join(root, rel.endsWith(sep) ? join(rel, 'index.html') : rel);
      }
    }
    let body = null;
    if (file) {
      try {
        const s = await stat(file);
        body = await readFile(s.isDirectory() ? join(file, 'index.html') : file);
        if (s.isDirectory()) file = join(file, 'index.html');
      } catch {
        body = null;
      }
    }
    const headers = isolate
      ? {
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
          'Cross-Origin-Resource-Policy': 'same-origin',
          'Cache-Control': 'no-store',
        }
      : { 'Cache-Control': 'no-store' };
    if (body === null) {
      if (log) console.log(`404 ${path}`);
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end(`not found: ${path}\n`);
      return;
    }
    if (log) console.log(`200 ${path}`);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  return { server, url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
