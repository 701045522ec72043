// CommonJS require for a given module URL (native addons, optional npm packages), in Node.
export { createRequire } from 'node:module';
