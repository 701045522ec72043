// torch.hub's download and cache against a local HTTP server: the cache location
// (TORCH_HOME / XDG_CACHE_HOME / ~/.cache), a download with its progress line, the
// SHA-256 check against the name's prefix, the cache hit without the network, and
// failures that name the URL and the cause and leave nothing behind. The served file
// was written by PyTorch (scripts/fixtures/vision_weights.py).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { DownloadProgress, formatBytes } from '../../src/hub/progress.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';
import { closedPort, startZooServer, type ZooServer } from '../helpers/zoo-server.js';

const { hub } = torch;
const tiny = loadFixture<{ tiny: { file: string; sha256: string; size: number; state: Record<string, TensorJson> } }>('vision_weights.json').tiny;
const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'hub');
const ZOO = 'https://download.pytorch.org/models/';

/** Runs `fn` with stderr captured; returns what it wrote. */
function captureStderr(fn: () => void): string {
  const original = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = original;
  }
  return text;
}

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

function assertState(state: Record<string, torch.Tensor>): void {
  assert.deepEqual(Object.keys(state), Object.keys(tiny.state));
  for (const [k, t] of Object.entries(tiny.state)) assertTensor(state[k], t, { rtol: 0, atol: 0 }, k);
}

describe('torch.hub', () => {
  let tmp: string;
  let served: string;
  let server: ZooServer;
  const wrongName = 'tiny-00000000.pth';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'torchlette-hub-'));
    served = join(tmp, 'served');
    mkdirSync(served);
    copyFileSync(join(FIXTURE_DIR, tiny.file), join(served, tiny.file));
    // The same bytes under a name whose hash prefix they do not have.
    copyFileSync(join(FIXTURE_DIR, tiny.file), join(served, wrongName));
    server = await startZooServer(served);
    process.env.TORCH_HOME = join(tmp, 'torch-home');
    process.env.TORCHLETTE_MODEL_ZOO_URL = server.url;
  });

  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the cache is $TORCH_HOME/hub, else $XDG_CACHE_HOME/torch/hub, else ~/.cache/torch/hub', () => {
    assert.equal(hub.getDir(), join(tmp, 'torch-home', 'hub'));
    withEnv({ TORCH_HOME: undefined, XDG_CACHE_HOME: '/xdg/cache' }, () => assert.equal(hub.getDir(), '/xdg/cache/torch/hub'));
    withEnv({ TORCH_HOME: undefined, XDG_CACHE_HOME: undefined }, () => assert.equal(hub.getDir(), join(homedir(), '.cache', 'torch', 'hub')));
    withEnv({ TORCH_HOME: '~/th' }, () => assert.equal(hub.getDir(), join(homedir(), 'th', 'hub')));
    assert.equal(hub.HASH_REGEX.exec('resnet18-f37072fd.pth')?.[1], 'f37072fd');
    assert.equal(hub.HASH_REGEX.exec('model.pth'), null);
  });

  test('downloads with a progress line, checks the hash, then loads from the cache without the network', () => {
    const url = `${ZOO}${tiny.file}`;
    const cached = join(tmp, 'torch-home', 'hub', 'checkpoints', tiny.file);
    let state: Record<string, torch.Tensor> = {};
    const before = server.requests();
    const log = captureStderr(() => {
      state = hub.loadStateDictFromUrl(url, { checkHash: true });
    });
    assert.equal(server.requests() - before, 1);
    assert.ok(log.startsWith(`Downloading: "${server.url}${tiny.file}" to ${cached}\n`), log);
    // Piped stderr: plain lines, the last at 100% with the size.
    assert.match(log, /\n100% 1\.22kB\/1\.22kB \[/);
    assertState(state);
    assert.equal(createHash('sha256').update(readFileSync(cached)).digest('hex'), tiny.sha256);
    assert.deepEqual(readdirSync(join(tmp, 'torch-home', 'hub', 'checkpoints')), [tiny.file]);

    // Cached: no request, no output, and no network needed at all.
    const quiet = withEnv({ TORCHLETTE_MODEL_ZOO_URL: 'http://127.0.0.1:9/models/' }, () =>
      captureStderr(() => {
        state = hub.loadStateDictFromUrl(url, { checkHash: true });
      }),
    );
    assert.equal(quiet, '');
    assert.equal(server.requests() - before, 1);
    assertState(state);
  });

  test('a file whose SHA-256 does not match its name is rejected and nothing stays in the cache', () => {
    const modelDir = join(tmp, 'bad-hash');
    const url = `${ZOO}${wrongName}`;
    let error: Error | undefined;
    captureStderr(() => {
      try {
        hub.loadStateDictFromUrl(url, { modelDir, checkHash: true });
      } catch (e) {
        error = e as Error;
      }
    });
    assert.ok(error, 'expected the download to be rejected');
    assert.ok(error.message.includes(`invalid hash value (expected "00000000", got "${tiny.sha256}")`), error.message);
    assert.ok(error.message.includes(`${server.url}${wrongName}`), error.message);
    assert.deepEqual(readdirSync(modelDir), []);
    // Without checkHash the name is only a name (PyTorch's default).
    captureStderr(() => assertState(hub.loadStateDictFromUrl(url, { modelDir, progress: false })));
    assert.deepEqual(readdirSync(modelDir), [wrongName]);
  });

  test('network failures name the URL and the cause and leave no partial file', async () => {
    const modelDir = join(tmp, 'failures');
    const port = await closedPort();
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${port}/models/x-1234.pth`, /ECONNREFUSED/],
      [`${server.url}missing-1234.pth`, /HTTP Error 404: Not Found/],
      [`http://127.0.0.1:${server.port}/truncated/cut-1234.pth`, /terminated|closed|100 of 100000/],
    ];
    for (const [url, cause] of cases) {
      let error: Error | undefined;
      const log = captureStderr(() => {
        try {
          hub.loadStateDictFromUrl(url, { modelDir });
        } catch (e) {
          error = e as Error;
        }
      });
      assert.ok(error, url);
      assert.equal(log, `Downloading: "${url}" to ${join(modelDir, url.split('/').pop()!)}\n`, 'no progress line for a failed download');
      assert.ok(error.message.includes(url), error.message);
      assert.match(error.message, cause);
      assert.deepEqual(readdirSync(modelDir), [], `${url} left a file`);
    }
  });

  test('downloadUrlToFile and the positional form: file_name, progress off, map_location', () => {
    const dst = join(tmp, 'direct.pth');
    const quiet = captureStderr(() => hub.downloadUrlToFile(`${ZOO}${tiny.file}`, dst, tiny.sha256.slice(0, 12), false));
    assert.equal(quiet, '');
    assert.equal(readFileSync(dst).length, tiny.size);
    assert.throws(() => captureStderr(() => hub.downloadUrlToFile(`${ZOO}${tiny.file}`, join(tmp, 'no.pth'), 'ffff', false)), /invalid hash value \(expected "ffff"/);
    assert.ok(!existsSync(join(tmp, 'no.pth')));

    const modelDir = join(tmp, 'positional');
    captureStderr(() => assertState(hub.loadStateDictFromUrl(`${ZOO}${tiny.file}`, modelDir, 'cpu', false, true, 'renamed.pth')));
    assert.deepEqual(readdirSync(modelDir), ['renamed.pth']);
    assert.throws(() => hub.loadStateDictFromUrl(`${ZOO}${tiny.file}`, { modelDir, mapLocation: 'cuda' }), /cuda|CUDA/);
    assert.throws(() => hub.loadStateDictFromUrl(`${ZOO}${tiny.file}`, { model_dir: modelDir } as never), /did you mean 'modelDir'/);
  });

  test('setDir moves the cache (with ~ expanded)', () => {
    hub.setDir('~/somewhere');
    assert.equal(hub.getDir(), join(homedir(), 'somewhere'));
    hub.setDir(join(tmp, 'set-dir'));
    captureStderr(() => assertState(hub.loadStateDictFromUrl(`${ZOO}${tiny.file}`)));
    assert.ok(existsSync(join(tmp, 'set-dir', 'checkpoints', tiny.file)));
  });
});

test('progress: a bar redrawn on a terminal, a line per 10% when piped', () => {
  assert.deepEqual([0, 1000, 1251, 1024 * 1024 * 44.7, 5 * 1024 ** 3].map(formatBytes), ['0.00B', '0.98kB', '1.22kB', '44.7MB', '5.00GB']);
  let piped = '';
  const p = new DownloadProgress({ isTTY: false, write: (s: string) => ((piped += s), true) });
  for (let r = 0; r <= 1000; r += 50) p.update(r, 1000);
  p.finish();
  assert.deepEqual(
    piped.trim().split('\n').map((l) => l.trim().split(' ')[0]),
    ['10%', '20%', '30%', '40%', '50%', '60%', '70%', '80%', '90%', '100%'],
  );
  let tty = '';
  const bar = new DownloadProgress({ isTTY: true, write: (s: string) => ((tty += s), true) });
  bar.update(500, 1000);
  bar.finish();
  assert.match(tty, /^\r 50%\|#{10} {10}\| 500B\/0.98kB \[/);
  assert.ok(tty.endsWith('\n'));
});
