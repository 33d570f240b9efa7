import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { keepLogin, providerNavigation } from '@/lib/auth/oidc';
import { session } from '@/lib/auth/session';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { envelope, stubApi } from '@/test/stub-api';

import { LoginScreen } from './LoginScreen';
import { OidcCallbackPage } from './OidcCallbackPage';

const OPTIONS = '/api/v1/auth/options/';
const START = '/api/v1/auth/oidc/start/';
const CALLBACK = '/api/v1/auth/oidc/callback/';

function options(localPasswords: 'on' | 'break-glass', enabled = true) {
  return {
    body: {
      oidc_enabled: enabled,
      oidc_provider_name: 'Contoso Entra ID',
      local_passwords: localPasswords,
    },
  };
}

function serve(routes: Parameters<typeof stubApi>[0]) {
  const stub = stubApi(routes);
  vi.stubGlobal('fetch', stub.fetchMock);
  return stub;
}

/** The browser comes back from the provider to /auth/callback with this query. */
function arriveAt(query: string) {
  window.history.replaceState(null, '', `/auth/callback?${query}`);
}

describe('the sign-in page with an identity provider', () => {
  afterEach(() => {
    window.history.replaceState(null, '', '/');
  });

  it('shows the password form alone when the provider is off', async () => {
    serve({ [OPTIONS]: [options('on', false)] });
    renderWithProviders(<LoginScreen />);
    expect(await screen.findByLabelText(/^Username/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Sign in with/ })).not.toBeInTheDocument();
  });

  it('starts the sign-in at the provider, keeping its state, with where the user was going', async () => {
    const { calls } = serve({
      [OPTIONS]: [options('on')],
      [`POST ${START}`]: [
        { body: { authorization_url: 'https://login.example.test/authorize?x=1', state: 'st-1' } },
      ],
    });
    const leave = vi.spyOn(providerNavigation, 'leaveFor').mockImplementation(() => undefined);
    renderWithProviders(<LoginScreen next="/requests?status=SUBMITTED" />);
    // Both ways in: the provider, and a Strongroom password.
    expect(await screen.findByLabelText(/^Username/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with Contoso Entra ID' }));
    await waitFor(() => {
      expect(leave).toHaveBeenCalledWith('https://login.example.test/authorize?x=1');
    });
    expect(calls.find((call) => call.path === START)?.body).toEqual({
      purpose: 'login',
      next: '/requests?status=SUBMITTED',
    });
    expect(JSON.parse(window.sessionStorage.getItem('strongroom.oidc.login') ?? '{}')).toEqual({
      state: 'st-1',
      next: '/requests?status=SUBMITTED',
    });
  });

  it('shows no form until the options are known, so nothing moves under the pointer', async () => {
    let answer: (response: Response) => void = () => undefined;
    vi.stubGlobal(
      'fetch',
      vi.fn(
        () =>
          new Promise<Response>((resolve) => {
            answer = resolve;
          }),
      ),
    );
    renderWithProviders(<LoginScreen />);
    expect(await screen.findByRole('status')).toHaveAccessibleName('Loading the ways to sign in');
    expect(screen.queryByLabelText(/^Username/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in' })).not.toBeInTheDocument();
    answer(
      new Response(JSON.stringify(options('on').body), {
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    // The provider's button and the password form arrive together.
    expect(await screen.findByLabelText(/^Username/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in with Contoso Entra ID' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('keeps the password form behind "Local account" when local passwords are break-glass only', async () => {
    serve({ [OPTIONS]: [options('break-glass')] });
    renderWithProviders(<LoginScreen />);
    const disclosure = await screen.findByRole('button', { name: 'Local account' });
    expect(disclosure).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByLabelText(/^Username/)).not.toBeInTheDocument();
    await userEvent.click(disclosure);
    expect(disclosure).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByLabelText(/^Username/)).toHaveFocus();
    expect(screen.getByLabelText(/^Password/)).toBeInTheDocument();
  });

  it("shows a local account's refusal when local passwords are off for it", async () => {
    serve({
      [OPTIONS]: [options('break-glass')],
      'POST /api/v1/auth/login/': [
        {
          status: 403,
          body: envelope(
            'local_passwords_off',
            'Sign in with Contoso Entra ID: local passwords are for break-glass accounts only.',
          ),
        },
      ],
    });
    renderWithProviders(<LoginScreen />);
    await userEvent.click(await screen.findByRole('button', { name: 'Local account' }));
    await userEvent.type(screen.getByLabelText(/^Username/), 'goa1-approver');
    await userEvent.type(screen.getByLabelText(/^Password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /local passwords are for break-glass/,
    );
    expect(screen.getByLabelText(/^Username/)).toHaveValue('goa1-approver');
  });
});

describe('/auth/callback', () => {
  afterEach(() => {
    session.end(null);
    window.history.replaceState(null, '', '/');
  });

  function renderCallback() {
    const onSignedIn = vi.fn();
    const onRetry = vi.fn();
    renderWithProviders(<OidcCallbackPage onSignedIn={onSignedIn} onRetry={onRetry} />);
    return { onSignedIn, onRetry };
  }

  it('finishes the sign-in this tab started: session stored, then where the user was going', async () => {
    const user = makeMe();
    const { calls } = serve({
      [`POST ${CALLBACK}`]: [
        { body: { access: 'access-9', refresh: 'refresh-9', user, next: '/requests' } },
      ],
    });
    keepLogin({ state: 'st-1', next: '/requests' });
    arriveAt('code=c-1&state=st-1');
    const { onSignedIn } = renderCallback();
    expect(screen.getByRole('heading', { name: 'Signing in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Finishing your sign-in');
    await waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledWith('/requests');
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toEqual({ state: 'st-1', code: 'c-1' });
    expect(calls[0]?.headers.get('Authorization')).toBeNull();
    expect(session.getRefreshToken()).toBe('refresh-9');
    expect(session.getAccessToken()).toBe('access-9');
    // The attempt is finished: coming back again does not reuse it.
    expect(window.sessionStorage.getItem('strongroom.oidc.login')).toBeNull();
  });

  it('refuses an answer to a sign-in this tab did not start, without asking the server', async () => {
    const { calls } = serve({});
    keepLogin({ state: 'st-1', next: '/crates' });
    arriveAt('code=c-1&state=st-forged');
    const { onRetry } = renderCallback();
    expect(await screen.findByRole('alert')).toHaveTextContent(/not started in this browser tab/);
    expect(calls).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledWith('/crates');
    expect(session.getSnapshot().signedIn).toBe(false);
  });

  it("shows the provider's refusal", async () => {
    const { calls } = serve({});
    keepLogin({ state: 'st-1', next: '/' });
    arriveAt('error=access_denied&error_description=User%20cancelled&state=st-1');
    renderCallback();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "Your organisation's sign-in did not sign you in (access_denied): User cancelled",
    );
    expect(screen.getByRole('heading', { name: 'Sign-in failed' })).toBeInTheDocument();
    expect(calls).toEqual([]);
  });

  it.each([
    ['directory_groups_unmapped', 403, 'None of your groups gives a role in Strongroom.'],
    ['oidc_state_invalid', 400, 'This sign-in attempt is unknown, used or expired.'],
    ['oidc_provider_error', 502, 'The identity provider did not answer as expected.'],
  ])("shows the server's message for %s and offers to try again", async (code, status, message) => {
    serve({ [`POST ${CALLBACK}`]: [{ status, body: envelope(code, message) }] });
    keepLogin({ state: 'st-1', next: '/' });
    arriveAt('code=c-1&state=st-1');
    renderCallback();
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(session.getSnapshot().signedIn).toBe(false);
  });

  it('in the re-authentication window, hands the answer to the opener and calls no server', async () => {
    const { calls } = serve({});
    const opener = { location: window.location, postMessage: vi.fn() };
    vi.stubGlobal('opener', opener);
    const close = vi.spyOn(window, 'close').mockImplementation(() => undefined);
    arriveAt('code=c-7&state=s-7');
    renderCallback();
    await waitFor(() => {
      expect(opener.postMessage).toHaveBeenCalledWith(
        { type: 'strongroom-reauth', state: 's-7', code: 'c-7' },
        window.location.origin,
      );
    });
    expect(close).toHaveBeenCalled();
    expect(calls).toEqual([]);
    expect(session.getSnapshot().signedIn).toBe(false);
  });

  it("in the re-authentication window, hands the provider's refusal to the opener", async () => {
    serve({});
    const opener = { location: window.location, postMessage: vi.fn() };
    vi.stubGlobal('opener', opener);
    vi.spyOn(window, 'close').mockImplementation(() => undefined);
    arriveAt('error=login_required&error_description=Sign-in%20cancelled&state=s-8');
    renderCallback();
    await waitFor(() => {
      expect(opener.postMessage).toHaveBeenCalledWith(
        {
          type: 'strongroom-reauth',
          state: 's-8',
          error: 'login_required',
          error_description: 'Sign-in cancelled',
        },
        window.location.origin,
      );
    });
  });

  it('treats an opener of another origin as no opener: a sign-in, checked against this tab', async () => {
    const { calls } = serve({});
    const foreign = {
      get location(): Location {
        throw new DOMException('Blocked a frame with origin', 'SecurityError');
      },
      postMessage: vi.fn(),
    };
    vi.stubGlobal('opener', foreign);
    arriveAt('code=c-7&state=s-7');
    renderCallback();
    expect(await screen.findByRole('alert')).toHaveTextContent(/not started in this browser tab/);
    expect(foreign.postMessage).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
  });
});
