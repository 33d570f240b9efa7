/**
 * Issue 16 item 4 against the real backend: the storage form shows the retention a row gets by
 * its type, a refused row is marked on its own field with the server's message, nothing typed
 * is lost (the password neither), and the stored document carries the computed retention date.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { apiAs, launch, signIn, type Session } from './browser';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');

interface CrateDetail {
  documents: { number: string; retention_until: string | null; retain_permanently: boolean }[];
}

describe('the storage form says what is wrong', () => {
  let browser: Browser;
  let manager: Session;

  beforeAll(async () => {
    browser = await launch();
    manager = await signIn(browser, baseUrl, 'goa1-manager', password);
  });

  afterAll(async () => {
    await browser.close();
  });

  it('marks the refused row, keeps what was typed and files by the retention schedule', async () => {
    const page = manager.page;
    await page.goto('/requests/new/storage');
    await page
      .getByLabel(/^Department/)
      .first()
      .click();
    await page.getByRole('option').first().click();
    await page.getByLabel(/^Purpose/).fill('Archive the line 3 batch records (e2e, defaults)');
    const number = `E2E-DEF-${String(Date.now())}`;
    await page.getByLabel('Document 1 number').fill(number);
    await page.getByLabel('Document 1 title').fill('Batch record 1');
    await page.getByLabel('Document 1 prepared on').fill('2026-01-05');
    // The starter schedule governs batch records from the batch's expiry: the form says what an
    // empty field stores (pending until that date is recorded), not the type's default years.
    await page
      .getByText(
        'Schedule BMR-EXP+1Y: pending until the Batch expiry date is recorded, then 1 year after it',
      )
      .waitFor();

    // A second row repeating the number: only the server sees it.
    await page.getByRole('button', { name: 'Add document' }).click();
    await page.getByLabel('Document 2 number').fill(number);
    await page.getByLabel('Document 2 title').fill('Batch record 2');
    await page.getByLabel('Document 2 prepared on').fill('2026-01-06');
    await page.getByLabel('Document 2 retain until').fill('2031-01-06');
    const userId = page.getByLabel(/^User ID/);
    if (await userId.isVisible()) {
      await userId.fill('goa1-manager');
    }
    await page.getByLabel(/^Your password/).fill(password);
    await page.getByRole('button', { name: 'Sign and submit' }).click();

    await page.getByText('Document row 2 is not valid: see the marked fields.').waitFor();
    const second = page.getByLabel('Document 2 number');
    expect(await second.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Repeats row 1.').count()).toBe(1);
    expect(await page.getByLabel('Document 1 number').getAttribute('aria-invalid')).not.toBe(
      'true',
    );
    expect(await second.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await page.getByLabel('Document 2 title').inputValue()).toBe('Batch record 2');
    expect(await page.getByLabel(/^Your password/).inputValue()).toBe(password);

    await second.fill(`${number}-2`);
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    await page.getByRole('heading', { level: 1, name: /^REQ-/ }).waitFor();
    const requestId = /\/requests\/(\d+)/.exec(page.url())?.[1] ?? '';
    const request = await apiAs<{ crate: number }>(
      baseUrl,
      'goa1-manager',
      password,
      `/api/v1/requests/${requestId}/`,
    );
    const crate = await apiAs<CrateDetail>(
      baseUrl,
      'goa1-manager',
      password,
      `/api/v1/crates/${String(request.crate)}/`,
    );
    const stored = Object.fromEntries(crate.documents.map((d) => [d.number, d.retention_until]));
    // Row 1 waits for its batch's expiry date; row 2 keeps the date typed.
    expect(stored).toEqual({ [number]: null, [`${number}-2`]: '2031-01-06' });
  });
});
