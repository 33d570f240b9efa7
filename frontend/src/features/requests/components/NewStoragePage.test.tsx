import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { makeMe, makeRequest } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, present, stubApi } from '@/test/stub-api';

import { NewStoragePage } from './NewStoragePage';

const DOCUMENT_TYPES = [
  { id: 1, code: 'BMR', name: 'Batch Record', default_retention_years: 10, is_active: true },
  { id: 2, code: 'VAL', name: 'Validation', default_retention_years: null, is_active: true },
];
const DEPARTMENTS = {
  results: [{ id: 4, unit: 1, unit_code: 'GOA1', code: 'QA', name: 'Quality Assurance' }],
};

function setUp(answers: { status?: number; body: unknown }[]) {
  const api = stubApi({
    '/api/v1/auth/signing-session/': [
      { body: { username_required: false, expires_at: null, idle_minutes: 30 } },
    ],
    '/api/v1/departments/': [{ body: DEPARTMENTS }],
    '/api/v1/document-types/': [{ body: DOCUMENT_TYPES }],
    'POST /api/v1/requests/': answers,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute(
    '/requests/new/storage',
    '/requests/new/storage',
    <NewStoragePage
      me={makeMe({ id: 2, permissions: ['workflow.view_request', 'workflow.add_request'] })}
    />,
  );
  return api;
}

async function chooseDepartment() {
  const select = await screen.findByRole('combobox', { name: /Department/ });
  await userEvent.click(select);
  await waitFor(() => {
    expect(select).toHaveAttribute('aria-controls');
  });
  const list = within(present(document.getElementById(select.getAttribute('aria-controls') ?? '')));
  await userEvent.click(await list.findByRole('option', { name: /GOA1 \/ QA/, hidden: true }));
}

async function chooseType(row: number, name: string) {
  const select = screen.getByRole('combobox', { name: `Document ${String(row)} type` });
  await userEvent.click(select);
  const list = within(present(document.getElementById(select.getAttribute('aria-controls') ?? '')));
  await userEvent.click(await list.findByRole('option', { name, hidden: true }));
}

function type(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

async function fillTwoRows() {
  await chooseDepartment();
  fireEvent.change(screen.getByLabelText(/^Purpose/), { target: { value: 'Archive Q3' } });
  type('Document 1 number', 'BMR-1');
  type('Document 1 title', 'Batch 1');
  type('Document 1 prepared on', '2026-12-31');
  await userEvent.click(screen.getByRole('button', { name: 'Add document' }));
  type('Document 2 number', 'BMR-1');
  type('Document 2 title', 'Batch 2');
  type('Document 2 prepared on', '2026-07-01');
  type('Document 2 retain until', '2030-01-01');
}

describe('NewStoragePage', { timeout: 30_000 }, () => {
  it("shows the type's default retention, and requires one where the type has none", async () => {
    const api = setUp([{ status: 201, body: makeRequest({ id: 61, type: 'STORAGE' }) }]);
    await chooseDepartment();
    type('Document 1 prepared on', '2026-12-31');
    const retain = screen.getByLabelText('Document 1 retain until');
    await waitFor(() => {
      expect(retain).toHaveAccessibleDescription(
        'Default: 31 Dec 2036 (10 years for Batch Record)',
      );
    });
    expect(retain).not.toBeRequired();

    await chooseType(1, 'Validation');
    expect(retain).toBeRequired();
    expect(retain).toHaveAccessibleDescription(/Required: Validation has no default retention/);

    fireEvent.change(screen.getByLabelText(/^Purpose/), { target: { value: 'Archive' } });
    type('Document 1 number', 'VAL-1');
    type('Document 1 title', 'IQ report');
    type(/Your password/, 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(retain).toBeInvalid();
    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
    await waitFor(() => {
      expect(retain).toHaveFocus();
    });

    await userEvent.click(screen.getByLabelText('Document 1 retain permanently'));
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(await screen.findByText('Request page 61')).toBeInTheDocument();
    const body = api.calls.find((call) => call.method === 'POST')?.body as {
      new_documents: unknown[];
    };
    expect(body.new_documents).toEqual([
      {
        number: 'VAL-1',
        title: 'IQ report',
        doc_type: 'VAL',
        prepared_on: '2026-12-31',
        retention_until: null,
        retain_permanently: true,
      },
    ]);
  });

  it("puts the server's messages on their row and field and keeps what was typed", async () => {
    const api = setUp([
      {
        status: 400,
        body: envelope('invalid_documents', 'Document row 2 is not valid: see the marked fields.', {
          new_documents: [
            {},
            {
              number: ['BMR-1 already exists in GOA1.'],
              retention_until: ['Must not be before the preparation date.'],
            },
          ],
        }),
      },
      { status: 201, body: makeRequest({ id: 62, type: 'STORAGE' }) },
    ]);
    await fillTwoRows();
    type(/Your password/, 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));

    expect(await screen.findByText(/Document row 2 is not valid/)).toBeInTheDocument();
    const number2 = screen.getByLabelText('Document 2 number');
    expect(number2).toBeInvalid();
    expect(number2).toHaveAccessibleDescription('BMR-1 already exists in GOA1.');
    expect(screen.getByLabelText('Document 2 retain until')).toHaveAccessibleDescription(
      /Must not be before the preparation date\./,
    );
    // The first row is not marked; the focus is on the first marked field.
    expect(screen.getByLabelText('Document 1 number')).not.toBeInvalid();
    await waitFor(() => {
      expect(number2).toHaveFocus();
    });
    // Everything typed is still there, the password too.
    expect(screen.getByLabelText('Document 1 number')).toHaveValue('BMR-1');
    expect(screen.getByLabelText('Document 2 title')).toHaveValue('Batch 2');
    expect(screen.getByLabelText('Document 2 retain until')).toHaveValue('2030-01-01');
    expect(screen.getByLabelText(/^Purpose/)).toHaveValue('Archive Q3');
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');

    // Correcting the field clears its mark; the retry sends the same key and succeeds.
    type('Document 2 number', 'BMR-2');
    expect(screen.getByLabelText('Document 2 number')).not.toBeInvalid();
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(await screen.findByText('Request page 62')).toBeInTheDocument();
    const posts = api.calls.filter((call) => call.method === 'POST');
    expect(posts[1]?.headers.get('Idempotency-Key')).toBe(posts[0]?.headers.get('Idempotency-Key'));
  });

  it('empties only the password, with its message, when the server says it is wrong', async () => {
    setUp([
      {
        status: 403,
        body: envelope(
          'signature_invalid',
          'The signature password is wrong; nothing was changed.',
          {
            signature: { password: ['Wrong password.'] },
          },
        ),
      },
    ]);
    await fillTwoRows();
    type(/Your password/, 'wrong-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    const password = screen.getByLabelText(/Your password/);
    await waitFor(() => {
      expect(password).toHaveValue('');
    });
    expect(password).toHaveAccessibleDescription('Wrong password.');
    await waitFor(() => {
      expect(password).toHaveFocus();
    });
    expect(screen.getByLabelText('Document 2 title')).toHaveValue('Batch 2');
    expect(screen.getByLabelText(/^Purpose/)).toHaveValue('Archive Q3');
  });

  it("lists a refused CSV's messages by line and field", async () => {
    mockFetch({
      '/api/v1/auth/signing-session/': {
        body: { username_required: false, expires_at: null, idle_minutes: 30 },
      },
      '/api/v1/departments/': { body: DEPARTMENTS },
      '/api/v1/document-types/': { body: DOCUMENT_TYPES },
      '/api/v1/requests/documents-csv/': {
        status: 400,
        body: envelope(
          'invalid_documents',
          '1 row(s) of the file are not valid (by line number).',
          {
            documents: { '3': { prepared_on: ['Not a date (use YYYY-MM-DD).'] } },
          },
        ),
      },
    });
    renderRoute(
      '/requests/new/storage',
      '/requests/new/storage',
      <NewStoragePage me={makeMe({ permissions: ['workflow.add_request'] })} />,
    );
    await chooseDepartment();
    const input = present(document.querySelector<HTMLInputElement>('input[type=file]'));
    await userEvent.upload(input, new File(['number\n'], 'docs.csv', { type: 'text/csv' }));
    const alert = (await screen.findByText(/row\(s\) of the file are not valid/)).closest(
      '[role=alert]',
    );
    expect(alert).toHaveTextContent('Line 3, prepared on: Not a date (use YYYY-MM-DD).');
  });
});
