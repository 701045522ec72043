// Compile-time check that each browser part of the platform seam exports what its Node part
// does, with compatible types (the build fails otherwise). Imported by nothing.
import type * as NodeAddon from './node/addon.js';
import type * as BrowserAddon from './browser/addon.js';
import type * as NodeCrypto from './node/crypto.js';
import type * as BrowserCrypto from './browser/crypto.js';
import type * as NodeFs from './node/fs.js';
import type * as BrowserFs from './browser/fs.js';
import type * as NodeModule from './node/module.js';
import type * as BrowserModule from './browser/module.js';
import type * as NodeOs from './node/os.js';
import type * as BrowserOs from './browser/os.js';
import type * as NodePath from './node/path.js';
import type * as BrowserPath from './browser/path.js';
import type * as NodeThreads from './node/threads.js';
import type * as BrowserThreads from './browser/threads.js';
import type * as NodeZlib from './node/zlib.js';
import type * as BrowserZlib from './browser/zlib.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Keys<A, B> = Same<keyof A, keyof B>;
export const platformPartsMatch: [
  Keys<typeof NodeAddon, typeof BrowserAddon>, Keys<typeof NodeCrypto, typeof BrowserCrypto>, Keys<typeof NodeFs, typeof BrowserFs>,
  Keys<typeof NodeModule, typeof BrowserModule>, Keys<typeof NodeOs, typeof BrowserOs>, Keys<typeof NodePath, typeof BrowserPath>,
  Keys<typeof NodeThreads, typeof BrowserThreads>, Keys<typeof NodeZlib, typeof BrowserZlib>,
] = [true, true, true, true, true, true, true, true];
const nodeAsBrowser: [typeof BrowserZlib, typeof BrowserOs] = [{} as typeof NodeZlib, {} as typeof NodeOs];
void nodeAsBrowser;
