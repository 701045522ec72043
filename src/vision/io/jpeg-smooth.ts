// libjpeg-turbo 2.1's block smoothing (jdcoefct.c decompress_smooth_data, on by default:
// do_block_smoothing): for a progressive JPEG whose scans leave some of the first nine
// AC coefficients unknown or not fully refined, each still-zero one of them is estimated
// from the DC values of the 5x5 neighbouring blocks; when no AC data came at all the DC
// itself and four more coefficients are estimated too. The neighbourhood follows
// libjpeg's row pointers and sliding DC registers exactly, including how they behave at
// the image edges and on images two blocks wide.
import { NATURAL_ORDER } from './jpeg-bits.js';
import type { Plane } from './jpeg-upsample.js';
import { idctIslow } from './jpeg-idct.js';
import type { JpegComponent, JpegFrame } from './jpeg-scan.js';

/** libjpeg's SAVED_COEFS: DC and the first nine AC coefficients in zigzag order. */
const SAVED = 10;

/** smoothing_ok(): whether libjpeg would smooth this (fully read) progressive frame. */
export function smoothingApplies(frame: JpegFrame): boolean {
  if (!frame.progressive) return false;
  let useful = false;
  for (const c of frame.components) {
    if (c.quant === null || c.coefBits[0] < 0) return false;
    for (let k = 0; k < SAVED; k++) if (c.quant[NATURAL_ORDER[k]] === 0) return false;
    for (let k = 1; k < SAVED; k++) if (c.coefBits[k] !== 0) useful = true;
  }
  return useful;
}

// The weights of the 5x5 DC neighbourhood (rows two above to two below, columns two left
// to two right) for each estimated coefficient, with and without DC estimation.
type Kernel = readonly number[];
const ROW = (a: number[], b: number[], c: number[], d: number[], e: number[]): Kernel => [...a, ...b, ...c, ...d, ...e];
const Z = [0, 0, 0, 0, 0];

interface Estimate {
  /** Zigzag index of the coefficient (1..9; 0 for the DC). */
  readonly k: number;
  readonly withDc: Kernel;
  readonly acOnly: Kernel | null;
}

const ESTIMATES: readonly Estimate[] = [
  {
    k: 1,
    withDc: ROW([-1, -1, 0, 1, 1], [-3, 13, 0, -13, 3], [-3, 38, 0, -38, 3], [-3, 13, 0, -13, 3], [-1, -1, 0, 1, 1]),
    acOnly: ROW(Z, Z, [-7, 50, 0, -50, 7], Z, Z),
  },
  {
    k: 2,
    withDc: ROW([-1, -3, -3, -3, -1], [-1, 13, 38, 13, -1], Z, [1, -13, -38, -13, 1], [1, 3, 3, 3, 1]),
    acOnly: ROW([0, 0, -7, 0, 0], [0, 0, 50, 0, 0], Z, [0, 0, -50, 0, 0], [0, 0, 7, 0, 0]),
  },
  {
    k: 3,
    withDc: ROW([0, 0, 1, 0, 0], [0, 2, 7, 2, 0], [0, -5, -14, -5, 0], [0, 2, 7, 2, 0], [0, 0, 1, 0, 0]),
    acOnly: ROW([0, 0, -1, 0, 0], [0, 0, 13, 0, 0], [0, 0, -24, 0, 0], [0, 0, 13, 0, 0], [0, 0, -1, 0, 0]),
  },
  {
    k: 4,
    withDc: ROW([-1, 0, 0, 0, 1], [0, 9, 0, -9, 0], Z, [0, -9, 0, 9, 0], [1, 0, 0, 0, -1]),
    acOnly: ROW([0, -1, 0, 1, 0], [-1, 10, 0, -10, 1], Z, [1, -10, 0, 10, -1], [0, 1, 0, -1, 0]),
  },
  {
    k: 5,
    withDc: ROW(Z, [0, 2, -5, 2, 0], [1, 7, -14, 7, 1], [0, 2, -5, 2, 0], Z),
    acOnly: ROW(Z, Z, [-1, 13, -24, 13, -1], Z, Z),
  },
  { k: 6, withDc: ROW(Z, [0, 1, 0, -1, 0], [0, 2, 0, -2, 0], [0, 1, 0, -1, 0], Z), acOnly: null },
  { k: 7, withDc: ROW(Z, [0, 1, -3, 1, 0], Z, [0, -1, 3, -1, 0], Z), acOnly: null },
  { k: 8, withDc: ROW(Z, [0, 1, 0, -1, 0], [0, -3, 0, 3, 0], [0, 1, 0, -1, 0], Z), acOnly: null },
  { k: 9, withDc: ROW(Z, [0, 1, 2, 1, 0], Z, [0, -1, -2, -1, 0], Z), acOnly: null },
];
const DC_KERNEL = ROW([-2, -6, -8, -6, -2], [-6, 6, 42, 6, -6], [-8, 42, 152, 42, -8], [-6, 6, 42, 6, -6], [-2, -6, -8, -6, -2]);

function weigh(kernel: Kernel, dc: Int32Array): number {
  let s = 0;
  for (let i = 0; i < 25; i++) if (kernel[i] !== 0) s += kernel[i] * dc[i];
  return s;
}

/** The rounded estimate num / (q * 256), limited below 2**al when the coefficient was partly known. */
function predict(num: number, q: number, al: number): number {
  let pred = Math.floor((q * 128 + Math.abs(num)) / (q * 256));
  if (al > 0 && pred >= 1 << al) pred = (1 << al) - 1;
  return num >= 0 ? pred : -pred;
}

export interface SmoothingInfo {
  /** libjpeg's last_good_iMCU_row: rows after it use the coefficient bits from before the last scan. */
  readonly lastGoodIMcuRow: number;
  readonly scanCount: number;
}

/** The component's samples with block smoothing (the counterpart of the plain IDCT of every block). */
export function smoothedPlane(frame: JpegFrame, c: JpegComponent, info: SmoothingInfo): Plane {
  const stride = c.usefulBlocksX * 8;
  const data = new Uint8Array(stride * c.usefulBlocksY * 8);
  const quant = c.quant!;
  const coefs = c.coefs;
  const latched = c.coefBits.slice(0, SAVED);
  const previous = info.scanCount > 1 ? c.prevCoefBits.slice(0, SAVED) : new Int32Array(SAVED).fill(-1);
  const lastRow = frame.mcusY - 1;
  const lastCol = c.usefulBlocksX - 1;
  const work = new Int16Array(64);
  const dc = new Int32Array(25);
  const rows = new Int32Array(5);
  const dcAt = (blockRow: number, col: number): number => coefs[(blockRow * c.blocksX + col) * 64];

  for (let m = 0; m <= lastRow; m++) {
    const blockRows = m < lastRow ? c.v : c.usefulBlocksY % c.v || c.v;
    const bits = m > info.lastGoodIMcuRow ? previous : latched;
    const changeDc = bits.subarray(1, SAVED).every((b) => b === -1);
    for (let br = 0; br < blockRows; br++) {
      const r = m * c.v + br;
      // libjpeg's prev/next row pointers: at the image's edges they fall back on nearer rows
      rows[2] = r;
      rows[1] = br > 0 || m > 0 ? r - 1 : r;
      rows[0] = br > 1 || m > 1 ? r - 2 : rows[1];
      rows[3] = br < blockRows - 1 || m < lastRow ? r + 1 : r;
      rows[4] = br < blockRows - 2 || m + 1 < lastRow ? r + 2 : rows[3];
      for (let i = 0; i < 5; i++) dc.fill(dcAt(rows[i], 0), i * 5, i * 5 + 5);
      for (let b = 0; b <= lastCol; b++) {
        if (b === 0 && b < lastCol) for (let i = 0; i < 5; i++) dc[i * 5 + 3] = dcAt(rows[i], 1);
        if (b + 1 < lastCol) for (let i = 0; i < 5; i++) dc[i * 5 + 4] = dcAt(rows[i], b + 2);
        const offset = (r * c.blocksX + b) * 64;
        work.set(coefs.subarray(offset, offset + 64));
        for (const e of ESTIMATES) {
          const kernel = changeDc ? e.withDc : e.acOnly;
          const al = bits[e.k];
          const pos = NATURAL_ORDER[e.k];
          if (kernel === null || al === 0 || work[pos] !== 0) continue;
          work[pos] = predict(quant[0] * weigh(kernel, dc), quant[pos], al);
        }
        if (changeDc) work[0] = predict(quant[0] * weigh(DC_KERNEL, dc), quant[0], 0);
        idctIslow(work, 0, quant, data, r * 8 * stride + b * 8, stride);
        // slide the window one block right (the rightmost column keeps its value)
        for (let i = 0; i < 25; i += 5) {
          dc[i] = dc[i + 1];
          dc[i + 1] = dc[i + 2];
          dc[i + 2] = dc[i + 3];
          dc[i + 3] = dc[i + 4];
        }
      }
    }
  }
  return { data, stride, width: c.width, height: c.height };
}
