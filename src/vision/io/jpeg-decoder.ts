// A JPEG decoder that reproduces libjpeg-turbo 2.1 as PIL 9 drives it (Image.open then
// load: no scaling, JDCT_ISLOW, fancy upsampling, RGB or grayscale out), byte for byte:
// 8-bit baseline, extended and progressive JPEGs (Huffman or arithmetic-coded) with any integral sampling
// factors and restart intervals, 1 component (mode L), 3 (YCbCr, or RGB when an Adobe
// marker or the component ids say so) or 4 (CMYK or YCCK, as PIL's mode CMYK). This file
// reads the markers (with jpeg-markers.ts) and drives the stages: jpeg-scan.ts (entropy
// decoding), jpeg-smooth.ts (libjpeg's block smoothing of incomplete progressive files),
// jpeg-idct.ts, jpeg-upsample.ts, jpeg-color.ts.
import { defaultConditioning } from './jpeg-arith.js';
import { type HuffmanSpec, HuffmanTable } from './jpeg-bits.js';
import { canConvert, componentsNeeded, type JpegColorSpace, type JpegOutSpace, toPixels } from './jpeg-color.js';
import { idctIslow } from './jpeg-idct.js';
import {
  type FrameHeader, OutOfData, readArithmeticConditioning, readFrameHeader, readHuffmanTables, readInterestingApp,
  readQuantTables, readRestartInterval, readScanHeader, SegmentReader, skipSegment,
} from './jpeg-markers.js';
import { decodeScan, type JpegComponent, type JpegFrame, type Scan } from './jpeg-scan.js';
import { smoothedPlane, smoothingApplies } from './jpeg-smooth.js';
import { STANDARD_AC_TABLES, STANDARD_DC_TABLES } from './jpeg-std-huffman.js';
import { type Plane, upsample } from './jpeg-upsample.js';

export interface DecodedJpeg {
  readonly width: number;
  readonly height: number;
  /** 1 channel (L), 3 (RGB) or 4 (CMYK). */
  readonly mode: 'L' | 'RGB' | 'CMYK';
  readonly channels: 1 | 3 | 4;
  /** Pixels row by row, channels interleaved. */
  readonly data: Uint8Array;
}

/**
 * What to decode to. 'pil' (the default): what PIL's Image.open gives, mode L, RGB or
 * CMYK (Adobe-inverted, PIL's "CMYK;I"). 'L' / 'RGB': libjpeg's grayscale or RGB output,
 * as torchvision.io asks for with ImageReadMode.GRAY / RGB (grayscale from YCbCr is the
 * decoded Y, not PIL's convert('L') of RGB). 'native': libjpeg's default output, as
 * ImageReadMode.UNCHANGED (CMYK not inverted).
 */
export type JpegDecodeMode = 'pil' | 'L' | 'RGB' | 'native';

const SOF_NAMES: Record<number, string> = {
  0xc3: 'lossless', 0xc5: 'differential sequential', 0xc6: 'differential progressive', 0xc7: 'differential lossless',
  0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded differential sequential', 0xce: 'arithmetic-coded differential progressive', 0xcf: 'arithmetic-coded differential lossless',
};

// Built tables by definition (the standard ones are shared by every motion-JPEG frame)
const BUILT_DC = new WeakMap<HuffmanSpec, HuffmanTable>();
const BUILT_AC = new WeakMap<HuffmanSpec, HuffmanTable>();

class Decoder {
  private readonly data: Uint8Array;
  private readonly mode: JpegDecodeMode;
  private readonly quantTables: (Int32Array | null)[] = [null, null, null, null];
  private readonly dcTables: (HuffmanSpec | null)[] = [null, null, null, null];
  private readonly acTables: (HuffmanSpec | null)[] = [null, null, null, null];
  private readonly conditioning = defaultConditioning();
  private restartInterval = 0;
  private sawJfif = false;
  private adobeTransform = -1;
  private frame: JpegFrame | null = null;
  private scanCount = 0;
  private firstScanComponents = 0;
  private lastGoodIMcuRow = 0;
  private inSpace: JpegColorSpace | null = null;

  constructor(data: Uint8Array, mode: JpegDecodeMode) {
    this.data = data;
    this.mode = mode;
  }

  decode(): DecodedJpeg {
    const data = this.data;
    // PIL accepts a file by its first three bytes
    if (data.length < 3 || data[0] !== 0xff || data[1] !== 0xd8 || data[2] !== 0xff) throw new Error('not a JPEG file');
    let p = 2;
    for (;;) {
      // find the next marker, skipping fill bytes and (as libjpeg's next_marker) garbage, FF 00 included
      while (p < data.length && data[p] !== 0xff) p++;
      while (p < data.length && data[p] === 0xff) p++;
      try {
        if (p >= data.length) throw new OutOfData();
        const marker = data[p++];
        if (marker === 0) continue;
        if (marker === 0xd9) {
          if (this.scanCount === 0) throw new Error('JPEG has no image data (it ends before any scan)');
          break;
        }
        const r = new SegmentReader(data, p);
        p = this.marker(marker, r);
      } catch (e) {
        // libjpeg reads what follows a single-scan image only in jpeg_finish_decompress, once
        // PIL has every row: running out of data there is no error (PIL accepts the suspension)
        if (e instanceof OutOfData) {
          if (this.afterSingleScan()) break;
          throw new Error(`image file is truncated (${this.frame ? 'no end-of-image marker' : 'no image data'})`);
        }
        throw e;
      }
    }
    return this.output();
  }

  /** Handles one marker (read_markers); returns where to look for the next one. */
  private marker(marker: number, r: SegmentReader): number {
    const hex = `0xFF${marker.toString(16).toUpperCase()}`;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2 || marker === 0xc9 || marker === 0xca) {
      this.startOfFrame(readFrameHeader(r, this.frame !== null), marker === 0xc2 || marker === 0xca, marker >= 0xc9);
    } else if (marker in SOF_NAMES || marker === 0xc8) {
      throw new Error(`${SOF_NAMES[marker] ?? 'reserved-extension (JPG)'} JPEG is not supported (baseline, extended and progressive JPEGs, Huffman or arithmetic-coded, are)`);
    } else if (marker === 0xda) {
      return this.startOfScan(r);
    } else if (marker === 0xc4) {
      readHuffmanTables(r, this.dcTables, this.acTables);
    } else if (marker === 0xdb) {
      readQuantTables(r, this.quantTables);
    } else if (marker === 0xdd) {
      this.restartInterval = readRestartInterval(r);
    } else if (marker === 0xcc) {
      readArithmeticConditioning(r, this.conditioning);
    } else if (marker === 0xe0) {
      const head = readInterestingApp(r);
      this.sawJfif ||= head.length >= 14 && head[0] === 0x4a && head[1] === 0x46 && head[2] === 0x49 && head[3] === 0x46 && head[4] === 0;
    } else if (marker === 0xee) {
      const head = readInterestingApp(r);
      if (head.length >= 12 && head[0] === 0x41 && head[1] === 0x64 && head[2] === 0x6f && head[3] === 0x62 && head[4] === 0x65) this.adobeTransform = head[11];
    } else if ((marker >= 0xe1 && marker <= 0xef) || marker === 0xfe || marker === 0xdc) {
      skipSegment(r); // other APPn, COM, DNL
    } else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      // TEM, RSTn: no parameters; PIL's own header parser refuses TEM before the first scan
      if (marker === 0x01 && this.scanCount === 0) throw new Error(`JPEG has an unexpected marker ${hex}`);
    } else if (marker === 0xd8) {
      throw new Error('JPEG has a second start-of-image marker');
    } else {
      throw new Error(`JPEG has an unsupported marker ${hex}`);
    }
    return r.pos;
  }

  /**
   * Whether the image was a single sequential scan holding every component, now decoded
   * (libjpeg's !has_multiple_scans): what follows is read in jpeg_finish_decompress.
   */
  private afterSingleScan(): boolean {
    return this.frame !== null && !this.frame.progressive && this.scanCount > 0 && this.firstScanComponents === this.frame.components.length;
  }

  private startOfFrame(header: FrameHeader, progressive: boolean, arithmetic: boolean): void {
    const { precision, width, height } = header;
    const n = header.components.length;
    if (precision !== 8) throw new Error(`${precision}-bit JPEG is not supported (8-bit only, as PIL's libjpeg)`);
    if (n !== 1 && n !== 3 && n !== 4) throw new Error(`cannot handle ${n}-layer images`);
    if (width > 65500 || height > 65500) throw new Error(`JPEG is too large (${width}x${height}; libjpeg's limit is 65500)`);
    for (const { h, v } of header.components) {
      if (h < 1 || h > 4 || v < 1 || v > 4) throw new Error(`bad JPEG sampling factors ${h}x${v}`);
    }
    const maxH = Math.max(...header.components.map((c) => c.h));
    const maxV = Math.max(...header.components.map((c) => c.v));
    const mcusX = Math.ceil(width / (8 * maxH));
    const mcusY = Math.ceil(height / (8 * maxV));
    const components: JpegComponent[] = header.components.map(({ id, h, v, tq }) => {
      const usefulBlocksX = Math.ceil((width * h) / (maxH * 8));
      const usefulBlocksY = Math.ceil((height * v) / (maxV * 8));
      // a one-component frame has only non-interleaved scans, which need no MCU padding
      const blocksX = n === 1 ? usefulBlocksX : mcusX * h;
      const blocksY = n === 1 ? usefulBlocksY : mcusY * v;
      return {
        id, h, v, quantSlot: tq,
        width: Math.ceil((width * h) / maxH),
        height: Math.ceil((height * v) / maxV),
        usefulBlocksX, usefulBlocksY, blocksX, blocksY,
        coefs: new Int16Array(blocksX * blocksY * 64),
        quant: null,
        coefBits: new Int32Array(64).fill(-1),
        prevCoefBits: new Int32Array(64),
      };
    });
    this.frame = { width, height, progressive, arithmetic, maxH, maxV, mcusX, mcusY, components };
  }

  private startOfScan(r: SegmentReader): number {
    const frame = this.frame;
    if (!frame) throw new Error('JPEG scan before the frame header');
    const header = readScanHeader(r, frame.components.map((c) => c.id));
    if (this.afterSingleScan()) throw new Error('JPEG has a second scan where its end was expected');
    if (this.scanCount === 0) {
      // jpeg_read_header ends here: libjpeg settles the colour spaces now (markers after this do not count)
      this.inSpace = this.colorSpace();
      if (!canConvert(this.inSpace, this.outSpace(this.inSpace))) throw new Error('Unsupported color conversion request');
    }
    if (this.scanCount === 0 && !frame.progressive && !frame.arithmetic) {
      // libjpeg-turbo's Huffman decoder starts with the standard tables in slots 0 and 1 (motion JPEG)
      for (let i = 0; i < 2; i++) {
        this.dcTables[i] ??= STANDARD_DC_TABLES[i];
        this.acTables[i] ??= STANDARD_AC_TABLES[i];
      }
    }
    const { ss, ah } = header;
    // the tables this kind of scan reads (libjpeg builds, and checks, only those)
    const needDc = !frame.arithmetic && (!frame.progressive || (ss === 0 && ah === 0));
    const needAc = !frame.arithmetic && (!frame.progressive || ss !== 0);
    const table = (isDc: boolean, slot: number): HuffmanTable => this.huffmanTable(isDc ? this.dcTables : this.acTables, slot, isDc);
    const components = header.components.map(({ index, dcSlot, acSlot }) => {
      const component = frame.components[index];
      // libjpeg latches a component's quantisation table when its first scan starts
      if (component.quant === null) {
        const q = this.quantTables[component.quantSlot];
        if (!q) throw new Error(`JPEG component ${component.id} uses an undefined quantisation table`);
        component.quant = q.slice();
      }
      return { component, dcSlot, acSlot, dcTable: needDc ? table(true, dcSlot) : null, acTable: needAc ? table(false, acSlot) : null };
    });
    if (components.length > 1 && components.reduce((sum, { component: c }) => sum + c.h * c.v, 0) > 10) throw new Error('JPEG scan has more than 10 blocks per MCU');
    const scan: Scan = { components, ss, se: header.se, ah, al: header.al, restartInterval: this.restartInterval, conditioning: this.conditioning };
    if (this.scanCount === 0) this.firstScanComponents = components.length;
    const { next, lastGoodIMcuRow } = decodeScan(this.data, r.pos, frame, scan, ++this.scanCount);
    this.lastGoodIMcuRow = lastGoodIMcuRow;
    return next;
  }

  private huffmanTable(slots: (HuffmanSpec | null)[], slot: number, isDc: boolean): HuffmanTable {
    const spec = slots[slot];
    if (!spec) throw new Error(`JPEG scan uses an undefined ${isDc ? 'DC' : 'AC'} Huffman table ${slot}`);
    const cache = isDc ? BUILT_DC : BUILT_AC;
    let table = cache.get(spec);
    if (table === undefined) cache.set(spec, (table = new HuffmanTable(spec, isDc)));
    return table;
  }

  private colorSpace(): JpegColorSpace {
    const comps = this.frame!.components;
    if (comps.length === 1) return 'gray';
    // libjpeg's default_decompress_parms guess
    if (comps.length === 4) return this.adobeTransform < 0 || this.adobeTransform === 0 ? 'cmyk' : 'ycck';
    if (this.sawJfif) return 'ycbcr';
    if (this.adobeTransform >= 0) return this.adobeTransform === 0 ? 'rgb' : 'ycbcr';
    return comps[0].id === 0x52 && comps[1].id === 0x47 && comps[2].id === 0x42 ? 'rgb' : 'ycbcr';
  }

  private outSpace(inSpace: JpegColorSpace): JpegOutSpace {
    if (this.mode === 'L') return 'gray';
    if (this.mode === 'RGB') return 'rgb';
    if (inSpace === 'cmyk' || inSpace === 'ycck') return this.mode === 'pil' ? 'pil-cmyk' : 'cmyk';
    return inSpace === 'gray' ? 'gray' : 'rgb';
  }

  private output(): DecodedJpeg {
    const frame = this.frame;
    if (!frame) throw new Error('JPEG has no frame header');
    const inSpace = this.inSpace!;
    const out = this.outSpace(inSpace);
    const needed = componentsNeeded(inSpace, out, frame.components.length);
    const smoothing = smoothingApplies(frame) ? { lastGoodIMcuRow: this.lastGoodIMcuRow, scanCount: this.scanCount } : null;
    const planes = frame.components.map((c, i) => {
      if (!needed[i]) return null;
      const plane = smoothing ? smoothedPlane(frame, c, smoothing) : componentPlane(c);
      return upsample(plane, c.h, c.v, frame.maxH, frame.maxV, frame.height);
    });
    const data = toPixels(planes, inSpace, out, frame.width, frame.height);
    const { width, height } = frame;
    if (out === 'gray') return { width, height, mode: 'L', channels: 1, data };
    if (out === 'rgb') return { width, height, mode: 'RGB', channels: 3, data };
    return { width, height, mode: 'CMYK', channels: 4, data };
  }
}

/** The component's samples: the IDCT of each block that holds image data. */
function componentPlane(c: JpegComponent): Plane {
  const stride = c.usefulBlocksX * 8;
  const data = new Uint8Array(stride * c.usefulBlocksY * 8);
  if (c.quant === null) {
    // a component no scan carried: libjpeg outputs its all-zero coefficients (mid-grey)
    data.fill(128);
  } else {
    for (let by = 0; by < c.usefulBlocksY; by++) {
      for (let bx = 0; bx < c.usefulBlocksX; bx++) idctIslow(c.coefs, (by * c.blocksX + bx) * 64, c.quant, data, by * 8 * stride + bx * 8, stride);
    }
  }
  return { data, stride, width: c.width, height: c.height };
}

/** Decodes JPEG bytes to 8-bit pixels exactly as PIL 9 (libjpeg-turbo 2.1) does, or as torchvision.io does for `mode`. */
export function decodeJpegPixels(bytes: Uint8Array, mode: JpegDecodeMode = 'pil'): DecodedJpeg {
  return new Decoder(bytes, mode).decode();
}
