// CommonJS require in a web page: there is none (bundlers resolve imports ahead of time).
import type * as Node from '../node/module.js';
import { unavailable } from '../unavailable.js';

export const createRequire: typeof Node.createRequire = () =>
  unavailable('require (loading a CommonJS module or native addon at run time)', 'bundle the module with a static import') as unknown as NodeJS.Require;

/** No inspector in a page: DataLoader workers (which need it) are Node-only. */
export const inspectorSession: typeof Node.inspectorSession = () => null;
