import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { renderWithProviders } from '@/test/render';

import { componentLabel } from './component-label';
import { HealthPanel } from './HealthPanel';

const ALL_OK = {
  status: 'ok',
  components: { database: 'ok', cache: 'ok', channel_layer: 'ok', broker: 'ok' },
};

const DATABASE_DOWN = {
  status: 'unavailable',
  components: {
    database: 'error: connection to server at "db" (10.0.0.5), port 5432 failed',
    cache: 'ok',
    channel_layer: 'ok',
    broker: 'ok',
  },
};

function componentRow(label: string): HTMLElement {
  const table = screen.getByRole('table', { name: 'Components checked by /readyz' });
  const header = within(table).getByRole('rowheader', { name: label });
  const row = header.closest('tr');
  if (row === null) {
    throw new Error(`no table row for ${label}`);
  }
  return row;
}

function summaryFor(term: RegExp): HTMLElement {
  const dt = screen.getByText(term, { selector: 'dt' });
  const dd = dt.nextElementSibling;
  if (!(dd instanceof HTMLElement)) {
    throw new Error(`no value for ${String(term)}`);
  }
  return dd;
}

describe('HealthPanel', () => {
  it('lists every component reported ok by a healthy backend', async () => {
    const { requestedPaths } = mockFetch({
      '/healthz': { body: { status: 'ok' } },
      '/readyz': { body: ALL_OK },
    });

    renderWithProviders(<HealthPanel />);

    expect(await screen.findByRole('rowheader', { name: 'Database' })).toBeInTheDocument();
    for (const label of ['Database', 'Cache', 'Channel layer', 'Broker']) {
      const row = componentRow(label);
      expect(within(row).getByText('ok')).toHaveAttribute('data-tone', 'ok');
      expect(within(row).queryByText('failing')).not.toBeInTheDocument();
    }
    expect(within(summaryFor(/Application process/)).getByText('ok')).toBeInTheDocument();
    expect(within(summaryFor(/Readiness/)).getByText('ok')).toHaveAttribute('data-tone', 'ok');
    expect(requestedPaths).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
  });

  it('shows a component from a 503 body as failing, with its error, and the rest as ok', async () => {
    mockFetch({
      '/healthz': { body: { status: 'ok' } },
      '/readyz': { status: 503, body: DATABASE_DOWN },
    });

    renderWithProviders(<HealthPanel />);

    await screen.findByRole('rowheader', { name: 'Database' });
    const database = componentRow('Database');
    expect(within(database).getByText('failing')).toHaveAttribute('data-tone', 'failing');
    expect(within(database).getByText(/^error: connection to server at "db"/)).toBeInTheDocument();

    for (const label of ['Cache', 'Channel layer', 'Broker']) {
      expect(within(componentRow(label)).getByText('ok')).toHaveAttribute('data-tone', 'ok');
    }

    const readiness = summaryFor(/Readiness/);
    expect(within(readiness).getByText('unavailable')).toHaveAttribute('data-tone', 'failing');
    // The process itself is alive even though a dependency is not.
    expect(within(summaryFor(/Application process/)).getByText('ok')).toBeInTheDocument();
  });

  it('reports the backend as unreachable when the requests fail outright', async () => {
    mockFetch({
      '/healthz': { networkError: true },
      '/readyz': { status: 502, body: 'Bad Gateway' },
    });

    renderWithProviders(<HealthPanel />);

    const liveness = summaryFor(/Application process/);
    expect(await within(liveness).findByText('unreachable')).toHaveAttribute(
      'data-tone',
      'failing',
    );
    const readiness = summaryFor(/Readiness/);
    expect(await within(readiness).findByText('unreachable')).toBeInTheDocument();
    expect(within(readiness).getByText(/^502/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});

describe('componentLabel', () => {
  it('turns snake_case component names into words', () => {
    expect(componentLabel('channel_layer')).toBe('Channel layer');
    expect(componentLabel('database')).toBe('Database');
  });
});
