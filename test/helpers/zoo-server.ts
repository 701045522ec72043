// A model-zoo mirror on 127.0.0.1 for the download tests. Downloads block the test's
// thread (they are synchronous, as PyTorch's), so the server runs on a worker thread and
// counts requests in shared memory, readable while the main thread is blocked.
//   /models/<name>     the file <name> from `root` (404 when absent), in 4 KiB chunks
//   /truncated/<name>  announces 100000 bytes, sends 100, then drops the connection
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const SERVER = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const counter = new Int32Array(workerData.shared);
const server = http.createServer((req, res) => {
  Atomics.add(counter, 0, 1);
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname.startsWith('/truncated/')) {
    res.writeHead(200, { 'Content-Length': '100000' });
    res.write(Buffer.alloc(100));
    setTimeout(() => res.destroy(), 50);
    return;
  }
  const file = path.join(workerData.root, path.basename(url.pathname));
  if (!url.pathname.startsWith('/models/') || !fs.existsSync(file)) {
    res.writeHead(404, 'Not Found');
    res.end();
    return;
  }
  const data = fs.readFileSync(file);
  res.writeHead(200, { 'Content-Length': String(data.length) });
  for (let i = 0; i < data.length; i += 4096) res.write(data.subarray(i, i + 4096));
  res.end();
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => parentPort.close()));
`;

export interface ZooServer {
  /** http://127.0.0.1:<port>/models/ — what TORCHLETTE_MODEL_ZOO_URL points at. */
  readonly url: string;
  readonly port: number;
  /** Requests served so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Serves the files of `root` until closed. */
export async function startZooServer(root: string): Promise<ZooServer> {
  const shared = new SharedArrayBuffer(4);
  const counter = new Int32Array(shared);
  const worker = new Worker(SERVER, { eval: true, workerData: { root, shared } });
  const [port] = (await once(worker, 'message')) as [number];
  return {
    url: `http://127.0.0.1:${port}/models/`,
    port,
    requests: () => Atomics.load(counter, 0),
    async close() {
      worker.postMessage('close');
      await worker.terminate();
    },
  };
}

/** A port where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
