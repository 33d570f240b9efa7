import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { liveEvent, renderWithLiveEvents } from '@/test/live-events';
import { renderRoute } from '@/test/render-route';
import { makeFlag, makeReview, makeReviewSignature } from '@/test/review-fixtures';
import { envelope, stubApi } from '@/test/stub-api';

import type { ReviewDetail } from '../api/types';
import { ReviewPage } from './ReviewPage';

const DETAIL = 'GET /api/v1/audit-reviews/3/';
const DECIDE = 'POST /api/v1/audit-reviews/3/flags/31/decide/';
const SESSION = { body: { username_required: false, expires_at: null, idle_minutes: 30 } };

function renderReview(
  review: ReviewDetail,
  more: Record<string, { status?: number; body: unknown }[]> = {},
) {
  const api = stubApi({
    [DETAIL]: [{ body: review }],
    'GET /api/v1/auth/signing-session/': [SESSION],
    ...more,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute(
    '/audit-reviews/:reviewId',
    '/audit-reviews/3',
    <ReviewPage me={makeMe({ full_name: 'Approver GOA1' })} />,
  );
  return api;
}

const flagCard = () =>
  screen.findByRole('article', { name: /^Changes outside working hours: goa1-manager/ });

describe('ReviewPage', () => {
  it('lists each flag with the events it is about', async () => {
    renderReview(makeReview());
    const card = await flagCard();
    expect(within(card).getByText('Open')).toBeInTheDocument();
    const events = within(card).getByRole('table');
    expect(events).toHaveTextContent('crate.update');
    expect(events).toHaveTextContent('goa1-manager');
    expect(events).toHaveTextContent('10.0.0.5');
    expect(screen.getByRole('button', { name: 'Sign as reviewed' })).toBeDisabled();
    expect(screen.getByText(/1 flag\(s\) to acknowledge/)).toBeInTheDocument();
  });

  it('acknowledges a flag with the comment typed', async () => {
    const decided = makeReview({
      version: 2,
      flags: [
        makeFlag({
          state: 'ACKNOWLEDGED',
          state_display: 'Acknowledged',
          comment: 'Planned night maintenance.',
          decided_by_name: 'Approver GOA1',
          decided_at: '2026-12-06T09:10:00Z',
          version: 2,
        }),
      ],
    });
    const api = renderReview(makeReview(), { [DECIDE]: [{ body: decided }] });
    const card = await flagCard();
    await userEvent.type(within(card).getByLabelText(/^Comment/), 'Planned night maintenance.');
    await userEvent.click(within(card).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Sign as reviewed' })).toBeEnabled();
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 1,
      decision: 'ACKNOWLEDGED',
      comment: 'Planned night maintenance.',
    });
    expect(await flagCard()).toHaveTextContent('Acknowledged by Approver GOA1');
  });

  it('asks for a comment before sending anything', async () => {
    const api = renderReview(makeReview());
    const card = await flagCard();
    await userEvent.click(within(card).getByRole('button', { name: 'Raise finding' }));
    expect(await within(card).findByText('Say why: a comment is required')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('keeps the comment typed when the server refuses it', async () => {
    renderReview(makeReview(), {
      [DECIDE]: [
        {
          status: 409,
          body: envelope(
            'stale_version',
            'Someone else changed this flag since you read it (version 1, now 2); reload and try again.',
            { version: ['Current version is 2.'] },
          ),
        },
      ],
    });
    const card = await flagCard();
    await userEvent.type(within(card).getByLabelText(/^Comment/), 'Capacity raised without CC');
    await userEvent.click(within(card).getByRole('button', { name: 'Raise finding' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent('Someone else changed');
    expect(within(card).getByLabelText(/^Comment/)).toHaveValue('Capacity raised without CC');
  });

  it('shows what the reviewer signs and signs the month', async () => {
    const ready = makeReview({
      version: 4,
      flags: [
        makeFlag({
          state: 'FINDING',
          state_display: 'Finding',
          comment: 'Change without change control',
          decided_by_name: 'Approver GOA1',
          decided_at: '2026-12-06T09:10:00Z',
        }),
      ],
    });
    const signed = makeReview({
      ...ready,
      status: 'SIGNED',
      can_review: false,
      version: 5,
      signed_by_name: 'Approver GOA1',
      signed_at: '2026-12-06T09:30:00Z',
      signatures: [makeReviewSignature()],
    });
    const api = renderReview(ready, { 'POST /api/v1/audit-reviews/3/sign/': [{ body: signed }] });
    await userEvent.click(await screen.findByRole('button', { name: 'Sign as reviewed' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('signature-meaning')).toHaveTextContent(
      'Audit trail reviewed',
    );
    const what = within(dialog).getByRole('group', { name: 'What you sign' });
    expect(what).toHaveTextContent('Audit trail of GOA1 for 2026-11 · 1 flag(s), 1 finding(s)');
    expect(within(what).getByRole('listitem')).toHaveTextContent(
      'Changes outside working hours — finding: Change without change control',
    );
    await userEvent.type(within(dialog).getByLabelText(/^Your password/), 'secret');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and review' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 4,
      signature: { password: 'secret' },
      reason: '',
    });
    const signatures = await screen.findByRole('table', { name: 'Signatures' });
    expect(signatures).toHaveTextContent('Audit trail reviewed');
    expect(signatures).toHaveTextContent('Approver GOA1');
    expect(signatures).toHaveTextContent('Valid');
    expect(screen.queryByRole('button', { name: 'Sign as reviewed' })).not.toBeInTheDocument();
  });

  it("refetches the review on its live event, not on another review's", async () => {
    const decided = makeReview({
      version: 2,
      flags: [
        makeFlag({
          state: 'ACKNOWLEDGED',
          state_display: 'Acknowledged',
          comment: 'Planned night maintenance.',
          decided_by_name: 'Approver MUM1',
          decided_at: '2026-12-06T09:10:00Z',
          version: 2,
        }),
      ],
    });
    const api = stubApi({
      [DETAIL]: [{ body: makeReview() }, { body: decided }],
      'GET /api/v1/auth/signing-session/': [SESSION],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    const { send } = renderWithLiveEvents(
      <MemoryRouter initialEntries={['/audit-reviews/3']}>
        <Routes>
          <Route
            path="/audit-reviews/:reviewId"
            element={<ReviewPage me={makeMe({ full_name: 'Approver GOA1' })} />}
          />
        </Routes>
      </MemoryRouter>,
    );
    expect(within(await flagCard()).getByText('Open')).toBeInTheDocument();
    const detailCalls = () =>
      api.calls.filter((c) => c.method === 'GET' && c.path === '/api/v1/audit-reviews/3/').length;
    expect(detailCalls()).toBe(1);

    send(liveEvent('review', 4, { period: '2026-11', status: 'OPEN' }, 1));
    send(liveEvent('review', 3, { period: '2026-11', status: 'OPEN' }, 2));
    await waitFor(() => {
      expect(screen.getByTestId('flag-31')).toHaveTextContent('Acknowledged by Approver MUM1');
    });
    expect(detailCalls()).toBe(2);
  });
});
