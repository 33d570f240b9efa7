import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { Me } from '@/lib/api/types';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { envelope, stubApi } from '@/test/stub-api';

import { AccountPage } from './AccountPage';

const SIGNING_PASSWORD = '/api/v1/auth/signing-password/';

function federated(method: Me['signing_method'], passwordSet: boolean): Me {
  return makeMe({ auth_source: 'oidc', signing_method: method, signing_password_set: passwordSet });
}

function serve(answer: { status?: number; body: unknown }) {
  const stub = stubApi({
    [`POST ${SIGNING_PASSWORD}`]: [answer],
    '/api/v1/auth/me/': [{ body: federated('signing_password', true) }],
    '/api/v1/auth/signing-session/': [
      { body: { username_required: true, expires_at: null, idle_minutes: 30 } },
    ],
  });
  vi.stubGlobal('fetch', stub.fetchMock);
  return stub;
}

describe('the signing password on the account page', () => {
  it('is not offered to a user who signs with their own password or at the provider', () => {
    renderWithProviders(<AccountPage me={federated('reauthenticate', false)} />);
    expect(screen.queryByRole('heading', { name: 'Signing password' })).not.toBeInTheDocument();
  });

  it('sets a first signing password (no current one asked)', async () => {
    const { calls } = serve({ status: 204, body: null });
    renderWithProviders(<AccountPage me={federated('signing_password', false)} />);
    expect(screen.getByRole('heading', { name: 'Signing password' })).toBeInTheDocument();
    expect(screen.queryByLabelText(/Current signing password/)).not.toBeInTheDocument();
    await userEvent.type(
      screen.getByLabelText(/^New signing password \*/),
      'a long signing phrase',
    );
    await userEvent.type(screen.getByLabelText(/again/), 'a long signing phrase');
    await userEvent.click(screen.getByRole('button', { name: 'Set signing password' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Your signing password is saved');
    expect(calls.find((call) => call.path === SIGNING_PASSWORD)?.body).toEqual({
      password: 'a long signing phrase',
    });
  });

  it("puts the policy's refusal on the field and keeps what was typed", async () => {
    serve({
      status: 400,
      body: envelope('validation_error', 'The submitted data is not valid.', {
        password: ['This password is too common.'],
      }),
    });
    renderWithProviders(<AccountPage me={federated('signing_password', true)} />);
    await userEvent.type(screen.getByLabelText(/Current signing password/), 'the old phrase here');
    await userEvent.type(screen.getByLabelText(/^New signing password \*/), 'password1234');
    await userEvent.type(screen.getByLabelText(/again/), 'password1234');
    await userEvent.click(screen.getByRole('button', { name: 'Change signing password' }));
    const field = screen.getByLabelText(/^New signing password \*/);
    await waitFor(() => {
      expect(field).toHaveAccessibleDescription('This password is too common.');
    });
    expect(field).toHaveValue('password1234');
    expect(screen.getByLabelText(/Current signing password/)).toHaveValue('the old phrase here');
  });

  it('tells the user to sign in again when the sign-in is not recent enough', async () => {
    serve({
      status: 403,
      body: envelope(
        'recent_sign_in_required',
        'Setting a signing password needs a recent sign-in.',
      ),
    });
    renderWithProviders(<AccountPage me={federated('signing_password', false)} />);
    await userEvent.type(
      screen.getByLabelText(/^New signing password \*/),
      'a long signing phrase',
    );
    await userEvent.type(screen.getByLabelText(/again/), 'a long signing phrase');
    await userEvent.click(screen.getByRole('button', { name: 'Set signing password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /needs a recent sign-in\. Sign out and sign in again/,
    );
    expect(screen.getByLabelText(/^New signing password \*/)).toHaveValue('a long signing phrase');
  });
});
