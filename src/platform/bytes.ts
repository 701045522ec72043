// Byte helpers on Uint8Array that work the same everywhere (no Buffer: a web page has none).

/** The arrays one after the other in a new Uint8Array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder();


export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}
export function utf8Decode(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
/** Each byte as the character with that code (TextDecoder's 'latin1' is windows-1252, which differs on 0x80-0x9f). */
export function latin1Decode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

