// Emits pickle protocol 2 opcodes, as CPython's pickler does for the types used here.
import { ByteWriter } from './bytes.js';
import { OP } from './pickle-opcodes.js';

const encoder = new TextEncoder();
/** Python's pickler batches APPENDS/SETITEMS by 1000 items. */
export const BATCH = 1000;

export class PickleWriter {
  readonly out = new ByteWriter();
  private nextMemo = 0;
  private readonly globals = new Map<string, number>();

  constructor() {
    this.out.u8(OP.PROTO).u8(2);
  }

  op(code: number): this {
    this.out.u8(code);
    return this;
  }

  none(): void {
    this.op(OP.NONE);
  }

  bool(v: boolean): void {
    this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
  }

  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 0x100) this.op(OP.BININT1).out.u8(v);
    else if (typeof v === 'number' && v >= 0 && v < 0x10000) this.op(OP.BININT2).out.u16(v);
    else if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) this.op(OP.BININT).out.i32(v);
    else this.long(BigInt(v));
  }

  /** LONG1: the shortest little-endian two's complement bytes of v. */
  private long(v: bigint): void {
    const bytes: number[] = [];
    let rest = v;
    for (;;) {
      const byte = Number(rest & 0xffn);
      bytes.push(byte);
      rest >>= 8n;
      if ((rest === 0n && (byte & 0x80) === 0) || (rest === -1n && (byte & 0x80) !== 0)) break;
    }
    if (bytes.length > 255) throw new RangeError(`integer ${v} is too large to pickle`);
    this.op(OP.LONG1).out.u8(bytes.length).bytes(Uint8Array.from(bytes));
  }

  float(v: number): void {
    this.op(OP.BINFLOAT).out.f64be(v);
  }

  str(s: string): void {
    const bytes = encoder.encode(s);
    this.op(OP.BINUNICODE).out.u32(bytes.length).bytes(bytes);
  }

  /** GLOBAL, memoized so each name is written once. */
  global(module: string, name: string): void {
    const key = `${module}\n${name}`;
    const index = this.globals.get(key);
    if (index !== undefined) {
      this.get(index);
      return;
    }
    this.op(OP.GLOBAL).out.bytes(encoder.encode(`${key}\n`));
    this.globals.set(key, this.put());
  }

  /** Stores the top of the stack in the memo; returns its index. */
  put(): number {
    const index = this.nextMemo++;
    if (index < 0x100) this.op(OP.BINPUT).out.u8(index);
    else this.op(OP.LONG_BINPUT).out.u32(index);
    return index;
  }

  get(index: number): void {
    if (index < 0x100) this.op(OP.BINGET).out.u8(index);
    else this.op(OP.LONG_BINGET).out.u32(index);
  }

  /** MARK: starts the items that the next TUPLE, APPENDS or SETITEMS takes from the stack. */
  mark(): this {
    return this.op(OP.MARK);
  }

  /** Closes a tuple of n items already pushed (after mark() when n > 3). */
  tuple(n: number): void {
    if (n === 0) this.op(OP.EMPTY_TUPLE);
    else if (n === 1) this.op(OP.TUPLE1);
    else if (n === 2) this.op(OP.TUPLE2);
    else if (n === 3) this.op(OP.TUPLE3);
    else this.op(OP.TUPLE);
  }

  /** A tuple of ints (sizes, strides). */
  intTuple(values: readonly number[]): void {
    if (values.length > 3) this.mark();
    for (const v of values) this.int(v);
    this.tuple(values.length);
  }

  result(): Uint8Array {
    this.op(OP.STOP);
    return this.out.result();
  }
}
