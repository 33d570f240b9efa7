/**
 * Signing by re-authentication at the identity provider (21 CFR 11.200: a session token alone
 * never signs). The signing form opens a window in its submit handler (a window opened later,
 * after an await, is blocked by the browser) and puts a placeholder in the `signature`; when the
 * signed request is about to leave, {@link reauthenticationMiddleware} asks the server for a
 * re-authentication bound to exactly that request's method and path, sends the window to the
 * provider, waits for /auth/callback in it to post the code back, trades the code for a
 * single-use ticket and sends the request with the ticket in place of the placeholder. Every
 * signing form goes through it, so the method and path are always those of the request that
 * carries the signature.
 */
import type { Middleware } from 'openapi-fetch';

import {
  oidcSignCallback,
  oidcSignStart,
  REAUTH_MESSAGE_TYPE,
  REAUTH_WINDOW_NAME,
  type ReauthMessage,
  type SignedTarget,
} from './oidc';

const PLACEHOLDER_PREFIX = 'strongroom-reauth-pending:';
/** How often the opener looks whether the window was closed. */
const CLOSED_POLL_MS = 400;

/** A re-authentication that did not happen; nothing was signed. */
export class ReauthenticationError extends Error {
  override readonly name = 'ReauthenticationError';
  readonly code: 'popup_blocked' | 'popup_closed' | 'provider_refused';

  constructor(code: ReauthenticationError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

const pending = new Map<string, Window | null>();

/**
 * Opens the re-authentication window; call it synchronously in the submit (click) handler.
 * Returns the placeholder to send as `signature.reauthentication`.
 */
export function reauthenticationPlaceholder(): string {
  const popup = window.open('', REAUTH_WINDOW_NAME, 'popup,width=520,height=640');
  const id = `${PLACEHOLDER_PREFIX}${crypto.randomUUID()}`;
  pending.set(id, popup);
  if (popup !== null) {
    try {
      popup.document.title = 'Confirm your identity';
      popup.document.body.textContent = 'Opening your organisation’s sign-in…';
    } catch {
      // Not ours to write (already elsewhere): the provider's page comes next anyway.
    }
  }
  return id;
}

/**
 * Closes the windows of re-authentications whose signed request never left (the submission
 * failed before it: a correction refused, the network down); call it with any refusal.
 */
export function abandonReauthentications(): void {
  for (const [placeholder, popup] of pending) {
    pending.delete(placeholder);
    if (popup !== null) {
      closeQuietly(popup);
    }
  }
}

export function isReauthenticationPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PLACEHOLDER_PREFIX);
}

function closeQuietly(popup: Window): void {
  try {
    if (!popup.closed) {
      popup.close();
    }
  } catch {
    // Already gone.
  }
}

/** Waits for the window's /auth/callback to post the provider's answer for `state`. */
export function waitForProviderAnswer(
  popup: Window,
  state: string,
): Promise<{ code: string; state: string }> {
  return new Promise((resolve, reject) => {
    let closedSeen = false;
    const finish = () => {
      window.removeEventListener('message', onMessage);
      clearInterval(timer);
    };
    const onMessage = (event: MessageEvent) => {
      const data = event.data as Partial<ReauthMessage> | null;
      if (
        event.origin !== window.location.origin ||
        typeof data !== 'object' ||
        data?.type !== REAUTH_MESSAGE_TYPE ||
        data.state !== state
      ) {
        return; // not the answer to this attempt: another window, another attempt
      }
      finish();
      if ('code' in data && typeof data.code === 'string') {
        resolve({ code: data.code, state });
      } else {
        const description =
          'error_description' in data && typeof data.error_description === 'string'
            ? data.error_description
            : '';
        reject(
          new ReauthenticationError(
            'provider_refused',
            `Your identity was not confirmed${description === '' ? '' : `: ${description}`}. Nothing was signed.`,
          ),
        );
      }
    };
    // The window posts its answer and closes itself: a closed window counts as given up only
    // when it is still closed with no answer one poll later.
    const timer = setInterval(() => {
      if (!popup.closed) {
        return;
      }
      if (closedSeen) {
        finish();
        reject(
          new ReauthenticationError(
            'popup_closed',
            'The sign-in window was closed before your identity was confirmed. Nothing was signed; sign again to retry.',
          ),
        );
      }
      closedSeen = true;
    }, CLOSED_POLL_MS);
    window.addEventListener('message', onMessage);
  });
}

/** Re-authenticates at the provider in `popup` for `target`; resolves with the ticket. */
export async function reauthenticate(target: SignedTarget, popup: Window | null): Promise<string> {
  if (popup === null || popup.closed) {
    throw new ReauthenticationError(
      'popup_blocked',
      'The browser blocked the sign-in window. Allow pop-up windows for this site and sign again; nothing was signed.',
    );
  }
  try {
    const start = await oidcSignStart(target);
    popup.location.assign(start.authorization_url);
    const answer = await waitForProviderAnswer(popup, start.state);
    const ticket = await oidcSignCallback(answer);
    return ticket.reauthentication;
  } finally {
    closeQuietly(popup);
  }
}

/**
 * Replaces a placeholder in a request's `signature.reauthentication` with a ticket for that
 * very request (its method and path). Other requests pass unchanged.
 */
export async function withReauthentication(request: Request): Promise<Request | undefined> {
  if (request.method === 'GET' || request.method === 'HEAD' || request.body === null) {
    return undefined;
  }
  const text = await request.clone().text();
  if (!text.includes(PLACEHOLDER_PREFIX)) {
    return undefined;
  }
  const body = JSON.parse(text) as { signature?: { reauthentication?: unknown } };
  const placeholder = body.signature?.reauthentication;
  if (body.signature === undefined || !isReauthenticationPlaceholder(placeholder)) {
    return undefined;
  }
  const popup = pending.get(placeholder) ?? null;
  pending.delete(placeholder);
  const path = new URL(request.url).pathname;
  body.signature.reauthentication = await reauthenticate({ method: request.method, path }, popup);
  return new Request(request, { body: JSON.stringify(body) });
}

export const reauthenticationMiddleware: Middleware = {
  onRequest: ({ request }) => withReauthentication(request),
};
