import {
  Alert,
  Badge,
  Button,
  Group,
  Menu,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { useSearchParams } from 'react-router';

import { ScrollTable } from '@/components/ui/ScrollTable';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDateTime } from '@/lib/format';

import type { UserFilters } from '../api/admin-keys';
import { useRoles } from '../api/get-roles';
import { useUsers, type User } from '../api/get-users';
import type { UserAction } from '../api/save-user';
import { useUnits } from '../api/units';
import { UserActionDialog } from './UserActionDialog';
import { UserFormDialog } from './UserFormDialog';
import { ACTION_TEXT, mayManage, userActionsFor } from './user-rules';

function filtersFromParams(params: URLSearchParams): UserFilters {
  const active = params.get('active');
  const unit = Number(params.get('unit'));
  return {
    search: params.get('search') ?? undefined,
    role: params.get('role') ?? undefined,
    active: active === 'true' ? true : active === 'false' ? false : undefined,
    unit: Number.isInteger(unit) && unit > 0 ? unit : undefined,
  };
}

function paramsFromFilters(filters: UserFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search !== undefined && filters.search !== '') {
    params.set('search', filters.search);
  }
  if (filters.role !== undefined) {
    params.set('role', filters.role);
  }
  if (filters.active !== undefined) {
    params.set('active', String(filters.active));
  }
  if (filters.unit !== undefined) {
    params.set('unit', String(filters.unit));
  }
  return params;
}

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: User }
  | { kind: 'action'; user: User; action: UserAction };

export function UsersPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const users = useUsers(filters);
  const roles = useRoles();
  const units = useUnits();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const update = (patch: Partial<UserFilters>) => {
    setParams(paramsFromFilters({ ...filters, ...patch }), { replace: true });
  };
  const updateSearch = useDebouncedCallback((search: string) => {
    update({ search: search.trim() === '' ? undefined : search.trim() });
  }, 300);
  const roleList = roles.data ?? [];
  const unitList = units.data?.results ?? [];
  const rows = users.data?.pages.flatMap((page) => page.results) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Users are deactivated, never deleted; usernames are never reused.
        </Text>
        {can(me, PERMISSIONS.addUser) && (
          <Button
            onClick={() => {
              setDialog({ kind: 'create' });
            }}
            disabled={roles.data === undefined}
          >
            New user
          </Button>
        )}
      </Group>

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Username, name, e-mail"
            defaultValue={filters.search ?? ''}
            onChange={(event) => {
              updateSearch(event.currentTarget.value);
            }}
            w={220}
          />
          <Select
            label="Role"
            placeholder="All roles"
            clearable
            data={roleList.map((role) => role.name)}
            value={filters.role ?? null}
            onChange={(value) => {
              update({ role: value ?? undefined });
            }}
            w={200}
          />
          <Select
            label="Status"
            placeholder="Active and deactivated"
            clearable
            data={[
              { value: 'true', label: 'Active' },
              { value: 'false', label: 'Deactivated' },
            ]}
            value={filters.active === undefined ? null : String(filters.active)}
            onChange={(value) => {
              update({ active: value === null ? undefined : value === 'true' });
            }}
            w={200}
          />
          {unitList.length > 1 && (
            <Select
              label="Unit"
              placeholder="All units"
              clearable
              data={unitList.map((unit) => ({ value: String(unit.id), label: unit.code }))}
              value={filters.unit === undefined ? null : String(filters.unit)}
              onChange={(value) => {
                update({ unit: value === null ? undefined : Number(value) });
              }}
              w={130}
            />
          )}
        </Group>
      </Paper>

      {users.isError && (
        <Alert color="red" role="alert" title="The users could not be loaded">
          {users.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={760} label="Users">
          <Table striped highlightOnHover aria-label="Users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Username</Table.Th>
                <Table.Th>Full name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Units</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Last sign-in</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((user) => {
                const actions = userActionsFor(me, user, roleList);
                const editable = mayManage(me, user, roleList);
                return (
                  <Table.Tr key={user.id} data-testid={`user-row-${user.username}`}>
                    <Table.Td fw={600}>{user.username}</Table.Td>
                    <Table.Td>{user.full_name}</Table.Td>
                    <Table.Td>{user.role}</Table.Td>
                    <Table.Td>
                      {user.unit_codes.length === 0 ? 'All units' : user.unit_codes.join(', ')}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {user.is_active ? (
                          <Badge color="green" variant="light">
                            Active
                          </Badge>
                        ) : (
                          <Badge color="gray">Deactivated</Badge>
                        )}
                        {user.locked_out && <Badge color="red">Locked</Badge>}
                        {user.auth_source === 'ldap' && (
                          <Badge color="blue" variant="light">
                            Directory
                          </Badge>
                        )}
                        {user.must_change_password && user.is_active && (
                          <Badge color="yellow" variant="light">
                            Must change password
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{formatDateTime(user.last_login)}</Table.Td>
                    <Table.Td>
                      {editable && (
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Button
                            size="xs"
                            variant="default"
                            aria-label={`Edit ${user.username}`}
                            onClick={() => {
                              setDialog({ kind: 'edit', user });
                            }}
                          >
                            Edit
                          </Button>
                          <Menu position="bottom-end">
                            <Menu.Target>
                              <Button
                                size="xs"
                                variant="default"
                                aria-label={`More actions for ${user.username}`}
                              >
                                More
                              </Button>
                            </Menu.Target>
                            <Menu.Dropdown>
                              {actions.map((action) => (
                                <Menu.Item
                                  key={action}
                                  {...(action === 'deactivate' ? { color: 'red' } : {})}
                                  onClick={() => {
                                    setDialog({ kind: 'action', user, action });
                                  }}
                                >
                                  {ACTION_TEXT[action].label}
                                </Menu.Item>
                              ))}
                            </Menu.Dropdown>
                          </Menu>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus query={users} rows={rows.length} emptyText="No user matches these filters." />
        <LoadMore query={users} inset />
      </Paper>

      {dialog?.kind === 'create' && (
        <UserFormDialog
          me={me}
          user={null}
          roles={roleList}
          units={unitList}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'edit' && (
        <UserFormDialog
          me={me}
          user={dialog.user}
          roles={roleList}
          units={unitList}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'action' && (
        <UserActionDialog
          user={dialog.user}
          action={dialog.action}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
    </Stack>
  );
}
