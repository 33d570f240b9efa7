/**
 * Accessibility of every screen (WCAG 2.1 A and AA, checked by axe-core in chromium): each
 * route of src/app/router.tsx, signed in as the role that uses it, with real records of the
 * demo data (a crate, a location, a request of every type and status the demo has, a document
 * search with results, the audit trail, administration, an inventory audit), plus the open signature dialog, the
 * destruction wizard's crate choices and the notifications popover — each at 1280×800 and
 * 820×1180. No serious or critical violation may remain; a failure lists each one's rule,
 * elements and help. At the same widths: every page names its browser tab, no status badge is
 * cut short, and the crates table says it scrolls sideways on a tablet.
 */
import { createRequire } from 'node:module';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { apiAs, launch, signIn, type Session } from './browser';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 820, height: 1180 };
const WCAG_21_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

interface Listed<T> {
  results: T[];
}
interface RequestRow {
  id: number;
  type: string;
  status: string;
  number: string;
}
interface CrateRow {
  id: number;
  code: string;
  location: number | null;
}

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/** Problems found on every screen, reported together at the end of each test. */
const problems: string[] = [];

async function runAxe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: AXE_SCRIPT });
  }
  return page.evaluate(async (tags) => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations as AxeViolation[];
  }, WCAG_21_A_AA);
}

/** Settles the screen: its heading shown, nothing loading, transitions over. */
async function settle(page: Page): Promise<void> {
  await page.locator('h1, [role="dialog"]').first().waitFor({ timeout: 15_000 });
  await page
    .waitForFunction(
      () =>
        document.querySelector('.mantine-Loader-root, [aria-busy="true"]') === null &&
        document.querySelector('[data-state="connecting"]') === null,
      undefined,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
  // Mantine's fade and slide transitions (200 ms) change colours while they run.
  await page.waitForTimeout(250);
}

/** Runs the checks at this width and records what fails, named by `screen`. */
async function checkAt(page: Page, screen: string, width: string): Promise<void> {
  const where = `${screen} @ ${width}`;
  for (const violation of await runAxe(page)) {
    if (violation.impact !== null && BLOCKING.has(violation.impact)) {
      const targets = violation.nodes
        .slice(0, 5)
        .map((node) => `    ${JSON.stringify(node.target)}: ${node.failureSummary ?? ''}`)
        .join('\n');
      problems.push(
        `${where}: ${violation.id} (${violation.impact}) ${violation.help} ${violation.helpUrl}\n${targets}`,
      );
    }
  }
  const cutBadges = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('.mantine-Badge-root'))
      .filter((badge) => badge.scrollWidth > badge.clientWidth + 1)
      .map((badge) => badge.textContent),
  );
  if (cutBadges.length > 0) {
    problems.push(`${where}: badges cut short: ${cutBadges.join(', ')}`);
  }
  const title = await page.title();
  if (!/\S · Strongroom$/.test(title)) {
    problems.push(`${where}: the tab is named "${title}", not after the page`);
  }
}

/** Checks the screen shown at both widths (the layout reflows, no reload). */
async function checkBothWidths(page: Page, screen: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await settle(page);
  await checkAt(page, screen, '1280×800');
  await page.setViewportSize(TABLET);
  await page.waitForTimeout(150);
  await checkAt(page, screen, '820×1180');
  await page.setViewportSize(DESKTOP);
}

/** Goes to `path` inside the single-page app, as a link would (no reload, no new sign-in). */
async function visit(page: Page, path: string): Promise<void> {
  await page.evaluate((target) => {
    window.history.pushState({}, '', target);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.waitForFunction(
    (target) => window.location.pathname + window.location.search === target,
    path,
  );
}

async function checkRoutes(session: Session, routes: [string, string][]): Promise<void> {
  for (const [screen, path] of routes) {
    await visit(session.page, path);
    await checkBothWidths(session.page, screen);
  }
}

function report(): string {
  return problems.length === 0 ? '' : `\n${problems.join('\n')}\n`;
}

describe('accessibility of every screen (axe-core, WCAG 2.1 A/AA)', () => {
  let browser: Browser;
  let manager: Session;
  let approver: Session;
  let unitAdmin: Session;
  let storeHead: Session;
  let requests: RequestRow[] = [];
  let crate: CrateRow;
  let rule: { id: number; code: string };

  beforeAll(async () => {
    browser = await launch();
    [manager, approver, unitAdmin, storeHead] = await Promise.all([
      signIn(browser, baseUrl, 'goa1-manager', password),
      signIn(browser, baseUrl, 'goa1-approver', password),
      signIn(browser, baseUrl, 'goa1-unitadmin', password),
      signIn(browser, baseUrl, 'goa1-storehead', password),
    ]);
    requests = (
      await apiAs<Listed<RequestRow>>(
        baseUrl,
        'goa1-manager',
        password,
        '/api/v1/requests/?page_size=100',
      )
    ).results;
    const crates = await apiAs<Listed<CrateRow>>(
      baseUrl,
      'goa1-manager',
      password,
      '/api/v1/crates/?status=IN_STORAGE&page_size=5',
    );
    const first = crates.results.find((row) => row.location !== null);
    if (first === undefined) {
      throw new Error('The demo data has no crate on a shelf');
    }
    crate = first;
    const rules = await apiAs<Listed<{ id: number; code: string }>>(
      baseUrl,
      'goa1-manager',
      password,
      '/api/v1/retention-rules/?status=APPROVED&page_size=5',
    );
    const firstRule = rules.results[0];
    if (firstRule === undefined) {
      throw new Error('The demo data has no approved retention rule');
    }
    rule = firstRule;
  });

  afterAll(async () => {
    await browser.close();
  });

  it('signing in', async () => {
    problems.length = 0;
    const context = await browser.newContext({ baseURL: baseUrl, viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await checkBothWidths(page, 'sign-in');
    await context.close();
    expect(report()).toBe('');
  });

  it('the screens of a Document Manager', async () => {
    problems.length = 0;
    await checkRoutes(manager, [
      ['dashboard', '/'],
      ['requests', '/requests'],
      ['new withdrawal', '/requests/new/withdrawal'],
      ['new storage', '/requests/new/storage'],
      ['new transfer', '/requests/new/transfer'],
      ['crates', '/crates'],
      [`crate ${crate.code}`, `/crates/${String(crate.id)}`],
      ['locations', '/locations'],
      ['location', `/locations/${String(crate.location)}`],
      ['documents', '/documents'],
      ['retention forecast', '/retention/forecast'],
      ['eligible crates', '/retention/eligible'],
      ['destruction batches', '/destruction-batches'],
      ['new destruction batch', '/destruction-batches/new'],
      ['retention schedule', '/retention/rules'],
      [`retention rule ${rule.code}`, `/retention/rules/${String(rule.id)}`],
      [`edit retention rule ${rule.code}`, `/retention/rules/${String(rule.id)}/edit`],
      ['new retention rule', '/retention/rules/new'],
      ['event dates', '/retention/events/import'],
      ['system status', '/system'],
      ['your account', '/account'],
      ['page not found', '/no-such-page'],
    ]);

    // A document search with results.
    const page = manager.page;
    await visit(page, '/documents');
    await page.getByRole('searchbox', { name: 'Search' }).fill('BMR');
    await page.getByRole('table', { name: 'Documents' }).locator('tbody tr').first().waitFor();
    await checkBothWidths(page, 'documents: search "BMR"');

    // The destruction wizard's first step, its crate choices shown. Another spec may have
    // destroyed the demo's only crate past retention: then the transfer wizard shows the same
    // choices (CratePicker) for a search.
    await visit(page, '/requests/new/destruction');
    const due = page.getByRole('radiogroup', { name: 'Crates due for destruction' });
    await due.or(page.getByText('No crate is due for destruction.')).first().waitFor();
    await checkBothWidths(page, 'new destruction: crate step');
    if (!(await due.isVisible())) {
      await visit(page, '/requests/new/transfer');
      await page.getByLabel(/^Crate code or search/).fill('GOA1');
      await page.getByRole('radiogroup', { name: 'Crates in storage' }).waitFor();
      await checkBothWidths(page, 'new transfer: crate choices');
    }

    // A correction of the demo's sent-back request.
    const sentBack = requests.find((row) => row.status === 'SENT_BACK');
    if (sentBack !== undefined) {
      await visit(page, `/requests/${String(sentBack.id)}/edit`);
      await checkBothWidths(page, `correct ${sentBack.number}`);
    }

    // The notifications, opened from the bell.
    await visit(page, '/');
    await settle(page);
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await page.locator('.mantine-Popover-dropdown').waitFor();
    await checkBothWidths(page, 'notifications');
    await page.keyboard.press('Escape');

    // The crates table on a tablet: it scrolls sideways and says so.
    await visit(page, '/crates');
    await page.getByRole('table', { name: 'Crates' }).locator('tbody tr').first().waitFor();
    await page.setViewportSize(TABLET);
    await page.getByTestId('scroll-hint').waitFor();
    expect(await page.getByTestId('scroll-hint').innerText()).toContain('scroll sideways');
    await page.setViewportSize(DESKTOP);

    expect(report()).toBe('');
  });

  it('every request of the demo: each type and status', async () => {
    problems.length = 0;
    const seen = new Set<string>();
    const routes: [string, string][] = [];
    for (const row of requests) {
      const kind = `${row.type} ${row.status}`;
      if (!seen.has(kind)) {
        seen.add(kind);
        routes.push([`request ${row.number} (${kind})`, `/requests/${String(row.id)}`]);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(6);
    await checkRoutes(manager, routes);
    expect(report()).toBe('');
  });

  it('the open signature dialog of an Approver', async () => {
    problems.length = 0;
    const submitted = requests.find((row) => row.status === 'SUBMITTED');
    if (submitted === undefined) {
      throw new Error('The demo data has no submitted request');
    }
    const page = approver.page;
    await visit(page, `/requests/${String(submitted.id)}`);
    await settle(page);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByRole('dialog').waitFor();
    await checkBothWidths(page, `signature dialog: approve ${submitted.number}`);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(report()).toBe('');
  });

  it('the screens of a Unit Admin and a Store Head', async () => {
    problems.length = 0;
    await checkRoutes(unitAdmin, [
      ['audit trail', '/audit'],
      ['administration: users', '/administration/users'],
      ['administration: units', '/administration/units'],
      ['administration: departments', '/administration/departments'],
    ]);
    const audits = await apiAs<Listed<{ id: number; scope: number }>>(
      baseUrl,
      'goa1-storehead',
      password,
      '/api/v1/inventory-audits/?page_size=1',
    );
    const audit = audits.results[0];
    if (audit === undefined) {
      throw new Error('The demo data has no inventory audit');
    }
    await checkRoutes(storeHead, [
      ['new storage grid', '/locations/new-grid'],
      ['inventory audits', '/inventory-audits'],
      ['inventory audit', `/inventory-audits/${String(audit.id)}?shelf=${String(audit.scope)}`],
    ]);
    expect(report()).toBe('');
  });
});
