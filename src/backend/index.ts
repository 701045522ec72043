import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

export type { Backend, BinaryOp, ReduceOp, UnaryOp, View } from './backend.js';
export * from './dtype.js';

let active: Backend = jsBackend;

/** The backend every op runs on. */
export function backend(): Backend {
  return active;
}

export function setBackend(b: Backend): void {
  active = b;
}
