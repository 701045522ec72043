// PIL's Image methods that programs call beside the transforms: split, Image.merge,
// getpixel, crop, transpose, paste, resize, rotate. Installed on Image (as the ops install
// Tensor methods), each returning an image of the same mode (and palette) as PIL's do.
import { Image, MODE_BANDS, type ImageMode } from './image.js';
import { pilCrop, pilFlip, pilRotate, pilTransposeSwap } from './transforms/pil-ops.js';
import { pilResize, type PilFilter } from './transforms/pil-resample.js';

/** PIL's Image.Transpose methods (also accepted by their numbers, 0-6, as PIL's constants). */
export const Transpose = {
  FLIP_LEFT_RIGHT: 0,
  FLIP_TOP_BOTTOM: 1,
  ROTATE_90: 2,
  ROTATE_180: 3,
  ROTATE_270: 4,
  TRANSPOSE: 5,
  TRANSVERSE: 6,
} as const;
export type TransposeMethod = keyof typeof Transpose | (typeof Transpose)[keyof typeof Transpose];

/** PIL's resampling filters by name or by their numbers (NEAREST 0, LANCZOS 1, BILINEAR 2, BICUBIC 3, BOX 4, HAMMING 5). */
const FILTERS: Record<string | number, PilFilter> = {
  0: 'nearest', 1: 'lanczos', 2: 'bilinear', 3: 'bicubic', 4: 'box', 5: 'hamming',
  nearest: 'nearest', lanczos: 'lanczos', bilinear: 'bilinear', bicubic: 'bicubic', box: 'box', hamming: 'hamming',
};

/** PIL's resampling constants on Image (Image.LANCZOS, the old Image.ANTIALIAS, …), for img.resize(size, Image.LANCZOS). */
const RESAMPLING = { NEAREST: 0, LANCZOS: 1, ANTIALIAS: 1, BILINEAR: 2, BICUBIC: 3, BOX: 4, HAMMING: 5 } as const;
Object.assign(Image, RESAMPLING);

function checkPoint(xy: readonly number[], what: string): void {
  if (!Array.isArray(xy) || xy.length !== 2 || !xy.every(Number.isInteger)) throw new TypeError(`${what} must be an [x, y] pair of integers`);
}

declare module './image.js' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- static members added to the class, as PIL's module constants
  namespace Image {
    const NEAREST: 0, LANCZOS: 1, ANTIALIAS: 1, BILINEAR: 2, BICUBIC: 3, BOX: 4, HAMMING: 5;
  }
  interface Image {
    /** img.split(): one mode-L image per band (a one-band image, I, F or P included, gives its own copy). */
    split(): Image[];
    /** img.getpixel([x, y]): the value (one band) or the bands' values. */
    getpixel(xy: readonly [number, number]): number | number[];
    /** img.crop([left, upper, right, lower]); outside the image is zero, as PIL. */
    crop(box: readonly [number, number, number, number]): Image;
    /** img.transpose(method): flips and quarter turns. */
    transpose(method: TransposeMethod): Image;
    /**
     * img.paste(im, [x, y] or [left, upper, right, lower]) in place: im is converted to this
     * image's mode as PIL does; a number or band list fills the box instead. Masks are not supported.
     */
    paste(im: Image | number | readonly number[], box?: readonly number[] | null, mask?: null): void;
    /** img.resize([width, height], resample = BICUBIC) with Pillow's filters. */
    resize(size: readonly [number, number], resample?: PilFilter | number): Image;
    /** img.rotate(angle, resample = NEAREST, expand = false, center = null, fillcolor = null). */
    rotate(angle: number, resample?: 'nearest' | 'bilinear' | 0 | 2, expand?: boolean, center?: readonly [number, number] | null, fillcolor?: number | readonly number[] | null): Image;
  }
}

const P = Image.prototype;

P.split = function (this: Image) {
  if (this.channels === 1) return [this.copy()];
  const n = this.width * this.height;
  return Array.from({ length: this.channels }, (_, b) => {
    const band = new Uint8Array(n);
    for (let p = 0; p < n; p++) band[p] = this.data[p * this.channels + b];
    return new Image(this.width, this.height, 1, band);
  });
};

/** Image.merge(mode, bands): one image from bands of equal size (mode L, or I / F for those modes; P takes an L band and the grey-ramp palette). */
export function merge(mode: ImageMode, bands: readonly Image[]): Image {
  if (!(mode in MODE_BANDS)) throw new RangeError(`unknown mode ${String(mode)}`);
  if (bands.length !== MODE_BANDS[mode]) throw new RangeError('wrong number of bands');
  const [w, h] = bands[0].size;
  const bandMode = mode === 'I' || mode === 'F' ? mode : 'L'; // getmodetype
  if (bands.length === 1) {
    if (bands[0].mode !== bandMode) throw new RangeError('mode mismatch');
    return new Image(w, h, 1, bands[0].data.slice(), mode);
  }
  for (const b of bands) {
    if (b.mode !== bandMode) throw new RangeError('mode mismatch');
    if (b.width !== w || b.height !== h) throw new RangeError('size mismatch');
  }
  const n = w * h;
  const c = bands.length;
  const data = new Uint8Array(n * c);
  bands.forEach((band, k) => {
    for (let p = 0; p < n; p++) data[p * c + k] = band.data[p];
  });
  return new Image(w, h, c, data, mode);
}

P.getpixel = function (this: Image, xy: readonly [number, number]) {
  checkPoint(xy, 'getpixel()');
  let [x, y] = xy;
  if (x < 0) x += this.width; // PIL accepts negative coordinates from the end
  if (y < 0) y += this.height;
  if (x < 0 || y < 0 || x >= this.width || y >= this.height) throw new RangeError('image index out of range');
  const at = (y * this.width + x) * this.channels;
  const values = Array.from(this.data.subarray(at, at + this.channels));
  return this.channels === 1 ? values[0] : values;
};

P.crop = function (this: Image, box: readonly [number, number, number, number]) {
  if (!Array.isArray(box) || box.length !== 4) throw new TypeError('crop(): box must be [left, upper, right, lower]');
  const [l, t, r, b] = box.map(Math.round);
  if (r < l) throw new RangeError('Coordinate \'right\' is less than \'left\'');
  if (b < t) throw new RangeError('Coordinate \'lower\' is less than \'upper\'');
  return pilCrop(this, t, l, b - t, r - l);
};

P.transpose = function (this: Image, method: TransposeMethod) {
  const m = typeof method === 'string' ? Transpose[method] : method;
  if (m === undefined || !Number.isInteger(m) || m < 0 || m > 6) throw new RangeError(`transpose(): unknown method ${String(method)} (one of ${Object.keys(Transpose).join(', ')})`);
  if (m === 0 || m === 1) return pilFlip(this, m === 0);
  if (m === 3) return pilFlip(pilFlip(this, true), false);
  return pilTransposeSwap(this, m);
};

P.paste = function (this: Image, im: Image | number | readonly number[], box: readonly number[] | null = null, mask: null = null) {
  if (mask !== null) throw new TypeError('paste(): masks are not supported yet; paste an RGBA image onto an RGB one with Image.alphaComposite-like code instead');
  let source: Image | null = null;
  if (im instanceof Image) source = im.mode === this.mode ? im : im.convert(this.mode);
  let [l, t, r, b] = [0, 0, this.width, this.height];
  if (box !== null) {
    if (box.length === 2 && source) [l, t, r, b] = [box[0], box[1], box[0] + source.width, box[1] + source.height];
    else if (box.length === 4) [l, t, r, b] = box as [number, number, number, number];
    else throw new TypeError('paste(): box must be [x, y] or [left, upper, right, lower]');
  } else if (source) [r, b] = [source.width, source.height];
  if (source && (r - l !== source.width || b - t !== source.height)) throw new RangeError('images do not match');
  const fill = source ? null : typeof im === 'number' ? new Array<number>(this.channels).fill(im) : (im as readonly number[]);
  if (fill && fill.length !== this.channels) throw new RangeError(`paste(): a color for a ${this.mode} image has ${this.channels} bands`);
  const c = this.channels;
  for (let y = Math.max(t, 0); y < Math.min(b, this.height); y++) {
    for (let x = Math.max(l, 0); x < Math.min(r, this.width); x++) {
      for (let k = 0; k < c; k++) {
        this.data[(y * this.width + x) * c + k] = source ? source.data[((y - t) * source.width + (x - l)) * c + k] : (fill as readonly number[])[k];
      }
    }
  }
};

P.resize = function (this: Image, size: readonly [number, number], resample: PilFilter | number = 'bicubic') {
  checkPoint(size, 'resize() size');
  const filter = FILTERS[resample];
  if (filter === undefined) throw new RangeError(`resize(): unknown resampling filter ${String(resample)}`);
  return pilResize(this, size[0], size[1], filter);
};

P.rotate = function (
  this: Image,
  angle: number,
  resample: 'nearest' | 'bilinear' | 0 | 2 = 'nearest',
  expand = false,
  center: readonly [number, number] | null = null,
  fillcolor: number | readonly number[] | null = null,
) {
  if (resample !== 'nearest' && resample !== 'bilinear' && resample !== 0 && resample !== 2) {
    throw new RangeError('rotate(): resample must be NEAREST or BILINEAR here (BICUBIC is not implemented)');
  }
  const fill = fillcolor === null ? new Array<number>(this.channels).fill(0) : typeof fillcolor === 'number' ? new Array<number>(this.channels).fill(fillcolor) : [...fillcolor];
  return pilRotate(this, angle, resample === 'bilinear' || resample === 2, expand, center ? [center[0], center[1]] : null, fill);
};
