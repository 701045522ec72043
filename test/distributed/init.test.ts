// initProcessGroup's rendezvous and errors (PyTorch's messages), and the rules around it:
// use before init, double init, destroy and init again, a one-process group.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { distributedSkip, freePort } from './helpers.js';

const skip = distributedSkip();
const d = torch.distributed;

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  try {
    return fn();
  } finally {
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

test('isAvailable and unavailableReason agree', () => {
  assert.equal(typeof d.isAvailable(), 'boolean');
  assert.equal(d.unavailableReason() === '', d.isAvailable());
  assert.equal(d.defaultPgTimeout, 30 * 60 * 1000);
});

test('before initProcessGroup: PyTorch\'s error, isInitialized() false', { skip }, () => {
  assert.equal(d.isInitialized(), false);
  const msg = /Default process group has not been initialized, please make sure to call init_process_group./;
  assert.throws(() => d.getRank(), msg);
  assert.throws(() => d.getWorldSize(), msg);
  assert.throws(() => d.barrier(), msg);
  assert.throws(() => d.allReduce(torch.ones(2)), msg);
});

test('env:// names each missing variable as PyTorch does', { skip }, () => {
  const unset = { RANK: undefined, WORLD_SIZE: undefined, MASTER_ADDR: undefined, MASTER_PORT: undefined };
  const err = (v: string) => new RegExp(`Error initializing torch.distributed using env:// rendezvous: environment variable ${v} expected, but not set`);
  withEnv(unset, () => assert.throws(() => d.initProcessGroup('gloo'), err('RANK')));
  withEnv({ ...unset, RANK: '0' }, () => assert.throws(() => d.initProcessGroup('gloo'), err('WORLD_SIZE')));
  withEnv({ ...unset, RANK: '0', WORLD_SIZE: '1' }, () => assert.throws(() => d.initProcessGroup('gloo'), err('MASTER_ADDR')));
  withEnv({ ...unset, RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1' }, () => assert.throws(() => d.initProcessGroup('gloo'), err('MASTER_PORT')));
  assert.throws(() => d.initProcessGroup('nccl'), /Distributed package doesn't have NCCL built in/);
  assert.throws(() => d.initProcessGroup('gloo', { initMethod: 'tcp://127.0.0.1:1', worldSize: 1 }), /rank parameter missing/);
  assert.throws(() => d.initProcessGroup('gloo', { store: new d.HashStore(), rank: 0 }), /world_size must be positive if using store/);
  assert.throws(() => d.initProcessGroup('gloo', { store: new d.HashStore(), initMethod: 'env://', rank: 0, worldSize: 1 }), /Cannot specify both init_method and store/);
  assert.equal(d.isInitialized(), false);
});

test('a one-process group by env://, tcp://, file:// and store; double init refused; destroy and init again', { skip }, async () => {
  const port = await freePort();
  withEnv({ RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) }, () => d.initProcessGroup('gloo'));
  assert.equal(d.isInitialized(), true);
  assert.equal(d.getRank(), 0);
  assert.equal(d.getWorldSize(), 1);
  assert.equal(d.getBackend(), 'gloo');
  assert.throws(() => d.initProcessGroup('gloo'), /trying to initialize the default process group twice!/);
  const t = torch.tensor([1, 2, 3], { dtype: 'float32' });
  d.allReduce(t);
  assert.deepEqual(t.tolist(), [1, 2, 3]);
  d.destroyProcessGroup();
  assert.equal(d.isInitialized(), false);

  d.initProcessGroup('gloo', { initMethod: `tcp://127.0.0.1:${await freePort()}`, rank: 0, worldSize: 1, timeout: 10_000 });
  d.barrier();
  d.destroyProcessGroup();

  const dir = mkdtempSync(join(tmpdir(), 'tl-init-'));
  try {
    d.initProcessGroup('gloo', { initMethod: `file://${join(dir, 'rdzv')}`, rank: 0, worldSize: 1 });
    d.barrier();
    d.destroyProcessGroup();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  d.initProcessGroup('gloo', { store: new d.HashStore(), rank: 0, worldSize: 1 });
  const g = d.newGroup();
  assert.ok(g instanceof d.ProcessGroup);
  d.allReduce(t, { group: g });
  d.destroyProcessGroup();
  assert.throws(() => d.allReduce(t, { group: g as torch.distributed.ProcessGroup }), /Default process group has not been initialized/);
});
