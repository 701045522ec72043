// torchvision.datasets
export { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';
export { MNIST, FashionMNIST, type MNISTOptions } from './mnist.js';
export { CIFAR10, type CIFAR10Options } from './cifar.js';
export {
  DatasetFolder,
  ImageFolder,
  IMG_EXTENSIONS,
  defaultLoader,
  findClasses,
  makeDataset,
  hasFileAllowedExtension,
  isImageFile,
  type DatasetFolderOptions,
  type ImageFolderOptions,
} from './folder.js';
export { readIdx, parseIdx, type IdxArray } from './idx.js';
export { checkIntegrity, downloadFromMirrors, extractTar } from './download.js';
