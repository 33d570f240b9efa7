import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { liveEvent, renderWithLiveEvents } from '@/test/live-events';
import { renderRoute } from '@/test/render-route';
import { makeReview } from '@/test/review-fixtures';
import { envelope, stubApi } from '@/test/stub-api';

import { MemoryRouter } from 'react-router';

import { endedMonths } from './review-months';
import { ReviewsListPage } from './ReviewsListPage';

const LIST = '/api/v1/audit-reviews/';

function renderList(
  more: Record<string, { status?: number; body: unknown }[]> = {},
  permissions = ['compliance.view_audit_trail', 'review.review_audit_trail'],
) {
  const api = stubApi({
    [`GET ${LIST}`]: [{ body: { next: null, previous: null, results: [makeReview()] } }],
    ...more,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  const view = renderRoute(
    '/audit-reviews',
    '/audit-reviews',
    <ReviewsListPage me={makeMe({ permissions })} />,
  );
  return { api, ...view };
}

describe('ReviewsListPage', () => {
  it('lists the reviews with their flags and links to each', async () => {
    renderList();
    const row = await screen.findByTestId('review-row-3');
    expect(row).toHaveTextContent('GOA1');
    expect(within(row).getByRole('link', { name: '2026-11' })).toHaveAttribute(
      'href',
      '/audit-reviews/3',
    );
  });

  it('offers to open a review only to reviewers', async () => {
    renderList({}, ['compliance.view_audit_trail']);
    await screen.findByTestId('review-row-3');
    expect(screen.queryByRole('button', { name: 'Open review' })).not.toBeInTheDocument();
  });

  it('opens a review of a unit and an ended month, and goes to it', async () => {
    const { api, router } = renderList({
      [`POST ${LIST}`]: [{ status: 201, body: makeReview({ id: 9 }) }],
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Open review' }));
    const dialog = await screen.findByRole('dialog');
    const month = endedMonths(new Date(), 1)[0];
    expect(within(dialog).getByRole('combobox', { name: 'Month' })).toHaveValue(month);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Open review' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/audit-reviews/9');
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ unit: 1, period: month });
  });

  it("shows the server's refusal on the month", async () => {
    renderList({
      [`POST ${LIST}`]: [
        {
          status: 409,
          body: envelope('review_exists', 'GOA1 2026-11 already has a review.', {
            period: ['Already reviewed or in review.'],
          }),
        },
      ],
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Open review' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Open review' }));
    expect(await within(dialog).findByText('Already reviewed or in review.')).toBeInTheDocument();
    expect(within(dialog).getByRole('alert')).toHaveTextContent('already has a review');
  });

  it("refreshes from a review's live event", async () => {
    const signed = makeReview({ status: 'SIGNED' });
    const api = stubApi({
      [`GET ${LIST}`]: [
        { body: { next: null, previous: null, results: [makeReview()] } },
        { body: { next: null, previous: null, results: [signed] } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    const { send } = renderWithLiveEvents(
      <MemoryRouter initialEntries={['/audit-reviews']}>
        <ReviewsListPage me={makeMe({ permissions: ['compliance.view_audit_trail'] })} />
      </MemoryRouter>,
    );
    const row = await screen.findByTestId('review-row-3');
    expect(row).toHaveTextContent('Open');
    send(liveEvent('review', 3, { period: '2026-11', status: 'SIGNED' }));
    await waitFor(() => {
      expect(screen.getByTestId('review-row-3')).toHaveTextContent('Signed');
    });
  });
});
