import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { makeCoverageRow, makeReviewSignature } from '@/test/review-fixtures';
import { stubApi } from '@/test/stub-api';

import { CoveragePage } from './CoveragePage';

const COVERAGE = '/api/v1/audit-reviews/coverage/';

function renderCoverage(url = '/audit-reviews/coverage') {
  const api = stubApi({
    [COVERAGE]: [
      {
        body: [
          makeCoverageRow({
            status: 'REVIEWED',
            review: 3,
            flag_count: 2,
            finding_count: 1,
            opened_by_name: 'Approver GOA1',
            signed_by_name: 'Approver GOA1',
            signed_at: '2026-12-06T09:30:00Z',
            signature: makeReviewSignature(),
          }),
          makeCoverageRow({ period: '2026-10', due_on: '2026-11-15', status: 'OVERDUE' }),
        ],
      },
    ],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute('/audit-reviews/coverage', url, <CoveragePage me={makeMe()} />);
  return api;
}

describe('CoveragePage', () => {
  it('shows each unit-month with its status, reviewer and signature', async () => {
    renderCoverage();
    const reviewed = await screen.findByTestId('coverage-GOA1-2026-11');
    expect(within(reviewed).getByText('Reviewed')).toBeInTheDocument();
    expect(within(reviewed).getByRole('link', { name: '2026-11' })).toHaveAttribute(
      'href',
      '/audit-reviews/3',
    );
    expect(reviewed).toHaveTextContent('Approver GOA1 — Audit trail reviewed —');
    expect(within(reviewed).getByText('Valid')).toBeInTheDocument();
    const overdue = screen.getByTestId('coverage-GOA1-2026-10');
    expect(within(overdue).getByText('Overdue')).toBeInTheDocument();
    expect(within(overdue).queryByRole('link')).not.toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('1 unit-month(s) not signed');
  });

  it('asks the server for the unit and months of the URL', async () => {
    const api = renderCoverage('/audit-reviews/coverage?unit=1&months=6');
    await screen.findByTestId('coverage-GOA1-2026-11');
    const search = new URLSearchParams(api.calls.find((c) => c.path === COVERAGE)?.search);
    expect(search.get('unit')).toBe('1');
    expect(search.get('months')).toBe('6');
  });
});
