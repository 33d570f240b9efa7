import { screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { renderWithProviders } from '@/test/render';

import { NotificationsBell } from './NotificationsBell';

describe('NotificationsBell', () => {
  it('stays hidden while the backend has no notifications endpoint', async () => {
    const { requestedPaths } = mockFetch({});
    const { queryClient } = renderWithProviders(
      <MemoryRouter>
        <NotificationsBell />
      </MemoryRouter>,
    );
    await waitFor(() => {
      expect(requestedPaths).toContain('/api/v1/notifications/');
    });
    await waitFor(() => {
      expect(queryClient.getQueryState(['notifications', 'list'])?.status).toBe('success');
    });
    expect(screen.queryByRole('button', { name: /Notifications/ })).not.toBeInTheDocument();
  });

  it('shows the unread count', async () => {
    mockFetch({
      '/api/v1/notifications/': {
        body: {
          next: null,
          previous: null,
          results: [
            {
              id: 1,
              kind: 'REQUEST_SUBMITTED',
              title: 'REQ-1 waits for approval',
              body: '',
              unit: 1,
              object_type: 'request',
              object_id: '4',
              link: '/requests/4',
              created_at: '2026-11-23T03:00:00Z',
              read_at: null,
            },
          ],
        },
      },
    });
    renderWithProviders(
      <MemoryRouter>
        <NotificationsBell />
      </MemoryRouter>,
    );
    expect(
      await screen.findByRole('button', { name: 'Notifications, 1 unread' }),
    ).toBeInTheDocument();
  });
});
