// Huffman tables and the entropy-coded bit stream of a JPEG scan, with libjpeg's rules
// for what happens at markers: a 0xFF 0x00 pair is a data byte 0xFF, runs of 0xFF are
// fill, any other 0xFF xx ends the segment and from there on the decoder reads zero bits
// (libjpeg warns and carries on; so does PIL). Running off the end of the file without a
// marker is a truncated file, which PIL refuses.

/** Codes of up to this many bits are decoded by one table look-up. */
const LOOKAHEAD = 9;

/** A Huffman table as a DHT segment defines it: the number of codes of each length 1..16, then the symbols. */
export interface HuffmanSpec {
  readonly counts: ArrayLike<number>;
  readonly symbols: Uint8Array;
}

export class HuffmanTable {
  /** (code length << 8) | symbol, indexed by the next LOOKAHEAD bits; 0 when the code is longer. */
  readonly fast: Uint16Array;
  /** For lengths 1..16: the largest code of that length (-1 if none), and the offset from code to symbol index. */
  readonly maxCode: Int32Array;
  readonly valOffset: Int32Array;
  readonly symbols: Uint8Array;

  /** Checks the table as libjpeg does when a scan first uses it (jpeg_make_d_derived_tbl). */
  constructor({ counts, symbols }: HuffmanSpec, isDc: boolean) {
    this.symbols = symbols;
    this.fast = new Uint16Array(1 << LOOKAHEAD);
    this.maxCode = new Int32Array(18).fill(-1);
    this.valOffset = new Int32Array(18);
    let code = 0;
    let k = 0;
    for (let len = 1; len <= 16; len++) {
      const n = counts[len - 1];
      this.valOffset[len] = k - code;
      for (let i = 0; i < n; i++, k++, code++) {
        if (len <= LOOKAHEAD) {
          const shift = LOOKAHEAD - len;
          const entry = (len << 8) | symbols[k];
          for (let j = code << shift, end = (code + 1) << shift; j < end && j < 1 << LOOKAHEAD; j++) this.fast[j] = entry;
        }
      }
      // no code may be all ones (nor, then, longer than its length)
      if (n > 0 && code >= 1 << len) throw new Error('bad Huffman table');
      if (n > 0) this.maxCode[len] = code - 1;
      code <<= 1;
    }
    if (isDc && symbols.some((s) => s > 15)) throw new Error('bad Huffman table (a DC symbol above 15)');
  }
}

export class BitReader {
  private readonly data: Uint8Array;
  /** Next byte to read. */
  pos: number;
  /** The low `count` bits are the next bits to read (older bits above them are stale: reads mask). */
  private buf = 0;
  private count = 0;
  /** Position of the marker that ended the entropy-coded data, or -1 while none was met. */
  markerPos = -1;
  /** libjpeg's insufficient_data: a read needed bits past a marker, so zeros were supplied. */
  outOfData = false;

  constructor(data: Uint8Array, pos: number) {
    this.data = data;
    this.pos = pos;
  }

  /** The next data byte, or -1 at a marker (which is then remembered in markerPos). */
  private nextByte(): number {
    const data = this.data;
    let p = this.pos;
    if (p >= data.length) throw new Error('image file is truncated (the entropy-coded data ends without a marker)');
    const b = data[p++];
    if (b !== 0xff) {
      this.pos = p;
      return b;
    }
    let c = 0xff;
    while (p < data.length && (c = data[p]) === 0xff) p++;
    if (p >= data.length) throw new Error('image file is truncated (the entropy-coded data ends without a marker)');
    if (c === 0) {
      this.pos = p + 1;
      return 0xff;
    }
    this.markerPos = p - 1;
    this.pos = p - 1;
    return -1;
  }

  /** The next data byte for the arithmetic decoder, or -1 once a marker ends the data (it then reads zeros). */
  readByte(): number {
    return this.markerPos >= 0 ? -1 : this.nextByte();
  }
  /** Loads bytes until more than 16 bits are buffered; past a marker, pads with zeros only if `need` bits are not there. */
  private fill(need: number): void {
    while (this.count <= 16) {
      if (this.markerPos < 0) {
        const b = this.nextByte();
        if (b >= 0) {
          this.buf = (this.buf << 8) | b;
          this.count += 8;
          continue;
        }
      }
      if (this.count >= need) return;
      this.outOfData = true;
      this.buf <<= 8;
      this.count += 8;
    }
  }

  /** The next n bits (n <= 16) as an unsigned number. */
  getBits(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill(n);
    this.count -= n;
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }

  getBit(): number {
    if (this.count < 1) this.fill(1);
    this.count--;
    return (this.buf >>> this.count) & 1;
  }

  /** One Huffman-coded symbol; an invalid code reads as 0 after 17 bits, as in libjpeg. */
  decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill(0);
    if (this.count >= LOOKAHEAD) {
      const entry = table.fast[(this.buf >>> (this.count - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)];
      if (entry !== 0) {
        this.count -= entry >> 8;
        return entry & 0xff;
      }
    }
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | this.getBit();
      if (code <= table.maxCode[len]) return table.symbols[code + table.valOffset[len]];
    }
    // no code of 16 bits matches: libjpeg reads a 17th bit, then gives up on the code and reads it as 0
    this.getBit();
    return 0;
  }

  /** The position of the next marker's code byte at or after p (libjpeg's next_marker: garbage and FF 00 pairs are skipped). */
  private markerCodeFrom(p: number): number {
    const data = this.data;
    for (;;) {
      while (p < data.length && data[p] !== 0xff) p++;
      while (p < data.length && data[p] === 0xff) p++;
      if (p >= data.length) throw new Error('image file is truncated (no marker after the entropy-coded data)');
      if (data[p] !== 0) return p;
      p++;
    }
  }

  /**
   * At a restart boundary (libjpeg's process_restart and read_restart_marker): drop the
   * buffered bits and read RSTn, n = `expected`; when another marker is there, follow
   * jpeg_resync_to_restart's choice: swallow it and go on, skip ahead to the next marker
   * and decide again, or leave it, so that the coming segment reads as empty.
   */
  restart(expected: number): void {
    this.buf = 0;
    this.count = 0;
    const data = this.data;
    const rst = (n: number): number => 0xd0 + (n & 7);
    let code = this.markerPos >= 0 ? this.markerPos + 1 : this.markerCodeFrom(this.pos);
    for (;;) {
      const m = data[code];
      let action: 'swallow' | 'skip' | 'leave';
      if (m === rst(expected)) action = 'swallow';
      else if (m < 0xc0) action = 'skip';
      else if (m < 0xd0 || m > 0xd7) action = 'leave';
      else if (m === rst(expected + 1) || m === rst(expected + 2)) action = 'leave';
      else if (m === rst(expected - 1) || m === rst(expected - 2)) action = 'skip';
      else action = 'swallow';
      if (action === 'swallow') {
        this.pos = code + 1;
        this.markerPos = -1;
        this.outOfData = false;
        return;
      }
      if (action === 'leave') {
        this.pos = code - 1;
        this.markerPos = code - 1;
        return;
      }
      code = this.markerCodeFrom(code + 1);
    }
  }

  /** Where the data after this scan starts: the marker that ended it. */
  endOfScan(): number {
    return this.markerPos >= 0 ? this.markerPos : this.markerCodeFrom(this.pos) - 1;
  }
}

/** extend(): a value read as `bits` bits of magnitude category `size`, as a signed number. */
export function extend(bits: number, size: number): number {
  return bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
}

/** Zigzag index to natural (row-major) index, with 16 extra entries for corrupt runs past 63 (as libjpeg). */
export const NATURAL_ORDER: Int32Array = (() => {
  const order = new Int32Array(80).fill(63);
  let i = 0;
  for (let s = 0; s < 15; s++) {
    // anti-diagonal s: up-right when s is even, down-left when odd
    const lo = Math.max(0, s - 7);
    const hi = Math.min(s, 7);
    for (let t = lo; t <= hi; t++) {
      const row = s % 2 === 0 ? s - t : t;
      order[i++] = row * 8 + (s - row);
    }
  }
  return order;
})();
