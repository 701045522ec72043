// Python's warnings.warn under its default filter: each message once per process, through
// Node's warning channel where there is one (a page has none: the message is dropped, as
// Python drops a filtered warning).
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
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') process.emitWarning(message, category);
}
