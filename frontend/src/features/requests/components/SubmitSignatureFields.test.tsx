import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '@/lib/api-client';
import { CurrentUserContext } from '@/lib/auth/current-user';
import { useSignatureCredentials, type SignatureBody } from '@/lib/auth/signing-session';
import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { fakeReauthWindow } from '@/test/reauth-window';
import { renderWithProviders } from '@/test/render';

import { WizardSignStep } from './WizardSignStep';

const STATUS = '/api/v1/auth/signing-session/';

/** A wizard's last step as the creation pages use it: the page owns the credentials. */
function Harness({ submit }: { submit: (signature: SignatureBody) => ApiError | null }) {
  const credentials = useSignatureCredentials();
  const [attempted, setAttempted] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <WizardSignStep
      signerName="Manager GOA1"
      credentials={credentials}
      attempted={attempted}
      pending={false}
      error={error}
      onSubmit={() => {
        setAttempted(true);
        if (!credentials.complete) {
          return;
        }
        const refused = submit(credentials.signature());
        setError(refused);
        if (refused !== null) {
          credentials.onError(refused);
        }
      }}
    >
      <p>Withdraw crate GOA1-0001.</p>
    </WizardSignStep>
  );
}

const usernameRequired = new ApiError(
  400,
  'Your user ID and password are required for the first signature of a session.',
  {
    error: {
      code: 'signature_username_required',
      message: 'Your user ID and password are required for the first signature of a session.',
      details: { signature: { username: ['Required.'] } },
      request_id: 'x',
    },
  },
);

describe('the signature step of a creation wizard', () => {
  it('signs with the password alone in a continuing session', async () => {
    mockFetch({
      [STATUS]: { body: { username_required: false, expires_at: null, idle_minutes: 30 } },
    });
    const submit = vi.fn(() => null);
    renderWithProviders(<Harness submit={submit} />);
    await userEvent.type(await screen.findByLabelText(/Your password/), 'secret-password');
    expect(screen.queryByLabelText(/User ID/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(submit).toHaveBeenCalledWith({ password: 'secret-password' });
  });

  it('asks for the user ID up front when the session has not signed yet', async () => {
    mockFetch({
      [STATUS]: { body: { username_required: true, expires_at: null, idle_minutes: 30 } },
    });
    const submit = vi.fn(() => null);
    renderWithProviders(<Harness submit={submit} />);
    const userId = await screen.findByLabelText(/User ID/);
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(userId).toBeRequired();
    expect(userId).toBeInvalid();
    expect(submit).not.toHaveBeenCalled();
    await userEvent.type(userId, 'goa1-manager');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    expect(submit).toHaveBeenCalledWith({ username: 'goa1-manager', password: 'secret-password' });
  });

  it('shows the user ID when a submission is refused for it, keeping the password', async () => {
    mockFetch({
      [STATUS]: { body: { username_required: false, expires_at: null, idle_minutes: 30 } },
    });
    const submit = vi.fn(() => usernameRequired);
    renderWithProviders(<Harness submit={submit} />);
    await userEvent.type(await screen.findByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));
    const userId = await screen.findByLabelText(/User ID/);
    expect(userId).toHaveAccessibleDescription(/Required\./);
    await waitFor(() => {
      expect(userId).toHaveFocus();
    });
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
  });

  it('signs by re-authenticating for a user of the identity provider: no password asked', async () => {
    mockFetch({
      [STATUS]: { body: { username_required: true, expires_at: null, idle_minutes: 30 } },
      '/api/v1/auth/options/': {
        body: { oidc_enabled: true, oidc_provider_name: 'Okta', local_passwords: 'on' },
      },
    });
    const browser = fakeReauthWindow();
    const submit = vi.fn(() => null);
    renderWithProviders(
      <CurrentUserContext.Provider
        value={makeMe({ auth_source: 'oidc', signing_method: 'reauthenticate' })}
      >
        <Harness submit={submit} />
      </CurrentUserContext.Provider>,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Confirm identity with Okta and submit' }),
    );
    expect(screen.queryByLabelText(/Your password/)).not.toBeInTheDocument();
    // The user ID the session would otherwise ask for is not asked either: the provider checks.
    expect(screen.queryByLabelText(/User ID/)).not.toBeInTheDocument();
    expect(browser.open).toHaveBeenCalledOnce();
    expect(submit).toHaveBeenCalledWith({
      password: '',
      reauthentication: expect.stringMatching(/^strongroom-reauth-pending:/) as unknown,
    });
  });
});
