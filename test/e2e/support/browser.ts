import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install -y chromium`); Playwright's own download cannot be reached
 * here. An explicit CHROMIUM_PATH is the only candidate (so a wrong one is reported, never
 * bypassed). Throws, naming the install command, when there is none.
 */
export function chromiumPath(): string {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`Chromium not found (${candidates.join(', ')}): apt-get update && apt-get install -y chromium fonts-nanum`);
  return found;
}

/** Chromium with the flags proven on these machines (TOOLCHAIN.md): no sandbox as root, no GPU, no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage'],
  });
}

export { buildScreensIfStale } from '../../support/build-screens';
