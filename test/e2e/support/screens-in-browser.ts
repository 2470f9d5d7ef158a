import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildScreensIfStale, launchChromium } from './browser';
import { startScreensSystem, type ScreensSystem } from './screens-system';

export interface ScreensInBrowser {
  system: ScreensSystem;
  browser: Browser;
  /** Closed after the block. */
  contexts: BrowserContext[];
  /** The page screenshotted (to the temp folder) and named after each test, to see where one stopped. */
  debugPage?: Page;
}

/**
 * The whole screens system and Chromium for one describe block: started before its tests (with
 * `env` added to both BFFs' settings), everything closed after them.
 */
export function useScreensInBrowser(name: string, env: Record<string, string> = {}): ScreensInBrowser {
  const live = { contexts: [] } as unknown as ScreensInBrowser;
  beforeAll(async () => {
    buildScreensIfStale();
    [live.system, live.browser] = await Promise.all([startScreensSystem(env), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(live.contexts.map((c) => c.close().catch(() => undefined)));
    await live.browser?.close();
    await live.system?.close();
  }, 60_000);
  afterEach(async () => {
    await live.debugPage?.screenshot({ path: path.join(os.tmpdir(), `e2e-${name}-last.png`) }).catch(() => undefined);
    if (live.debugPage) process.stderr.write(`e2e: last URL ${live.debugPage.url()}\n`);
  });
  return live;
}
