import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { RequestsListPage } from './RequestsListPage';

function renderAs(permissions: string[]) {
  vi.stubGlobal(
    'fetch',
    stubApi({ '/api/v1/requests/': [{ body: { next: null, previous: null, results: [] } }] })
      .fetchMock,
  );
  renderRoute('/requests', '/requests', <RequestsListPage me={makeMe({ permissions })} />);
}

const switches = () => screen.findByRole('switch', { name: 'Overdue' });

const named = (name: string) => screen.queryByRole('switch', { name });

describe('RequestsListPage switches', () => {
  it('shows a Viewer neither "Mine" nor "Waiting for me"', async () => {
    renderAs(['workflow.view_request']);
    await switches();
    expect(named('Mine')).not.toBeInTheDocument();
    expect(named('Waiting for me')).not.toBeInTheDocument();
  });

  it('shows an Approver what waits for them but not "Mine" (they raise nothing)', async () => {
    renderAs(['workflow.view_request', 'workflow.approve_request']);
    await switches();
    expect(named('Waiting for me')).toBeInTheDocument();
    expect(named('Mine')).not.toBeInTheDocument();
  });

  it('shows a requester both switches', async () => {
    renderAs(['workflow.view_request', 'workflow.add_request']);
    await switches();
    expect(named('Waiting for me')).toBeInTheDocument();
    expect(named('Mine')).toBeInTheDocument();
  });
});
