import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe, makeRequest } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, stubApi } from '@/test/stub-api';

import { EditRequestPage } from './EditRequestPage';

const requester = makeMe({
  id: 2,
  full_name: 'Document Manager GOA1',
  permissions: ['workflow.view_request', 'workflow.add_request'],
});

const sentBack = makeRequest({
  status: 'SENT_BACK',
  version: 3,
  requester: 2,
  purpose: 'Audit',
  expected_return_on: '2099-12-01',
  send_backs: [
    {
      id: 1,
      sent_by: 5,
      sent_by_name: 'Approver GOA1',
      reason: 'Name the audit.',
      sent_at: '2026-11-23T04:00:00Z',
      from_status: 'SUBMITTED',
      response: '',
      resolved_at: null,
    },
  ],
});
const edited = { ...sentBack, version: 4, purpose: 'FDA audit of line 3' };
const resubmitted = { ...edited, status: 'SUBMITTED' as const, version: 5 };
const crate = { id: 3, location: 5, documents: [] };

function setUp(resubmitAnswers: { status?: number; body: unknown }[], me = requester) {
  const api = stubApi({
    'GET /api/v1/requests/7/': [{ body: sentBack }],
    'PATCH /api/v1/requests/7/': [{ body: edited }],
    'POST /api/v1/requests/7/resubmit/': resubmitAnswers,
    '/api/v1/crates/3/': [{ body: crate }],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute('/requests/:requestId/edit', '/requests/7/edit', <EditRequestPage me={me} />);
  return api;
}

async function fillAndSign(password: string) {
  fireEvent.change(screen.getByLabelText(/Your response to the send-back/), {
    target: { value: 'Named it.' },
  });
  fireEvent.change(screen.getByLabelText(/Your password/), { target: { value: password } });
  await userEvent.click(screen.getByRole('button', { name: 'Sign and resubmit' }));
}

describe('EditRequestPage', { timeout: 20_000 }, () => {
  it('shows the send-back, saves the corrections, then resubmits with the new version', async () => {
    const api = setUp([{ body: resubmitted }]);
    expect(await screen.findByTestId('send-back-reason')).toHaveTextContent('Name the audit.');
    fireEvent.change(screen.getByLabelText(/^Purpose/), {
      target: { value: 'FDA audit of line 3' },
    });
    await fillAndSign('secret-password');
    expect(await screen.findByText('Request page 7')).toBeInTheDocument();

    const writes = api.calls.filter((call) => call.method !== 'GET');
    expect(writes.map((call) => `${call.method} ${call.path}`)).toEqual([
      'PATCH /api/v1/requests/7/',
      'POST /api/v1/requests/7/resubmit/',
    ]);
    expect(writes[0]?.body).toEqual({ version: 3, purpose: 'FDA audit of line 3' });
    expect(writes[1]?.body).toEqual({
      version: 4,
      reason: 'Named it.',
      signature: { password: 'secret-password' },
    });
  });

  it('keeps saved corrections when the signature is refused; the retry only signs', async () => {
    const api = setUp([
      {
        status: 403,
        body: envelope('invalid_signature', 'The signature password is not correct.'),
      },
      { body: resubmitted },
    ]);
    await screen.findByTestId('send-back-reason');
    fireEvent.change(screen.getByLabelText(/^Purpose/), {
      target: { value: 'FDA audit of line 3' },
    });
    await fillAndSign('wrong');
    const alert = (await screen.findByText(/The signature password is not correct\./)).closest(
      '[role=alert]',
    );
    expect(alert).toHaveTextContent('Not resubmitted');
    expect(alert).toHaveTextContent('Your corrections are saved; sign again to resubmit.');
    expect(screen.getByLabelText(/Your password/)).toHaveValue('');

    fireEvent.change(screen.getByLabelText(/Your password/), {
      target: { value: 'secret-password' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Sign and resubmit' }));
    expect(await screen.findByText('Request page 7')).toBeInTheDocument();
    const writes = api.calls.filter((call) => call.method !== 'GET');
    expect(writes.map((call) => call.method)).toEqual(['PATCH', 'POST', 'POST']);
    expect(writes[2]?.body).toMatchObject({ version: 4 });
  });

  it('asks for a response to the send-back before signing', async () => {
    const api = setUp([{ body: resubmitted }]);
    await screen.findByTestId('send-back-reason');
    fireEvent.change(screen.getByLabelText(/Your password/), {
      target: { value: 'secret-password' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Sign and resubmit' }));
    expect(
      await screen.findByText('Answer the send-back: what did you correct?'),
    ).toBeInTheDocument();
    await waitFor(() => {
      expect(api.calls.every((call) => call.method === 'GET')).toBe(true);
    });
  });

  it('is closed to anyone but the requester', async () => {
    setUp([], makeMe({ id: 9, permissions: ['workflow.view_request', 'workflow.add_request'] }));
    expect(await screen.findByText('Not open for correction')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign and resubmit' })).not.toBeInTheDocument();
  });
});
