// Saving and loading: PyTorch checkpoints (torch.save / torch.load) and safetensors.
export { save, saveAsync, saveToBuffer, type SaveOptions } from './torch-save.js';
export { load, loadAsync, loadFromBuffer, type LoadOptions } from './torch-load.js';
export * as safetensors from './safetensors.js';
export { SerializationError, UnsafePickleError } from './errors.js';
