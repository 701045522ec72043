// torch.hub's download and cache (PyTorch 1.13 torch/hub.py): checkpoints live in
// $TORCH_HOME/hub/checkpoints, the directory PyTorch uses, so a file PyTorch already
// downloaded is reused; a download goes to a temporary file next to its destination and
// is renamed only once complete (and, with check_hash, once its SHA-256 matches the
// prefix in its name), so a failed or corrupt download never lands in the cache.
import { randomHex } from '#platform/crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from '#platform/fs';
import { env as getEnv, homedir, platformName, writeStderr } from '#platform/os';
import { PlatformUnavailableError } from '../platform/unavailable.js';

/** The hub downloads synchronously into a cache folder: neither exists in a web page. */
function inPage(api: string, instead: string): void {
  if (platformName === 'browser') throw new PlatformUnavailableError(`${api} downloads into a cache folder, which a web page does not have: ${instead}`);
}
import { basename, dirname, join } from '#platform/path';
import { load } from '../serialization/index.js';
import { bool, deviceArg, nullable, signature, string, type ArgsOf } from '../tensor/args.js';
import { device } from '../tensor/device.js';
import type { Tensor } from '../tensor/tensor.js';
import { warnOnce } from '../tensor/warnings.js';
import { fetchToPathSync } from './fetch-sync.js';
import { DownloadProgress } from './progress.js';

/** torch.hub.HASH_REGEX: the hash prefix in a checkpoint's name, `resnet18-f37072fd.pth` → `f37072fd`. */
export const HASH_REGEX = /-([a-f0-9]*)\./;

/** Where torchvision's weights are published; TORCHLETTE_MODEL_ZOO_URL replaces this prefix (mirrors, tests). */
export const MODEL_ZOO_URL = 'https://download.pytorch.org/models/';
const ZOO_ENV = 'TORCHLETTE_MODEL_ZOO_URL';

let hubDir: string | null = null;

/** Python's os.path.expanduser for `~` and `~/…`. */
function expandUser(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

/** $TORCH_HOME, else $XDG_CACHE_HOME/torch, else ~/.cache/torch. */
function torchHome(): string {
  return expandUser(getEnv('TORCH_HOME') ?? join(getEnv('XDG_CACHE_HOME') ?? '~/.cache', 'torch'));
}

/** torch.hub.get_dir(): the directory set by setDir, else $TORCH_HOME/hub. */
export function getDir(): string {
  if (getEnv('TORCH_HUB')) warnOnce('TORCH_HUB is deprecated, please use env TORCH_HOME instead');
  return hubDir ?? join(torchHome(), 'hub');
}

const setDirArgs = signature('set_dir', [['d', string]] as const);
/** torch.hub.set_dir(d): where getDir points from now on (`~` expands). */
export function setDir(...args: ArgsOf<typeof setDirArgs>): void {
  const { d } = setDirArgs.parse(args);
  hubDir = expandUser(d);
}

/** The URL actually fetched: the model zoo's prefix replaced by $TORCHLETTE_MODEL_ZOO_URL when set. */
export function resolveModelZooUrl(url: string): string {
  const mirror = getEnv(ZOO_ENV);
  if (mirror === undefined || mirror === '' || !url.startsWith(MODEL_ZOO_URL)) return url;
  return (mirror.endsWith('/') ? mirror : `${mirror}/`) + url.slice(MODEL_ZOO_URL.length);
}

const downloadArgs = signature('download_url_to_file', [
  ['url', string],
  ['dst', string],
  ['hashPrefix', nullable(string), null],
  ['progress', bool, true],
] as const);

/**
 * torch.hub.download_url_to_file(url, dst, hash_prefix=None, progress=True): downloads
 * to a temporary file in dst's directory, checks that its SHA-256 starts with
 * `hashPrefix` when given, then renames it to `dst`. On any failure nothing is left
 * behind and the error names the URL and the cause.
 */
export function downloadUrlToFile(...args: ArgsOf<typeof downloadArgs>): void {
  inPage('torch.hub.downloadUrlToFile', 'fetch(url) gives the bytes');
  const { url: requested, dst: given, hashPrefix, progress } = downloadArgs.parse(args);
  const url = resolveModelZooUrl(requested);
  const dst = expandUser(given);
  const tmp = join(dirname(dst), `tmp${randomHex(6)}`);
  const bar = progress ? new DownloadProgress() : null;
  try {
    let sha256: string;
    try {
      ({ sha256 } = fetchToPathSync(url, tmp, { headers: { 'User-Agent': 'torch.hub' }, onProgress: bar ? (r, t) => bar.update(r, t) : undefined }));
    } catch (e) {
      bar?.finish(false);
      throw e;
    }
    bar?.finish();
    if (hashPrefix !== null && sha256.slice(0, hashPrefix.length) !== hashPrefix) {
      throw new Error(`invalid hash value (expected "${hashPrefix}", got "${sha256}")`);
    }
    renameSync(tmp, dst);
  } catch (e) {
    throw new Error(`Downloading ${url} failed: ${(e as Error).message}`, { cause: e });
  } finally {
    rmSync(tmp, { force: true });
  }
}

const loadArgs = signature('load_state_dict_from_url', [
  ['url', string],
  ['modelDir', nullable(string), null],
  ['mapLocation', nullable(deviceArg), null],
  ['progress', bool, true],
  ['checkHash', bool, false],
  ['fileName', nullable(string), null],
] as const);

/**
 * torch.hub.load_state_dict_from_url(url, model_dir=None, map_location=None,
 * progress=True, check_hash=False, file_name=None): the checkpoint at `url`, loaded with
 * torch.load from `<modelDir or getDir()/checkpoints>/<file name>`, downloaded first when
 * that file is not there (a cached file is used as it is, without the network or a
 * hash check, as PyTorch does). With `checkHash` the name must carry the SHA-256 prefix
 * (`name-<sha256>.ext`) and the download is rejected when it does not match.
 */
export function loadStateDictFromUrl<T = Record<string, Tensor>>(...args: ArgsOf<typeof loadArgs>): T {
  inPage('torch.hub.loadStateDictFromUrl', 'await torch.loadAsync(url) fetches and loads a checkpoint (the browser caches it by its HTTP headers)');
  const a = loadArgs.parse(args);
  if (getEnv('TORCH_MODEL_ZOO')) warnOnce('TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead');
  // Every storage loads on the CPU: map_location only has to name it (a CUDA device throws here).
  if (a.mapLocation !== null) device(a.mapLocation);
  const modelDir = a.modelDir === null ? join(getDir(), 'checkpoints') : expandUser(a.modelDir);
  mkdirSync(modelDir, { recursive: true });
  const fileName = a.fileName ?? basename(new URL(a.url).pathname);
  const cached = join(modelDir, fileName);
  if (!existsSync(cached)) {
    writeStderr(`Downloading: "${resolveModelZooUrl(a.url)}" to ${cached}\n`);
    const hashPrefix = a.checkHash ? (HASH_REGEX.exec(fileName)?.[1] ?? null) : null;
    downloadUrlToFile(a.url, cached, hashPrefix, a.progress);
  }
  return load<T>(cached);
}
