import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { present, stubApi } from '@/test/stub-api';

import { DashboardPage } from './DashboardPage';

const dashboard = {
  generated_at: '2026-11-23T05:00:00Z',
  kpis: {
    crates_in_storage: 7,
    crates_issued: 2,
    crates_pending: 2,
    crates_on_hold: 1,
    due_for_destruction: 1,
    overdue: 1,
    pending_approvals: 5,
    awaiting_fulfilment: 1,
  },
  requests_per_week: {
    weeks: ['2026-11-16'],
    series: [
      { type: 'STORAGE', counts: [4] },
      { type: 'WITHDRAWAL', counts: [3] },
    ],
  },
  rooms_total: 1,
  occupancy_by_room: [
    { id: 1, unit_code: 'GOA1', full_code: 'GOA1/R01', name: 'Room 1', occupancy: 9, capacity: 12 },
  ],
};

/** The dashboard's own figures, and nothing waiting in the previews. */
function stubDashboard(body: typeof dashboard) {
  vi.stubGlobal(
    'fetch',
    stubApi({
      '/api/v1/reports/dashboard/': [{ body }],
      '/api/v1/requests/': [{ body: { results: [] } }],
      '/api/v1/reports/overdue/': [{ body: { results: [] } }],
      '/api/v1/reports/destruction-schedule/': [{ body: { results: [] } }],
    }).fetchMock,
  );
}

describe('DashboardPage', { timeout: 20_000 }, () => {
  it('shows the KPIs as links to their lists, the charts as tables on request, and report previews', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        '/api/v1/reports/dashboard/': [{ body: dashboard }],
        '/api/v1/requests/': [{ body: { results: [] } }],
        '/api/v1/reports/overdue/': [
          {
            body: {
              results: [
                {
                  id: 5,
                  number: 'REQ-2026-000005',
                  crate_code: 'GOA1-QA-2026-000002-5',
                  requester_name: 'Document Manager GOA1',
                  days_overdue: 2,
                },
              ],
            },
          },
        ],
        '/api/v1/reports/destruction-schedule/': [{ body: { results: [] } }],
        '/api/v1/retention/forecast/': [
          {
            body: {
              period: 'month',
              start: '2026-11-01',
              end: '2026-11-30',
              today: '2026-11-23',
              periods: [
                {
                  start: '2026-11-01',
                  end: '2026-11-30',
                  label: '2026-11',
                  crates: 3,
                  documents: 8,
                },
              ],
              rows: [],
              already_eligible: [],
              summary: {
                already_eligible_crates: 2,
                already_eligible_documents: 4,
                forecast_crates: 3,
                forecast_documents: 8,
                pending_event_crates: 0,
                on_hold_crates: 1,
                retained_permanently_crates: 0,
              },
            },
          },
        ],
      }).fetchMock,
    );
    renderRoute(
      '/',
      '/',
      <DashboardPage
        me={makeMe({ permissions: ['workflow.view_request', 'records.view_crate'] })}
      />,
    );

    expect(await screen.findByTestId('kpi-pending_approvals')).toHaveTextContent('5');
    expect(screen.getByRole('link', { name: /Pending approvals: 5/ })).toHaveAttribute(
      'href',
      '/requests?status=SUBMITTED',
    );
    expect(screen.getByRole('link', { name: /Overdue returns: 1/ })).toHaveAttribute(
      'href',
      '/requests?overdue=true',
    );
    expect(await screen.findByText('2 days late')).toBeInTheDocument();
    expect(screen.getByText('No retention ends soon.')).toBeInTheDocument();

    const [perWeekAsTable] = screen.getAllByRole('radio', { name: 'Table' });
    await userEvent.click(present(perWeekAsTable));
    const table = await screen.findByRole('table', { name: 'Requests per week' });
    expect(table).toHaveTextContent('Storage');
    expect(table).toHaveTextContent('4');

    expect(await screen.findByTestId('forecast-card-summary')).toHaveTextContent(
      '3 crates in the next 12 months · 2 already eligible · 1 on legal hold',
    );
    expect(screen.getByRole('link', { name: 'Retention forecast' })).toHaveAttribute(
      'href',
      '/retention/forecast',
    );
  });

  it('links every crate figure and each crate whose retention ends to the crates', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        '/api/v1/reports/dashboard/': [{ body: dashboard }],
        '/api/v1/requests/': [{ body: { results: [] } }],
        '/api/v1/reports/overdue/': [{ body: { results: [] } }],
        '/api/v1/reports/destruction-schedule/': [
          {
            body: {
              results: [
                {
                  id: 42,
                  code: 'GOA1-QA-2019-000042-3',
                  location_code: 'GOA1/R01/A/1',
                  destroy_after: '2026-12-01',
                  legal_hold: false,
                  days_left: 3,
                },
              ],
            },
          },
        ],
      }).fetchMock,
    );
    const me = makeMe({ permissions: ['workflow.view_request', 'records.view_crate'] });
    renderRoute('/', '/', <DashboardPage me={me} />);

    await screen.findByTestId('kpi-crates_in_storage');
    const href = (name: RegExp) => screen.getByRole('link', { name }).getAttribute('href');
    expect(href(/Crates in storage: 7/)).toBe('/crates?status=IN_STORAGE');
    expect(href(/Crates issued: 2/)).toBe('/crates?status=ISSUED');
    expect(href(/Crates pending storage: 2/)).toBe('/crates?status=PENDING');
    expect(href(/Crates on legal hold: 1/)).toBe(
      '/crates?legal_hold=true&status=PENDING&status=IN_STORAGE&status=ISSUED',
    );
    const until = dayjs().add(30, 'day').format('YYYY-MM-DD');
    expect(href(/Due for destruction \(30 days\): 1/)).toBe(
      `/crates?status=IN_STORAGE&legal_hold=false&destroy_after_to=${until}`,
    );
    expect(await screen.findByRole('link', { name: 'GOA1-QA-2019-000042-3' })).toHaveAttribute(
      'href',
      '/crates/42',
    );
  });

  it('says how many rooms the occupancy leaves out and links to every room', async () => {
    const rooms = Array.from({ length: 10 }, (_, index) => ({
      id: index + 1,
      unit_code: 'GOA1',
      full_code: `GOA1/R${String(index + 1).padStart(2, '0')}`,
      name: `Room ${String(index + 1)}`,
      occupancy: 10 - index,
      capacity: 10,
    }));
    stubDashboard({ ...dashboard, rooms_total: 242, occupancy_by_room: rooms });
    renderRoute(
      '/',
      '/',
      <DashboardPage me={makeMe({ permissions: ['storage.view_location'] })} />,
    );
    expect(await screen.findByText('The 10 fullest of 242 rooms')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Every room on Locations' })).toHaveAttribute(
      'href',
      '/locations',
    );
  });

  it('says when the occupancy shows every room, and links only for those who may see rooms', async () => {
    stubDashboard(dashboard);
    renderRoute('/', '/', <DashboardPage me={makeMe()} />);
    expect(await screen.findByText('One room')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Every room on Locations' })).not.toBeInTheDocument();
  });

  it('leaves crate figures and codes unlinked for a role that cannot open crates', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        '/api/v1/reports/dashboard/': [{ body: dashboard }],
        '/api/v1/requests/': [{ body: { results: [] } }],
        '/api/v1/reports/overdue/': [{ body: { results: [] } }],
        '/api/v1/reports/destruction-schedule/': [
          {
            body: {
              results: [
                {
                  id: 42,
                  code: 'GOA1-QA-2019-000042-3',
                  location_code: 'GOA1/R01/A/1',
                  destroy_after: '2026-12-01',
                  legal_hold: false,
                  days_left: 3,
                },
              ],
            },
          },
        ],
      }).fetchMock,
    );
    renderRoute('/', '/', <DashboardPage me={makeMe()} />);
    expect(await screen.findByText('GOA1-QA-2019-000042-3')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'GOA1-QA-2019-000042-3' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Crates in storage/ })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Pending approvals: 5/ })).toBeInTheDocument();
  });

  it("opens a task's review from the task list and refreshes the tasks after signing", async () => {
    const task = {
      id: 7,
      number: 'REQ-2026-000007',
      type: 'STORAGE',
      status: 'SUBMITTED',
      crate_code: 'GOA1-QA-2026-000003-5',
      requester_name: 'Document Manager GOA1',
      submitted_at: '2026-11-23T05:00:00Z',
    };
    const api = stubApi({
      '/api/v1/reports/dashboard/': [{ body: dashboard }],
      '/api/v1/requests/': [{ body: { results: [task] } }, { body: { results: [] } }],
      '/api/v1/reports/overdue/': [{ body: { results: [] } }],
      '/api/v1/reports/destruction-schedule/': [{ body: { results: [] } }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    const opened: number[] = [];
    renderRoute(
      '/',
      '/',
      <DashboardPage
        me={makeMe()}
        review={({ requestId, onClose, onSigned }) => {
          opened.push(requestId);
          return (
            <div role="dialog" aria-label="Review stand-in">
              <button
                type="button"
                onClick={() => {
                  onSigned();
                  onClose();
                }}
              >
                Signed
              </button>
            </div>
          );
        }}
      />,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Review REQ-2026-000007' }));
    expect(opened.at(-1)).toBe(7);
    await userEvent.click(
      within(screen.getByRole('dialog', { name: 'Review stand-in' })).getByRole('button'),
    );
    expect(await screen.findByText('Nothing waits for you.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: 'Review stand-in' })).not.toBeInTheDocument();
  });
});
