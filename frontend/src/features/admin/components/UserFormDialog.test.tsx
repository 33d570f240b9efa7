import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { envelope, present, stubApi } from '@/test/stub-api';

import type { Role } from '../api/get-roles';
import type { User } from '../api/get-users';
import { UserFormDialog } from './UserFormDialog';

const ROLES: Role[] = [
  { id: 1, name: 'System Administrator', permissions: ['accounts.access_all_units'] },
  { id: 2, name: 'Approver', permissions: ['workflow.approve_request'] },
  { id: 3, name: 'Viewer', permissions: ['workflow.view_request'] },
];
const UNITS = [
  { id: 1, code: 'GOA1', name: 'Goa' },
  { id: 2, code: 'MUM1', name: 'Mumbai' },
];
const unitAdmin = makeMe({
  id: 4,
  permissions: ['accounts.view_user', 'accounts.add_user', 'accounts.change_user'],
});
const created: User = {
  id: 31,
  username: 'goa1-newbie',
  full_name: 'New Person',
  email: '',
  role: 'Viewer',
  units: [1],
  unit_codes: ['GOA1'],
  is_active: true,
  must_change_password: true,
  password_changed_at: null,
  last_login: null,
  date_joined: '2026-11-23T05:00:00Z',
  deactivated_at: null,
  locked_out: false,
  two_factor_enabled: false,
  auth_source: 'local',
};

function open(user: User | null, answers: { status?: number; body: unknown }[]) {
  const api = stubApi({
    'POST /api/v1/users/': answers,
    'PATCH /api/v1/users/31/': answers,
  });
  vi.stubGlobal('fetch', api.fetchMock);
  const onClose = vi.fn();
  renderWithProviders(
    <UserFormDialog me={unitAdmin} user={user} roles={ROLES} units={UNITS} onClose={onClose} />,
  );
  return { api, onClose };
}

/** The option texts of a select's own list (Mantine keeps other lists in the DOM too). */
async function optionsOf(label: string): Promise<(string | null)[]> {
  const combobox = screen.getByRole('combobox', { name: label });
  await userEvent.click(combobox);
  await waitFor(() => {
    expect(combobox).toHaveAttribute('aria-controls');
  });
  const list = document.getElementById(combobox.getAttribute('aria-controls') ?? '');
  return within(present(list, 'option list'))
    .getAllByRole('option', { hidden: true })
    .map((option) => option.textContent);
}

async function choose(label: string, option: string) {
  await userEvent.click(screen.getByRole('combobox', { name: label }));
  await userEvent.click(await screen.findByRole('option', { name: option, hidden: true }));
}

describe('UserFormDialog', { timeout: 20_000 }, () => {
  it('offers a Unit Admin neither all-unit roles nor other units', async () => {
    open(null, []);
    await screen.findByRole('combobox', { name: 'Role' });
    expect(await optionsOf('Role')).toEqual(['Approver', 'Viewer']);
    expect(await optionsOf('Units')).toEqual(['GOA1']);
  });

  it('shows the one-time password once; closing forgets it', async () => {
    const { api, onClose } = open(null, [
      { status: 201, body: { user: created, one_time_password: 'Otp-4f9a-Zq81-x7Lm' } },
    ]);
    fireEvent.change(await screen.findByLabelText(/^Username/), {
      target: { value: 'goa1-newbie' },
    });
    fireEvent.change(screen.getByLabelText(/^Full name/), { target: { value: 'New Person' } });
    await choose('Role', 'Viewer');
    await choose('Units', 'GOA1');
    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));

    expect(await screen.findByTestId('one-time-password')).toHaveTextContent('Otp-4f9a-Zq81-x7Lm');
    expect(screen.getByText('Shown only this once')).toBeInTheDocument();
    expect(api.calls[0]?.body).toEqual({
      username: 'goa1-newbie',
      full_name: 'New Person',
      email: '',
      role: 'Viewer',
      units: [1],
    });
    await userEvent.click(screen.getByRole('button', { name: /^Done/ }));
    expect(onClose).toHaveBeenCalledOnce();
    await waitFor(() => {
      expect(document.body).not.toHaveTextContent('Otp-4f9a-Zq81-x7Lm');
    });
  });

  it("puts the server's field errors on the fields", async () => {
    open(null, [
      {
        status: 400,
        body: envelope('validation_error', 'The submitted data is not valid.', {
          username: ['A user with that username already exists.'],
        }),
      },
    ]);
    fireEvent.change(await screen.findByLabelText(/^Username/), { target: { value: 'sysadmin' } });
    fireEvent.change(screen.getByLabelText(/^Full name/), { target: { value: 'Someone' } });
    await choose('Role', 'Viewer');
    await choose('Units', 'GOA1');
    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));
    expect(
      await screen.findByText('A user with that username already exists.'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/^Username/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('alert')).toHaveTextContent('The submitted data is not valid.');
  });

  it('sends only what changed when editing, with the reason', async () => {
    const { api, onClose } = open(created, [{ body: { ...created, role: 'Approver' } }]);
    await choose('Role', 'Approver');
    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'Promoted' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => {
      expect(onClose).toHaveBeenCalledOnce();
    });
    expect(api.calls[0]?.method).toBe('PATCH');
    expect(api.calls[0]?.body).toEqual({ role: 'Approver', units: [1], reason: 'Promoted' });
  });
});
