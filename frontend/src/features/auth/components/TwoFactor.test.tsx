import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';

import { session } from '@/lib/auth/session';
import { mockFetch, type MockRoute } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { envelope } from '@/test/stub-api';

import { useMe } from '../api/get-me';

import { AccountPage } from './AccountPage';
import { LoginScreen } from './LoginScreen';

const CHALLENGE = { challenge: 'signed-challenge', expires_at: '2026-01-01T00:05:00Z' };
const SESSION = { access: 'access-token', refresh: 'refresh-token', user: makeMe() };

/** The account page as the app shows it: with the user the server says. */
function AccountFromServer() {
  const me = useMe();
  return me.data === undefined ? null : <AccountPage me={me.data} />;
}

afterEach(() => {
  session.end(null);
});

async function signIn() {
  await userEvent.type(await screen.findByLabelText(/^Username/), 'sysadmin');
  await userEvent.type(screen.getByLabelText(/^Password/), 'secret-password');
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('two-factor sign-in', () => {
  it('asks for the code after the password, keeps it on a refusal and signs in with a good one', async () => {
    const routes: Record<string, MockRoute> = {
      '/api/v1/auth/login/': { status: 202, body: { two_factor: 'verify', ...CHALLENGE } },
      '/api/v1/auth/login/two-factor/': {
        status: 401,
        body: envelope('invalid_two_factor_code', 'The code is not valid.', {
          code: ['The code is not valid.'],
        }),
      },
    };
    mockFetch(routes);
    renderWithProviders(<LoginScreen />);
    await signIn();
    const code = await screen.findByLabelText(/^Authentication code/);
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(code).toHaveFocus();
    expect(session.getSnapshot().signedIn).toBe(false);
    await userEvent.type(code, '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => {
      expect(code).toHaveAccessibleDescription('The code is not valid.');
    });
    expect(code).toHaveValue('123456');
    expect(code).toHaveFocus();
    expect(session.getSnapshot().signedIn).toBe(false);

    routes['/api/v1/auth/login/two-factor/'] = { status: 200, body: SESSION };
    await userEvent.clear(code);
    await userEvent.type(code, '654321');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => {
      expect(session.getSnapshot().signedIn).toBe(true);
    });
  });

  it('enrols at sign-in when the role requires it: QR code, secret, code, recovery codes, then the session', async () => {
    mockFetch({
      '/api/v1/auth/login/': { status: 202, body: { two_factor: 'enrol', ...CHALLENGE } },
      '/api/v1/auth/two-factor/enrolment/': {
        body: {
          secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          otpauth_uri: 'otpauth://totp/Strongroom:sysadmin?secret=JBSW',
          qr_svg_data_uri: 'data:image/svg+xml,%3Csvg%3E%3C/svg%3E',
        },
      },
      '/api/v1/auth/two-factor/enrolment/confirm/': {
        body: { ...SESSION, recovery_codes: ['abcde-fghjk', 'mnpqr-stuvw'] },
      },
    });
    renderWithProviders(<LoginScreen />);
    await signIn();
    expect(await screen.findByRole('heading', { name: 'Set up two-factor sign-in' })).toHaveFocus();
    expect(await screen.findByAltText('QR code of your authenticator secret')).toBeVisible();
    expect(screen.getByLabelText('Authenticator secret')).toHaveTextContent(
      'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP',
    );
    await userEvent.type(screen.getByLabelText(/^Code from the app/), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(list).toHaveTextContent('abcde-fghjk');
    expect(session.getSnapshot().signedIn).toBe(false); // not before the codes were seen
    await userEvent.click(screen.getByRole('button', { name: 'I have saved my recovery codes' }));
    expect(session.getSnapshot().signedIn).toBe(true);
  });
});

describe('AccountPage', () => {
  it('offers to set up two-factor sign-in when it is off', () => {
    mockFetch({});
    renderWithProviders(<AccountPage me={makeMe()} />);
    expect(screen.getByRole('button', { name: 'Set up two-factor sign-in' })).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Turn off' })).toBeNull();
  });

  it('shows the recovery codes of a new enrolment before the page says it is on', async () => {
    const routes: Record<string, MockRoute> = {
      '/api/v1/auth/two-factor/enrolment/': {
        body: {
          secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          otpauth_uri: 'otpauth://totp/Strongroom:goa1-approver?secret=JBSW',
          qr_svg_data_uri: 'data:image/svg+xml,%3Csvg%3E%3C/svg%3E',
        },
      },
      '/api/v1/auth/two-factor/enrolment/confirm/': { body: { recovery_codes: ['abcde-fghjk'] } },
      '/api/v1/auth/me/': { body: makeMe() },
    };
    mockFetch(routes);
    session.setTokens('access-token', 'refresh-token');
    renderWithProviders(<AccountFromServer />);
    await userEvent.click(await screen.findByRole('button', { name: 'Set up two-factor sign-in' }));
    await userEvent.type(await screen.findByLabelText(/^Code from the app/), '123456');
    routes['/api/v1/auth/me/'] = { body: makeMe({ two_factor_enabled: true }) };
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByRole('list', { name: 'Recovery codes' })).toHaveTextContent(
      'abcde-fghjk',
    );
    await userEvent.click(screen.getByRole('button', { name: 'I have saved my recovery codes' }));
    expect(await screen.findByRole('button', { name: 'Replace recovery codes' })).toBeVisible();
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).toBeNull();
  });

  it('does not offer to turn it off when the role requires it', () => {
    mockFetch({});
    const me = makeMe({ two_factor_enabled: true, two_factor_required: true });
    renderWithProviders(<AccountPage me={me} />);
    expect(screen.getByRole('button', { name: 'Replace recovery codes' })).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Turn off' })).toBeNull();
  });

  it('turns it off with the password and a code', async () => {
    const { requestedPaths } = mockFetch({
      '/api/v1/auth/two-factor/disable/': { status: 204, body: '' },
      '/api/v1/auth/me/': { body: makeMe() },
    });
    renderWithProviders(<AccountPage me={makeMe({ two_factor_enabled: true })} />);
    await userEvent.type(screen.getByLabelText(/^Password/), 'secret-password');
    await userEvent.type(screen.getByLabelText(/^Code from the app or a recovery code/), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Turn off' }));
    await waitFor(() => {
      expect(requestedPaths).toContain('/api/v1/auth/two-factor/disable/');
    });
  });
});
