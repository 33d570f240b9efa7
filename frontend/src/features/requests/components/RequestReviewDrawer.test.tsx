import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeActions, makeDocument, makeMe, makeRequest } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { RequestReviewDrawer } from './RequestReviewDrawer';

const SESSION = { body: { username_required: false, expires_at: null, idle_minutes: 30 } };
const DOCUMENTS = {
  body: {
    next: null,
    previous: null,
    results: [
      makeDocument(),
      makeDocument({ id: 12, number: 'BMR-0002', title: 'Batch record 0002' }),
    ],
  },
};

function renderReview(documents: { body: unknown } = DOCUMENTS) {
  const api = stubApi({
    'GET /api/v1/requests/7/': [
      { body: makeRequest({ available_actions: makeActions('approve', 'reject', 'send_back') }) },
    ],
    'GET /api/v1/documents/': [documents],
    'GET /api/v1/auth/signing-session/': [SESSION],
    'POST /api/v1/requests/7/approve/': [{ body: makeRequest({ status: 'APPROVED', version: 2 }) }],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  const onClose = vi.fn();
  const onSigned = vi.fn();
  renderRoute(
    '/',
    '/',
    <RequestReviewDrawer me={makeMe()} requestId={7} onClose={onClose} onSigned={onSigned} />,
  );
  return { api, onClose, onSigned };
}

describe('RequestReviewDrawer (acting on a task from where it is listed)', () => {
  it("shows the request's documents and purpose before the actions", async () => {
    renderReview();
    const drawer = await screen.findByRole('dialog', { name: 'Review REQ-2026-000007' });
    const table = await within(drawer).findByRole('table', { name: 'Documents of the request' });
    expect(table).toHaveTextContent('BMR-0001');
    expect(table).toHaveTextContent('BMR-0002');
    expect(drawer).toHaveTextContent('Purpose: Audit');
    const actions = within(drawer).getByRole('group', { name: 'Actions' });
    // The documents come first in reading order, then what can be signed.
    expect(table.compareDocumentPosition(actions) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(actions).getByRole('button', { name: 'Approve' })).toBeEnabled();
    expect(within(actions).getByRole('button', { name: 'Send back' })).toBeEnabled();
    expect(within(drawer).getByRole('link', { name: /Open the full request/ })).toHaveAttribute(
      'href',
      '/requests/7',
    );
  });

  it('keeps the actions disabled while the documents cannot be shown', async () => {
    renderReview({ status: 500, body: { error: { code: 'x', message: 'Down', details: {} } } } as {
      body: unknown;
    });
    const drawer = await screen.findByRole('dialog', { name: 'Review REQ-2026-000007' });
    expect(
      await within(drawer).findByText('The documents could not be loaded'),
    ).toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Approve' })).toBeDisabled();
  });

  it('signs from the review and then closes it', async () => {
    const { api, onClose, onSigned } = renderReview();
    const drawer = await screen.findByRole('dialog', { name: 'Review REQ-2026-000007' });
    await within(drawer).findByRole('table', { name: 'Documents of the request' });
    await userEvent.click(within(drawer).getByRole('button', { name: 'Approve' }));
    const what = await screen.findByRole('group', { name: 'What you sign' });
    expect(what).toHaveTextContent('REQ-2026-000007');
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(onSigned).toHaveBeenCalledOnce();
    });
    expect(onClose).toHaveBeenCalled();
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.path).toBe('/api/v1/requests/7/approve/');
    expect(post?.body).toMatchObject({ version: 1, signature: { password: 'secret-password' } });
  });

  it('offers nothing to sign when the API serves the caller no action', async () => {
    const api = stubApi({
      'GET /api/v1/requests/7/': [{ body: makeRequest() }],
      'GET /api/v1/documents/': [DOCUMENTS],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute(
      '/',
      '/',
      <RequestReviewDrawer
        me={makeMe({ permissions: ['workflow.view_request'] })}
        requestId={7}
        onClose={vi.fn()}
      />,
    );
    const drawer = await screen.findByRole('dialog', { name: 'Review REQ-2026-000007' });
    expect(
      await within(drawer).findByText('Nothing for you to sign on this request now.'),
    ).toBeInTheDocument();
    expect(within(drawer).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
  });
});
