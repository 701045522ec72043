// torchvision.transforms.functional as one namespace: the ops of functional.ts and those
// issue 12 added (functional-extra.ts), kept in two modules so each stays focused.
export * from './functional.js';
export * from './functional-extra.js';
