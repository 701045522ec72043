// Reads zip archives through their central directory: stored and deflated entries,
// zip64, bounds-checked against the file's size at every step.
import { MAX_BUFFER_LENGTH, inflateRaw, isOutputTooLarge } from '#platform/zlib';
import { ByteReader } from './bytes.js';
import { crc32 } from './crc32.js';
import { SerializationError } from './errors.js';
import { readBytes, type Source } from './source.js';
import { CENTRAL_HEADER, END_OF_CENTRAL_DIRECTORY, LOCAL_HEADER, LOCAL_HEADER_SIZE, MAX16, MAX32, ZIP64_END, ZIP64_FIELD, ZIP64_LOCATOR } from './zip-format.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED = 0x1;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

interface Directory {
  offset: number;
  size: number;
  count: number;
}

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();

  constructor(private readonly source: Source) {
    const dir = this.findDirectory();
    this.readDirectory(dir);
  }

  private findDirectory(): Directory {
    const size = this.source.size;
    if (size < EOCD_SIZE) throw new SerializationError(`not a valid zip archive: ${size} bytes is too short for an end-of-central-directory record`);
    const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
    const tailStart = size - tailLength;
    const tail = readBytes(this.source, tailStart, tailLength, 'the zip end-of-central-directory record');
    let at = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
      if (readU32(tail, i) === END_OF_CENTRAL_DIRECTORY) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new SerializationError('truncated or corrupt zip archive: no end-of-central-directory record found');
    const eocd = new ByteReader(tail.subarray(at), 'the zip end-of-central-directory record');
    eocd.skip(4);
    const disk = eocd.u16();
    const dirDisk = eocd.u16();
    eocd.u16();
    let count = eocd.u16();
    let dirSize = eocd.u32();
    let dirOffset = eocd.u32();
    if (disk !== 0 || dirDisk !== 0) throw new SerializationError('multi-part zip archives are not supported');
    const eocdOffset = tailStart + at;
    let dirEnd = eocdOffset;
    if (count === MAX16 || dirSize === MAX32 || dirOffset === MAX32 || hasLocator(tail, at)) {
      const z = this.readZip64End(tail, at);
      ({ count, size: dirSize, offset: dirOffset } = z);
      dirEnd = z.recordOffset;
    }
    if (dirOffset + dirSize > dirEnd) {
      throw new SerializationError(`corrupt zip archive: the central directory (bytes ${dirOffset}..${dirOffset + dirSize}) runs past its end record at ${dirEnd}`);
    }
    return { offset: dirOffset, size: dirSize, count };
  }

  private readZip64End(tail: Uint8Array, eocdAt: number): Directory & { recordOffset: number } {
    if (eocdAt < 20) throw new SerializationError('corrupt zip64 archive: the zip64 end-of-central-directory locator is missing');
    const locator = new ByteReader(tail.subarray(eocdAt - 20, eocdAt), 'the zip64 locator');
    if (locator.u32() !== ZIP64_LOCATOR) throw new SerializationError('corrupt zip64 archive: the zip64 end-of-central-directory locator is missing');
    locator.u32();
    const recordOffset = locator.u64();
    const record = new ByteReader(readBytes(this.source, recordOffset, 56, 'the zip64 end-of-central-directory record'), 'the zip64 end-of-central-directory record');
    if (record.u32() !== ZIP64_END) throw new SerializationError(`corrupt zip64 archive: bad signature for the zip64 end record at ${recordOffset}`);
    record.skip(8 + 2 + 2 + 4 + 4 + 8);
    const count = record.u64();
    const size = record.u64();
    const offset = record.u64();
    return { count, size, offset, recordOffset };
  }

  private readDirectory(dir: Directory): void {
    const what = 'the zip central directory';
    const reader = new ByteReader(readBytes(this.source, dir.offset, dir.size, what), what);
    const decoder = new TextDecoder();
    // Each header takes at least 46 bytes, which bounds the count a corrupt file can claim.
    if (dir.count > dir.size / 46) throw new SerializationError(`corrupt zip archive: ${dir.count} entries cannot fit in a ${dir.size}-byte central directory`);
    for (let i = 0; i < dir.count; i++) {
      if (reader.u32() !== CENTRAL_HEADER) throw new SerializationError(`corrupt zip archive: bad central directory header signature for entry ${i}`);
      reader.skip(4);
      const flags = reader.u16();
      const method = reader.u16();
      reader.skip(4);
      const crc = reader.u32();
      let compressedSize = reader.u32();
      let size = reader.u32();
      const nameLength = reader.u16();
      const extraLength = reader.u16();
      const commentLength = reader.u16();
      reader.skip(8);
      let localOffset = reader.u32();
      const name = decoder.decode(reader.take(nameLength));
      const extra = new ByteReader(reader.take(extraLength), `the zip extra field of ${name}`);
      reader.skip(commentLength);
      while (extra.remaining >= 4) {
        const id = extra.u16();
        const field = new ByteReader(extra.take(extra.u16()), `the zip64 field of ${name}`);
        if (id !== ZIP64_FIELD) continue;
        if (size === MAX32) size = field.u64();
        if (compressedSize === MAX32) compressedSize = field.u64();
        if (localOffset === MAX32) localOffset = field.u64();
      }
      if (flags & ENCRYPTED) throw new SerializationError(`zip entry ${name} is encrypted`);
      if (method !== STORED && method !== DEFLATED) throw new SerializationError(`zip entry ${name} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
      if (method === STORED && compressedSize !== size) throw new SerializationError(`corrupt zip entry ${name}: stored with ${compressedSize} bytes but ${size} declared`);
      if (localOffset + compressedSize > this.source.size) {
        throw new SerializationError(`truncated zip entry ${name}: its ${compressedSize} bytes at offset ${localOffset} run past the end of the file (${this.source.size} bytes)`);
      }
      // Deflate cannot compress by more than ~1032:1; a larger claim is corrupt.
      if (method === DEFLATED && size > compressedSize * 1032 + 1024) {
        throw new SerializationError(`corrupt zip entry ${name}: ${compressedSize} compressed bytes cannot inflate to ${size}`);
      }
      if (this.entries.has(name)) throw new SerializationError(`corrupt zip archive: duplicate entry ${name}`);
      this.entries.set(name, { name, method, crc, compressedSize, size, localOffset });
    }
  }

  /** Where the entry's (possibly compressed) bytes start, from its local header. */
  private dataOffset(entry: ZipEntry): number {
    const what = `zip entry ${entry.name}`;
    const header = new ByteReader(readBytes(this.source, entry.localOffset, LOCAL_HEADER_SIZE, `the local header of ${what}`), `the local header of ${what}`);
    if (header.u32() !== LOCAL_HEADER) throw new SerializationError(`corrupt ${what}: bad local header signature at offset ${entry.localOffset}`);
    header.skip(22);
    const start = entry.localOffset + LOCAL_HEADER_SIZE + header.u16() + header.u16();
    if (start + entry.compressedSize > this.source.size) {
      throw new SerializationError(`truncated ${what}: its ${entry.compressedSize} bytes at offset ${start} run past the end of the file (${this.source.size} bytes)`);
    }
    return start;
  }

  private verify(entry: ZipEntry, data: Uint8Array): void {
    // PyTorch can save with CRCs turned off (they are then 0).
    if (entry.crc !== 0 && crc32(data) !== entry.crc) throw new SerializationError(`corrupt zip entry ${entry.name}: CRC-32 mismatch`);
  }

  read(entry: ZipEntry): Uint8Array {
    const start = this.dataOffset(entry);
    const raw = readBytes(this.source, start, entry.compressedSize, `zip entry ${entry.name}`);
    let data = raw;
    if (entry.method === DEFLATED) {
      try {
        data = inflateRaw(raw, Math.min(Math.max(1, entry.size), MAX_BUFFER_LENGTH));
      } catch (e) {
        const reason = isOutputTooLarge(e) ? `it inflates to more than the ${entry.size} bytes declared` : `cannot inflate (${(e as Error).message})`;
        throw new SerializationError(`corrupt zip entry ${entry.name}: ${reason}`, { cause: e });
      }
      if (data.length !== entry.size) throw new SerializationError(`corrupt zip entry ${entry.name}: inflates to ${data.length} bytes but ${entry.size} are declared`);
    }
    this.verify(entry, data);
    return data;
  }

  /** Fills `target` with the entry's first bytes (reading a stored entry of exactly that size in place). */
  readInto(entry: ZipEntry, target: Uint8Array): void {
    if (target.length !== entry.size || entry.method !== STORED) {
      const data = this.read(entry);
      target.set(data.subarray(0, target.length));
      return;
    }
    this.source.readInto(this.dataOffset(entry), target, `zip entry ${entry.name}`);
    this.verify(entry, target);
  }
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 0x1000000;
}

function hasLocator(tail: Uint8Array, eocdAt: number): boolean {
  return eocdAt >= 20 && readU32(tail, eocdAt - 20) === ZIP64_LOCATOR;
}
