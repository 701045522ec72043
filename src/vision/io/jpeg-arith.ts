// Arithmetic-coded JPEG scans (SOF9 sequential, SOF10 progressive) as libjpeg-turbo's jdarith.c
// decodes them (ITU-T T.81 Annex D and F.1.4.4 / F.2.4, G.1.3): the QM-coder's A and C registers,
// one statistics byte per context (the more probable symbol in bit 7, the state index below),
// and the five MCU decoders (sequential; DC first/refine; AC first/refine). Bytes come through
// the Huffman path's BitReader, so markers, restarts and the end of the scan follow the same
// rules; after a marker the coder reads zero bytes, which is legal here (not a truncation).
import { type BitReader, NATURAL_ORDER } from './jpeg-bits.js';
import type { ScanComponent } from './jpeg-scan.js';

// Table D.2 (jaricom.c): Qe, and the next state after an LPS (bit 7: swap the MPS) or an MPS.
// The last state (113) is the fixed probability 0.5 of T.851 Table 5, used for sign bits.
const QE = new Uint16Array([
  0x5a1d, 0x2586, 0x1114, 0x080b, 0x03d8, 0x01da, 0x00e5, 0x006f, 0x0036, 0x001a, 0x000d, 0x0006,
  0x0003, 0x0001, 0x5a7f, 0x3f25, 0x2cf2, 0x207c, 0x17b9, 0x1182, 0x0cef, 0x09a1, 0x072f, 0x055c,
  0x0406, 0x0303, 0x0240, 0x01b1, 0x0144, 0x00f5, 0x00b7, 0x008a, 0x0068, 0x004e, 0x003b, 0x002c,
  0x5ae1, 0x484c, 0x3a0d, 0x2ef1, 0x261f, 0x1f33, 0x19a8, 0x1518, 0x1177, 0x0e74, 0x0bfb, 0x09f8,
  0x0861, 0x0706, 0x05cd, 0x04de, 0x040f, 0x0363, 0x02d4, 0x025c, 0x01f8, 0x01a4, 0x0160, 0x0125,
  0x00f6, 0x00cb, 0x00ab, 0x008f, 0x5b12, 0x4d04, 0x412c, 0x37d8, 0x2fe8, 0x293c, 0x2379, 0x1edf,
  0x1aa9, 0x174e, 0x1424, 0x119c, 0x0f6b, 0x0d51, 0x0bb6, 0x0a40, 0x5832, 0x4d1c, 0x438e, 0x3bdd,
  0x34ee, 0x2eae, 0x299a, 0x2516, 0x5570, 0x4ca9, 0x44d9, 0x3e22, 0x3824, 0x32b4, 0x2e17, 0x56a8,
  0x4f46, 0x47e5, 0x41cf, 0x3c3d, 0x375e, 0x5231, 0x4c0f, 0x4639, 0x415e, 0x5627, 0x50e7, 0x4b85,
  0x5597, 0x504f, 0x5a10, 0x5522, 0x59eb, 0x5a1d,
]);
const NEXT_LPS = new Uint8Array([
  129, 14, 16, 18, 20, 23, 25, 28, 30, 33, 35, 9, 10, 12, 143, 36, 38, 39, 40, 42,
  43, 45, 46, 48, 49, 51, 52, 54, 56, 57, 59, 60, 62, 63, 32, 33, 165, 64, 65, 67,
  68, 69, 70, 72, 73, 74, 75, 77, 78, 79, 48, 50, 50, 51, 52, 53, 54, 55, 56, 57,
  58, 59, 61, 61, 193, 80, 81, 82, 83, 84, 86, 87, 87, 72, 72, 74, 74, 75, 77, 77,
  208, 88, 89, 90, 91, 92, 93, 86, 216, 95, 96, 97, 99, 99, 93, 223, 101, 102, 103, 104,
  99, 105, 106, 107, 103, 233, 108, 109, 110, 111, 238, 112, 240, 113,
]);
const NEXT_MPS = new Uint8Array([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 13, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 9, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
  61, 62, 63, 32, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 48,
  81, 82, 83, 84, 85, 86, 87, 71, 89, 90, 91, 92, 93, 94, 86, 96, 97, 98, 99, 100,
  93, 102, 103, 104, 99, 106, 107, 103, 109, 107, 111, 109, 111, 113,
]);
const FIXED_STATE = 113;
const DC_STAT_BINS = 64;
const AC_STAT_BINS = 256;

/** The DAC conditioning of each of the 16 tables (defaults from SOI: L = 0, U = 1, K = 5). */
export interface ArithConditioning {
  readonly dcL: Uint8Array;
  readonly dcU: Uint8Array;
  readonly acK: Uint8Array;
}

export function defaultConditioning(): ArithConditioning {
  return { dcL: new Uint8Array(16), dcU: new Uint8Array(16).fill(1), acK: new Uint8Array(16).fill(5) };
}

/** The decoder's registers over one scan's bytes (arith_decode). */
class QmDecoder {
  private c = 0;
  private a = 0;
  /** Bits of C below the coding interval; -16 before the first two bytes; -1 after a bad code (libjpeg's error state). */
  ct = -16;
  private readonly bytes: BitReader;
  constructor(bytes: BitReader) {
    this.bytes = bytes;
  }
  reset(): void {
    this.c = 0;
    this.a = 0;
    this.ct = -16;
  }
  /** One binary decision in context `stats[i]`, updating its estimate. */
  decode(stats: Uint8Array, i: number): number {
    // renormalisation and byte input (D.2.6); C is kept in doubles: it can pass 2^31
    while (this.a < 0x8000) {
      if (--this.ct < 0) {
        const data = this.bytes.readByte();
        this.c = this.c * 256 + (data < 0 ? 0 : data);
        if ((this.ct += 8) < 0 && ++this.ct === 0) this.a = 0x8000; // the two initial bytes are in
      }
      this.a *= 2;
    }
    let sv = stats[i];
    const qe = QE[sv & 0x7f];
    const nl = NEXT_LPS[sv & 0x7f];
    const nm = NEXT_MPS[sv & 0x7f];
    const temp = this.a - qe;
    this.a = temp;
    const scaled = temp * 2 ** this.ct;
    if (this.c >= scaled) {
      this.c -= scaled;
      // conditional exchange: the LPS interval was the larger one
      if (this.a < qe) {
        this.a = qe;
        stats[i] = (sv & 0x80) ^ nm;
      } else {
        this.a = qe;
        stats[i] = (sv & 0x80) ^ nl;
        sv ^= 0x80;
      }
    } else if (this.a < 0x8000) {
      if (this.a < qe) {
        stats[i] = (sv & 0x80) ^ nl;
        sv ^= 0x80;
      } else {
        stats[i] = (sv & 0x80) ^ nm;
      }
    }
    return sv >> 7;
  }
}

export type ArithBlockDecoder = (sc: ScanComponent, ci: number, coefs: Int16Array, offset: number) => void;

/** One arithmetic-coded scan: its registers, statistics and DC predictions, and the block decoder for its kind. */
export class ArithScan {
  private readonly qm: QmDecoder;
  private readonly dcStats: Uint8Array[] = [];
  private readonly acStats: Uint8Array[] = [];
  private readonly fixed = new Uint8Array([FIXED_STATE]);
  private readonly lastDc: Int32Array;
  private readonly dcContext: Int32Array;
  private readonly cond: ArithConditioning;
  readonly decodeBlock: ArithBlockDecoder;

  constructor(bytes: BitReader, components: readonly ScanComponent[], progressive: boolean, ss: number, se: number, ah: number, al: number, cond: ArithConditioning) {
    this.qm = new QmDecoder(bytes);
    this.cond = cond;
    this.lastDc = new Int32Array(components.length);
    this.dcContext = new Int32Array(components.length);
    const needDc = !progressive || (ss === 0 && ah === 0);
    const needAc = !progressive || ss !== 0;
    for (const sc of components) {
      if (needDc) this.dcStats[sc.dcSlot] = new Uint8Array(DC_STAT_BINS);
      if (needAc) this.acStats[sc.acSlot] = new Uint8Array(AC_STAT_BINS);
    }
    if (!progressive) this.decodeBlock = (sc, ci, coefs, offset) => this.sequential(sc, ci, coefs, offset);
    else if (ss === 0) this.decodeBlock = ah === 0 ? (sc, ci, coefs, offset) => this.dcFirst(sc, ci, coefs, offset, al) : (_sc, _ci, coefs, offset) => this.dcRefine(coefs, offset, al);
    else this.decodeBlock = ah === 0 ? (sc, _ci, coefs, offset) => this.acFirst(sc, coefs, offset, ss, se, al) : (sc, _ci, coefs, offset) => this.acRefine(sc, coefs, offset, ss, se, al);
  }

  /** At a restart marker (process_restart): fresh statistics, predictions and registers. */
  restart(): void {
    for (const s of this.dcStats) s?.fill(0);
    for (const s of this.acStats) s?.fill(0);
    this.lastDc.fill(0);
    this.dcContext.fill(0);
    this.qm.reset();
  }

  /** A DC difference (F.1.4.4.1, figures F.19 and F.21-F.24), updating the component's context. */
  private dcDiff(slot: number, ci: number): number {
    const qm = this.qm;
    const stats = this.dcStats[slot];
    let st = this.dcContext[ci];
    if (qm.decode(stats, st) === 0) {
      this.dcContext[ci] = 0;
      return 0;
    }
    const sign = qm.decode(stats, st + 1);
    st += 2 + sign;
    let m = qm.decode(stats, st);
    if (m !== 0) {
      st = 20;
      while (qm.decode(stats, st)) {
        if ((m <<= 1) === 0x8000) {
          qm.ct = -1; // magnitude overflow: libjpeg warns and decodes nothing more until a restart
          return 0;
        }
        st++;
      }
    }
    if (m < (1 << this.cond.dcL[slot]) >> 1) this.dcContext[ci] = 0;
    else if (m > (1 << this.cond.dcU[slot]) >> 1) this.dcContext[ci] = 12 + sign * 4;
    else this.dcContext[ci] = 4 + sign * 4;
    let v = m;
    st += 14;
    while ((m >>= 1)) if (qm.decode(stats, st)) v |= m;
    v += 1;
    return sign ? -v : v;
  }

  /** AC coefficients k = ss..se in zigzag order (figure F.20); a bad code puts the coder in its error state. */
  private acRun(slot: number, coefs: Int16Array, offset: number, ss: number, se: number, al: number): void {
    const qm = this.qm;
    const stats = this.acStats[slot];
    for (let k = ss; k <= se; k++) {
      let st = 3 * (k - 1);
      if (qm.decode(stats, st)) break; // end of block
      while (qm.decode(stats, st + 1) === 0) {
        st += 3;
        if (++k > se) {
          qm.ct = -1; // spectral overflow
          return;
        }
      }
      const sign = qm.decode(this.fixed, 0);
      st += 2;
      let m = qm.decode(stats, st);
      if (m !== 0 && qm.decode(stats, st)) {
        m <<= 1;
        st = k <= this.cond.acK[slot] ? 189 : 217;
        while (qm.decode(stats, st)) {
          if ((m <<= 1) === 0x8000) {
            qm.ct = -1; // magnitude overflow
            return;
          }
          st++;
        }
      }
      let v = m;
      st += 14;
      while ((m >>= 1)) if (qm.decode(stats, st)) v |= m;
      v += 1;
      coefs[offset + NATURAL_ORDER[k]] = (sign ? -v : v) * (1 << al);
    }
  }

  private sequential(sc: ScanComponent, ci: number, coefs: Int16Array, offset: number): void {
    if (this.qm.ct === -1) return;
    const diff = this.dcDiff(sc.dcSlot, ci);
    if (this.qm.ct === -1) return;
    this.lastDc[ci] += diff;
    coefs[offset] = this.lastDc[ci];
    this.acRun(sc.acSlot, coefs, offset, 1, 63, 0);
  }

  private dcFirst(sc: ScanComponent, ci: number, coefs: Int16Array, offset: number, al: number): void {
    if (this.qm.ct === -1) return;
    const diff = this.dcDiff(sc.dcSlot, ci);
    if (this.qm.ct === -1) return;
    this.lastDc[ci] += diff;
    coefs[offset] = this.lastDc[ci] * (1 << al);
  }

  private dcRefine(coefs: Int16Array, offset: number, al: number): void {
    // libjpeg checks no error state here: the next bit of the DC value, at fixed probability
    if (this.qm.decode(this.fixed, 0)) coefs[offset] |= 1 << al;
  }

  private acFirst(sc: ScanComponent, coefs: Int16Array, offset: number, ss: number, se: number, al: number): void {
    if (this.qm.ct === -1) return;
    this.acRun(sc.acSlot, coefs, offset, ss, se, al);
  }

  private acRefine(sc: ScanComponent, coefs: Int16Array, offset: number, ss: number, se: number, al: number): void {
    const qm = this.qm;
    if (qm.ct === -1) return;
    const stats = this.acStats[sc.acSlot];
    const p1 = 1 << al;
    const m1 = -1 << al;
    // EOBx: the end of block as the previous stages left it
    let kex = se;
    while (kex > 0 && coefs[offset + NATURAL_ORDER[kex]] === 0) kex--;
    for (let k = ss; k <= se; k++) {
      let st = 3 * (k - 1);
      if (k > kex && qm.decode(stats, st)) break;
      for (;;) {
        const pos = offset + NATURAL_ORDER[k];
        const c = coefs[pos];
        if (c !== 0) {
          if (qm.decode(stats, st + 2)) coefs[pos] = c < 0 ? c + m1 : c + p1;
          break;
        }
        if (qm.decode(stats, st + 1)) {
          coefs[pos] = qm.decode(this.fixed, 0) ? m1 : p1;
          break;
        }
        st += 3;
        if (++k > se) {
          qm.ct = -1; // spectral overflow
          return;
        }
      }
    }
  }
}
