import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';

import type { Location, Me } from '@/lib/api/types';
import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { envelope, stubApi } from '@/test/stub-api';
import { renderWithProviders } from '@/test/render';

import { LocationDetailPage } from './LocationDetailPage';

const ROOM: Location = {
  id: 1,
  unit: 1,
  unit_code: 'GOA1',
  parent: null,
  kind: 'ROOM',
  code: 'R01',
  full_code: 'GOA1/R01',
  name: 'Record room 1',
  capacity: null,
  security_class: 2,
  is_active: true,
  last_verified_at: null,
  version: 4,
  occupancy: 3,
  total_capacity: 24,
  free: 21,
  created_at: '2026-11-23T03:00:00Z',
  updated_at: '2026-11-23T03:00:00Z',
};

function renderPage(me: Me) {
  return renderWithProviders(
    <MemoryRouter initialEntries={['/locations/1']}>
      <Routes>
        <Route path="/locations/:locationId" element={<LocationDetailPage me={me} />} />
      </Routes>
    </MemoryRouter>,
  );
}

const STORE_HEAD = makeMe({
  permissions: ['storage.view_location', 'storage.add_location', 'storage.change_location'],
});

describe('LocationDetailPage', () => {
  it('shows a viewer the occupancy and no way to change it', async () => {
    mockFetch({
      '/api/v1/locations/1/': { body: ROOM },
      '/api/v1/locations/tree/': { body: [] },
    });
    renderPage(makeMe({ permissions: ['storage.view_location'] }));
    expect(await screen.findByRole('heading', { name: 'GOA1/R01' })).toBeInTheDocument();
    expect(screen.getByRole('meter', { name: 'GOA1/R01 occupancy' })).toHaveAttribute(
      'aria-valuetext',
      '3 of 24 crates, 13 % full, 21 free',
    );
    expect(within(screen.getByRole('group', { name: 'Actions' })).queryAllByRole('button')).toEqual(
      [],
    );
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument();
  });

  it('asks for a reason before lowering a room’s security class, then sends it', async () => {
    const { fetchMock } = mockFetch({
      '/api/v1/locations/1/': { body: ROOM },
      '/api/v1/locations/tree/': { body: [] },
    });
    renderPage(STORE_HEAD);
    const security = await screen.findByLabelText(/Security class/);
    await userEvent.clear(security);
    await userEvent.type(security, '1');
    expect(
      screen.getByLabelText(/Reason \(required: the security class is lowered\)/),
    ).toBeRequired();
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Lowering the security class needs a reason')).toBeVisible();
    expect(fetchMock.mock.calls.some(([input]) => (input as Request).method === 'PATCH')).toBe(
      false,
    );

    await userEvent.type(screen.getByLabelText(/^Reason/), 'Vault moved to room 2');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => {
      expect(fetchMock.mock.calls.some(([input]) => (input as Request).method === 'PATCH')).toBe(
        true,
      );
    });
    const patch = fetchMock.mock.calls
      .map(([input]) => input as Request)
      .find((request) => request.method === 'PATCH');
    expect(await patch?.json()).toEqual({
      version: 4,
      reason: 'Vault moved to room 2',
      security_class: 1,
    });
  });

  it('shows the server’s refusal to deactivate a location that holds crates', async () => {
    mockFetch({
      '/api/v1/locations/1/': { body: ROOM },
      '/api/v1/locations/tree/': { body: [] },
      '/api/v1/locations/1/deactivate/': {
        status: 409,
        body: {
          error: {
            code: 'location_not_empty',
            message: 'GOA1/R01 holds 3 crate(s); move them first.',
            details: {},
            request_id: 'r',
          },
        },
      },
    });
    renderPage(STORE_HEAD);
    await userEvent.click(await screen.findByRole('button', { name: 'Deactivate' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'GOA1/R01 holds 3 crate(s); move them first.',
    );
  });

  it("puts the server's refusal of an edit on its field and keeps what was typed", async () => {
    const api = stubApi({
      'GET /api/v1/locations/1/': [{ body: ROOM }],
      'PATCH /api/v1/locations/1/': [
        {
          status: 400,
          body: envelope('location_code_taken', 'R02 already exists here.', {
            code: ['R02 already exists here.'],
          }),
        },
      ],
      '/api/v1/locations/tree/': [{ body: [] }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderPage(STORE_HEAD);
    const code = await screen.findByLabelText(/^Code/);
    await userEvent.clear(code);
    await userEvent.type(code, 'R02');
    await userEvent.type(screen.getByLabelText(/^Name/), ' (east)');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => {
      expect(code).toHaveAccessibleDescription(/R02 already exists here\./);
    });
    expect(code).toHaveValue('R02');
    expect(screen.getByLabelText(/^Name/)).toHaveValue('Record room 1 (east)');
  });

  it("puts a refused deactivation reason's message on the field, keeping it", async () => {
    mockFetch({
      '/api/v1/locations/1/': { body: ROOM },
      '/api/v1/locations/tree/': { body: [] },
      '/api/v1/locations/1/deactivate/': {
        status: 400,
        body: envelope('validation_error', 'The submitted data is not valid.', {
          reason: ['Ensure this field has no more than 1000 characters.'],
        }),
      },
    });
    renderPage(STORE_HEAD);
    await userEvent.click(await screen.findByRole('button', { name: 'Deactivate' }));
    const dialog = await screen.findByRole('dialog');
    const reason = within(dialog).getByLabelText(/^Reason/);
    await userEvent.type(reason, 'Room closed for works');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => {
      expect(reason).toHaveAccessibleDescription(
        'Ensure this field has no more than 1000 characters.',
      );
    });
    expect(reason).toHaveValue('Room closed for works');
  });
});
