// The stores' semantics (PyTorch's c10d Store): set/get/add/wait/check/deleteKey/numKeys,
// timeouts as errors, TCPStore master and client in one process (the server runs on its
// own threads, so a blocking call here cannot deadlock it), FileStore, HashStore, PrefixStore.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { distributedSkip } from './helpers.js';

const skip = distributedSkip();
const d = torch.distributed;

function exercise(store: torch.distributed.Store, other: torch.distributed.Store): void {
  store.set('a', 'x');
  assert.deepEqual(other.get('a'), Buffer.from('x'));
  other.set('bin', new Uint8Array([0, 255, 7]));
  assert.deepEqual([...store.get('bin')], [0, 255, 7]);
  assert.equal(store.add('c', 5), 5);
  assert.equal(other.add('c', 2), 7);
  assert.deepEqual(store.get('c'), Buffer.from('7'));
  assert.equal(store.check(['a', 'c']), true);
  assert.equal(store.check(['a', 'zz']), false);
  assert.equal(store.deleteKey('a'), true);
  assert.equal(store.deleteKey('a'), false);
  store.wait(['c']);
  assert.throws(() => store.wait(['nope'], 50), /Socket Timeout/);
  store.setTimeout(50);
  assert.equal(store.timeout, 50);
  const t0 = Date.now();
  assert.throws(() => store.get('nope'), /Socket Timeout/);
  assert.ok(Date.now() - t0 < 2000);
  assert.throws(() => store.set('k', 5 as never), /value/);
}

test('TCPStore: a master and a client in one process, with PyTorch\'s semantics and numKeys counting "init/"', { skip }, () => {
  const master = new d.TCPStore('127.0.0.1', 0, 2, true, { timeout: 5000, waitForWorkers: false });
  assert.ok(master.port > 0);
  const client = new d.TCPStore('127.0.0.1', master.port, 2, false, { timeout: 5000 });
  assert.equal(master.numKeys(), 1); // "init/", as PyTorch's
  exercise(master, client);
  assert.equal(master.numKeys(), 3); // init/, bin, c
});

test('TCPStore: a client with no server times out with PyTorch\'s message; a master waits for its workers', { skip }, () => {
  assert.throws(() => new d.TCPStore('127.0.0.1', 1, 1, false, { timeout: 200 }), /The client socket has timed out after 0.2s while trying to connect to \(127.0.0.1, 1\)/);
  assert.throws(() => new d.TCPStore('127.0.0.1', 0, 2, true, { timeout: 200 }), /Timed out after 0s waiting for clients. 1\/2 clients joined/);
  assert.throws(() => new d.TCPStore('127.0.0.1', 0, { multiTenant: true }), /multiTenant is not supported/);
});

test('FileStore: two stores on one path see each other; an empty file at the path is replaced', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-filestore-'));
  try {
    const path = join(dir, 'store');
    writeFileSync(path, '');
    const a = new d.FileStore(path, 2);
    const b = new d.FileStore(path, 2);
    exercise(a, b);
    assert.equal(a.numKeys(), 2);
    writeFileSync(join(dir, 'full'), 'data');
    assert.throws(() => new d.FileStore(join(dir, 'full'), 1), /non-empty file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HashStore and PrefixStore: keys under prefix/ in the underlying store', { skip }, () => {
  const h = new d.HashStore();
  exercise(h, h);
  const h2 = new d.HashStore();
  const p = new d.PrefixStore('pre', h2);
  p.set('k', 'v');
  assert.deepEqual(h2.get('pre/k'), Buffer.from('v'));
  assert.equal(p.numKeys(), 1);
  assert.equal(p.add('n', 3), 3);
  assert.deepEqual(h2.get('pre/n'), Buffer.from('3'));
});
