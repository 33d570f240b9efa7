/**
 * The typed API client: openapi-fetch over the generated `paths`, with a fetch that
 * - attaches the access token,
 * - refreshes it silently (single-flight, rotating refresh token) on 401 `token_not_valid`
 *   and retries the request once,
 * - ends the session with a message on `session_revoked` / `user_inactive` or a refused refresh
 *   (401 `session_ended`: signed out, revoked or past its maximum length; 401 `token_not_valid`;
 *   401 `provider_session_ended` / 503 `directory_unavailable`: the identity provider or
 *   directory ended it),
 * - swaps a re-authentication placeholder in a signature for its ticket (lib/auth/reauthenticate),
 * - reports 403 `password_change_required` so the app shows the password-change screen.
 */
import createClient from 'openapi-fetch';

import { ApiError, errorMessage, envelopeOf, readBody } from '@/lib/api-client';
import { reauthenticationMiddleware } from '@/lib/auth/reauthenticate';
import { session } from '@/lib/auth/session';

import type { OpsPaths } from './ops-paths';
import type { paths } from './schema';

const REFRESH_PATH = '/api/v1/auth/refresh/';

const END_MESSAGES: Record<string, string> = {
  session_revoked:
    'Your session was ended (signed out, password changed or revoked). Sign in again.',
  session_ended:
    'Your session has ended (signed out, revoked, or at its maximum length). Sign in again.',
  user_inactive: 'This account is deactivated. Ask an administrator.',
  token_not_valid: 'Your session has expired. Sign in again.',
  provider_session_ended:
    "Your organisation's sign-in ended this session (account deactivated or signed out there). Sign in again.",
  directory_unavailable:
    "Your organisation's sign-in ended this session: its directory could not be reached. Sign in again.",
};

let passwordChangeRequired: () => void = () => undefined;

/** The app sets this to refetch /auth/me/, which then shows the password-change screen. */
export function onPasswordChangeRequired(handler: () => void): void {
  passwordChangeRequired = handler;
}

function origin(): string {
  return window.location.origin;
}

async function codeOf(response: Response): Promise<string | null> {
  try {
    return envelopeOf(await readBody(response.clone()))?.code ?? null;
  } catch {
    return null;
  }
}

let refreshing: Promise<boolean> | null = null;

async function doRefresh(): Promise<boolean> {
  const refresh = session.getRefreshToken();
  if (refresh === null) {
    return false;
  }
  const response = await fetch(`${origin()}${REFRESH_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ refresh }),
  });
  if (response.ok) {
    const body = (await response.json()) as { access: string; refresh: string };
    session.setTokens(body.access, body.refresh);
    return true;
  }
  if (response.status === 401 || response.status === 400 || response.status === 403) {
    const code = (await codeOf(response)) ?? 'token_not_valid';
    session.end(END_MESSAGES[code] ?? END_MESSAGES.token_not_valid ?? null);
    return false;
  }
  if (response.status === 503 && (await codeOf(response)) === 'directory_unavailable') {
    // The directory that vouches for a federated session is out of reach: the session ends.
    session.end(END_MESSAGES.directory_unavailable ?? null);
    return false;
  }
  throw new ApiError(response.status, errorMessage(response, await readBody(response)), null);
}

/** Refreshes the access token once, however many requests ask at the same time. */
export function refreshAccessToken(): Promise<boolean> {
  refreshing ??= doRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Returns a usable access token, refreshing first when only the refresh token is held. */
export async function currentAccessToken(): Promise<string | null> {
  const access = session.getAccessToken();
  if (access !== null) {
    return access;
  }
  if (session.getRefreshToken() === null) {
    return null;
  }
  return (await refreshAccessToken()) ? session.getAccessToken() : null;
}

function withToken(request: Request, token: string | null): Request {
  const headers = new Headers(request.headers);
  if (token !== null) {
    headers.set('Authorization', `Bearer ${token}`);
  }
  if (!headers.has('Accept')) {
    headers.set('Accept', 'application/json');
  }
  return new Request(request, { headers });
}

/** fetch with the session: the transport of every authenticated API call. */
export async function authFetch(request: Request): Promise<Response> {
  const spare = request.clone();
  const response = await fetch(withToken(request, await currentAccessToken()));
  if (response.status === 401) {
    const code = await codeOf(response);
    if (code === 'token_not_valid' || code === 'not_authenticated') {
      if (await refreshAccessToken()) {
        return fetch(withToken(spare, session.getAccessToken()));
      }
      return response;
    }
    if (code !== null && code in END_MESSAGES) {
      session.end(END_MESSAGES[code] ?? null);
    }
  } else if (response.status === 403 && (await codeOf(response)) === 'password_change_required') {
    passwordChangeRequired();
  }
  return response;
}

export const api = createClient<paths>({
  baseUrl: origin(),
  fetch: (request: Request) => authFetch(request),
});
// A signature by re-authentication gets its ticket for the very request that carries it.
api.use(reauthenticationMiddleware);

/**
 * The same typed client without the session: sign-in (there is no token yet, and a stale one
 * must not trigger a refresh) and the ops probes. The global fetch is looked up per call.
 */
export const publicApi = createClient<paths & OpsPaths>({
  baseUrl: origin(),
  fetch: (request: Request) => fetch(withToken(request, null)),
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Turns openapi-fetch's `{data, error, response}` into data, or throws {@link ApiError}. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response, error), error ?? null);
  }
  return data as T;
}
