/**
 * Issue 19: single sign-on with OpenID Connect and signing by re-authentication, in chromium
 * against the real backend and the test provider (scripts/oidc/provider.mjs) the global setup
 * starts. A person known only to the provider signs in through the provider's login page (the
 * groups claim gives them the Approver role in GOA1), then approves a withdrawal: the signature
 * dialog asks for no password but opens the provider in a window for a fresh login bound to that
 * approval, and the request's signature shows their printed name.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { launch } from './browser';
import { apiClient, freeCrate, statusOf } from './flows';
import { OIDC_PROVIDER_NAME, providerAccount } from './oidc-provider';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const issuer = inject('oidcIssuer');
const api = apiClient(baseUrl, password);
const LIVE = { timeout: 20_000 };

const USERNAME = 'oidc-approver';
const FULL_NAME = 'Olivia Federated';
const PROVIDER_PASSWORD = 'provider-side-secret-19';
const GROUP = 'strongroom-goa1-approvers';

/** Fills and submits the test provider's own login page. */
async function providerLogin(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Test identity provider' }).waitFor(LIVE);
  await page.getByLabel('Username').fill(USERNAME);
  await page.getByLabel('Password').fill(PROVIDER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('single sign-on and signing by re-authentication', () => {
  let browser: Browser;
  let requestId: number;

  beforeAll(async () => {
    if (issuer === '') {
      throw new Error('e2e: the backend runs without the test OpenID Connect provider');
    }
    browser = await launch();
    await providerAccount(issuer, USERNAME, {
      password: PROVIDER_PASSWORD,
      name: FULL_NAME,
      groups: [GROUP],
    });
    const units = await api.get<{ results: { id: number; code: string }[] }>(
      'sysadmin',
      '/api/v1/units/',
    );
    const goa1 = units.results.find((unit) => unit.code === 'GOA1');
    if (goa1 === undefined) {
      throw new Error('The demo data has no GOA1 unit');
    }
    await api.post('sysadmin', '/api/v1/directory-group-mappings/', {
      source: 'oidc',
      group: GROUP,
      role: 'Approver',
      units: [goa1.id],
    });
    const crate = await freeCrate(api, { oldest: true });
    const raised = await api.post<{ id: number }>('goa1-manager', '/api/v1/requests/', {
      type: 'WITHDRAWAL',
      crate: crate.id,
      purpose: 'Approved through single sign-on (e2e)',
      expected_return_on: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
      signature: { username: 'goa1-manager', password },
    });
    requestId = raised.id;
  });

  afterAll(async () => {
    await browser.close();
  });

  it('signs in at the provider and approves by confirming identity there', async () => {
    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`/requests/${String(requestId)}`);
    // Sent to sign in, then through the provider's login page and back.
    await page.getByRole('button', { name: `Sign in with ${OIDC_PROVIDER_NAME}` }).click(LIVE);
    await providerLogin(page);
    await page.waitForURL(`${baseUrl}/requests/${String(requestId)}`, LIVE);
    await page.getByTestId('request-status').waitFor(LIVE);
    // The page loaded afresh, as when the signer opens it from a link: the window it opens to
    // re-authenticate must stay its own (Cross-Origin-Opener-Policy of the app's pages).
    await page.reload();
    await page.getByTestId('request-status').waitFor(LIVE);
    expect(await statusOf(page)).toBe('submitted');

    await page
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Approve' })
      .click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', {
      name: `Confirm identity with ${OIDC_PROVIDER_NAME} and approve`,
    });
    await confirm.waitFor(LIVE);
    // No password, no user ID: the provider checks who signs.
    expect(await dialog.getByLabel('Your password').count()).toBe(0);
    expect(await dialog.getByLabel(/^User ID/).count()).toBe(0);
    await dialog.getByLabel(/^Reason/).fill('Checked by single sign-on');
    const opened = context.waitForEvent('page', LIVE);
    await confirm.click();
    const popup = await opened;
    // The provider asks for a fresh login (prompt=login) even with its session still open.
    await providerLogin(popup);
    await popup.waitForEvent('close', LIVE);

    await dialog.waitFor({ state: 'detached', ...LIVE });
    await page.getByText('is now Approved', { exact: false }).waitFor(LIVE);
    expect(await statusOf(page)).toBe('approved');
    const signatures = page.getByRole('table', { name: 'Signatures' });
    const approval = signatures.getByRole('row').filter({ hasText: 'Approved' });
    await approval.waitFor(LIVE);
    expect(await approval.textContent()).toContain(FULL_NAME);
    expect(await approval.textContent()).toContain('Checked by single sign-on');

    const detail = await api.get<{ status: string; signatures: { printed_name: string }[] }>(
      'goa1-manager',
      `/api/v1/requests/${String(requestId)}/`,
    );
    expect(detail.status).toBe('APPROVED');
    expect(detail.signatures.map((signature) => signature.printed_name)).toContain(FULL_NAME);
    await context.close();
  });
});
