// torch.distributed on Gloo (native/distributed). Available when the optional addon built;
// isAvailable() says whether it did and unavailableReason() why not.
export { isAvailable, unavailableReason } from './addon.js';
export { Store, TCPStore, FileStore, HashStore, PrefixStore } from './store.js';
export { Work } from './work.js';
export {
  Backend, ProcessGroup, GroupMember, NonGroupMember, defaultPgTimeout, initProcessGroup, newGroup, destroyProcessGroup,
  isInitialized, getRank, getWorldSize, getBackend, type GroupLike,
} from './group.js';
export {
  ReduceOp, allReduce, broadcast, reduce, allGather, gather, scatter, reduceScatter, allToAll, allToAllSingle, barrier,
  send, recv, isend, irecv,
} from './collectives.js';
