// The error the browser platform throws where a web page has no equivalent of a Node API:
// it names the call and says what to use instead, so nothing fails silently or obscurely.

export class PlatformUnavailableError extends Error {
  override name = 'PlatformUnavailableError';
}

/** A function that throws "<what> is not available in a web page: <instead>". */
export function unavailable(what: string, instead: string): (...args: unknown[]) => never {
  return () => {
    throw new PlatformUnavailableError(`${what} is not available in a web page: ${instead}`);
  };
}

/** The advice for anything that reads or writes files by path. */
export const FILES_ADVICE = 'a web page has no file system; pass the bytes (a Uint8Array or ArrayBuffer, e.g. from fetch(url).then((r) => r.arrayBuffer()) or a File/Blob) to the functions that take them';
