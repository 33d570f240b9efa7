import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { renderWithProviders } from '@/test/render';
import { envelope } from '@/test/stub-api';

import { ChangePasswordScreen } from './ChangePasswordScreen';

const PATH = '/api/v1/auth/change-password/';

async function fill() {
  renderWithProviders(<ChangePasswordScreen fullName="Manager GOA1" />);
  await userEvent.type(screen.getByLabelText(/^Current password/), 'old-password-1');
  await userEvent.type(screen.getByLabelText(/^New password/), 'password-password');
  await userEvent.type(screen.getByLabelText(/^Repeat the new password/), 'password-password');
  await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('ChangePasswordScreen', () => {
  it("puts the policy's refusal on the new password and keeps what was typed", async () => {
    mockFetch({
      [PATH]: {
        status: 400,
        body: envelope('password_policy', 'The new password does not meet the password policy.', {
          new_password: ['This password is too common.'],
        }),
      },
    });
    await fill();
    const next = screen.getByLabelText(/^New password/);
    await waitFor(() => {
      expect(next).toHaveAccessibleDescription('This password is too common.');
    });
    expect(screen.getByRole('alert')).toHaveTextContent(
      'The new password does not meet the password policy.',
    );
    expect(next).toHaveValue('password-password');
    expect(screen.getByLabelText(/^Current password/)).toHaveValue('old-password-1');
    expect(screen.getByLabelText(/^Repeat the new password/)).toHaveValue('password-password');
  });

  it('empties only the current password when it was wrong, with the message on it', async () => {
    mockFetch({
      [PATH]: {
        status: 401,
        body: envelope('invalid_credentials', 'The username or password is not correct.'),
      },
    });
    await fill();
    const current = screen.getByLabelText(/^Current password/);
    await waitFor(() => {
      expect(current).toHaveAccessibleDescription('Not your current password.');
    });
    expect(current).toHaveValue('');
    expect(screen.getByLabelText(/^New password/)).toHaveValue('password-password');
  });
});
