// The "process" in a web page: no environment variables (undefined), no home or temp folder
// (errors), warnings through console.warn.
import type * as Node from '../node/os.js';
import { FILES_ADVICE, unavailable } from '../unavailable.js';

export const platformName: 'node' | 'browser' = 'browser';

export function env(_name: string): string | undefined {
  return undefined;
}
export function osPlatform(): string {
  return 'browser';
}
export function osArch(): string {
  return 'wasm32';
}
export const homedir: typeof Node.homedir = unavailable('homedir (a cache folder)', FILES_ADVICE);
export const tmpdir: typeof Node.tmpdir = unavailable('tmpdir (a temporary folder)', FILES_ADVICE);
export const cwd: typeof Node.cwd = unavailable('cwd (the current folder)', FILES_ADVICE);
export function pid(): number {
  return 0;
}
export function processAlive(_id: number): boolean {
  return false;
}
export function execArgv(): string[] {
  return [];
}
export function mainScript(): string | undefined {
  return undefined;
}
export function writeStderr(text: string): void {
  console.error(text.replace(/\n$/, ''));
}
export function stderrStream(): { write(text: string): unknown; isTTY?: boolean; columns?: number } {
  return { write: writeStderr, isTTY: false };
}
/** Like process.emitWarning (callers decide how often: tensor/warnings.ts shows each once). */
export function emitWarning(message: string, category?: string): void {
  console.warn(`${category ?? 'Warning'}: ${message}`);
}

/** A page cannot allocate without zeroing: a plain (zeroed) ArrayBuffer. */
export function uninitializedBuffer(bytes: number): ArrayBuffer {
  return new ArrayBuffer(bytes);
}

/** No child processes in a page (torch.multiprocessing.spawn). */
export interface ChildProcessHandle {
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  send(message: unknown): void;
  kill(): void;
}
const PROCESSES_ADVICE = 'a web page cannot start processes; run the program under Node';
export const forkMain: typeof Node.forkMain = unavailable('torch.multiprocessing.spawn (child processes)', PROCESSES_ADVICE);
export const parentMessage: typeof Node.parentMessage = unavailable('torch.multiprocessing (child processes)', PROCESSES_ADVICE);
export const sendToParent: typeof Node.sendToParent = unavailable('torch.multiprocessing (child processes)', PROCESSES_ADVICE);
export const exitProcess: typeof Node.exitProcess = unavailable('process exit', PROCESSES_ADVICE);
