// torchlette/vision: torchvision's datasets, transforms, io and utils.
export { Image, isImage, type ImageInfo, type ImageMode, type PixelData } from './image.js';
export { merge, Transpose, type TransposeMethod } from './pil-image.js';
export * as datasets from './datasets/index.js';
export * as transforms from './transforms/index.js';
export * as io from './io/index.js';
export * as utils from './utils.js';
export { imageToTensor, tensorToImage } from './convert.js';
export * as models from './models/index.js';
