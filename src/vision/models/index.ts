export { AlexNet, alexnet } from './alexnet.js';
export { lenet5 } from './lenet.js';
export { Conv2dNormActivation, InvertedResidual, MobileNetV2, mobilenetV2 } from './mobilenet.js';
export { BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50 } from './resnet.js';
export { VGG, vgg11, vgg11Bn, vgg16, vgg16Bn } from './vgg.js';
export { loadWeights, type ModelOptions } from './weights.js';
