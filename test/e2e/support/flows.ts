/// <reference lib="dom" />
import fs from 'node:fs';
import type { Page } from 'playwright-core';

export const DEMO = { username: 'demo', password: 'demo1234' };

/** The SSO's login page is showing (the browser was sent to sign in). */
export async function expectSsoLoginPage(page: Page, ssoIssuer: string, timeout = 20_000): Promise<void> {
  await page.waitForURL((u) => u.toString().startsWith(ssoIssuer), { timeout });
  await page.locator('input[name="password"]').waitFor({ timeout });
}

/** Fills the contract form and submits it; the saga box ends in `state`, which is returned with its reason. */
export async function submitContract(page: Page, options: { fields?: Record<string, string>; mode: 'api' | 'event'; drill?: boolean }): Promise<{ state: string; reason: string; steps: number }> {
  for (const [name, value] of Object.entries(options.fields ?? {})) await page.fill(`#f-${name}`, value);
  await page.check(`input[name="mode"][value="${options.mode}"]`);
  // The drill checkbox is there only for whom the BFF allows it (operators, where drills are on).
  if (options.drill) await page.check('input[name="drill"]');
  else if (await page.locator('input[name="drill"]').count()) await page.uncheck('input[name="drill"]');
  const before = await page.locator('.saga code').textContent({ timeout: 100 }).catch(() => null);
  await page.click('form.contract-form button[type="submit"]');
  // The saga box of this submission, not the one before it.
  await page.waitForFunction((old) => {
    const code = document.querySelector('.saga code')?.textContent;
    return Boolean(code) && code !== old;
  }, before, { timeout: 30_000 });
  const done = page.locator('.saga-state[data-done="true"]');
  await done.waitFor({ timeout: 30_000 });
  return {
    state: (await done.getAttribute('data-state')) ?? '',
    reason: (await page.locator('.saga-reason').count()) ? ((await page.locator('.saga-reason').textContent()) ?? '') : '',
    steps: await page.locator('.saga-steps li').count(),
  };
}

/** Bytes of a file the screen's Download link delivers. */
export async function downloadBytes(page: Page, linkSelector: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(linkSelector)]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}
