/**
 * A destruction batch from selection to certificate, as the people who do it (issue 18): the
 * Document Manager selects three crates whose retention has ended in the batch builder and
 * submits the draft, signed; the QA Approver approves it, signing exactly what the dialog shows
 * (the batch, its unit, the crate codes); a Unit Admin places a legal hold on one crate from its
 * page, and the Store Head's open batch page shows that crate DROPPED with the reason, live; the
 * Store Head destroys the other two — a label that is not the crate is refused on the label
 * field, then each label scanned and a witness's signature in the same dialog — and completes
 * the batch, signed; the certificate downloads as a PDF naming the batch. axe-core checks the
 * batch page (WCAG 2.1 A/AA) at desktop and tablet widths. The spec files its own three crates
 * (documents whose retention ended in 2020) on shelves of GOA1/R02/K01 and K02.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FRONTEND_DIR } from './backend';
import { launch, signIn, type Session } from './browser';
import { apiClient, fileCrate, sign, type FiledCrate } from './flows';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const api = apiClient(baseUrl, password);
const LIVE = { timeout: 15_000 };
const SCREENSHOTS = resolve(FRONTEND_DIR, '..', 'docs', 'screenshots');
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WITNESS = 'goa1-unitadmin';

interface Listed<T> {
  results: T[];
}
interface Shelf {
  id: number;
  full_code: string;
  free: number;
}
interface BatchState {
  id: number;
  number: string;
  status: string;
  items: {
    crate_code: string;
    state: string;
    reason: string;
    witness: { username: string } | null;
  }[];
  signatures: { meaning: string; printed_name: string }[];
}

/**
 * A crate in storage on `shelf` holding one document whose retention ended in 2020, filed
 * through the real workflow (storage request raised, approved, a shelf allocated).
 */
function fileExpiredCrate(department: number, shelf: Shelf, n: string): Promise<FiledCrate> {
  return fileCrate(api, password, {
    department,
    shelf: shelf.id,
    purpose: `Batch records of 2012 (e2e batch ${n})`,
    documents: [
      {
        number: `E2E-DB-${n}`,
        title: `Batch record ${n}, line 3, 2012`,
        doc_type: 'BMR',
        prepared_on: '2012-03-01',
        retention_until: '2020-03-01',
      },
    ],
  });
}

function batchState(id: number): Promise<BatchState> {
  return api.get<BatchState>('goa1-manager', `/api/v1/destruction-batches/${String(id)}/`);
}

async function waitForBatchStatus(page: Page, status: string): Promise<void> {
  await page.getByTestId('batch-status').getByText(status, { exact: true }).waitFor(LIVE);
}

function itemRow(page: Page, code: string) {
  return page.getByTestId(`batch-item-${code}`);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's WCAG 2.1 A/AA rules on the page; the serious and critical violations, in words. */
async function axeProblems(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: AXE_SCRIPT });
  }
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${String(v.impact)}) ${v.help} ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`,
    );
}

describe('a destruction batch from selection to certificate', () => {
  let browser: Browser;
  let manager: Session;
  let approver: Session;
  let storehead: Session;
  let unitAdmin: Session;
  const stamp = String(Date.now()).slice(-7);
  let crates: FiledCrate[] = [];
  let batch = { id: 0, number: '', path: '' };

  beforeAll(async () => {
    browser = await launch();
    [manager, approver, storehead, unitAdmin] = await Promise.all([
      signIn(browser, baseUrl, 'goa1-manager', password),
      signIn(browser, baseUrl, 'goa1-approver', password),
      signIn(browser, baseUrl, 'goa1-storehead', password),
      signIn(browser, baseUrl, 'goa1-unitadmin', password),
    ]);
    const departments = await api.get<
      Listed<{ id: number; unit: number; unit_code: string; code: string }>
    >('goa1-manager', '/api/v1/departments/?page_size=100');
    const qa = departments.results.find((d) => d.unit_code === 'GOA1' && d.code === 'QA');
    if (qa === undefined) {
      throw new Error('The demo data has no GOA1 QA department');
    }
    const shelves = await api.get<Listed<Shelf>>(
      'goa1-storehead',
      `/api/v1/locations/?unit=${String(qa.unit)}&kind=SHELF&is_active=true&page_size=200`,
    );
    const wanted = ['GOA1/R02/K02/S2', 'GOA1/R02/K01/S2', 'GOA1/R02/K02/S1'];
    const chosen = wanted.map((code) => {
      const shelf = shelves.results.find((s) => s.full_code === code && s.free > 0);
      if (shelf === undefined) {
        throw new Error(`No free place on ${code}`);
      }
      return shelf;
    });
    crates = [];
    for (const [index, shelf] of chosen.entries()) {
      crates.push(await fileExpiredCrate(qa.id, shelf, `${stamp}-${String(index + 1)}`));
    }
  });

  afterAll(async () => {
    await browser.close();
  });

  it('the Document Manager selects three eligible crates into a draft and submits it', async () => {
    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'Destruction batches' }).click();
    await page.getByRole('heading', { level: 1, name: 'Destruction batches' }).waitFor();
    await page.getByRole('link', { name: 'New batch' }).click();
    await page.getByRole('heading', { level: 1, name: 'New destruction batch' }).waitFor();
    for (const crate of crates) {
      const box = page.getByRole('checkbox', { name: `Select ${crate.crate_code}` });
      await box.waitFor(LIVE);
      await box.check();
    }
    await page.getByTestId('selected-count').getByText('3 crates selected').waitFor();
    await page.getByLabel(/^Note/).fill(`Retention ended; shredding booked (e2e ${stamp})`);
    await page.getByRole('button', { name: 'Create draft batch' }).click();

    const heading = page.getByRole('heading', { level: 1, name: /^DB-\d{4}-\d{4,}$/ });
    await heading.waitFor(LIVE);
    const path = new URL(page.url()).pathname;
    batch = {
      id: Number(path.split('/').at(-1)),
      number: (await heading.innerText()).trim(),
      path,
    };
    await waitForBatchStatus(page, 'Draft');
    // A crate taken out of the draft goes back to the crates it can add, and is added again.
    const third = crates[2]?.crate_code ?? '';
    await page.getByRole('button', { name: `Remove ${third}` }).click();
    await page.getByTestId(`batch-item-${third}`).waitFor({ ...LIVE, state: 'detached' });
    const add = page.getByRole('region', { name: 'Add crates' });
    await add.getByRole('checkbox', { name: `Select ${third}` }).check(LIVE);
    await add.getByRole('button', { name: 'Add 1 crate' }).click();
    await page.getByTestId(`batch-item-${third}`).waitFor(LIVE);
    // The crates stand in the pick-list's order: room, rack, shelf.
    const codes = await page
      .getByRole('table', { name: 'Crates, in pick-list order' })
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')));
    expect(codes).toEqual(
      [crates[1], crates[2], crates[0]].map((c) => `batch-item-${c?.crate_code ?? ''}`),
    );

    // The first signature of the manager's session: user ID and password.
    await sign(page, 'Submit for approval', password, { userId: 'goa1-manager' });
    await waitForBatchStatus(page, 'Submitted');
    expect((await batchState(batch.id)).status).toBe('SUBMITTED');
  });

  it('the QA Approver approves it, signing the batch, its unit and its crates', async () => {
    const page = approver.page;
    await page.goto('/destruction-batches?status=SUBMITTED');
    await page.getByRole('link', { name: batch.number }).click();
    await page.getByRole('heading', { level: 1, name: batch.number }).waitFor(LIVE);
    await page
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Approve' })
      .click();
    const dialog = page.getByRole('dialog');
    const what = dialog.getByRole('group', { name: 'What you sign' });
    await what.waitFor();
    expect(await what.innerText()).toContain(`${batch.number} · unit GOA1 · 3 crates`);
    expect(
      (await what.getByRole('listitem').allInnerTexts()).map((text) => text.trim()).sort(),
    ).toEqual(crates.map((c) => c.crate_code).sort());
    expect(await dialog.getByTestId('signature-meaning').innerText()).toBe(
      'Destruction batch approved',
    );
    await dialog.getByLabel(/^User ID/).fill('goa1-approver');
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Sign and approve' }).click();
    await dialog.waitFor({ state: 'detached', ...LIVE });
    await waitForBatchStatus(page, 'Approved');
  });

  it('a legal hold placed mid-way drops its crate from the batch, live, with the reason', async () => {
    const store = storehead.page;
    await store.goto(batch.path);
    await waitForBatchStatus(store, 'Approved');
    const held = crates[2];
    if (held === undefined) {
      throw new Error('no crate to hold');
    }
    await itemRow(store, held.crate_code).getByText('Pending').waitFor();

    const admin = unitAdmin.page;
    await admin.goto(`/crates/${String(held.crate)}`);
    await admin.getByRole('heading', { level: 1, name: held.crate_code }).waitFor(LIVE);
    await sign(admin, 'Place legal hold', password, {
      userId: 'goa1-unitadmin',
      reason: `Litigation LIT-${stamp} (e2e)`,
    });
    await admin.getByTestId('legal-hold-badge').waitFor(LIVE);

    // The Store Head's page follows without a reload.
    const row = itemRow(store, held.crate_code);
    await row.getByText('Dropped', { exact: true }).waitFor(LIVE);
    expect(await row.getByTestId('item-reason').innerText()).toContain(
      `Legal hold placed: Litigation LIT-${stamp} (e2e)`,
    );
    await store
      .getByTestId('batch-progress-text')
      .getByText(/^1 of 3 crates handled/)
      .waitFor();
    expect(await row.getByRole('button', { name: /^Destroy / }).count()).toBe(0);
  });

  it('the Store Head destroys the other two, each label scanned and witnessed', async () => {
    const store = storehead.page;
    const [first, second] = crates;
    if (first === undefined || second === undefined) {
      throw new Error('no crates');
    }

    // A label that is not the crate: refused on the label field, nothing signed, all kept.
    await store.getByRole('button', { name: `Destroy ${second.crate_code}` }).click();
    let dialog = store.getByRole('dialog');
    await dialog.getByLabel(/^Crate label/).fill(first.crate_code);
    await dialog.getByLabel(/^Witness username/).fill(WITNESS);
    await dialog.getByLabel(/^Witness password/).fill(password);
    await dialog.getByLabel(/^User ID/).fill('goa1-storehead');
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Sign and destroy' }).click();
    const label = dialog.getByLabel(/^Crate label/);
    await dialog.getByText(`expected ${second.crate_code}`, { exact: false }).waitFor(LIVE);
    expect(await label.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByLabel(/^Witness username/).inputValue()).toBe(WITNESS);
    expect((await batchState(batch.id)).items.every((i) => i.state !== 'DESTROYED')).toBe(true);

    // Scanned as a wedge scanner does: the code, then Enter moves on to the witness.
    await label.fill('');
    await label.pressSequentially(second.crate_code);
    await label.press('Enter');
    expect(
      await dialog.getByLabel(/^Witness username/).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    if ((await dialog.getByLabel('Your password').inputValue()) === '') {
      await dialog.getByLabel('Your password').fill(password);
    }
    await dialog.getByRole('button', { name: 'Sign and destroy' }).click();
    await dialog.waitFor({ state: 'detached', ...LIVE });
    await itemRow(store, second.crate_code).getByText('Destroyed', { exact: true }).waitFor(LIVE);
    await waitForBatchStatus(store, 'In progress');

    await store.getByRole('button', { name: `Destroy ${first.crate_code}` }).click();
    dialog = store.getByRole('dialog');
    await dialog.getByLabel(/^Crate label/).fill(first.crate_code);
    await dialog.getByLabel(/^Witness username/).fill(WITNESS);
    await dialog.getByLabel(/^Witness password/).fill(password);
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Sign and destroy' }).click();
    await dialog.waitFor({ state: 'detached', ...LIVE });
    await itemRow(store, first.crate_code).getByText('Destroyed', { exact: true }).waitFor(LIVE);
    await store
      .getByTestId('batch-progress-text')
      .getByText(/^3 of 3 crates handled/)
      .waitFor();

    const state = await batchState(batch.id);
    expect(
      state.items.map((i) => [i.crate_code, i.state, i.witness?.username ?? null]).sort(),
    ).toEqual(
      [
        [first.crate_code, 'DESTROYED', WITNESS],
        [second.crate_code, 'DESTROYED', WITNESS],
        [crates[2]?.crate_code ?? '', 'DROPPED', null],
      ].sort(),
    );
  });

  it('completes the batch, signed, and the certificate downloads as a PDF of the batch', async () => {
    const store = storehead.page;
    await sign(store, 'Complete', password);
    await waitForBatchStatus(store, 'Completed');
    const state = await batchState(batch.id);
    expect(state.status).toBe('COMPLETED');
    expect(state.signatures.map((s) => s.meaning)).toEqual(
      expect.arrayContaining([
        'SUBMITTED',
        'BATCH_APPROVED',
        'DESTROYED',
        'WITNESSED',
        'BATCH_COMPLETED',
      ]),
    );

    const [download] = await Promise.all([
      store.waitForEvent('download'),
      store
        .getByRole('group', { name: 'Actions' })
        .getByRole('button', { name: 'Certificate (PDF)' })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${batch.number}-certificate.pdf`);
    const pdf = readFileSync(await download.path()).toString('latin1');
    expect(pdf.slice(0, 4)).toBe('%PDF');
    expect(pdf).toContain(batch.number);

    // The crates' own pages say they were destroyed.
    const [first] = crates;
    const crate = await api.get<{ status: string }>(
      'goa1-manager',
      `/api/v1/crates/${String(first?.crate ?? 0)}/`,
    );
    expect(crate.status).toBe('DESTROYED');
  });

  it('the batch page passes axe-core (WCAG 2.1 A/AA) at desktop and tablet widths', async () => {
    const page = storehead.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('table', { name: 'Crates, in pick-list order' }).waitFor();
    // The toasts close themselves; the README screenshot is of the page as it stands.
    await page
      .locator('.mantine-Notification-root')
      .first()
      .waitFor({ state: 'detached', timeout: 20_000 })
      .catch(() => undefined);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'destruction-batch.png'), fullPage: true });
    const problems = await axeProblems(page, 'batch page @ 1280×800');
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.waitForTimeout(150);
    problems.push(...(await axeProblems(page, 'batch page @ 820×1180')));
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(problems).toEqual([]);
    expect(await page.title()).toBe(`Destruction batch ${batch.number} · Strongroom`);
  });
});
