/**
 * Every request type through the browser, as the people who do it, to its end state — the
 * server's (through the API) and the screen's:
 * - STORAGE typed by hand and STORAGE from a CSV file: submitted by the Document Manager,
 *   approved, the Store Head allocates a shelf; the crate is in storage on that shelf;
 * - WITHDRAWAL: approved, issued and received back onto its shelf;
 * - TRANSFER: approved, carried out by the Store Head; the crate stands on the target shelf;
 * - DESTRUCTION: approved, destroyed by the Store Head with a witness's signature in the same
 *   dialog; the crate is destroyed and the certificate downloads from the request page.
 * The spec files its own two crates (the hand-typed one's retention has ended, so it is the one
 * destroyed) and uses shelves of room GOA1/R02, which no other spec fills.
 */
import { readFileSync } from 'node:fs';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { launch, signIn, type Session } from './browser';
import { apiClient, sign, statusOf } from './flows';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const api = apiClient(baseUrl, password);
const LIVE = { timeout: 15_000 };
const SHELF = 'GOA1/R02/K03/S3';
const TARGET_SHELF = 'GOA1/R02/K03/S4';

interface RequestState {
  status: string;
  crate: number;
  crate_code: string;
  signatures: { meaning: string; printed_name: string }[];
}
interface CrateState {
  id: number;
  code: string;
  status: string;
  location_code: string | null;
}

interface Raised {
  id: number;
  number: string;
  path: string;
}

/** The request page the browser landed on after submitting. */
async function raisedOn(page: Page): Promise<Raised> {
  const heading = page.getByRole('heading', { level: 1, name: /^REQ-/ });
  await heading.waitFor(LIVE);
  const path = new URL(page.url()).pathname;
  return { id: Number(path.split('/').at(-1)), number: (await heading.innerText()).trim(), path };
}

/** The submission's signature at the end of a form or wizard. */
async function signSubmission(page: Page, userId?: string): Promise<Raised> {
  if (userId !== undefined) {
    await page.getByLabel(/^User ID/).fill(userId);
  }
  await page.getByLabel(/^Your password/).fill(password);
  await page.getByRole('button', { name: 'Sign and submit' }).click();
  const raised = await raisedOn(page);
  expect(await statusOf(page)).toContain('submitted');
  return raised;
}

async function open(page: Page, request: Raised): Promise<void> {
  await page.goto(request.path);
  await page.getByRole('heading', { level: 1, name: request.number }).waitFor(LIVE);
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.getByTestId('request-status').getByText(status, { exact: true }).waitFor(LIVE);
}

/** Chooses a shelf in a searchable select by typing part of its code. */
async function chooseShelf(page: Page, select: Locator, code: string): Promise<void> {
  await select.fill(code);
  await page.getByRole('option', { name: new RegExp(`^${code} \\(\\d+ free\\)$`) }).click();
}

function requestState(id: number): Promise<RequestState> {
  return api.get<RequestState>('goa1-manager', `/api/v1/requests/${String(id)}/`);
}

function crateState(id: number): Promise<CrateState> {
  return api.get<CrateState>('goa1-manager', `/api/v1/crates/${String(id)}/`);
}

/** From the request page, follows the crate's link and checks what its page says. */
async function crateShows(page: Page, code: string, status: string, shelf: string | null) {
  await page.getByTestId('request-crate-link').click();
  await page.getByRole('heading', { level: 1, name: code }).waitFor(LIVE);
  await page.getByTestId('crate-status').getByText(status, { exact: true }).waitFor(LIVE);
  if (shelf !== null) {
    await page.getByRole('link', { name: shelf, exact: true }).waitFor();
  }
}

describe('every request type, from the form to its end state', () => {
  let browser: Browser;
  let manager: Session;
  let approver: Session;
  let storehead: Session;
  const stamp = String(Date.now()).slice(-7);
  /** Filed by hand, retention ended in 2020: destroyed at the end. */
  let handCrate: CrateState;
  /** Filed from a CSV file: withdrawn, returned, then transferred. */
  let csvCrate: CrateState;

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

  /** The approver approves; the Store Head allocates SHELF; the crate is in storage there. */
  async function approveAndAllocate(request: Raised, first: boolean): Promise<CrateState> {
    await open(approver.page, request);
    await sign(approver.page, 'Approve', password, first ? { userId: 'goa1-approver' } : {});
    await waitForStatus(approver.page, 'Approved');

    const page = storehead.page;
    await open(page, request);
    await sign(page, 'Allocate shelf', password, {
      ...(first ? { userId: 'goa1-storehead' } : {}),
      fill: (dialog) => chooseShelf(page, dialog.getByRole('combobox', { name: 'Shelf' }), SHELF),
    });
    await waitForStatus(page, 'Completed');

    const after = await requestState(request.id);
    expect(after.status).toBe('COMPLETED');
    const crate = await crateState(after.crate);
    expect([crate.status, crate.location_code]).toEqual(['IN_STORAGE', SHELF]);
    await crateShows(page, crate.code, 'In storage', SHELF);
    return crate;
  }

  it('STORAGE typed by hand: approved, a shelf allocated, the crate in storage there', async () => {
    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'New storage' }).click();
    await page.getByRole('heading', { level: 1, name: 'New storage request' }).waitFor();
    await page.getByRole('combobox', { name: 'Department' }).fill('QA');
    await page.getByRole('option', { name: /^GOA1 \/ QA/ }).click();
    await page.getByLabel('Crate description').fill(`Line 2 records ${stamp} (e2e, typed)`);
    await page.getByLabel(/^Purpose/).fill('Archive the line 2 batch records (e2e, typed)');
    await page.getByLabel('Document 1 number').fill(`E2E-RT-${stamp}-1`);
    await page.getByLabel('Document 1 title').fill('Batch record line 2, 2012');
    await page.getByLabel('Document 1 prepared on').fill('2012-03-01');
    await page.getByLabel('Document 1 retain until').fill('2020-03-01');
    // The manager's first signature of this session: user ID and password.
    const request = await signSubmission(page, 'goa1-manager');

    handCrate = await approveAndAllocate(request, true);
  });

  it('STORAGE from a CSV file: approved, a shelf allocated, the crate in storage there', async () => {
    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'New storage' }).click();
    await page.getByRole('heading', { level: 1, name: 'New storage request' }).waitFor();
    await page.getByRole('combobox', { name: 'Department' }).fill('QC');
    await page.getByRole('option', { name: /^GOA1 \/ QC/ }).click();
    await page.getByLabel(/^Purpose/).fill('Archive the QC logbooks of 2026 (e2e, CSV)');
    const csv = [
      'number,title,doc_type,department,prepared_on,retention_until',
      `E2E-RT-${stamp}-C1,QC logbook January,LOG,,2026-01-05,2036-01-05`,
      `E2E-RT-${stamp}-C2,QC logbook February,LOG,,2026-02-02,permanent`,
    ].join('\n');
    await page.locator('input[type=file]').setInputFiles({
      name: 'documents.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('heading', { name: 'Documents (2)' }).waitFor();
    expect(await page.getByLabel('Document 2 number').inputValue()).toBe(`E2E-RT-${stamp}-C2`);
    const request = await signSubmission(page);

    csvCrate = await approveAndAllocate(request, false);
    const documents = await api.get<{ results: { number: string }[] }>(
      'goa1-manager',
      `/api/v1/documents/?crate=${String(csvCrate.id)}`,
    );
    expect(documents.results.map((d) => d.number).sort()).toEqual([
      `E2E-RT-${stamp}-C1`,
      `E2E-RT-${stamp}-C2`,
    ]);
  });

  it('WITHDRAWAL: approved, issued and received back onto its shelf', async () => {
    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'New withdrawal' }).click();
    // A scanner types the label's code and Enter: the wizard moves on to the documents.
    await page.getByLabel('Crate code or search').fill(csvCrate.code);
    await page.getByLabel('Crate code or search').press('Enter');
    await page.getByRole('radio', { name: 'The whole crate' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    const returnOn = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Expected return').fill(returnOn);
    await page.getByLabel('Purpose').fill('Logbook review for the annual product review (e2e)');
    await page.getByRole('button', { name: 'Next' }).click();
    const request = await signSubmission(page);

    await open(approver.page, request);
    await sign(approver.page, 'Approve', password);
    await waitForStatus(approver.page, 'Approved');

    const store = storehead.page;
    await open(store, request);
    await sign(store, 'Issue', password);
    await waitForStatus(store, 'Issued');
    expect((await crateState(csvCrate.id)).status).toBe('ISSUED');
    // The requester's page follows live.
    await waitForStatus(page, 'Issued');

    // Received without choosing a shelf: back onto the one it came from.
    await sign(store, 'Receive return', password);
    await waitForStatus(store, 'Completed');
    expect((await requestState(request.id)).status).toBe('COMPLETED');
    const crate = await crateState(csvCrate.id);
    expect([crate.status, crate.location_code]).toEqual(['IN_STORAGE', SHELF]);
    await waitForStatus(page, 'Completed');
    await crateShows(page, csvCrate.code, 'In storage', SHELF);
  });

  it('TRANSFER: approved, carried out by the Store Head; the crate on the target shelf', async () => {
    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'New transfer' }).click();
    // Searched by its code and chosen among the crates found, then Next.
    await page.getByLabel('Crate code or search').fill(csvCrate.code);
    await page
      .getByRole('radiogroup', { name: 'Crates in storage' })
      .getByRole('radio', { name: csvCrate.code })
      .check();
    await page.getByRole('button', { name: 'Next' }).click();
    await chooseShelf(page, page.getByRole('combobox', { name: 'Target shelf' }), TARGET_SHELF);
    await page.getByLabel(/^Purpose/).fill('Make room on the QC shelf (e2e)');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`Transfer ${csvCrate.code} from ${SHELF} to ${TARGET_SHELF}.`).waitFor();
    const request = await signSubmission(page);

    await open(approver.page, request);
    await sign(approver.page, 'Approve', password);
    await waitForStatus(approver.page, 'Approved');

    const store = storehead.page;
    await open(store, request);
    await sign(store, 'Transfer', password);
    await waitForStatus(store, 'Completed');

    expect((await requestState(request.id)).status).toBe('COMPLETED');
    const crate = await crateState(csvCrate.id);
    expect([crate.status, crate.location_code]).toEqual(['IN_STORAGE', TARGET_SHELF]);
    await crateShows(store, csvCrate.code, 'In storage', TARGET_SHELF);
  });

  it('DESTRUCTION: approved, destroyed with a witness, the certificate downloaded', async () => {
    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'New destruction' }).click();
    await page
      .getByRole('radiogroup', { name: 'Crates due for destruction' })
      .getByRole('radio', { name: handCrate.code })
      .check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Two signatures at destruction').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`Destroy ${handCrate.code}`).waitFor();
    const request = await signSubmission(page);

    await open(approver.page, request);
    await sign(approver.page, 'Approve', password);
    await waitForStatus(approver.page, 'Approved');

    // The Store Head destroys it; a Unit Admin witnesses with their own user ID and password
    // in the same dialog. A wrong witness password changes nothing.
    const store = storehead.page;
    await open(store, request);
    const witness = (witnessPassword: string) => async (dialog: Locator) => {
      await dialog.getByLabel(/^Witness username/).fill('goa1-unitadmin');
      await dialog.getByLabel(/^Witness password/).fill(witnessPassword);
    };
    await sign(store, 'Destroy', password, { fill: witness('not-the-witness-password') });
    const dialog = store.getByRole('dialog');
    await dialog.getByRole('alert').getByText('Not signed — nothing was changed').waitFor(LIVE);
    expect((await requestState(request.id)).status).toBe('APPROVED');
    await witness(password)(dialog);
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: /^Sign and / }).click();
    await dialog.waitFor({ state: 'detached', ...LIVE });
    await waitForStatus(store, 'Completed');

    const after = await requestState(request.id);
    expect(after.status).toBe('COMPLETED');
    expect(after.signatures.map((s) => [s.meaning, s.printed_name])).toContainEqual([
      'WITNESSED',
      'Unit Admin GOA1',
    ]);
    expect((await crateState(handCrate.id)).status).toBe('DESTROYED');
    await store
      .getByRole('table', { name: 'Signatures' })
      .getByRole('row')
      .filter({ hasText: 'Unit Admin GOA1' })
      .waitFor();

    // The certificate, fetched with the signed-in session from the request page.
    const [download] = await Promise.all([
      store.waitForEvent('download'),
      store
        .getByRole('group', { name: 'Actions' })
        .getByRole('button', { name: 'Download destruction certificate' })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${request.number}-certificate.pdf`);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');

    await crateShows(store, handCrate.code, 'Destroyed', null);
  });
});
