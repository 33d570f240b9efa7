/**
 * An inventory audit of one shelf as the Store Head does it (issue 20): the spec makes its own
 * room (a rack, shelves A1 and A2) and files three crates through the real workflow — two on
 * A1, one on A2. On the shelf A1 the Store Head finds one of A1's crates and A2's crate; A1's
 * other crate is not there. The audit is opened over the room, A1 is scanned (with a reload
 * mid-shelf: the scans come back from the server), both shelves are completed, the count is
 * completed; the missing crate is marked missing and the misplaced one's location corrected,
 * each signed with the dialog showing what is signed; the audit is closed, signed. The server
 * then shows the crate MISSING, the other on A1, and both shelves verified.
 */
import { resolve } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FRONTEND_DIR } from './backend';
import { launch, signIn, type Session } from './browser';
import { apiClient, fileCrate, goa1Department, type FiledCrate } from './flows';

const SCREENSHOTS = resolve(FRONTEND_DIR, '..', 'docs', 'screenshots');

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const api = apiClient(baseUrl, password);
const LIVE = { timeout: 15_000 };

interface Created {
  id: number;
  full_code: string;
}
interface AuditState {
  status: string;
  results: { code: string; result: string; resolution: string }[];
  shelves: { full_code: string; done_at: string | null }[];
  signatures: { meaning: string; status: string }[];
}
interface CrateState {
  status: string;
  location_code?: string | null;
  location?: number | null;
}

async function createLocation(body: Record<string, unknown>): Promise<Created> {
  return api.post<Created>('goa1-storehead', '/api/v1/locations/', body);
}

async function waitForAuditStatus(page: Page, status: string): Promise<void> {
  await page.getByTestId('audit-status').getByText(status, { exact: true }).waitFor(LIVE);
}

async function signDialog(page: Page, fill?: (page: Page) => Promise<void>): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Your password').waitFor();
  if (fill !== undefined) {
    await fill(page);
  }
  const userId = dialog.getByLabel(/^User ID/);
  if (await userId.isVisible()) {
    await userId.fill('goa1-storehead');
  }
  await dialog.getByLabel('Your password').fill(password);
  await dialog.getByRole('button', { name: /^Sign and / }).click();
  await dialog.waitFor({ state: 'detached', ...LIVE });
}

describe('an inventory audit: one crate missing, one misplaced', () => {
  let browser: Browser;
  let storehead: Session;
  const stamp = String(Date.now()).slice(-5);
  let a1: Created;
  let a2: Created;
  let room: Created;
  let rack: Created;
  let found: FiledCrate;
  let missing: FiledCrate;
  let misplaced: FiledCrate;
  let auditPath = '';

  beforeAll(async () => {
    browser = await launch();
    storehead = await signIn(browser, baseUrl, 'goa1-storehead', password, {
      width: 1024,
      height: 768,
    });
    const units = await api.get<{ results: { id: number; code: string }[] }>(
      'goa1-storehead',
      '/api/v1/units/?page_size=50',
    );
    const goa1 = units.results.find((unit) => unit.code === 'GOA1');
    if (goa1 === undefined) {
      throw new Error('The demo data has no GOA1');
    }
    room = await createLocation({ unit: goa1.id, kind: 'ROOM', code: `IA${stamp}` });
    rack = await createLocation({ unit: goa1.id, parent: room.id, kind: 'RACK', code: 'K1' });
    a1 = await createLocation({
      unit: goa1.id,
      parent: rack.id,
      kind: 'SHELF',
      code: 'A1',
      capacity: 5,
    });
    a2 = await createLocation({
      unit: goa1.id,
      parent: rack.id,
      kind: 'SHELF',
      code: 'A2',
      capacity: 5,
    });
    const department = await goa1Department(api);
    const file = (shelf: Created, n: string) =>
      fileCrate(api, password, {
        department: department.id,
        shelf: shelf.id,
        purpose: `Inventory audit e2e ${stamp}-${n}`,
        documents: [
          {
            number: `E2E-IA-${stamp}-${n}`,
            title: `Logbook ${n}`,
            doc_type: 'BMR',
            prepared_on: '2024-01-10',
            retention_until: '2040-01-10',
          },
        ],
      });
    found = await file(a1, '1');
    missing = await file(a1, '2');
    misplaced = await file(a2, '3');
  });

  afterAll(async () => {
    await browser.close();
  });

  it('the Store Head opens an audit of the room and counts shelf A1, across a reload', async () => {
    const page = storehead.page;
    await page.getByRole('navigation').getByRole('link', { name: 'Inventory audits' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inventory audits' }).waitFor();
    await page.getByRole('button', { name: 'Open audit' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: /^Scope/ }).fill(room.full_code);
    await page.getByRole('option', { name: `${room.full_code} (room)` }).click();
    await dialog.getByRole('button', { name: 'Open audit' }).click();
    const heading = page.getByRole('heading', { level: 1, name: /^IA-\d{4}-\d{4,}$/ });
    await heading.waitFor(LIVE);
    auditPath = new URL(page.url()).pathname;
    await waitForAuditStatus(page, 'Open');

    await page.getByRole('button', { name: `Count shelf ${a1.full_code}` }).click();
    const input = page.getByTestId('audit-scan-input');
    await input.fill(found.crate_code);
    await input.press('Enter');
    await page.getByTestId('last-scan').getByText(`${found.crate_code}: Found`).waitFor(LIVE);
    await waitForAuditStatus(page, 'In progress');

    // A reload mid-shelf: the shelf and its scans come back from the server.
    await page.reload();
    await page.getByTestId(`scan-${found.crate_code}`).waitFor(LIVE);
    await page.getByTestId('audit-scan-input').fill(misplaced.crate_code);
    await page.getByTestId('audit-scan-input').press('Enter');
    await page
      .getByTestId('last-scan')
      .getByText(`${misplaced.crate_code}: Misplaced`)
      .waitFor(LIVE);
    await page.getByRole('button', { name: 'Shelf done' }).click();
    await page
      .getByTestId('shelf-progress')
      .getByText(/counted/)
      .waitFor(LIVE);

    await page.getByRole('button', { name: `Count shelf ${a2.full_code}` }).click();
    await page.getByRole('heading', { name: `Shelf ${a2.full_code}` }).waitFor();
    await page.getByRole('button', { name: 'Shelf done' }).click();
    await page.getByTestId('shelves-progress').getByText('2 of 2 shelves counted').waitFor(LIVE);
    await page.getByRole('button', { name: 'Complete the count' }).click();
    await waitForAuditStatus(page, 'Reconciling');
    await expect
      .poll(async () => page.getByTestId(`result-${missing.crate_code}`).innerText())
      .toContain('Missing');
  });

  it('reconciles both discrepancies with signatures and closes the audit', async () => {
    const page = storehead.page;
    await page.getByRole('button', { name: `Reconcile ${missing.crate_code}` }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(async () => dialog.getByTestId('signing-what').innerText())
      .toContain('Mark the crate missing');
    await signDialog(page, async (p) => {
      await p
        .getByRole('dialog')
        .getByLabel(/^Explanation/)
        .fill('Not on A1; searched the rack');
    });
    await page
      .getByTestId(`result-${missing.crate_code}`)
      .getByText(/Marked missing/)
      .waitFor(LIVE);

    await page.getByRole('button', { name: `Reconcile ${misplaced.crate_code}` }).click();
    await page
      .getByRole('dialog')
      .getByLabel('Correct the location to the shelf it was found on')
      .check();
    await expect
      .poll(async () => page.getByRole('dialog').getByTestId('signing-what').innerText())
      .toContain(`recorded on ${a1.full_code}`);
    await signDialog(page, async (p) => {
      await p
        .getByRole('dialog')
        .getByLabel(/^Explanation/)
        .fill('Left on A1 after a return');
    });
    await page
      .getByTestId(`result-${misplaced.crate_code}`)
      .getByText(/Relocated/)
      .waitFor(LIVE);

    await page
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Close audit' })
      .click();
    await signDialog(page);
    await waitForAuditStatus(page, 'Closed');
    // The README's screenshot.
    await page.screenshot({ path: resolve(SCREENSHOTS, 'inventory-audit.png'), fullPage: true });

    const id = auditPath.split('/').at(-1) ?? '';
    const audit = await api.get<AuditState>('goa1-storehead', `/api/v1/inventory-audits/${id}/`);
    expect(audit.status).toBe('CLOSED');
    expect(audit.signatures.map((s) => [s.meaning, s.status])).toEqual([
      ['RECONCILED', 'valid'],
      ['RECONCILED', 'valid'],
      ['AUDIT_CLOSED', 'valid'],
    ]);
    const gone = await api.get<CrateState>(
      'goa1-storehead',
      `/api/v1/crates/${String(missing.crate)}/`,
    );
    expect(gone.status).toBe('MISSING');
    const moved = await api.get<CrateState>(
      'goa1-storehead',
      `/api/v1/crates/${String(misplaced.crate)}/`,
    );
    expect(moved.location).toBe(a1.id);
    const shelves = await api.get<{ results: { id: number; last_verified_at: string | null }[] }>(
      'goa1-storehead',
      `/api/v1/locations/?parent=${String(rack.id)}&page_size=10`,
    );
    expect(shelves.results.every((shelf) => shelf.last_verified_at !== null)).toBe(true);
  });
});
