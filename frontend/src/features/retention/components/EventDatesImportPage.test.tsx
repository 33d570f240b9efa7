import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';

import { makeDocument, makeMe } from '@/test/fixtures';
import { liveEvent, renderWithLiveEvents } from '@/test/live-events';
import { renderRoute } from '@/test/render-route';
import { mockFetch } from '@/test/fetch-mock';
import { envelope, present, stubApi } from '@/test/stub-api';

import { EVENTS, page } from './rule-fixture';
import { EventDatesImportPage } from './EventDatesImportPage';

const MANAGER = makeMe({
  full_name: 'Document Manager GOA1',
  permissions: ['records.view_retentionrule', 'records.add_documentevent'],
});

const RECORDED = {
  id: 3,
  document: 41,
  document_number: 'BMR-0001',
  unit_code: 'GOA1',
  event: 1,
  event_code: 'BATCH_EXPIRY',
  date: '2027-01-31',
  source: 'MANUAL',
  recorded_by: 1,
  recorded_by_name: 'Document Manager GOA1',
  recorded_at: '2026-12-06T11:00:00Z',
  version: 1,
};

const CSV = [
  'unit,document_number,event,date',
  'GOA1,BMR-0001,BATCH_EXPIRY,2027-01-31',
  '',
  'GOA1,BMR-0002,BATCH_EXPIRY,31/01/2027',
  'GOA1,BMR-9999,BATCH_EXPIRY,2027-02-28',
].join('\n');

function renderPage() {
  return renderRoute(
    '/retention/events/import',
    '/retention/events/import',
    <EventDatesImportPage me={MANAGER} />,
  );
}

async function upload(text: string, name = 'events.csv') {
  const input = present(document.querySelector<HTMLInputElement>('input[type=file]'));
  await userEvent.upload(input, new File([text], name, { type: 'text/csv' }));
}

async function refusal() {
  const title = await screen.findByText('The CSV was not imported: nothing was recorded');
  return present(title.closest<HTMLElement>('[role=alert]'), 'refusal alert');
}

describe('EventDatesImportPage', () => {
  it('previews the file, imports it as multipart and shows the counts', async () => {
    // mockFetch, not stubApi: the body is multipart, not JSON.
    const { fetchMock } = mockFetch({
      '/api/v1/retention-events/': { body: EVENTS },
      '/api/v1/document-events/': { body: page([]) },
      '/api/v1/document-events/import/': {
        status: 201,
        body: { created: 2, updated: 0, unchanged: 1, crates_left_eligibility: 1 },
      },
    });
    renderPage();
    await screen.findByRole('heading', { name: 'Event dates' });
    await upload(CSV);
    expect(await screen.findByTestId('csv-preview-count')).toHaveTextContent(
      '3 row(s) in events.csv',
    );
    const preview = screen.getByRole('table', { name: 'Preview' });
    // Lines as the file numbers them (the blank line 3 is skipped, as the server does).
    expect(
      within(preview)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.firstElementChild?.textContent),
    ).toEqual(['2', '4', '5']);

    await userEvent.click(screen.getByRole('button', { name: 'Import 3 row(s)' }));
    const result = await screen.findByTestId('import-result');
    expect(result).toHaveTextContent('2 new event date(s)');
    expect(result).toHaveTextContent('1 already recorded with the same date');
    expect(result).toHaveTextContent('1 crate(s) left eligibility for destruction');
    const post = present(
      fetchMock.mock.calls
        .map(([input]) => input as Request)
        .find((request) => request.method === 'POST'),
    );
    expect(new URL(post.url).pathname).toBe('/api/v1/document-events/import/');
    expect(post.headers.get('Content-Type')).toMatch(/^multipart\/form-data/);
    // (jsdom's File does not survive Node's multipart encoding: only the field is checked.)
    expect((await post.formData()).has('file')).toBe(true);
  });

  it('shows each refused row by its line and field, and that nothing was recorded', async () => {
    mockFetch({
      '/api/v1/retention-events/': { body: EVENTS },
      '/api/v1/document-events/': { body: page([]) },
      '/api/v1/document-events/import/': {
        status: 400,
        body: envelope('invalid_events', '2 row(s) are not valid: nothing was recorded.', {
          events: {
            '5': { document_number: ['No document BMR-9999 in your units.'] },
            '4': { date: ['A date (YYYY-MM-DD) is required.'] },
          },
        }),
      },
    });
    renderPage();
    await screen.findByRole('heading', { name: 'Event dates' });
    await upload(CSV);
    await userEvent.click(await screen.findByRole('button', { name: 'Import 3 row(s)' }));
    expect(await refusal()).toHaveTextContent('2 row(s) are not valid: nothing was recorded.');
    // The refused lines stand out in the preview.
    expect(
      within(screen.getByRole('table', { name: 'Preview' }))
        .getAllByRole('row')
        .filter((row) => row.hasAttribute('data-refused'))
        .map((row) => row.firstElementChild?.textContent),
    ).toEqual(['4', '5']);
    const refused = screen.getByRole('table', { name: 'Rows refused' });
    expect(
      within(refused)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.textContent),
    ).toEqual([
      '4dateA date (YYYY-MM-DD) is required.',
      '5document numberNo document BMR-9999 in your units.',
    ]);
    expect(screen.queryByTestId('import-result')).not.toBeInTheDocument();
  });

  it('shows a refusal of the whole file', async () => {
    mockFetch({
      '/api/v1/retention-events/': { body: EVENTS },
      '/api/v1/document-events/': { body: page([]) },
      '/api/v1/document-events/import/': {
        status: 400,
        body: envelope('invalid_csv', 'The header misses: date.', {
          file: ['Expected the header unit,document_number,event,date.'],
        }),
      },
    });
    renderPage();
    await screen.findByRole('heading', { name: 'Event dates' });
    await upload('document_number,event\nBMR-0001,BATCH_EXPIRY\n');
    expect(await screen.findByText(/Missing column\(s\): date/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Import 1 row(s)' }));
    const alert = await refusal();
    expect(alert).toHaveTextContent('The header misses: date.');
    expect(alert).toHaveTextContent('Expected the header unit,document_number,event,date.');
  });

  it('records one date: finds the document by number in the unit, then sends its id', async () => {
    const api = stubApi({
      'GET /api/v1/retention-events/': [{ body: EVENTS }],
      'GET /api/v1/document-events/': [{ body: page([]) }, { body: page([RECORDED]) }],
      'GET /api/v1/documents/': [
        {
          body: page([
            makeDocument({ id: 40, number: 'BMR-0001-A' }),
            makeDocument({ id: 41, number: 'BMR-0001' }),
          ]),
        },
      ],
      'POST /api/v1/document-events/': [
        { status: 201, body: { created: 1, updated: 0, unchanged: 0, crates_left_eligibility: 0 } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderPage();
    const form = await screen.findByRole('form', { name: 'Record one event date' });
    fireEvent.change(within(form).getByLabelText(/^Document number/), {
      target: { value: 'BMR-0001' },
    });
    const event = within(form).getByRole('combobox', { name: /^Event/ });
    await userEvent.click(event);
    await waitFor(() => {
      expect(event).toHaveAttribute('aria-controls');
    });
    const list = within(
      present(document.getElementById(event.getAttribute('aria-controls') ?? '')),
    );
    await userEvent.click(await list.findByRole('option', { name: 'Batch expiry', hidden: true }));
    const date = within(form).getByLabelText(/^Date/);
    await userEvent.type(date, '2027-01-31');
    fireEvent.blur(date);
    await userEvent.click(within(form).getByRole('button', { name: 'Record date' }));

    expect(await screen.findByTestId('recorded')).toHaveTextContent(
      'BMR-0001 (GOA1): Batch expiry on 31 Jan 2027 recorded.',
    );
    const lookup = api.calls.find((c) => c.path === '/api/v1/documents/');
    expect(lookup?.search).toContain('search=BMR-0001');
    expect(lookup?.search).toContain('unit=1');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      document: 41,
      event: 'BATCH_EXPIRY',
      date: '2027-01-31',
    });
    // The list of recorded dates is read again and shows it.
    const recent = screen.getByRole('table', { name: 'Recorded event dates' });
    expect(await within(recent).findByText('BMR-0001')).toBeInTheDocument();
    expect(within(recent).getAllByRole('row')[1]).toHaveTextContent('By hand');
  });

  it('puts an unknown document number on its field and sends nothing', async () => {
    const api = stubApi({
      'GET /api/v1/retention-events/': [{ body: EVENTS }],
      'GET /api/v1/document-events/': [{ body: page([]) }],
      'GET /api/v1/documents/': [{ body: page([]) }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderPage();
    const form = await screen.findByRole('form', { name: 'Record one event date' });
    const number = within(form).getByLabelText(/^Document number/);
    fireEvent.change(number, { target: { value: 'BMR-404' } });
    const event = within(form).getByRole('combobox', { name: /^Event/ });
    await userEvent.click(event);
    await waitFor(() => {
      expect(event).toHaveAttribute('aria-controls');
    });
    const list = within(
      present(document.getElementById(event.getAttribute('aria-controls') ?? '')),
    );
    await userEvent.click(await list.findByRole('option', { name: 'Study closed', hidden: true }));
    const date = within(form).getByLabelText(/^Date/);
    await userEvent.type(date, '2026-06-30');
    fireEvent.blur(date);
    await userEvent.click(within(form).getByRole('button', { name: 'Record date' }));
    await waitFor(() => {
      expect(number).toHaveAccessibleDescription(/No document BMR-404 in GOA1\./);
    });
    expect(number).toHaveValue('BMR-404');
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('follows the live stream: a date recorded or changed elsewhere shows in the list', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        'GET /api/v1/retention-events/': [{ body: EVENTS }],
        'GET /api/v1/document-events/': [
          { body: page([RECORDED]) },
          { body: page([{ ...RECORDED, date: '2027-06-30', source: 'INTEGRATION', version: 2 }]) },
        ],
      }).fetchMock,
    );
    const { send } = renderWithLiveEvents(
      <MemoryRouter>
        <EventDatesImportPage me={MANAGER} />
      </MemoryRouter>,
    );
    const list = await screen.findByRole('table', { name: 'Recorded event dates' });
    expect(await within(list).findByText('31 Jan 2027')).toBeInTheDocument();
    send(liveEvent('event_date', 3, { document_id: 41, event_id: 1, date: '2027-06-30' }));
    expect(await within(list).findByText('30 Jun 2027')).toBeInTheDocument();
    expect(within(list).getByText('Integration')).toBeInTheDocument();
  });

  it('changes a recorded date from its row, keeps the date typed on a refusal, and says what it did', async () => {
    const api = stubApi({
      'GET /api/v1/retention-events/': [{ body: EVENTS }],
      'GET /api/v1/document-events/': [
        { body: page([RECORDED]) },
        { body: page([{ ...RECORDED, date: '2027-06-30', version: 2 }]) },
      ],
      'PATCH /api/v1/document-events/3/': [
        {
          status: 400,
          body: envelope('invalid', 'The date is not valid.', { date: ['Not after today.'] }),
        },
        { body: { created: 0, updated: 1, unchanged: 0, crates_left_eligibility: 2 } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute(
      '/retention/events/import',
      '/retention/events/import',
      <EventDatesImportPage
        me={{ ...MANAGER, permissions: [...MANAGER.permissions, 'records.change_documentevent'] }}
      />,
    );
    const list = await screen.findByRole('table', { name: 'Recorded event dates' });
    await userEvent.click(
      await within(list).findByRole('button', { name: 'Change the BATCH_EXPIRY date of BMR-0001' }),
    );
    const dialog = await screen.findByRole('dialog');
    const date = within(dialog).getByLabelText(/^New date/);
    expect(date).toHaveValue('2027-01-31');
    await userEvent.clear(date);
    await userEvent.type(date, '2027-06-30');
    fireEvent.blur(date);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change date' }));
    expect(await within(dialog).findByText('Not after today.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^New date/)).toHaveValue('2027-06-30');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Change date' }));
    expect(await screen.findByTestId('date-changed')).toHaveTextContent(
      'BMR-0001 (GOA1): BATCH_EXPIRY changed from 31 Jan 2027 to 30 Jun 2027; its retention was recomputed. 2 crate(s) left eligibility for destruction',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const patches = api.calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => c.body)).toEqual([
      { version: 1, date: '2027-06-30' },
      { version: 1, date: '2027-06-30' },
    ]);
    expect(await within(list).findByText('30 Jun 2027')).toBeInTheDocument();
  });

  it('offers no change of a date without the permission', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        'GET /api/v1/retention-events/': [{ body: EVENTS }],
        'GET /api/v1/document-events/': [{ body: page([RECORDED]) }],
      }).fetchMock,
    );
    renderPage();
    const list = await screen.findByRole('table', { name: 'Recorded event dates' });
    await within(list).findByText('BMR-0001');
    expect(within(list).queryByRole('button', { name: /^Change/ })).not.toBeInTheDocument();
  });
});
