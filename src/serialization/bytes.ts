// Bounds-checked little-endian reading and a growable writer for the binary formats.
import { SerializationError } from './errors.js';

/** Sequential input for the unpickler: an in-memory buffer or a stream over a file. */
export interface ByteInput {
  /** Bytes consumed so far (for error messages). */
  readonly pos: number;
  byte(): number;
  /** The next n bytes (may alias the input: copy before keeping). */
  take(n: number): Uint8Array;
  /** Bytes up to and excluding the next '\n', which is consumed; at most `max` bytes. */
  line(max: number): Uint8Array;
}

const NEWLINE = 0x0a;

/** Reads a Uint8Array front to back, failing cleanly past its end. */
export class ByteReader implements ByteInput {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    /** What the bytes are, for messages: 'data.pkl', 'the zip central directory'. */
    readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.remaining) {
      throw new SerializationError(`${this.what} is truncated: needs ${n} more bytes at offset ${this.pos} but only ${this.remaining} remain`);
    }
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  line(max: number): Uint8Array {
    const end = this.bytes.indexOf(NEWLINE, this.pos);
    if (end < 0 || end - this.pos > max) {
      throw new SerializationError(`${this.what}: expected a newline-terminated line of at most ${max} bytes at offset ${this.pos}`);
    }
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  u16(): number {
    const b = this.take(2);
    return b[0] | (b[1] << 8);
  }

  u32(): number {
    const b = this.take(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000;
  }

  /** An unsigned 64-bit field; values past 2^53 cannot be a real size or offset here. */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi >= 0x200000) throw new SerializationError(`${this.what}: 64-bit field ${hi * 2 ** 32 + lo} at offset ${this.pos - 8} is too large`);
    return hi * 2 ** 32 + lo;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

/** Appends little-endian fields to a growing buffer. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.length++] = v;
    return this;
  }

  u16(v: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  i32(v: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
    return this;
  }

  u64(v: number): this {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
    return this;
  }

  f64be(v: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, v, false);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** The bytes written so far (a copy-free view). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
