import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeBatch, makeBatchItem } from '@/test/batch-fixtures';
import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { present, stubApi } from '@/test/stub-api';

import { BatchesListPage } from './BatchesListPage';

const LIST = '/api/v1/destruction-batches/';

const IN_PROGRESS = makeBatch({
  id: 7,
  number: 'DB-2026-0007',
  status: 'IN_PROGRESS',
  approved_at: '2026-12-05T10:00:00Z',
  items: [
    makeBatchItem({ id: 1, state: 'DESTROYED' }),
    makeBatchItem({ id: 2, state: 'DESTROYED' }),
    makeBatchItem({ id: 3, state: 'NOT_FOUND' }),
    makeBatchItem({ id: 4, state: 'DROPPED' }),
    makeBatchItem({ id: 5 }),
  ],
});
const DRAFT = makeBatch({ id: 8, number: 'DB-2026-0008', prepared_by_name: 'Unit Admin GOA1' });

function renderList(url = '/destruction-batches', permissions = ['disposition.prepare_batch']) {
  const api = stubApi({
    [LIST]: [{ body: { next: null, previous: null, results: [DRAFT, IN_PROGRESS] } }],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  const view = renderRoute(
    '/destruction-batches',
    url,
    <BatchesListPage me={makeMe({ permissions })} />,
  );
  return { api, ...view };
}

function listCalls(api: ReturnType<typeof stubApi>): URLSearchParams[] {
  return api.calls.filter((c) => c.path === LIST).map((c) => new URLSearchParams(c.search));
}

describe('BatchesListPage', () => {
  it('shows each batch with its status and counts of crates by what became of them', async () => {
    renderList();
    const row = await screen.findByTestId('batch-row-DB-2026-0007');
    const cells = within(row)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(0, 8)).toEqual([
      'DB-2026-0007',
      'GOA1',
      'In progress',
      '5',
      '2',
      '1',
      '1',
      'Document Manager GOA1',
    ]);
    expect(within(row).getByRole('link', { name: 'DB-2026-0007' })).toHaveAttribute(
      'href',
      '/destruction-batches/7',
    );
    expect(screen.getByTestId('batch-row-DB-2026-0008')).toHaveTextContent('Draft');
  });

  it('reads the status filter from the URL and asks the server for those statuses', async () => {
    const { api } = renderList('/destruction-batches?status=APPROVED&status=IN_PROGRESS');
    await screen.findByTestId('batch-row-DB-2026-0007');
    expect(listCalls(api).at(-1)?.getAll('status')).toEqual(['APPROVED', 'IN_PROGRESS']);
  });

  it('filters by a status chosen in the list, kept in the URL', async () => {
    const { api, router } = renderList();
    await screen.findByTestId('batch-row-DB-2026-0007');
    expect(listCalls(api).at(-1)?.getAll('status')).toEqual([]);
    const select = screen.getByRole('combobox', { name: 'Status' });
    await userEvent.click(select);
    const list = within(
      present(document.getElementById(select.getAttribute('aria-controls') ?? ''), 'options'),
    );
    await userEvent.click(await list.findByRole('option', { name: 'Completed', hidden: true }));
    await waitFor(() => {
      expect(listCalls(api).at(-1)?.getAll('status')).toEqual(['COMPLETED']);
    });
    expect(router.state.location.search).toBe('?status=COMPLETED');
  });

  it('offers a new batch only to those who prepare batches', async () => {
    renderList('/destruction-batches', ['disposition.prepare_batch']);
    expect(await screen.findByRole('link', { name: 'New batch' })).toHaveAttribute(
      'href',
      '/destruction-batches/new',
    );
  });

  it('offers a Store Head no new batch', async () => {
    renderList('/destruction-batches', ['disposition.destroy_batch_item']);
    await screen.findByTestId('batch-row-DB-2026-0007');
    expect(screen.queryByRole('link', { name: 'New batch' })).not.toBeInTheDocument();
  });
});
