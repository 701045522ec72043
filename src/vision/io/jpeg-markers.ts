// Reading JPEG marker segments in libjpeg's order (jdmarker.c): each field is read
// as libjpeg reads it and checked when libjpeg checks it, so that a damaged file fails
// or not as it does under PIL. Running out of data mid-segment throws OutOfData (libjpeg
// suspends; whether that is an error depends on where it happens, see jpeg-decoder.ts).
import type { ArithConditioning } from './jpeg-arith.js';
import { type HuffmanSpec, NATURAL_ORDER } from './jpeg-bits.js';
import { checkImageSize } from './limits.js';

export class OutOfData extends Error {
  constructor() {
    super('image file is truncated (a marker segment runs past the end)');
  }
}

export class SegmentReader {
  private readonly data: Uint8Array;
  pos: number;

  constructor(data: Uint8Array, pos: number) {
    this.data = data;
    this.pos = pos;
  }

  u8(): number {
    if (this.pos >= this.data.length) throw new OutOfData();
    return this.data[this.pos++];
  }

  u16(): number {
    const hi = this.u8();
    return (hi << 8) | this.u8();
  }

  skip(n: number): void {
    if (n <= 0) return;
    if (this.pos + n > this.data.length) throw new OutOfData();
    this.pos += n;
  }
}

export interface FrameHeader {
  readonly precision: number;
  readonly width: number;
  readonly height: number;
  readonly components: { id: number; h: number; v: number; tq: number }[];
}

/** SOFn (get_sof): a second frame header is refused once its first 8 bytes are read. */
export function readFrameHeader(r: SegmentReader, haveFrame: boolean): FrameHeader {
  const length = r.u16();
  const precision = r.u8();
  const height = r.u16();
  const width = r.u16();
  const n = r.u8();
  if (haveFrame) throw new Error('JPEG has more than one frame');
  if (height === 0 || width === 0 || n === 0) throw new Error(`JPEG has an empty size ${width}x${height} (a DNL marker is not supported)`);
  checkImageSize(width, height); // PIL's decompression-bomb rule, before any pixel memory
  if (length !== 8 + 3 * n) throw new Error('bad JPEG frame header length');
  const components = [];
  for (let i = 0; i < n; i++) {
    const id = r.u8();
    const hv = r.u8();
    components.push({ id, h: hv >> 4, v: hv & 15, tq: r.u8() });
  }
  return { precision, width, height, components };
}

export interface ScanHeader {
  /** Indices into the frame's components, in scan order, with their table selectors. */
  readonly components: { index: number; dcSlot: number; acSlot: number }[];
  readonly ss: number;
  readonly se: number;
  readonly ah: number;
  readonly al: number;
}

/** SOS (get_sos): components by id, each at most once. */
export function readScanHeader(r: SegmentReader, frameIds: readonly number[]): ScanHeader {
  const length = r.u16();
  const n = r.u8();
  if (length !== 2 * n + 6 || n < 1 || n > 4) throw new Error('bad JPEG scan header length');
  const components: ScanHeader['components'] = [];
  for (let i = 0; i < n; i++) {
    const id = r.u8();
    const tables = r.u8();
    const index = frameIds.findIndex((cid, ci) => cid === id && !components.some((c) => c.index === ci));
    if (index < 0) throw new Error(`JPEG scan names an unknown or repeated component ${id}`);
    components.push({ index, dcSlot: tables >> 4, acSlot: tables & 15 });
  }
  const ss = r.u8();
  const se = r.u8();
  const a = r.u8();
  return { components, ss, se, ah: a >> 4, al: a & 15 };
}

/** DHT (get_dht): stores each table as it is read. */
export function readHuffmanTables(r: SegmentReader, dc: (HuffmanSpec | null)[], ac: (HuffmanSpec | null)[]): void {
  let length = r.u16() - 2;
  while (length > 16) {
    const index = r.u8();
    const counts = new Uint8Array(16);
    let count = 0;
    for (let i = 0; i < 16; i++) count += counts[i] = r.u8();
    length -= 17;
    if (count > 256 || count > length) throw new Error('bad Huffman table');
    const symbols = new Uint8Array(count);
    for (let i = 0; i < count; i++) symbols[i] = r.u8();
    length -= count;
    const isAc = (index & 0x10) !== 0;
    const slot = isAc ? index - 0x10 : index;
    if (slot >= 4) throw new Error(`bad Huffman table index ${index}`);
    (isAc ? ac : dc)[slot] = { counts, symbols };
  }
  if (length !== 0) throw new Error('bad Huffman table segment length');
}

/** DQT (get_dqt): 8- or 16-bit entries, zigzag order on file, natural order here. */
export function readQuantTables(r: SegmentReader, tables: (Int32Array | null)[]): void {
  let length = r.u16() - 2;
  while (length > 0) {
    const n = r.u8();
    const wide = n >> 4 !== 0;
    const slot = n & 15;
    if (slot >= 4) throw new Error(`bad quantisation table index ${slot}`);
    const table = new Int32Array(64);
    for (let k = 0; k < 64; k++) table[NATURAL_ORDER[k]] = wide ? r.u16() : r.u8();
    tables[slot] = table;
    length -= wide ? 129 : 65;
  }
  if (length !== 0) throw new Error('bad quantisation table segment length');
}

/** DRI (get_dri). */
export function readRestartInterval(r: SegmentReader): number {
  if (r.u16() !== 4) throw new Error('bad restart interval segment length');
  return r.u16();
}

/** DAC (get_dac): arithmetic-coding conditioning, stored per table as it is read. */
export function readArithmeticConditioning(r: SegmentReader, cond: ArithConditioning): void {
  let length = r.u16() - 2;
  while (length > 0) {
    const index = r.u8();
    const value = r.u8();
    length -= 2;
    if (index >= 32) throw new Error(`bad arithmetic-coding table index ${index}`);
    if (index >= 16) {
      cond.acK[index - 16] = value;
    } else {
      cond.dcL[index] = value & 15;
      cond.dcU[index] = value >> 4;
      if ((value & 15) > value >> 4) throw new Error(`bad arithmetic-coding conditioning value ${value}`);
    }
  }
  if (length !== 0) throw new Error('bad arithmetic-coding segment length');
}

/** APP0 and APP14 (get_interesting_appn): the first 14 bytes, for the JFIF and Adobe markers. */
export function readInterestingApp(r: SegmentReader): Uint8Array {
  let length = r.u16() - 2;
  const n = length >= 14 ? 14 : length > 0 ? length : 0;
  const head = new Uint8Array(n);
  for (let i = 0; i < n; i++) head[i] = r.u8();
  length -= n;
  r.skip(length);
  return head;
}

/** Any other APPn, COM, DNL (skip_variable). */
export function skipSegment(r: SegmentReader): void {
  r.skip(r.u16() - 2);
}
