import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';

import type { Me } from '@/lib/api/types';
import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { makeCrate } from './crate-fixture';
import { CrateDetailPage } from './CrateDetailPage';

const VIEWER = makeMe({
  full_name: 'Viewer GOA1',
  role: 'Viewer',
  permissions: ['records.view_crate', 'workflow.view_request', 'storage.view_location'],
});
const UNIT_ADMIN = makeMe({
  full_name: 'Unit Admin GOA1',
  role: 'Unit Admin',
  permissions: [
    'records.view_crate',
    'workflow.view_request',
    'storage.view_location',
    'records.place_legal_hold',
    'records.print_label',
  ],
});

const OPEN_REQUESTS = {
  next: null,
  previous: null,
  results: [
    {
      id: 12,
      number: 'REQ-2026-000012',
      type: 'WITHDRAWAL',
      status: 'APPROVED',
      crate: 5,
      crate_code: 'GOA1-QA-2026-000005-2',
    },
  ],
};

function renderPage(me: Me) {
  return renderWithProviders(
    <MemoryRouter initialEntries={['/crates/5']}>
      <Routes>
        <Route path="/crates/:crateId" element={<CrateDetailPage me={me} />} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('CrateDetailPage', () => {
  it('shows documents, location, open request and history, and a viewer no actions', async () => {
    mockFetch({
      '/api/v1/crates/5/': { body: makeCrate() },
      '/api/v1/requests/': { body: OPEN_REQUESTS },
    });
    renderPage(VIEWER);
    expect(
      await screen.findByRole('heading', { name: 'GOA1-QA-2026-000005-2' }),
    ).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Actions' })).queryAllByRole('button')).toEqual(
      [],
    );
    expect(screen.getByRole('link', { name: 'GOA1/R01/K01/S1' })).toHaveAttribute(
      'href',
      '/locations/9',
    );
    expect(screen.getByText('Batch record 1')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'REQ-2026-000012' })).toHaveAttribute(
      'href',
      '/requests/12',
    );
    expect(screen.getByText('Crate created')).toBeInTheDocument();
    expect(screen.getByTestId('legal-hold')).toHaveTextContent('Not on legal hold.');
  });

  it('says a crate whose document waits for its event date is pending, not dated', async () => {
    const crate = makeCrate();
    const [document] = crate.documents;
    if (document === undefined) {
      throw new Error('the crate fixture has a document');
    }
    mockFetch({
      '/api/v1/crates/5/': {
        body: makeCrate({
          destroy_after: null,
          documents: [{ ...document, retention_until: null, retention_basis: 'PENDING_EVENT' }],
        }),
      },
      '/api/v1/requests/': { body: OPEN_REQUESTS },
    });
    renderPage(VIEWER);
    expect(
      await screen.findByText('Pending event (a document waits for its event date)'),
    ).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: 'Pending event' })).toBeInTheDocument();
  });

  it("links a request's tag in the history to the request", async () => {
    const crate = makeCrate();
    mockFetch({
      '/api/v1/crates/5/': {
        body: makeCrate({
          history: [
            {
              id: 41,
              at: '2026-11-23T04:00:00Z',
              actor_username: 'goa1-approver',
              action: 'request.approve',
              object_type: 'request',
              object_id: '168',
              changes: { status: ['SUBMITTED', 'APPROVED'] },
              reason: '',
            },
            ...crate.history,
          ],
        }),
      },
      '/api/v1/requests/': { body: OPEN_REQUESTS },
    });
    renderPage(VIEWER);
    expect(await screen.findByRole('link', { name: 'Request 168' })).toHaveAttribute(
      'href',
      '/requests/168',
    );
    expect(screen.getByText('Crate')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Crate' })).not.toBeInTheDocument();
  });

  it('lets a unit admin place a legal hold through the signature dialog', async () => {
    const held = makeCrate({
      legal_hold: true,
      legal_hold_reason: 'Litigation 2026-17',
      legal_hold_by_name: 'Unit Admin GOA1',
      legal_hold_at: '2026-11-23T04:00:00Z',
      version: 4,
    });
    const { fetchMock } = mockFetch({
      '/api/v1/crates/5/': { body: makeCrate() },
      '/api/v1/requests/': { body: { next: null, previous: null, results: [] } },
      '/api/v1/crates/5/hold/': { body: held },
    });
    renderPage(UNIT_ADMIN);
    const actions = await screen.findByRole('group', { name: 'Actions' });
    expect(within(actions).getByRole('button', { name: 'Print label' })).toBeInTheDocument();
    await userEvent.click(within(actions).getByRole('button', { name: 'Place legal hold' }));

    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Signing as Unit Admin GOA1');
    expect(within(dialog).getByTestId('signature-meaning')).toHaveTextContent('Legal hold placed');
    // A reason is required before anything is sent.
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and place the hold' }));
    expect(await within(dialog).findByText('A reason is required')).toBeInTheDocument();

    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Litigation 2026-17');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and place the hold' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    const post = fetchMock.mock.calls
      .map(([input]) => input as Request)
      .find((request) => request.method === 'POST');
    expect(new URL(post?.url ?? '').pathname).toBe('/api/v1/crates/5/hold/');
    expect(await post?.json()).toEqual({
      version: 3,
      reason: 'Litigation 2026-17',
      signature: { password: 'secret-password' },
    });
    expect(screen.getByTestId('legal-hold')).toHaveTextContent('Litigation 2026-17');
    expect(screen.getByTestId('legal-hold-badge')).toBeInTheDocument();
    expect(
      within(screen.getByRole('group', { name: 'Actions' })).getByRole('button', {
        name: 'Release legal hold',
      }),
    ).toBeInTheDocument();
  });

  it('keeps the dialog open with the server’s refusal and changes nothing', async () => {
    mockFetch({
      '/api/v1/crates/5/': { body: makeCrate() },
      '/api/v1/requests/': { body: { next: null, previous: null, results: [] } },
      '/api/v1/crates/5/hold/': {
        status: 403,
        body: {
          error: {
            code: 'invalid_signature',
            message: 'The signature password is not correct.',
            details: {},
            request_id: 'r',
          },
        },
      },
    });
    renderPage(UNIT_ADMIN);
    await userEvent.click(await screen.findByRole('button', { name: 'Place legal hold' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Audit');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'wrong');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and place the hold' }));
    expect(await within(dialog).findByText('The signature password is not correct.')).toBeVisible();
    expect(within(dialog).getByLabelText(/Your password/)).toHaveValue('');
    expect(screen.getByTestId('legal-hold')).toHaveTextContent('Not on legal hold.');
  });

  it("puts a refused reason's message on it and keeps the reason and password typed", async () => {
    mockFetch({
      '/api/v1/crates/5/': { body: makeCrate() },
      '/api/v1/requests/': { body: { next: null, previous: null, results: [] } },
      '/api/v1/crates/5/hold/': {
        status: 400,
        body: {
          error: {
            code: 'validation_error',
            message: 'The submitted data is not valid.',
            details: { reason: ['Ensure this field has no more than 2000 characters.'] },
            request_id: 'r',
          },
        },
      },
    });
    renderPage(UNIT_ADMIN);
    await userEvent.click(await screen.findByRole('button', { name: 'Place legal hold' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Litigation 2026-17');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and place the hold' }));
    const reason = within(dialog).getByLabelText(/^Reason/);
    await waitFor(() => {
      expect(reason).toHaveAccessibleDescription(
        'Ensure this field has no more than 2000 characters.',
      );
    });
    expect(reason).toHaveValue('Litigation 2026-17');
    expect(within(dialog).getByLabelText(/Your password/)).toHaveValue('secret-password');
  });

  it("offers a destroyed crate's destruction certificate and links its request", async () => {
    const searches: URLSearchParams[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((request: Request) => {
        const url = new URL(request.url);
        const json = (body: unknown) =>
          Promise.resolve(
            new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } }),
          );
        if (url.pathname === '/api/v1/crates/5/') {
          return json(
            makeCrate({ status: 'DESTROYED', location: null, location_code: null, documents: [] }),
          );
        }
        if (url.pathname === '/api/v1/requests/') {
          searches.push(url.searchParams);
          const destruction = url.searchParams.get('type') === 'DESTRUCTION';
          return json({
            next: null,
            previous: null,
            results: destruction
              ? [{ id: 31, number: 'REQ-2026-000031', type: 'DESTRUCTION', status: 'COMPLETED' }]
              : [],
          });
        }
        return Promise.resolve(new Response('Not Found', { status: 404 }));
      }),
    );
    renderPage(VIEWER);
    const found = await screen.findByTestId('crate-destruction');
    expect(within(found).getByRole('link', { name: 'REQ-2026-000031' })).toHaveAttribute(
      'href',
      '/requests/31',
    );
    expect(
      within(found).getByRole('button', { name: 'Download destruction certificate' }),
    ).toBeInTheDocument();
    const asked = searches.find((params) => params.get('type') === 'DESTRUCTION');
    expect(asked?.getAll('status')).toEqual(['COMPLETED']);
    expect(asked?.get('crate')).toBe('5');
  });
});
