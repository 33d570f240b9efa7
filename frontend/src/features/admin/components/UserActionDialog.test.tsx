import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { renderWithProviders } from '@/test/render';
import { envelope, stubApi } from '@/test/stub-api';

import type { User } from '../api/get-users';
import type { UserAction } from '../api/save-user';
import { UserActionDialog } from './UserActionDialog';

const user: User = {
  id: 31,
  username: 'goa1-newbie',
  full_name: 'New Person',
  email: '',
  role: 'Viewer',
  units: [1],
  unit_codes: ['GOA1'],
  is_active: true,
  must_change_password: false,
  password_changed_at: null,
  last_login: null,
  date_joined: '2026-11-23T05:00:00Z',
  deactivated_at: null,
  locked_out: true,
  two_factor_enabled: false,
  auth_source: 'local',
};

function open(action: UserAction, answer: { status?: number; body: unknown }) {
  const api = stubApi({ [`POST /api/v1/users/31/${action}/`]: [answer] });
  vi.stubGlobal('fetch', api.fetchMock);
  const onClose = vi.fn();
  renderWithProviders(<UserActionDialog user={user} action={action} onClose={onClose} />);
  return { api, onClose };
}

describe('UserActionDialog', { timeout: 20_000 }, () => {
  it('needs a reason, then resets the password and shows the new one-time password once', async () => {
    const { api, onClose } = open('reset-password', {
      body: { user: { ...user, must_change_password: true }, one_time_password: 'New-Otp-77aa' },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Reset password' }));
    expect(await screen.findByText('A reason is required')).toBeInTheDocument();
    expect(api.calls).toHaveLength(0);

    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'Forgotten' } });
    await userEvent.click(screen.getByRole('button', { name: 'Reset password' }));
    expect(await screen.findByTestId('one-time-password')).toHaveTextContent('New-Otp-77aa');
    expect(api.calls[0]?.body).toEqual({ reason: 'Forgotten' });
    await userEvent.click(screen.getByRole('button', { name: /^Done/ }));
    expect(onClose).toHaveBeenCalledOnce();
    await waitFor(() => {
      expect(document.body).not.toHaveTextContent('New-Otp-77aa');
    });
  });

  it("shows the server's refusal and stays open", async () => {
    const { onClose } = open('deactivate', {
      status: 403,
      body: envelope('role_not_grantable', 'You cannot manage a user with this role.'),
    });
    fireEvent.change(await screen.findByLabelText(/^Reason/), { target: { value: 'Left' } });
    await userEvent.click(screen.getByRole('button', { name: 'Deactivate' }));
    expect(await screen.findByText('You cannot manage a user with this role.')).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });
});
