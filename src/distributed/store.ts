// PyTorch's c10d stores: TCPStore (a server in rank 0's process), FileStore, HashStore,
// PrefixStore. The data lives in native code (native/distributed/store.cc) so that Gloo's
// rendezvous and a JS thread blocked in a collective can use the same store. Values are
// bytes (strings are stored as UTF-8); get() returns a Buffer, as PyTorch returns bytes.
import { bool, check, int, nullable, signature, string, type ArgsOf } from '../tensor/args.js';
import { distributedAddon, type Handle } from './addon.js';

/** PyTorch's default store timeout (timedelta(seconds=300)), in milliseconds. */
export const DEFAULT_STORE_TIMEOUT_MS = 300_000;

const valueArg = check<string | Uint8Array>('a string or bytes (Uint8Array)', (v) => typeof v === 'string' || v instanceof Uint8Array);
const keysArg = check<readonly string[]>('a list of strings', (v) => Array.isArray(v) && v.every((k) => typeof k === 'string'));
const timeoutArg = check<number>('a timeout in milliseconds (a non-negative number)', (v) => typeof v === 'number' && v >= 0);

function bytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

const setArgs = signature('Store.set', [['key', string], ['value', valueArg]] as const);
const getArgs = signature('Store.get', [['key', string]] as const);
const addArgs = signature('Store.add', [['key', string], ['amount', int]] as const);
const waitArgs = signature('Store.wait', [['keys', keysArg], ['timeout', nullable(timeoutArg), null]] as const);
const keyListArgs = signature('Store.check', [['keys', keysArg]] as const);
const deleteArgs = signature('Store.deleteKey', [['key', string]] as const);
const setTimeoutArgs = signature('Store.setTimeout', [['timeout', timeoutArg]] as const);

/** The operations every store has (PyTorch's torch.distributed.Store). */
export abstract class Store {
  /** @internal The native store. */
  readonly _handle: Handle;
  protected _timeout: number;

  protected constructor(handle: Handle, timeout: number) {
    this._handle = handle;
    this._timeout = timeout;
  }

  /** Sets key to value (a string is stored as UTF-8). */
  set(...args: ArgsOf<typeof setArgs>): void {
    const a = setArgs.parse(args);
    distributedAddon().storeSet(this._handle, a.key, bytes(a.value));
  }

  /** The key's value; waits for the key up to the store's timeout ("Socket Timeout" after it). */
  get(...args: ArgsOf<typeof getArgs>): Buffer {
    return distributedAddon().storeGet(this._handle, getArgs.parse(args).key);
  }

  /** Adds amount to the key's integer value (0 when the key is new) and returns the sum. */
  add(...args: ArgsOf<typeof addArgs>): number {
    const a = addArgs.parse(args);
    return distributedAddon().storeAdd(this._handle, a.key, a.amount);
  }

  /** Waits until every key exists, up to timeout ms (default: the store's timeout). */
  wait(...args: ArgsOf<typeof waitArgs>): void {
    const a = waitArgs.parse(args);
    distributedAddon().storeWait(this._handle, [...a.keys], a.timeout ?? undefined);
  }

  /** Whether every key exists now (no waiting). */
  check(...args: ArgsOf<typeof keyListArgs>): boolean {
    return distributedAddon().storeCheck(this._handle, [...keyListArgs.parse(args).keys]);
  }

  /** Deletes the key; false when it did not exist. */
  deleteKey(...args: ArgsOf<typeof deleteArgs>): boolean {
    return distributedAddon().storeDelete(this._handle, deleteArgs.parse(args).key);
  }

  /** How many keys the store holds (a TCPStore counts its own "init/" key, as PyTorch's). */
  numKeys(): number {
    return distributedAddon().storeNumKeys(this._handle);
  }

  /** The timeout of blocking operations from now on, in milliseconds. */
  setTimeout(...args: ArgsOf<typeof setTimeoutArgs>): void {
    this._timeout = setTimeoutArgs.parse(args).timeout;
    distributedAddon().storeSetTimeout(this._handle, this._timeout);
  }

  /** The timeout of blocking operations, in milliseconds. */
  get timeout(): number {
    return this._timeout;
  }
}

const tcpArgs = signature('TCPStore', [
  ['hostName', string],
  ['port', int],
  ['worldSize', nullable(int), null],
  ['isMaster', bool, false],
  ['timeout', timeoutArg, DEFAULT_STORE_TIMEOUT_MS],
  ['waitForWorkers', bool, true],
  ['multiTenant', bool, false],
] as const);

/**
 * A store served over TCP by the process with isMaster (it listens on every interface at
 * `port`; 0 picks a free port, see `.port`); the others connect to hostName:port, retrying
 * until the timeout. With worldSize, the master's constructor waits (waitForWorkers) until
 * worldSize stores have connected.
 */
export class TCPStore extends Store {
  readonly host: string;
  readonly port: number;
  constructor(...args: ArgsOf<typeof tcpArgs>) {
    const a = tcpArgs.parse(args);
    if (a.multiTenant) throw new Error('TCPStore: multiTenant is not supported by torchlette (one TCPStore server per port)');
    if (a.port < 0 || a.port > 65535) throw new RangeError(`port must be in [0, 65535], got ${a.port}`);
    const r = distributedAddon().tcpStore(a.hostName, a.port, a.worldSize ?? 0, a.isMaster, a.timeout, a.waitForWorkers);
    super(r.handle, a.timeout);
    this.host = a.hostName;
    this.port = r.port;
  }
}

const fileArgs = signature('FileStore', [['fileName', string], ['worldSize', int, -1], '*', ['timeout', timeoutArg, DEFAULT_STORE_TIMEOUT_MS]] as const);

/**
 * A store in the file system, for processes sharing one (PyTorch's FileStore). Unlike
 * PyTorch's single file, `fileName` becomes a directory holding one file per key (an
 * empty file at that path, as tempfile makes, is replaced by the directory); it is not
 * deleted when the processes exit.
 */
export class FileStore extends Store {
  readonly path: string;
  readonly worldSize: number;
  constructor(...args: ArgsOf<typeof fileArgs>) {
    const a = fileArgs.parse(args);
    super(distributedAddon().fileStore(a.fileName, a.timeout), a.timeout);
    this.path = a.fileName;
    this.worldSize = a.worldSize;
  }
}

/** A store in this process's memory (PyTorch's HashStore): for tests and threads. */
export class HashStore extends Store {
  constructor() {
    super(distributedAddon().hashStore(DEFAULT_STORE_TIMEOUT_MS), DEFAULT_STORE_TIMEOUT_MS);
  }
}

const storeArg = check<Store>('a Store', (v) => v instanceof Store);
const prefixArgs = signature('PrefixStore', [['prefix', string], ['store', storeArg]] as const);

/** Another store's keys under `prefix/` (PyTorch's PrefixStore). */
export class PrefixStore extends Store {
  readonly underlyingStore: Store;
  readonly prefix: string;
  constructor(...args: ArgsOf<typeof prefixArgs>) {
    const a = prefixArgs.parse(args);
    super(distributedAddon().prefixStore(a.prefix, a.store._handle), a.store.timeout);
    this.underlyingStore = a.store;
    this.prefix = a.prefix;
  }
}

