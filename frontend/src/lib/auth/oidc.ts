/**
 * OpenID Connect sign-in and re-authentication: the calls of the API contract (auth/options/,
 * auth/oidc/start/, auth/oidc/callback/) and the `state` this tab keeps between leaving for the
 * provider and coming back to /auth/callback.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, publicApi, unwrap } from '@/lib/api/client';
import type { Me, Schemas } from '@/lib/api/types';

export type AuthOptions = Schemas['AuthOptions'];
export type OidcStart = Schemas['OidcStarted'];
export type OidcLoginResult = Schemas['OidcSession'];
export type Reauthentication = Schemas['Reauthentication'];
/** How a user signs: their password, a fresh sign-in at the provider, or a signing password. */
export type SigningMethod = Schemas['SigningMethodEnum'];
type SignedMethod = NonNullable<Schemas['OidcStartRequest']['method']>;

export interface SignedTarget {
  method: string;
  path: string;
}

const SIGNED_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

function isSignedMethod(method: string): method is SignedMethod {
  return SIGNED_METHODS.includes(method);
}

/** The signing method of the signed-in user ("password" when none is known). */
export function signingMethodOf(me: Pick<Me, 'signing_method'> | null | undefined): SigningMethod {
  return me?.signing_method ?? 'password';
}

/** GET auth/options/ (public): whether the provider button shows, and its name. */
export function getAuthOptions(): Promise<AuthOptions> {
  return unwrap(publicApi.GET('/api/v1/auth/options/'));
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

/** POST auth/oidc/start/ for a sign-in (public): where to send the browser, and the state. */
export function oidcLoginStart(next: string): Promise<OidcStart> {
  return unwrap(publicApi.POST('/api/v1/auth/oidc/start/', { body: { purpose: 'login', next } }));
}

/** POST auth/oidc/start/ for a re-authentication to sign, with the session: the server binds it
 *  to the signer and to the signed request's method and path. */
export function oidcSignStart(target: SignedTarget): Promise<OidcStart> {
  if (!isSignedMethod(target.method)) {
    return Promise.reject(new Error(`A ${target.method} request is not signed.`));
  }
  return unwrap(
    api.POST('/api/v1/auth/oidc/start/', {
      body: { purpose: 'sign', method: target.method, path: target.path },
    }),
  );
}

/** POST auth/oidc/callback/ after a sign-in (no session yet): the session. */
export async function oidcLoginCallback(body: {
  state: string;
  code: string;
}): Promise<OidcLoginResult> {
  const result = await unwrap(publicApi.POST('/api/v1/auth/oidc/callback/', { body }));
  if (!('access' in result)) {
    throw new Error('The server answered a sign-in with a signing ticket.');
  }
  return result;
}

/** POST auth/oidc/callback/ after a re-authentication, with the signer's session: the ticket. */
export async function oidcSignCallback(body: {
  state: string;
  code: string;
}): Promise<Reauthentication> {
  const result = await unwrap(api.POST('/api/v1/auth/oidc/callback/', { body }));
  if (!('reauthentication' in result)) {
    throw new Error('The server answered a re-authentication with a session.');
  }
  return result;
}

/** POST auth/signing-password/: set (or change) the password a federated user signs with. */
export async function setSigningPassword(body: Schemas['SigningPasswordRequest']): Promise<void> {
  await unwrap(api.POST('/api/v1/auth/signing-password/', { body }));
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
  const started = await oidcLoginStart(next);
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
