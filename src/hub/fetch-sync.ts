// A synchronous HTTP download. The APIs that download (dataset constructors with
// `download: true`, model builders with `weights`) are synchronous, as PyTorch's are, so
// a worker thread streams the response into a file while this thread waits on a
// SharedArrayBuffer, waking ten times a second to report progress. The worker hashes the
// bytes (SHA-256) as they arrive, as torch.hub does.
import { fetchWorkerSource, Worker } from '#platform/threads';
import { utf8Decode } from '../platform/bytes.js';

const MESSAGE_BYTES = 4096;
// Layout of the shared buffer: Int32 status and message length, Float64 bytes received
// and Content-Length (-1: unknown), then the message (the digest, or the error).
const COUNTS_OFFSET = 8;
const MESSAGE_OFFSET = 24;
const RUNNING = 0;
const DONE = 1;
const FAILED = 2;


export interface FetchSyncOptions {
  /** Give up when no data arrives for this long (milliseconds). */
  idleTimeoutMs?: number;
  /** Request headers (torch.hub sends `User-Agent: torch.hub`). */
  headers?: Record<string, string>;
  /** Called about ten times a second, and once at the end: bytes received, Content-Length (null when unknown). */
  onProgress?: (received: number, total: number | null) => void;
}

export interface FetchSyncResult {
  /** Bytes written to the file. */
  bytes: number;
  /** SHA-256 of those bytes, lowercase hex. */
  sha256: string;
}

/**
 * Downloads `url` into `path` (created or truncated) and waits for it; throws an Error
 * whose message is the cause (`HTTP Error 404: Not Found`, `fetch failed: connect
 * ECONNREFUSED …`). On failure `path` may hold part of the body: the caller, which owns
 * the file name, removes it.
 */
export function fetchToPathSync(url: string, path: string, options: FetchSyncOptions = {}): FetchSyncResult {
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const shared = new SharedArrayBuffer(MESSAGE_OFFSET + MESSAGE_BYTES);
  const state = new Int32Array(shared, 0, 2);
  const counts = new Float64Array(shared, COUNTS_OFFSET, 2);
  counts[1] = -1;
  const source = fetchWorkerSource({ countsOffset: COUNTS_OFFSET, messageOffset: MESSAGE_OFFSET, done: DONE, failed: FAILED });
  const worker = new Worker(source, { eval: true, workerData: { url, path, shared, idleTimeoutMs, headers: options.headers ?? {} } });
  const progress = () => options.onProgress?.(counts[0], counts[1] < 0 ? null : counts[1]);
  try {
    // The worker times itself out when data stops; this guard only covers a worker that died.
    let lastChange = Date.now();
    let lastCount = 0;
    while (Atomics.load(state, 0) === RUNNING) {
      Atomics.wait(state, 0, RUNNING, 100);
      progress();
      if (counts[0] !== lastCount) {
        lastCount = counts[0];
        lastChange = Date.now();
      } else if (Date.now() - lastChange > idleTimeoutMs + 10_000 && Atomics.load(state, 0) === RUNNING) {
        throw new Error(`no data received for ${(idleTimeoutMs + 10_000) / 1000} s`);
      }
    }
    const text = utf8Decode(new Uint8Array(shared, MESSAGE_OFFSET, Atomics.load(state, 1)).slice());
    if (Atomics.load(state, 0) === FAILED) throw new Error(text);
    return { bytes: counts[0], sha256: text };
  } finally {
    void worker.terminate();
  }
}
