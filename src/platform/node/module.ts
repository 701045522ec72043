// CommonJS require for a given module URL (native addons, optional npm packages), in Node.
import { createRequire } from 'node:module';

export { createRequire };

/** What function-location.ts uses of a node:inspector Session. */
export interface InspectorSession {
  post(method: string, params: object, callback: (err: Error | null, result?: object) => void): void;
  on(event: 'Debugger.scriptParsed', listener: (m: { params: { scriptId: string; url: string } }) => void): void;
  off(event: 'Debugger.scriptParsed', listener: (m: { params: { scriptId: string; url: string } }) => void): void;
}

/**
 * A connected same-thread node:inspector session (its calls complete synchronously), or
 * null where Node was built without the inspector. Loaded on demand.
 */
export function inspectorSession(): InspectorSession | null {
  try {
    const inspector = createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector');
    const s = new inspector.Session();
    s.connect();
    return s as unknown as InspectorSession;
  } catch {
    return null;
  }
}
