// Files, in a web page: there are none. Each function throws, naming the call and what to
// pass instead (the bytes); callers with a better message (torch.load, …) check first.
import type * as Node from '../node/fs.js';
import { FILES_ADVICE, unavailable } from '../unavailable.js';

const no = (name: string) => unavailable(`${name} (reading or writing files by path)`, FILES_ADVICE);

export const closeSync: typeof Node.closeSync = no('closeSync');
export const existsSync: typeof Node.existsSync = no('existsSync');
export const fstatSync: typeof Node.fstatSync = no('fstatSync');
export const fsyncSync: typeof Node.fsyncSync = no('fsyncSync');
export const mkdirSync: typeof Node.mkdirSync = no('mkdirSync');
export const mkdtempSync: typeof Node.mkdtempSync = no('mkdtempSync');
export const openSync: typeof Node.openSync = no('openSync');
export const readdirSync: typeof Node.readdirSync = no('readdirSync');
export const readFileSync: typeof Node.readFileSync = no('readFileSync');
export const readSync: typeof Node.readSync = no('readSync');
export const realpathSync: typeof Node.realpathSync = no('realpathSync') as unknown as typeof Node.realpathSync;
export const renameSync: typeof Node.renameSync = no('renameSync');
export const rmSync: typeof Node.rmSync = no('rmSync');
export const statSync: typeof Node.statSync = no('statSync') as unknown as typeof Node.statSync;
export const unlinkSync: typeof Node.unlinkSync = no('unlinkSync');
export const writeFileSync: typeof Node.writeFileSync = no('writeFileSync');
export const writeSync: typeof Node.writeSync = no('writeSync');
export const open: typeof Node.open = no('open');
export const readFile: typeof Node.readFile = no('readFile');
export const rename: typeof Node.rename = no('rename');
export const unlink: typeof Node.unlink = no('unlink');
