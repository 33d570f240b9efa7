import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { AuditTrailPage } from './AuditTrailPage';

const event = (id: number, action: string, changes: unknown = {}) => ({
  id,
  at: '2026-11-23T05:00:00Z',
  actor: 1,
  actor_username: 'sysadmin',
  action,
  object_type: 'user',
  object_id: '31',
  unit: null,
  unit_code: null,
  changes,
  reason: '',
  ip_address: '127.0.0.1',
  user_agent: 'test',
  request_id: 'abc',
  prev_hash: '0'.repeat(64),
  hash: 'f'.repeat(64),
});

const sysadmin = makeMe({
  id: 1,
  all_units: true,
  units: [],
  permissions: ['compliance.view_audit_trail', 'compliance.verify_audit_chain'],
});
const viewer = makeMe({ permissions: ['compliance.view_audit_trail'] });

const brokenAtEvent = {
  intact: false,
  checked: 8,
  first_broken_id: 9,
  problem: 'content does not match its hash',
  events: 12,
  checkpoints_checked: 2,
  first_bad_checkpoint_id: null,
  checkpoint_problem: '',
  checkpoint_id: 2,
  key_id: 'a'.repeat(64),
};

function setUp(me = sysadmin, url = '/audit?action=user.', verified: object = brokenAtEvent) {
  const api = stubApi({
    'GET /api/v1/audit-events/': [
      {
        body: {
          next: 'http://localhost/api/v1/audit-events/?cursor=abc',
          results: [event(9, 'user.create', { username: [null, 'goa1-newbie'] })],
        },
      },
    ],
    'POST /api/v1/audit-events/verify/': [
      {
        body: verified,
      },
    ],
    '/api/v1/units/': [{ body: { results: [] } }],
  });
  vi.stubGlobal('fetch', api.fetchMock);
  const { router } = renderRoute('/audit', url, <AuditTrailPage me={me} />);
  return { ...api, router };
}

describe('AuditTrailPage', { timeout: 20_000 }, () => {
  it('lists the filtered events and opens one to show its changes and hashes', async () => {
    const api = setUp();
    const table = await screen.findByRole('table', { name: 'Audit events' });
    await within(table).findByText('user.create');
    const listed = api.calls.find(
      (call) => call.path === '/api/v1/audit-events/' && call.search.includes('page_size=50'),
    );
    expect(new URLSearchParams(listed?.search).get('action')).toBe('user.');
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('user.');

    const toggle = screen.getByRole('button', { name: 'Details of event 9' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const changes = screen.getByRole('table', { name: 'Changes of event 9' });
    expect(changes).toHaveTextContent('goa1-newbie');
    expect(screen.getByText('f'.repeat(64))).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Load older events' })).toBeInTheDocument();
  });

  it('verifies the chain on request and says where it broke', async () => {
    setUp();
    await userEvent.click(await screen.findByRole('button', { name: 'Verify now' }));
    expect(await screen.findByText('Broken')).toBeInTheDocument();
    expect(screen.getByText('8 events checked')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'At event 9: content does not match its hash.',
    );
  });

  it('says which checkpoint no longer fits the trail', async () => {
    setUp(sysadmin, '/audit', {
      ...brokenAtEvent,
      checked: 9,
      first_broken_id: null,
      first_bad_checkpoint_id: 2,
      problem:
        'checkpoint 2 signed event 12 but the newest event is 9: the newest events were deleted',
      checkpoint_problem:
        'checkpoint 2 signed event 12 but the newest event is 9: the newest events were deleted',
      checkpoints_checked: 1,
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Verify now' }));
    expect(await screen.findByText('Broken')).toBeInTheDocument();
    expect(screen.getByText('1 signed checkpoint verified')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Checkpoint 2 signed event 12 but the newest event is 9: the newest events were deleted.',
    );
  });

  it('shows no chain verification to roles that may only read the trail', async () => {
    setUp(viewer, '/audit');
    await screen.findByRole('table', { name: 'Audit events' });
    expect(screen.queryByRole('button', { name: 'Verify now' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export CSV (oldest first)' })).toBeInTheDocument();
  });

  it('exports the filtered events as CSV, asking for text/csv', async () => {
    const api = setUp();
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    await userEvent.click(await screen.findByRole('button', { name: 'Export CSV (oldest first)' }));
    await waitFor(() => {
      expect(api.calls.some((call) => call.search.includes('format=csv'))).toBe(true);
    });
    const exported = api.calls.find((call) => call.search.includes('format=csv'));
    expect(exported?.headers.get('Accept')).toBe('text/csv');
    expect(new URLSearchParams(exported?.search).get('action')).toBe('user.');
  });

  it('keeps every filter typed within the debounce time, not only the last one', async () => {
    const { router } = setUp(sysadmin, '/audit');
    await screen.findByRole('table', { name: 'Audit events' });
    vi.useFakeTimers();
    try {
      fireEvent.change(screen.getByRole('textbox', { name: 'Actor (username)' }), {
        target: { value: 'sysadmin' },
      });
      act(() => {
        vi.advanceTimersByTime(100);
      });
      fireEvent.change(screen.getByRole('textbox', { name: 'Object id' }), {
        target: { value: '31' },
      });
      act(() => {
        vi.advanceTimersByTime(400);
      });
    } finally {
      vi.useRealTimers();
    }
    const search = new URLSearchParams(router.state.location.search);
    expect(search.get('actor')).toBe('sysadmin');
    expect(search.get('object_id')).toBe('31');
    expect(screen.getByRole('textbox', { name: 'Actor (username)' })).toHaveValue('sysadmin');
  });
});
