import { render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { App } from '@/app/App';
import { RequestDetailPage } from '@/features/requests/components/RequestDetailPage';
import { session } from '@/lib/auth/session';
import { mockFetch } from '@/test/fetch-mock';
import { makeMe, makeRequest } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { renderRoute } from '@/test/render-route';
import { stubApi } from '@/test/stub-api';

import { documentTitle, useDocumentTitle } from '@/lib/use-document-title';

function Page({ title }: { title: string | null }) {
  useDocumentTitle(title);
  return null;
}

afterEach(() => {
  session.end(null);
  window.history.pushState({}, '', '/');
  document.title = '';
});

describe('useDocumentTitle', () => {
  it('names the tab after the page, then the application', () => {
    const view = render(<Page title="Requests" />);
    expect(document.title).toBe('Requests · Strongroom');
    view.rerender(<Page title="Crate GOA1-QA-2026-000003-5" />);
    expect(document.title).toBe('Crate GOA1-QA-2026-000003-5 · Strongroom');
    // null leaves the title to the page inside.
    view.rerender(<Page title={null} />);
    expect(document.title).toBe('Crate GOA1-QA-2026-000003-5 · Strongroom');
    expect(documentTitle(null)).toBe('Strongroom');
  });
});

describe('every route names its page', () => {
  it.each([
    ['/system', 'System status · Strongroom'],
    ['/no-such-page', 'Page not found · Strongroom'],
    // The route is there but the role may not see it.
    ['/audit', 'Not available · Strongroom'],
  ])('%s', async (path, title) => {
    session.setTokens('access', 'refresh');
    mockFetch({ '/api/v1/auth/me/': { body: makeMe() } });
    window.history.pushState({}, '', path);
    renderWithProviders(<App />);
    await waitFor(() => {
      expect(document.title).toBe(title);
    });
  });

  it('signs in on a page of its own', async () => {
    window.history.pushState({}, '', '/login');
    renderWithProviders(<App />);
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(document.title).toBe('Sign in · Strongroom');
  });

  it('names a request page after the request it shows', async () => {
    const api = stubApi({
      'GET /api/v1/requests/7/': [{ body: makeRequest() }],
      'GET /api/v1/documents/': [{ body: { next: null, previous: null, results: [] } }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute('/requests/:requestId', '/requests/7', <RequestDetailPage me={makeMe()} />);
    expect(await screen.findByRole('heading', { name: 'REQ-2026-000007' })).toBeInTheDocument();
    expect(document.title).toBe('Request REQ-2026-000007 · Strongroom');
  });
});
