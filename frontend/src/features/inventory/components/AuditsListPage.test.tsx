import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { Schemas } from '@/lib/api/types';
import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { AuditsListPage } from './AuditsListPage';

const AUDIT: Schemas['InventoryAuditList'] = {
  id: 9,
  number: 'IA-2026-0009',
  unit: 1,
  unit_code: 'GOA1',
  scope: 5,
  scope_code: 'GOA1/R09',
  status: 'RECONCILING',
  note: '',
  opened_by: 4,
  opened_by_name: 'Store Head GOA1',
  opened_at: '2026-12-06T09:00:00Z',
  started_at: '2026-12-06T09:05:00Z',
  counted_at: '2026-12-06T10:00:00Z',
  closed_at: null,
  cancelled_at: null,
  cancel_reason: '',
  version: 7,
  updated_at: '2026-12-06T10:00:00Z',
  shelf_count: 4,
  shelves_done: 4,
  expected_count: 12,
  scan_count: 11,
  open_findings: 2,
  available_actions: [],
};

const PROPOSAL: Schemas['CycleCountProposal'] = {
  room_id: 5,
  unit_id: 1,
  full_code: 'GOA1/R09',
  security_class: 2,
  shelves: 4,
  days_since_verified: 120,
  interval_days: 90,
  never_verified: false,
};

function renderList(permissions: string[]) {
  const api = stubApi({
    'GET /api/v1/inventory-audits/': [{ body: { next: null, previous: null, results: [AUDIT] } }],
    'GET /api/v1/inventory-audits/proposals/': [{ body: [PROPOSAL] }],
    'GET /api/v1/locations/tree/': [
      {
        body: [
          {
            id: 5,
            full_code: 'GOA1/R09',
            kind: 'ROOM',
            children: [{ id: 6, full_code: 'GOA1/R09/K01', kind: 'RACK', children: [] }],
          },
        ],
      },
    ],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute(
    '/inventory-audits',
    '/inventory-audits',
    <AuditsListPage me={makeMe({ permissions })} />,
  );
  return api;
}

describe('AuditsListPage', () => {
  it('lists the audits with their progress and what is left to reconcile', async () => {
    renderList(['inventory.view_inventoryaudit']);
    const row = await screen.findByTestId('audit-row-IA-2026-0009');
    const cells = within(row)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(0, 8)).toEqual([
      'IA-2026-0009',
      'GOA1/R09',
      'Reconciling',
      '4 of 4',
      '12',
      '11',
      '2',
      'Store Head GOA1',
    ]);
    expect(screen.queryByRole('button', { name: 'Open audit' })).not.toBeInTheDocument();
  });

  it('lets a Store Head open an audit of a room due for a count', async () => {
    renderList(['inventory.view_inventoryaudit', 'inventory.run_inventory_audit']);
    const due = await screen.findByRole('table', { name: 'Due for a count' });
    expect(within(due).getByRole('row', { name: /GOA1\/R09/ })).toHaveTextContent('120 (every 90)');
    await userEvent.click(within(due).getByRole('button', { name: 'Open audit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Open an inventory audit' });
    await waitFor(() => {
      expect(within(dialog).getByRole('combobox', { name: /Scope/ })).toHaveValue(
        'GOA1/R09 (room)',
      );
    });
  });
});
