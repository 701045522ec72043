// torchvision.transforms (functional as transforms.functional)
export * from './transforms.js';
export * as functional from './functional.js';
export { InterpolationMode, type ImageLike, type PaddingMode, type ResizeOptions } from './functional.js';
