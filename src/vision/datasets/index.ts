// torchvision.datasets
export { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';
export { MNIST, FashionMNIST, type MNISTOptions } from './mnist.js';
export { CIFAR10, CIFAR100, type CIFAR10Options } from './cifar.js';
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
export { FakeData, type FakeDataOptions } from './fakedata.js';
export { KMNIST, EMNIST, QMNIST, type EMNISTOptions, type EMNISTSplit, type QMNISTOptions, type QMNISTWhat } from './mnist-variants.js';
export { SVHN, type SVHNOptions } from './svhn.js';
export { STL10, type STL10Options } from './stl10.js';
export { parseMat, type MatValue, type MatNumeric, type MatChar, type MatCell, type MatStruct } from './mat5.js';
export { ImageNet, ARCHIVE_META, META_FILE, loadMetaFile, parseDevkitArchive, parseTrainArchive, parseValArchive, type ImageNetOptions } from './imagenet.js';
export { CelebA, type CelebAOptions, type CelebATarget } from './celeba.js';
export { VOCSegmentation, VOCDetection, DATASET_YEAR_DICT, type VOCDict, type VOCValue, type VOCSegmentationOptions, type VOCDetectionOptions } from './voc.js';
export { CocoDetection, CocoCaptions, COCO, type CocoRecord, type JsonValue, type CocoDetectionOptions, type CocoCaptionsOptions } from './coco.js';
