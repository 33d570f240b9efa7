import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { RequestDetail } from '@/lib/api/types';
import { makeActions, makeDocument, makeMe, makeRequest } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { present, stubApi } from '@/test/stub-api';

import { RequestDetailPage } from './RequestDetailPage';

type Signature = RequestDetail['signatures'][number];

/** The words the server gives each status (strongroom/compliance/signing.py STATUSES). */
const SERVER_STATUS_LABELS: Record<Signature['status'], string> = {
  valid: 'Valid',
  superseded: 'Superseded by a later version',
  record_changed: 'Invalid — record changed outside an audited edit',
  not_bound: 'Invalid — not bound to this record (copied, re-pointed or altered)',
  no_audit_event: 'Invalid — no matching audit event',
};

function serverStatusLabel(status: Signature['status'], supersededBy: number | null): string {
  return status === 'superseded' && supersededBy !== null
    ? `Superseded by version ${String(supersededBy)}`
    : SERVER_STATUS_LABELS[status];
}

function signature(
  id: number,
  meaning: string,
  status: Signature['status'],
  supersededByVersion: number | null = null,
): Signature {
  return {
    id,
    signer: 2,
    printed_name: 'Document Manager GOA1',
    meaning: meaning as Signature['meaning'],
    meaning_display: meaning.charAt(0) + meaning.slice(1).toLowerCase(),
    signed_at: `2026-11-23T0${String(id)}:00:00Z`,
    reason: '',
    request: 7,
    request_number: 'REQ-2026-000007',
    crate: null,
    crate_code: 'GOA1-QA-2026-000003-5',
    object_type: 'request',
    object_id: '7',
    unit: 1,
    scheme: 2,
    content_digest: 'a'.repeat(64),
    record_digest: 'b'.repeat(64),
    valid: status === 'valid',
    status,
    status_display: serverStatusLabel(status, supersededByVersion),
    superseded_by_version: supersededByVersion,
    manifestation: 'Document Manager GOA1 — Submitted — 2026-11-23 01:00:00 UTC',
  };
}

type TimelineEntry = RequestDetail['timeline'][number];

function timelineEntry(
  key: string,
  label: string,
  meaning: string,
  status: Signature['status'],
): TimelineEntry {
  const person = { full_name: 'Document Manager GOA1', username: 'goa1-manager' };
  return {
    key,
    action: 'request.create',
    label,
    at: '2026-11-23T01:00:00Z',
    actor: person,
    reason: '',
    reason_label: 'Reason',
    changes: [],
    send_back: null,
    events: [],
    signatures: [
      {
        id: Number(key),
        meaning: meaning.toUpperCase(),
        meaning_label: meaning,
        signer_name: person.full_name,
        signer_username: person.username,
        signed_at: '2026-11-23T01:00:00Z',
        reason: '',
        valid: status === 'valid',
        status,
        status_label: status === 'valid' ? 'Valid' : 'Invalid — record changed',
        superseded_by_version: null,
      },
    ],
  };
}

const CRATE_DOCUMENTS = [
  makeDocument({ id: 12, number: 'BMR-0002', title: 'Batch record 0002' }),
  makeDocument(),
  makeDocument({
    id: 13,
    number: 'SOP-0100',
    title: 'Cleaning procedure',
    doc_type_name: 'Standard operating procedure',
    retention_until: null,
    retain_permanently: true,
  }),
];

function renderDetail(detail: RequestDetail, documents = CRATE_DOCUMENTS) {
  const api = stubApi({
    'GET /api/v1/requests/7/': [{ body: detail }],
    'GET /api/v1/documents/': [{ body: { next: null, previous: null, results: documents } }],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute('/requests/:requestId', '/requests/7', <RequestDetailPage me={makeMe()} />);
  return api;
}

function cells(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
}

describe('RequestDetailPage documents (what the approver signs)', () => {
  it("lists the whole crate's documents with type and retention, from the crate's documents", async () => {
    const api = renderDetail(makeRequest({ documents: [] }));
    const table = await screen.findByRole('table', { name: 'Documents of the request' });
    expect(cells(table)).toEqual([
      ['BMR-0001', 'Batch record 0001', 'Batch manufacturing record', '31 Dec 2030'],
      ['BMR-0002', 'Batch record 0002', 'Batch manufacturing record', '31 Dec 2030'],
      ['SOP-0100', 'Cleaning procedure', 'Standard operating procedure', 'Permanent'],
    ]);
    expect(screen.getByTestId('request-documents-summary')).toHaveTextContent(
      'The whole crate GOA1-QA-2026-000003-5: 3 documents',
    );
    const call = api.calls.find((c) => c.path === '/api/v1/documents/');
    expect(new URLSearchParams(call?.search).get('crate')).toBe('3');
    expect(within(table).getByRole('link', { name: 'SOP-0100' })).toHaveAttribute(
      'href',
      '/documents?search=SOP-0100',
    );
  });

  it('links the crate code to the crate', async () => {
    renderDetail(makeRequest());
    const link = await screen.findByTestId('request-crate-link');
    expect(link).toHaveAttribute('href', '/crates/3');
    expect(link).toHaveTextContent('GOA1-QA-2026-000003-5');
  });

  it('lists only the documents the request names', async () => {
    renderDetail(makeRequest({ documents: [{ id: 13, number: 'SOP-0100', title: 'Cleaning' }] }));
    const table = await screen.findByRole('table', { name: 'Documents of the request' });
    expect(cells(table).map((row) => row[0])).toEqual(['SOP-0100']);
    expect(screen.getByTestId('request-documents-summary')).toHaveTextContent(
      '1 document of crate GOA1-QA-2026-000003-5',
    );
  });
});

describe('RequestDetailPage signatures', () => {
  it('shows each signature valid or invalid with the reason', async () => {
    renderDetail(
      makeRequest({
        signatures: [
          signature(1, 'SUBMITTED', 'record_changed'),
          signature(2, 'SENT_BACK', 'not_bound'),
          signature(3, 'RESUBMITTED', 'valid'),
          signature(4, 'APPROVED', 'no_audit_event'),
        ],
      }),
    );
    const table = await screen.findByRole('table', { name: 'Signatures' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell').at(-1)?.textContent)).toEqual([
      'Invalid — record changed outside an audited edit' +
        'The record was changed after this signature without an audited edit: it no longer signs what is shown.',
      'Invalid — not bound to this record (copied, re-pointed or altered)' +
        'The signature was copied, re-pointed or altered: it does not belong to this record as it stands.',
      'Valid',
      'Invalid — no matching audit event' + 'No audit event records this signature being made.',
    ]);
  });

  it('shows a signature of an earlier version as superseded, grey, not as invalid', async () => {
    renderDetail(
      makeRequest({
        signatures: [
          signature(1, 'SUBMITTED', 'superseded', 4),
          signature(2, 'SENT_BACK', 'record_changed'),
          signature(3, 'RESUBMITTED', 'valid'),
        ],
      }),
    );
    const table = await screen.findByRole('table', { name: 'Signatures' });
    const [first, second, third] = within(table).getAllByRole('row').slice(1);
    const superseded = within(present(first)).getByText('Superseded by version 4');
    expect(superseded.closest('[data-tone]')).toHaveAttribute('data-tone', 'superseded');
    expect(within(present(first)).queryByText(/Invalid/)).toBeNull();
    // Not cut off: the label wraps instead of being truncated with an ellipsis.
    const invalid = within(present(second)).getByText(
      'Invalid — record changed outside an audited edit',
    );
    expect(invalid.closest('[data-tone]')).toHaveAttribute('data-tone', 'invalid');
    expect(invalid).toHaveStyle({ whiteSpace: 'normal' });
    expect(within(present(third)).getByText('Valid').closest('[data-tone]')).toHaveAttribute(
      'data-tone',
      'valid',
    );
  });

  it('offers its requester one action on a sent-back request: correct and resubmit', async () => {
    const requester = makeMe({
      id: 2,
      permissions: ['workflow.view_request', 'workflow.add_request'],
    });
    const api = stubApi({
      'GET /api/v1/requests/7/': [
        {
          body: makeRequest({
            status: 'SENT_BACK',
            requester: 2,
            available_actions: makeActions('resubmit', 'cancel'),
          }),
        },
      ],
      'GET /api/v1/documents/': [{ body: { next: null, previous: null, results: [] } }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute('/requests/:requestId', '/requests/7', <RequestDetailPage me={requester} />);
    const actions = await screen.findByRole('group', { name: 'Actions' });
    expect(within(actions).getByRole('link', { name: 'Correct and resubmit' })).toHaveAttribute(
      'href',
      '/requests/7/edit',
    );
    expect(within(actions).queryByRole('button', { name: 'Resubmit' })).toBeNull();
    expect(within(actions).getByRole('button', { name: 'Cancel request' })).toBeInTheDocument();
  });

  it('marks an invalid signature in the timeline, in full', async () => {
    renderDetail(
      makeRequest({
        timeline: [
          timelineEntry('1', 'Submitted for approval', 'Submitted', 'record_changed'),
          timelineEntry('2', 'Resubmitted', 'Resubmitted', 'valid'),
        ],
      }),
      [],
    );
    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    expect(within(timeline).getAllByText('Invalid — record changed')).toHaveLength(1);
    expect(within(timeline).getAllByText('Valid')).toHaveLength(1);
    // An approver (no audit trail permission) is not offered the audit trail.
    expect(within(timeline).queryByRole('link', { name: /audit events/ })).toBeNull();
  });

  it('links the audit trail filtered to the request for those who may read it', async () => {
    const api = stubApi({
      'GET /api/v1/requests/7/': [
        { body: makeRequest({ timeline: [timelineEntry('1', 'Approved', 'Approved', 'valid')] }) },
      ],
      'GET /api/v1/documents/': [{ body: { next: null, previous: null, results: [] } }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute(
      '/requests/:requestId',
      '/requests/7',
      <RequestDetailPage
        me={makeMe({ permissions: ['workflow.view_request', 'compliance.view_audit_trail'] })}
      />,
    );
    const link = await screen.findByRole('link', { name: 'All audit events of this request' });
    expect(link).toHaveAttribute('href', '/audit?object_type=request&object_id=7');
  });

  describe('times', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it("shows the viewer's zone by name, and signatures in UTC", async () => {
      vi.stubEnv('TZ', 'Europe/Berlin');
      renderDetail(makeRequest({ signatures: [signature(1, 'SUBMITTED', 'valid')] }));
      const table = await screen.findByRole('table', { name: 'Signatures' });
      const [row] = within(table).getAllByRole('row').slice(1);
      expect(row).toHaveTextContent('23 Nov 2026, 01:00:00 UTC');
      expect(screen.getAllByText('23 Nov 2026, 04:00 CET').length).toBeGreaterThan(0);
    });
  });
});

describe('RequestDetailPage destruction certificate', () => {
  it('offers the certificate on a completed destruction only', async () => {
    renderDetail(makeRequest({ type: 'DESTRUCTION', status: 'COMPLETED' }));
    expect(
      await screen.findByRole('button', { name: 'Download destruction certificate' }),
    ).toBeInTheDocument();
  });

  it('does not offer it before the destruction is completed', async () => {
    renderDetail(makeRequest({ type: 'DESTRUCTION', status: 'APPROVED' }));
    await screen.findByRole('table', { name: 'Documents of the request' });
    expect(screen.queryByRole('button', { name: 'Download destruction certificate' })).toBeNull();
  });
});
