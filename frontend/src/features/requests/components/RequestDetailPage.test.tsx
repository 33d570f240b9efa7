import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { RequestDetail } from '@/lib/api/types';
import { makeMe, makeRequest } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { RequestDetailPage } from './RequestDetailPage';

type Signature = RequestDetail['signatures'][number];

function signature(id: number, meaning: string, status: Signature['status']): Signature {
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
    status_display: status,
    manifestation: 'Document Manager GOA1 — Submitted — 2026-11-23 01:00:00 UTC',
  };
}

function renderDetail(detail: RequestDetail) {
  const api = stubApi({ 'GET /api/v1/requests/7/': [{ body: detail }] });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute('/requests/:requestId', '/requests/7', <RequestDetailPage me={makeMe()} />);
}

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
      'Invalid — record changed',
      'Invalid — not bound to this record',
      'Valid',
      'Invalid — no audit event',
    ]);
  });

  it('marks an invalid signature in the timeline', async () => {
    renderDetail(
      makeRequest({
        timeline: [
          {
            kind: 'signature',
            at: '2026-11-23T01:00:00Z',
            id: 1,
            actor: 'Document Manager GOA1',
            title: 'Signed: Submitted',
            reason: '',
            valid: false,
            status: 'record_changed',
          },
          {
            kind: 'signature',
            at: '2026-11-23T02:00:00Z',
            id: 2,
            actor: 'Document Manager GOA1',
            title: 'Signed: Resubmitted',
            reason: '',
            valid: true,
            status: 'valid',
          },
        ],
      }),
    );
    const timeline = await screen.findByRole('region', { name: 'Timeline' });
    expect(within(timeline).getAllByText('Invalid — record changed')).toHaveLength(1);
    expect(within(timeline).queryByText('Valid')).toBeNull();
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
