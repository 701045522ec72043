// Random access to a file's bytes: an open file (sync load reads only what it needs,
// straight into tensor memory) or a buffer already in memory; and the paths that
// save / load accept.
import { closeSync, fstatSync, openSync, readFile, readSync } from '#platform/fs';
import { platformName } from '#platform/os';
import { fileURLToPath } from '#platform/path';
import { PlatformUnavailableError } from '../platform/unavailable.js';
import type { ByteInput } from './bytes.js';
import { inFile, SerializationError } from './errors.js';

/**
 * A path given as a string or a file: URL, as a filesystem path. `api` names the caller
 * for the error a web page gets (it has no files).
 */
export function pathString(path: string | URL, api = 'this function', instead?: string): string {
  if (platformName === 'browser') {
    throw new PlatformUnavailableError(
      instead !== undefined
        ? `${api}(path) writes a file, which a web page cannot: ${instead}`
        : `${api}(path) reads files, which a web page cannot: pass the bytes (a Uint8Array or ArrayBuffer) to the function that takes them, ` +
            'or a Blob, fetch Response or http(s) URL to its async form (loadAsync, loadFileAsync)',
    );
  }
  return path instanceof URL ? fileURLToPath(path) : path;
}

/** Bytes, an ArrayBuffer, or something with arrayBuffer() (a Blob, a File, a fetch Response). */
export type BytesLike = Uint8Array | ArrayBuffer | { arrayBuffer(): Promise<ArrayBuffer> };

/** Uint8Array and ArrayBuffer as a Uint8Array (no copy). */
export function asBytes(data: Uint8Array | ArrayBuffer, api: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`${api} expects a Uint8Array or an ArrayBuffer, but got ${Object.prototype.toString.call(data)}`);
}

/**
 * The whole content of `input` and a name for errors: a path or file: URL (read from disk in
 * Node), an http(s) URL (fetched), or bytes / a Blob / a fetch Response.
 */
export async function readAllAsync(input: string | URL | BytesLike, api: string): Promise<{ name: string; bytes: Uint8Array }> {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return { name: '<buffer>', bytes: asBytes(input, api) };
  const url = input instanceof URL ? input : typeof input === 'string' && /^https?:\/\//i.test(input) ? new URL(input) : null;
  if (url !== null && url.protocol !== 'file:') {
    const response = await fetch(url.href);
    if (!response.ok) throw new SerializationError(`${api}: fetching ${url.href} answered HTTP ${response.status} ${response.statusText}`);
    return { name: url.href, bytes: new Uint8Array(await response.arrayBuffer()) };
  }
  if (typeof input === 'string' || input instanceof URL) {
    const file = pathString(input, api);
    return { name: file, bytes: await readFile(file) };
  }
  if (typeof input === 'object' && input !== null && typeof input.arrayBuffer === 'function') {
    return { name: '<blob>', bytes: new Uint8Array(await input.arrayBuffer()) };
  }
  throw new TypeError(`${api} expects a path, a URL, a Uint8Array, an ArrayBuffer, a Blob or a fetch Response, but got ${Object.prototype.toString.call(input)}`);
}

export interface Source {
  readonly size: number;
  /** Fills `target` with the bytes at [offset, offset + target.length). */
  readInto(offset: number, target: Uint8Array, what: string): void;
  close(): void;
}

function checkRange(source: Source, offset: number, length: number, what: string): void {
  if (offset < 0 || length < 0 || offset + length > source.size) {
    throw new SerializationError(`${what} is truncated: it spans bytes ${offset}..${offset + length} but the file has ${source.size}`);
  }
}

export function readBytes(source: Source, offset: number, length: number, what: string): Uint8Array {
  checkRange(source, offset, length, what);
  const out = new Uint8Array(length);
  source.readInto(offset, out, what);
  return out;
}

export class BufferSource implements Source {
  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  readInto(offset: number, target: Uint8Array, what: string): void {
    checkRange(this, offset, target.length, what);
    target.set(this.bytes.subarray(offset, offset + target.length));
  }

  /** A view of [offset, offset + length) without copying. */
  view(offset: number, length: number, what: string): Uint8Array {
    checkRange(this, offset, length, what);
    return this.bytes.subarray(offset, offset + length);
  }

  close(): void {}
}

// readSync takes at most 2 GiB per call.
const MAX_READ = 1 << 30;

export class FileSource implements Source {
  readonly size: number;
  private fd: number | null;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    try {
      const stat = fstatSync(this.fd);
      if (!stat.isFile()) throw new SerializationError('not a regular file');
      this.size = stat.size;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  readInto(offset: number, target: Uint8Array, what: string): void {
    checkRange(this, offset, target.length, what);
    if (this.fd === null) throw new Error('file already closed');
    let done = 0;
    while (done < target.length) {
      const n = readSync(this.fd, target, done, Math.min(MAX_READ, target.length - done), offset + done);
      if (n <= 0) throw new SerializationError(`${what}: the file ended early (it changed while being read?)`);
      done += n;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Opens `file`, runs `fn` on it and closes it whatever happens; errors name the file. */
export function withFileSource<T>(file: string, fn: (source: FileSource) => T): T {
  return inFile(file, () => {
    const source = new FileSource(file);
    try {
      return fn(source);
    } finally {
      source.close();
    }
  });
}

const CHUNK = 1 << 16;
const NEWLINE = 0x0a;

/** Sequential reading from a Source through a small buffer (for pickle streams of unknown length). */
export class StreamInput implements ByteInput {
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart: number;
  private at = 0;

  constructor(
    private readonly source: Source,
    start: number,
    private readonly what: string,
  ) {
    this.chunkStart = start;
  }

  get pos(): number {
    return this.chunkStart + this.at;
  }

  private truncated(n: number): never {
    throw new SerializationError(`${this.what} is truncated: needs ${n} more bytes at offset ${this.pos} but the file has ${this.source.size}`);
  }

  private refill(): void {
    const start = this.pos;
    const length = Math.min(CHUNK, this.source.size - start);
    this.chunk = readBytes(this.source, start, length, this.what);
    this.chunkStart = start;
    this.at = 0;
  }

  byte(): number {
    if (this.at >= this.chunk.length) {
      this.refill();
      if (this.chunk.length === 0) this.truncated(1);
    }
    return this.chunk[this.at++];
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.source.size) this.truncated(n);
    if (this.at + n <= this.chunk.length) {
      const out = this.chunk.subarray(this.at, this.at + n);
      this.at += n;
      return out;
    }
    const out = readBytes(this.source, this.pos, n, this.what);
    this.chunkStart = this.pos + n;
    this.chunk = new Uint8Array(0);
    this.at = 0;
    return out;
  }

  line(max: number): Uint8Array {
    const bytes: number[] = [];
    for (;;) {
      const b = this.byte();
      if (b === NEWLINE) return Uint8Array.from(bytes);
      if (bytes.length >= max) throw new SerializationError(`${this.what}: expected a newline-terminated line of at most ${max} bytes at offset ${this.pos}`);
      bytes.push(b);
    }
  }
}
