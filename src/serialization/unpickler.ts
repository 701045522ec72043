// A pickle virtual machine that only builds data: every GLOBAL goes through the
// host's allow-list and every call (REDUCE, NEWOBJ, BUILD) through the host, which
// knows the few PyTorch functions a weights-only load may call. Nothing is ever
// looked up by name or executed.
import type { ByteInput } from './bytes.js';
import { SerializationError } from './errors.js';
import { describeOpcode, OP } from './pickle-opcodes.js';
import { PyDict, PyGlobal, PySet, PyTuple, pyTypeName } from './python-values.js';

export interface UnpicklerHost {
  /** Resolves a GLOBAL; throws UnsafePickleError for anything outside the allow-list. */
  global(module: string, name: string): PyGlobal;
  /** REDUCE: `fn(*args)`. */
  call(fn: unknown, args: unknown[]): unknown;
  /** NEWOBJ: `cls.__new__(cls, *args)`. */
  newObject(cls: unknown, args: unknown[]): unknown;
  /** BUILD: `inst.__setstate__(state)`. */
  build(inst: unknown, state: unknown): void;
  /** BINPERSID: the object a persistent id stands for (PyTorch's storages). */
  persistentLoad(pid: unknown): unknown;
}

const MAX_GLOBAL_NAME = 256;
const MAX_LONG_BYTES = 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** The longest text line a protocol 0 opcode may take (a long integer or a string literal). */
const MAX_LINE = 1 << 26;


const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, '\n': -1 };

/** A Python 2 string literal ('...' or "...", with backslash escapes) as its bytes, as pickle's STRING reads it. */
function pythonStringLiteral(line: Uint8Array, fail: (m: string) => never): Uint8Array {
  const t = isoLatin1(line);
  const quote = t[0];
  if ((quote !== "'" && quote !== '"') || t.length < 2 || t[t.length - 1] !== quote) fail('the STRING opcode argument must be quoted');
  const body = t.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const e = body[++i];
    if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail('invalid \\x escape in a STRING');
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out.push(parseInt(oct, 8) & 255);
      i += oct.length - 1;
    } else if (e !== undefined && e in ESCAPES) {
      if (ESCAPES[e] >= 0) out.push(ESCAPES[e]);
    } else {
      out.push(92);
      if (e !== undefined) out.push(e.charCodeAt(0));
    }
  }
  return Uint8Array.from(out);
}

/** Python's raw-unicode-escape decoding (the UNICODE opcode): \\uXXXX and \\UXXXXXXXX, other bytes as Latin-1. */
function rawUnicodeEscape(line: Uint8Array, fail: (m: string) => never): string {
  const t = isoLatin1(line);
  return t.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g, (_, hex: string) => {
    const cp = parseInt(hex.slice(1), 16);
    return cp > 0x10ffff ? fail('\\U escape out of range in a UNICODE') : String.fromCodePoint(cp);
  });
}

function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i].toString(16).padStart(2, '0');
  let value = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** ISO-8859-1 (each byte one code point; TextDecoder's 'latin1' is windows-1252, which remaps 0x80-0x9f). */
function isoLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

function u32(b: Uint8Array): number {
  return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000;
}

/**
 * How Python 2 `str` values (BINSTRING) are decoded: torch.load's default ('utf-8', falling
 * back to latin-1 where the bytes are not UTF-8), or 'latin1' as pickle.load(encoding='latin1'),
 * which keeps every byte (numpy arrays pickled by Python 2 hold their data in a str).
 */
export type Python2Strings = 'utf-8' | 'latin1';

/** Runs one pickle (up to and including STOP) and returns the raw Python value. */
export function unpickle(input: ByteInput, host: UnpicklerHost, what: string, python2Strings: Python2Strings = 'utf-8'): unknown {
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let opcodeAt = 0;
  let opcode = 0;

  const fail = (message: string): never => {
    throw new SerializationError(`${what}: ${message} (at byte ${opcodeAt}, ${describeOpcode(opcode)})`);
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const previous = marks.pop();
    if (previous === undefined) fail('no MARK on the stack');
    stack = previous as unknown[];
    return items;
  };
  const u64 = (b: Uint8Array): number => {
    const hi = u32(b.subarray(4));
    if (hi >= 0x200000) fail('length too large');
    return hi * 2 ** 32 + u32(b);
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) fail(`memo entry ${index} was never stored`);
    return memo.get(index);
  };
  const setItem = (target: unknown, key: unknown, value: unknown): void => {
    if (!(target instanceof PyDict)) fail(`can only set items on a dict, not on ${pyTypeName(target)}`);
    (target as PyDict).map.set(key, value);
  };
  const extend = (target: unknown, items: unknown[]): void => {
    if (!Array.isArray(target)) fail(`can only append to a list, not to ${pyTypeName(target)}`);
    for (const item of items) (target as unknown[]).push(item);
  };
  const addItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof PySet) || target.frozen) fail(`can only add items to a set, not to ${pyTypeName(target)}`);
    for (const item of items) (target as PySet).items.push(item);
  };
  // Python's pickle decodes with 'surrogatepass' and raises on invalid UTF-8; so do we (no U+FFFD in a key).
  const decimal = (t: string): number | bigint => {
    if (!/^[+-]?\d+$/.test(t)) return fail(`invalid integer literal ${JSON.stringify(t.slice(0, 40))}`);
    const v = BigInt(t);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const decimalIndex = (t: string): number => {
    const v = decimal(t);
    return typeof v === 'number' && v >= 0 ? v : fail(`invalid memo index ${t}`);
  };
  const text = (bytes: Uint8Array): string => {
    try {
      return utf8.decode(bytes);
    } catch {
      return fail(`UnicodeDecodeError: 'utf-8' codec can't decode a pickled string of ${bytes.length} bytes (invalid UTF-8)`);
    }
  };

  for (;;) {
    opcodeAt = input.pos;
    opcode = input.byte();
    switch (opcode) {
      case OP.PROTO: {
        const version = input.byte();
        if (version > 5) fail(`unsupported pickle protocol ${version}`);
        break;
      }
      case OP.FRAME:
        input.take(8);
        break;
      case OP.STOP: {
        if (marks.length !== 0) fail('MARK left open at STOP');
        if (stack.length !== 1) fail(`expected one value on the stack at STOP, found ${stack.length}`);
        return stack[0];
      }
      case OP.MARK:
        marks.push(stack);
        stack = [];
        break;
      case OP.POP:
        pop();
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        stack.push(top());
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT: {
        const b = input.take(4);
        stack.push(b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24));
        break;
      }
      case OP.BININT1:
        stack.push(input.byte());
        break;
      case OP.BININT2: {
        const b = input.take(2);
        stack.push(b[0] | (b[1] << 8));
        break;
      }
      case OP.LONG1:
        stack.push(decodeLong(input.take(input.byte())));
        break;
      case OP.LONG4: {
        const n = u32(input.take(4));
        if (n > MAX_LONG_BYTES) fail(`integer of ${n} bytes is too long`);
        stack.push(decodeLong(input.take(n)));
        break;
      }
      // Protocol 0 text forms: I42\n (I00/I01 are False/True), L42L\n, F1.5\n, S'...'\n, Vtext\n.
      case OP.INT: {
        const t = isoLatin1(input.line(MAX_LINE));
        if (t === '00' || t === '01') stack.push(t === '01');
        else stack.push(decimal(t));
        break;
      }
      case OP.LONG:
        stack.push(decimal(isoLatin1(input.line(MAX_LINE)).replace(/L$/, '')));
        break;
      case OP.FLOAT: {
        const t = isoLatin1(input.line(MAX_LINE));
        const v = t === 'inf' ? Infinity : t === '-inf' ? -Infinity : t === 'nan' ? NaN : Number(t);
        if (Number.isNaN(v) && t !== 'nan') fail(`invalid float literal ${JSON.stringify(t)}`);
        stack.push(v);
        break;
      }
      case OP.STRING: {
        const bytes = pythonStringLiteral(input.line(MAX_LINE), fail);
        try {
          stack.push(python2Strings === 'latin1' ? isoLatin1(bytes) : new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        } catch {
          stack.push(latin1.decode(bytes));
        }
        break;
      }
      case OP.UNICODE:
        stack.push(rawUnicodeEscape(input.line(MAX_LINE), fail));
        break;
      case OP.PUT:
        memo.set(decimalIndex(isoLatin1(input.line(MAX_LINE))), top());
        break;
      case OP.GET:
        stack.push(memoGet(decimalIndex(isoLatin1(input.line(MAX_LINE)))));
        break;
      case OP.BINFLOAT: {
        const b = input.take(8);
        stack.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false));
        break;
      }
      case OP.SHORT_BINUNICODE:
        stack.push(text(input.take(input.byte())));
        break;
      case OP.BINUNICODE:
        stack.push(text(input.take(u32(input.take(4)))));
        break;
      case OP.BINUNICODE8:
        stack.push(text(input.take(u64(input.take(8)))));
        break;
      // Python 2 str: torch.load decodes it (its default encoding is utf-8, falling back here to latin-1).
      case OP.SHORT_BINSTRING:
      case OP.BINSTRING: {
        const n = opcode === OP.SHORT_BINSTRING ? input.byte() : u32(input.take(4));
        const bytes = input.take(n);
        if (python2Strings === 'latin1') {
          stack.push(isoLatin1(bytes));
          break;
        }
        try {
          stack.push(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        } catch {
          stack.push(latin1.decode(bytes));
        }
        break;
      }
      case OP.SHORT_BINBYTES:
        stack.push(input.take(input.byte()).slice());
        break;
      case OP.BINBYTES:
        stack.push(input.take(u32(input.take(4))).slice());
        break;
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        stack.push(input.take(u64(input.take(8))).slice());
        break;
      case OP.EMPTY_TUPLE:
        stack.push(new PyTuple([]));
        break;
      case OP.TUPLE: {
        // popMark() replaces `stack`, so it must run before `stack.push` is looked up.
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case OP.TUPLE1: {
        const a = pop();
        stack.push(new PyTuple([a]));
        break;
      }
      case OP.TUPLE2: {
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b]));
        break;
      }
      case OP.TUPLE3: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b, c]));
        break;
      }
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.LIST: {
        const items = popMark();
        stack.push(items);
        break;
      }
      case OP.APPEND: {
        const item = pop();
        extend(top(), [item]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        extend(top(), items);
        break;
      }
      case OP.EMPTY_DICT:
        stack.push(new PyDict(false));
        break;
      case OP.DICT: {
        const items = popMark();
        if (items.length % 2 !== 0) fail('odd number of items for a dict');
        const dict = new PyDict(false);
        for (let i = 0; i < items.length; i += 2) dict.map.set(items[i], items[i + 1]);
        stack.push(dict);
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItem(top(), key, value);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        if (items.length % 2 !== 0) fail('odd number of items for SETITEMS');
        const target = top();
        for (let i = 0; i < items.length; i += 2) setItem(target, items[i], items[i + 1]);
        break;
      }
      case OP.EMPTY_SET:
        stack.push(new PySet(false));
        break;
      case OP.ADDITEMS: {
        const items = popMark();
        addItems(top(), items);
        break;
      }
      case OP.FROZENSET: {
        const set = new PySet(true);
        for (const item of popMark()) set.items.push(item);
        stack.push(set);
        break;
      }
      case OP.BINPUT:
        memo.set(input.byte(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(u32(input.take(4)), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
        stack.push(memoGet(input.byte()));
        break;
      case OP.LONG_BINGET:
        stack.push(memoGet(u32(input.take(4))));
        break;
      case OP.GLOBAL: {
        const module = latin1.decode(input.line(MAX_GLOBAL_NAME));
        const name = latin1.decode(input.line(MAX_GLOBAL_NAME));
        stack.push(host.global(module, name));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(host.global(module as string, name as string));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        const fn = pop();
        if (!(args instanceof PyTuple)) fail(`REDUCE needs a tuple of arguments, got ${pyTypeName(args)}`);
        stack.push(host.call(fn, (args as PyTuple).items));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) fail(`NEWOBJ needs a tuple of arguments, got ${pyTypeName(args)}`);
        stack.push(host.newObject(cls, (args as PyTuple).items));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        host.build(top(), state);
        break;
      }
      case OP.BINPERSID:
        stack.push(host.persistentLoad(pop()));
        break;
      default:
        fail('unsupported pickle opcode');
    }
  }
}
