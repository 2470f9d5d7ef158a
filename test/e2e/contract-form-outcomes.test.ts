/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { useScreensInBrowser } from './support/screens-in-browser';
import { signInAtSso } from './support/screen-checks';
import { developerWords } from './support/agent-checks';
import { DEMO, expectSsoLoginPage, submitContract } from './support/flows';

const describeInBrowser = describe; // no Chromium fails the run, never skips it (test/support/no-skip-reporter.js)
jest.setTimeout(180_000);

const OPERATOR = { username: 'ops', password: 'ops1234' };
const tag = () => randomBytes(3).toString('hex');
const CARD = '4111 1111 1111 1111';

/**
 * What the contract form tells an agent when the outcome is not the simple one: a saga that
 * outlives its progress stream (a hung participant), a session that ended while the form was
 * filled, and a change that sets a field back. Real Chromium, the real BFFs, SSO and services.
 */
describeInBrowser('the contract form tells the agent the real outcome (Chromium, both BFFs, the three services)', () => {
  // A progress stream gives up after 3 s (60 s by default): the hung saga outlives several.
  const live = useScreensInBrowser('form-outcomes', { SAGA_EVENTS_MAX_MS: '3000' });

  const newContext = async (app: 'pc' | 'mobile') => {
    const context = await live.browser.newContext({ locale: 'ko-KR', ...(app === 'mobile' ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } }) });
    live.contexts.push(context);
    return context;
  };
  const signedInContexts = new Set<BrowserContext>();
  /** A page on `start`, signed in as `who`; a second page of the same context shares its session. */
  const signedIn = async (app: 'pc' | 'mobile', who: { username: string; password: string }, start: string, given?: BrowserContext) => {
    const context = given ?? (await newContext(app));
    const page = await context.newPage();
    live.debugPage = page;
    const base = live.system.sys[app].url;
    await page.goto(`${base}${start}`);
    if (!signedInContexts.has(context)) {
      await expectSsoLoginPage(page, live.system.sys.sso.issuer);
      await signInAtSso(page, who);
      signedInContexts.add(context);
    }
    await page.waitForURL(`${base}${start}`);
    await page.locator('#f-contr').waitFor();
    return page;
  };
  const fill = async (page: Page, fields: Record<string, string>) => {
    for (const [name, value] of Object.entries(fields)) await page.fill(`#f-${name}`, value);
  };
  const valuesOf = (page: Page) => page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLInputElement>('form.contract-form input[id^="f-"]')).map((i) => [i.name, i.value])));
  const press = async (page: Page, mode: 'api' | 'event') => {
    await page.check(`input[name="mode"][value="${mode}"]`);
    await page.click('form.contract-form button[type="submit"]');
  };
  const expectNoDeveloperWords = async (page: Page, screen: string) => expect({ screen, words: await developerWords(page) }).toEqual({ screen, words: [] });

  /** A session-ended browser's way through the SSO (still signed in there, or asked again) back to the screen it left. */
  const throughSignIn = async (page: Page) => {
    await page.waitForURL((u) => u.toString().startsWith(live.system.sys.sso.issuer), { timeout: 20_000 }).catch(() => undefined);
    if (await page.locator('input[name="password"]').count()) await signInAtSso(page, DEMO);
  };
  /** The register POSTs the page sends, as they go. */
  const contractPosts = (page: Page) => {
    const posts: Request[] = [];
    page.on('request', (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/contracts' && posts.push(r));
    return posts;
  };
  /** Everything the tab keeps in sessionStorage, as one text. */
  const storedInTab = (page: Page) => page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(sessionStorage))));

  it('a hung participant: the box says the saga still runs (with a link), keeps following it to the rollback, and the input stays for the retry', async () => {
    const context = await newContext('pc');
    const page = await signedIn('pc', DEMO, '/contracts/new', context);
    const fields = { contr: `한지민 ${tag()}`, payr: '한지민', svcNo: '010-2222-3333', cardNo: CARD, saler: '종로 지점' };
    await fill(page, fields);
    // intelnet hangs: its consumers are gone, and its port takes calls and never answers, until it is started again.
    const intelnetPort = new URL(live.system.services.intelnet.url).port;
    await live.system.services.stop('intelnet');
    const held = new Set<Socket>();
    const hung = createServer((socket) => held.add(socket)).listen(Number(intelnetPort));
    let stopped = true;
    const startIntelnet = async () => {
      if (!stopped) return;
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
      await live.system.services.start('intelnet', { PORT: intelnetPort });
      stopped = false;
    };
    try {
      await press(page, 'event');
      await page.locator('.saga code').waitFor();
      const globalNo = (await page.locator('.saga code').textContent())!;

      // Well past a stream's end (3 s), twice: the box is not final, says so plainly and links the progress screen.
      await page.waitForTimeout(7_000);
      const still = page.locator('.saga-still');
      await still.waitFor({ timeout: 10_000 });
      await expect(page.locator('.saga-state').getAttribute('data-done')).resolves.toBe('false');
      await expect(still.textContent()).resolves.toContain('아직 처리 중입니다');
      await expect(still.locator('a').getAttribute('href')).resolves.toBe(`/sagas?globalNo=${encodeURIComponent(globalNo)}`);
      // The agent's input is still there; a second press cannot start another registration meanwhile.
      expect(await valuesOf(page)).toEqual(fields);
      await expect(page.locator('form.contract-form button[type="submit"]').isDisabled()).resolves.toBe(true);

      // API mode in another tab of the same session: MS1 (or the BFF's wait for it) times out while undoing: no outcome either.
      const apiPage = await signedIn('pc', DEMO, '/contracts/new', context);
      await fill(apiPage, { ...fields, contr: `한지민 ${tag()}` });
      await press(apiPage, 'api');
      await apiPage.locator('.saga-still').waitFor({ timeout: 60_000 });
      await expect(apiPage.locator('.saga-state').getAttribute('data-done')).resolves.toBe('false');
      await expectNoDeveloperWords(apiPage, 'api mode, still running');

      // intelnet is back (same port): both sagas end rolled back, and the boxes say so with the reason.
      await startIntelnet();
      for (const p of [page, apiPage]) {
        const done = p.locator('.saga-state[data-done="true"]');
        await done.waitFor({ timeout: 60_000 });
        await expect(done.getAttribute('data-state')).resolves.toBe('CANCEL');
        await expect(done.textContent()).resolves.toMatch(/^되돌림 — 사유: .+/);
        await expect(p.locator('.saga-still').count()).resolves.toBe(0);
      }
      await expectNoDeveloperWords(page, 'event mode, rolled back');
      // Rolled back: the input is kept, and the same press registers it now.
      expect(await valuesOf(page)).toEqual(fields);
      const result = await submitContract(page, { mode: 'event' });
      expect(result.state).toBe('END');
      await page.locator('p.success').waitFor();
      expect(Object.values(await valuesOf(page)).every((v) => v === '')).toBe(true);
    } finally {
      await startIntelnet(); // the next tests need it, whatever happened here
    }
  });

  it('a session that ends while the form is filled: nothing is registered, the screen says so and the input (but the card number) is back', async () => {
    const page = await signedIn('pc', DEMO, '/contracts/new');
    const posts = contractPosts(page);
    const fields = { contr: `서강준 ${tag()}`, payr: '서강준', svcNo: '010-4444-5555', cardNo: CARD, saler: '마포 지점' };
    await fill(page, fields);
    await page.context().clearCookies({ name: 'bff.pc.sid' });
    await press(page, 'api');
    await throughSignIn(page);
    await page.waitForURL(`${live.system.sys.pc.url}/contracts/new`, { timeout: 20_000 });
    const note = page.locator('.draft-restored');
    await note.waitFor({ timeout: 20_000 });
    await expect(note.textContent()).resolves.toContain('세션이 끝나 계약이 등록되지 않았습니다');
    await expect(note.textContent()).resolves.toContain('카드 번호');
    expect(await valuesOf(page)).toEqual({ ...fields, cardNo: '' });
    // The card number never went to storage.
    expect(await storedInTab(page)).not.toContain('4111');
    expect(posts).toHaveLength(1); // the refused one
    await expectNoDeveloperWords(page, 'draft restored');

    // The agent types the card again and registers; a reload afterwards shows an empty form, no old note.
    const result = await submitContract(page, { fields: { cardNo: CARD }, mode: 'api' });
    expect(result.state).toBe('END');
    await expect(note.count()).resolves.toBe(0);
    await page.reload();
    await page.locator('#f-contr').waitFor();
    await expect(page.locator('.draft-restored').count()).resolves.toBe(0);
    expect(Object.values(await valuesOf(page)).every((v) => v === '')).toBe(true);
  });

  it('a session that ends while the agent is still typing (the session clock notices): the input is back after sign-in, nothing was sent', async () => {
    const page = await signedIn('pc', DEMO, '/contracts/new');
    const posts = contractPosts(page);
    const fields = { contr: `한가인 ${tag()}`, payr: '한가인', svcNo: '010-2323-4545', cardNo: CARD, saler: '종로 지점' };
    await fill(page, fields);
    await page.context().clearCookies({ name: 'bff.pc.sid' });
    // The session clock looks again when the tab comes back into view (and every 10 s): it finds the session over.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await throughSignIn(page);
    await page.waitForURL(`${live.system.sys.pc.url}/contracts/new`, { timeout: 20_000 });
    const note = page.locator('.draft-restored');
    await note.waitFor({ timeout: 20_000 });
    await expect(note.textContent()).resolves.toContain('세션이 끝나 계약이 등록되지 않았습니다');
    expect(await valuesOf(page)).toEqual({ ...fields, cardNo: '' });
    expect(posts).toHaveLength(0);
    expect(await storedInTab(page)).not.toContain('4111');
  });

  it('the same on the phone’s modify form: the change is kept and the screen says it was not made', async () => {
    const page = await signedIn('mobile', DEMO, '/contracts/new');
    await submitContract(page, { fields: { contr: `윤아 ${tag()}`, payr: '윤아', svcNo: '010-6666-7777', cardNo: CARD }, mode: 'api' });
    const no = await page.locator('p.success').getAttribute('data-contract');
    await page.goto(`${live.system.sys.mobile.url}/contracts/${no}/edit`);
    await page.locator('#f-payr').waitFor();
    await page.fill('#f-payr', '윤아 어머니');
    await page.context().clearCookies({ name: 'bff.mobile.sid' });
    await press(page, 'api');
    await throughSignIn(page);
    await page.waitForURL(`${live.system.sys.mobile.url}/contracts/${no}/edit`, { timeout: 20_000 });
    const note = page.locator('.draft-restored');
    await note.waitFor({ timeout: 20_000 });
    await expect(note.textContent()).resolves.toContain('세션이 끝나 계약이 변경되지 않았습니다');
    await expect(page.inputValue('#f-payr')).resolves.toBe('윤아 어머니');
    await expect(page.inputValue('#f-cardNo')).resolves.toMatch(/^\*+1111$/); // the saved, masked card: untouched
    const result = await submitContract(page, { mode: 'api' });
    expect(result.state).toBe('END');
  });

  it('modify: setting a field back is a change, an untouched form says nothing changed, a failed step reads as failed only, the drill box resets', async () => {
    const page = await signedIn('pc', OPERATOR, '/contracts/new');
    const puts: string[] = [];
    page.on('request', (r) => r.method() === 'PUT' && puts.push(r.postData() ?? ''));
    await submitContract(page, { fields: { contr: `이도현 ${tag()}`, payr: '납부자A', svcNo: '010-8888-9999', cardNo: CARD }, mode: 'api' });
    const no = await page.locator('p.success').getAttribute('data-contract');
    await page.click('p.success a');
    await page.click('a[data-action="modify"]');
    await page.locator('#f-payr').waitFor();

    // A compensation drill: the failed step reads as failed, once; the drill box is clear afterwards.
    const drilled = await submitContract(page, { fields: { saler: '훈련 지점' }, mode: 'event', drill: true });
    expect(drilled.state).toBe('CANCEL');
    const failedSteps = await page.locator('.saga-steps li.failed').allInnerTexts();
    expect(failedSteps.length).toBeGreaterThan(0);
    for (const text of failedSteps) expect({ text, done: /됨|✔/.test(text), failed: text.includes('실패') }).toEqual({ text, done: false, failed: true });
    await expect(page.isChecked('input[name="drill"]')).resolves.toBe(false);

    // A → B, then B → A without a reload: both are changes the services make.
    await page.fill('#f-saler', '');
    expect((await submitContract(page, { fields: { payr: '납부자B' }, mode: 'api' })).state).toBe('END');
    expect((await submitContract(page, { fields: { payr: '납부자A' }, mode: 'event' })).state).toBe('END');
    expect(JSON.parse(puts.at(-1)!).contract).toEqual({ payr: '납부자A' });
    await expect(page.locator('.form-error').count()).resolves.toBe(0);

    // Nothing changed since: said plainly, no request sent, no field marked.
    const sent = puts.length;
    await page.click('form.contract-form button[type="submit"]');
    const notice = page.locator('.form-note');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toBe('변경된 내용이 없습니다.');
    await expect(page.locator('.field-error').count()).resolves.toBe(0);
    expect(puts).toHaveLength(sent);
    // The detail shows the contract as saved.
    await page.goto(`${live.system.sys.pc.url}/contracts/${no}`);
    await expect(page.locator('[data-field="payr"] dd').textContent()).resolves.toBe('납부자A');
  });
});
