import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { envelope, stubApi } from '@/test/stub-api';

import { UnitsPage } from './UnitsPage';

const units = {
  results: [{ id: 1, code: 'GOA1', name: 'Goa Plant 1', address: '', is_active: true }],
};

describe('UnitsPage', { timeout: 20_000 }, () => {
  it('lets a System Administrator create a unit and shows field errors from the server', async () => {
    const api = stubApi({
      'GET /api/v1/units/': [{ body: units }],
      'POST /api/v1/units/': [
        {
          status: 400,
          body: envelope('validation_error', 'The submitted data is not valid.', {
            code: ['A unit with this code already exists.'],
          }),
        },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderWithProviders(
      <UnitsPage
        me={makeMe({
          permissions: ['accounts.view_unit', 'accounts.add_unit', 'accounts.change_unit'],
        })}
      />,
    );
    expect(await screen.findByText('Goa Plant 1')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'New unit' }));
    fireEvent.change(await screen.findByLabelText(/^Code/), { target: { value: 'goa1' } });
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'Goa again' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('A unit with this code already exists.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Code/)).toHaveAttribute('aria-invalid', 'true');
    const posted = api.calls.find((call) => call.method === 'POST');
    expect(posted?.body).toEqual({ code: 'GOA1', name: 'Goa again', address: '', is_active: true });
  });

  it('offers no creation or editing to roles that may only read units', async () => {
    vi.stubGlobal('fetch', stubApi({ '/api/v1/units/': [{ body: units }] }).fetchMock);
    renderWithProviders(<UnitsPage me={makeMe({ permissions: ['accounts.view_unit'] })} />);
    await screen.findByText('Goa Plant 1');
    await waitFor(() => {
      expect(screen.queryByRole('button', { name: 'New unit' })).not.toBeInTheDocument();
    });
    expect(screen.queryByRole('button', { name: 'Edit GOA1' })).not.toBeInTheDocument();
  });
});
