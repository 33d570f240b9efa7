import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { session } from '@/lib/auth/session';

import { ApiError } from '@/lib/api-client';

import { api, onPasswordChangeRequired, publicApi, unwrap } from './client';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function envelope(code: string, message = code) {
  return { error: { code, message, details: {}, request_id: 'r1' } };
}

interface Seen {
  path: string;
  authorization: string | null;
  body: string;
}

/** A fetch that records each call and answers with `respond`. */
function stubFetch(respond: (seen: Seen, index: number) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const entry = {
      path: new URL(request.url).pathname,
      authorization: request.headers.get('Authorization'),
      body: await request.clone().text(),
    };
    seen.push(entry);
    return respond(entry, seen.length - 1);
  });
  vi.stubGlobal('fetch', fetchMock);
  return seen;
}

describe('the API client', () => {
  beforeEach(() => {
    session.setTokens('access-1', 'refresh-1');
  });
  afterEach(() => {
    session.end(null);
  });

  it('sends the access token', async () => {
    const seen = stubFetch(() => json(200, { id: 1 }));
    await unwrap(api.GET('/api/v1/auth/me/'));
    expect(seen[0]?.authorization).toBe('Bearer access-1');
  });

  it('refreshes once for concurrent 401 token_not_valid and retries with the new token', async () => {
    const seen = stubFetch((entry) => {
      if (entry.path === '/api/v1/auth/refresh/') {
        return json(200, { access: 'access-2', refresh: 'refresh-2' });
      }
      return entry.authorization === 'Bearer access-2'
        ? json(200, { ok: true })
        : json(401, envelope('token_not_valid'));
    });
    const results = await Promise.all([
      unwrap(api.GET('/api/v1/auth/me/')),
      unwrap(api.GET('/api/v1/roles/')),
    ]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    const refreshes = seen.filter((entry) => entry.path === '/api/v1/auth/refresh/');
    expect(refreshes).toHaveLength(1);
    expect(JSON.parse(refreshes[0]?.body ?? '{}')).toEqual({ refresh: 'refresh-1' });
    expect(session.getRefreshToken()).toBe('refresh-2');
  });

  it.each([
    ['session_ended', /session has ended/],
    ['token_not_valid', /session has expired/],
  ])('signs out when the refresh is refused with 401 %s', async (code, reason) => {
    const seen = stubFetch((entry) =>
      entry.path === '/api/v1/auth/refresh/'
        ? json(401, envelope(code))
        : json(401, envelope('token_not_valid')),
    );
    await expect(unwrap(api.GET('/api/v1/auth/me/'))).rejects.toMatchObject({ status: 401 });
    expect(session.getSnapshot().signedIn).toBe(false);
    expect(session.getRefreshToken()).toBeNull();
    expect(session.getSnapshot().endedReason).toMatch(reason);
    // The refused token is not tried again.
    expect(seen.filter((entry) => entry.path === '/api/v1/auth/refresh/')).toHaveLength(1);
  });

  it.each([
    [401, 'provider_session_ended'],
    [503, 'directory_unavailable'],
  ])(
    "signs out with the organisation's reason when the refresh answers %i %s",
    async (status, code) => {
      const seen = stubFetch((entry) =>
        entry.path === '/api/v1/auth/refresh/'
          ? json(status, envelope(code))
          : json(401, envelope('token_not_valid')),
      );
      await expect(unwrap(api.GET('/api/v1/auth/me/'))).rejects.toMatchObject({ status: 401 });
      expect(session.getSnapshot().signedIn).toBe(false);
      expect(session.getRefreshToken()).toBeNull();
      expect(session.getSnapshot().endedReason).toMatch(
        /Your organisation's sign-in ended this session/,
      );
      expect(seen.filter((entry) => entry.path === '/api/v1/auth/refresh/')).toHaveLength(1);
    },
  );

  it('ends the session at once for a deactivated user', async () => {
    stubFetch(() => json(401, envelope('user_inactive', 'This account is deactivated.')));
    await expect(unwrap(api.GET('/api/v1/auth/me/'))).rejects.toMatchObject({
      code: 'user_inactive',
    });
    expect(session.getSnapshot().endedReason).toMatch(/deactivated/);
  });

  it('reports password_change_required', async () => {
    const handler = vi.fn();
    onPasswordChangeRequired(handler);
    stubFetch(() => json(403, envelope('password_change_required')));
    await expect(unwrap(api.GET('/api/v1/roles/'))).rejects.toMatchObject({ status: 403 });
    expect(handler).toHaveBeenCalledOnce();
  });

  it('throws the envelope message and code', async () => {
    stubFetch(() => json(403, envelope('invalid_signature', 'The password is not correct.')));
    const error = await unwrap(api.GET('/api/v1/roles/')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: 'The password is not correct.',
      code: 'invalid_signature',
      requestId: 'r1',
    });
  });
});

describe('the client without the session', () => {
  afterEach(() => {
    session.end(null);
  });

  it('signs in without a token and does not refresh on a refused sign-in', async () => {
    session.setTokens('stale-access', 'stale-refresh');
    const seen = stubFetch(() => json(401, envelope('invalid_credentials', 'Wrong password.')));
    const error = await unwrap(
      publicApi.POST('/api/v1/auth/login/', { body: { username: 'ana', password: 'x' } }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(seen.map((entry) => [entry.path, entry.authorization])).toEqual([
      ['/api/v1/auth/login/', null],
    ]);
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ username: 'ana', password: 'x' });
    expect(session.getRefreshToken()).toBe('stale-refresh');
  });

  it('throws the DRF detail of a non-envelope error', async () => {
    stubFetch(() => json(503, { detail: 'Down for maintenance.' }));
    await expect(unwrap(publicApi.GET('/readyz'))).rejects.toMatchObject({
      status: 503,
      message: 'Down for maintenance.',
      body: { detail: 'Down for maintenance.' },
    });
  });
});
