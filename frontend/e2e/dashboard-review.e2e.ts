/**
 * Issue 16, item 7: an Approver acts on a task from the dashboard's "My tasks" without opening
 * the request page — the review lists the request's documents first, then the signed actions.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { FRONTEND_DIR } from './backend';
import { launch, signIn, type Session } from './browser';
import { apiClient, freeCrate } from './flows';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const SCREENSHOTS = resolve(FRONTEND_DIR, '..', 'docs', 'screenshots');
const api = apiClient(baseUrl, password);

/** A withdrawal raised (and signed) by the Document Manager through the API. */
async function raiseWithdrawal(): Promise<{ id: number; number: string }> {
  const crate = await freeCrate(api);
  return api.post<{ id: number; number: string }>('goa1-manager', '/api/v1/requests/', {
    type: 'WITHDRAWAL',
    crate: crate.id,
    purpose: 'Reviewed from the dashboard (e2e)',
    expected_return_on: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
    signature: { username: 'goa1-manager', password },
  });
}

describe('acting on a task from the dashboard', () => {
  let browser: Browser;
  let approver: Session;

  beforeAll(async () => {
    browser = await launch();
    approver = await signIn(browser, baseUrl, 'goa1-approver', password);
  });

  afterAll(async () => {
    await browser.close();
  });

  it('reviews the documents, then approves from the task list', async () => {
    const raised = await raiseWithdrawal();
    const page = approver.page;
    await page.reload();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await page.getByRole('button', { name: `Review ${raised.number}` }).click();

    const drawer = page.getByRole('dialog', { name: `Review ${raised.number}` });
    const documents = drawer.getByRole('table', { name: 'Documents of the request' });
    await documents.waitFor();
    expect(await documents.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await drawer.innerText()).toContain('Reviewed from the dashboard (e2e)');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'task-review.png') });

    await drawer
      .getByRole('group', { name: 'Actions' })
      .getByRole('button', { name: 'Approve' })
      .click();
    const dialog = page.getByRole('dialog', { name: /Approve/ });
    expect(await dialog.getByRole('group', { name: 'What you sign' }).innerText()).toContain(
      raised.number,
    );
    await dialog.getByLabel(/^User ID/).fill('goa1-approver');
    await dialog.getByLabel('Your password').fill(password);
    await dialog.getByRole('button', { name: 'Sign and approve' }).click();
    await drawer.waitFor({ state: 'detached' });

    const after = await api.get<{ status: string }>(
      'goa1-approver',
      `/api/v1/requests/${String(raised.id)}/`,
    );
    expect(after.status).toBe('APPROVED');
    // The task left the list.
    await page
      .getByRole('button', { name: `Review ${raised.number}` })
      .waitFor({ state: 'detached', timeout: 15_000 });
  });
});
