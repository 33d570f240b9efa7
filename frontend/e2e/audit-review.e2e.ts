/**
 * The audit-trail review of a month, as the reviewer does it (issue 20): the GOA1 Approver opens
 * the review of last month for GOA1 (the demo wrote a crate changed at night, a shelf's capacity
 * changed and a burst of failed sign-ins into that month), acknowledges each flag with a comment
 * and raises the failed sign-ins as a finding, then signs the month (REVIEWED), seeing what the
 * signature covers; the review shows the signature, and the coverage report shows the month
 * reviewed by them.
 */
import { resolve } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FRONTEND_DIR } from './backend';
import { launch, signIn, type Session } from './browser';

const SCREENSHOTS = resolve(FRONTEND_DIR, '..', 'docs', 'screenshots');

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const LIVE = { timeout: 15_000 };

function lastMonth(): string {
  const today = new Date();
  const year = today.getUTCMonth() === 0 ? today.getUTCFullYear() - 1 : today.getUTCFullYear();
  const month = today.getUTCMonth() === 0 ? 12 : today.getUTCMonth();
  return `${String(year)}-${String(month).padStart(2, '0')}`;
}

describe('a reviewer works through a month of the audit trail and signs it', () => {
  let browser: Browser;
  let reviewer: Session;

  beforeAll(async () => {
    browser = await launch();
    reviewer = await signIn(browser, baseUrl, 'goa1-approver', password);
  });

  afterAll(async () => {
    await browser.close();
  });

  it('opens the review, decides every flag and signs the month', async () => {
    const { page } = reviewer;
    const period = lastMonth();
    await page.getByRole('link', { name: 'Audit-trail reviews' }).click();
    await page.getByRole('heading', { name: 'Audit-trail reviews' }).waitFor();
    await page.getByRole('button', { name: 'Open review' }).click();
    const open = page.getByRole('dialog');
    await expect
      .poll(() => open.getByRole('combobox', { name: 'Month' }).inputValue())
      .toBe(period);
    await open.getByRole('button', { name: 'Open review' }).click();
    await page.getByRole('heading', { name: `Audit-trail review GOA1 ${period}` }).waitFor(LIVE);

    const flags = page.getByRole('article');
    await flags.first().waitFor();
    const count = await flags.count();
    expect(count).toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign as reviewed' }).isDisabled())
      .toBe(true);
    const burst = page.getByRole('article', { name: /^Burst of failed logins/ });
    await burst
      .getByLabel(/^Comment/)
      .fill('Viewer locked out; identity checked by IT (INC-4411).');
    await burst.getByRole('button', { name: 'Raise finding' }).click();
    await burst.getByLabel(/^Comment/).waitFor({ state: 'detached', ...LIVE });
    expect(await burst.textContent()).toContain('Finding by');
    const acknowledge = page.getByRole('button', { name: 'Acknowledge' });
    let remaining = await acknowledge.count();
    while (remaining > 0) {
      const flag = page.getByRole('article').filter({ has: acknowledge }).first();
      await flag.getByLabel(/^Comment/).fill('Expected: planned work, checked with the unit.');
      await flag.getByRole('button', { name: 'Acknowledge' }).click();
      const left = remaining - 1;
      await expect.poll(() => acknowledge.count(), LIVE).toBe(left);
      remaining = left;
    }
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign as reviewed' }).isEnabled(), LIVE)
      .toBe(true);

    await page.getByRole('button', { name: 'Sign as reviewed' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Your password').waitFor();
    const what = dialog.getByRole('group', { name: 'What you sign' });
    expect(await what.textContent()).toContain(`Audit trail of GOA1 for ${period}`);
    expect(await what.getByRole('listitem').count()).toBe(count);
    expect(await dialog.getByTestId('signature-meaning').textContent()).toContain(
      'Audit trail reviewed',
    );
    const userId = dialog.getByLabel(/^User ID/);
    if ((await userId.count()) > 0) {
      await userId.fill('goa1-approver');
    }
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Sign and review' }).click();
    await dialog.waitFor({ state: 'detached', ...LIVE });
    const signatures = page.getByRole('table', { name: 'Signatures' });
    await signatures.getByText('Audit trail reviewed').waitFor(LIVE);
    expect(await signatures.textContent()).toContain('Valid');
    // The README's screenshot.
    await page.screenshot({ path: resolve(SCREENSHOTS, 'audit-review.png'), fullPage: true });

    await page.getByRole('link', { name: '← Audit-trail reviews' }).click();
    await page.getByRole('link', { name: 'Coverage' }).click();
    const row = page.getByTestId(`coverage-GOA1-${period}`);
    await row.waitFor(LIVE);
    expect(await row.textContent()).toContain('Reviewed');
    expect(await row.textContent()).toContain('Audit trail reviewed');
  });
});
