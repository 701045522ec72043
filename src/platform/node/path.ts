// Paths and file URLs, in Node: node:path and node:url (the browser twin is POSIX-only JS).
export { basename, dirname, extname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
export { fileURLToPath, pathToFileURL } from 'node:url';
