// Writes the zip container of torch.save: entries stored uncompressed, each record's
// data aligned to 64 bytes by padding the local header's extra field (PyTorch's 'FB'
// field, so the data can be memory-mapped in place), zip64 records when needed.
import { ByteWriter } from './bytes.js';
import { crc32 } from './crc32.js';
import { CENTRAL_HEADER, END_OF_CENTRAL_DIRECTORY, LOCAL_HEADER, LOCAL_HEADER_SIZE, MAX16, MAX32, ZIP64_END, ZIP64_FIELD, ZIP64_LOCATOR } from './zip-format.js';

export interface ZipRecord {
  name: string;
  data: Uint8Array;
}

export interface ZipWriteOptions {
  alignment?: number;
  /** Writes zip64 fields even where 32 bits suffice (to exercise readers without 4 GB files). */
  forceZip64?: boolean;
}

const UTF8_NAMES = 0x0800;
const DOS_DATE_1980_01_01 = 0x21;
const PADDING_FIELD = 0x4246; // 'FB'

interface Placed {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
  zip64: boolean;
}

/** The archive as a list of chunks to write in order (record data is not copied). */
export function writeZip(records: readonly ZipRecord[], opts: ZipWriteOptions = {}): Uint8Array[] {
  const alignment = opts.alignment ?? 64;
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const placed: Placed[] = [];
  let offset = 0;
  for (const record of records) {
    const name = encoder.encode(record.name);
    const size = record.data.length;
    const zip64 = opts.forceZip64 === true || size >= MAX32 || offset >= MAX32;
    const crc = crc32(record.data);
    const header = new ByteWriter();
    header.u32(LOCAL_HEADER).u16(zip64 ? 45 : 20).u16(UTF8_NAMES).u16(0).u16(0).u16(DOS_DATE_1980_01_01).u32(crc);
    header.u32(zip64 ? MAX32 : size).u32(zip64 ? MAX32 : size);
    const zip64Extra = zip64 ? 20 : 0;
    const fixed = offset + LOCAL_HEADER_SIZE + name.length + zip64Extra + 4;
    const padding = (alignment - (fixed % alignment)) % alignment;
    header.u16(name.length).u16(zip64Extra + 4 + padding).bytes(name);
    if (zip64) header.u16(ZIP64_FIELD).u16(16).u64(size).u64(size);
    header.u16(PADDING_FIELD).u16(padding).bytes(new Uint8Array(padding).fill(0x5a));
    chunks.push(header.result(), record.data);
    placed.push({ name, crc, size, offset, zip64 });
    offset += header.length + size;
  }
  chunks.push(centralDirectory(placed, offset, opts.forceZip64 === true));
  return chunks;
}

function centralDirectory(placed: readonly Placed[], start: number, force: boolean): Uint8Array {
  const out = new ByteWriter();
  for (const p of placed) {
    const bigSize = force || p.size >= MAX32;
    const bigOffset = force || p.offset >= MAX32;
    const extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
    out.u32(CENTRAL_HEADER).u16(45).u16(p.zip64 || bigOffset ? 45 : 20).u16(UTF8_NAMES).u16(0).u16(0).u16(DOS_DATE_1980_01_01);
    out.u32(p.crc).u32(bigSize ? MAX32 : p.size).u32(bigSize ? MAX32 : p.size);
    out.u16(p.name.length).u16(extra > 0 ? extra + 4 : 0).u16(0).u16(0).u16(0).u32(0).u32(bigOffset ? MAX32 : p.offset);
    out.bytes(p.name);
    if (extra > 0) {
      out.u16(ZIP64_FIELD).u16(extra);
      if (bigSize) out.u64(p.size).u64(p.size);
      if (bigOffset) out.u64(p.offset);
    }
  }
  const size = out.length;
  const end = start + size;
  const zip64 = force || placed.length >= MAX16 || start >= MAX32 || size >= MAX32;
  if (zip64) {
    out.u32(ZIP64_END).u64(44).u16(45).u16(45).u32(0).u32(0).u64(placed.length).u64(placed.length).u64(size).u64(start);
    out.u32(ZIP64_LOCATOR).u32(0).u64(end).u32(1);
  }
  out.u32(END_OF_CENTRAL_DIRECTORY).u16(0).u16(0);
  out.u16(zip64 ? MAX16 : placed.length).u16(zip64 ? MAX16 : placed.length);
  out.u32(zip64 ? MAX32 : size).u32(zip64 ? MAX32 : start).u16(0);
  return out.result();
}
