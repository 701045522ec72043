// The zip CRC-32: node:zlib's in Node, a JS table in a page (platform/*/zlib.ts).
export { crc32 } from '#platform/zlib';
