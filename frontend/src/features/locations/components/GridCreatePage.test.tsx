import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { GridCreatePage } from './GridCreatePage';

const EXISTING = [
  { id: 1, code: 'R01', full_code: 'GOA1/R01', kind: 'ROOM', children: [] },
  { id: 2, code: 'R02', full_code: 'GOA1/R02', kind: 'ROOM', children: [] },
];

describe('GridCreatePage', () => {
  it('previews the grid, refuses rooms that exist, and creates it in one call', async () => {
    const { fetchMock } = mockFetch({
      '/api/v1/locations/tree/': { body: EXISTING },
      '/api/v1/locations/bulk/': {
        status: 201,
        body: { created: 16, rooms: ['R03'], locations: [] },
      },
    });
    renderWithProviders(
      <MemoryRouter initialEntries={['/locations/new-grid']}>
        <GridCreatePage me={makeMe({ permissions: ['storage.add_location'] })} />
      </MemoryRouter>,
    );
    const preview = screen.getByTestId('grid-preview');
    await waitFor(() => {
      expect(preview).toHaveTextContent('These rooms already exist in GOA1: R01.');
    });
    expect(preview).toHaveTextContent(
      '1 room (R01), 3 racks, 12 shelves: 16 locations for 72 crates.',
    );
    expect(screen.getByRole('button', { name: 'Create 16 locations' })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Start at R03 instead' }));
    expect(preview).toHaveTextContent('GOA1/R03/K01/S1 … GOA1/R03/K03/S4');
    await userEvent.click(screen.getByRole('button', { name: 'Create 16 locations' }));
    await waitFor(() => {
      expect(fetchMock.mock.calls.some(([input]) => (input as Request).method === 'POST')).toBe(
        true,
      );
    });
    const post = fetchMock.mock.calls
      .map(([input]) => input as Request)
      .find((request) => request.method === 'POST');
    expect(await post?.json()).toEqual({
      unit: 1,
      rooms: 1,
      racks_per_room: 3,
      shelves_per_rack: 4,
      capacity: 6,
      first_room: 3,
      security_class: 0,
    });
  });

  it("puts the server's refusal on its field and keeps the grid typed", async () => {
    mockFetch({
      '/api/v1/locations/tree/': { body: [] },
      '/api/v1/locations/bulk/': {
        status: 400,
        body: {
          error: {
            code: 'rooms_exist',
            message: 'Some rooms already exist.',
            details: { first_room: ['Taken: R01. Start after them.'] },
            request_id: 'r',
          },
        },
      },
    });
    renderWithProviders(
      <MemoryRouter initialEntries={['/locations/new-grid']}>
        <GridCreatePage me={makeMe({ permissions: ['storage.add_location'] })} />
      </MemoryRouter>,
    );
    const capacity = screen.getByLabelText('Capacity per shelf (crates)');
    await userEvent.tripleClick(capacity);
    await userEvent.keyboard('9');
    await userEvent.click(await screen.findByRole('button', { name: 'Create 16 locations' }));
    const firstRoom = screen.getByLabelText('First room number');
    await waitFor(() => {
      expect(firstRoom).toHaveAccessibleDescription('Taken: R01. Start after them.');
    });
    expect(screen.getByText('Some rooms already exist.').closest('[role=alert]')).toHaveTextContent(
      'Nothing was created',
    );
    expect(capacity).toHaveValue('9');
  });
});
