// The storages a checkpoint's pickle refers to by persistent id, each created once
// and shared by every tensor that views it.
import { Storage } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { SerializationError } from './errors.js';
import { LOADS_AS, type WireDtype } from './storage-codec.js';

export class StorageRef {
  constructor(
    readonly key: string,
    readonly wire: WireDtype,
    readonly storage: Storage,
  ) {}

  get dtype(): DType {
    return LOADS_AS[this.wire];
  }

  get numel(): number {
    return this.storage.data.length;
  }
}

/** A persistent id `('storage', StorageType, key, location, numel[, view_metadata])`, checked. */
export interface StorageId {
  wire: WireDtype;
  key: string;
  numel: number;
  /** Legacy format only: (view key, offset, size) of a storage slice. */
  view: { key: string; offset: number; numel: number } | null;
}

export class StorageTable {
  private readonly rootRefs = new Map<string, StorageRef>();
  private readonly viewRefs = new Map<string, StorageRef>();

  constructor(
    /** Creates the storage for a key on first use (reading it now, or allocating it to fill later). */
    private readonly create: (id: StorageId) => Storage,
  ) {}

  get(id: StorageId): StorageRef {
    let root = this.rootRefs.get(id.key);
    if (root === undefined) {
      root = new StorageRef(id.key, id.wire, this.create(id));
      this.rootRefs.set(id.key, root);
    } else if (root.wire !== id.wire) {
      throw new SerializationError(`storage ${id.key} is referred to as both ${root.wire} and ${id.wire}`);
    } else if (root.numel !== id.numel) {
      throw new SerializationError(`storage ${id.key} is referred to with ${root.numel} and ${id.numel} elements`);
    }
    if (id.view === null) return root;
    const { key, offset, numel } = id.view;
    const existing = this.viewRefs.get(key);
    if (existing !== undefined) return existing;
    if (offset + numel > root.numel) {
      throw new SerializationError(`storage view ${key} (elements ${offset}..${offset + numel}) runs past its storage ${id.key} of ${root.numel} elements`);
    }
    const slice = new StorageRef(key, id.wire, new Storage(root.storage.data.subarray(offset, offset + numel)));
    this.viewRefs.set(key, slice);
    return slice;
  }

  /** Root storages, by key (a copy). */
  roots(): Map<string, StorageRef> {
    return new Map(this.rootRefs);
  }
}
