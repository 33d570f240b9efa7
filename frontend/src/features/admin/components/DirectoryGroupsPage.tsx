import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';

import type { Me } from '@/lib/api/types';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

import {
  useDeleteDirectoryGroup,
  useDirectoryGroups,
  useSaveDirectoryGroup,
  type DirectoryGroupMapping,
  type DirectorySource,
} from '../api/directory-groups';
import { useRoles } from '../api/get-roles';
import { useUnits } from '../api/units';

import { roleActsInAllUnits } from './user-rules';

const FIELDS = ['source', 'group', 'role', 'units'] as const;

const SOURCES: { value: DirectorySource; label: string }[] = [
  { value: 'ldap', label: 'LDAP / Active Directory' },
  { value: 'oidc', label: 'OpenID Connect' },
];

const GROUP_FIELD: Record<DirectorySource, { label: string; description: string }> = {
  ldap: {
    label: 'Group (distinguished name)',
    description: 'As the directory names it, e.g. CN=QA Approvers,OU=Groups,DC=corp,DC=example',
  },
  oidc: {
    label: 'Group (groups claim value)',
    description:
      "A value of the provider's groups claim, as the provider sends it: a group name, or an id (Entra ID sends object ids).",
  },
};

function sourceLabel(source: DirectorySource): string {
  return SOURCES.find((option) => option.value === source)?.label ?? source;
}

function MappingFormDialog({
  mapping,
  onClose,
}: {
  mapping: DirectoryGroupMapping | null;
  onClose: () => void;
}) {
  const save = useSaveDirectoryGroup(mapping?.id ?? null);
  const roles = useRoles();
  const units = useUnits();
  const form = useForm({
    initialValues: {
      source: mapping?.source ?? 'ldap',
      group: mapping?.group ?? '',
      role: mapping?.role ?? '',
      units: (mapping?.units ?? []).map(String),
    },
    validate: {
      group: (value) => (value.trim() === '' ? 'Required' : null),
      role: (value) => (value === '' ? 'Choose a role' : null),
    },
  });
  const allUnitsRole = roleActsInAllUnits(
    roles.data?.find((role) => role.name === form.values.role),
  );
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': 'Close' }}
      onClose={onClose}
      title={mapping === null ? 'Map a directory group' : 'Edit the group mapping'}
      centered
      size="lg"
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          save.mutate(
            {
              source: values.source,
              group: values.group.trim(),
              role: values.role,
              units: allUnitsRole ? [] : values.units.map(Number),
            },
            {
              onSuccess: onClose,
              onError: (error) => {
                form.setErrors(fieldErrors(error));
              },
            },
          );
        })}
      >
        <Stack>
          {save.isError && (
            <Alert color="red" role="alert" title="Not saved">
              {formErrorOf(save.error, FIELDS)}
            </Alert>
          )}
          <Select
            label="Source"
            description="Where people sign in: the directory over LDAP, or the identity provider."
            required
            allowDeselect={false}
            data={SOURCES}
            {...form.getInputProps('source')}
          />
          <TextInput
            label={GROUP_FIELD[form.values.source].label}
            description={GROUP_FIELD[form.values.source].description}
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps('group')}
          />
          <Select
            label="Role"
            description="Groups that give one person two different roles are refused at sign-in."
            required
            data={(roles.data ?? []).map((role) => role.name)}
            {...form.getInputProps('role')}
          />
          {allUnitsRole ? (
            <Text size="sm" c="dimmed">
              This role acts in every unit.
            </Text>
          ) : (
            <MultiSelect
              label="Units"
              description="Where the role applies; a member of several groups gets all their units."
              required
              searchable
              data={(units.data?.results ?? []).map((unit) => ({
                value: String(unit.id),
                label: unit.code,
              }))}
              {...form.getInputProps('units')}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={save.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteDialog({
  mapping,
  onClose,
}: {
  mapping: DirectoryGroupMapping;
  onClose: () => void;
}) {
  const remove = useDeleteDirectoryGroup();
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': 'Close' }}
      onClose={onClose}
      title="Remove the group mapping"
      centered
    >
      <Stack>
        <Text size="sm">
          Members of <strong>{mapping.group}</strong> lose the {mapping.role} role it grants at
          their next sign-in or signature.
        </Text>
        {remove.isError && (
          <Alert color="red" role="alert" title="Not removed">
            {remove.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => {
              remove.mutate(mapping.id, { onSuccess: onClose });
            }}
          >
            Remove
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Directory (LDAP / Active Directory) and identity-provider (OpenID Connect) groups and the
 *  role and units each grants. */
export function DirectoryGroupsPage({ me }: { me: Me }) {
  const mappings = useDirectoryGroups();
  const [editing, setEditing] = useState<DirectoryGroupMapping | 'new' | null>(null);
  const [removing, setRemoving] = useState<DirectoryGroupMapping | null>(null);
  const mayEdit = can(me, PERMISSIONS.changeDirectoryGroup);
  const mayDelete = can(me, PERMISSIONS.deleteDirectoryGroup);
  const rows = mappings.data ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Text c="dimmed" size="sm" maw={640}>
          People who sign in with their directory or identity-provider account get the role and
          units of their mapped groups, read again at each sign-in and signature. Someone in no
          mapped group cannot sign in.
        </Text>
        {can(me, PERMISSIONS.addDirectoryGroup) && (
          <Button
            onClick={() => {
              setEditing('new');
            }}
          >
            Map a group
          </Button>
        )}
      </Group>
      {mappings.isError && (
        <Alert color="red" role="alert" title="The directory groups could not be loaded">
          {mappings.error.message}
        </Alert>
      )}
      <Paper withBorder>
        <Table.ScrollContainer minWidth={600}>
          <Table striped aria-label="Directory groups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Source</Table.Th>
                <Table.Th>Group</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Units</Table.Th>
                {(mayEdit || mayDelete) && (
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((mapping) => (
                <Table.Tr key={mapping.id}>
                  <Table.Td>{sourceLabel(mapping.source)}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{mapping.group}</Table.Td>
                  <Table.Td>{mapping.role}</Table.Td>
                  <Table.Td>
                    {mapping.unit_codes.length > 0 ? mapping.unit_codes.join(', ') : 'Every unit'}
                  </Table.Td>
                  {(mayEdit || mayDelete) && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {mayEdit && (
                          <Button
                            size="xs"
                            variant="default"
                            aria-label={`Edit ${mapping.group}`}
                            onClick={() => {
                              setEditing(mapping);
                            }}
                          >
                            Edit
                          </Button>
                        )}
                        {mayDelete && (
                          <Button
                            size="xs"
                            variant="default"
                            color="red"
                            aria-label={`Remove ${mapping.group}`}
                            onClick={() => {
                              setRemoving(mapping);
                            }}
                          >
                            Remove
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {mappings.isSuccess && rows.length === 0 && (
          <Text p="md" c="dimmed">
            No directory group is mapped: directory accounts cannot sign in yet.
          </Text>
        )}
      </Paper>
      {editing !== null && (
        <MappingFormDialog
          mapping={editing === 'new' ? null : editing}
          onClose={() => {
            setEditing(null);
          }}
        />
      )}
      {removing !== null && (
        <DeleteDialog
          mapping={removing}
          onClose={() => {
            setRemoving(null);
          }}
        />
      )}
    </Stack>
  );
}
