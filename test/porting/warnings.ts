// The distinct warnings a synchronous program emits (Python's warnings.catch_warnings(record=True)
// with simplefilter('always')), to compare with the ones PyTorch showed for the same program.
import { setWarnAlways } from '../../src/index.js';

export async function warningsOf<T>(fn: () => T): Promise<[T, string[]]> {
  const seen: string[] = [];
  const listener = (w: Error): number => seen.push(w.message);
  process.on('warning', listener);
  setWarnAlways(true);
  try {
    const result = fn();
    await new Promise((resolve) => setImmediate(resolve)); // emitWarning delivers on a later tick
    return [result, [...new Set(seen)].sort()];
  } finally {
    setWarnAlways(false);
    process.off('warning', listener);
  }
}
