// Legacy checkpoints pickled with protocols 0 and 1 (text opcodes) load as PyTorch loads them
// (scripts/fixtures/pickle_protocols.py); huge sets and lists load without exhausting the stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, loadFromBuffer } from '../../src/serialization/index.js';
import { OP } from '../../src/serialization/pickle-opcodes.js';
import { PickleWriter } from '../../src/serialization/pickler.js';
import { writeZip } from '../../src/serialization/zip-writer.js';
import { loadFixture } from '../helpers/fixtures.js';
import { assertMatches, fixture, type Desc } from './describe.js';

const fx = loadFixture<{ files: Record<string, Desc> }>('pickle_protocols.json');

for (const [name, desc] of Object.entries(fx.files)) {
  test(`${name}: PyTorch's values`, () => assertMatches(load(fixture(name)), desc));
}

test('the memo of a protocol 0 pickle shares objects as Python does', () => {
  const v = load<{ nested: unknown; shared: unknown }>(fixture('protocol0.pt'));
  assert.equal(v.shared, v.nested);
});

test('a set of 200,000 items loads (no spread of its items onto the call stack)', () => {
  const n = 200_000;
  const w = new PickleWriter();
  w.global('builtins', 'set');
  w.op(OP.MARK).op(OP.EMPTY_LIST).op(OP.MARK);
  for (let i = 0; i < n; i++) w.int(i);
  w.op(OP.APPENDS).op(OP.TUPLE).op(OP.REDUCE);
  const chunks = writeZip([
    { name: 'a/data.pkl', data: w.result() },
    { name: 'a/version', data: new TextEncoder().encode('3\n') },
  ]);
  const bytes = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const set = loadFromBuffer(bytes) as Set<number>;
  assert.equal(set.size, n);
  assert.ok(set.has(n - 1));
});
