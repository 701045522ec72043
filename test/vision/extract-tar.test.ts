import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { datasets } from '../../src/vision/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'torchlette-tar-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Entry {
  name: string;
  /** ustar's prefix field (joined to name with '/'). */
  prefix?: string;
  /** A directory when absent. */
  content?: string;
}

/** A ustar archive, written byte by byte as tar(1) writes it. */
function tarOf(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.content ?? '');
    const header = Buffer.alloc(512);
    header.write(e.name, 0, 100, 'latin1');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('00000000000\0', 136);
    header.write(e.content === undefined ? '5' : '0', 156);
    header.write('ustar\0' + '00', 257, 'latin1');
    if (e.prefix) header.write(e.prefix, 345, 155, 'latin1');
    header.write('        ', 148);
    const sum = header.reduce((a, b) => a + b, 0);
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

describe('extractTar', () => {
  test('extracts directories and files of .tar and .tar.gz archives', () => {
    const entries: Entry[] = [{ name: './' }, { name: 'batches/' }, { name: 'batches/a.bin', content: 'alpha' }, { name: 'b.txt', prefix: 'batches/deep', content: 'x'.repeat(600) }];
    for (const [kind, bytes] of [['tar', tarOf(entries)], ['tar.gz', gzipSync(tarOf(entries))]] as const) {
      const archive = join(tmp, `ok.${kind}`);
      writeFileSync(archive, bytes);
      const root = join(tmp, `ok-${kind}`);
      datasets.extractTar(archive, root);
      assert.equal(readFileSync(join(root, 'batches', 'a.bin'), 'latin1'), 'alpha');
      assert.equal(readFileSync(join(root, 'batches', 'deep', 'b.txt'), 'latin1'), 'x'.repeat(600));
    }
  });

  test('refuses entries that would land outside the folder', () => {
    // '../rootX/evil' starts with '<tmp>/root' as a string: a prefix check would let it out.
    const cases: Entry[] = [
      { name: '../rootX/evil', content: 'pwned' },
      { name: 'a/../../rootX/evil', content: 'pwned' },
      { name: join(tmp, 'rootX', 'evil'), content: 'pwned' },
      { name: 'evil', prefix: '../rootX', content: 'pwned' },
      { name: '../rootX/' },
      { name: '.', content: 'pwned' },
    ];
    const root = join(tmp, 'root');
    for (const [k, entry] of cases.entries()) {
      const archive = join(tmp, `evil-${k}.tar`);
      writeFileSync(archive, tarOf([entry]));
      assert.throws(() => datasets.extractTar(archive, root), (e: Error) => e.message.includes(archive) && /refusing to extract/.test(e.message), entry.name);
      assert.equal(existsSync(join(tmp, 'rootX')), false, entry.name);
    }
  });
});
