/// <reference lib="dom" />
import path from 'node:path';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { buildScreensIfStale, launchChromium } from './support/browser';
import { startScreensSystem, type ScreensSystem } from './support/screens-system';
import { expectAccessible, screenshot, signInAtSso, smallTouchTargets } from './support/screen-checks';
import { developerWords, inViewport, layoutFaults } from './support/agent-checks';
import { DEMO, downloadBytes, expectSsoLoginPage, submitContract } from './support/flows';

const describeInBrowser = describe; // no Chromium fails the run, never skips it (test/support/no-skip-reporter.js)

// The README's screenshots of these screens come from here (test/e2e/screens.test.ts takes the others).
const OPERATOR = { username: 'ops', password: 'ops1234' };
const VIEWER = { username: 'lee', password: 'lee1234' };
const KIM = { username: 'kim', password: 'kim1234' };
const tag = () => randomBytes(3).toString('hex');

/**
 * A day of an agent's work in both apps, in Korean (the profile's default) and in English: the
 * words on screen, the forms, the lists, a contract's state apart from its last change, its
 * history and documents, and who is offered what. Every screen is checked with axe.
 */
describeInBrowser('an agent’s day in the screens (Chromium, both BFFs, the three services)', () => {
  let system: ScreensSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildScreensIfStale();
    [system, browser] = await Promise.all([startScreensSystem(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await system?.close();
  }, 60_000);

  let debugPage: Page | undefined;
  afterEach(async () => {
    await debugPage?.screenshot({ path: path.join(os.tmpdir(), 'e2e-agent-last.png') }).catch(() => undefined);
    if (debugPage) process.stderr.write(`e2e: last URL ${debugPage.url()}\n`);
  });

  /** A signed-in page; PC at 1280×768 (the height the register result was lost below), or a phone. */
  const signedIn = async (app: 'pc' | 'mobile', who: { username: string; password: string }, start: string) => {
    const context = await browser.newContext({
      locale: 'ko-KR',
      acceptDownloads: true,
      ...(app === 'mobile' ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport: { width: 1280, height: 768 } }),
    });
    contexts.push(context);
    const page = await context.newPage();
    debugPage = page;
    const base = system.sys[app].url;
    await page.goto(`${base}${start}`);
    await expectSsoLoginPage(page, system.sys.sso.issuer);
    await signInAtSso(page, who);
    await page.waitForURL(`${base}${start}`);
    await page.getByTestId('user').waitFor();
    return page;
  };
  const setLanguage = async (page: Page, language: 'ko' | 'en') => {
    if ((await page.getAttribute('html', 'lang')) === language) return;
    await page.locator('button.lang').click();
    await page.waitForFunction((l) => document.documentElement.lang === l, language);
  };
  const expectAgentWords = async (page: Page, screen: string) => {
    expect({ screen, words: await developerWords(page) }).toEqual({ screen, words: [] });
  };

  it('PC in Korean: the register form checks each field with translated codes, submits once, clears, and shows the new contract in view', async () => {
    const page = await signedIn('pc', DEMO, '/contracts/new');
    const posts: Request[] = [];
    page.on('request', (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/contracts' && posts.push(r));
    expect(await page.getAttribute('html', 'lang')).toBe('ko');

    // Keyboard first: the first Tab reaches the skip link; the first field has the focus already.
    await page.locator('#f-contr').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-contr');
    expect(await page.evaluate(() => document.querySelector('a[href], button, input, select, [tabindex]')?.className)).toBe('skip-link');
    await page.focus('.skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('content');

    // An empty form: every required field is marked, in Korean, with its code.
    await page.click('form.contract-form button[type="submit"]');
    await page.locator('#e-cardNo').waitFor();
    for (const field of ['contr', 'payr', 'svcNo', 'cardNo']) {
      await expect(page.getAttribute(`#e-${field}`, 'data-code')).resolves.toBe('REQUIRED');
      await expect(page.textContent(`#e-${field}`)).resolves.toBe('필수 항목입니다');
    }
    await expect(page.locator('#e-saler').count()).resolves.toBe(0);
    expect(posts).toHaveLength(0);

    // Nonsense: a service number that is no phone number, a card that is no card, a bad check digit.
    await page.fill('#f-contr', '김철수');
    await page.fill('#f-payr', '김철수');
    await page.fill('#f-svcNo', 'abc');
    await page.fill('#f-cardNo', 'xyz');
    await page.click('form.contract-form button[type="submit"]');
    await expect(page.getAttribute('#e-svcNo', 'data-code')).resolves.toBe('INVALID_PHONE');
    await expect(page.getAttribute('#e-cardNo', 'data-code')).resolves.toBe('INVALID_CARD');
    await page.fill('#f-svcNo', '1'.repeat(200));
    await page.fill('#f-cardNo', '4111 1111 1111 1112');
    await page.click('form.contract-form button[type="submit"]');
    await expect(page.getAttribute('#e-svcNo', 'data-code')).resolves.toBe('TOO_LONG');
    await expect(page.getAttribute('#e-cardNo', 'data-code')).resolves.toBe('INVALID_CARD_CHECKSUM');
    expect(posts).toHaveLength(0);
    await expectAgentWords(page, 'register (errors)');
    await expectAccessible(page, 'pc register (errors, ko)');

    // Valid, and pressed twice: one registration, one key.
    const name = `박서준 ${tag()}`;
    await page.fill('#f-contr', name);
    await page.fill('#f-svcNo', '010-1234-5678');
    await page.fill('#f-cardNo', '4111 1111 1111 1111');
    await page.fill('#f-saler', '강남 지점');
    await page.locator('form.contract-form button[type="submit"]').dblclick();
    await page.locator('.success').waitFor({ timeout: 30_000 });
    expect(posts).toHaveLength(1);
    expect(posts[0].headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await inViewport(page, '.success')).toBe(true);
    for (const field of ['contr', 'payr', 'svcNo', 'cardNo', 'saler']) await expect(page.inputValue(`#f-${field}`)).resolves.toBe('');
    const no = Number(await page.getAttribute('.success', 'data-contract'));
    expect(no).toBeGreaterThan(0);
    await expect(page.textContent('.success')).resolves.toContain(`계약 ${no}`);
    await expectAgentWords(page, 'register (done)');
    await expectAccessible(page, 'pc register (done, ko)');
    await screenshot(page, 'pc-register');

    // The next registration is a new form with its own key.
    await submitContract(page, { fields: { contr: `${name} 2`, payr: '김철수', svcNo: '02-555-0100', cardNo: '5500000000000004' }, mode: 'api' });
    expect(posts).toHaveLength(2);
    expect(posts[1].headers()['idempotency-key']).not.toBe(posts[0].headers()['idempotency-key']);

    // The detail, in Korean: labels, no database or service names, dates in the profile's zone, the card masked.
    await page.goto(`${system.sys.pc.url}/contracts/${no}`);
    await page.locator('.contract-fields').waitFor();
    await page.locator('section.history').waitFor();
    await expect(page.textContent('[data-field="contr"] dt')).resolves.toBe('계약자');
    await expect(page.textContent('[data-field="contr"] dd')).resolves.toBe(name);
    await expect(page.textContent('[data-field="cardNo"] dd')).resolves.toBe('************1111');
    await expect(page.textContent('[data-field="mkeDate"] dd')).resolves.toMatch(/^\d{4}\. \d{1,2}\. \d{1,2}\. (오전|오후) \d{1,2}:\d\d$/);
    await expect(page.getAttribute('[data-contract-state]', 'data-contract-state')).resolves.toBe('ACTIVE');
    await expect(page.textContent('[data-contract-state]')).resolves.toBe('정상');
    await expectAgentWords(page, 'detail (ko)');
    expect(await layoutFaults(page)).toEqual([]);
    const legacy = page.locator('[data-action="legacy"]');
    await expect(legacy.getAttribute('target')).resolves.toBe('_blank');
    await expect(legacy.getAttribute('rel')).resolves.toMatch(/noopener/);
    await expectAccessible(page, 'pc detail (ko)');

    // And in English, the same screen.
    await setLanguage(page, 'en');
    await expect(page.textContent('[data-field="contr"] dt')).resolves.toBe('Contractor');
    await expect(page.textContent('[data-field="mkeDate"] dd')).resolves.toMatch(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d$/);
    await expectAgentWords(page, 'detail (en)');
    expect(await layoutFaults(page)).toEqual([]);
    await expectAccessible(page, 'pc detail (en)');
    await screenshot(page, 'pc-detail');

    // The change monitor lists the user's changes from MS1, newest first, not only this browser's:
    // a change the same user made through the API in another session (a modify of this contract) is
    // there too, above the registration made here.
    const elsewhere = await system.sys.login(system.sys.pc, DEMO);
    const changed = await elsewhere.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: 'Elsewhere Payer' }, mode: 'api' });
    expect(changed.status).toBe(200);
    await page.goto(`${system.sys.pc.url}/sagas`);
    const viaApi = page.locator(`tr[data-saga="${changed.body.globalNo as string}"]`);
    await viaApi.waitFor();
    await expect(viaApi.locator('td').nth(2).textContent()).resolves.toBe('Change');
    await expect(viaApi.locator('td').nth(3).textContent()).resolves.toBe('Completed');
    await expect(page.locator('tr[data-saga]').first().getAttribute('data-saga')).resolves.toBe(changed.body.globalNo);
    const row = page.locator('tr[data-saga]').filter({ hasText: `Contract ${no}` }).filter({ hasText: 'Registration' });
    await row.waitFor();
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('Registration');
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('Completed');
    await expect(row.locator('td').nth(0).textContent()).resolves.toMatch(/\d{4}, \d\d:\d\d$/);
    await expectAgentWords(page, 'change monitor (en)');
    await expectAccessible(page, 'pc change monitor (en)');
    await screenshot(page, 'pc-sagas');
    await row.getByRole('link', { name: `Contract ${no}` }).click();
    await page.waitForURL(`${system.sys.pc.url}/contracts/${no}`);
  }, 120_000);

  it('PC: documents attached to a contract — upload, list, download, delete from its detail; error text translated', async () => {
    const page = await signedIn('pc', DEMO, '/contracts/new');
    await setLanguage(page, 'ko');
    await submitContract(page, { fields: { contr: `문서 ${tag()}`, payr: '김철수', svcNo: '02-555-0100', cardNo: '4111111111111111' }, mode: 'api' });
    const no = Number(await page.getAttribute('.success', 'data-contract'));
    await page.click('.success a');
    const docs = page.locator(`section[data-documents="/api/contracts/${no}/documents"]`);
    await docs.waitFor();
    await expect(docs.locator('.empty').textContent()).resolves.toBe('문서가 없습니다');
    const content = Buffer.from(`계약서 ${no}\n`);
    await docs.locator('.file-input').setInputFiles({ name: '계약서.txt', mimeType: 'text/plain', buffer: content });
    const item = docs.locator('.file-list li', { hasText: '계약서.txt' });
    await item.waitFor();
    const downloaded = await downloadBytes(page, `section[data-documents="/api/contracts/${no}/documents"] .file-list li a`);
    expect(downloaded.name).toBe('계약서.txt');
    expect(downloaded.bytes.equals(content)).toBe(true);
    // A file of a kind not accepted: the refusal in Korean, not the BFF's English.
    await docs.locator('.file-input').setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00binary') });
    await docs.locator('.form-error').waitFor();
    await expect(docs.locator('.form-error').textContent()).resolves.toMatch(/파일 형식/);
    await expectAgentWords(page, 'contract documents (ko)');
    await expectAccessible(page, 'pc contract documents (ko)');
    await docs.scrollIntoViewIfNeeded();
    await screenshot(page, 'pc-contract-documents');
    await item.getByRole('button', { name: /삭제/ }).click();
    await item.waitFor({ state: 'detached' });
    // The user's own documents (/files) are another list: this one was never there.
    await page.goto(`${system.sys.pc.url}/files`);
    await page.locator('section[data-documents="/api/files"] .empty, section[data-documents="/api/files"] .file-list').first().waitFor();
    await expect(page.locator('section[data-documents="/api/files"]').textContent()).resolves.not.toContain('계약서.txt');
  }, 90_000);

  it('PC: search by any part, sort by a header click, page and sort in the URL (Back and reload keep the place), an empty search says so', async () => {
    const page = await signedIn('pc', DEMO, '/settings');
    await setLanguage(page, 'en');
    // Rows per page from the profile: 5.
    await page.fill('#s-page-size', '5');
    await page.click('form button[type="submit"]');
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const family = tag();
    await page.goto(`${system.sys.pc.url}/contracts/new`);
    for (const given of ['가', '나', '다', '라', '마', '바', '사']) {
      await submitContract(page, { fields: { contr: `${family}${given}철수`, payr: '이영희', svcNo: '010-2222-3333', cardNo: '4111111111111111' }, mode: 'api' });
    }
    await page.goto(`${system.sys.pc.url}/contracts`);
    await page.fill('#grid-q', family);
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForURL(/contr=/);
    await page.locator('.summary', { hasText: /^7 contracts$/ }).waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(5);

    // A header click sorts at once, ascending; its state is announced.
    await page.click('button.sort[data-sort="contr"]');
    await page.waitForURL(/sort=contr&order=asc/);
    // (each answer replaces the rows: wait for the one expected, never read the rows of the answer before)
    await page.locator('tbody tr:first-child td:nth-child(2)', { hasText: `${family}가철수` }).waitFor();
    await expect(page.getAttribute('th:has(button[data-sort="contr"])', 'aria-sort')).resolves.toBe('ascending');
    await page.click('button.sort[data-sort="contr"]');
    await page.waitForURL(/sort=contr&order=desc/);
    await page.locator('tbody tr:first-child td:nth-child(2)', { hasText: `${family}사철수` }).waitFor();

    // The page is in the URL: Next, reload, Back.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL(/page=2/);
    await page.locator('[data-page="2"]').waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(2);
    const second = await page.locator('tbody tr td:nth-child(2)').first().textContent();
    await page.reload();
    await page.locator('[data-page="2"]').waitFor();
    await expect(page.locator('tbody tr td:nth-child(2)').first().textContent()).resolves.toBe(second);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.waitForURL((u) => !u.search.includes('page='));
    await page.locator('[data-page="1"]').waitFor();
    await page.goBack();
    await page.waitForURL(/page=2/);
    await page.locator('[data-page="2"]').waitFor();
    await expect(page.locator('tbody tr td:nth-child(2)').first().textContent()).resolves.toBe(second);
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('page=') && u.search.includes('order=desc'));
    await page.locator('[data-page="1"]').waitFor();
    await expectAgentWords(page, 'grid (en)');
    await expectAccessible(page, 'pc grid (en)');
    await screenshot(page, 'pc-grid');

    // Nothing found: said so, in Korean too.
    await page.goto(`${system.sys.pc.url}/contracts?contr=${tag()}없음`);
    await page.getByText('No contract matches this search.').waitFor();
    await setLanguage(page, 'ko');
    await page.getByText('검색 조건에 맞는 계약이 없습니다.').waitFor();
    await expectAccessible(page, 'pc grid empty (ko)');

    // Any part of a name (the middle of it), any part of a service number's digits.
    await page.goto(`${system.sys.pc.url}/contracts?contr=${encodeURIComponent(`${family.slice(2)}라철`)}`);
    await page.locator(`tbody tr`).first().waitFor();
    await expect(page.locator('tbody tr td:nth-child(2)').allTextContents()).resolves.toEqual([`${family}라철수`]);
    await page.goto(`${system.sys.pc.url}/contracts?svcNo=2222-33&contr=${encodeURIComponent(family)}`);
    await page.locator('tbody tr').first().waitFor();
    await expect(page.textContent('.summary')).resolves.toMatch(/^(7 contracts|계약 7건)$/);

    // The page size stays with the user across sign-ins.
    const again = await signedIn('pc', DEMO, '/settings');
    await expect(again.inputValue('#s-page-size')).resolves.toBe('5');
  }, 150_000);

  it('an operator drills a modify: the contract stays active with "last change rolled back: <reason>" on the grid, the detail, the history and the phone', async () => {
    const page = await signedIn('pc', OPERATOR, '/contracts/new');
    await setLanguage(page, 'en');
    await expect(page.getByTestId('role').textContent()).resolves.toMatch(/Operator/);
    const name = `Drill ${tag()}`;
    // The drill is offered to an operator where drills are allowed (the BFF says so), and the card shown in full to an operator.
    await page.locator('input[name="drill"]').waitFor();
    await submitContract(page, { fields: { contr: name, payr: 'Kim', svcNo: '02-555-0100', cardNo: '4111111111111111' }, mode: 'api' });
    const no = Number(await page.getAttribute('.success', 'data-contract'));
    await page.goto(`${system.sys.pc.url}/contracts/${no}/edit`);
    await expect(page.inputValue('#f-payr')).resolves.toBe('Kim');
    const drilled = await submitContract(page, { fields: { payr: 'Never applied' }, mode: 'event', drill: true });
    expect(drilled.state).toBe('CANCEL');
    expect(drilled.reason).toMatch(/Reason: Compensation drill/);
    await expectAgentWords(page, 'modify rolled back (en)');
    await expectAccessible(page, 'pc modify rolled back (en)');
    await page.locator('.saga').scrollIntoViewIfNeeded();
    await screenshot(page, 'pc-saga-cancel');

    await page.goto(`${system.sys.pc.url}/contracts/${no}`);
    await page.locator('[data-contract-state]').waitFor();
    await expect(page.textContent('[data-contract-state]')).resolves.toBe('Active');
    await expect(page.getAttribute('[data-last-change]', 'data-last-change')).resolves.toBe('ROLLED_BACK');
    await expect(page.textContent('[data-last-change]')).resolves.toMatch(/^Last change rolled back: Compensation drill/);
    await expect(page.textContent('[data-field="payr"] dd')).resolves.toBe('Kim');
    // History: when, who, what changed (before → after), a link to the progress.
    const entries = page.locator('tr[data-history]');
    await entries.first().waitFor();
    await expect(entries.first().locator('td').nth(0).textContent()).resolves.toMatch(/\d{4}, \d\d:\d\d$/);
    // Newest first: the drilled change, rolled back (no author: nothing of it stayed); the registration last, by the operator.
    await expect(entries.first().locator('td').nth(2).textContent()).resolves.toBe('Change (rolled back)');
    await expect(entries.last().locator('td').nth(1).textContent()).resolves.toMatch(/\S/);
    await expect(entries.last().locator('td').nth(1).textContent()).resolves.not.toBe('—');
    await expect(entries.last().locator('td').nth(2).textContent()).resolves.toBe('Registration');
    await expectAgentWords(page, 'detail after rollback (en)');
    await expectAccessible(page, 'pc detail after rollback (en)');

    await page.goto(`${system.sys.pc.url}/contracts?contr=${encodeURIComponent(name)}`);
    const row = page.locator(`tr[data-contract="${no}"]`);
    await row.waitFor();
    await expect(row.locator('[data-contract-state]').textContent()).resolves.toBe('Active');
    await expect(row.locator('[data-last-change]').getAttribute('data-last-change')).resolves.toBe('ROLLED_BACK');

    // The phone says the same: active, last change rolled back — not "cancelled".
    const phone = await signedIn('mobile', OPERATOR, `/contracts/${no}`);
    await phone.locator('[data-contract-state]').waitFor();
    await expect(phone.getAttribute('[data-contract-state]', 'data-contract-state')).resolves.toBe('ACTIVE');
    await expect(phone.getAttribute('[data-last-change]', 'data-last-change')).resolves.toBe('ROLLED_BACK');
    // Its history too: the rolled-back change on top, nothing of it changed, no author (nothing of it stayed).
    const phoneEntries = phone.locator('section.history li[data-history]');
    await phoneEntries.nth(1).waitFor();
    await expect(phoneEntries.first().getAttribute('data-outcome')).resolves.toBe('ROLLED_BACK');
    await expect(phoneEntries.first().locator('.history-kind').textContent()).resolves.toBe('변경 (되돌림)');
    await expect(phoneEntries.first().locator('[data-field]').count()).resolves.toBe(0);
    await expect(phoneEntries.first().locator('.history-author').textContent()).resolves.toBe('—');
    await expect(phoneEntries.last().locator('.history-kind').textContent()).resolves.toBe('등록');
    await expectAgentWords(phone, 'mobile detail after rollback');
    await expectAccessible(phone, 'mobile detail after rollback (ko)');
  }, 120_000);

  it('mobile in Korean and English: number keyboards, the modify form shows the current values, the detail in words, its history after the modify, my changes newest first (not another agent\'s), documents on the contract', async () => {
    const page = await signedIn('mobile', DEMO, '/contracts/new');
    await setLanguage(page, 'ko');
    await expect(page.getAttribute('#f-svcNo', 'type')).resolves.toBe('tel');
    await expect(page.getAttribute('#f-cardNo', 'inputmode')).resolves.toBe('numeric');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-contr');
    await page.locator('form.contract-form button[type="submit"]').tap();
    await expect(page.textContent('#e-payr')).resolves.toBe('필수 항목입니다');
    await expectAccessible(page, 'mobile register (errors, ko)');
    expect(await smallTouchTargets(page)).toEqual([]);
    const name = `이모바일 ${tag()}`;
    await submitContract(page, { fields: { contr: name, payr: '이납부', svcNo: '010-5555-0100', cardNo: '5500 0000 0000 0004', saler: '부산 지점' }, mode: 'api' });
    expect(await inViewport(page, '.success')).toBe(true);
    const no = Number(await page.getAttribute('.success', 'data-contract'));
    await screenshot(page, 'mobile-register');

    await page.locator('.success a').tap();
    await page.locator('li[data-part]').nth(2).waitFor();
    await expect(page.textContent('[data-contract-state]')).resolves.toBe('정상');
    for (const part of ['ppon', 'inetaplca', 'intelnet']) await expect(page.locator(`li[data-part="${part}"]`).textContent()).resolves.toMatch(/\d+번 · 완료$/);
    await expectAgentWords(page, 'mobile detail (ko)');
    await expectAccessible(page, 'mobile detail (ko)');
    expect(await smallTouchTargets(page)).toEqual([]);

    // The modify form has every current value (the card as the BFF shows it: masked).
    await page.locator('[data-action="modify"]').tap();
    await page.locator('#f-contr').waitFor();
    await expect(page.inputValue('#f-contr')).resolves.toBe(name);
    await expect(page.inputValue('#f-payr')).resolves.toBe('이납부');
    await expect(page.inputValue('#f-svcNo')).resolves.toBe('010-5555-0100');
    await expect(page.inputValue('#f-cardNo')).resolves.toBe('************0004');
    await expect(page.inputValue('#f-saler')).resolves.toBe('부산 지점');
    await setLanguage(page, 'en');
    await expectAccessible(page, 'mobile modify (en)');
    const modified = await submitContract(page, { fields: { saler: 'Busan', cardNo: '4111 1111 1111 1111' }, mode: 'event' });
    expect(modified.state).toBe('END');
    const reference = await page.textContent('.saga code');
    expect(reference).toMatch(/\S/);
    await expectAgentWords(page, 'mobile modify done (en)');
    await page.locator('.saga').scrollIntoViewIfNeeded();
    await screenshot(page, 'mobile-modify-progress');

    // Back on the detail, its history: newest first, the change (when, who, each field from what to
    // what, the card masked, the reference the progress showed) above the registration; in both languages.
    await page.locator('.success a').tap();
    await page.waitForURL(`${system.sys.mobile.url}/contracts/${no}`);
    const history = page.locator('section.history');
    const entries = history.locator('li[data-history]');
    await entries.nth(1).waitFor();
    await expect(entries.count()).resolves.toBe(2);
    const change = entries.first();
    const changesOf = (entry: typeof change) => entry.locator('[data-field]').evaluateAll((rows) => rows.map((r) => `${r.querySelector('dt')?.textContent}: ${r.querySelector('dd')?.textContent}`));
    await expect(change.locator('.history-kind').textContent()).resolves.toBe('Change');
    await expect(change.locator('time').textContent()).resolves.toMatch(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d$/);
    await expect(change.locator('.history-author').textContent()).resolves.toBe('Demo User');
    await expect(changesOf(change)).resolves.toEqual([
      'Card number: ************0004 → ************1111',
      'Seller: 부산 지점 → Busan',
    ]);
    await expect(change.locator('.saga-ref code').textContent()).resolves.toBe(reference);
    await expect(entries.last().locator('.history-kind').textContent()).resolves.toBe('Registration');
    await expect(entries.last().locator('[data-field]').count()).resolves.toBe(0);
    const visible = await page.evaluate(() => document.body.innerText);
    expect(visible).not.toMatch(/5500\s?0000\s?0000\s?0004|4111\s?1111\s?1111\s?1111/);
    await expectAgentWords(page, 'mobile detail with history (en)');
    await expectAccessible(page, 'mobile detail with history (en)');
    expect(await smallTouchTargets(page)).toEqual([]);
    await setLanguage(page, 'ko');
    await expect(history.locator('h2').textContent()).resolves.toBe('이력');
    await expect(change.locator('.history-kind').textContent()).resolves.toBe('변경');
    await expect(change.locator('time').textContent()).resolves.toMatch(/^\d{4}\. \d{1,2}\. \d{1,2}\. (오전|오후) \d{1,2}:\d\d$/);
    await expect(changesOf(change)).resolves.toEqual([
      '카드 번호: ************0004 → ************1111',
      '판매자: 부산 지점 → Busan',
    ]);
    await expect(entries.last().locator('.history-kind').textContent()).resolves.toBe('등록');
    await expectAgentWords(page, 'mobile detail with history (ko)');
    await expectAccessible(page, 'mobile detail with history (ko)');

    // My changes, from the menu: this contract's change above its registration, newest first, in
    // words; another agent's change, made after both, is not there (MS1 lists an agent's own).
    const kim = await system.sys.login(system.sys.mobile, KIM);
    const theirs = await kim.post('/api/contracts').set('X-CSRF', '1').send({ contract: { contr: `김다른 ${tag()}`, payr: '김다른', svcNo: '010-5555-0101', cardNo: '4111111111111111' }, mode: 'api' });
    expect(theirs.status).toBe(201);
    await page.locator('[data-menu="sagas"]').tap();
    await page.waitForURL(`${system.sys.mobile.url}/sagas`);
    const sagaCards = page.locator('li[data-saga]');
    await sagaCards.nth(1).waitFor();
    await setLanguage(page, 'en');
    const cardWords = (card: typeof change) => card.evaluate((li) => [li.querySelector('.saga-kind')?.textContent, li.querySelector('.saga-state-text')?.textContent, li.querySelector('[data-action="contract"]')?.textContent]);
    await expect(sagaCards.first().getAttribute('data-saga')).resolves.toBe(reference);
    await expect(cardWords(sagaCards.first())).resolves.toEqual(['Change', 'Completed', `Contract ${no}`]);
    await expect(cardWords(sagaCards.nth(1))).resolves.toEqual(['Registration', 'Completed', `Contract ${no}`]);
    await expect(sagaCards.first().locator('time').textContent()).resolves.toMatch(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d$/);
    await expect(page.locator(`li[data-saga="${theirs.body.globalNo as string}"]`).count()).resolves.toBe(0);
    await expect(page.locator('[data-menu="sagas"]').getAttribute('aria-current')).resolves.toBe('page');
    await expectAgentWords(page, 'mobile my changes (en)');
    await expectAccessible(page, 'mobile my changes (en)');
    expect(await smallTouchTargets(page)).toEqual([]);
    await setLanguage(page, 'ko');
    await expect(page.textContent('#sagas-title')).resolves.toBe('내 변경');
    await expect(page.textContent('[data-menu="sagas"]')).resolves.toBe('내 변경');
    await expect(cardWords(sagaCards.first())).resolves.toEqual(['변경', '완료', `계약 ${no}`]);
    await expect(cardWords(sagaCards.nth(1))).resolves.toEqual(['등록', '완료', `계약 ${no}`]);
    await expect(sagaCards.first().locator('time').textContent()).resolves.toMatch(/^\d{4}\. \d{1,2}\. \d{1,2}\. (오전|오후) \d{1,2}:\d\d$/);
    await expectAgentWords(page, 'mobile my changes (ko)');
    await expectAccessible(page, 'mobile my changes (ko)');
    expect(await smallTouchTargets(page)).toEqual([]);
    await screenshot(page, 'mobile-sagas');

    // A card's progress: the change's steps and outcome, in the card, the reference in the URL.
    await sagaCards.first().locator('[data-action="progress"]').tap();
    await page.waitForURL(`${system.sys.mobile.url}/sagas?globalNo=${encodeURIComponent(reference!)}`);
    const followed = sagaCards.first().locator('.saga-state[data-done="true"]');
    await followed.waitFor();
    await expect(followed.textContent()).resolves.toBe('완료');
    await expect(sagaCards.first().locator('.saga-steps li').count()).resolves.toBeGreaterThanOrEqual(2);
    await expect(sagaCards.first().locator('[data-action="progress"]').getAttribute('aria-expanded')).resolves.toBe('true');
    await expectAgentWords(page, 'mobile my changes, progress (ko)');
    await expectAccessible(page, 'mobile my changes, progress (ko)');
    expect(await smallTouchTargets(page)).toEqual([]);

    // By state, in the URL (Back returns to all): rolled back only — none of these two.
    await page.locator('[data-filter="CANCEL"]').tap();
    await page.waitForURL(`${system.sys.mobile.url}/sagas?state=CANCEL`);
    await page.locator('li[data-saga], .empty').first().waitFor();
    await expect(page.locator('li[data-saga]:not([data-state="CANCEL"])').count()).resolves.toBe(0);
    if ((await page.locator('li[data-saga]').count()) === 0) await expect(page.textContent('.empty')).resolves.toBe('해당하는 변경이 없습니다');
    await expect(page.locator('[data-filter="CANCEL"]').getAttribute('aria-current')).resolves.toBe('true');
    await page.goBack();
    await page.waitForURL(`${system.sys.mobile.url}/sagas?globalNo=${encodeURIComponent(reference!)}`);
    await sagaCards.nth(1).waitFor();

    // A page at a time (one card a page here): More appends the next, newest first, none twice.
    const sagaList = (u: URL) => u.pathname === '/api/sagas';
    await page.route(sagaList, (route) => route.continue({ url: route.request().url().replace('size=20', 'size=1') }));
    await page.goto(`${system.sys.mobile.url}/sagas?state=END`);
    await sagaCards.first().waitFor();
    await expect(sagaCards.count()).resolves.toBe(1);
    await page.locator('[data-action="more"]').tap();
    await sagaCards.nth(1).waitFor();
    await expect(sagaCards.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-saga')))).resolves.toEqual([reference, expect.any(String)]);
    await expect(cardWords(sagaCards.nth(1))).resolves.toEqual(['등록', '완료', `계약 ${no}`]);
    await page.unroute(sagaList);
    // A refusal says why in the user's language, never the BFF's English detail.
    await page.route(sagaList, (route) => route.fulfill({ status: 502, contentType: 'application/problem+json', body: JSON.stringify({ code: 'UPSTREAM_BAD_RESPONSE', title: 'Bad Gateway', detail: 'ppon answered 500' }) }));
    await page.locator('[data-filter="START"]').tap();
    const refused = page.locator('section[aria-labelledby="sagas-title"] [role="alert"]');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toBe('계약 시스템에서 오류가 발생했습니다. 나중에 다시 시도하세요.');
    await expect(sagaCards.count()).resolves.toBe(0);
    await expectAgentWords(page, 'mobile my changes, refused (ko)');
    await expectAccessible(page, 'mobile my changes, refused (ko)');
    await page.unroute(sagaList);
    await setLanguage(page, 'en');

    // Cards: the search keeps its text; state in words.
    await page.locator('[data-menu="contracts"]').tap();
    await page.fill('#home-q', name.slice(5));
    await page.locator('form[role="search"] button').tap();
    await page.locator(`.card[data-contract="${no}"]`).waitFor();
    await expect(page.inputValue('#home-q')).resolves.toBe(name.slice(5));
    await expect(page.locator(`.card[data-contract="${no}"] [data-contract-state]`).textContent()).resolves.toBe('Active');
    await expectAgentWords(page, 'mobile cards (en)');
    await expectAccessible(page, 'mobile cards (en)');
    await setLanguage(page, 'ko');
    await expectAccessible(page, 'mobile cards (ko)');
    await screenshot(page, 'mobile-cards');

    // Documents on the contract, from the phone (a photo).
    await page.locator(`.card[data-contract="${no}"] a`).tap();
    const docs = page.locator(`section[data-documents="/api/contracts/${no}/documents"]`);
    await docs.locator('.photo-input').setInputFiles({ name: '현장.png', mimeType: 'image/png', buffer: tinyPng() });
    await docs.locator('.file-list li', { hasText: '현장.png' }).waitFor();
    await expectAccessible(page, 'mobile detail with documents (ko)');
    await screenshot(page, 'mobile-detail');
  }, 120_000);

  it('a viewer sees no Register on either app and roles in words; an agent sees no drill', async () => {
    const pc = await signedIn('pc', VIEWER, '/contracts');
    await pc.locator('nav.side a[data-menu]').first().waitFor();
    await expect(pc.locator('[data-menu="contracts.register"]').count()).resolves.toBe(0);
    await expect(pc.locator('[data-action="register"]').count()).resolves.toBe(0);
    await expect(pc.getByTestId('role').textContent()).resolves.toBe('권한: 조회자');
    await expectAccessible(pc, 'pc grid (viewer, ko)');
    // A contract's documents: a viewer reads the list, attaches nothing (the earlier tests made the contracts).
    await pc.locator('tbody tr a').first().click();
    await pc.locator('section[data-documents^="/api/contracts/"]').waitFor();
    await expect(pc.locator('section[data-documents^="/api/contracts/"] .file-input').count()).resolves.toBe(0);
    await expect(pc.locator('[data-action="modify"]').count()).resolves.toBe(0);
    const mobile = await signedIn('mobile', VIEWER, '/contracts');
    await mobile.locator('#cards-title').waitFor();
    await expect(mobile.locator('[data-action="register"]').count()).resolves.toBe(0);
    await expect(mobile.getByTestId('role').textContent()).resolves.toBe('조회자');

    const agent = await signedIn('pc', DEMO, '/contracts/new');
    await agent.locator('#f-contr').waitFor();
    await expect(agent.locator('input[name="drill"]').count()).resolves.toBe(0);
  }, 90_000);
});

/** A real 1×1 PNG (the BFF checks a file's first bytes against its kind). */
function tinyPng(): Buffer {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
}
