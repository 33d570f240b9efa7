import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { EligibleCratesPage } from './EligibleCratesPage';
import { RetentionForecastPage } from './RetentionForecastPage';

const me = makeMe({ permissions: ['records.view_crate'] });

function forecast(period: 'month' | 'quarter') {
  const periods =
    period === 'month'
      ? [
          { start: '2027-01-01', end: '2027-01-31', label: '2027-01', crates: 2, documents: 5 },
          { start: '2027-02-01', end: '2027-02-28', label: '2027-02', crates: 0, documents: 0 },
        ]
      : [{ start: '2027-01-01', end: '2027-03-31', label: '2027-Q1', crates: 2, documents: 5 }];
  const first = periods[0] ?? { start: '', end: '' };
  return {
    period,
    start: '2027-01-01',
    end: periods.at(-1)?.end ?? '',
    today: '2026-12-06',
    periods,
    rows: [
      {
        period_start: first.start,
        period_end: first.end,
        unit: 1,
        unit_code: 'GOA1',
        department: 3,
        department_code: 'QA',
        crates: 2,
        documents: 5,
      },
    ],
    already_eligible: [
      { unit: 1, unit_code: 'GOA1', department: 3, department_code: 'QA', crates: 4, documents: 9 },
    ],
    summary: {
      already_eligible_crates: 4,
      already_eligible_documents: 9,
      forecast_crates: 2,
      forecast_documents: 5,
      pending_event_crates: 6,
      on_hold_crates: 1,
      retained_permanently_crates: 7,
    },
  };
}

function setUp(url = '/retention/forecast') {
  const api = stubApi({
    '/api/v1/retention/forecast/': [{ body: forecast('month') }, { body: forecast('quarter') }],
    '/api/v1/departments/': [
      { body: { results: [{ id: 3, unit: 1, unit_code: 'GOA1', code: 'QA', name: 'QA' }] } },
    ],
    '/api/v1/retention/forecast.csv': [{ body: 'row,period\n' }],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  const rendered = renderRoute('/retention/forecast', url, <RetentionForecastPage me={me} />);
  return { api, ...rendered };
}

const forecastCalls = (api: ReturnType<typeof stubApi>) =>
  api.calls
    .filter((call) => call.path === '/api/v1/retention/forecast/')
    .map((call) => new URLSearchParams(call.search));

describe('RetentionForecastPage', { timeout: 20_000 }, () => {
  it('shows every period, its counts linked to the crates behind them, and the summary', async () => {
    setUp();
    const table = await screen.findByRole('table', { name: 'Forecast by period' });
    const link = within(table).getByRole('link', {
      name: '2 crates of GOA1 QA becoming eligible in Jan 2027',
    });
    expect(link).toHaveTextContent('2');
    expect(new URL(link.getAttribute('href') ?? '', 'http://x').searchParams.toString()).toBe(
      'on=2027-01-31&period_start=2027-01-01&period_end=2027-01-31&unit=1&department=3',
    );
    expect(within(table).getByRole('rowheader', { name: 'Feb 2027' })).toBeInTheDocument();
    expect(screen.getByTestId('summary-already')).toHaveTextContent('4');
    expect(screen.getByTestId('summary-already')).toHaveAttribute(
      'href',
      '/retention/eligible?period_end=2026-12-31',
    );
    expect(screen.getByTestId('summary-pending')).toHaveTextContent('6');
    expect(screen.getByTestId('summary-hold')).toHaveTextContent('1');
    expect(screen.getByTestId('summary-permanent')).toHaveTextContent('7');
    // The chart's text alternative names the table.
    expect(screen.getByText(/the table below gives the figures/)).toBeInTheDocument();
  });

  it('asks the server again when the period changes, and keeps it in the URL', async () => {
    const { api, router } = setUp();
    await screen.findByRole('table', { name: 'Forecast by period' });
    expect(forecastCalls(api).map((q) => q.get('period'))).toEqual(['month']);
    await userEvent.click(screen.getByRole('radio', { name: 'Quarter' }));
    expect(
      await screen.findByRole('rowheader', { name: '2027-Q1' }, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(forecastCalls(api).map((q) => q.get('period'))).toEqual(['month', 'quarter']);
    expect(router.state.location.search).toBe('?period=quarter');
  });

  it('reads its filters from the URL', async () => {
    const { api } = setUp('/retention/forecast?period=quarter&unit=1&department=3&from=2027-01-01');
    await screen.findByRole('table', { name: 'Forecast by period' });
    const [query] = forecastCalls(api);
    expect(query?.get('period')).toBe('quarter');
    expect(query?.get('unit')).toBe('1');
    expect(query?.get('department')).toBe('3');
    expect(query?.get('from')).toBe('2027-01-01');
    expect(query?.has('to')).toBe(false);
  });

  it('exports the figures on screen as CSV through the API client', async () => {
    const { api } = setUp('/retention/forecast?period=quarter&unit=1');
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
    const click = vi
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
    await userEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));
    await waitFor(() => {
      expect(click).toHaveBeenCalled();
    });
    const exported = api.calls.find((call) => call.path === '/api/v1/retention/forecast.csv');
    expect(exported?.headers.get('Accept')).toBe('text/csv');
    const query = new URLSearchParams(exported?.search);
    expect(query.get('period')).toBe('quarter');
    expect(query.get('unit')).toBe('1');
  });
});

describe('EligibleCratesPage', { timeout: 20_000 }, () => {
  it('lists the crates of the period in its URL', async () => {
    const api = stubApi({
      '/api/v1/retention/eligible-crates/': [
        {
          body: {
            next: null,
            previous: null,
            results: [
              {
                id: 8,
                code: 'GOA1-QA-2026-000008-1',
                unit: 1,
                unit_code: 'GOA1',
                department: 3,
                department_code: 'QA',
                location_code: 'GOA1/R01/K01/S1',
                destroy_after: '2027-01-31',
                document_count: 5,
              },
            ],
          },
        },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute(
      '/retention/eligible',
      '/retention/eligible?on=2027-01-31&period_start=2027-01-01&period_end=2027-01-31&unit=1',
      <EligibleCratesPage me={me} />,
    );
    const link = await screen.findByRole('link', { name: 'GOA1-QA-2026-000008-1' });
    expect(link).toHaveAttribute('href', '/crates/8');
    const query = new URLSearchParams(
      api.calls.find((call) => call.path === '/api/v1/retention/eligible-crates/')?.search,
    );
    expect(query.get('on')).toBe('2027-01-31');
    expect(query.get('period_start')).toBe('2027-01-01');
    expect(query.get('period_end')).toBe('2027-01-31');
    expect(query.get('unit')).toBe('1');
  });
});
