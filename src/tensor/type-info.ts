// torch.finfo / torch.iinfo: the numeric limits of a dtype, with PyTorch's attribute names
// and reprs. Integer limits are numbers where they are safe integers and bigints otherwise,
// as Tensor.item() returns int64 values.
import { DTYPES, getDefaultDtype, isFloatingDtype, type DType } from './dtype.js';

/** Python's '%g': 6 significant digits, exponent form below 1e-4 and from 1e6, no trailing zeros. */
function formatG(x: number): string {
  if (x === 0) return '0';
  const [mantissa, expText] = x.toExponential(5).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const m = mantissa.replace(/\.?0+$/, '');
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(Number(x.toPrecision(6)));
}

const FLOAT_LIMITS = {
  float32: { bits: 32, eps: 2 ** -23, max: 3.4028234663852886e38, tiny: 2 ** -126, resolution: 1e-6 },
  float64: { bits: 64, eps: 2 ** -52, max: Number.MAX_VALUE, tiny: 2 ** -1022, resolution: 1e-15 },
} as const;

/** torch.finfo(dtype): machine limits of a floating-point dtype. */
export class FInfo {
  readonly bits: number;
  /** The difference between 1.0 and the next representable value. */
  readonly eps: number;
  readonly max: number;
  readonly min: number;
  /** The smallest positive normal number (same as smallestNormal). */
  readonly tiny: number;
  readonly smallestNormal: number;
  /** 10 ** -(decimal digits of precision). */
  readonly resolution: number;
  readonly dtype: DType;

  constructor(dtype: 'float32' | 'float64') {
    const l = FLOAT_LIMITS[dtype];
    this.bits = l.bits;
    this.eps = l.eps;
    this.max = l.max;
    this.min = -l.max;
    this.tiny = l.tiny;
    this.smallestNormal = l.tiny;
    this.resolution = l.resolution;
    this.dtype = dtype;
    Object.freeze(this);
  }

  toString(): string {
    return `finfo(resolution=${formatG(this.resolution)}, min=${formatG(this.min)}, max=${formatG(this.max)}, eps=${formatG(this.eps)}, ` +
      `smallest_normal=${formatG(this.smallestNormal)}, tiny=${formatG(this.tiny)}, dtype=${this.dtype})`;
  }
}

/** torch.iinfo(dtype): the range of an integer dtype. */
export class IInfo {
  readonly bits: number;
  readonly min: number | bigint;
  readonly max: number | bigint;
  readonly dtype: DType;

  constructor(dtype: 'uint8' | 'int32' | 'int64') {
    this.dtype = dtype;
    if (dtype === 'uint8') [this.bits, this.min, this.max] = [8, 0, 255];
    else if (dtype === 'int32') [this.bits, this.min, this.max] = [32, -(2 ** 31), 2 ** 31 - 1];
    else [this.bits, this.min, this.max] = [64, -(2n ** 63n), 2n ** 63n - 1n];
    Object.freeze(this);
  }

  toString(): string {
    return `iinfo(min=${formatG(Number(this.min))}, max=${formatG(Number(this.max))}, dtype=${this.dtype})`;
  }
}

function dtypeArg(fn: string, dtype: unknown): DType {
  if (typeof dtype !== 'string') throw new TypeError(`${fn}(): argument 'type' must be torch.dtype, not ${dtype === null ? 'None' : typeof dtype}`);
  if (!DTYPES.includes(dtype as DType)) throw new TypeError(`${fn}(): unknown dtype '${dtype}' (torchlette's dtypes: ${DTYPES.join(', ')})`);
  return dtype as DType;
}

/** torch.finfo(dtype = torch.getDefaultDtype()). */
export function finfo(dtype?: DType): FInfo {
  const d = dtype === undefined ? getDefaultDtype() : dtypeArg('finfo', dtype);
  if (!isFloatingDtype(d)) throw new TypeError(`torch.finfo() requires a floating point input type (got ${d}); use torch.iinfo for integer types`);
  return new FInfo(d as 'float32' | 'float64');
}

/** torch.iinfo(dtype). */
export function iinfo(dtype: DType): IInfo {
  const d = dtypeArg('iinfo', dtype);
  if (d === 'bool') throw new TypeError('torch.bool is not supported by torch.iinfo');
  if (d !== 'uint8' && d !== 'int32' && d !== 'int64') throw new TypeError(`torch.iinfo() requires an integer input type (got ${d}); use torch.finfo for floating point types`);
  return new IInfo(d);
}
