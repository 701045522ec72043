// Anomaly detection (torch.autograd.detect_anomaly / set_detect_anomaly): while it is on,
// every graph node remembers the JS stack of the forward call that made it, and backward
// raises as soon as a node returns NaN gradients, first warning with that stack — so the
// failing operation of a long forward pass is named. It slows every op: for debugging only.
import { bool, func, signature, type ArgsOf } from '../tensor/args.js';
import { anomalyMode, swapAnomalyMode } from '../tensor/graph.js';
import { warnOnce } from '../tensor/warnings.js';

const detectArgs = signature('detect_anomaly', [['fn', func], ['checkNan', bool, true]] as const);
const setDetectArgs = signature('set_detect_anomaly', [['mode', bool], ['checkNan', bool, true]] as const);
const setEnabledArgs = signature('set_anomaly_enabled', [['enabled', bool], ['checkNan', bool, true]] as const);

function withMode<T>(enabled: boolean, checkNan: boolean, fn: () => T): T {
  const previous = swapAnomalyMode({ enabled, checkNan });
  try {
    return fn();
  } finally {
    swapAnomalyMode(previous);
  }
}

/** `with torch.autograd.detect_anomaly(check_nan=True):` — runs fn (synchronous) with anomaly detection on. */
export function detectAnomaly<T>(fn: () => T, ...rest: [checkNan?: boolean] | [options?: { checkNan?: boolean }]): T;
export function detectAnomaly<T>(...args: unknown[]): T {
  const a = detectArgs.parse(args as ArgsOf<typeof detectArgs>);
  warnOnce('Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.');
  return withMode(true, a.checkNan, a.fn as () => T);
}

/**
 * torch.autograd.set_detect_anomaly(mode, check_nan=True): sets anomaly detection for the
 * rest of the program, or, given a function last, only while it runs (the `with` form).
 */
export function setDetectAnomaly(mode: boolean, checkNan?: boolean | { checkNan?: boolean }): void;
export function setDetectAnomaly<T>(mode: boolean, fn: () => T): T;
export function setDetectAnomaly<T>(mode: boolean, checkNan: boolean | { checkNan?: boolean }, fn: () => T): T;
export function setDetectAnomaly<T>(...args: unknown[]): T | void {
  const fn = typeof args[args.length - 1] === 'function' ? (args.pop() as () => T) : null;
  const a = setDetectArgs.parse(args as ArgsOf<typeof setDetectArgs>);
  if (fn === null) {
    swapAnomalyMode({ enabled: a.mode, checkNan: a.checkNan });
    return;
  }
  return withMode(a.mode, a.checkNan, fn);
}

/** torch.is_anomaly_enabled(). */
export function isAnomalyEnabled(): boolean {
  return anomalyMode().enabled;
}

/** torch.is_anomaly_check_nan_enabled(). */
export function isAnomalyCheckNanEnabled(): boolean {
  return anomalyMode().checkNan;
}

/** torch.set_anomaly_enabled(enabled, check_nan=True). */
export function setAnomalyEnabled(...args: ArgsOf<typeof setEnabledArgs>): void {
  const a = setEnabledArgs.parse(args);
  swapAnomalyMode({ enabled: a.enabled, checkNan: a.checkNan });
}
