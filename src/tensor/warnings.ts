// Python's warnings.warn under its default filter: each message once per process, through
// Node's warning channel (process.emitWarning), or console.warn in a web page.
import { emitWarning } from '#platform/os';

const warned = new Set<string>();
let warnAlways = false;

/** torch.set_warn_always: repeat every warning instead of showing each once. */
export function setWarnAlways(enabled: boolean): void {
  warnAlways = Boolean(enabled);
}
export const isWarnAlwaysEnabled = (): boolean => warnAlways;

export function warnOnce(message: string, category = 'UserWarning'): void {
  if (warned.has(message) && !warnAlways) return;
  warned.add(message);
  emitWarning(message, category);
}
