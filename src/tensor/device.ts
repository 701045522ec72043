// torch.device: torchlette computes on the CPU only. 'cpu' (and 'cpu:0') work wherever
// PyTorch takes a device; 'cuda', 'mps' and other accelerators throw at once with what to
// write instead, rather than failing later or silently computing elsewhere.

export type DeviceType = 'cpu';

export class Device {
  readonly type: DeviceType = 'cpu';
  readonly index: number | null;

  constructor(index: number | null = null) {
    this.index = index;
  }

  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `device(type='${this.type}'${this.index === null ? '' : `, index=${this.index}`})`;
  }
}

/** What a `device` argument may be: 'cpu', 'cpu:0', or a Device. */
export type DeviceLike = Device | string;

const ACCELERATORS = new Set(['cuda', 'mps', 'xpu', 'xla', 'hip', 'vulkan', 'meta', 'ipu', 'ort', 'mkldnn', 'opengl', 'opencl', 'ideep', 've', 'lazy', 'hpu', 'fpga', 'privateuseone']);

/** torch.device('cpu'), torch.device('cpu', 0), torch.device('cpu:0'); accelerators throw. */
export function device(spec: DeviceLike, index?: number): Device {
  if (spec instanceof Device) return spec;
  if (typeof spec !== 'string') throw new TypeError(`device(): expected a device string such as 'cpu', not ${spec === null ? 'None' : typeof spec}`);
  const m = /^([a-z_]+)(?::(\d+))?$/.exec(spec);
  if (m === null) throw new RangeError(`Invalid device string: '${spec}'`);
  const [, type, idx] = m;
  if (type !== 'cpu') {
    if (ACCELERATORS.has(type)) {
      // PyTorch built without CUDA asserts 'Torch not compiled with CUDA enabled'.
      const pytorch = type === 'cuda' ? 'Torch not compiled with CUDA enabled: ' : '';
      throw new Error(
        `${pytorch}torchlette runs on the CPU only: device '${spec}' is not available (as PyTorch built without ${type.toUpperCase()}). ` +
          `Write torch.device('cpu'), or torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu').`,
      );
    }
    throw new RangeError(`Expected one of cpu, cuda, mps, … device type at start of device string: ${spec}`);
  }
  if (idx !== undefined && index !== undefined) throw new RangeError(`type (string) must not include an index because index was passed explicitly: ${spec}`);
  const i = idx !== undefined ? Number(idx) : index ?? null;
  if (i !== null && (!Number.isInteger(i) || i < 0)) throw new RangeError(`Device index must not be negative`);
  return new Device(i);
}

/** True for what names the CPU; throws the accelerator error for 'cuda' and friends. */
export function isDeviceLike(v: unknown): v is DeviceLike {
  if (v instanceof Device) return true;
  if (typeof v !== 'string') return false;
  device(v);
  return true;
}
