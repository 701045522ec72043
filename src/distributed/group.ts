// Process groups and the default group: initProcessGroup, newGroup, destroyProcessGroup,
// getRank, getWorldSize (PyTorch's distributed_c10d.py, Gloo only). A group is a Gloo
// context connected through a store; ranks passed to collectives are global ranks, as in
// PyTorch, and are translated to the group's ranks here.
import { check, int, intList, nullable, signature, string, type ArgsOf } from '../tensor/args.js';
import { warnOnce } from '../tensor/warnings.js';
import { distributedAddon, type Handle } from './addon.js';
import { FileStore, PrefixStore, Store, TCPStore } from './store.js';
import { listenForCompletions } from './work.js';
import { env } from '#platform/os';

/** PyTorch's default_pg_timeout: 30 minutes, in milliseconds. */
export const defaultPgTimeout = 30 * 60 * 1000;

/** torch.distributed.Backend: only Gloo here. */
export const Backend = { GLOO: 'gloo' } as const;

/** A group of processes (PyTorch's ProcessGroupGloo). */
export class ProcessGroup {
  /** @internal */
  _handle: Handle | null;
  /** The global ranks of the members, in group-rank order. */
  readonly ranks: readonly number[];
  private readonly groupRank: number;
  /** @internal */
  readonly _timeout: number;

  /** @internal */
  constructor(handle: Handle, ranks: readonly number[], groupRank: number, timeout: number) {
    this._handle = handle;
    this.ranks = ranks;
    this.groupRank = groupRank;
    this._timeout = timeout;
  }
  /** This process's rank in the group. */
  rank(): number {
    return this.groupRank;
  }
  /** The number of processes in the group. */
  size(): number {
    return this.ranks.length;
  }
  /** 'gloo'. */
  name(): string {
    return 'gloo';
  }
  /** @internal The live native group, or an error naming what happened to it. */
  _live(): Handle {
    if (this._handle === null) throw new Error('The process group has been destroyed (destroyProcessGroup)');
    return this._handle;
  }
  /** @internal The group rank of a global rank. */
  _groupRankOf(globalRank: number, what: string): number {
    const r = this.ranks.indexOf(globalRank);
    if (r < 0) throw new RangeError(`${what}: the global rank ${globalRank} is not part of the group`);
    return r;
  }
}

/** What newGroup returns on the processes outside the new group (PyTorch's GroupMember.NON_GROUP_MEMBER). */
export class NonGroupMember {
  toString(): string {
    return 'GroupMember.NON_GROUP_MEMBER';
  }
}
export const GroupMember = { WORLD: null, NON_GROUP_MEMBER: new NonGroupMember() } as const;

/** A group argument: a ProcessGroup, NON_GROUP_MEMBER, or null/undefined for the default group. */
export type GroupLike = ProcessGroup | NonGroupMember | null;

interface World {
  group: ProcessGroup;
  store: Store;
  rank: number;
  worldSize: number;
  groups: ProcessGroup[];
  groupCount: number;
  hostname: string;
}

let world: World | null = null;

const NOT_INITIALIZED = 'Default process group has not been initialized, please make sure to call init_process_group.';

function current(): World {
  if (world === null) throw new Error(NOT_INITIALIZED);
  return world;
}

/** torch.distributed.is_initialized(). */
export function isInitialized(): boolean {
  return world !== null;
}

/**
 * The group a call runs on, or null when this process is not in it (PyTorch then warns
 * and returns without doing anything).
 */
export function resolveGroup(group: GroupLike | undefined, op: string): ProcessGroup | null {
  const w = current();
  if (group === null || group === undefined) return w.group;
  if (group instanceof NonGroupMember) {
    warnOnce(`Running ${op} on global rank ${w.rank} which does not belong to the given group.`);
    return null;
  }
  return group;
}

const groupArg = check<GroupLike>('a ProcessGroup', (v) => v === null || v instanceof ProcessGroup || v instanceof NonGroupMember);
const storeArg = check<Store>('a Store', (v) => v instanceof Store);
const timeoutArg = check<number>('a timeout in milliseconds (a positive number)', (v) => typeof v === 'number' && v > 0);

const initArgs = signature('init_process_group', [
  ['backend', string],
  ['initMethod', nullable(string), null],
  ['timeout', timeoutArg, defaultPgTimeout],
  ['worldSize', int, -1],
  ['rank', int, -1],
  ['store', nullable(storeArg), null],
  ['groupName', string, ''],
  ['pgOptions', nullable(check<never>('null', () => false)), null],
] as const);

function envInt(name: string, method: string): number {
  const v = env(name);
  if (v === undefined || v === '') throw new Error(`Error initializing torch.distributed using ${method} rendezvous: environment variable ${name} expected, but not set`);
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`Error initializing torch.distributed using ${method} rendezvous: environment variable ${name} is not an integer: '${v}'`);
  return n;
}

function envString(name: string, method: string): string {
  const v = env(name);
  if (v === undefined || v === '') throw new Error(`Error initializing torch.distributed using ${method} rendezvous: environment variable ${name} expected, but not set`);
  return v;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

/** The address peers reach this process at: GLOO_SOCKET_IFNAME, loopback for a local job, else the host name. */
function deviceAddress(masterAddr: string | null): { hostname: string; iface: string } {
  const iface = env('GLOO_SOCKET_IFNAME') ?? '';
  if (iface) return { hostname: '', iface };
  if (masterAddr === null || isLoopback(masterAddr)) return { hostname: '127.0.0.1', iface: '' };
  return { hostname: distributedAddon().hostname(), iface: '' };
}

function connect(store: Store, prefix: string, ranks: readonly number[], groupRank: number, timeout: number, hostname: string): ProcessGroup {
  const addon = distributedAddon();
  listenForCompletions();
  const device = deviceAddress(hostname);
  const scoped = new PrefixStore(prefix, store);
  const handle = addon.newGroup(scoped._handle, groupRank, ranks.length, timeout, device.hostname, device.iface);
  return new ProcessGroup(handle, ranks, groupRank, timeout);
}

/**
 * torch.distributed.init_process_group('gloo', …): the default group of worldSize
 * processes. initMethod 'env://' (the default; MASTER_ADDR, MASTER_PORT, RANK,
 * WORLD_SIZE from the environment unless rank/worldSize are given), 'tcp://host:port'
 * or 'file:///path'; or a `store` with rank and worldSize. The timeout (ms, default 30
 * minutes) bounds the rendezvous and every collective.
 */
export function initProcessGroup(...args: ArgsOf<typeof initArgs>): void {
  const a = initArgs.parse(args);
  distributedAddon();
  const backend = a.backend.toLowerCase();
  if (backend === 'nccl') throw new Error("Distributed package doesn't have NCCL built in");
  if (backend === 'mpi') throw new Error("Distributed package doesn't have MPI built in. MPI is only included if you build PyTorch from source on a host that has MPI installed.");
  if (backend !== 'gloo') throw new Error(`Invalid backend: '${a.backend}' (torchlette has 'gloo')`);
  if (world !== null) throw new Error('trying to initialize the default process group twice!');
  if (a.initMethod !== null && a.store !== null) throw new Error('Cannot specify both init_method and store.');

  let rank = a.rank;
  let worldSize = a.worldSize;
  let store: Store;
  let masterAddr: string | null = null;
  if (a.store !== null) {
    if (worldSize <= 0) throw new Error('world_size must be positive if using store');
    if (rank < 0) throw new Error('rank must be non-negative if using store');
    store = a.store;
    if (store instanceof TCPStore) masterAddr = store.host;
  } else {
    const method = a.initMethod ?? 'env://';
    if (method.startsWith('env://')) {
      if (rank < 0) rank = envInt('RANK', 'env://');
      if (worldSize < 0) worldSize = envInt('WORLD_SIZE', 'env://');
      masterAddr = envString('MASTER_ADDR', 'env://');
      const port = envInt('MASTER_PORT', 'env://');
      store = new TCPStore(masterAddr, port, worldSize, rank === 0, { timeout: a.timeout });
    } else if (method.startsWith('tcp://')) {
      const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(method);
      if (m === null) throw new Error(`Error initializing torch.distributed using tcp:// rendezvous: port number missing (${method})`);
      if (rank < 0) throw new Error('Error initializing torch.distributed using tcp:// rendezvous: rank parameter missing');
      if (worldSize < 0) throw new Error('Error initializing torch.distributed using tcp:// rendezvous: world size parameter missing');
      masterAddr = m[1].replace(/^\[|\]$/g, '');
      store = new TCPStore(masterAddr, Number(m[2]), worldSize, rank === 0, { timeout: a.timeout });
    } else if (method.startsWith('file://')) {
      if (rank < 0) throw new Error('Error initializing torch.distributed using file:// rendezvous: rank parameter missing');
      if (worldSize < 0) throw new Error('Error initializing torch.distributed using file:// rendezvous: world size parameter missing');
      store = new FileStore(decodeURIComponent(method.slice('file://'.length)), worldSize, { timeout: a.timeout });
    } else {
      throw new Error(`No rendezvous handler for ${method}`);
    }
  }
  if (rank < 0 || rank >= worldSize) throw new RangeError(`Invalid rank ${rank} for world size ${worldSize}`);
  const hostname = masterAddr ?? distributedAddon().hostname();
  const ranks = Array.from({ length: worldSize }, (_, i) => i);
  const group = connect(store, 'default_pg', ranks, rank, a.timeout, hostname);
  world = { group, store, rank, worldSize, groups: [group], groupCount: 0, hostname };
}

const newGroupArgs = signature('new_group', [
  ['ranks', nullable(intList), null],
  ['timeout', nullable(timeoutArg), null],
  ['backend', nullable(string), null],
  ['pgOptions', nullable(check<never>('null', () => false)), null],
] as const);

/**
 * torch.distributed.new_group: a group of some of the ranks (all of them by default).
 * Every process of the default group must call it, in the same order, members or not;
 * the others get GroupMember.NON_GROUP_MEMBER.
 */
export function newGroup(...args: ArgsOf<typeof newGroupArgs>): ProcessGroup | NonGroupMember {
  const a = newGroupArgs.parse(args);
  const w = current();
  if (a.backend !== null && a.backend.toLowerCase() !== 'gloo') throw new Error(`Invalid backend: '${a.backend}' (torchlette has 'gloo')`);
  const ranks = a.ranks === null || a.ranks.length === 0 ? Array.from({ length: w.worldSize }, (_, i) => i) : [...a.ranks].sort((x, y) => x - y);
  for (const r of ranks) {
    if (r < 0 || r >= w.worldSize) throw new RangeError(`The new group's rank should be within the world_size set by init_process_group (got ${r}, world size ${w.worldSize})`);
  }
  if (new Set(ranks).size !== ranks.length) throw new Error(`new_group: duplicate ranks in ${JSON.stringify(a.ranks)}`);
  w.groupCount++;
  const groupRank = ranks.indexOf(w.rank);
  if (groupRank < 0) return GroupMember.NON_GROUP_MEMBER;
  const group = connect(w.store, `group_${w.groupCount}`, ranks, groupRank, a.timeout ?? w.group._timeout, w.hostname);
  w.groups.push(group);
  return group;
}

const destroyArgs = signature('destroy_process_group', [['group', nullable(groupArg), null]] as const);

/** Destroys a group, or (with none) every group and the default one, so initProcessGroup may run again. */
export function destroyProcessGroup(...args: ArgsOf<typeof destroyArgs>): void {
  const { group } = destroyArgs.parse(args);
  const w = current();
  if (group instanceof NonGroupMember) return;
  const victims = group === null ? w.groups : [group];
  const addon = distributedAddon();
  for (const g of victims) {
    if (g._handle !== null) addon.destroyGroup(g._handle);
    g._handle = null;
  }
  if (group === null || group === w.group) world = null;
  else w.groups = w.groups.filter((g) => g !== group);
}

const rankArgs = signature('get_rank', [['group', nullable(groupArg), null]] as const);

/** This process's rank in the group (the default: the global rank); -1 outside the group. */
export function getRank(...args: ArgsOf<typeof rankArgs>): number {
  const { group } = rankArgs.parse(args);
  const w = current();
  if (group === null) return w.rank;
  if (group instanceof NonGroupMember) return -1;
  return group.rank();
}

/** The number of processes in the group (the default: the world); -1 outside the group. */
export function getWorldSize(...args: ArgsOf<typeof rankArgs>): number {
  const { group } = rankArgs.parse(args);
  const w = current();
  if (group === null) return w.worldSize;
  if (group instanceof NonGroupMember) return -1;
  return group.size();
}

/** 'gloo' for a group of this process. */
export function getBackend(...args: ArgsOf<typeof rankArgs>): string {
  const { group } = rankArgs.parse(args);
  current();
  if (group instanceof NonGroupMember) throw new Error('Invalid process group specified');
  return 'gloo';
}

/** @internal The default group's store (DDP and tests). */
export function _defaultStore(): Store {
  return current().store;
}

/** @internal The global rank of this process. */
export function _globalRank(): number {
  return current().rank;
}

export { groupArg as _groupArg };
