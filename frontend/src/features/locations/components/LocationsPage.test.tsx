import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';

import type { Me } from '@/lib/api/types';
import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { LocationsPage } from './LocationsPage';

function node(
  id: number,
  kind: 'ROOM' | 'RACK' | 'SHELF',
  fullCode: string,
  occupancy: number,
  capacity: number,
  children: unknown[] = [],
) {
  return {
    id,
    unit: 1,
    unit_code: 'GOA1',
    parent: null,
    kind,
    code: fullCode.split('/').at(-1),
    full_code: fullCode,
    name: kind === 'ROOM' ? 'Record room 1' : '',
    capacity: kind === 'SHELF' ? capacity : null,
    security_class: kind === 'ROOM' ? 1 : 0,
    is_active: true,
    version: 1,
    occupancy,
    total_capacity: capacity,
    children,
  };
}

const TREE = [
  node(1, 'ROOM', 'GOA1/R01', 7, 12, [
    node(2, 'RACK', 'GOA1/R01/K01', 7, 12, [
      node(3, 'SHELF', 'GOA1/R01/K01/S1', 6, 6),
      node(4, 'SHELF', 'GOA1/R01/K01/S2', 1, 6),
    ]),
  ]),
];

function renderPage(me: Me) {
  return renderWithProviders(
    <MemoryRouter initialEntries={['/locations']}>
      <LocationsPage me={me} />
    </MemoryRouter>,
  );
}

const DAY_MS = 86_400_000;
const twelveDaysAgo = new Date(Date.now() - 12 * DAY_MS - 3_600_000).toISOString();

/** S1 verified 12 days ago, S2 never. */
const VERIFIED_TREE = [
  {
    ...node(1, 'ROOM', 'GOA1/R01', 7, 12),
    last_verified_at: null,
    children: [
      {
        ...node(2, 'RACK', 'GOA1/R01/K01', 7, 12),
        last_verified_at: null,
        children: [
          { ...node(3, 'SHELF', 'GOA1/R01/K01/S1', 6, 6), last_verified_at: twelveDaysAgo },
          { ...node(4, 'SHELF', 'GOA1/R01/K01/S2', 1, 6), last_verified_at: null },
        ],
      },
    ],
  },
];

describe('LocationsPage', () => {
  it('switches the heat map to days since verified, with its legend and words', async () => {
    mockFetch({ '/api/v1/locations/tree/': { body: VERIFIED_TREE } });
    renderPage(makeMe({ permissions: ['storage.view_location'] }));
    await screen.findByRole('link', { name: /^Shelf GOA1\/R01\/K01\/S1: 6 of 6 crates/ });
    const switcher = screen.getByRole('radiogroup', { name: 'Heat map' });
    expect(within(switcher).getByRole('radio', { name: 'Occupancy' })).toBeChecked();

    await userEvent.click(within(switcher).getByRole('radio', { name: 'Days since verified' }));
    const day = twelveDaysAgo.slice(0, 10);
    const verified = await screen.findByRole('link', {
      name: `Shelf GOA1/R01/K01/S1: verified 12 days ago (${day})`,
    });
    expect(verified).toHaveAttribute('data-level', 'month');
    expect(verified).toHaveTextContent('12 d');
    // Never verified: its own band, hatched, and the word in the cell, not a colour alone.
    const never = screen.getByRole('link', { name: 'Shelf GOA1/R01/K01/S2: never verified' });
    expect(never).toHaveAttribute('data-level', 'never');
    expect(never).toHaveTextContent('never');
    expect(never.style.background).toContain('repeating-linear-gradient');
    // Racks, rooms and the unit: their oldest shelf, and how many were never verified.
    const summary = `oldest shelf verified 12 days ago (${day}); 1 of 2 shelves never verified`;
    expect(screen.getByTestId('room-GOA1/R01')).toHaveTextContent(summary);
    expect(screen.getByText(`Unit GOA1 verification:`, { exact: false })).toBeInTheDocument();
    expect(screen.queryByRole('meter')).not.toBeInTheDocument();
    const legend = screen.getByRole('list', { name: 'Days since verified: colours' });
    expect(legend).toHaveTextContent('30 days or less');
    expect(legend).toHaveTextContent('Over a year');
    expect(legend).toHaveTextContent('Never verified (hatched)');
    expect(screen.queryByRole('list', { name: 'Occupancy colours' })).not.toBeInTheDocument();

    await userEvent.click(within(switcher).getByRole('radio', { name: 'Occupancy' }));
    expect(
      await screen.findByRole('link', {
        name: 'Shelf GOA1/R01/K01/S2: 1 of 6 crates, 17 % full, 5 free',
      }),
    ).toHaveAttribute('data-level', 'low');
  });

  it('shows occupancy as words and values, not colour alone', async () => {
    mockFetch({ '/api/v1/locations/tree/': { body: TREE } });
    renderPage(makeMe({ permissions: ['storage.view_location'] }));
    const full = await screen.findByRole('link', {
      name: 'Shelf GOA1/R01/K01/S1: 6 of 6 crates, 100 % full, 0 free',
    });
    expect(full).toHaveAttribute('href', '/locations/3');
    expect(full).toHaveAttribute('data-level', 'full');
    expect(full).toHaveTextContent('6/6');
    expect(
      screen.getByRole('link', { name: 'Shelf GOA1/R01/K01/S2: 1 of 6 crates, 17 % full, 5 free' }),
    ).toHaveAttribute('data-level', 'low');
    const meter = screen.getByRole('meter', { name: 'Room GOA1/R01 occupancy' });
    expect(meter).toHaveAttribute('aria-valuenow', '7');
    expect(meter).toHaveAttribute('aria-valuemax', '12');
    expect(meter).toHaveAttribute('aria-valuetext', '7 of 12 crates, 58 % full, 5 free');
    expect(screen.getByRole('list', { name: 'Occupancy colours' })).toHaveTextContent('Full');
    // A viewer may not create locations.
    expect(screen.queryByRole('link', { name: 'Create a grid' })).not.toBeInTheDocument();
  });

  it('opens and closes rooms from the keyboard', async () => {
    mockFetch({ '/api/v1/locations/tree/': { body: TREE } });
    renderPage(makeMe({ permissions: ['storage.view_location', 'storage.add_location'] }));
    const room = await screen.findByRole('button', { name: /GOA1\/R01 — Record room 1/ });
    expect(room).toHaveAttribute('aria-expanded', 'true');
    room.focus();
    await userEvent.keyboard('{Enter}');
    expect(room).toHaveAttribute('aria-expanded', 'false');
    expect(
      within(screen.getByTestId('room-GOA1/R01')).queryByRole('link', { name: /^Shelf / }),
    ).toBeNull();
    await userEvent.keyboard(' ');
    await waitFor(() => {
      expect(room).toHaveAttribute('aria-expanded', 'true');
    });
    expect(screen.getByRole('link', { name: 'Create a grid' })).toHaveAttribute(
      'href',
      '/locations/new-grid',
    );
  });
});
