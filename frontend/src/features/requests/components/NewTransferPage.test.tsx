import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe, makeRequest } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, present, stubApi } from '@/test/stub-api';

import { NewTransferPage } from './NewTransferPage';

const crate = {
  id: 3,
  code: 'GOA1-QA-2026-000003-5',
  unit: 1,
  unit_code: 'GOA1',
  status: 'IN_STORAGE',
  location: 10,
  location_code: 'GOA1/R01/K01/S1',
  destroy_after: '2035-12-31',
  retain_permanently: false,
  legal_hold: false,
  document_count: 3,
  description: 'QA records',
};
const shelf = (id: number, unit: string, code: string, free: number) => ({
  id,
  unit: unit === 'GOA1' ? 1 : 2,
  unit_code: unit,
  full_code: `${unit}/${code}`,
  kind: 'SHELF',
  free,
});

describe('NewTransferPage', { timeout: 20_000 }, () => {
  it('looks a scanned code up, offers shelves by unit, and submits the transfer signed', async () => {
    const api = stubApi({
      '/api/v1/crates/lookup/': [{ body: crate }],
      '/api/v1/crates/': [{ body: { results: [] } }],
      '/api/v1/locations/': [
        {
          body: {
            results: [
              shelf(10, 'GOA1', 'R01/K01/S1', 2),
              shelf(11, 'GOA1', 'R02/K01/S1', 0),
              shelf(20, 'MUM1', 'R01/K01/S1', 5),
            ],
          },
        },
      ],
      'POST /api/v1/requests/': [{ status: 201, body: makeRequest({ id: 51, type: 'TRANSFER' }) }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute(
      '/requests/new/transfer',
      '/requests/new/transfer',
      <NewTransferPage
        me={makeMe({ id: 2, permissions: ['workflow.view_request', 'workflow.add_request'] })}
      />,
    );

    // A keyboard-wedge scanner types the code and Enter.
    const code = await screen.findByLabelText(/Crate code or search/);
    await userEvent.type(code, 'GOA1-QA-2026-000003-5{Enter}');
    expect(await screen.findByText(/stands on/)).toHaveTextContent(
      'GOA1-QA-2026-000003-5 stands on GOA1/R01/K01/S1 (GOA1).',
    );

    const target = screen.getByRole('combobox', { name: 'Target shelf' });
    await userEvent.click(target);
    await waitFor(() => {
      expect(target).toHaveAttribute('aria-controls');
    });
    const list = within(
      present(document.getElementById(target.getAttribute('aria-controls') ?? '')),
    );
    await waitFor(() => {
      expect(list.getAllByRole('option', { hidden: true })).toHaveLength(3);
    });
    const options = list.getAllByRole('option', { hidden: true });
    expect(options.map((option) => option.textContent)).toEqual([
      'GOA1/R01/K01/S1 (where it stands now)',
      'GOA1/R02/K01/S1 (0 free)',
      'MUM1/R01/K01/S1 (5 free)',
    ]);
    expect(options[0]).toHaveAttribute('data-combobox-disabled');
    expect(options[1]).toHaveAttribute('data-combobox-disabled');
    await userEvent.click(present(options[2]));

    fireEvent.change(screen.getByLabelText(/^Purpose/), {
      target: { value: 'Consolidate in Mumbai' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText(/^Transfer/)).toHaveTextContent(
      'Transfer GOA1-QA-2026-000003-5 from GOA1/R01/K01/S1 to MUM1/R01/K01/S1.',
    );
    fireEvent.change(screen.getByLabelText(/Your password/), {
      target: { value: 'secret-password' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(await screen.findByText('Request page 51')).toBeInTheDocument();
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({
      type: 'TRANSFER',
      crate: 3,
      target_location: 20,
      purpose: 'Consolidate in Mumbai',
      signature: { password: 'secret-password' },
    });
  });

  it('goes back to the target shelf the server refused and keeps the purpose and password', async () => {
    const api = stubApi({
      '/api/v1/crates/lookup/': [{ body: crate }],
      '/api/v1/crates/': [{ body: { results: [] } }],
      '/api/v1/locations/': [{ body: { results: [shelf(20, 'MUM1', 'R01/K01/S1', 5)] } }],
      'POST /api/v1/requests/': [
        {
          status: 400,
          body: envelope('invalid_target', 'The target shelf cannot take this crate.', {
            target_location: ['Not an active shelf of your units.'],
          }),
        },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute(
      '/requests/new/transfer',
      '/requests/new/transfer',
      <NewTransferPage
        me={makeMe({ id: 2, permissions: ['workflow.view_request', 'workflow.add_request'] })}
      />,
    );
    await userEvent.type(
      await screen.findByLabelText(/Crate code or search/),
      'GOA1-QA-2026-000003-5{Enter}',
    );
    const target = await screen.findByRole('combobox', { name: 'Target shelf' });
    await userEvent.click(target);
    await waitFor(() => {
      expect(target).toHaveAttribute('aria-controls');
    });
    const list = within(
      present(document.getElementById(target.getAttribute('aria-controls') ?? '')),
    );
    await userEvent.click(await list.findByRole('option', { name: /MUM1/, hidden: true }));
    fireEvent.change(screen.getByLabelText(/^Purpose/), {
      target: { value: 'Consolidate in Mumbai' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.change(screen.getByLabelText(/Your password/), {
      target: { value: 'secret-password' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));

    const refused = await screen.findByRole('combobox', { name: 'Target shelf' });
    await waitFor(() => {
      expect(refused).toHaveAccessibleDescription(/Not an active shelf of your units\./);
    });
    expect(refused).toHaveValue('MUM1/R01/K01/S1 (5 free)');
    expect(screen.getByLabelText(/^Purpose/)).toHaveValue('Consolidate in Mumbai');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
  });
});
