import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { envelope, stubApi } from '@/test/stub-api';

import { DirectoryGroupsPage } from './DirectoryGroupsPage';

const QA = 'cn=qa-approvers,ou=groups,dc=example';
const mapping = {
  id: 7,
  source: 'ldap',
  group: QA,
  role: 'Approver',
  units: [1],
  unit_codes: ['GOA1'],
  created_at: '2026-12-06T10:00:00Z',
  updated_at: '2026-12-06T10:00:00Z',
};
const roles = [
  { id: 1, name: 'Approver', permissions: ['workflow.approve_request'] },
  { id: 2, name: 'System Administrator', permissions: ['accounts.access_all_units'] },
];
const units = { results: [{ id: 1, code: 'GOA1', name: 'Goa', address: '', is_active: true }] };
const ALL = [
  'accounts.view_directorygroupmapping',
  'accounts.add_directorygroupmapping',
  'accounts.change_directorygroupmapping',
  'accounts.delete_directorygroupmapping',
];

describe('DirectoryGroupsPage', { timeout: 20_000 }, () => {
  it('maps a group to a role acting in every unit and shows the server refusing a duplicate', async () => {
    const api = stubApi({
      'GET /api/v1/directory-group-mappings/': [{ body: [mapping] }],
      'GET /api/v1/roles/': [{ body: roles }],
      'GET /api/v1/units/': [{ body: units }],
      'POST /api/v1/directory-group-mappings/': [
        {
          status: 400,
          body: envelope('group_taken', 'This group is mapped already; edit that mapping.', {
            group: ['Already mapped.'],
          }),
        },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderWithProviders(<DirectoryGroupsPage me={makeMe({ permissions: ALL })} />);
    expect(await screen.findByText(QA)).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: 'GOA1' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Map a group' }));
    await userEvent.type(await screen.findByLabelText(/^Group/), 'CN=IT,DC=example');
    await userEvent.click(await screen.findByRole('combobox', { name: 'Role' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'System Administrator', hidden: true }),
    );
    expect(await screen.findByText('This role acts in every unit.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Already mapped.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Group/)).toHaveAttribute('aria-invalid', 'true');
    const posted = api.calls.find((call) => call.method === 'POST');
    expect(posted?.body).toEqual({
      source: 'ldap',
      group: 'CN=IT,DC=example',
      role: 'System Administrator',
      units: [],
    });
  });

  it('maps an OpenID Connect groups claim value, the group field saying what it takes', async () => {
    const api = stubApi({
      'GET /api/v1/directory-group-mappings/': [{ body: [mapping] }],
      'GET /api/v1/roles/': [{ body: roles }],
      'GET /api/v1/units/': [{ body: units }],
      'POST /api/v1/directory-group-mappings/': [
        { status: 201, body: { ...mapping, id: 8, source: 'oidc', group: 'qa-approvers' } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderWithProviders(<DirectoryGroupsPage me={makeMe({ permissions: ALL })} />);
    const row = (await screen.findByText(QA)).closest('tr');
    expect(row).toHaveTextContent('LDAP / Active Directory');

    await userEvent.click(screen.getByRole('button', { name: 'Map a group' }));
    expect(await screen.findByLabelText(/^Group \(distinguished name\)/)).toBeInTheDocument();
    await userEvent.click(await screen.findByRole('combobox', { name: 'Source' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'OpenID Connect', hidden: true }),
    );
    const group = await screen.findByLabelText(/^Group \(groups claim value\)/);
    expect(group).toHaveAccessibleDescription(/groups claim/);
    await userEvent.type(group, 'qa-approvers');
    await userEvent.click(await screen.findByRole('combobox', { name: 'Role' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Approver', hidden: true }));
    await userEvent.click(await screen.findByRole('combobox', { name: 'Units' }));
    await userEvent.click(await screen.findByRole('option', { name: 'GOA1', hidden: true }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => {
      expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({
        source: 'oidc',
        group: 'qa-approvers',
        role: 'Approver',
        units: [1],
      });
    });
  });

  it('removes a mapping after confirmation', async () => {
    const api = stubApi({
      'GET /api/v1/directory-group-mappings/': [{ body: [mapping] }, { body: [] }],
      'DELETE /api/v1/directory-group-mappings/7/': [{ status: 204, body: null }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderWithProviders(<DirectoryGroupsPage me={makeMe({ permissions: ALL })} />);
    await userEvent.click(await screen.findByRole('button', { name: `Remove ${QA}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove the group mapping' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(
      await screen.findByText(
        'No directory group is mapped: directory accounts cannot sign in yet.',
      ),
    ).toBeInTheDocument();
    expect(api.calls.some((call) => call.method === 'DELETE')).toBe(true);
  });

  it('offers no changes to a reader', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({ '/api/v1/directory-group-mappings/': [{ body: [mapping] }] }).fetchMock,
    );
    renderWithProviders(
      <DirectoryGroupsPage me={makeMe({ permissions: ['accounts.view_directorygroupmapping'] })} />,
    );
    await screen.findByText(QA);
    await waitFor(() => {
      expect(screen.queryByRole('button', { name: 'Map a group' })).not.toBeInTheDocument();
    });
    expect(screen.queryByRole('button', { name: `Edit ${QA}` })).not.toBeInTheDocument();
  });
});
