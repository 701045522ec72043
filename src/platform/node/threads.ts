// Worker threads, in Node: node:worker_threads (DataLoader workers, hub's synchronous fetch).
export { MessageChannel, Worker, receiveMessageOnPort, workerData } from 'node:worker_threads';
export type { MessagePort } from 'node:worker_threads';
