/**
 * Crates, locations and documents against the real backend: find a crate by "scanning" its
 * code into the scan box (a keyboard-wedge scanner types the code and Enter) and by the camera
 * (chromium's fake camera shows a QR label made by segno); a bad check digit shows the server's
 * invalid_crate_code message; a Unit Admin places a legal hold through the signature dialog
 * while a Viewer's open page follows live; a Viewer sees no action buttons; labels open as a
 * PDF; the locations tree shows occupancy; a Store Head creates a grid; documents link to
 * their crate; the screens fit a tablet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page as BrowserPage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { launch, signIn, type Session } from './browser';
import { apiClient } from './flows';
import { writeQrVideo } from './qr-video';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const LIVE = { timeout: 15_000 };

interface CrateRow {
  id: number;
  code: string;
  legal_hold: boolean;
  location_code?: string | null;
}
interface Page<T> {
  results: T[];
}
interface TreeNode {
  full_code: string;
  occupancy: number;
  total_capacity: number;
  children: TreeNode[];
}
interface DocumentRow {
  number: string;
  crate: number;
  crate_code: string;
}

const api = apiClient(baseUrl, password);

/** GET as the demo Viewer, signed in once for the whole file (see apiClient). */
function apiGet<T>(path: string): Promise<T> {
  return api.get<T>('goa1-viewer', path);
}

function cratesInStorage(): Promise<Page<CrateRow>> {
  return apiGet<Page<CrateRow>>('/api/v1/crates/?status=IN_STORAGE&legal_hold=false&page_size=100');
}

/**
 * Goes to `path` inside the single-page app, as a link would: a full reload would spend a
 * token refresh (see apiGet).
 */
async function visit(page: BrowserPage, path: string): Promise<void> {
  await page.evaluate((target) => {
    window.history.pushState({}, '', target);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** The same code with another check digit (the server must refuse it). */
function withWrongCheckDigit(code: string): string {
  const last = Number(code.at(-1));
  return `${code.slice(0, -1)}${String((last + 1) % 10)}`;
}

function fitsWidth(session: Session): Promise<boolean> {
  return session.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe('crates, locations and documents', () => {
  let browser: Browser;
  let admin: Session;
  let viewer: Session;
  let crate: CrateRow;
  let crateUrl = '';

  beforeAll(async () => {
    browser = await launch();
    [admin, viewer] = await Promise.all([
      signIn(browser, baseUrl, 'goa1-unitadmin', password),
      signIn(browser, baseUrl, 'goa1-viewer', password),
    ]);
    // The oldest free crate: the withdrawal test takes the newest.
    const free = (await cratesInStorage()).results;
    const last = free.at(-1);
    if (last === undefined) {
      throw new Error('The demo data has no crate in storage');
    }
    crate = last;
  });

  afterAll(async () => {
    await browser.close();
  });

  it('shows the server’s message for a code with a bad check digit', async () => {
    const page = admin.page;
    await page.getByRole('link', { name: 'Crates', exact: true }).click();
    await page.getByRole('heading', { name: 'Crates', level: 1 }).waitFor();
    const scan = page.getByLabel('Scan or type a crate code');
    expect(await scan.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type(withWrongCheckDigit(crate.code));
    await page.keyboard.press('Enter');
    const problem = page.getByTestId('scan-problem');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('Not a valid crate code');
    expect(await problem.innerText()).toContain('The check digit does not match');
    expect(new URL(page.url()).pathname).toBe('/crates');
  });

  it('finds a crate by scanning its code into the scan box and opens its detail', async () => {
    const page = admin.page;
    const scan = page.getByLabel('Scan or type a crate code');
    // The field kept focus with the bad code selected: the next scan replaces it.
    await page.keyboard.type(crate.code.toLowerCase().replaceAll('-', ''));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: crate.code }).waitFor();
    crateUrl = new URL(page.url()).pathname;
    expect(crateUrl).toBe(`/crates/${String(crate.id)}`);
    expect(await scan.count()).toBe(0);
    await page.getByRole('heading', { name: /^Documents \(\d+\)$/ }).waitFor();
    await page.getByRole('region', { name: 'History' }).getByText('Crate created').waitFor();
    if (crate.location_code !== null && crate.location_code !== undefined) {
      await page.getByRole('link', { name: crate.location_code }).waitFor();
    }
  });

  it('places a legal hold through the signature dialog; a viewer sees it live', async () => {
    await visit(viewer.page, crateUrl);
    await viewer.page.getByRole('heading', { level: 1, name: crate.code }).waitFor();
    expect(await viewer.page.getByTestId('legal-hold').innerText()).toContain('Not on legal hold');

    const page = admin.page;
    const actions = page.getByRole('group', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Place legal hold' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('signature-meaning').innerText()).toBe('Legal hold placed');
    // A wrong password changes nothing.
    await dialog.getByLabel(/^Reason/).fill('Litigation hold LIT-2026-17 (e2e)');
    // The first signature of the session takes the user ID, which stays typed after a refusal.
    await dialog.getByLabel(/^User ID/).fill('goa1-unitadmin');
    await dialog.getByLabel('Your password').fill('not-the-password-at-all');
    await dialog.getByRole('button', { name: 'Sign and place the hold' }).click();
    await dialog.getByText('Not signed — nothing was changed').waitFor();
    expect(await dialog.getByLabel(/^User ID/).inputValue()).toBe('goa1-unitadmin');
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Sign and place the hold' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByTestId('legal-hold-badge').waitFor();
    expect(await page.getByTestId('legal-hold').innerText()).toContain('LIT-2026-17');
    expect(await page.getByTestId('legal-hold').innerText()).toContain('Unit Admin GOA1');
    await actions.getByRole('button', { name: 'Release legal hold' }).waitFor();
    await page.getByRole('region', { name: 'History' }).getByText('Signed: Hold placed').waitFor();

    // The viewer never reloaded.
    await viewer.page.getByTestId('legal-hold-badge').waitFor(LIVE);
    expect(await viewer.page.getByTestId('legal-hold').innerText()).toContain('LIT-2026-17');
  });

  it('shows a viewer no action buttons', async () => {
    const page = viewer.page;
    expect(await page.getByRole('group', { name: 'Actions' }).getByRole('button').count()).toBe(0);
    await visit(page, '/crates');
    await page.getByRole('table', { name: 'Crates' }).getByRole('link').first().waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Print/ }).count()).toBe(0);
    await visit(page, '/locations');
    await page.getByRole('list', { name: 'Storage locations' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'Create a grid' }).count()).toBe(0);
    await page.getByRole('link', { name: /^Shelf GOA1\/R01\/K01\/S1:/ }).click();
    await page.getByRole('heading', { level: 1, name: 'GOA1/R01/K01/S1' }).waitFor();
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await visit(page, '/locations/new-grid');
    await page.getByText('Your role does not allow this page.').waitFor();
  });

  it('opens a crate label as a PDF', async () => {
    const page = admin.page;
    const popup = page.context().waitForEvent('page');
    await page
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Print label' })
      .click();
    const tab = await popup;
    await tab.waitForURL(/^blob:/, LIVE);
    const bytes = await tab.evaluate(async () => {
      const response = await fetch(window.location.href);
      return [response.headers.get('Content-Type'), (await response.text()).slice(0, 5)];
    });
    expect(bytes).toEqual(['application/pdf', '%PDF-']);
    await tab.close();
  });

  it('shows occupancy in the locations tree, in words as well as colour', async () => {
    const tree = await apiGet<TreeNode[]>('/api/v1/locations/tree/');
    const room = tree.find((node) => node.full_code === 'GOA1/R01');
    const shelf = room?.children[0]?.children[0];
    if (room === undefined || shelf === undefined) {
      throw new Error('The demo data has no GOA1/R01/K01/S1');
    }
    const page = viewer.page;
    await visit(page, '/locations');
    const cell = page.getByRole('link', { name: new RegExp(`^Shelf ${shelf.full_code}:`) });
    const name = await cell.textContent();
    expect(name).toContain(`${String(shelf.occupancy)} of ${String(shelf.total_capacity)} crates`);
    expect(await cell.innerText()).toContain(
      `${String(shelf.occupancy)}/${String(shelf.total_capacity)}`,
    );
    expect(await cell.getAttribute('data-level')).not.toBeNull();
    const meter = page.getByRole('meter', { name: 'Room GOA1/R01 occupancy' });
    expect(await meter.getAttribute('aria-valuenow')).toBe(String(room.occupancy));
    expect(await meter.getAttribute('aria-valuemax')).toBe(String(room.total_capacity));
  });

  it('lets a store head create a grid after a preview; the tree shows it', async () => {
    const storehead = await signIn(browser, baseUrl, 'goa1-storehead', password);
    const page = storehead.page;
    await visit(page, '/locations');
    await page.getByRole('link', { name: 'Create a grid' }).click();
    const preview = page.getByTestId('grid-preview');
    await preview.getByText('These rooms already exist in GOA1: R01.').waitFor();
    await page.getByRole('button', { name: 'Start at R03 instead' }).click();
    await page.getByLabel('Racks per room').fill('2');
    await page.getByLabel('Shelves per rack').fill('3');
    await preview.getByText('GOA1/R03/K01/S1 … GOA1/R03/K02/S3').waitFor();
    await page.getByRole('button', { name: 'Create 9 locations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Locations' }).waitFor();
    await page.getByRole('link', { name: /^Shelf GOA1\/R03\/K02\/S3: 0 of 6 crates/ }).waitFor();
    // The viewer's tree follows live.
    await viewer.page.getByRole('button', { name: /GOA1\/R03/ }).waitFor(LIVE);
    await storehead.context.close();
  });

  it('finds documents by search and opens their crate', async () => {
    const documents = await apiGet<Page<DocumentRow>>('/api/v1/documents/?page_size=1');
    const doc = documents.results[0];
    if (doc === undefined) {
      throw new Error('The demo data has no documents');
    }
    const page = viewer.page;
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    await page.getByRole('searchbox', { name: /Search/ }).fill(doc.number);
    const row = page.getByTestId(`document-row-${doc.number}`);
    await row.waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid^="document-row-"]').length === 1,
    );
    await row.getByRole('link', { name: `Crate ${doc.crate_code} of ${doc.number}` }).click();
    await page.getByRole('heading', { level: 1, name: doc.crate_code }).waitFor();
  });

  it('reads a crate label with the camera', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strongroom-camera-'));
    const video = join(dir, 'label.y4m');
    const target = (await cratesInStorage()).results[0];
    if (target === undefined) {
      throw new Error('No crate to scan');
    }
    writeQrVideo(target.code, video);
    const camera = await launch([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      const session = await signIn(camera, baseUrl, 'goa1-viewer', password);
      await visit(session.page, '/crates');
      await session.page.getByRole('button', { name: 'Scan with camera' }).click();
      await session.page.getByRole('heading', { level: 1, name: target.code }).waitFor(LIVE);
      expect(new URL(session.page.url()).pathname).toBe(`/crates/${String(target.id)}`);
    } finally {
      await camera.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is usable on a tablet', async () => {
    const tablet = await signIn(browser, baseUrl, 'goa1-unitadmin', password, {
      width: 820,
      height: 1180,
    });
    const screens: [string, string][] = [
      ['/crates', 'Crates'],
      [crateUrl, crate.code],
      ['/locations', 'Locations'],
      ['/documents', 'Documents'],
      ['/locations/new-grid', 'Create a grid of locations'],
    ];
    for (const [path, heading] of screens) {
      await visit(tablet.page, path);
      try {
        await tablet.page.getByRole('heading', { level: 1, name: heading }).waitFor();
      } catch (error) {
        await tablet.page.screenshot({ path: join(tmpdir(), 'strongroom-tablet-failure.png') });
        throw new Error(`${path}: no heading ${heading}`, { cause: error });
      }
      await tablet.page.waitForLoadState('networkidle');
      expect([path, await fitsWidth(tablet)]).toEqual([path, true]);
    }
    await tablet.context.close();
  });
});
