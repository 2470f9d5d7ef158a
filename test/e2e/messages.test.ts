/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { useScreensInBrowser } from './support/screens-in-browser';
import { expectAccessible, screenshot, signInAtSso } from './support/screen-checks';
import { developerWords } from './support/agent-checks';
import { DEMO, expectSsoLoginPage } from './support/flows';
import { startBffSystem, type BffSystem } from '../support/system';
import { startDelayProxy } from '../support/delay-proxy';

const describeInBrowser = describe; // no Chromium fails the run, never skips it (test/support/no-skip-reporter.js)

const OPERATOR = { username: 'ops', password: 'ops1234' };
const CONTRACT = { contr: '메시지검사', payr: '메시지검사', svcNo: '02-555-0100', cardNo: '9410-1111-1111-1118', saler: '서울 지점' };
/** The sentence that claimed marked fields where none were marked (the reviewer's finding). */
const NOTHING_MARKED = /표시된 항목|marked fields/;
/** #b3261e, the error red of web/shared/base.css (6.5:1 on white). */
const ERROR_RED = 'rgb(179, 38, 30)';

/**
 * What the screens say when a request is refused or a part is missing, as an agent reads it (the
 * reviewer's findings at 1280×800 and 375×812, ko-KR): each refused field named with what it
 * expects, a bad URL parameter ignored with a note, a bad contract number "no such contract", the
 * mobile home honest about a slow contract list, the same state words on home and in the list, a
 * part removed by a rolled-back registration said as such, and a phone header that fits.
 */
describeInBrowser('messages an agent reads on refusals and missing parts (Chromium, both BFFs, the three services)', () => {
  const live = useScreensInBrowser('messages');

  const signedIn = async (base: string, start: string, phone: boolean, who = DEMO, issuer = live.system.sys.sso.issuer) => {
    const context = await live.browser.newContext({ locale: 'ko-KR', ...(phone ? { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 800 } }) });
    live.contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}${start}`);
    // `/` is the landing (its Sign-in button); any other screen sends the browser to sign in.
    if (start === '/') await page.getByRole('button', { name: '로그인' }).click();
    await expectSsoLoginPage(page, issuer);
    await signInAtSso(page, who);
    await page.waitForURL(`${base}${start}`);
    await page.getByTestId('user').waitFor();
    return page;
  };
  /** The refusal on screen: its text, in the error red, announced (role=alert). */
  const alertText = async (page: Page) => {
    const alert = page.locator('[role="alert"]').first();
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.evaluate((el) => getComputedStyle(el).color)).toBe(ERROR_RED);
    const text = (await alert.textContent()) ?? '';
    expect(text).not.toMatch(NOTHING_MARKED);
    return text;
  };
  const gridSearch = async (page: Page, fields: Record<string, string>) => {
    await page.goto(`${live.system.sys.pc.url}/contracts`);
    await page.locator('#grid-svcNo').waitFor();
    for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
    await page.click('form[role="search"] button[type="submit"]');
  };

  it('PC: a refused search names the field and what it expects, at the field; bad URL parameters are ignored with a note; a bad contract number is "no such contract"; Settings names the field', async () => {
    const page = await signedIn(live.system.sys.pc.url, '/contracts', false);

    await gridSearch(page, { 'grid-svcNo': 'abc' });
    expect(await alertText(page)).toContain('서비스 번호: 숫자와 하이픈(-)만 입력하세요');
    expect(await page.getAttribute('#grid-svcNo', 'aria-invalid')).toBe('true');
    await expect(page.locator('#e-grid-svcNo').textContent()).resolves.toContain('숫자와 하이픈(-)만');
    await expectAccessible(page, 'pc grid refused');
    await screenshot(page, 'pc-grid-refused');

    await gridSearch(page, { 'grid-cardNo': 'abcd' });
    expect(await alertText(page)).toContain('카드 번호: 숫자만 입력하세요');
    expect(await page.getAttribute('#grid-cardNo', 'aria-invalid')).toBe('true');

    await gridSearch(page, { 'grid-from': '2026-12-31', 'grid-to': '2026-01-01' });
    expect(await alertText(page)).toContain('등록일 시작: 시작일은 종료일보다 앞서야 합니다');
    expect(await page.getAttribute('#grid-from', 'aria-invalid')).toBe('true');

    // Parameters of the URL the form does not hold: ignored, and the list says so.
    for (const [query, named] of [['sort=bogus', '정렬'], ['state=WHATEVER', '최근 변경']]) {
      await page.goto(`${live.system.sys.pc.url}/contracts?${query}`);
      await page.locator('p.summary').waitFor();
      await expect(page.locator('[role="alert"]').count()).resolves.toBe(0);
      await expect(page.locator('[data-ignored]').textContent()).resolves.toContain(named);
    }
    await page.goto(`${live.system.sys.pc.url}/contracts?page=2&cursor=garbage`);
    expect(await alertText(page)).toContain('첫 페이지');

    for (const no of ['abc', '-1']) {
      await page.goto(`${live.system.sys.pc.url}/contracts/${no}`);
      expect(await alertText(page)).toContain('번호의 계약이 없습니다');
    }

    await page.goto(`${live.system.sys.pc.url}/settings`);
    await page.fill('#s-page-size', '');
    await page.click('form button[type="submit"]');
    expect(await alertText(page)).toContain('페이지당 행 수: 5에서 200 사이의 숫자를 입력하세요');
    expect(await page.getAttribute('#s-page-size', 'aria-invalid')).toBe('true');

    // English says the same, never the old sentence.
    await page.locator('button.lang').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await gridSearch(page, { 'grid-svcNo': 'abc' });
    expect(await alertText(page)).toContain('Service number: digits and dashes (-) only');
    expect(await developerWords(page)).toEqual([]);
  }, 120_000);

  it('phone: a refused search names the field and drops the old count; a bad contract number is "no such contract"; the header fits at 375 px without breaking words', async () => {
    const page = await signedIn(live.system.sys.mobile.url, '/', true);
    await page.selectOption('form[role="search"] select', 'svcNo');
    await page.fill('#home-q', 'abc');
    await page.click('form[role="search"] button[type="submit"]');
    expect(await alertText(page)).toContain('서비스 번호: 숫자와 하이픈(-)만 입력하세요');
    await expect(page.locator('#cards-title').textContent()).resolves.toBe('계약');
    await expectAccessible(page, 'mobile cards refused');

    for (const no of ['abc', '-1']) {
      await page.goto(`${live.system.sys.mobile.url}/contracts/${no}`);
      expect(await alertText(page)).toContain('번호의 계약이 없습니다');
    }

    // The header: every word whole on one line, nothing cut, the search's hint readable.
    await page.goto(`${live.system.sys.mobile.url}/`);
    await page.locator('#home-q').waitFor();
    const faults = await page.evaluate(() => {
      const out: string[] = [];
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('header.top > *'))) {
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.textContent} cut`);
        const lines = Math.round(el.getBoundingClientRect().height / (parseFloat(getComputedStyle(el).lineHeight) || 20));
        if (el.matches('button, a, .who, .role') && lines > 1 && el.getBoundingClientRect().height > 46) out.push(`${el.textContent} wraps`);
      }
      const input = document.querySelector<HTMLInputElement>('#home-q')!;
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = getComputedStyle(input).font;
      const style = getComputedStyle(input);
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (ctx.measureText(input.placeholder).width > room) out.push(`placeholder "${input.placeholder}" cut`);
      return out;
    });
    expect(faults).toEqual([]);
    await expect(page.getByTestId('user').textContent()).resolves.toBe('Demo User');
    await screenshot(page, 'mobile-header-375');
  }, 120_000);

  it('phone home and list say the same state; a part removed by a rolled-back registration says so on both apps', async () => {
    const phone = await signedIn(live.system.sys.mobile.url, '/', true);
    const created = await phone.request.post(`${live.system.sys.mobile.url}/api/contracts`, { headers: { 'x-csrf': '1' }, data: { contract: CONTRACT } });
    expect(created.status()).toBe(201);
    const no = ((await created.json()) as { saPponContNo: number }).saPponContNo;
    const stateOn = async (path: string) => {
      for (let i = 0; i < 50; i++) {
        await phone.goto(`${live.system.sys.mobile.url}${path}`);
        const card = phone.locator(`[data-contract="${no}"] .card-state`);
        await phone.locator('.cards, .empty').first().waitFor();
        if (await card.count()) return card.textContent();
        await phone.waitForTimeout(100); // the contract view follows the services' events
      }
      throw new Error(`contract ${no} not listed on ${path}`);
    };
    const onHome = await stateOn('/');
    expect(onHome).toContain('등록 완료');
    expect(onHome).toBe(await stateOn('/contracts'));

    const ops = await signedIn(live.system.sys.pc.url, '/contracts', false, OPERATOR);
    const drilled = await ops.request.post(`${live.system.sys.pc.url}/api/contracts`, { headers: { 'x-csrf': '1' }, data: { contract: CONTRACT, drill: 'compensate' } });
    expect(drilled.status()).toBe(409);
    const rolledBack = ((await drilled.json()) as { saPponContNo: number }).saPponContNo;
    await ops.goto(`${live.system.sys.pc.url}/contracts/${rolledBack}`);
    const pcPart = ops.locator('[data-part="intelnet"]');
    await pcPart.locator('[data-absent]').waitFor();
    await expect(pcPart.textContent()).resolves.toMatch(/등록을 되돌려 이 구성은 없습니다/);
    await expect(pcPart.textContent()).resolves.not.toMatch(/읽지 못함|다시 시도/);
    await phone.goto(`${live.system.sys.mobile.url}/contracts/${rolledBack}`);
    const phonePart = phone.locator('[data-part="intelnet"]');
    await phonePart.waitFor();
    await expect(phonePart.textContent()).resolves.toMatch(/등록을 되돌려 이 구성은 없습니다/);
    await expect(phonePart.textContent()).resolves.not.toMatch(/응답하지 못했습니다|다시 시도/);
  }, 120_000);

  it('phone home says the contract list is late, as the PC grid does, when the contract view does not answer', async () => {
    // A contract view that holds every request longer than the BFF waits: the reviewer's kill -STOP.
    const stalled = await startDelayProxy(live.system.services.ppon.url, 60_000);
    let second: BffSystem | undefined;
    try {
      const env = { PPON_URL: live.system.services.ppon.url, INETAPLCA_URL: live.system.services.inetaplca.url, INTELNET_URL: live.system.services.intelnet.url, CONTRACT_VIEW_URL: stalled.url, UPSTREAM_TIMEOUT_MS: '1000' };
      second = await startBffSystem({ sharedSso: live.system.sys.sso, pc: env, mobile: env });
      const page = await signedIn(second.mobile.url, '/', true, DEMO, live.system.sys.sso.issuer);
      const note = page.locator('[data-recent-error]');
      await note.waitFor({ timeout: 15_000 });
      await expect(note.textContent()).resolves.toContain('계약 시스템의 응답이 늦습니다');
      await expect(page.locator('h2').filter({ hasText: '최근 계약' }).textContent()).resolves.toBe('최근 계약');
      await expectAccessible(page, 'mobile home, list late');
    } finally {
      await second?.close();
      await stalled.close();
    }
  }, 120_000);
});
