import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { Crate } from '@/lib/api/types';
import { makeMe, makeRequest } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, present, stubApi } from '@/test/stub-api';

import { NewDestructionPage } from './NewDestructionPage';

function crate(overrides: Partial<Crate>): Crate {
  return {
    id: 3,
    code: 'GOA1-QC-2026-000007-4',
    unit: 1,
    unit_code: 'GOA1',
    department: 1,
    department_code: 'QC',
    description: 'QC records',
    status: 'IN_STORAGE',
    location: 5,
    location_code: 'GOA1/R01/K01/S1',
    destroy_after: '2020-01-31',
    retain_permanently: false,
    legal_hold: false,
    document_count: 2,
    version: 1,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    ...overrides,
  };
}

const manager = makeMe({
  id: 2,
  full_name: 'Document Manager GOA1',
  permissions: ['workflow.view_request', 'workflow.add_request'],
});

function setUp(createAnswers: { status?: number; body: unknown }[]) {
  const api = stubApi({
    '/api/v1/crates/': [
      {
        body: {
          results: [crate({}), crate({ id: 4, code: 'GOA1-QA-2026-000001-1', legal_hold: true })],
        },
      },
    ],
    '/api/v1/crates/3/': [{ body: { ...crate({}), documents: [] } }],
    'POST /api/v1/requests/': createAnswers,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute(
    '/requests/new/destruction',
    '/requests/new/destruction',
    <NewDestructionPage me={manager} />,
  );
  return api;
}

describe('NewDestructionPage', { timeout: 20_000 }, () => {
  it('lists crates past retention, says why a held one cannot be chosen, and submits signed', async () => {
    const api = setUp([{ status: 201, body: makeRequest({ id: 42, type: 'DESTRUCTION' }) }]);
    const group = await screen.findByRole('radiogroup', { name: 'Crates due for destruction' });
    await screen.findByText('GOA1-QA-2026-000001-1');
    const choices = within(group).getAllByRole('radio');
    expect(choices).toHaveLength(2);
    expect(choices[0]).toHaveAccessibleName('GOA1-QC-2026-000007-4');
    expect(choices[1]).toHaveAccessibleName('GOA1-QA-2026-000001-1');
    expect(choices[1]).toBeDisabled();
    expect(choices[1]).toHaveAccessibleDescription(/On legal hold/);

    // A labelled radio button, chosen from the keyboard; Next goes on with it.
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    present(choices[0]).focus();
    await userEvent.keyboard(' ');
    expect(choices[0]).toBeChecked();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Two signatures at destruction')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    // Without the password nothing is sent.
    expect(api.calls.some((call) => call.method === 'POST')).toBe(false);
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));

    expect(await screen.findByText('Request page 42')).toBeInTheDocument();
    const created = api.calls.find((call) => call.method === 'POST');
    expect(created?.body).toEqual({
      type: 'DESTRUCTION',
      crate: 3,
      purpose: 'Retention period ended',
      signature: { password: 'secret-password' },
    });
    expect(created?.headers.get('Idempotency-Key')).toMatch(/.{8,}/);
    const listed = api.calls.find((call) => call.path === '/api/v1/crates/');
    const query = new URLSearchParams(listed?.search);
    expect(query.get('status')).toBe('IN_STORAGE');
    expect(query.get('legal_hold')).toBe('false');
    expect(query.get('retain_permanently')).toBe('false');
    expect(query.get('destroy_after_to')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("shows the server's refusal and keeps the same idempotency key for the retry", async () => {
    const api = setUp([
      {
        status: 409,
        body: envelope('crate_has_open_request', 'This crate already has an open request.'),
      },
      { status: 201, body: makeRequest({ id: 43, type: 'DESTRUCTION' }) },
    ]);
    await userEvent.click(await screen.findByRole('radio', { name: 'GOA1-QC-2026-000007-4' }));
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This crate already has an open request.',
    );
    // A conflict is not about the password: it stays as typed for the retry.
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(await screen.findByText('Request page 43')).toBeInTheDocument();
    const posts = api.calls.filter((call) => call.method === 'POST');
    await waitFor(() => {
      expect(posts).toHaveLength(2);
    });
    expect(posts[0]?.headers.get('Idempotency-Key')).toBe(posts[1]?.headers.get('Idempotency-Key'));
  });

  it('goes back to the field the server refused, its message on it, keeping what was typed', async () => {
    setUp([
      {
        status: 400,
        body: envelope('purpose_required', 'Say what the request is for.', {
          purpose: ['Required.'],
        }),
      },
    ]);
    await userEvent.click(await screen.findByRole('radio', { name: /GOA1-QC-2026-000007-4/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    const purpose = await screen.findByLabelText(/^Purpose/);
    await userEvent.clear(purpose);
    await userEvent.type(purpose, 'End of retention, per SOP-12');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));

    const refused = await screen.findByLabelText(/^Purpose/);
    await waitFor(() => {
      expect(refused).toHaveAccessibleDescription('Required.');
    });
    expect(refused).toHaveValue('End of retention, per SOP-12');
    await waitFor(() => {
      expect(refused).toHaveFocus();
    });
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
  });
});
