// Loading torch.distributed's optional native addon (native/distributed, built against Gloo by
// scripts/build-distributed.mjs). Without it torch.distributed.isAvailable() is false and
// unavailableReason() says why; nothing else in torchlette depends on it.
import { readFileSync } from '#platform/fs';
import { addonsUnsupported, packageRoot, requireAddon } from '#platform/addon';
import { join } from '#platform/path';
import type { TypedArray } from '../tensor/dtype.js';

/** An opaque native handle (a store or a process group). */
export interface Handle {
  readonly __handle: unique symbol;
}

/** The functions of native/distributed/addon.cc; times are milliseconds, work ids numbers. */
export interface DistributedAddon {
  tcpStore(host: string, port: number, worldSize: number, isMaster: boolean, timeoutMs: number, waitForWorkers: boolean): { port: number; handle: Handle };
  fileStore(path: string, timeoutMs: number): Handle;
  hashStore(timeoutMs: number): Handle;
  prefixStore(prefix: string, base: Handle): Handle;
  storeSet(store: Handle, key: string, value: Uint8Array): void;
  storeGet(store: Handle, key: string): Buffer;
  storeAdd(store: Handle, key: string, amount: number): number;
  storeCheck(store: Handle, keys: string[]): boolean;
  storeWait(store: Handle, keys: string[], timeoutMs?: number): void;
  storeDelete(store: Handle, key: string): boolean;
  storeNumKeys(store: Handle): number;
  storeSetTimeout(store: Handle, timeoutMs: number): void;
  setOnComplete(fn: (id: number) => void): void;
  refLoop(on: boolean): void;
  waitWork(id: number, timeoutMs: number): string | null | undefined;
  isCompleted(id: number): boolean;
  releaseWork(id: number): void;
  newGroup(store: Handle, rank: number, size: number, timeoutMs: number, hostname: string, iface: string): Handle;
  destroyGroup(group: Handle): void;
  setGroupTimeout(group: Handle, timeoutMs: number): void;
  allReduce(group: Handle, buf: TypedArray, kind: number, op: number): number;
  broadcast(group: Handle, buf: TypedArray, kind: number, root: number): number;
  reduce(group: Handle, buf: TypedArray, kind: number, op: number, root: number): number;
  allGather(group: Handle, input: TypedArray, output: TypedArray, kind: number): number;
  gather(group: Handle, input: TypedArray, output: TypedArray | null, kind: number, root: number): number;
  scatter(group: Handle, inputs: TypedArray[] | null, output: TypedArray, kind: number, root: number): number;
  allToAll(group: Handle, input: TypedArray, output: TypedArray, kind: number): number;
  barrier(group: Handle): number;
  sendRecv(group: Handle, buf: TypedArray, peer: number, tag: number, isSend: boolean): number;
  sourceRank(id: number): number;
  hostname(): string;
}

// Paths are computed on first use: importing torchlette touches no file.
function buildDir(): string {
  return join(packageRoot(), 'native', 'distributed', 'build');
}
/** Where scripts/build-distributed.mjs puts the addon. */
export function distributedAddonPath(): string {
  return join(buildDir(), 'Release', 'torchlette_distributed.node');
}

let loaded: DistributedAddon | null | undefined;
let reason = '';

function load(): DistributedAddon | null {
  if (loaded !== undefined) return loaded;
  const unsupported = addonsUnsupported();
  if (unsupported !== null) {
    loaded = null;
    reason = `${unsupported} (torch.distributed runs on Gloo through one)`;
    return loaded;
  }
  try {
    loaded = requireAddon(distributedAddonPath()) as DistributedAddon;
  } catch (e) {
    loaded = null;
    let why = '';
    try {
      why = readFileSync(join(buildDir(), 'distributed-build.log'), 'utf8').split('\n')[0].replace(/^UNAVAILABLE: /, '');
    } catch {
      why = 'the distributed addon was not built (install Gloo, e.g. Debian\'s libgloo-dev, then run node scripts/build-distributed.mjs)';
    }
    // A build that succeeded but does not load (e.g. libgloo removed since) says so.
    reason = why.startsWith('OK') ? `the distributed addon does not load: ${(e as Error).message}` : why;
  }
  return loaded;
}

/** torch.distributed.is_available(): whether this build has the Gloo backend. */
export function isAvailable(): boolean {
  return load() !== null;
}

/** Why isAvailable() is false ('' when it is true). */
export function unavailableReason(): string {
  load();
  return reason;
}

/** The addon, or an error that says why torch.distributed cannot run here. */
export function distributedAddon(): DistributedAddon {
  const a = load();
  if (a === null) throw new Error(`torch.distributed is not available: ${reason}`);
  return a;
}
