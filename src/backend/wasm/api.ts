// The few WebAssembly JS API members the wasm backend uses, typed here because the
// project's TypeScript libs (ES2022, no DOM) do not declare the WebAssembly namespace.
// `webAssembly()` is the engine's object, or undefined where there is none.

/** A compiled module (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmMemory {
  /** A SharedArrayBuffer for a shared memory (the threaded build). */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** An exported global (the threaded build's __stack_pointer). */
export interface WasmGlobal {
  value: number;
}

export interface WasmApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): { module: string; name: string; kind: string }[];
    exports(module: WasmModule): { name: string; kind: string }[];
  };
  validate(bytes: Uint8Array): boolean;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  /** Sizes in 64 KiB pages; `shared` needs SharedArrayBuffer (a page: crossOriginIsolated). */
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export function webAssembly(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}
