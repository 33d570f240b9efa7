import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { Schemas } from '@/lib/api/types';
import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, present, stubApi } from '@/test/stub-api';

import { AuditDetailPage } from './AuditDetailPage';

type Detail = Schemas['InventoryAuditDetail'];
type Result = Schemas['InventoryResult'];

const DETAIL = 'GET /api/v1/inventory-audits/9/';
const SCANS = 'GET /api/v1/inventory-audits/9/scans/';
const SESSION = { body: { username_required: false, expires_at: null, idle_minutes: 30 } };
const A1 = 41;
const A2 = 42;

function action(name: string): Schemas['InventoryAuditAction'] {
  const served: Record<string, Omit<Schemas['InventoryAuditAction'], 'name' | 'path'>> = {
    scan: { label: 'Scan shelves', meaning: null, meaning_label: null, reason_required: false },
    count_complete: {
      label: 'Complete the count',
      meaning: null,
      meaning_label: null,
      reason_required: false,
    },
    reconcile: {
      label: 'Reconcile',
      meaning: 'RECONCILED',
      meaning_label: 'Inventory discrepancy reconciled',
      reason_required: true,
    },
    close: {
      label: 'Close audit',
      meaning: 'AUDIT_CLOSED',
      meaning_label: 'Inventory audit closed',
      reason_required: false,
    },
    cancel: {
      label: 'Cancel audit',
      meaning: 'CANCELLED',
      meaning_label: 'Cancelled',
      reason_required: true,
    },
  };
  return { name, path: name.replace('_', '-'), ...present(served[name], name) };
}

function result(overrides: Partial<Result>): Result {
  return {
    code: 'GOA1-QA-2026-000001-1',
    crate_id: 1,
    finding_id: null,
    result: 'FOUND',
    expected_shelf: 'GOA1/R09/K01/A1',
    found_shelf: 'GOA1/R09/K01/A1',
    recorded_status: 'IN_STORAGE',
    resolution: '',
    note: '',
    resolved_at: null,
    resolved_by_name: null,
    allowed_actions: [],
    ...overrides,
  };
}

function makeAudit(overrides: Partial<Detail> = {}): Detail {
  return {
    id: 9,
    number: 'IA-2026-0009',
    unit: 1,
    unit_code: 'GOA1',
    scope: 5,
    scope_code: 'GOA1/R09',
    status: 'IN_PROGRESS',
    note: '',
    opened_by: 4,
    opened_by_name: 'Store Head GOA1',
    opened_at: '2026-12-06T09:00:00Z',
    started_at: '2026-12-06T09:05:00Z',
    counted_at: null,
    closed_at: null,
    cancelled_at: null,
    cancel_reason: '',
    version: 3,
    updated_at: '2026-12-06T09:05:00Z',
    shelf_count: 2,
    shelves_done: 0,
    expected_count: 3,
    scan_count: 1,
    open_findings: 0,
    available_actions: [action('scan'), action('count_complete'), action('cancel')],
    counted_by_name: null,
    closed_by_name: null,
    shelves: [
      {
        shelf_id: A1,
        full_code: 'GOA1/R09/K01/A1',
        expected_count: 2,
        scanned_count: 1,
        holds_shelf: true,
        started_at: '2026-12-06T09:05:00Z',
        done_at: null,
        done_by_name: null,
      },
      {
        shelf_id: A2,
        full_code: 'GOA1/R09/K01/A2',
        expected_count: 1,
        scanned_count: 0,
        holds_shelf: false,
        started_at: null,
        done_at: null,
        done_by_name: null,
      },
    ],
    results: [
      result({ code: 'GOA1-QA-2026-000002-9', crate_id: 2, result: 'PENDING', found_shelf: null }),
      result({}),
    ],
    signatures: [],
    ...overrides,
  };
}

function renderDetail(
  audit: Detail,
  url = '/inventory-audits/9',
  more: Record<string, { status?: number; body: unknown }[]> = {},
) {
  const api = stubApi({
    [DETAIL]: [{ body: audit }],
    'GET /api/v1/auth/signing-session/': [SESSION],
    ...more,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute(
    '/inventory-audits/:auditId',
    url,
    <AuditDetailPage me={makeMe({ full_name: 'Store Head GOA1' })} />,
  );
  return api;
}

describe('AuditDetailPage: counting a shelf', () => {
  it('comes back to the shelf named in the address with its scans from the server', async () => {
    renderDetail(makeAudit(), `/inventory-audits/9?shelf=${String(A1)}`, {
      [SCANS]: [
        {
          body: [
            {
              id: 1,
              shelf_id: A1,
              shelf_code: 'GOA1/R09/K01/A1',
              code: 'GOA1-QA-2026-000001-1',
              crate_id: 1,
              scanned_by_name: 'Store Head GOA1',
              scanned_at: '2026-12-06T09:05:00Z',
            },
          ],
        },
      ],
    });
    expect(
      await screen.findByRole('heading', { name: 'Shelf GOA1/R09/K01/A1' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('scan-GOA1-QA-2026-000001-1')).toBeInTheDocument();
    expect(screen.getByTestId('shelf-progress')).toHaveTextContent('1 scanned · 2 expected');
    expect(screen.getByTestId('audit-scan-input')).toHaveFocus();
    expect(screen.getByTestId('result-GOA1-QA-2026-000002-9')).toHaveTextContent('Not scanned yet');
  });

  it('records a wedge scan (code and Enter) with its own key and says what it found', async () => {
    const api = renderDetail(makeAudit(), `/inventory-audits/9?shelf=${String(A1)}`, {
      [SCANS]: [{ body: [] }],
      'POST /api/v1/inventory-audits/9/scans/': [
        {
          status: 201,
          body: {
            scan: {
              id: 2,
              shelf_id: A1,
              shelf_code: 'GOA1/R09/K01/A1',
              code: 'GOA1-QA-2026-000007-3',
              crate_id: 7,
              scanned_by_name: 'Store Head GOA1',
              scanned_at: '2026-12-06T09:06:00Z',
            },
            created: true,
            result: 'MISPLACED',
            audit_version: 4,
          },
        },
      ],
    });
    const input = await screen.findByTestId('audit-scan-input');
    await userEvent.type(input, 'goa1qa2026000007 3{Enter}');
    expect(await screen.findByTestId('last-scan')).toHaveTextContent(
      'GOA1-QA-2026-000007-3: Misplaced',
    );
    const post = api.calls.find((c) => c.method === 'POST');
    const body = post?.body as { shelf: number; code: string; client_key: string };
    expect(body.shelf).toBe(A1);
    expect(body.code).toBe('goa1qa2026000007 3');
    expect(body.client_key).toMatch(/.{8,}/);
    expect(input).toHaveValue('');
  });

  it('shows the refusal of a shelf another audit counts, keeping the code typed', async () => {
    renderDetail(makeAudit(), `/inventory-audits/9?shelf=${String(A2)}`, {
      [SCANS]: [{ body: [] }],
      'POST /api/v1/inventory-audits/9/scans/': [
        {
          status: 409,
          body: envelope(
            'shelf_in_other_audit',
            'Shelf GOA1/R09/K01/A2 is being counted by inventory audit IA-2026-0003.',
          ),
        },
      ],
    });
    const input = await screen.findByTestId('audit-scan-input');
    await userEvent.type(input, 'GOA1-QA-2026-000002-9{Enter}');
    expect(await screen.findByText(/counted by inventory audit IA-2026-0003/)).toBeInTheDocument();
    expect(input).toHaveValue('GOA1-QA-2026-000002-9');
  });

  it('chooses a shelf to count, kept in the address', async () => {
    renderDetail(makeAudit(), '/inventory-audits/9', { [SCANS]: [{ body: [] }] });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Count shelf GOA1/R09/K01/A2' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Shelf GOA1/R09/K01/A2' }),
    ).toBeInTheDocument();
  });
});

describe('AuditDetailPage: reconciling and closing', () => {
  const missing = result({
    code: 'GOA1-QA-2026-000002-9',
    crate_id: 2,
    finding_id: 71,
    result: 'MISSING',
    found_shelf: null,
    allowed_actions: ['MARK_MISSING', 'EXPLAIN'],
  });
  const reconciling = makeAudit({
    status: 'RECONCILING',
    counted_at: '2026-12-06T10:00:00Z',
    open_findings: 1,
    available_actions: [action('reconcile'), action('close'), action('cancel')],
    results: [missing, result({ finding_id: 70 })],
  });

  it('reconciles a missing crate with a signature showing what is signed', async () => {
    const api = renderDetail(reconciling, '/inventory-audits/9', {
      'POST /api/v1/inventory-audits/9/findings/71/reconcile/': [
        { body: { ...reconciling, open_findings: 0 } },
      ],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reconcile GOA1-QA-2026-000002-9' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('signature-meaning')).toHaveTextContent(
      'Inventory discrepancy reconciled',
    );
    const what = within(dialog).getByTestId('signing-what');
    expect(what).toHaveTextContent('IA-2026-0009');
    expect(what).toHaveTextContent('GOA1-QA-2026-000002-9 · Missing');
    expect(what).toHaveTextContent('Mark the crate missing');
    await userEvent.type(within(dialog).getByLabelText(/Explanation/), 'Not on A1 or nearby');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'secret');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and reconcile' }));
    await waitFor(() => {
      expect(api.calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 3,
      action: 'MARK_MISSING',
      note: 'Not on A1 or nearby',
      signature: { password: 'secret' },
    });
  });

  it('closes with a signature over the count', async () => {
    renderDetail({ ...reconciling, open_findings: 0, results: [result({ finding_id: 70 })] });
    await userEvent.click(await screen.findByRole('button', { name: 'Close audit' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('signature-meaning')).toHaveTextContent(
      'Inventory audit closed',
    );
    expect(within(dialog).getByTestId('signing-what')).toHaveTextContent(
      'IA-2026-0009 · GOA1/R09 · 2 shelves · 3 crates expected · 1 scans',
    );
    expect(within(dialog).getByTestId('signing-what')).toHaveTextContent('1 found');
  });
});
