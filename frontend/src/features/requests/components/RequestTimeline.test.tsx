import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/test/render';

import { RequestTimeline, type TimelineEntry, type TimelineSignature } from './RequestTimeline';

const MANAGER = { full_name: 'Meera Manager', username: 'goa1-manager' };
const APPROVER = { full_name: 'Arun Approver', username: 'goa1-approver' };

function signed(
  id: number,
  meaning: string,
  signer: typeof MANAGER,
  overrides: Partial<TimelineSignature> = {},
): TimelineSignature {
  return {
    id,
    meaning: meaning.toUpperCase().replace(' ', '_'),
    meaning_label: meaning,
    signer_name: signer.full_name,
    signer_username: signer.username,
    signed_at: `2026-12-06T0${String(id)}:00:05Z`,
    reason: '',
    valid: true,
    status: 'valid',
    status_label: 'Valid',
    superseded_by_version: null,
    ...overrides,
  };
}

function entry(overrides: Partial<TimelineEntry> & Pick<TimelineEntry, 'key'>): TimelineEntry {
  return {
    action: 'request.create',
    label: 'Submitted for approval',
    at: '2026-12-06T01:00:05Z',
    actor: MANAGER,
    reason: '',
    reason_label: 'Reason',
    changes: [],
    signatures: [],
    send_back: null,
    events: [],
    ...overrides,
  };
}

const SEND_BACK = {
  id: 4,
  reason: 'Which batch?',
  sent_at: '2026-12-06T02:00:05Z',
  sent_by: APPROVER,
  from_status: 'SUBMITTED',
};

/** A withdrawal sent back, corrected and resubmitted, then approved (as the server folds it). */
const FLOW: TimelineEntry[] = [
  entry({
    key: 'event-2',
    signatures: [
      signed(1, 'Submitted', MANAGER, {
        valid: false,
        status: 'not_bound',
        status_label: 'Invalid — not bound to this record (copied, re-pointed or altered)',
      }),
    ],
    events: [
      {
        id: 1,
        action: 'signature.sign',
        at: '2026-12-06T01:00:05Z',
        actor_username: 'goa1-manager',
        reason: '',
        changes: { meaning: [null, 'SUBMITTED'], signature: [null, 1] },
      },
      {
        id: 2,
        action: 'request.create',
        at: '2026-12-06T01:00:05Z',
        actor_username: 'goa1-manager',
        reason: '',
        changes: { status: [null, 'SUBMITTED'] },
      },
    ],
  }),
  entry({
    key: 'event-4',
    action: 'request.send_back',
    label: 'Sent back for correction',
    at: '2026-12-06T02:00:05Z',
    actor: APPROVER,
    reason: 'Which batch?',
    reason_label: 'What to correct',
    send_back: SEND_BACK,
    signatures: [signed(2, 'Sent back', APPROVER)],
    events: [
      {
        id: 3,
        action: 'signature.sign',
        at: '2026-12-06T02:00:05Z',
        actor_username: 'goa1-approver',
        reason: 'Which batch?',
        changes: {},
      },
      {
        id: 4,
        action: 'request.send_back',
        at: '2026-12-06T02:00:05Z',
        actor_username: 'goa1-approver',
        reason: 'Which batch?',
        changes: { status: ['SUBMITTED', 'SENT_BACK'] },
      },
    ],
  }),
  entry({
    key: 'event-7',
    action: 'request.resubmit',
    label: 'Corrected and resubmitted',
    at: '2026-12-06T03:00:05Z',
    reason: 'Batch added',
    reason_label: 'Response',
    send_back: SEND_BACK,
    changes: [
      {
        field: 'purpose',
        label: 'Purpose',
        old: 'Deviation investigation',
        new: 'Deviation DEV-42, batch B-7',
      },
      { field: 'expected_return_on', label: 'Return by', old: '13 Dec 2026', new: '15 Dec 2026' },
      { field: 'documents', label: 'Documents', old: 'BMR-0001', new: 'BMR-0001, BMR-0002' },
    ],
    signatures: [signed(3, 'Resubmitted', MANAGER)],
    events: [
      {
        id: 5,
        action: 'request.update',
        at: '2026-12-06T02:30:00Z',
        actor_username: 'goa1-manager',
        reason: '',
        changes: { documents: [[11], [11, 12]] },
      },
      {
        id: 6,
        action: 'signature.sign',
        at: '2026-12-06T03:00:05Z',
        actor_username: 'goa1-manager',
        reason: 'Batch added',
        changes: {},
      },
      {
        id: 7,
        action: 'request.resubmit',
        at: '2026-12-06T03:00:05Z',
        actor_username: 'goa1-manager',
        reason: 'Batch added',
        changes: { status: ['SENT_BACK', 'SUBMITTED'] },
      },
    ],
  }),
  entry({
    key: 'event-9',
    action: 'request.approve',
    label: 'Approved',
    at: '2026-12-06T04:00:05Z',
    actor: APPROVER,
    signatures: [signed(4, 'Approved', APPROVER)],
  }),
];

function renderTimeline(timeline: TimelineEntry[], auditTrailHref?: string) {
  return renderWithProviders(
    <MemoryRouter>
      <RequestTimeline timeline={timeline} auditTrailHref={auditTrailHref} />
    </MemoryRouter>,
  );
}

function entries(): HTMLElement[] {
  return screen.getAllByTestId('timeline-entry');
}

function entryAt(index: number): HTMLElement {
  const found = entries()[index];
  if (found === undefined) {
    throw new Error(`no timeline entry ${String(index)}`);
  }
  return found;
}

describe('RequestTimeline', () => {
  it('shows one entry per action in plain words, never the raw action codes', () => {
    renderTimeline(FLOW);
    expect(entries()).toHaveLength(4);
    expect(
      entries().map((item) => item.querySelector('.mantine-Timeline-itemTitle')?.textContent),
    ).toEqual([
      'Submitted for approval',
      'Sent back for correction',
      'Corrected and resubmitted',
      'Approved',
    ]);
    expect(screen.queryByText(/request\.send_back/)).toBeNull();
    expect(screen.queryByText(/signature\.sign/)).toBeNull();
  });

  it('names people by full name, their user ID in smaller text', () => {
    renderTimeline(FLOW);
    const [created, sentBack] = [entryAt(0), entryAt(1)];
    expect(within(created).getAllByText('Meera Manager').length).toBeGreaterThan(0);
    expect(within(created).getAllByText('(goa1-manager)').length).toBeGreaterThan(0);
    expect(within(sentBack).getAllByText('Arun Approver').length).toBeGreaterThan(0);
    expect(within(sentBack).queryByText(/^goa1-approver$/)).toBeNull();
  });

  it('folds the signature and the reason into their action', () => {
    renderTimeline(FLOW);
    const [sentBack, corrected] = [entryAt(1), entryAt(2)];
    expect(sentBack).toHaveTextContent('What to correct: Which batch?');
    expect(sentBack).toHaveTextContent(
      'Signed “Sent back” by Arun Approver (goa1-approver) · 6 Dec 2026, 02:00:05 UTC',
    );
    expect(corrected).toHaveTextContent('Response: Batch added');
    expect(corrected).toHaveTextContent('Sent back by Arun Approver: “Which batch?”');
  });

  it('lists the changed fields, old → new', () => {
    renderTimeline(FLOW);
    const changes = within(entryAt(2)).getByRole('list', { name: 'Changed fields' });
    expect(
      within(changes)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Purpose: Deviation investigation → Deviation DEV-42, batch B-7',
      'Return by: 13 Dec 2026 → 15 Dec 2026',
      'Documents: BMR-0001 → BMR-0001, BMR-0002',
    ]);
    expect(within(entryAt(0)).queryByRole('list', { name: 'Changed fields' })).toBeNull();
  });

  it('shows the raw audit events of an entry a click away', async () => {
    const user = userEvent.setup();
    renderTimeline(FLOW);
    const corrected = entryAt(2);
    const disclosure = within(corrected).getByRole('button', { name: 'Show audit events (3)' });
    expect(disclosure).toHaveAttribute('aria-expanded', 'false');
    await user.click(disclosure);
    expect(disclosure).toHaveAttribute('aria-expanded', 'true');
    const raw = within(corrected).getByRole('list', { name: 'Audit events' });
    const rows = within(raw).getAllByRole('listitem');
    expect(
      rows.map((row) => within(row).getAllByText(/^(request|signature)\./)[0]?.textContent),
    ).toEqual(['request.update', 'signature.sign', 'request.resubmit']);
    expect(rows[0]).toHaveTextContent('event #5');
    expect(rows[0]).toHaveTextContent('6 Dec 2026, 02:30:00 UTC');
    expect(rows[0]).toHaveTextContent('"documents": [');
    await user.click(within(corrected).getByRole('button', { name: 'Hide audit events' }));
    expect(within(corrected).queryByRole('list', { name: 'Audit events' })).toBeNull();
  });

  it('links the audit trail when given its address', () => {
    renderTimeline(FLOW, '/audit?object_type=request&object_id=7');
    expect(screen.getByRole('link', { name: 'All audit events of this request' })).toHaveAttribute(
      'href',
      '/audit?object_type=request&object_id=7',
    );
  });

  it('shows a signature status in full, wrapped, red with its reason', () => {
    renderTimeline(FLOW);
    const status = screen.getByText(
      'Invalid — not bound to this record (copied, re-pointed or altered)',
    );
    expect(status).toHaveStyle({ whiteSpace: 'normal', overflow: 'visible' });
    const badge = status.closest('.mantine-Badge-root');
    expect(badge).toHaveAttribute('data-variant', 'filled');
    expect(badge).toHaveAttribute('data-tone', 'invalid');
  });

  it('shows a signature of an earlier version as superseded, grey, not invalid', () => {
    const superseded = signed(1, 'Submitted', MANAGER, {
      valid: false,
      // The status another change adds to the server: not in this schema's enum yet.
      status: 'superseded' as TimelineSignature['status'],
      status_label: 'Superseded by version 3', // the server's words
      superseded_by_version: 3,
    });
    renderTimeline([entry({ key: 'event-2', signatures: [superseded] })]);
    const status = screen.getByText('Superseded by version 3');
    const badge = status.closest('.mantine-Badge-root');
    expect(badge).toHaveAttribute('data-variant', 'light');
    expect(badge).toHaveAttribute('data-tone', 'superseded');
    expect(screen.queryByText(/Invalid/)).toBeNull();
  });
});
