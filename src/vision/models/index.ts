export { AlexNet, alexnet } from './alexnet.js';
export { lenet5 } from './lenet.js';
export { Conv2dNormActivation, InvertedResidual, MobileNetV2, mobilenetV2 } from './mobilenet.js';
export {
  BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d, resnext101_64x4d,
  wideResnet50_2, wideResnet101_2, type ResNetOptions,
} from './resnet.js';
export { VGG, vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn } from './vgg.js';
export {
  loadWeights, resolveModelOptions, findWeightsEnum, getModelWeights, getWeight, type ModelOptions, type ResolvedModelOptions, type WeightsLike,
} from './weights.js';
export { Weights, WeightsEnum, type WeightsEnumOf, type WeightsMeta, type ClassificationPreset } from './weights-enum.js';
// Every classification builder's weights enum (ResNet18_Weights, VGG16_BN_Weights, …) and IMAGENET_CATEGORIES.
export * from './weights-catalog.js';
export { ImageClassification } from '../transforms/presets.js';
export { SqueezeExcitation, StochasticDepth, stochasticDepth, Permute, MLP, type Conv2dNormActivationOptions } from './misc.js';
export { Fire, SqueezeNet, squeezenet1_0, squeezenet1_1 } from './squeezenet.js';
export { DenseNet, DenseBlock, DenseLayer, Transition, densenet121, densenet161, densenet169, densenet201, type DenseNetOptions } from './densenet.js';
export { ShuffleNetV2, ShuffleInvertedResidual, shufflenetV2X0_5, shufflenetV2X1_0, shufflenetV2X1_5, shufflenetV2X2_0 } from './shufflenetv2.js';
export { MNASNet, MNASNetInvertedResidual, mnasnet0_5, mnasnet0_75, mnasnet1_0, mnasnet1_3 } from './mnasnet.js';
export { MobileNetV3, MobileNetV3InvertedResidual, mobilenetV3Large, mobilenetV3Small, type InvertedResidualConfig, type MobileNetV3Options } from './mobilenetv3.js';
export { GoogLeNet, BasicConv2d, Inception, InceptionAux, googlenet, type GoogLeNetOutputs, type GoogLeNetOptions } from './googlenet.js';
export { Inception3, InceptionA, InceptionB, InceptionC, InceptionD, InceptionE, InceptionV3Aux, inceptionV3, type InceptionOutputs, type InceptionV3Options } from './inception.js';
export {
  EfficientNet, MBConv, FusedMBConv, efficientnetB0, efficientnetB1, efficientnetB2, efficientnetB3, efficientnetB4, efficientnetB5, efficientnetB6,
  efficientnetB7, efficientnetV2S, efficientnetV2M, efficientnetV2L, type MBConvConfig, type EfficientNetOptions,
} from './efficientnet.js';
export {
  RegNet, SimpleStemIN, AnyStage, BottleneckTransform, ResBottleneckBlock, blockParamsFromInitParams, regnetY400mf, regnetY800mf, regnetY1_6gf, regnetY3_2gf,
  regnetY8gf, regnetY16gf, regnetY32gf, regnetY128gf, regnetX400mf, regnetX800mf, regnetX1_6gf, regnetX3_2gf, regnetX8gf, regnetX16gf,
  regnetX32gf, type BlockParams,
} from './regnet.js';
export { ConvNeXt, CNBlock, LayerNorm2d, convnextTiny, convnextSmall, convnextBase, convnextLarge, type CNBlockConfig, type ConvNeXtOptions } from './convnext.js';
export {
  VisionTransformer, Encoder, EncoderBlock, MLPBlock, vitB16, vitB32, vitL16, vitL32, vitH14, type VisionTransformerArgs, type ViTOptions,
} from './vision-transformer.js';
export {
  SwinTransformer, SwinTransformerBlock, SwinTransformerBlockV2, ShiftedWindowAttention, ShiftedWindowAttentionV2, PatchMerging, PatchMergingV2,
  shiftedWindowAttention, swinT, swinS, swinB, swinV2T, swinV2S, swinV2B,
  type SwinTransformerArgs, type SwinOptions,
} from './swin-transformer.js';
export {
  MaxVit, MaxVitBlock, MaxVitLayer, PartitionAttentionLayer, RelativePositionalMultiHeadAttention, SwapAxes, WindowPartition, WindowDepartition,
  MBConv as MaxVitMBConv, maxvitT, type MaxVitArgs, type MaxVitOptions,
} from './maxvit.js';
