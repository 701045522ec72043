// Files, in Node: node:fs as it is (the browser twin throws, naming what to use instead).
export {
  closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync,
  realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
export { open, readFile, rename, unlink } from 'node:fs/promises';
