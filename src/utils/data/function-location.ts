// What V8 knows about functions and objects that JavaScript cannot see: the URL of the
// module a function (or class) was defined in, and an object's private (#) fields.
// DataLoader workers need both to rebuild a dataset in another thread the way Python's
// pickle does, by reference to the defining module. Read through node:inspector's
// same-thread session, whose calls complete synchronously.
import { inspectorSession, type InspectorSession as Session } from '#platform/module';

interface Location {
  scriptId: string;
}

interface RemoteProperty {
  name: string;
  value?: { value?: unknown };
}

let session: Session | null | undefined;
/** scriptId → URL of every script V8 has reported (refreshed when an id is unknown). */
const scripts = new Map<string, string>();
const urls = new WeakMap<object, string | null>();
const privates = new WeakMap<object, string[]>();

function connect(): Session | null {
  // null where Node was built without the inspector: the callers fall back.
  if (session === undefined) session = inspectorSession();
  return session;
}

function post<T>(s: Session, method: string, params: object = {}): T {
  let result: T | undefined;
  let error: Error | null = null;
  s.post(method, params, (err: Error | null, res?: object) => {
    error = err;
    result = res as T;
  });
  if (error) throw error;
  if (result === undefined) throw new Error(`inspector ${method} did not answer synchronously`);
  return result;
}

function refreshScripts(s: Session): void {
  const onParsed = (m: { params: { scriptId: string; url: string } }) => scripts.set(m.params.scriptId, m.params.url);
  s.on('Debugger.scriptParsed', onParsed);
  try {
    post(s, 'Debugger.enable');
  } finally {
    post(s, 'Debugger.disable');
    s.off('Debugger.scriptParsed', onParsed);
  }
}

const SLOT = '__torchlette_inspected__';

/** Runs `fn` with the inspector's handle on `value`. */
function inspect<T>(s: Session, value: unknown, fn: (objectId: string) => T): T {
  const g = globalThis as Record<string, unknown>;
  g[SLOT] = value;
  try {
    const { result } = post<{ result: { objectId?: string } }>(s, 'Runtime.evaluate', { expression: `globalThis.${SLOT}`, objectGroup: 'torchlette' });
    if (result.objectId === undefined) throw new Error('inspector gave no object id');
    return fn(result.objectId);
  } finally {
    delete g[SLOT];
    post(s, 'Runtime.releaseObjectGroup', { objectGroup: 'torchlette' });
  }
}

function properties(s: Session, objectId: string): { internalProperties?: RemoteProperty[]; privateProperties?: RemoteProperty[] } {
  return post(s, 'Runtime.getProperties', { objectId, ownProperties: true, accessorPropertiesOnly: false, generatePreview: false });
}

/**
 * The URL of the script that defines `fn` (file:///…/data.ts for a module), or null for
 * built-in and bound functions, or when the inspector is unavailable.
 */
export function functionUrl(fn: object): string | null {
  const known = urls.get(fn);
  if (known !== undefined) return known;
  const s = connect();
  let url: string | null = null;
  if (s !== null) {
    try {
      const location = inspect(s, fn, (id) => properties(s, id).internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as Location | undefined);
      if (location !== undefined) {
        if (!scripts.has(location.scriptId)) refreshScripts(s);
        url = scripts.get(location.scriptId) || null;
      }
    } catch {
      url = null;
    }
  }
  urls.set(fn, url);
  return url;
}

/** Whether the inspector can answer at all (for the message when it cannot). */
export function inspectorAvailable(): boolean {
  return connect() !== null;
}

/** The names of `obj`'s private fields and methods (#x), which no copy of its own properties carries. */
export function privateNames(obj: object): string[] {
  const s = connect();
  if (s === null) return [];
  try {
    return inspect(s, obj, (id) => (properties(s, id).privateProperties ?? []).map((p) => p.name));
  } catch {
    return [];
  }
}

/** privateNames, asked once per class (every instance of a class has the same private names). */
export function privateNamesOfClass(cls: object, instance: object): string[] {
  let names = privates.get(cls);
  if (names === undefined) {
    names = privateNames(instance);
    privates.set(cls, names);
  }
  return names;
}
