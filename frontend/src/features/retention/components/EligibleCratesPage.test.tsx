import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { EligibleCratesPage } from './EligibleCratesPage';

function renderAs(permissions: string[], url: string) {
  vi.stubGlobal(
    'fetch',
    stubApi({
      '/api/v1/retention/eligible-crates/': [{ body: { next: null, previous: null, results: [] } }],
    }).fetchMock,
  );
  renderRoute(
    '/retention/eligible',
    url,
    <EligibleCratesPage me={makeMe({ permissions: ['records.view_crate', ...permissions] })} />,
  );
}

describe('EligibleCratesPage', () => {
  it("links a batch preparer to the batch builder with the list's unit, department and period", async () => {
    renderAs(
      ['disposition.prepare_batch'],
      '/retention/eligible?unit=1&department=4&period_start=2026-01-01&period_end=2026-01-31&on=2026-02-01&search=BMR',
    );
    expect(
      await screen.findByRole('link', { name: 'Prepare a destruction batch' }),
    ).toHaveAttribute(
      'href',
      '/destruction-batches/new?unit=1&department=4&period_start=2026-01-01&period_end=2026-01-31',
    );
  });

  it('offers no batch to a role that does not prepare them', async () => {
    renderAs([], '/retention/eligible');
    await screen.findByText('No crates are eligible.');
    expect(
      screen.queryByRole('link', { name: 'Prepare a destruction batch' }),
    ).not.toBeInTheDocument();
  });
});
