// The browser tests' harness: bundles the test pages with esbuild (scripts/web-bundle.mjs),
// serves them with COOP/COEP on 127.0.0.1 (scripts/web-server.mjs), and drives Debian's
// headless `chromium` through playwright-core (no browser download).
//
// A missing chromium FAILS the browser tests, loudly: CI installs it (apt-get install -y
// chromium). TORCHLETTE_SKIP_BROWSER=1 skips them, on purpose only; TORCHLETTE_CHROMIUM
// names another Chromium binary.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error plain JavaScript script, no declarations
import { bundle } from '../../scripts/web-bundle.mjs';
// @ts-expect-error plain JavaScript script, no declarations
import { startServer } from '../../scripts/web-server.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WASM_FILE = join(ROOT, 'prebuilds', 'wasm', 'torchlette.wasm');
export const WASM_THREADS_FILE = join(ROOT, 'prebuilds', 'wasm', 'torchlette-threads.wasm');
/**
 * Whether the relaxed-SIMD builds exist (scripts/build-wasm.mjs makes them with clang++-19):
 * Node then loads them, and so must the pages whose results are compared with Node's.
 */
export const WASM_RELAXED = existsSync(join(ROOT, 'prebuilds', 'wasm', 'torchlette-relaxed.wasm'));
const RELAXED_FILES = WASM_RELAXED
  ? { '/torchlette-relaxed.wasm': join(ROOT, 'prebuilds', 'wasm', 'torchlette-relaxed.wasm'), '/torchlette-threads-relaxed.wasm': join(ROOT, 'prebuilds', 'wasm', 'torchlette-threads-relaxed.wasm') }
  : {};
export const CHROMIUM = process.env.TORCHLETTE_CHROMIUM ?? '/usr/bin/chromium';

/** false, or why the browser tests are skipped (only ever by TORCHLETTE_SKIP_BROWSER=1). Throws when chromium is missing. */
export function browserSkip(): false | string {
  if (process.env.TORCHLETTE_SKIP_BROWSER === '1') return 'TORCHLETTE_SKIP_BROWSER=1';
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need Chromium at ${CHROMIUM}, which is missing: install it (Debian: apt-get install -y chromium), ` +
        'point TORCHLETTE_CHROMIUM at a Chromium binary, or set TORCHLETTE_SKIP_BROWSER=1 to skip these tests on purpose',
    );
  }
  return false;
}

/** What a page or its workers reported that must fail the test: uncaught errors, console.error, failed requests. */
export interface PageProblems {
  problems: string[];
}

export interface Session {
  url: string;
  browser: Browser;
  /**
   * Opens `path` and records every page error, console error and failed request (also from
   * workers). `isolated: false`: from a second server that sends no COOP/COEP headers.
   */
  open(path: string, opts?: { isolated?: boolean }): Promise<{ page: Page } & PageProblems>;
  close(): Promise<void>;
}

/**
 * Bundles `entries` ({ 'name': sourcePath } → /name.js) into a temporary folder next to the
 * given `html` pages and serves them, plus /torchlette.wasm, /torchlette-threads.wasm (and their
 * -relaxed builds where they exist) and
 * anything in `files`, twice: crossOriginIsolated (COOP/COEP) and not.
 */
export async function startSession(opts: {
  entries: Record<string, string>;
  html: Record<string, string>;
  files?: Record<string, string>;
  plugins?: Plugin[];
}): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'torchlette-browser-'));
  for (const [name, text] of Object.entries(opts.html)) writeFileSync(join(dir, name), text);
  await bundle({ entryPoints: opts.entries, outdir: dir, plugins: opts.plugins });
  const served = { mounts: { '/': dir }, files: { '/torchlette.wasm': WASM_FILE, '/torchlette-threads.wasm': WASM_THREADS_FILE, ...RELAXED_FILES, ...opts.files } };
  const server = await startServer(served);
  const plain = await startServer({ ...served, isolate: false });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // root in a container has no user namespaces for Chromium's sandbox
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const pages: Page[] = [];
  return {
    url: server.url,
    browser,
    async open(path, { isolated = true } = {}) {
      const page = await browser.newPage();
      pages.push(page);
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
      });
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      page.on('worker', (w) => w.on('console', (m) => {
        if (m.type() === 'error') problems.push(`worker console.error: ${m.text()}`);
      }));
      await page.goto((isolated ? server.url : plain.url) + path);
      return { page, problems };
    },
    async close() {
      for (const p of pages) await p.close().catch(() => {});
      await browser.close();
      await server.close();
      await plain.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
