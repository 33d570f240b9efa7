/**
 * Issue 18, items 1 and 5: a rule approved changes the forecast, through the browser against
 * the real backend. A crate of reports is filed through the API without retention dates, so the
 * starter rule RPT-PREP+7Y dates it (seven years from preparation: 15 months ahead). A Document
 * Manager drafts the rule's next version with one year less on the rule page; the QA Approver
 * of every unit (the rule has no unit, so a unit's approver may not) approves it through the
 * signature dialog (a wrong password first: refused, nothing changes),
 * seeing exactly what is signed and then the recomputation's counts. The crate's destroy-after
 * date moves to 3 months ahead, and so does the forecast: the crates behind its figures (the
 * crate counted in the new month, no longer in the old one) and the forecast screen's figure.
 *
 * Only the reports' retention changes: the demo's reports were prepared in 2015, so their new
 * dates are past, as their typed ones already were or will be sooner — no crate of the demo
 * leaves eligibility for destruction (other specs destroy such crates).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { launch, signIn, type Session } from './browser';
import { apiClient, fileCrate, goa1Department } from './flows';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const api = apiClient(baseUrl, password);
const LIVE = { timeout: 15_000 };
const CODE = 'RPT-PREP+7Y';

interface Paged<T> {
  results: T[];
}
interface Rule {
  id: number;
  code: string;
  revision: number;
  status: string;
  period_years: number;
  period_months: number;
  version: number;
}
interface ForecastBody {
  rows: { period_start: string; unit_code: string; department_code: string; crates: number }[];
}

const iso = (day: Date) => day.toISOString().slice(0, 10);

function addYears(day: Date, years: number): Date {
  return new Date(Date.UTC(day.getUTCFullYear() + years, day.getUTCMonth(), day.getUTCDate()));
}

/** Goes to `path` inside the single-page app, as a link would (no reload, no new sign-in). */
async function visit(page: Page, path: string): Promise<void> {
  await page.evaluate((target) => {
    window.history.pushState({}, '', target);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** A GOA1 crate of two reports prepared on `prepared`, filed with no retention date given. */
async function fileReports(
  prepared: Date,
): Promise<{ id: number; code: string; department: string }> {
  const department = await goa1Department(api);
  const stamp = Date.now().toString(36).toUpperCase();
  const allocated = await fileCrate(api, password, {
    department: department.id,
    purpose: 'Archive reports (retention schedule e2e)',
    documents: [1, 2].map((n) => ({
      number: `RR-${stamp}-${String(n)}`,
      title: `Schedule report ${String(n)}`,
      doc_type: 'RPT',
      prepared_on: iso(prepared),
    })),
  });
  expect(allocated.status).toBe('COMPLETED');
  const crate = await api.get<{ code: string }>(
    'goa1-manager',
    `/api/v1/crates/${String(allocated.crate)}/`,
  );
  return { id: allocated.crate, code: crate.code, department: department.code };
}

function destroyAfter(crate: number): Promise<string | null> {
  return api
    .get<{ destroy_after: string | null }>('goa1-manager', `/api/v1/crates/${String(crate)}/`)
    .then((body) => body.destroy_after);
}

function monthOf(day: Date): { start: string; end: string } {
  const end = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0));
  return { start: `${iso(day).slice(0, 7)}-01`, end: iso(end) };
}

/** The forecast's crates in GOA1/`department` for the month of `day`. */
async function forecastCrates(day: Date, department: string): Promise<number> {
  const forecast = await api.get<ForecastBody>('goa1-manager', '/api/v1/retention/forecast/');
  const { start } = monthOf(day);
  return forecast.rows
    .filter(
      (r) => r.period_start === start && r.unit_code === 'GOA1' && r.department_code === department,
    )
    .reduce((sum, r) => sum + r.crates, 0);
}

/** Whether the crate is among those the forecast counts in the month of `day`. */
async function countedIn(day: Date, code: string): Promise<boolean> {
  const { start, end } = monthOf(day);
  const listed = await api.get<Paged<{ code: string }>>(
    'goa1-manager',
    `/api/v1/retention/eligible-crates/?on=${end}&period_start=${start}&period_end=${end}&search=${encodeURIComponent(code)}`,
  );
  return listed.results.some((row) => row.code === code);
}

describe('retention schedule', () => {
  let browser: Browser;
  let manager: Session;
  let approver: Session;

  beforeAll(async () => {
    browser = await launch();
    manager = await signIn(browser, baseUrl, 'goa1-manager', password);
    // RPT-PREP+7Y has no unit: it governs every unit, and an approver of every unit signs it.
    approver = await signIn(browser, baseUrl, 'qa-approver', password);
  });

  afterAll(async () => {
    await browser.close();
  });

  it('a new version of a starter rule, approved with a signature, moves the forecast', async () => {
    const rules = await api.get<Paged<Rule>>(
      'goa1-manager',
      `/api/v1/retention-rules/?code=${encodeURIComponent(CODE)}&status=APPROVED`,
    );
    const current = rules.results[0];
    if (current?.period_months !== 0 || current.period_years < 2) {
      throw new Error(`The demo has no approved ${CODE} in whole years`);
    }
    const years = current.period_years - 1;
    // Dated by the rule now: 15 months ahead; by the new version: 3 months ahead.
    const now = new Date();
    const soon = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 15));
    const prepared = addYears(soon, -years);
    const later = addYears(prepared, current.period_years);
    const crate = await fileReports(prepared);
    expect(await destroyAfter(crate.id)).toBe(iso(later));
    expect(await countedIn(later, crate.code)).toBe(true);
    expect(await countedIn(soon, crate.code)).toBe(false);

    // The Document Manager drafts the next version from the schedule.
    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'Retention schedule' }).click();
    await page.getByRole('heading', { level: 1, name: 'Retention schedule' }).waitFor();
    await page
      .getByRole('table', { name: 'Retention rules' })
      .getByRole('link', { name: CODE })
      .click();
    await page.getByRole('link', { name: 'Edit (new version)' }).click();
    await page
      .getByText(`Saving drafts version ${String(current.revision + 1)} of ${CODE}`)
      .waitFor();
    await page.getByLabel(/^Period: years/).fill(String(years));
    await page.getByRole('button', { name: 'Save as new draft version' }).click();
    await page.getByTestId('rule-status').getByText('Draft').waitFor(LIVE);
    const draftPath = new URL(page.url()).pathname;
    expect(draftPath).toMatch(/^\/retention\/rules\/\d+$/);
    // The drafter does not approve their own draft.
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // The QA Approver signs it: what is signed is on the dialog; a wrong password changes nothing.
    const signer = approver.page;
    await signer.getByRole('navigation').getByRole('link', { name: 'Rules to approve' }).click();
    await signer.getByRole('heading', { level: 1, name: 'Retention schedule' }).waitFor();
    await visit(signer, draftPath);
    await signer
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Approve' })
      .click();
    const dialog = signer.getByRole('dialog');
    const signed = dialog.getByRole('group', { name: 'What you sign' });
    await signed.waitFor();
    const text = await signed.innerText();
    for (const part of [
      CODE,
      `version ${String(current.revision + 1)}`,
      'RPT · all units',
      'From the preparation date',
      `${String(years)} years`,
      'Destroy',
    ]) {
      expect(text).toContain(part);
    }
    expect(await dialog.getByTestId('signature-meaning').innerText()).toBe(
      'Retention rule approved',
    );
    await dialog.getByLabel(/^Reason/).fill('Annual review of the retention schedule');
    const userId = dialog.getByLabel(/^User ID/);
    if ((await userId.count()) > 0) {
      await userId.fill('qa-approver');
    }
    await dialog.getByLabel('Your password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Sign and approve' }).click();
    await dialog.getByText('Not signed — nothing was changed').waitFor(LIVE);
    expect(await destroyAfter(crate.id)).toBe(iso(later));
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Sign and approve' }).click();
    const result = signer.getByTestId('approval-result');
    await result.waitFor(LIVE);
    expect(await result.innerText()).toMatch(/\d[\d,]* documents? recomputed/);
    expect(await signer.getByTestId('rule-status').innerText()).toMatch(/approved/i);

    // The crate follows the approved version, and so does the forecast.
    expect(await destroyAfter(crate.id)).toBe(iso(soon));
    expect(await countedIn(soon, crate.code)).toBe(true);
    expect(await countedIn(later, crate.code)).toBe(false);
    const figure = await forecastCrates(soon, crate.department);
    expect(figure).toBeGreaterThanOrEqual(1);
    const approved = await api.get<Paged<Rule>>(
      'goa1-manager',
      `/api/v1/retention-rules/?code=${encodeURIComponent(CODE)}`,
    );
    expect(
      approved.results
        .map((r) => [r.revision, r.status])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual(
      expect.arrayContaining([
        [current.revision, 'SUPERSEDED'],
        [current.revision + 1, 'APPROVED'],
      ]),
    );

    // The forecast screen shows the crate in its new month.
    await signer.getByRole('navigation').getByRole('link', { name: 'Retention forecast' }).click();
    await signer.getByRole('heading', { level: 1, name: 'Retention forecast' }).waitFor(LIVE);
    const row = signer.getByTestId(
      `forecast-row-${iso(soon).slice(0, 7)}-GOA1-${crate.department}`,
    );
    await row.waitFor(LIVE);
    expect(await row.getByRole('link', { name: /becoming eligible in/ }).innerText()).toBe(
      String(figure),
    );
  });
});
