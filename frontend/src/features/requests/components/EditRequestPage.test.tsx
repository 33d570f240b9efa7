import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeActions, makeMe, makeRequest } from '@/test/fixtures';
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
  available_actions: makeActions('resubmit', 'cancel'),
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

function setUp(
  resubmitAnswers: { status?: number; body: unknown }[],
  me = requester,
  detail = sentBack,
) {
  const api = stubApi({
    'GET /api/v1/requests/7/': [{ body: detail }],
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
        body: envelope('signature_invalid', 'The signature password is not correct.', {
          signature: { password: ['Wrong password.'] },
        }),
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
    // The API offers anyone else no "resubmit".
    setUp([], makeMe({ id: 9, permissions: ['workflow.view_request', 'workflow.add_request'] }), {
      ...sentBack,
      available_actions: [],
    });
    expect(await screen.findByText('Not open for correction')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign and resubmit' })).not.toBeInTheDocument();
  });

  describe('a storage request', () => {
    const storageSentBack = { ...sentBack, type: 'STORAGE' as const, expected_return_on: null };
    const storageEdited = { ...storageSentBack, version: 4 };
    const storageResubmitted = { ...storageEdited, status: 'SUBMITTED' as const, version: 5 };
    const document = (id: number, number: string, title: string) => ({
      id,
      number,
      title,
      doc_type: 1,
      doc_type_code: 'BMR',
      doc_type_name: 'Batch Record',
      department: 1,
      department_code: 'QA',
      prepared_on: '2026-07-01',
      retention_until: '2036-12-31',
      retain_permanently: false,
      status: 'ACTIVE',
      attachment_count: 0,
    });
    const pendingCrate = {
      id: 3,
      location: null,
      documents: [document(21, 'BMR-1', 'Batch recrod 1'), document(22, 'BMR-2', 'Batch 2')],
    };

    function setUpStorage(
      patchAnswers: { status?: number; body: unknown }[],
      resubmitAnswers: { status?: number; body: unknown }[] = [{ body: storageResubmitted }],
      crateAnswers: { body: unknown }[] = [{ body: pendingCrate }],
    ) {
      const api = stubApi({
        'GET /api/v1/requests/7/': [{ body: storageSentBack }],
        'PATCH /api/v1/requests/7/': patchAnswers,
        'POST /api/v1/requests/7/resubmit/': resubmitAnswers,
        '/api/v1/crates/3/': crateAnswers,
      });
      vi.stubGlobal('fetch', api.fetchMock);
      renderRoute(
        '/requests/:requestId/edit',
        '/requests/7/edit',
        <EditRequestPage me={requester} />,
      );
      return api;
    }

    it('shows the retention default of a row left without a date, or marks it required', async () => {
      const api = stubApi({
        'GET /api/v1/requests/7/': [{ body: storageSentBack }],
        '/api/v1/crates/3/': [{ body: pendingCrate }],
        '/api/v1/document-types/': [
          {
            body: [
              { code: 'BMR', name: 'Batch Record', default_retention_years: 10 },
              { code: 'VAL', name: 'Validation', default_retention_years: null },
            ],
          },
        ],
      });
      vi.stubGlobal('fetch', api.fetchMock);
      renderRoute(
        '/requests/:requestId/edit',
        '/requests/7/edit',
        <EditRequestPage me={requester} />,
      );
      const retention = await screen.findByLabelText(/^Document 1 retain until/);
      fireEvent.change(retention, { target: { value: '' } });
      expect(
        await screen.findByText('Default: 1 Jul 2036 (10 years for Batch Record)'),
      ).toBeInTheDocument();
      expect(retention).not.toBeRequired();
    });

    it("edits its crate's rows: corrects a title, removes a row, adds one", async () => {
      const api = setUpStorage([{ body: storageEdited }]);
      const title = await screen.findByLabelText('Document 1 title');
      expect(title).toHaveValue('Batch recrod 1');
      expect(screen.getByLabelText('Document 2 number')).toHaveValue('BMR-2');
      expect(screen.queryByText(/only the purpose can be corrected/)).toBeNull();
      fireEvent.change(title, { target: { value: 'Batch record 1' } });
      await userEvent.click(screen.getByRole('button', { name: 'Remove document 2' }));
      await userEvent.click(screen.getByRole('button', { name: 'Add document' }));
      fireEvent.change(screen.getByLabelText('Document 2 number'), { target: { value: 'BMR-3' } });
      fireEvent.change(screen.getByLabelText('Document 2 title'), { target: { value: 'Batch 3' } });
      fireEvent.change(screen.getByLabelText('Document 2 prepared on'), {
        target: { value: '2026-07-03' },
      });
      fireEvent.change(screen.getByLabelText('Document 2 retain until'), {
        target: { value: '2037-12-31' },
      });
      await fillAndSign('secret-password');
      expect(await screen.findByText('Request page 7')).toBeInTheDocument();

      const writes = api.calls.filter((call) => call.method !== 'GET');
      expect(writes.map((call) => `${call.method} ${call.path}`)).toEqual([
        'PATCH /api/v1/requests/7/',
        'POST /api/v1/requests/7/resubmit/',
      ]);
      expect(writes[0]?.body).toEqual({
        version: 3,
        new_documents: [
          {
            id: 21,
            number: 'BMR-1',
            title: 'Batch record 1',
            doc_type: 'BMR',
            department: 'QA',
            prepared_on: '2026-07-01',
            retention_until: '2036-12-31',
            retain_permanently: false,
          },
          {
            number: 'BMR-3',
            title: 'Batch 3',
            doc_type: 'BMR',
            prepared_on: '2026-07-03',
            retention_until: '2037-12-31',
            retain_permanently: false,
          },
        ],
      });
      expect(writes[1]?.body).toMatchObject({ version: 4, reason: 'Named it.' });
    });

    it('shows each server error on its row and field and keeps everything typed', async () => {
      const api = setUpStorage([
        {
          status: 400,
          body: envelope(
            'invalid_documents',
            'Document row 2 is not valid: see the marked fields.',
            {
              new_documents: [{}, { number: ['BMR-9 already exists in GOA1.'] }],
            },
          ),
        },
      ]);
      fireEvent.change(await screen.findByLabelText('Document 1 title'), {
        target: { value: 'Batch record 1' },
      });
      fireEvent.change(screen.getByLabelText('Document 2 number'), { target: { value: 'BMR-9' } });
      await fillAndSign('secret-password');

      const rowTwo = await screen.findByTestId('document-row-2');
      expect(within(rowTwo).getByText('BMR-9 already exists in GOA1.')).toBeInTheDocument();
      expect(within(rowTwo).getByLabelText('Document 2 number')).toHaveAttribute(
        'aria-invalid',
        'true',
      );
      expect(
        within(screen.getByTestId('document-row-1')).getByLabelText('Document 1 number'),
      ).not.toHaveAttribute('aria-invalid', 'true');
      expect(
        screen.getByText(/Document row 2 is not valid: see the marked fields\./),
      ).toBeInTheDocument();
      // Nothing typed is lost: the rows, the response and the password stay.
      expect(screen.getByLabelText('Document 1 title')).toHaveValue('Batch record 1');
      expect(screen.getByLabelText('Document 2 number')).toHaveValue('BMR-9');
      expect(screen.getByLabelText(/Your response to the send-back/)).toHaveValue('Named it.');
      expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
      expect(api.calls.some((call) => call.path.endsWith('/resubmit/'))).toBe(false);
    });

    it('after a saved correction and a refused signature, shows the rows as saved and only signs', async () => {
      const corrected = {
        ...pendingCrate,
        documents: [document(21, 'BMR-1', 'Batch record 1'), document(22, 'BMR-2', 'Batch 2')],
      };
      const api = setUpStorage(
        [{ body: storageEdited }],
        [
          {
            status: 403,
            body: envelope('signature_invalid', 'The signature password is wrong.', {
              signature: { password: ['Wrong password.'] },
            }),
          },
          { body: storageResubmitted },
        ],
        [{ body: pendingCrate }, { body: corrected }],
      );
      fireEvent.change(await screen.findByLabelText('Document 1 title'), {
        target: { value: 'Batch record 1' },
      });
      await fillAndSign('wrong');
      expect(await screen.findByText(/Your corrections are saved/)).toBeInTheDocument();
      expect(screen.getByLabelText('Document 1 title')).toHaveValue('Batch record 1');
      expect(screen.getByLabelText(/Your response to the send-back/)).toHaveValue('Named it.');
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

    it('resubmits without a change: no correction is sent, only the signature', async () => {
      const api = setUpStorage([{ body: storageEdited }]);
      await screen.findByLabelText('Document 1 title');
      await fillAndSign('secret-password');
      expect(await screen.findByText('Request page 7')).toBeInTheDocument();
      const writes = api.calls.filter((call) => call.method !== 'GET');
      expect(writes.map((call) => `${call.method} ${call.path}`)).toEqual([
        'POST /api/v1/requests/7/resubmit/',
      ]);
    });
  });
});
