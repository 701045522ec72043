// torchvision.transforms (functional as transforms.functional)
export * from './transforms.js';
export * from './transforms-extra.js';
export * from './transforms-geometry.js';
export * from './auto-augment.js';
export * as functional from './functional-all.js';
export { random } from '../../utils/py-random.js';
export { InterpolationMode, type ImageLike, type PaddingMode, type ResizeOptions } from './functional.js';
