/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * Where the screenshots go: docs/screens/ (committed, shown in the README) when
 * UPDATE_SCREENSHOTS=1 (`npm run screens`), else a temp folder, so an ordinary test run still
 * takes them but leaves the working tree clean.
 */
export const SCREENS_DIR =
  process.env.UPDATE_SCREENSHOTS === '1' ? path.join(__dirname, '..', '..', '..', 'docs', 'screens') : fs.mkdtempSync(path.join(os.tmpdir(), 'contract-bff-screens-'));

/** Types the credentials into the dev SSO's own login page, as a person would. */
export async function signInAtSso(page: Page, who: { username: string; password: string }): Promise<void> {
  await page.locator('input[name="username"]').waitFor({ timeout: 15_000 });
  await page.fill('input[name="username"]', who.username);
  await page.fill('input[name="password"]', who.password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
}

/** axe-core on the screen as it is now: no serious or critical violation (each one named if found). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // The WCAG A/AA rules (2.0–2.2): what "accessible" is measured against, and a third faster than every rule.
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = bad.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(described).toEqual([]);
}

/** A screenshot for the README (docs/screens/<name>.png), taken from the real run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`), fullPage: false });
}

/** Every visible control of a phone screen is at least 44×44 CSS px (touch target size). */
export async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, a.button, .tabs a, .cards a, input:not([type=radio]):not([type=checkbox]):not(.visually-hidden), select, label.button'))
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ el, box }) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}
