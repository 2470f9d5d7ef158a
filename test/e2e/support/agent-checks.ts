/// <reference lib="dom" />
import type { Page } from 'playwright-core';

/**
 * Words an agent must never read on a screen: database columns, service names, raw saga states,
 * ISO timestamps and the English developer messages the services and the BFF write in `detail`.
 */
const DEVELOPER_WORDS = [
  /\bsa[A-Z]\w*ContNo\b/, /\btransacSttus\b/, /\bprevSa\w+/, /\bglobalNo\b/, /\bdelYn\b/, /\bmkerId\b/, /\bbcbnConn\b/,
  /\bMS[123]\b/, /\bppon\b/, /\binetaplca\b/, /\bintelnet\b/, /\b(START|END|CANCEL|COMPENSATING)\b/,
  /\d{4}-\d\d-\d\dT\d\d:\d\d/, /\bcompensateYn\b/, /Too small|Too big|expected string|must be|has no such record|at most \d+ MiB/,
];

/** The developer words found in the visible text of the page (empty: none). */
export async function developerWords(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  return DEVELOPER_WORDS.flatMap((re) => {
    const m = re.exec(text);
    return m ? [`${m[0]} (in "${text.slice(Math.max(0, m.index - 30), m.index + 30).replace(/\s+/g, ' ')}")`] : [];
  });
}

/**
 * Labels and values of every `dl.fields` row: no value overlaps its label, and a value kept on one
 * line (`.nowrap`: numbers, dates) is one line high.
 */
export async function layoutFaults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const faults: string[] = [];
    for (const row of Array.from(document.querySelectorAll('dl.fields > div'))) {
      const dt = row.querySelector('dt');
      const dd = row.querySelector('dd');
      if (!dt || !dd) continue;
      const a = dt.getBoundingClientRect();
      const b = dd.getBoundingClientRect();
      const overlap = a.right > b.left + 0.5 && b.right > a.left + 0.5 && a.bottom > b.top + 0.5 && b.bottom > a.top + 0.5;
      if (overlap) faults.push(`${dt.textContent} overlaps its value`);
      const lineHeight = parseFloat(getComputedStyle(dd).lineHeight) || 20;
      if (dd.classList.contains('nowrap') && b.height > lineHeight * 1.5) faults.push(`${dt.textContent}: value wraps (${b.height}px)`);
      if (dd.scrollWidth > dd.clientWidth + 1 && getComputedStyle(dd).overflow !== 'visible') faults.push(`${dt.textContent}: value cut`);
    }
    return faults;
  });
}

/** Whether the element is inside the window (what a person sees without scrolling). */
export async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  });
}
