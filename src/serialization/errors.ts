/** A checkpoint could not be read or written; the message names the file and what is wrong. */
export class SerializationError extends Error {
  override name = 'SerializationError';
  /** The file involved, once known (parsers throw before they know it; the entry points add it). */
  file: string | undefined;
  /**
   * The system error's code when the file could not be opened or read ('ENOENT' where Python
   * raises FileNotFoundError, 'EACCES' for PermissionError, 'EISDIR' for IsADirectoryError).
   */
  code: string | undefined;

  constructor(message: string, options?: ErrorOptions & { file?: string }) {
    super(options?.file === undefined ? message : `${options.file}: ${message}`, options);
    this.file = options?.file;
  }
}

/**
 * A pickle referred to a global outside the weights-only allow-list (what
 * `torch.load(weights_only=True)` accepts). Nothing in the file was executed.
 */
export class UnsafePickleError extends SerializationError {
  override name = 'UnsafePickleError';
  /** The refused global as `module.name`, e.g. `os.system`. */
  readonly global: string;

  constructor(global: string, message: string) {
    super(message);
    this.global = global;
  }
}

/** Runs `fn`, making any error it throws a SerializationError that names `file`. */
export function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw attachFile(e, file);
  }
}

export async function inFileAsync<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw attachFile(e, file);
  }
}

function attachFile(e: unknown, file: string): Error {
  if (e instanceof SerializationError) {
    if (e.file === undefined) {
      e.file = file;
      e.message = `${file}: ${e.message}`;
    }
    return e;
  }
  const message = e instanceof Error ? e.message : String(e);
  const err = new SerializationError(message, { file, cause: e });
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') err.code = code;
  return err;
}
