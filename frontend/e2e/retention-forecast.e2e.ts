/**
 * Issue 18, item 3: the retention forecast against the real backend. A crate filed through the
 * API (storage request approved, a shelf allocated) with documents kept until a day three
 * months ahead appears in that month's figures as the API counts them; its count opens the
 * eligible crates of that month, where the crate is listed; both screens pass axe-core's WCAG
 * 2.1 A/AA rules at 1280×800 and 820×1180.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FRONTEND_DIR } from './backend';
import { launch, signIn, type Session } from './browser';
import { apiClient, fileCrate, goa1Department } from './flows';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const api = apiClient(baseUrl, password);
const SCREENSHOTS = resolve(FRONTEND_DIR, '..', 'docs', 'screenshots');
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_21_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const LIVE = { timeout: 15_000 };

interface ForecastBody {
  periods: { start: string; end: string; label: string; crates: number }[];
  rows: {
    period_start: string;
    unit_code: string;
    department_code: string;
    crates: number;
    documents: number;
  }[];
}

const iso = (day: Date) => day.toISOString().slice(0, 10);

/** The 15th of the month three months from now: inside the default 24-month forecast. */
function retentionDay(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 15));
}

/** A GOA1 crate in storage whose documents are kept until `until`, filed as people would. */
async function fileCrateKeptUntil(
  until: Date,
): Promise<{ id: number; code: string; department: string }> {
  const department = await goa1Department(api);
  const stamp = Date.now().toString(36).toUpperCase();
  const allocated = await fileCrate(api, password, {
    department: department.id,
    purpose: 'Archive records for the retention forecast (e2e)',
    documents: [1, 2].map((n) => ({
      number: `FC-${stamp}-${String(n)}`,
      title: `Forecast record ${String(n)}`,
      doc_type: 'BMR',
      prepared_on: '2020-01-15',
      retention_until: iso(until),
    })),
  });
  expect(allocated.status).toBe('COMPLETED');
  const crate = await api.get<{ id: number; code: string; destroy_after: string }>(
    'goa1-manager',
    `/api/v1/crates/${String(allocated.crate)}/`,
  );
  expect(crate.destroy_after).toBe(iso(until));
  return { id: crate.id, code: crate.code, department: department.code };
}

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: AXE_SCRIPT });
  }
  const violations = await page.evaluate(async (tags) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations;
  }, WCAG_21_A_AA);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

/** axe at the desktop and the tablet width; what fails, named by `screen`. */
async function accessibilityProblems(page: Page, screen: string): Promise<string[]> {
  const problems: string[] = [];
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 820, height: 1180 },
  ]) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(250); // Mantine's transitions change colours while they run
    for (const problem of await axeViolations(page)) {
      problems.push(`${screen} @ ${String(viewport.width)}: ${problem}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return problems;
}

describe('retention forecast', () => {
  let browser: Browser;
  let manager: Session;

  beforeAll(async () => {
    browser = await launch();
    manager = await signIn(browser, baseUrl, 'goa1-manager', password);
  });

  afterAll(async () => {
    await browser.close();
  });

  it("shows a filed crate in its month's figures and lists it behind the count", async () => {
    const until = retentionDay();
    const crate = await fileCrateKeptUntil(until);
    const forecast = await api.get<ForecastBody>('goa1-manager', '/api/v1/retention/forecast/');
    const month = iso(until).slice(0, 7);
    const period = forecast.periods.find((p) => p.label === month);
    const row = forecast.rows.find(
      (r) =>
        r.period_start === `${month}-01` &&
        r.unit_code === 'GOA1' &&
        r.department_code === crate.department,
    );
    expect(period).toBeDefined();
    expect(row?.crates).toBeGreaterThanOrEqual(1);

    const page = manager.page;
    await page.goto('/retention/forecast');
    await page.getByRole('heading', { level: 1, name: 'Retention forecast' }).waitFor(LIVE);
    const tableRow = page.getByTestId(`forecast-row-${month}-GOA1-${crate.department}`);
    await tableRow.waitFor(LIVE);
    const count = tableRow.getByRole('link', { name: /becoming eligible in/ });
    expect(await count.innerText()).toBe(String(row?.crates));
    expect(await page.title()).toBe('Retention forecast · Strongroom');
    // The screenshot first: the width changes of the accessibility pass start transitions.
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'retention-forecast.png') });
    const problems = await accessibilityProblems(page, 'retention forecast');

    // Quarters: the same crate, counted in its quarter (the segmented control's label is what
    // a pointer clicks; its radio input is visually hidden).
    await page
      .locator('label')
      .filter({ hasText: /^Quarter$/ })
      .click();
    await page.waitForURL(/period=quarter/);
    const quarter = `${month.slice(0, 4)}-Q${String(Math.floor((until.getUTCMonth() + 3) / 3))}`;
    await page.getByRole('rowheader', { name: quarter }).first().waitFor(LIVE);
    await page
      .locator('label')
      .filter({ hasText: /^Month$/ })
      .click();
    await tableRow.waitFor(LIVE);

    await count.click();
    await page.waitForURL(/\/retention\/eligible\?/);
    await page
      .getByRole('heading', { level: 1, name: 'Crates eligible for destruction' })
      .waitFor();
    const listed = page.getByTestId(`eligible-${crate.code}`);
    await listed.waitFor(LIVE);
    expect(await listed.innerText()).toContain(iso(until).slice(0, 4));
    const url = new URL(page.url());
    expect(url.searchParams.get('period_start')).toBe(`${month}-01`);
    expect(url.searchParams.get('on')).toBe(period?.end);
    problems.push(...(await accessibilityProblems(page, 'eligible crates')));
    expect(problems).toEqual([]);
  });
});
