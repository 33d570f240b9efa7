/**
 * The "Done means" of issue 7: a Document Manager raises a withdrawal while an Approver's list
 * shows it without reload; the Approver approves with a signature (after a wrong password that
 * changes nothing); the Store Head issues and receives it; the requester's screen follows live;
 * a Viewer sees no action buttons. Saves the README screenshots.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FRONTEND_DIR } from './backend';
import { apiAs, launch, signIn, type Session } from './browser';
import { apiClient, freeCrateCode, sign, statusOf } from './flows';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const SCREENSHOTS = resolve(FRONTEND_DIR, '..', 'docs', 'screenshots');
const LIVE = { timeout: 15_000 };
const api = apiClient(baseUrl, password);

/** Waits until the toasts have closed themselves (they auto-close after a few seconds). */
async function waitForToastsToClose(page: Page): Promise<void> {
  const toasts = page.locator('.mantine-Notification-root');
  const deadline = Date.now() + 20_000;
  while ((await toasts.count()) > 0 && Date.now() < deadline) {
    await page.waitForTimeout(250);
  }
}

/** True when the page needs no horizontal scrolling at the current viewport. */
function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe('withdrawal, live across four browsers', () => {
  let browser: Browser;
  let manager: Session;
  let approver: Session;
  let storehead: Session;
  let requestUrl = '';
  let requestNumber = '';

  beforeAll(async () => {
    browser = await launch();
    [manager, approver, storehead] = await Promise.all([
      signIn(browser, baseUrl, 'goa1-manager', password),
      signIn(browser, baseUrl, 'goa1-approver', password),
      signIn(browser, baseUrl, 'goa1-storehead', password),
    ]);
  });

  afterAll(async () => {
    await browser.close();
  });

  it('saves the dashboard screenshot', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await approver.page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await approver.page.getByText('Pending approvals').waitFor();
    await approver.page.screenshot({ path: resolve(SCREENSHOTS, 'dashboard.png') });
  });

  it('shows a new withdrawal in the approver list without reload', async () => {
    await approver.page.getByRole('link', { name: 'Requests', exact: true }).click();
    await approver.page.getByRole('table', { name: 'Requests' }).waitFor();

    const code = await freeCrateCode(api);
    const page = manager.page;
    await page.getByRole('link', { name: 'New withdrawal' }).click();
    await page.getByLabel('Crate code or search').fill(code);
    await page.getByLabel('Crate code or search').press('Enter');
    await page.getByRole('button', { name: 'Next' }).click(); // documents: whole crate
    const returnOn = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Expected return').fill(returnOn);
    await page.getByLabel('Purpose').fill('Batch record review for an audit (e2e)');
    await page.getByRole('button', { name: 'Next' }).click();
    // The manager's first signature of this session: user ID and password.
    await page.getByLabel(/^User ID/).fill('goa1-manager');
    await page.getByLabel('Your password').fill(password);
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    const heading = page.getByRole('heading', { level: 1, name: /^REQ-/ });
    await heading.waitFor();
    requestUrl = new URL(page.url()).pathname;
    requestNumber = (await heading.innerText()).trim();
    expect(requestNumber).toMatch(/^REQ-/);
    expect(await statusOf(page)).toContain('submitted');

    // The approver never reloaded: the socket told the list to refetch.
    await approver.page.getByRole('link', { name: requestNumber }).waitFor(LIVE);
  });

  it('refuses a wrong signature password and changes nothing', async () => {
    const page = approver.page;
    await page.getByRole('link', { name: requestNumber }).click();
    await page.getByRole('heading', { name: requestNumber }).waitFor();
    // What is signed: the whole crate's documents are listed, the crate code links to the crate.
    const requestId = requestUrl.split('/').at(-1) ?? '';
    const detail = await apiAs<{ crate: number; crate_code: string }>(
      baseUrl,
      'goa1-manager',
      password,
      `/api/v1/requests/${requestId}/`,
    );
    const documents = await apiAs<{ results: { number: string }[] }>(
      baseUrl,
      'goa1-manager',
      password,
      `/api/v1/documents/?crate=${String(detail.crate)}&page_size=200`,
    );
    expect(documents.results.length).toBeGreaterThan(0);
    const listed = page.getByRole('table', { name: 'Documents of the request' });
    await listed.waitFor();
    const numbers = await listed.locator('tbody tr td:first-child').allInnerTexts();
    expect(numbers.map((n) => n.trim()).sort()).toEqual(
      documents.results.map((d) => d.number).sort(),
    );
    expect(await page.getByTestId('request-documents-summary').innerText()).toContain(
      `The whole crate ${detail.crate_code}: ${String(documents.results.length)} document`,
    );
    expect(await page.getByTestId('request-crate-link').getAttribute('href')).toBe(
      `/crates/${String(detail.crate)}`,
    );
    // Keyboard only: focus the action, Enter opens the dialog with the user ID field focused
    // (the approver's first signature of this session), Tab to the password, Enter submits,
    // Escape closes.
    await page
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Approve' })
      .focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^User ID/).waitFor();
    // The dialog names what the signature covers.
    expect(await dialog.getByRole('group', { name: 'What you sign' }).innerText()).toContain(
      `${requestNumber} · Withdrawal · crate ${detail.crate_code} · the whole crate: ` +
        `${String(documents.results.length)} document`,
    );
    // The focus starts at the first field, the reason; the user ID and password follow.
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    await page.keyboard.press('Tab');
    await page.keyboard.type('goa1-approver');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password-at-all');
    await page.keyboard.press('Enter');
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Not signed — nothing was changed');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The focus is back on the button that opened the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve');
    expect(await statusOf(page)).toContain('submitted');
    await page.reload();
    await page.getByRole('heading', { name: requestNumber }).waitFor();
    expect(await statusOf(page)).toContain('submitted');
  });

  it('approves with a signature; the requester sees it live', async () => {
    // A refused signature opened nothing: this is still the session's first.
    await sign(approver.page, 'Approve', password, { userId: 'goa1-approver' });
    await approver.page.getByTestId('request-status').getByText('Approved').waitFor(LIVE);
    await manager.page.getByTestId('request-status').getByText('Approved').waitFor(LIVE);
    await manager.page.getByText('Changed by someone else').waitFor(LIVE);
  });

  it('lets the store head issue and receive it; the requester follows live', async () => {
    const page = storehead.page;
    await page.goto(requestUrl);
    await page.getByRole('heading', { name: requestNumber }).waitFor();
    await sign(page, 'Issue', password, { userId: 'goa1-storehead' });
    await page.getByTestId('request-status').getByText('Issued').waitFor(LIVE);
    await manager.page.getByTestId('request-status').getByText('Issued').waitFor(LIVE);

    await sign(page, 'Receive return', password);
    await page.getByTestId('request-status').getByText('Completed').waitFor(LIVE);
    await manager.page.getByTestId('request-status').getByText('Completed').waitFor(LIVE);

    const timeline = manager.page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Returned to storage').waitFor(LIVE);
    // One entry per action in plain words, its signature folded in (the refused attempt is no
    // action); the raw audit events a click away.
    const entries = timeline.getByTestId('timeline-entry');
    expect(await entries.count()).toBe(4);
    const returned = entries.nth(3);
    await returned.getByText(/Signed “Received” by /).waitFor();
    expect(await returned.getByText('Valid', { exact: true }).count()).toBe(1);
    await returned.getByRole('button', { name: 'Show audit events (2)' }).click();
    await returned
      .getByRole('list', { name: 'Audit events' })
      .getByText('request.receive')
      .waitFor();
    await returned.getByRole('button', { name: 'Hide audit events' }).click();
    await waitForToastsToClose(manager.page);
    await manager.page.evaluate(() => {
      window.scrollTo(0, 0);
    });
    await manager.page.screenshot({ path: resolve(SCREENSHOTS, 'request-timeline.png') });
  });

  it('shows a viewer no action buttons and no request creation', async () => {
    const viewer = await signIn(browser, baseUrl, 'goa1-viewer', password);
    expect(await viewer.page.getByRole('link', { name: 'New withdrawal' }).count()).toBe(0);
    await viewer.page.goto(requestUrl);
    await viewer.page.getByRole('heading', { name: requestNumber }).waitFor();
    expect(
      await viewer.page.getByRole('group', { name: 'Actions' }).getByRole('button').count(),
    ).toBe(0);
    // and on a request still open, too
    await viewer.page.goto('/requests?status=SUBMITTED');
    const first = viewer.page.getByRole('table', { name: 'Requests' }).getByRole('link').first();
    await first.click();
    await viewer.page.getByTestId('request-status').waitFor();
    expect(
      await viewer.page.getByRole('group', { name: 'Actions' }).getByRole('button').count(),
    ).toBe(0);
    await viewer.context.close();
  });

  it('raises a storage request from a CSV import', async () => {
    const page = manager.page;
    await page.goto('/requests/new/storage');
    await page
      .getByLabel(/^Department/)
      .first()
      .click();
    await page.getByRole('option').first().click();
    await page.getByLabel(/^Purpose/).fill('Archive the batch records of line 3 (e2e)');
    const stamp = String(Date.now());
    const csv = [
      'number,title,doc_type,department,prepared_on,retention_until',
      `E2E-${stamp}-1,Batch record 1,BMR,,2026-01-05,2036-01-05`,
      `E2E-${stamp}-2,Line 3 logbook,LOG,,2026-02-01,permanent`,
    ].join('\n');
    await page.locator('input[type=file]').setInputFiles({
      name: 'documents.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('heading', { name: 'Documents (2)' }).waitFor();
    expect(await page.getByLabel('Document 2 retain permanently').isChecked()).toBe(true);
    await page.getByLabel(/^Your password/).fill(password);
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    await page.getByRole('heading', { level: 1, name: /^REQ-/ }).waitFor();
    expect(await statusOf(page)).toContain('submitted');
    expect(await page.getByText('Storage', { exact: true }).count()).toBeGreaterThan(0);
  });

  it('is usable on a tablet (portrait and landscape)', async () => {
    for (const viewport of [
      { width: 820, height: 1180 },
      { width: 1180, height: 820 },
    ]) {
      const tablet = await signIn(browser, baseUrl, 'goa1-approver', password, viewport);
      expect(await fitsWidth(tablet.page)).toBe(true);
      await tablet.page.goto(requestUrl);
      await tablet.page.getByRole('heading', { name: requestNumber }).waitFor();
      expect(await fitsWidth(tablet.page)).toBe(true);
      if (process.env.STRONGROOM_E2E_TABLET_SHOTS !== undefined) {
        await tablet.page.screenshot({
          path: resolve(
            process.env.STRONGROOM_E2E_TABLET_SHOTS,
            `tablet-${String(viewport.width)}.png`,
          ),
        });
      }
      await tablet.context.close();
    }
  });
});
