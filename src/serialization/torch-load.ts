// torch.load: reads PyTorch checkpoints (the zip format and the legacy pickle
// stream) with a weights-only unpickler, returning JS values and Tensors.
import { any, bool, check, isPlainObject, nullable, pyTypeName, signature } from '../tensor/args.js';
import { device, isDeviceLike, type DeviceLike } from '../tensor/device.js';
import { inFile, inFileAsync, SerializationError } from './errors.js';
import { asBytes, BufferSource, pathString, readAllAsync, readBytes, withFileSource, type BytesLike, type Source } from './source.js';
import { toJs } from './to-js.js';
import { loadLegacy } from './torch-legacy-load.js';
import { loadZip } from './torch-zip-load.js';

/** A map_location: a device, a dict from saved locations to devices, or a function (storage, location) → storage. */
export type MapLocation = DeviceLike | Readonly<Record<string, DeviceLike>> | ((storage: unknown, location: string) => unknown);

export interface LoadOptions {
  /** Where storages go: every storage loads on the CPU, so this may only name the CPU (see checkMapLocation). */
  mapLocation?: MapLocation | null;
  /** torch.load's pickle_module: torchlette reads pickles with its own weights-only unpickler only. */
  pickleModule?: null;
  /**
   * PyTorch's weights_only: true reads tensors and plain data only, as PyTorch's weights-only
   * unpickler (a numpy value is refused with its error); false (the default) also reads numpy
   * arrays (as tensors) and scalars (as numbers). Neither runs code from the file: a pickle
   * naming any other global is refused either way.
   */
  weightsOnly?: boolean;
}

const mapLocationArg = check<MapLocation>('a device, a dict of devices or a function', (v) => isDeviceLike(v) || typeof v === 'function' || isPlainObject(v));
// torch.load(f, map_location=None, pickle_module=pickle, *, weights_only=False)
const loadArgs = signature('load', [['f', any], ['mapLocation', nullable(mapLocationArg), null], ['pickleModule', nullable(any), null], '*', ['weightsOnly', bool, false]] as const);

/**
 * map_location only has to say "the CPU": a CPU device, a dict mapping saved locations to it,
 * or a function that keeps the storage where it is (`(storage, loc) => storage`, the common
 * idiom, is called once with a stand-in storage and must return it or nothing). Anything that
 * names another device throws (as torch.device('cuda') does here) instead of being ignored.
 */
function checkMapLocation(where: string, m: MapLocation | null): void {
  if (m === null || isDeviceLike(m)) {
    if (m !== null) device(m);
    return;
  }
  if (typeof m === 'function') {
    const storage = Object.freeze({ device: device('cpu') });
    const r = m(storage, 'cpu');
    if (r !== storage && r !== undefined && r !== null) {
      throw new TypeError(`${where}: the mapLocation function returned something other than the storage it was given; torchlette loads every storage on the CPU (write mapLocation: 'cpu')`);
    }
    return;
  }
  for (const [from, to] of Object.entries(m)) {
    if (!isDeviceLike(to)) throw new TypeError(`${where}: mapLocation['${from}'] must be a device, not ${typeof to}`);
    device(to);
  }
}

function parseLoadArgs(where: string, args: readonly unknown[]): { f: unknown; weightsOnly: boolean } {
  const a = loadArgs.parse(args as never);
  if (a.pickleModule !== null) throw new TypeError(`${where}: pickleModule is not supported: torchlette reads pickles with its own weights-only unpickler`);
  checkMapLocation(where, a.mapLocation);
  return a;
}

const PROTO = 0x80;

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9 || head[8] !== 0x7b) return false;
  const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  return n > 0n && n <= BigInt(size - 8);
}

function loadSource(source: Source, weightsOnly: boolean): unknown {
  if (source.size === 0) throw new SerializationError('the file is empty');
  const head = readBytes(source, 0, Math.min(source.size, 512), 'the file header');
  if (head[0] === 0x50 && head[1] === 0x4b) return toJs(loadZip(source, weightsOnly));
  // The legacy format starts with the pickled magic number: PROTO 2 (the default) or, for
  // pickle_protocol 0 and 1, the text opcode LONG ('L119547037146038801333356L').
  if (head[0] === PROTO || head[0] === 0x4c) return toJs(loadLegacy(source, weightsOnly));
  if (head.length >= 262 && new TextDecoder().decode(head.subarray(257, 262)) === 'ustar') {
    throw new SerializationError('legacy tar-format checkpoints (PyTorch < 0.4) are not supported');
  }
  const hint = looksLikeSafetensors(head, source.size) ? ' (it looks like a safetensors file: use safetensors.loadFile)' : '';
  throw new SerializationError(`not a PyTorch checkpoint: bad magic ${hex(head.subarray(0, 4))} (expected a zip archive or a legacy pickle stream)${hint}`);
}

/**
 * torch.load: reads a file written by torch.save (any PyTorch version, zip or legacy
 * format) or by torchlette's save. Only weights-only content is accepted (tensors,
 * dicts, lists, numbers, strings...): a pickle that refers to anything else is
 * refused with an UnsafePickleError and nothing in it runs. Dicts come back as plain
 * objects (int keys as their decimal strings), tuples and lists as arrays, tensors
 * that shared a storage in the file share one here.
 */
export function load<T = unknown>(f: string | URL | Uint8Array | ArrayBuffer, mapLocationOrOptions?: MapLocation | LoadOptions | null, options?: LoadOptions): T;
export function load<T = unknown>(...args: unknown[]): T {
  const { f, weightsOnly } = parseLoadArgs('torch.load', args);
  // bytes in memory: what PyTorch reads from an io.BytesIO
  if (f instanceof Uint8Array || f instanceof ArrayBuffer) return loadFromBuffer(f, '<buffer>', { weightsOnly });
  if (typeof f !== 'string' && !(f instanceof URL)) {
    throw new TypeError(`torch.load(): f must be a path, a file: URL or the file's bytes (a Uint8Array or ArrayBuffer), not ${pyTypeName(f)}; for a Blob or fetch Response use torch.loadAsync`);
  }
  return withFileSource(pathString(f, 'torch.load'), (source) => loadSource(source, weightsOnly) as T);
}

/**
 * torch.load, asynchronously, from a path or file: URL (Node), an http(s) URL (fetched), or
 * bytes, an ArrayBuffer, a Blob/File or a fetch Response (what a web page has).
 */
export async function loadAsync<T = unknown>(path: string | URL | BytesLike, mapLocationOrOptions?: MapLocation | LoadOptions | null, options?: LoadOptions): Promise<T>;
export async function loadAsync<T = unknown>(...args: unknown[]): Promise<T> {
  const { f, weightsOnly } = parseLoadArgs('torch.loadAsync', args);
  const { name, bytes } = await readAllAsync(f as string | URL | BytesLike, 'torch.loadAsync');
  return inFileAsync(name, async () => loadSource(new BufferSource(bytes), weightsOnly) as T);
}

/** torch.load from bytes in memory (as PyTorch loads from an io.BytesIO). */
export function loadFromBuffer<T = unknown>(bytes: Uint8Array | ArrayBuffer, name = '<buffer>', options: Pick<LoadOptions, 'weightsOnly'> = {}): T {
  return inFile(name, () => loadSource(new BufferSource(asBytes(bytes, 'torch.loadFromBuffer')), options.weightsOnly ?? false) as T);
}
