// Decoding one scan's entropy-coded data into the components' DCT coefficients:
// baseline/extended sequential Huffman (libjpeg's jdhuff.c) and the four kinds of
// progressive scan (jdphuff.c: DC first/refine, AC first/refine), or their arithmetic-coded
// twins (jpeg-arith.ts), MCU by MCU with restart intervals. Coefficients are kept as int16
// in natural order, as libjpeg's JCOEF.
import { type ArithConditioning, ArithScan } from './jpeg-arith.js';
import { BitReader, extend, type HuffmanTable, NATURAL_ORDER } from './jpeg-bits.js';

export interface JpegComponent {
  readonly id: number;
  readonly h: number;
  readonly v: number;
  readonly quantSlot: number;
  /** libjpeg's downsampled_width/height: the component's real size in samples. */
  readonly width: number;
  readonly height: number;
  /** Blocks that hold image data (width_in_blocks, height_in_blocks). */
  readonly usefulBlocksX: number;
  readonly usefulBlocksY: number;
  /** Blocks stored: whole MCUs in multi-component frames. */
  readonly blocksX: number;
  readonly blocksY: number;
  /** 64 coefficients per block, blocks row by row. */
  readonly coefs: Int16Array;
  /** The quantisation table in natural order, latched at the first scan that has the component. */
  quant: Int32Array | null;
  /** Progressive: per coefficient (zigzag order), the successive-approximation bit last decoded (-1: none yet), libjpeg's coef_bits. */
  readonly coefBits: Int32Array;
  /** coefBits as they were before the latest scan that had the component (for block smoothing). */
  readonly prevCoefBits: Int32Array;
}

export interface JpegFrame {
  readonly width: number;
  readonly height: number;
  readonly progressive: boolean;
  /** Arithmetic-coded (SOF9, SOF10) rather than Huffman-coded. */
  readonly arithmetic: boolean;
  readonly maxH: number;
  readonly maxV: number;
  readonly mcusX: number;
  readonly mcusY: number;
  readonly components: JpegComponent[];
}

export interface ScanComponent {
  readonly component: JpegComponent;
  /** The table slots the scan header names (Huffman tables, or arithmetic conditioning and statistics). */
  readonly dcSlot: number;
  readonly acSlot: number;
  /** The Huffman tables this kind of scan reads (null when it reads none, and in arithmetic-coded scans). */
  readonly dcTable: HuffmanTable | null;
  readonly acTable: HuffmanTable | null;
}

export interface Scan {
  readonly components: ScanComponent[];
  readonly ss: number;
  readonly se: number;
  readonly ah: number;
  readonly al: number;
  readonly restartInterval: number;
  /** DAC conditioning, for arithmetic-coded scans. */
  readonly conditioning: ArithConditioning;
}

type BlockDecoder = (reader: BitReader, sc: ScanComponent, ci: number, coefs: Int16Array, offset: number) => void;

class ScanState {
  readonly dcPred: Int32Array;
  eobRun = 0;
  constructor(n: number) {
    this.dcPred = new Int32Array(n);
  }
  reset(): void {
    this.dcPred.fill(0);
    this.eobRun = 0;
  }
}

function needTable(table: HuffmanTable | null, what: string): HuffmanTable {
  if (table === null) throw new Error(`JPEG scan has no ${what} Huffman table`);
  return table;
}

function sequentialBlock(state: ScanState): BlockDecoder {
  return (reader, sc, ci, coefs, offset) => {
    const dcTable = needTable(sc.dcTable, 'DC');
    const acTable = needTable(sc.acTable, 'AC');
    let s = reader.decode(dcTable);
    let diff = 0;
    if (s !== 0) diff = extend(reader.getBits(s), s);
    const dc = state.dcPred[ci] + diff;
    state.dcPred[ci] = dc;
    coefs[offset] = dc;
    for (let k = 1; k < 64; k++) {
      const rs = reader.decode(acTable);
      const r = rs >> 4;
      s = rs & 15;
      if (s !== 0) {
        k += r;
        coefs[offset + NATURAL_ORDER[k]] = extend(reader.getBits(s), s);
      } else {
        if (r !== 15) break;
        k += 15;
      }
    }
  };
}

function dcFirstBlock(state: ScanState, al: number): BlockDecoder {
  return (reader, sc, ci, coefs, offset) => {
    const s = reader.decode(needTable(sc.dcTable, 'DC'));
    let diff = 0;
    if (s !== 0) diff = extend(reader.getBits(s), s);
    const dc = state.dcPred[ci] + diff;
    state.dcPred[ci] = dc;
    coefs[offset] = dc << al;
  };
}

function dcRefineBlock(al: number): BlockDecoder {
  return (reader, _sc, _ci, coefs, offset) => {
    if (reader.getBit()) coefs[offset] |= 1 << al;
  };
}

function acFirstBlock(state: ScanState, ss: number, se: number, al: number): BlockDecoder {
  return (reader, sc, _ci, coefs, offset) => {
    if (state.eobRun > 0) {
      state.eobRun--;
      return;
    }
    const table = needTable(sc.acTable, 'AC');
    for (let k = ss; k <= se; k++) {
      const rs = reader.decode(table);
      const r = rs >> 4;
      const s = rs & 15;
      if (s !== 0) {
        k += r;
        coefs[offset + NATURAL_ORDER[k]] = extend(reader.getBits(s), s) * (1 << al);
      } else if (r === 15) {
        k += 15;
      } else {
        state.eobRun = (1 << r) - 1;
        if (r !== 0) state.eobRun += reader.getBits(r);
        break;
      }
    }
  };
}

function acRefineBlock(state: ScanState, ss: number, se: number, al: number): BlockDecoder {
  const p1 = 1 << al;
  const m1 = -1 << al;
  // a correction bit of 1 moves an already-nonzero coefficient away from zero by p1
  return (reader, sc, _ci, coefs, offset) => {
    let k = ss;
    if (state.eobRun === 0) {
      const table = needTable(sc.acTable, 'AC');
      for (; k <= se; k++) {
        const rs = reader.decode(table);
        let r = rs >> 4;
        const s = rs & 15;
        let value = 0;
        if (s !== 0) {
          value = reader.getBit() ? p1 : m1;
        } else if (r !== 15) {
          state.eobRun = 1 << r;
          if (r !== 0) state.eobRun += reader.getBits(r);
          break;
        }
        // skip r zero coefficients (correcting the nonzero ones met on the way), then place value
        do {
          const pos = offset + NATURAL_ORDER[k];
          const c = coefs[pos];
          if (c !== 0) {
            if (reader.getBit() && (c & p1) === 0) coefs[pos] = c >= 0 ? c + p1 : c + m1;
          } else if (--r < 0) break;
          k++;
        } while (k <= se);
        if (s !== 0) coefs[offset + NATURAL_ORDER[k]] = value;
      }
    }
    if (state.eobRun > 0) {
      for (; k <= se; k++) {
        const pos = offset + NATURAL_ORDER[k];
        const c = coefs[pos];
        if (c !== 0 && reader.getBit() && (c & p1) === 0) coefs[pos] = c >= 0 ? c + p1 : c + m1;
      }
      state.eobRun--;
    }
  };
}

function checkProgression(frame: JpegFrame, scan: Scan, scanNumber: number): void {
  const { ss, se, ah, al } = scan;
  // a sequential scan's Ss, Se, Ah, Al are fixed by the standard; libjpeg only warns if they are not
  if (!frame.progressive) return;
  let bad = se > 63 || ss > se || al > 13 || (ah !== 0 && al !== ah - 1);
  if (ss === 0) bad ||= se !== 0;
  else bad ||= scan.components.length !== 1;
  if (bad) throw new Error(`invalid progressive JPEG scan (Ss=${ss} Se=${se} Ah=${ah} Al=${al})`);
  for (const { component } of scan.components) {
    for (let k = Math.min(ss, 1); k <= Math.max(se, 9); k++) component.prevCoefBits[k] = scanNumber > 1 ? component.coefBits[k] : 0;
    for (let k = ss; k <= se; k++) component.coefBits[k] = al;
  }
}

export interface ScanResult {
  /** Where the data after the scan starts. */
  readonly next: number;
  /** libjpeg's last_good_iMCU_row: the last iMCU row whose decoding started before the data ran out. */
  readonly lastGoodIMcuRow: number;
}

/** Decodes scan number `scanNumber` (from 1) whose entropy-coded data starts at `pos`. */
export function decodeScan(data: Uint8Array, pos: number, frame: JpegFrame, scan: Scan, scanNumber: number): ScanResult {
  checkProgression(frame, scan, scanNumber);
  const state = new ScanState(scan.components.length);
  const { ss, se, ah, al } = scan;
  const reader = new BitReader(data, pos);
  const arith = frame.arithmetic ? new ArithScan(reader, scan.components, frame.progressive, ss, se, ah, al, scan.conditioning) : null;
  let decodeBlock: BlockDecoder;
  if (arith) decodeBlock = (_reader, sc, ci, coefs, offset) => arith.decodeBlock(sc, ci, coefs, offset);
  else if (!frame.progressive) decodeBlock = sequentialBlock(state);
  else if (ss === 0) decodeBlock = ah === 0 ? dcFirstBlock(state, al) : dcRefineBlock(al);
  else decodeBlock = ah === 0 ? acFirstBlock(state, ss, se, al) : acRefineBlock(state, ss, se, al);

  const comps = scan.components;
  const single = comps.length === 1;
  const first = comps[0].component;
  // a single-component scan's MCU is one block, in the component's own raster of useful blocks
  const mcusX = single ? first.usefulBlocksX : frame.mcusX;
  const mcusY = single ? first.usefulBlocksY : frame.mcusY;
  const total = mcusX * mcusY;
  const interval = scan.restartInterval;
  let untilRestart = interval;
  let restartNumber = 0;
  let lastGoodIMcuRow = 0;
  for (let mcu = 0; mcu < total; mcu++) {
    const mx = mcu % mcusX;
    const my = (mcu - mx) / mcusX;
    if (!reader.outOfData) lastGoodIMcuRow = single ? Math.floor(my / first.v) : my;
    if (interval > 0) {
      if (untilRestart === 0) {
        reader.restart(restartNumber++);
        state.reset();
        arith?.restart();
        untilRestart = interval;
      }
      untilRestart--;
    }
    // after running into a marker, libjpeg leaves the rest of the segment undecoded
    if (reader.outOfData) continue;
    if (single) {
      decodeBlock(reader, comps[0], 0, first.coefs, (my * first.blocksX + mx) * 64);
      continue;
    }
    for (let ci = 0; ci < comps.length; ci++) {
      const c = comps[ci].component;
      for (let by = 0; by < c.v; by++) {
        const row = (my * c.v + by) * c.blocksX;
        for (let bx = 0; bx < c.h; bx++) decodeBlock(reader, comps[ci], ci, c.coefs, (row + mx * c.h + bx) * 64);
      }
    }
  }
  return { next: reader.endOfScan(), lastGoodIMcuRow };
}
