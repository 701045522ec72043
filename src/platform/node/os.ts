// The process and its host, in Node: environment variables, OS/architecture, home and temp
// folders, warnings. Every call reads the live value (nothing is captured at import).
import { fork } from 'node:child_process';
import { homedir as nodeHomedir, tmpdir as nodeTmpdir } from 'node:os';

export const platformName: 'node' | 'browser' = 'node';

/** An environment variable, or undefined. */
export function env(name: string): string | undefined {
  return process.env[name];
}

/** process.platform / process.arch. */
export function osPlatform(): string {
  return process.platform;
}
export function osArch(): string {
  return process.arch;
}

export function homedir(): string {
  return nodeHomedir();
}
export function tmpdir(): string {
  return nodeTmpdir();
}
export function cwd(): string {
  return process.cwd();
}
export function pid(): number {
  return process.pid;
}
/** Whether a process with this id exists (signal 0). */
export function processAlive(id: number): boolean {
  try {
    process.kill(id, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}
/** process.execArgv (how this process was started: tsx or not, for worker threads). */
export function execArgv(): string[] {
  return process.execArgv;
}
/** The program's entry script (process.argv[1]), if any. */
export function mainScript(): string | undefined {
  return process.argv[1];
}
/** Writes a progress/status line to stderr. */
export function writeStderr(text: string): void {
  process.stderr.write(text);
}
/** A stream-like object for progress bars (hub, downloads). */
export function stderrStream(): { write(text: string): unknown; isTTY?: boolean; columns?: number } {
  return process.stderr;
}
/** process.emitWarning: Node prints it once per process unless told otherwise. */
export function emitWarning(message: string, category?: string): void {
  process.emitWarning(message, category);
}

/**
 * An ArrayBuffer of `bytes` whose contents are not zeroed (Node's allocUnsafeSlow: malloc
 * instead of calloc), for outputs a kernel overwrites entirely: zeroing a multi-megabyte
 * buffer first was ~9% of an LSTM language model's CPU time.
 */
export function uninitializedBuffer(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

/** A child process started by forkMain: messages, its end, and a way to stop it. */
export interface ChildProcessHandle {
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  send(message: unknown): void;
  kill(): void;
}

/**
 * Runs this program's entry script again, with its arguments and Node options (tsx), in a child
 * process with `env` added and a message channel (torch.multiprocessing.spawn, as Python's spawn
 * start method re-runs the main module). Its output goes where this process's goes.
 */
export function forkMain(env: Record<string, string>): ChildProcessHandle {
  const script = process.argv[1];
  if (script === undefined) throw new Error('torch.multiprocessing.spawn: this process has no entry script to start again');
  const child = fork(script, process.argv.slice(2), { env: { ...process.env, ...env }, execArgv: process.execArgv, serialization: 'advanced', stdio: 'inherit' });
  return {
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', (code, signal) => listener(code, signal)),
    send: (message) => void child.send(message as never),
    kill: () => void child.kill('SIGTERM'),
  };
}

/** In a process forkMain started: the parent's first message; sendToParent answers it. */
export function parentMessage(): Promise<unknown> {
  return new Promise((resolve) => process.once('message', resolve));
}
export function sendToParent(message: unknown): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(message as never, () => resolve()) : resolve()));
}
/** Ends this process with `code`. */
export function exitProcess(code: number): never {
  process.exit(code);
}
