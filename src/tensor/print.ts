// PyTorch's tensor repr (torch/_tensor_str.py): the same formatter choice (integer,
// fixed or scientific), widths, line wrapping, summarisation and suffixes.
import { getDefaultDtype, isFloatingDtype, type DType } from './dtype.js';
import { tupleRepr } from './shape.js';
import type { Tensor } from './tensor.js';

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };
const options: PrintOptions = { ...DEFAULTS };

/** torch.set_printoptions. `profile` is 'default', 'short' or 'full'. */
export function setPrintoptions(opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  if (opts.profile === 'default') Object.assign(options, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });
  else if (opts.profile === 'short') Object.assign(options, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 });
  else if (opts.profile === 'full') Object.assign(options, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 });
  for (const key of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) {
    if (opts[key] !== undefined) options[key] = opts[key] as number;
  }
  options.sciMode = opts.sciMode ?? null;
}

export function getPrintoptions(): PrintOptions {
  return { ...options };
}

// --- exact decimal formatting (Python's round-half-even on the exact binary value) ---

/** |x| as m * 2^e with m an integer (x finite). */
function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exponentBits = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exponentBits === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = exponentBits - 1075;
  }
  return { m, e };
}

/** round_half_even(|x| * 10^shift) as a BigInt. */
function scaledRound(x: number, shift: number): bigint {
  const { m, e } = decompose(x);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's '{:.<digits>f}'.format(x). */
export function formatFixed(x: number, digits: number): string {
  if (x !== x) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = scaledRound(x, digits).toString().padStart(digits + 1, '0');
  const body = digits > 0 ? `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}` : s;
  return signOf(x) + body;
}

/** Python's '{:.<digits>e}'.format(x). */
export function formatScientific(x: number, digits: number): string {
  if (x !== x) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  let exp = 0;
  let q = 0n;
  if (x !== 0) {
    exp = Math.floor(Math.log10(Math.abs(x)));
    const lower = 10n ** BigInt(digits);
    const upper = lower * 10n;
    for (;;) {
      q = scaledRound(x, digits - exp);
      if (q >= upper) exp++;
      else if (q < lower) exp--;
      else break;
    }
  }
  const s = q.toString().padStart(digits + 1, '0');
  const mantissa = digits > 0 ? `${s[0]}.${s.slice(1)}` : s;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${signOf(x)}${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
}

// --- the formatter (_Formatter) ---

class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;
  private readonly isBool: boolean;

  constructor(dtype: DType, elements: Element[]) {
    this.floating = isFloatingDtype(dtype);
    this.isBool = dtype === 'bool';
    const p = options.precision;
    if (!this.floating) {
      for (const v of elements) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
    } else {
      const values = elements as number[]; // float storages hold numbers
      const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
      if (finite.length > 0) {
        let min = Infinity;
        let max = 0;
        for (const v of finite) {
          const a = Math.abs(v);
          if (a < min) min = a;
          if (a > max) max = a;
          if (v !== Math.ceil(v)) this.intMode = false;
        }
        if (this.intMode) {
          if (max / min > 1000 || max > 1e8) {
            this.sciMode = true;
            for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatScientific(v, p).length);
          } else {
            for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
          }
        } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
          this.sciMode = true;
          for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatScientific(v, p).length);
        } else {
          for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, p).length);
        }
        // Only here: with no nonzero finite value PyTorch returns before applying sci_mode.
        if (options.sciMode !== null) this.sciMode = options.sciMode;
      }
    }
  }

  private plain(v: Element): string {
    return this.isBool ? (v !== 0 ? 'True' : 'False') : String(v);
  }

  width(): number {
    return this.maxWidth;
  }

  format(e: Element): string {
    let s: string;
    const v = e as number; // read only on the floating branch, where storages hold numbers
    if (this.floating) {
      if (this.sciMode) s = formatScientific(v, options.precision);
      else if (this.intMode) s = formatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
      else s = formatFixed(v, options.precision);
    } else s = this.plain(e);
    return s.length < this.maxWidth ? ' '.repeat(this.maxWidth - s.length) + s : s;
  }
}

// --- layout (_tensor_str_with_formatter, _vector_str) ---

// int64 elements are bigints (printed with every digit, as PyTorch prints them).
type Element = number | bigint;

interface Walk {
  data: ArrayLike<Element>;
  shape: readonly number[];
  strides: readonly number[];
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

/** The start of the tail edge items. The last dim is sliced as self[-edgeitems:] in
 * PyTorch, which for edgeitems=0 is the whole dim; outer dims use range(). */
function tailStart(size: number, lastDim: boolean): number {
  const e = options.edgeitems;
  return lastDim && e === 0 ? 0 : size - e;
}

/** The indices of a dim that are printed: all, or the edge items around '...'. */
function keptIndices(size: number, summarize: boolean, lastDim: boolean): number[] {
  const e = options.edgeitems;
  if (summarize && size > 2 * e) return range(0, e).concat(range(tailStart(size, lastDim), size));
  return range(0, size);
}

function summarizedValues(t: Walk, offset: number, d: number, summarize: boolean, out: Element[]): void {
  if (d === t.shape.length) {
    out.push(t.data[offset]);
    return;
  }
  for (const i of keptIndices(t.shape[d], summarize, d === t.shape.length - 1)) summarizedValues(t, offset + i * t.strides[d], d + 1, summarize, out);
}

function vectorStr(t: Walk, offset: number, indent: number, summarize: boolean, f: Formatter): string {
  const elementLength = f.width() + 2;
  const perLine = Math.max(1, Math.floor((options.linewidth - indent) / elementLength));
  const size = t.shape[t.shape.length - 1];
  const stride = t.strides[t.strides.length - 1];
  const e = options.edgeitems;
  const item = (i: number) => f.format(t.data[offset + i * stride]);
  let items: string[];
  if (summarize && size > 2 * e) items = [...range(0, e).map(item), ' ...', ...range(tailStart(size, true), size).map(item)];
  else items = range(0, size).map(item);
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStr(t: Walk, offset: number, d: number, indent: number, summarize: boolean, f: Formatter): string {
  const dims = t.shape.length - d;
  if (dims === 0) return f.format(t.data[offset]);
  if (dims === 1) return vectorStr(t, offset, indent, summarize, f);
  const size = t.shape[d];
  const e = options.edgeitems;
  const slices: string[] = [];
  const sub = (i: number) => tensorStr(t, offset + i * t.strides[d], d + 1, indent + 1, summarize, f);
  if (summarize && size > 2 * e) {
    for (let i = 0; i < e; i++) slices.push(sub(i));
    slices.push('...');
    for (let i = size - e; i < size; i++) slices.push(sub(i));
  } else {
    for (let i = 0; i < size; i++) slices.push(sub(i));
  }
  return '[' + slices.join(',' + '\n'.repeat(dims - 1) + ' '.repeat(indent + 1)) + ']';
}

function addSuffixes(body: string, suffixes: string[], indent: number): string {
  const parts = [body];
  let lastLineLen = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > options.linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** The body between the brackets of tensor(...), as _tensor_str(self, indent). */
export function formatValues(t: Tensor, indent: number): string {
  const walk: Walk = { data: t.buffer, shape: t.shape, strides: t.strides };
  const numel = t.numel();
  if (numel === 0) return '[]';
  const summarize = numel > options.threshold;
  // PyTorch's get_summarized_data stacks an empty list here.
  if (summarize && options.edgeitems === 0 && t.dim() >= 2) throw new Error('stack expects a non-empty TensorList');
  const values: number[] = [];
  summarizedValues(walk, t.offset, 0, summarize, values);
  return tensorStr(walk, t.offset, 0, indent, summarize, new Formatter(t.dtype, values));
}


/** repr(tensor) exactly as PyTorch prints it. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (t.numel() === 0) {
    if (t.dim() !== 1) suffixes.push(`size=${tupleRepr(t.shape)}`);
    if (t.dtype !== getDefaultDtype()) suffixes.push(`dtype=torch.${t.dtype}`);
    body = '[]';
  } else {
    const defaultish = t.dtype === getDefaultDtype() || t.dtype === 'int64' || t.dtype === 'bool';
    if (!defaultish) suffixes.push(`dtype=torch.${t.dtype}`);
    body = formatValues(t, indent);
  }
  const fn = t.gradFn;
  if (fn !== null) suffixes.push(`grad_fn=<${fn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
