import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';

import { session } from '@/lib/auth/session';
import { invalidateForEvent } from '@/lib/realtime/topics';
import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { App } from './App';
import { navItemsFor } from './layout/nav-items';
import { TOPIC_KEYS } from './realtime-topics';
import { safeNext } from './safe-next';

afterEach(() => {
  session.end(null);
  window.history.pushState({}, '', '/');
});

describe('the app shell', () => {
  it('sends a signed-out visitor to the login screen, with the reason the session ended', async () => {
    session.end('Your session was ended (signed out, password changed or revoked). Sign in again.');
    window.history.pushState({}, '', '/requests');
    renderWithProviders(<App />);
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByText(/Your session was ended/)).toBeInTheDocument();
    expect(window.location.search).toBe('?next=%2Frequests');
  });

  it("shows the server's message when sign-in fails", async () => {
    mockFetch({
      '/api/v1/auth/login/': {
        status: 401,
        body: {
          error: {
            code: 'invalid_credentials',
            message: 'Unknown user or wrong password.',
            details: {},
            request_id: 'r',
          },
        },
      },
    });
    window.history.pushState({}, '', '/login');
    renderWithProviders(<App />);
    await userEvent.type(await screen.findByLabelText(/Username/), 'goa1-viewer');
    await userEvent.type(screen.getByLabelText(/^Password/), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Unknown user or wrong password.')).toBeInTheDocument();
  });

  it('shows only the password change screen while the server requires one', async () => {
    session.setTokens('access', 'refresh');
    mockFetch({ '/api/v1/auth/me/': { body: makeMe({ must_change_password: true }) } });
    renderWithProviders(<App />);
    expect(
      await screen.findByRole('heading', { name: 'Change your password' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
  });
});

describe('navigation by role', () => {
  it('offers request creation only to roles that may raise requests', () => {
    const viewer = navItemsFor(makeMe({ permissions: ['workflow.view_request'] }));
    const manager = navItemsFor(
      makeMe({ permissions: ['workflow.view_request', 'workflow.add_request'] }),
    );
    expect(viewer.map((item) => item.label)).toEqual(['Dashboard', 'Requests', 'System status']);
    expect(manager.map((item) => item.label)).toContain('New withdrawal');
  });

  it('offers the audit trail and administration only to roles that have them', () => {
    const labels = (permissions: string[]) =>
      navItemsFor(makeMe({ permissions })).map((item) => item.label);
    expect(labels(['workflow.view_request', 'workflow.add_request'])).toEqual([
      'Dashboard',
      'Requests',
      'New withdrawal',
      'New storage',
      'New transfer',
      'New destruction',
      'System status',
    ]);
    expect(labels(['records.view_crate'])).toEqual([
      'Dashboard',
      'Crates',
      'Retention forecast',
      'System status',
    ]);
    expect(labels(['compliance.view_audit_trail', 'accounts.view_user'])).toEqual([
      'Dashboard',
      'Audit trail',
      'Audit-trail reviews',
      'Administration',
      'System status',
    ]);
  });

  it('lists the retention screens under one heading, by permission', () => {
    const items = (permissions: string[]) =>
      navItemsFor(makeMe({ permissions }))
        .filter((item) => item.group === 'Retention')
        .map((item) => item.label);
    expect(items(['workflow.view_request'])).toEqual([]);
    // Viewer: the schedule; Approver: also the drafts waiting; Document Manager: event dates.
    expect(items(['records.view_retentionrule'])).toEqual(['Retention schedule']);
    expect(
      items(['records.view_retentionrule', 'records.approve_retention_rule', 'records.view_crate']),
    ).toEqual(['Retention schedule', 'Rules to approve', 'Retention forecast']);
    expect(items(['records.view_retentionrule', 'records.add_documentevent'])).toEqual([
      'Retention schedule',
      'Event dates',
    ]);
  });

  it('offers the destruction batches to every role that may see them', () => {
    const labels = (permissions: string[]) =>
      navItemsFor(makeMe({ permissions })).map((item) => item.label);
    expect(labels(['disposition.view_destructionbatch'])).toEqual([
      'Dashboard',
      'Destruction batches',
      'System status',
    ]);
    expect(labels(['workflow.view_request'])).not.toContain('Destruction batches');
  });

  it('only redirects to same-origin paths after login', () => {
    expect(safeNext('/requests/4')).toBe('/requests/4');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});

describe('live events', () => {
  it('invalidate the list, the record and the dashboard for a request event', async () => {
    const client = new QueryClient();
    const keys = [
      ['requests', 'list', {}],
      ['requests', 'detail', 7],
      ['requests', 'detail', 8],
      ['dashboard', 'summary'],
    ];
    for (const key of keys) {
      client.setQueryData(key, 'cached');
    }
    invalidateForEvent(client, TOPIC_KEYS, {
      id: 1,
      type: 'event',
      topic: 'request',
      action: 'updated',
      object_id: '7',
      unit_id: 1,
      version: 3,
      data: {},
      at: '',
    });
    await waitFor(() => {
      expect(client.getQueryState(['requests', 'detail', 7])?.isInvalidated).toBe(true);
    });
    expect(client.getQueryState(['requests', 'list', {}])?.isInvalidated).toBe(true);
    expect(client.getQueryState(['dashboard', 'summary'])?.isInvalidated).toBe(true);
    expect(client.getQueryState(['requests', 'detail', 8])?.isInvalidated).toBe(false);
  });

  it('make the audit trail stale for every audited change, not for notifications', async () => {
    const client = new QueryClient();
    client.setQueryData(['audit', 'list', {}], 'cached');
    client.setQueryData(['audit', 'last-verification'], 'cached');
    const event = {
      id: 2,
      type: 'event' as const,
      topic: 'notification' as const,
      action: 'created' as const,
      object_id: '3',
      unit_id: null,
      version: null,
      data: {},
      at: '',
    };
    invalidateForEvent(client, TOPIC_KEYS, event);
    expect(client.getQueryState(['audit', 'list', {}])?.isInvalidated).toBe(false);
    invalidateForEvent(client, TOPIC_KEYS, { ...event, topic: 'crate', object_id: '4' });
    await waitFor(() => {
      expect(client.getQueryState(['audit', 'list', {}])?.isInvalidated).toBe(true);
    });
    expect(client.getQueryState(['audit', 'last-verification'])?.isInvalidated).toBe(false);
  });
});
