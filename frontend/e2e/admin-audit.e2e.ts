/**
 * Administration, audit trail and the transfer / destruction / correction flows, in chromium
 * against the real backend with demo data:
 * - a System Administrator creates a user and sees the one-time password exactly once (and it
 *   works), then finds the creation in the audit trail, exports it as CSV and verifies the chain;
 * - a Document Manager raises a transfer and a destruction through their wizards, and both
 *   appear in the requests list;
 * - an Approver sends the transfer back; the requester corrects and resubmits it, signed, and
 *   the signatures given before the correction show "Superseded by version N";
 * - a sent-back storage request has a misspelt document title corrected on its one action,
 *   "Correct and resubmit", and is resubmitted.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FRONTEND_DIR } from './backend';
import { launch, signIn, type Session } from './browser';
import { apiClient, freeCrateCode, statusOf } from './flows';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const LIVE = { timeout: 15_000 };
const SCREENSHOTS = resolve(FRONTEND_DIR, '..', 'docs', 'screenshots');
const api = apiClient(baseUrl, password);

interface Page_<T> {
  results: T[];
}
interface RequestRow {
  id: number;
  crate: number;
  type: string;
  status: string;
  version: number;
  requester: number;
}

async function token(username: string, secret: string): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/auth/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: secret }),
  });
}

async function requestNumberOf(page: Page): Promise<string> {
  const heading = page.getByRole('heading', { level: 1, name: /^REQ-/ });
  await heading.waitFor(LIVE);
  return (await heading.innerText()).trim();
}

function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe('administration and the audit trail', () => {
  let browser: Browser;
  let admin: Session;
  const username = `e2e-user-${String(Date.now()).slice(-6)}`;
  let oneTimePassword = '';

  beforeAll(async () => {
    browser = await launch();
    admin = await signIn(browser, baseUrl, 'sysadmin', password);
  });

  afterAll(async () => {
    await browser.close();
  });

  it('creates a user and shows the one-time password exactly once', async () => {
    const page = admin.page;
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');

    // The server's field errors land on the fields.
    await dialog.getByLabel('Username').fill('sysadmin');
    await dialog.getByLabel(/^Full name/).fill('Someone');
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Viewer', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Units' }).click();
    await page.getByRole('option', { name: 'GOA1', exact: true }).click();
    await dialog.getByLabel(/^E-mail/).click(); // closes the units dropdown
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText(/already (exists|used)/i).waitFor(LIVE);

    await dialog.getByLabel('Username').fill(username);
    await dialog.getByLabel(/^Full name/).fill('E2E Viewer');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const shown = dialog.getByTestId('one-time-password');
    await shown.waitFor(LIVE);
    oneTimePassword = (await shown.innerText()).trim();
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(12);

    await dialog.getByRole('button', { name: /^Done/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId(`user-row-${username}`).waitFor(LIVE);
    expect(await page.getByTestId(`user-row-${username}`).textContent()).toContain(
      'Must change password',
    );
    // Gone for good: not on the page, and the edit dialog does not show it either.
    expect(await page.content()).not.toContain(oneTimePassword);
    await page.getByRole('button', { name: `Edit ${username}` }).click();
    await page.getByRole('dialog').getByText(`Username: ${username}`).waitFor();
    expect(await page.content()).not.toContain(oneTimePassword);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // It is a real password: the new user can sign in with it (and must change it).
    const login = await token(username, oneTimePassword);
    expect(login.status).toBe(200);
    const session = (await login.json()) as { user: { must_change_password: boolean } };
    expect(session.user.must_change_password).toBe(true);
  });

  it('shows the creation in the audit trail, exports it and verifies the chain', async () => {
    const page = admin.page;
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('table', { name: 'Audit events' }).waitFor();
    await page.getByRole('combobox', { name: 'Action' }).fill('user.create');
    await page.keyboard.press('Escape');
    await page.waitForURL(/action=user\.create/, LIVE);

    const table = page.getByRole('table', { name: 'Audit events' });
    const first = table.locator('tbody tr').first();
    await first.getByText('user.create').waitFor(LIVE);
    await first.getByRole('button', { name: /^Details of event/ }).click();
    await table
      .getByRole('table', { name: /^Changes of event/ })
      .getByText(username)
      .waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV (oldest first)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('audit-trail-oldest-first.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toContain('actor_username');
    expect(csv).toContain('user.create');
    expect(csv).toContain(username);
    expect(csv).not.toContain('auth.login,'); // the filter applied to the export too

    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByTestId('chain-status').getByText('Valid').waitFor(LIVE);
    expect(await page.getByTestId('chain-checked').innerText()).toMatch(/[1-9][\d,]* events/);
    await page.getByText(/Last verified: .* by sysadmin/).waitFor(LIVE);
  });

  it('fits a tablet and hides administration from roles without it', async () => {
    const tablet = await signIn(browser, baseUrl, 'goa1-unitadmin', password, {
      width: 820,
      height: 1180,
    });
    for (const path of ['/administration/users', '/administration/departments', '/audit']) {
      await tablet.page.goto(path);
      await tablet.page.getByRole('heading', { level: 1 }).waitFor();
      await tablet.page.getByRole('table').first().waitFor();
      expect(await fitsWidth(tablet.page)).toBe(true);
    }
    // A Unit Admin reads the trail of their unit but does not verify the chain.
    expect(await tablet.page.getByRole('button', { name: 'Verify now' }).count()).toBe(0);
    await tablet.context.close();

    const viewer = await signIn(browser, baseUrl, 'goa1-viewer', password);
    expect(await viewer.page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    expect(await viewer.page.getByRole('link', { name: 'New transfer' }).count()).toBe(0);
    await viewer.context.close();
  });
});

describe('transfer, destruction and correction of a sent-back request', () => {
  let browser: Browser;
  let manager: Session;
  let approver: Session;
  let transferUrl = '';
  let transferNumber = '';
  let destructionUrl = '';
  let destructionNumber = '';

  beforeAll(async () => {
    browser = await launch();
    [manager, approver] = await Promise.all([
      signIn(browser, baseUrl, 'goa1-manager', password),
      signIn(browser, baseUrl, 'goa1-approver', password),
    ]);
  });

  afterAll(async () => {
    await browser.close();
  });

  it('raises a transfer through its wizard; it appears in the requests list', async () => {
    const page = manager.page;
    const code = await freeCrateCode(api, { oldest: true });
    await page.getByRole('navigation').getByRole('link', { name: 'New transfer' }).click();
    await page.getByLabel('Crate code or search').fill(code);
    await page.getByLabel('Crate code or search').press('Enter');
    await page.getByRole('combobox', { name: 'Target shelf' }).click();
    const options = page.locator('[role=option]:not([data-combobox-disabled])');
    await options.first().waitFor(LIVE);
    await options.last().click();
    await page.getByLabel(/^Purpose/).fill('Move to the secure room (e2e)');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`Transfer ${code} from`).waitFor();
    // The manager's first signature of this session: user ID and password (11.200(a)).
    await page.getByLabel(/^User ID/).fill('goa1-manager');
    await page.getByLabel(/^Your password/).fill(password);
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    transferNumber = await requestNumberOf(page);
    transferUrl = new URL(page.url()).pathname;
    expect(await statusOf(page)).toContain('submitted');

    await page.getByRole('link', { name: 'Requests', exact: true }).click();
    await page.getByTestId(`request-row-${transferNumber}`).waitFor(LIVE);
    expect(await page.getByTestId(`request-row-${transferNumber}`).innerText()).toContain(
      'Transfer',
    );
  });

  it('raises a destruction through its wizard; it appears in the requests list', async () => {
    // The demo's only crate past retention already has an open destruction request: its
    // requester cancels that one first (signed), which frees the crate.
    const open = await api.get<Page_<RequestRow>>(
      'goa1-manager',
      '/api/v1/requests/?type=DESTRUCTION&status=SUBMITTED',
    );
    for (const request of open.results) {
      await api.post('goa1-manager', `/api/v1/requests/${String(request.id)}/cancel/`, {
        version: request.version,
        reason: 'Raised again through the wizard (e2e)',
        signature: { username: 'goa1-manager', password },
      });
    }

    const page = manager.page;
    await page.getByRole('navigation').getByRole('link', { name: 'New destruction' }).click();
    const choices = page.getByRole('radiogroup', { name: 'Crates due for destruction' });
    const candidate = choices.getByRole('radio', { disabled: false }).first();
    await candidate.waitFor(LIVE);
    // The radio button's label is the crate code.
    const code = await candidate.evaluate(
      (input) => (input as HTMLInputElement).labels?.[0]?.textContent.trim() ?? '',
    );
    await candidate.check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Two signatures at destruction').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`Destroy ${code}`).waitFor();
    await page.getByLabel(/^Your password/).fill(password);
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    const number = await requestNumberOf(page);
    expect(await statusOf(page)).toContain('submitted');
    destructionUrl = new URL(page.url()).pathname;
    destructionNumber = number;

    await page.goto('/requests?type=DESTRUCTION');
    await page.getByTestId(`request-row-${number}`).waitFor(LIVE);
  });

  it('offers the certificate of the completed destruction, downloaded with the session', async () => {
    // Approved and destroyed (with a witness) outside the browser, as those users would sign.
    const id = destructionUrl.split('/').at(-1) ?? '';
    const submitted = await api.get<RequestRow>('goa1-approver2', `/api/v1/requests/${id}/`);
    const approved = await api.post<RequestRow>(
      'goa1-approver2',
      `/api/v1/requests/${id}/approve/`,
      {
        version: submitted.version,
        reason: '',
        signature: { username: 'goa1-approver2', password },
      },
    );
    const destroyed = await api.post<RequestRow>(
      'goa1-storehead',
      `/api/v1/requests/${id}/destroy/`,
      {
        version: approved.version,
        reason: '',
        signature: { username: 'goa1-storehead', password },
        witness: { username: 'goa1-approver', password },
      },
    );
    expect(destroyed.status).toBe('COMPLETED');

    const page = manager.page;
    await page.goto(destructionUrl);
    await page.getByRole('heading', { level: 1, name: destructionNumber }).waitFor(LIVE);
    const offer = page
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Download destruction certificate' });
    const [download] = await Promise.all([page.waitForEvent('download'), offer.click()]);
    expect(download.suggestedFilename()).toBe(`${destructionNumber}-certificate.pdf`);
    expect(
      readFileSync(await download.path())
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('%PDF');

    // The destroyed crate's page offers it too, with a link to the request.
    await page.goto(`/crates/${String(destroyed.crate)}`);
    const onCrate = page.getByTestId('crate-destruction');
    await onCrate.getByRole('link', { name: destructionNumber }).waitFor(LIVE);
    const [again] = await Promise.all([
      page.waitForEvent('download'),
      onCrate.getByRole('button', { name: 'Download destruction certificate' }).click(),
    ]);
    expect(
      readFileSync(await again.path())
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('%PDF');
  });

  it('is sent back, corrected and resubmitted with a signature', async () => {
    const page = approver.page;
    await page.goto(transferUrl);
    await page.getByRole('heading', { name: transferNumber }).waitFor();
    await page
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Send back' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Reason/).fill('Say which audit this move is for.');
    await dialog.getByLabel(/^User ID/).fill('goa1-approver');
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: /^Sign and / }).click();
    await page.getByTestId('request-status').getByText('Sent back').waitFor(LIVE);

    const requester = manager.page;
    await requester.goto(transferUrl);
    await requester.getByTestId('request-status').getByText('Sent back').waitFor(LIVE);
    await requester.getByRole('link', { name: 'Correct and resubmit' }).click();
    await requester
      .getByTestId('send-back-reason')
      .getByText('Say which audit this move is for.')
      .waitFor();
    await requester.getByLabel(/^Purpose/).fill('Move to the secure room for the FDA audit (e2e)');
    // Without a response and a password nothing is sent.
    await requester.getByRole('button', { name: 'Sign and resubmit' }).click();
    await requester.getByText('Answer the send-back: what did you correct?').waitFor();
    await requester
      .getByLabel(/^Your response to the send-back/)
      .fill('Named the audit in the purpose.');
    await requester.getByLabel(/^Your password/).fill(password);
    await requester.getByRole('button', { name: 'Sign and resubmit' }).click();

    await requester.getByRole('heading', { level: 1, name: transferNumber }).waitFor(LIVE);
    expect(await statusOf(requester)).toContain('submitted');
    // The corrected purpose, in the details (the timeline lists it as a changed field too).
    await requester
      .getByRole('region', { name: 'Details' })
      .getByText('Move to the secure room for the FDA audit (e2e)')
      .waitFor();
    await requester
      .getByRole('region', { name: 'Send-backs' })
      .getByText(/Resolved .*Named the audit in the purpose\./)
      .waitFor(LIVE);
    // The signatures given before the edit signed the earlier version: superseded, not invalid.
    const signatures = requester.getByRole('table', { name: 'Signatures' });
    const row = (meaning: RegExp) => signatures.getByRole('row').filter({ hasText: meaning });
    await row(/^Submitted/)
      .getByText(/^Superseded by version \d+$/)
      .waitFor(LIVE);
    await row(/^Sent back/)
      .getByText(/^Superseded by version \d+$/)
      .waitFor(LIVE);
    await row(/^Resubmitted/)
      .getByText('Valid', { exact: true })
      .waitFor(LIVE);
    // The approver's screen follows live.
    await approver.page.getByTestId('request-status').getByText('Submitted').waitFor(LIVE);
  });

  it('corrects a misspelt document title of a sent-back storage request', async () => {
    const departments = await api.get<Page_<{ id: number; unit_code: string }>>(
      'goa1-manager',
      '/api/v1/departments/?page_size=100',
    );
    const department = departments.results.find((d) => d.unit_code === 'GOA1');
    if (department === undefined) {
      throw new Error('The demo data has no GOA1 department');
    }
    const number = `E2E-${String(Date.now()).slice(-6)}-1`;
    const created = await api.post<RequestRow>('goa1-manager', '/api/v1/requests/', {
      type: 'STORAGE',
      purpose: 'Archive the line 4 batch records (e2e)',
      department: department.id,
      new_documents: [
        {
          number,
          title: 'Batch recrod line 4',
          doc_type: 'BMR',
          prepared_on: '2026-07-01',
          retention_until: '2036-12-31',
        },
      ],
      signature: { username: 'goa1-manager', password },
    });
    await api.post('goa1-approver', `/api/v1/requests/${String(created.id)}/send-back/`, {
      version: created.version,
      reason: 'The title of the batch record is misspelt.',
      signature: { username: 'goa1-approver', password },
    });

    const page = manager.page;
    await page.goto(`/requests/${String(created.id)}`);
    await page.getByTestId('request-status').getByText('Sent back').waitFor(LIVE);
    const actions = page.getByRole('group', { name: 'Actions' });
    await actions.getByRole('link', { name: 'Correct and resubmit' }).waitFor();
    expect(await actions.getByRole('button', { name: 'Resubmit', exact: true }).count()).toBe(0);
    await actions.getByRole('link', { name: 'Correct and resubmit' }).click();

    const title = page.getByLabel('Document 1 title');
    await title.waitFor(LIVE);
    expect(await title.inputValue()).toBe('Batch recrod line 4');
    await title.fill('Batch record line 4');
    await page.getByLabel(/^Your response to the send-back/).fill('Corrected the title.');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.getByRole('heading', { name: /^Documents/ }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(SCREENSHOTS, 'correct-sent-back.png') });
    const signerId = page.getByLabel(/^User ID/);
    if (await signerId.isVisible()) {
      await signerId.fill('goa1-manager');
    }
    await page.getByLabel(/^Your password/).fill(password);
    await page.getByRole('button', { name: 'Sign and resubmit' }).click();

    await page.getByTestId('request-status').getByText('Submitted').waitFor(LIVE);
    await page
      .getByRole('table', { name: 'Documents of the request' })
      .getByText('Batch record line 4')
      .waitFor(LIVE);
    const signatures = page.getByRole('table', { name: 'Signatures' });
    await signatures
      .getByRole('row')
      .filter({ hasText: /^Submitted/ })
      .getByText(/^Superseded by version \d+$/)
      .waitFor(LIVE);
    await signatures
      .getByRole('row')
      .filter({ hasText: /^Resubmitted/ })
      .getByText('Valid', { exact: true })
      .waitFor(LIVE);
  });
});
