// Truncated and randomly mutated checkpoints (seeded) either load or throw a
// SerializationError naming the file: never another exception, a crash or a hang.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { loadFromBuffer, safetensors, saveToBuffer, SerializationError } from '../../src/serialization/index.js';
import { BufferSource } from '../../src/serialization/source.js';
import { ZipArchive } from '../../src/serialization/zip-reader.js';
import { writeZip } from '../../src/serialization/zip-writer.js';
import { mutate, rng, underMemoryCap } from '../helpers/fuzz.js';
import { fixture } from './describe.js';

function variants(bytes: Uint8Array, seed: number, count: number): Uint8Array[] {
  const random = rng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    out.push(random() < 0.3 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : mutate(bytes, random));
  }
  return out;
}

/** Re-zips an archive with its data.pkl mutated and honest CRCs, so the unpickler (not the CRC) meets the damage. */
function mutatedPickles(bytes: Uint8Array, seed: number, count: number): Uint8Array[] {
  const zip = new ZipArchive(new BufferSource(bytes));
  const records = [...zip.entries.values()].map((e) => ({ name: e.name, data: zip.read(e) }));
  const pickle = records.findIndex((r) => r.name.endsWith('data.pkl'));
  const random = rng(seed);
  return Array.from({ length: count }, () => {
    const data = random() < 0.2 ? records[pickle].data.subarray(0, Math.floor(random() * records[pickle].data.length)) : mutate(records[pickle].data, random);
    const changed = records.map((r, i) => (i === pickle ? { name: r.name, data } : r));
    return new Uint8Array(Buffer.concat(writeZip(changed)));
  });
}

function survives(load: (bytes: Uint8Array) => unknown, inputs: Uint8Array[]): { loaded: number; failed: number } {
  // Under the memory cap: a corrupted size must never turn into a large allocation.
  return underMemoryCap(() => {
    let loaded = 0;
    let failed = 0;
    for (const [i, input] of inputs.entries()) {
      const started = performance.now();
      try {
        load(input);
        loaded++;
      } catch (e) {
        assert.ok(e instanceof SerializationError, `variant ${i}: expected a SerializationError, got ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
        assert.ok(e.message.startsWith('fuzzed: '), `variant ${i}: message does not name the file: ${e.message}`);
        failed++;
      }
      assert.ok(performance.now() - started < 2000, `variant ${i} took too long`);
    }
    return { loaded, failed };
  });
}

const loadPt = (bytes: Uint8Array) => loadFromBuffer(bytes, 'fuzzed');
const loadSafetensors = (bytes: Uint8Array) => safetensors.load(bytes, 'fuzzed');

describe('fuzzing', () => {
  const torchlette = saveToBuffer({
    epoch: 1,
    model: { w: torch.randn([3, 4]), n: torch.tensor(3), mask: torch.tensor([true, false]) },
    groups: [{ lr: 0.5, betas: [0.9, 0.999], params: [0, 1] }],
  });
  const archives: [string, Uint8Array][] = [
    ['torchlette.pt', torchlette],
    ['zip64.pt', saveToBuffer({ w: torch.ones([5]) }, { forceZip64: true })],
    ...['checkpoint.pt', 'dtypes.pt', 'deflate.pt', 'legacy.pt', 'big_endian.pt'].map((n): [string, Uint8Array] => [n, new Uint8Array(readFileSync(fixture(n)))]),
  ];

  archives.forEach(([name, bytes], i) => {
    test(`${name}: truncated and mutated files`, () => {
      const { failed } = survives(loadPt, variants(bytes, 1000 + i, 120));
      assert.ok(failed > 0);
    });
  });

  for (const name of ['torchlette.pt', 'checkpoint.pt', 'dtypes.pt']) {
    test(`${name}: mutated pickles`, () => {
      const bytes = archives.find(([n]) => n === name)![1];
      survives(loadPt, mutatedPickles(bytes, 2000 + name.length, 200));
    });
  }

  test('safetensors: truncated and mutated files', () => {
    const bytes = new Uint8Array(readFileSync(fixture('model.safetensors')));
    const ours = safetensors.save({ a: torch.randn([4, 4]), b: torch.tensor([1, 2], { dtype: 'int64' }) }, { k: 'v' });
    survives(loadSafetensors, [...variants(bytes, 3000, 150), ...variants(ours, 3001, 150)]);
  });
});
