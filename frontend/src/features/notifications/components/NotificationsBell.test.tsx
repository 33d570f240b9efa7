import { fireEvent, screen, waitFor } from '@testing-library/react';
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

  it('links each notification to the page the backend names', async () => {
    const item = (id: number, title: string, link: string) => ({
      id,
      kind: 'REQUEST_SUBMITTED',
      title,
      body: '',
      unit: 1,
      object_type: link === '' ? '' : 'request',
      object_id: link === '' ? '' : '4',
      link,
      created_at: '2026-11-23T03:00:00Z',
      read_at: null,
    });
    mockFetch({
      '/api/v1/notifications/': {
        body: {
          next: null,
          previous: null,
          results: [
            item(1, 'REQ-1 waits for approval', '/requests/4'),
            item(2, 'Your password expires', ''),
          ],
        },
      },
    });
    renderWithProviders(
      <MemoryRouter>
        <NotificationsBell />
      </MemoryRouter>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Notifications, 2 unread' }));
    expect(await screen.findByRole('link', { name: 'REQ-1 waits for approval' })).toHaveAttribute(
      'href',
      '/requests/4',
    );
    expect(screen.getByText('Your password expires')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Your password expires' })).not.toBeInTheDocument();
  });
});
