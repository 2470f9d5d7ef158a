/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildScreensIfStale, launchChromium } from './support/browser';
import { startBffSystem, type BffSystem } from '../support/system';
import { testPrefix } from '../support/bff';
import { expectAccessible, screenshot, signInAtSso } from './support/screen-checks';
import { DEMO } from './support/flows';

const describeInBrowser = describe; // no Chromium fails the run, never skips it (test/support/no-skip-reporter.js)

describeInBrowser('the sessions screen in both apps (Chromium, dev SSO, both BFFs)', () => {
  let sys: BffSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildScreensIfStale();
    const index = { SESSION_INDEX_PREFIX: `${testPrefix}e2e:sso:` };
    [sys, browser] = await Promise.all([startBffSystem({ pc: index, mobile: index }), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await sys?.close();
  }, 60_000);

  const newPage = async (phone: boolean) => {
    const context = await browser.newContext({ locale: 'en-US', ...(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 800 } }) });
    contexts.push(context);
    return context.newPage();
  };
  /** Signs in on the app's landing, then opens the sessions page from the user menu. */
  const openSessions = async (page: Page, url: string) => {
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: /Sign in|로그인/ }).click();
    await signInAtSso(page, DEMO);
    await page.locator('[data-menu="sessions"]').click();
    await page.getByRole('heading', { name: /My sessions|내 세션/ }).waitFor({ timeout: 15_000 });
  };
  const rows = (page: Page) => page.locator('[data-testid="sessions"] > li');

  it('lists the PC and phone sessions in Korean and English, ends the phone one from the PC, and signs out everywhere else from the phone', async () => {
    const pc = await newPage(false);
    await openSessions(pc, sys.pc.url);
    const phone = await newPage(true);
    await openSessions(phone, sys.mobile.url);
    // The profile's language (Korean by default) on the phone; the PC switched to English.
    await phone.getByRole('heading', { name: '내 세션' }).waitFor();
    await pc.locator('button.lang').click();
    await pc.getByRole('heading', { name: 'My sessions' }).waitFor();
    await pc.reload();
    await rows(pc).nth(1).waitFor();
    expect(await rows(pc).count()).toBe(2);
    await expect(pc.locator('[data-current] ').textContent()).resolves.toMatch(/Contract desk.*this session/);
    await expectAccessible(pc, 'pc sessions');
    await screenshot(pc, 'pc-sessions');
    await screenshot(phone, 'mobile-sessions');

    // End the phone's session from the PC: gone from the list, and the phone is signed out.
    const phoneRow = rows(pc).filter({ hasText: 'My contracts' });
    await phoneRow.getByRole('button', { name: 'Sign out this session' }).click();
    await pc.getByRole('status').filter({ hasText: 'Signed out.' }).waitFor();
    await expect(rows(pc).count()).resolves.toBe(1);
    expect((await phone.request.get(`${sys.mobile.url}/bff/user`)).status()).toBe(401);

    // The phone signs in again and signs out everywhere else: the PC is signed out.
    // (from a blank page: the ended screen may be on its own way to sign in)
    await phone.goto('about:blank');
    const hops: string[] = [];
    phone.on('response', (r) => hops.push(`${r.status()} ${r.url().slice(0, 120)} -> ${r.headers().location ?? ''}`));
    await phone.goto(`${sys.mobile.url}/bff/login?returnTo=/sessions`).catch((err: Error) => {
      throw new Error(`${err.message}\n${hops.slice(0, 12).join('\n')}`);
    });
    // The SSO may remember the phone (straight back) or ask for the password again.
    await phone.locator('input[name="password"], #sessions-title').first().waitFor({ timeout: 15_000 });
    if (await phone.locator('input[name="password"]').isVisible()) await signInAtSso(phone, DEMO);
    await phone.getByRole('heading', { name: '내 세션' }).waitFor({ timeout: 15_000 });
    await rows(phone).nth(1).waitFor();
    await phone.getByRole('button', { name: '다른 모든 곳에서 로그아웃' }).click();
    await phone.getByRole('status').filter({ hasText: '로그아웃되었습니다.' }).waitFor();
    await expect(rows(phone).count()).resolves.toBe(1);
    expect((await pc.request.get(`${sys.pc.url}/bff/user`)).status()).toBe(401);
    expect((await phone.request.get(`${sys.mobile.url}/bff/user`)).status()).toBe(200);
  }, 120_000);
});
