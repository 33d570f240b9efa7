import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { renderWithProviders } from './render';
import { RequestStub } from './RequestStub';

/**
 * Renders a page at `url` inside a memory router whose other routes are stubs, so a test sees
 * where the page navigates (e.g. "Request page 42" after a creation).
 */
export function renderRoute(path: string, url: string, page: ReactElement) {
  const router = createMemoryRouter(
    [
      { path, element: page },
      { path: '/requests/:requestId', element: <RequestStub /> },
      { path: '*', element: <p>Elsewhere</p> },
    ],
    { initialEntries: [url] },
  );
  return { router, ...renderWithProviders(<RouterProvider router={router} />) };
}
