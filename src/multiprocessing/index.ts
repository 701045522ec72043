// torch.multiprocessing.spawn: runs fn(rank, ...args) in `nprocs` processes and waits for them, as
// PyTorch's spawn (the DDP tutorial's entry point). Like Python's spawn start method, each
// process runs the program's entry script again (its arguments and Node options too); when that
// run reaches this same spawn call, it runs its rank's fn and exits instead of starting more
// processes. Code before the call therefore runs in every process (in Python, code under
// `if __name__ == '__main__':` does not), and code after it only in the parent.
import { env, exitProcess, forkMain, parentMessage, sendToParent, type ChildProcessHandle } from '#platform/os';
import { any, bool, func, intAtLeast, oneOf, signature, type ArgsOf } from '../tensor/args.js';

const spawnArgs = signature('spawn', [
  ['fn', func], ['args', any, []], ['nprocs', intAtLeast(1), 1], ['join', bool, true], ['daemon', bool, false], ['startMethod', oneOf('spawn'), 'spawn'],
] as const);

/** Which spawn call of the program (in order) and which rank this process runs, when spawn started it. */
const ENV = 'TORCHLETTE_MP_SPAWN';

/** A process ended with an error: PyTorch's ProcessRaisedException (the child's stack in the message). */
export class ProcessRaisedException extends Error {
  override name = 'ProcessRaisedException';
  constructor(message: string, readonly errorIndex: number, readonly errorPid: number | null) {
    super(message);
  }
}

/** A process ended with a non-zero exit code or a signal: PyTorch's ProcessExitedException. */
export class ProcessExitedException extends Error {
  override name = 'ProcessExitedException';
  constructor(message: string, readonly errorIndex: number, readonly exitCode: number | null, readonly signalName: string | null) {
    super(message);
  }
}

let calls = 0;

/**
 * spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method='spawn'): fn(rank, ...args)
 * in nprocs processes (args structured-cloned to them). Resolves when all have returned; when one
 * fails the others are stopped and it rejects with ProcessRaisedException / ProcessExitedException.
 * In a started process it never resolves: the process exits when fn is done.
 */
export async function spawn(...a: ArgsOf<typeof spawnArgs>): Promise<void> {
  const { fn, args, nprocs, join } = spawnArgs.parse(a);
  if (!Array.isArray(args)) throw new TypeError(`spawn(): argument 'args' must be an array (Python's tuple), not ${typeof args}`);
  if (!join) throw new RangeError('spawn(): join=False (a ProcessContext to join later) is not supported; await spawn(...) with join=true');
  const call = calls++;
  const mine = env(ENV);
  if (mine !== undefined) {
    const [forCall, rank] = mine.split(':').map(Number);
    if (forCall !== call) return; // an earlier spawn of the program, already done in the parent
    return runChild(fn as (...x: unknown[]) => unknown, rank);
  }
  const children: ChildProcessHandle[] = [];
  const outcome = new Promise<void>((resolve, reject) => {
    let running = nprocs;
    const errors = new Map<number, string>();
    for (let rank = 0; rank < nprocs; rank++) {
      const child = forkMain({ [ENV]: `${call}:${rank}` });
      children.push(child);
      child.onMessage((m) => {
        if (typeof m === 'object' && m !== null && 'error' in m) errors.set(rank, String((m as { error: unknown }).error));
      });
      child.onExit((code, signal) => {
        running--;
        if (code === 0) {
          if (running === 0) resolve();
          return;
        }
        for (const other of children) other.kill();
        const error = errors.get(rank);
        if (error !== undefined) reject(new ProcessRaisedException(`\n\n-- Process ${rank} terminated with the following error:\n${error}`, rank, null));
        else if (signal !== null) reject(new ProcessExitedException(`process ${rank} terminated with signal ${signal}`, rank, null, signal));
        else reject(new ProcessExitedException(`process ${rank} terminated with exit code ${code}`, rank, code, null));
      });
      child.send({ args });
    }
  });
  return outcome;
}

async function runChild(fn: (...x: unknown[]) => unknown, rank: number): Promise<never> {
  const { args } = (await parentMessage()) as { args: unknown[] };
  try {
    await fn(rank, ...args);
  } catch (e) {
    await sendToParent({ error: e instanceof Error ? (e.stack ?? String(e)) : String(e) });
    exitProcess(1);
  }
  exitProcess(0);
}
