import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { Schemas } from '@/lib/api/types';
import { makeBatch } from '@/test/batch-fixtures';
import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, stubApi } from '@/test/stub-api';

import { BatchBuilderPage } from './BatchBuilderPage';

const ELIGIBLE = '/api/v1/retention/eligible-crates/';
const CREATE = 'POST /api/v1/destruction-batches/';

function crate(
  id: number,
  code: string,
  shelf: string,
  documents: number,
  claimedBy: Schemas['EligibleCrate']['claimed_by'] = null,
): Schemas['EligibleCrate'] {
  return {
    id,
    code,
    unit: 1,
    unit_code: 'GOA1',
    department: 4,
    department_code: 'QA',
    location_code: shelf,
    destroy_after: '2021-01-31',
    document_count: documents,
    claimed_by: claimedBy,
  };
}

const CRATES = [
  crate(31, 'GOA1-QA-2020-000031-4', 'GOA1/R01/K01/S1', 3),
  crate(32, 'GOA1-QA-2020-000032-2', 'GOA1/R01/K01/S2', 1),
  crate(33, 'GOA1-QA-2020-000033-0', 'GOA1/R01/K02/S1', 5),
];

const DEPARTMENTS = [
  { id: 4, unit: 1, unit_code: 'GOA1', code: 'QA', name: 'Quality assurance', is_active: true },
  { id: 5, unit: 1, unit_code: 'GOA1', code: 'QC', name: 'Quality control', is_active: true },
];

function renderBuilder(
  url: string,
  create: { status?: number; body: unknown }[] = [],
  crates = CRATES,
) {
  const api = stubApi({
    [ELIGIBLE]: [{ body: { next: null, previous: null, results: crates } }],
    '/api/v1/departments/': [{ body: { next: null, previous: null, results: DEPARTMENTS } }],
    [CREATE]: create,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  const view = renderRoute(
    '/destruction-batches/new',
    url,
    <BatchBuilderPage me={makeMe({ permissions: ['disposition.prepare_batch'] })} />,
  );
  return { api, ...view };
}

const row = (code: string) => screen.findByTestId(`eligible-${code}`);

describe('BatchBuilderPage', () => {
  it('lists the eligible crates of the filters the link brought, with shelf and documents', async () => {
    const { api } = renderBuilder(
      '/destruction-batches/new?unit=1&department=4&period_start=2021-01-01&period_end=2021-03-31',
    );
    const first = await row('GOA1-QA-2020-000031-4');
    expect(
      within(first)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['', 'GOA1-QA-2020-000031-4', 'QA', 'GOA1/R01/K01/S1', '31 Jan 2021', '3']);
    const query = new URLSearchParams(api.calls.find((c) => c.path === ELIGIBLE)?.search);
    expect(Object.fromEntries(query)).toMatchObject({
      unit: '1',
      department: '4',
      period_start: '2021-01-01',
      period_end: '2021-03-31',
    });
    await waitFor(() => {
      expect(screen.getByRole('combobox', { name: 'Department' })).toHaveValue('QA');
    });
  });

  it('creates a draft of the crates checked (all on the page, less one) and opens it', async () => {
    const { api, router } = renderBuilder('/destruction-batches/new', [
      { status: 201, body: makeBatch({ id: 9 }) },
    ]);
    await row('GOA1-QA-2020-000033-0');
    const create = screen.getByRole('button', { name: 'Create draft batch' });
    expect(create).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all crates on this page' }));
    expect(screen.getByTestId('selected-count')).toHaveTextContent('3 crates selected');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select GOA1-QA-2020-000032-2' }));
    expect(screen.getByTestId('selected-count')).toHaveTextContent('2 crates selected');
    await userEvent.type(screen.getByLabelText(/^Note/), 'Friday');
    await userEvent.click(create);
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/destruction-batches/9');
    });
    const posted = api.calls.find((c) => c.method === 'POST');
    expect(posted?.body).toEqual({ unit: 1, crates: [31, 33], note: 'Friday' });
  });

  it("shows the server's refusal of a crate on its row and keeps the choice", async () => {
    const { router } = renderBuilder('/destruction-batches/new', [
      {
        status: 409,
        body: envelope(
          'crates_not_eligible',
          'Some crates cannot be destroyed now; nothing was changed.',
          { crates: { '32': ['Crate GOA1-QA-2020-000032-2 is held by an open request.'] } },
        ),
      },
    ]);
    await row('GOA1-QA-2020-000032-2');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all crates on this page' }));
    await userEvent.click(screen.getByRole('button', { name: 'Create draft batch' }));

    const refused = await row('GOA1-QA-2020-000032-2');
    await within(refused).findByText('Crate GOA1-QA-2020-000032-2 is held by an open request.');
    const box = within(refused).getByRole('checkbox', { name: 'Select GOA1-QA-2020-000032-2' });
    expect(box).toHaveAccessibleDescription(
      'Crate GOA1-QA-2020-000032-2 is held by an open request.',
    );
    expect(box).toBeChecked();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Some crates cannot be destroyed now; nothing was changed.',
    );
    expect(
      within(await row('GOA1-QA-2020-000031-4')).queryByRole('status'),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId('selected-count')).toHaveTextContent('3 crates selected');
    expect(router.state.location.pathname).toBe('/destruction-batches/new');
  });

  it('marks the crates an open request or batch holds before the draft is made, and leaves them out', async () => {
    const { api, router } = renderBuilder(
      '/destruction-batches/new',
      [{ status: 201, body: makeBatch({ id: 9 }) }],
      [
        crate(31, 'GOA1-QA-2020-000031-4', 'GOA1/R01/K01/S1', 3),
        crate(32, 'GOA1-QA-2020-000032-2', 'GOA1/R01/K01/S2', 1, { kind: 'REQUEST', id: 12 }),
        crate(33, 'GOA1-QA-2020-000033-0', 'GOA1/R01/K02/S1', 5, { kind: 'BATCH', id: 4 }),
      ],
    );
    const held = await row('GOA1-QA-2020-000032-2');
    expect(within(held).getByTestId('held-GOA1-QA-2020-000032-2')).toHaveTextContent(
      'Held by open request #12',
    );
    expect(within(held).getByRole('link', { name: 'open request #12' })).toHaveAttribute(
      'href',
      '/requests/12',
    );
    expect(
      within(held).getByRole('checkbox', { name: 'Select GOA1-QA-2020-000032-2' }),
    ).toBeDisabled();
    const inBatch = await row('GOA1-QA-2020-000033-0');
    expect(within(inBatch).getByRole('link', { name: 'open batch #4' })).toHaveAttribute(
      'href',
      '/destruction-batches/4',
    );
    expect(within(await row('GOA1-QA-2020-000031-4')).queryByText(/Held by/)).toBeNull();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all crates on this page' }));
    expect(screen.getByTestId('selected-count')).toHaveTextContent('1 crate selected');
    await userEvent.click(screen.getByRole('button', { name: 'Create draft batch' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/destruction-batches/9');
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ crates: [31] });
  });
});
