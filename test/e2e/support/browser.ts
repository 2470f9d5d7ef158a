import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright's own download cannot be reached here. */
export function findChromium(): string | null {
  // An explicit CHROMIUM_PATH is the only candidate (so a wrong one is reported, never bypassed).
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

/** The flags proven on these machines (TOOLCHAIN.md): no sandbox as root, no GPU, no background traffic. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage'],
  });
}

export { buildScreensIfStale } from '../../support/build-screens';
