/**
 * OpenID Connect sign-in and re-authentication: the calls of the API contract (auth/options/,
 * auth/oidc/start/, auth/oidc/callback/) and the `state` this tab keeps between leaving for the
 * provider and coming back to /auth/callback.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';

import { ApiError, errorMessage, readBody } from '@/lib/api-client';
import { authFetch } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

export interface AuthOptions {
  oidc_enabled: boolean;
  oidc_provider_name: string;
  /** "break-glass": only listed local accounts sign in with a password. */
  local_passwords: 'on' | 'break-glass';
}

export interface SignedTarget {
  method: string;
  path: string;
}

export type OidcStartBody =
  { purpose: 'login'; next: string } | ({ purpose: 'sign' } & SignedTarget);

export interface OidcStart {
  authorization_url: string;
  state: string;
}

export type OidcLoginResult = Schemas['Session'] & { next?: string | null };

export interface Reauthentication {
  reauthentication: string;
  expires_at: string;
}

/** How a user signs: their password, a fresh sign-in at the provider, or a signing password. */
export type SigningMethod = 'password' | 'reauthenticate' | 'signing_password';

/** The fields of auth/me/ this part reads. */
export interface SigningIdentity {
  signing_method?: SigningMethod;
  signing_password_set?: boolean;
}

export function signingMethodOf(me: SigningIdentity | null | undefined): SigningMethod {
  return me?.signing_method ?? 'password';
}

async function call<T>(
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown; withSession: boolean },
): Promise<T> {
  const request = new Request(`${window.location.origin}${path}`, {
    method: init.method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const response = init.withSession ? await authFetch(request) : await fetch(request);
  const body = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response, body), body);
  }
  return body as T;
}

/** GET auth/options/ (public): whether the provider button shows, and its name. */
export function getAuthOptions(): Promise<AuthOptions> {
  return call('/api/v1/auth/options/', { method: 'GET', withSession: false });
}

export function authOptionsQuery() {
  return queryOptions({
    queryKey: ['auth', 'options'] as const,
    queryFn: getAuthOptions,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useAuthOptions(enabled = true) {
  return useQuery({ ...authOptionsQuery(), enabled });
}

/** POST auth/oidc/start/: sign-in is public; a re-authentication for a signature carries the
 *  session (the server binds it to the signer and to the signed request's method and path). */
export function oidcStart(body: OidcStartBody): Promise<OidcStart> {
  return call('/api/v1/auth/oidc/start/', {
    method: 'POST',
    body,
    withSession: body.purpose === 'sign',
  });
}

export function oidcLoginCallback(body: { state: string; code: string }): Promise<OidcLoginResult> {
  return call('/api/v1/auth/oidc/callback/', { method: 'POST', body, withSession: false });
}

export function oidcSignCallback(body: { state: string; code: string }): Promise<Reauthentication> {
  return call('/api/v1/auth/oidc/callback/', { method: 'POST', body, withSession: true });
}

/** POST auth/signing-password/: set (or change) the password a federated user signs with. */
export async function setSigningPassword(body: {
  password: string;
  current_password?: string;
}): Promise<void> {
  await call('/api/v1/auth/signing-password/', { method: 'POST', body, withSession: true });
}

const KEPT_STATE_KEY = 'strongroom.oidc.login';

export interface KeptLogin {
  state: string;
  /** Where the user was going (already a same-origin path). */
  next: string;
}

/** Kept for the callback: only the sign-in this tab started is finished here. */
export function keepLogin(kept: KeptLogin): void {
  try {
    window.sessionStorage.setItem(KEPT_STATE_KEY, JSON.stringify(kept));
  } catch {
    // Without storage the callback cannot check the state: it then refuses (start again).
  }
}

/** Forgets what {@link keepLogin} kept: an attempt is finished once. */
export function forgetKeptLogin(): void {
  try {
    window.sessionStorage.removeItem(KEPT_STATE_KEY);
  } catch {
    // Nothing kept.
  }
}

/** What {@link keepLogin} kept, if anything. */
export function readKeptLogin(): KeptLogin | null {
  try {
    const raw = window.sessionStorage.getItem(KEPT_STATE_KEY);
    const kept = raw === null ? null : (JSON.parse(raw) as Partial<KeptLogin>);
    return typeof kept?.state === 'string' && typeof kept.next === 'string'
      ? { state: kept.state, next: kept.next }
      : null;
  } catch {
    return null;
  }
}

/** The whole page goes to the provider (an object, so a test can watch the call). */
export const providerNavigation = {
  leaveFor(url: string): void {
    window.location.assign(url);
  },
};

/** Starts a sign-in at the provider: keeps the state, then the page leaves for it. */
export async function oidcLoginBegin(next: string): Promise<void> {
  const started = await oidcStart({ purpose: 'login', next });
  keepLogin({ state: started.state, next });
  providerNavigation.leaveFor(started.authorization_url);
}

/** What /auth/callback in the re-authentication window posts to the window that opened it. */
export type ReauthMessage =
  | { type: 'strongroom-reauth'; state: string; code: string }
  | { type: 'strongroom-reauth'; state: string; error: string; error_description: string };

export const REAUTH_MESSAGE_TYPE = 'strongroom-reauth';
export const REAUTH_WINDOW_NAME = 'strongroom-reauth';

/**
 * The Strongroom window that opened this one, when it did (a re-authentication to sign) and is
 * of this origin; null otherwise (a sign-in in this tab).
 */
export function strongroomOpener(): Window | null {
  const opener = window.opener as Window | null;
  if (opener === null || opener === window) {
    return null;
  }
  try {
    return opener.location.origin === window.location.origin ? opener : null;
  } catch {
    return null; // another origin's window: its location cannot be read
  }
}
