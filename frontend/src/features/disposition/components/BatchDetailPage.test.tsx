import type { queries } from '@testing-library/react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { formatDateTime } from '@/lib/format';
import {
  makeBatch,
  makeBatchActions,
  makeBatchItem,
  makeEligibleCrate,
} from '@/test/batch-fixtures';
import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, present, stubApi } from '@/test/stub-api';

import { BatchDetailPage } from './BatchDetailPage';
import type { BatchDetail } from '../api/types';

const DETAIL = 'GET /api/v1/destruction-batches/5/';
const SESSION = {
  body: { username_required: false, expires_at: null, idle_minutes: 30 },
};

const ITEMS = [
  makeBatchItem({
    id: 11,
    crate: 31,
    crate_code: 'GOA1-QA-2020-000031-4',
    room_code: 'R01',
    rack_code: 'K01',
    shelf_code: 'S1',
    document_count: 3,
    state: 'DESTROYED',
    state_display: 'Destroyed',
    destroyed_at: '2026-12-06T10:00:00Z',
    destroyed_by: { id: 4, username: 'goa1-storehead', full_name: 'Store Head GOA1' },
    witness: { id: 3, username: 'goa1-approver', full_name: 'Approver GOA1' },
  }),
  makeBatchItem({
    id: 12,
    crate: 32,
    crate_code: 'GOA1-QA-2020-000032-2',
    room_code: 'R01',
    rack_code: 'K01',
    shelf_code: 'S2',
    document_count: 1,
    state: 'DROPPED',
    state_display: 'Dropped',
    reason_code: 'crate_on_hold',
    reason: 'Legal hold placed: Litigation LIT-2026-17',
  }),
  makeBatchItem({
    id: 13,
    crate: 33,
    crate_code: 'GOA1-QC-2020-000033-0',
    room_code: 'R02',
    rack_code: 'K01',
    shelf_code: 'S1',
    document_count: 5,
  }),
  makeBatchItem({
    id: 14,
    crate: 34,
    crate_code: 'GOA1-QC-2020-000034-9',
    room_code: 'R02',
    rack_code: 'K03',
    shelf_code: 'S4',
    state: 'NOT_FOUND',
    state_display: 'Not found',
    reason: 'Shelf empty; searched the room',
  }),
];

function renderDetail(
  batch: BatchDetail,
  more: Record<string, { status?: number; body: unknown }[]> = {},
  permissions: string[] = [],
) {
  const api = stubApi({
    [DETAIL]: [{ body: batch }],
    'GET /api/v1/auth/signing-session/': [SESSION],
    ...more,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  renderRoute(
    '/destruction-batches/:batchId',
    '/destruction-batches/5',
    <BatchDetailPage me={makeMe({ full_name: 'Signer GOA1', permissions })} />,
  );
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

const actions = () => screen.findByRole('group', { name: 'Actions' });

describe('BatchDetailPage: the crates and the progress', () => {
  it('lists the crates in the pick-list order with what became of each, and the progress', async () => {
    renderDetail(makeBatch({ status: 'IN_PROGRESS', items: ITEMS }));
    const table = await screen.findByRole('table', { name: 'Crates, in pick-list order' });
    expect(cells(table).map((row) => row.slice(0, 5))).toEqual([
      ['R01 / K01 / S1', 'GOA1-QA-2020-000031-4', '3', 'Destroyed', ''],
      [
        'R01 / K01 / S2',
        'GOA1-QA-2020-000032-2',
        '1',
        'Dropped',
        'Legal hold placed: Litigation LIT-2026-17',
      ],
      ['R02 / K01 / S1', 'GOA1-QC-2020-000033-0', '5', 'Pending', ''],
      [
        'R02 / K03 / S4',
        'GOA1-QC-2020-000034-9',
        '3',
        'Not found',
        'Shelf empty; searched the room',
      ],
    ]);
    expect(cells(table)[0]?.slice(5, 7)).toEqual([
      `${formatDateTime('2026-12-06T10:00:00Z')}by Store Head GOA1`,
      'Approver GOA1',
    ]);
    expect(screen.getByTestId('batch-progress-text')).toHaveTextContent(
      '3 of 4 crates handled · 1 destroyed · 1 not found · 1 dropped',
    );
    expect(screen.getByRole('progressbar', { name: '3 of 4 crates handled' })).toBeInTheDocument();
  });

  it('offers Destroy and Not found on the pending crates only, when the server allows them', async () => {
    renderDetail(
      makeBatch({
        status: 'IN_PROGRESS',
        items: ITEMS,
        available_actions: makeBatchActions('complete', 'destroy_item', 'mark_not_found'),
      }),
    );
    await screen.findByRole('table', { name: 'Crates, in pick-list order' });
    expect(
      screen.getAllByRole('button', { name: /^Destroy / }).map((b) => b.getAttribute('aria-label')),
    ).toEqual(['Destroy GOA1-QC-2020-000033-0']);
    expect(
      screen.getByRole('button', { name: 'GOA1-QC-2020-000033-0 not found' }),
    ).toBeInTheDocument();
  });

  it('shows a viewer no crate actions', async () => {
    renderDetail(makeBatch({ status: 'IN_PROGRESS', items: ITEMS }));
    await screen.findByRole('table', { name: 'Crates, in pick-list order' });
    expect(screen.queryByRole('button', { name: /^Destroy/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
  });
});

describe('BatchDetailPage: PDFs by status', () => {
  it('offers the pick-list of a draft, and no certificate', async () => {
    renderDetail(makeBatch({ status: 'DRAFT' }));
    const group = await actions();
    expect(within(group).getByRole('button', { name: 'Pick-list (PDF)' })).toBeInTheDocument();
    expect(
      within(group).queryByRole('button', { name: 'Certificate (PDF)' }),
    ).not.toBeInTheDocument();
  });

  it('offers the certificate of a completed batch and saves the PDF fetched with the session', async () => {
    // jsdom has no object URLs; this file's environment is discarded after it.
    const saved: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:certificate';
    });
    URL.revokeObjectURL = vi.fn();
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    const api = renderDetail(makeBatch({ status: 'COMPLETED', items: ITEMS.slice(0, 1) }), {
      'GET /api/v1/destruction-batches/5/certificate.pdf': [{ body: '%PDF-1.7 certificate' }],
    });
    const group = await actions();
    expect(within(group).getByRole('button', { name: 'Pick-list (PDF)' })).toBeInTheDocument();
    await userEvent.click(within(group).getByRole('button', { name: 'Certificate (PDF)' }));
    await waitFor(() => {
      expect(names).toEqual(['DB-2026-0005-certificate.pdf']);
    });
    expect(await saved[0]?.text()).toContain('%PDF-1.7 certificate');
    const call = api.calls.find((c) => c.path.endsWith('certificate.pdf'));
    expect(call?.headers.get('Accept')).toContain('application/pdf');
  });

  it('opens the pick-list in a tab the click opened', async () => {
    URL.createObjectURL = vi.fn(() => 'blob:pick-list');
    URL.revokeObjectURL = vi.fn();
    const tab = { closed: false, location: { href: '' }, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    const api = renderDetail(makeBatch({ status: 'APPROVED' }), {
      'GET /api/v1/destruction-batches/5/pick-list.pdf': [{ body: '%PDF-1.7 pick-list' }],
    });
    await userEvent.click(within(await actions()).getByRole('button', { name: 'Pick-list (PDF)' }));
    await waitFor(() => {
      expect(tab.location.href).toBe('blob:pick-list');
    });
    expect(open).toHaveBeenCalledWith('', '_blank');
    expect(api.calls.some((c) => c.path.endsWith('/5/pick-list.pdf'))).toBe(true);
  });
});

describe('BatchDetailPage: approval', () => {
  it('shows what the approver signs: the batch, its unit, the crates and their codes', async () => {
    const approved = makeBatch({ status: 'APPROVED', version: 5, items: ITEMS.slice(1, 3) });
    const api = renderDetail(
      makeBatch({
        status: 'SUBMITTED',
        version: 4,
        items: ITEMS.slice(1, 3),
        available_actions: makeBatchActions('approve', 'send_back'),
      }),
      { 'POST /api/v1/destruction-batches/5/approve/': [{ body: approved }] },
    );
    await userEvent.click(within(await actions()).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('signature-meaning')).toHaveTextContent(
      'Destruction batch approved',
    );
    const what = within(dialog).getByRole('group', { name: 'What you sign' });
    expect(what).toHaveTextContent('DB-2026-0005 · unit GOA1 · 1 crate (1 dropped, not covered)');
    expect(
      within(what)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['GOA1-QC-2020-000033-0']);
    await userEvent.type(within(dialog).getByLabelText(/^Your password/), 'secret');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 4,
      signature: { password: 'secret' },
      reason: '',
    });
  });

  it('says a stale version was changed by someone else and keeps what was typed', async () => {
    const api = renderDetail(
      makeBatch({
        status: 'SUBMITTED',
        items: ITEMS.slice(2, 3),
        available_actions: makeBatchActions('send_back'),
      }),
      {
        'POST /api/v1/destruction-batches/5/send-back/': [
          {
            status: 409,
            body: envelope(
              'stale_version',
              'Someone else changed this batch since you read it (version 3, now 4); reload and try again.',
              { version: ['Current version is 4.'] },
            ),
          },
        ],
      },
    );
    await userEvent.click(within(await actions()).getByRole('button', { name: 'Send back' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Add crate 35');
    await userEvent.type(within(dialog).getByLabelText(/^Your password/), 'secret');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and send back' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Changed by someone else — nothing was changed');
    expect(within(dialog).getByLabelText(/^Reason/)).toHaveValue('Add crate 35');
    expect(within(dialog).getByLabelText(/^Your password/)).toHaveValue('secret');
    // The page reads the batch again, so a second attempt sends the version as it is now.
    await waitFor(() => {
      expect(
        api.calls.filter((c) => c.method === 'GET' && c.path === '/api/v1/destruction-batches/5/'),
      ).toHaveLength(2);
    });
  });
});

describe('BatchDetailPage: destroying a crate', () => {
  const inProgress = makeBatch({
    status: 'IN_PROGRESS',
    version: 7,
    items: ITEMS,
    available_actions: makeBatchActions('complete', 'destroy_item', 'mark_not_found'),
  });
  const DESTROY = 'POST /api/v1/destruction-batches/5/items/13/destroy/';

  type Dialog = ReturnType<typeof within<typeof queries>>;

  async function openDestroy(): Promise<Dialog> {
    await userEvent.click(
      await screen.findByRole('button', { name: 'Destroy GOA1-QC-2020-000033-0' }),
    );
    return within(await screen.findByRole('dialog'));
  }

  async function fill(dialog: Dialog, label: string) {
    await userEvent.type(dialog.getByLabelText(/^Crate label/), label);
    await userEvent.type(dialog.getByLabelText(/^Witness username/), 'goa1-approver');
    await userEvent.type(dialog.getByLabelText(/^Witness password/), 'witness-secret');
    await userEvent.type(dialog.getByLabelText(/^Your password/), 'secret');
  }

  it('shows a scanned label that is not this crate on the label field, keeping what was typed', async () => {
    const api = renderDetail(inProgress, {
      [DESTROY]: [
        {
          status: 400,
          body: envelope(
            'scan_mismatch',
            'The scanned label GOA1-QC-2020-000034-9 is not crate GOA1-QC-2020-000033-0; nothing was changed.',
            { scanned_code: ['Scanned GOA1-QC-2020-000034-9, expected GOA1-QC-2020-000033-0.'] },
          ),
        },
      ],
    });
    const dialog = await openDestroy();
    expect(dialog.getByTestId('signature-meaning')).toHaveTextContent('Destroyed');
    expect(dialog.getByRole('group', { name: 'What you sign' })).toHaveTextContent(
      'DB-2026-0005 · crate GOA1-QC-2020-000033-0 · 5 documents · R02 / K01 / S1',
    );
    expect(dialog.queryByLabelText(/^Reason/)).not.toBeInTheDocument();
    await fill(dialog, 'GOA1-QC-2020-000034-9');
    await userEvent.click(dialog.getByRole('button', { name: 'Sign and destroy' }));

    const label = dialog.getByLabelText(/^Crate label/);
    await waitFor(() => {
      expect(label).toHaveAccessibleDescription(
        expect.stringContaining('Scanned GOA1-QC-2020-000034-9, expected GOA1-QC-2020-000033-0.'),
      );
    });
    expect(label).toHaveAttribute('aria-invalid', 'true');
    expect(label).toHaveValue('GOA1-QC-2020-000034-9');
    expect(dialog.getByLabelText(/^Witness username/)).toHaveValue('goa1-approver');
    expect(dialog.getByLabelText(/^Witness password/)).toHaveValue('witness-secret');
    expect(dialog.getByLabelText(/^Your password/)).toHaveValue('secret');
    // The field says it; the alert does not repeat it as a stray "scanned_code: …".
    expect(dialog.getByRole('alert')).not.toHaveTextContent('scanned_code');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 7,
      scanned_code: 'GOA1-QC-2020-000034-9',
      signature: { password: 'secret' },
      witness: { username: 'goa1-approver', password: 'witness-secret' },
    });
  });

  it("puts a refused witness's message on the witness and empties only the witness's password", async () => {
    renderDetail(inProgress, {
      [DESTROY]: [
        {
          status: 403,
          body: envelope('witness_signature_invalid', "The witness's password is wrong.", {
            witness: { password: ['Wrong password.'] },
          }),
        },
      ],
    });
    const dialog = await openDestroy();
    await fill(dialog, 'GOA1-QC-2020-000033-0');
    await userEvent.click(dialog.getByRole('button', { name: 'Sign and destroy' }));
    const witnessPassword = dialog.getByLabelText(/^Witness password/);
    await waitFor(() => {
      expect(witnessPassword).toHaveAccessibleDescription(
        expect.stringContaining('Wrong password.'),
      );
    });
    expect(witnessPassword).toHaveValue('');
    expect(dialog.getByLabelText(/^Crate label/)).toHaveValue('GOA1-QC-2020-000033-0');
    expect(dialog.getByLabelText(/^Your password/)).toHaveValue('secret');
  });

  it("moves on from the label field on a scanner's Enter instead of submitting", async () => {
    const api = renderDetail(inProgress);
    const dialog = await openDestroy();
    await userEvent.type(dialog.getByLabelText(/^Crate label/), 'GOA1-QC-2020-000033-0{Enter}');
    expect(dialog.getByLabelText(/^Witness username/)).toHaveFocus();
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('closes and says so when the server dropped the crate instead (nothing signed)', async () => {
    const dropped = makeBatch({
      ...inProgress,
      version: 8,
      items: ITEMS.map((item) =>
        item.id === 13
          ? {
              ...item,
              state: 'DROPPED' as const,
              state_display: 'Dropped',
              reason: 'Request REQ-2026-000041 opened',
            }
          : item,
      ),
    });
    renderDetail(inProgress, { [DESTROY]: [{ body: dropped }] });
    const dialog = await openDestroy();
    await fill(dialog, 'GOA1-QC-2020-000033-0');
    await userEvent.click(dialog.getByRole('button', { name: 'Sign and destroy' }));
    await screen.findByText('GOA1-QC-2020-000033-0 left the batch — nothing was signed');
    const row = present(screen.getByTestId('batch-item-GOA1-QC-2020-000033-0'));
    expect(within(row).getByTestId('item-reason')).toHaveTextContent(
      'Request REQ-2026-000041 opened',
    );
  });

  it('marks a crate not found with a reason (required), not signed', async () => {
    const after = makeBatch({
      ...inProgress,
      version: 8,
      items: ITEMS.map((item) =>
        item.id === 13
          ? {
              ...item,
              state: 'NOT_FOUND' as const,
              state_display: 'Not found',
              reason: 'Not on S1',
            }
          : item,
      ),
    });
    const api = renderDetail(inProgress, {
      'POST /api/v1/destruction-batches/5/items/13/not-found/': [{ body: after }],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'GOA1-QC-2020-000033-0 not found' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.queryByLabelText(/^Your password/)).not.toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Mark not found' }));
    expect(await dialog.findByText('A reason is required')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
    await userEvent.type(dialog.getByLabelText(/^Reason/), 'Not on S1');
    await userEvent.click(dialog.getByRole('button', { name: 'Mark not found' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 7,
      reason: 'Not on S1',
    });
    const row = screen.getByTestId('batch-item-GOA1-QC-2020-000033-0');
    expect(within(row).getByTestId('item-reason')).toHaveTextContent('Not on S1');
  });
});

describe('BatchDetailPage: the crates of a draft', () => {
  const DRAFT_ITEMS = [
    makeBatchItem({ id: 21, crate: 31, crate_code: 'GOA1-QA-2020-000031-4' }),
    makeBatchItem({ id: 22, crate: 32, crate_code: 'GOA1-QA-2020-000032-2' }),
  ];
  const draft = makeBatch({
    status: 'DRAFT',
    items: DRAFT_ITEMS,
    available_actions: makeBatchActions('submit', 'cancel', 'edit_items'),
  });
  const eligible = (results: unknown[]) => ({ body: { next: null, previous: null, results } });

  it('takes a crate out of the draft with the version read', async () => {
    const api = renderDetail(draft, {
      'GET /api/v1/retention/eligible-crates/': [eligible([])],
      'DELETE /api/v1/destruction-batches/5/items/': [
        { body: { ...draft, version: 4, items: [DRAFT_ITEMS[1]], item_count: 1 } },
      ],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Remove GOA1-QA-2020-000031-4' }),
    );
    await waitFor(() => {
      expect(screen.queryByTestId('batch-item-GOA1-QA-2020-000031-4')).not.toBeInTheDocument();
    });
    expect(screen.getByTestId('batch-item-GOA1-QA-2020-000032-2')).toBeInTheDocument();
    const deleted = api.calls.find((c) => c.method === 'DELETE');
    expect(deleted?.path).toBe('/api/v1/destruction-batches/5/items/');
    expect(deleted?.body).toEqual({ version: 3, items: [21] });
  });

  it('adds eligible crates not in it yet; a refused crate says why on its row and the choice stays', async () => {
    const api = renderDetail(draft, {
      'GET /api/v1/retention/eligible-crates/': [
        eligible([
          makeEligibleCrate(31, { code: 'GOA1-QA-2020-000031-4' }),
          makeEligibleCrate(35, { claimed_by: { kind: 'REQUEST', id: 12 } }),
          makeEligibleCrate(36),
          makeEligibleCrate(37),
        ]),
      ],
      'POST /api/v1/destruction-batches/5/items/': [
        {
          status: 409,
          body: envelope(
            'crates_not_eligible',
            'Some crates cannot be destroyed now; nothing was changed.',
            { crates: { '37': ['Crate GOA1-QA-2020-000037-0 is on legal hold.'] } },
          ),
        },
        {
          body: {
            ...draft,
            version: 4,
            items: [...DRAFT_ITEMS, makeBatchItem({ id: 23, crate: 36, crate_code: 'C36' })],
          },
        },
      ],
    });
    const panel = await screen.findByRole('region', { name: 'Add crates' });
    const table = await within(panel).findByRole('table', { name: 'Crates to add' });
    // The crate already in the batch is not offered; the one a request holds cannot be chosen.
    expect(within(table).queryByText('GOA1-QA-2020-000031-4')).not.toBeInTheDocument();
    expect(
      within(table).getByRole('checkbox', { name: /Select GOA1-QA-2020-000035/ }),
    ).toBeDisabled();
    expect(within(table).getByText('open request #12')).toBeInTheDocument();

    await userEvent.click(
      within(table).getByRole('checkbox', { name: 'Select all crates on this page' }),
    );
    expect(within(panel).getByTestId('add-count')).toHaveTextContent('2 crates chosen');
    await userEvent.click(within(panel).getByRole('button', { name: 'Add 2 crates' }));
    const refused = await within(table).findByTestId('eligible-GOA1-QA-2020-000037-0');
    expect(within(refused).getByRole('status')).toHaveTextContent(
      'Crate GOA1-QA-2020-000037-0 is on legal hold.',
    );
    expect(within(panel).getByRole('alert')).toHaveTextContent('No crate was added');
    expect(within(panel).getByTestId('add-count')).toHaveTextContent('2 crates chosen');

    // Unchecked, the refused crate stays behind; the other is added.
    await userEvent.click(within(refused).getByRole('checkbox'));
    await userEvent.click(within(panel).getByRole('button', { name: 'Add 1 crate' }));
    expect(await screen.findByTestId('batch-item-C36')).toBeInTheDocument();
    const posts = api.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.body)).toEqual([
      { version: 3, crates: [36, 37] },
      { version: 3, crates: [36] },
    ]);
  });

  it('offers no crate editing to someone the API does not offer it', async () => {
    renderDetail({ ...draft, available_actions: makeBatchActions('submit') });
    await screen.findByTestId('batch-item-GOA1-QA-2020-000031-4');
    expect(screen.queryByRole('button', { name: /^Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Add crates' })).not.toBeInTheDocument();
  });
});
