import { vi } from 'vitest';

export interface MockRoute {
  status?: number;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** Reject like a network failure instead of answering. */
  networkError?: boolean;
}

/**
 * Replaces global fetch with one that answers by path. Unknown paths get a 404 so a test
 * notices an unexpected request. Vitest's `unstubGlobals` restores fetch after each test.
 */
export function mockFetch(routes: Record<string, MockRoute>) {
  const requestedPaths: string[] = [];
  const fetchMock = vi.fn((input: RequestInfo | URL): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
    requestedPaths.push(url.pathname);
    const route = routes[url.pathname];
    if (route === undefined) {
      return Promise.resolve(new Response('Not Found', { status: 404 }));
    }
    if (route.networkError === true) {
      return Promise.reject(new TypeError('Failed to fetch'));
    }
    const isText = typeof route.body === 'string';
    return Promise.resolve(
      new Response(isText ? (route.body as string) : JSON.stringify(route.body ?? null), {
        status: route.status ?? 200,
        headers: { 'Content-Type': isText ? 'text/plain' : 'application/json' },
      }),
    );
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, requestedPaths };
}
