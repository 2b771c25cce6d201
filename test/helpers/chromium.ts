import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (never a downloaded one), or the one `CHROMIUM_PATH` names. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A headless Debian Chromium that keeps nothing between runs: playwright-core gives every launch
 * a fresh temporary user-data dir, and the disk cache goes to a fresh directory of ours, removed
 * by `close()`.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profileDir = await mkdtemp(path.join(tmpdir(), 'pingone-e2e-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      `--disk-cache-dir=${profileDir}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}
