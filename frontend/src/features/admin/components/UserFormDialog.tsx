import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';

import type { Me } from '@/lib/api/types';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';

import type { Role } from '../api/get-roles';
import type { User } from '../api/get-users';
import { useCreateUser, useUpdateUser, type UserChanges } from '../api/save-user';
import type { Unit } from '../api/units';
import { OneTimePasswordPanel } from './OneTimePasswordPanel';
import { assignableUnits, grantableRoles, roleActsInAllUnits } from './user-rules';

const FIELDS = ['username', 'full_name', 'email', 'role', 'units', 'reason'] as const;
const USERNAME = /^[\w.@+-]+$/;

interface UserFormDialogProps {
  me: Me;
  /** null: create a user. */
  user: User | null;
  roles: readonly Role[];
  units: readonly Unit[];
  onClose: () => void;
}

export function UserFormDialog({ me, user, roles, units, onClose }: UserFormDialogProps) {
  const create = useCreateUser();
  const update = useUpdateUser(user?.id ?? 0);
  const mutation = user === null ? create : update;
  const offeredRoles = grantableRoles(me, roles);
  const offeredUnits = assignableUnits(me, units);
  const offeredIds = new Set(offeredUnits.map((unit) => unit.id));

  const form = useForm({
    initialValues: {
      username: user?.username ?? '',
      full_name: user?.full_name ?? '',
      email: user?.email ?? '',
      role: user?.role ?? '',
      units: (user?.units ?? []).filter((id) => offeredIds.has(id)).map(String),
      reason: '',
    },
    validate: {
      username: (value) =>
        user !== null
          ? null
          : value.trim() === ''
            ? 'Required'
            : USERNAME.test(value.trim())
              ? null
              : 'Letters, digits and @ . + - _ only',
      full_name: (value) => (value.trim() === '' ? 'The printed name on signatures' : null),
      email: (value) =>
        value.trim() === '' || /^\S+@\S+\.\S+$/.test(value.trim()) ? null : 'Not an e-mail address',
      role: (value) => (value === '' ? 'Choose a role' : null),
      units: (value, values) =>
        value.length === 0 && !roleActsInAllUnits(roles.find((role) => role.name === values.role))
          ? 'Choose at least one unit'
          : null,
    },
  });
  const allUnitsRole = roleActsInAllUnits(roles.find((role) => role.name === form.values.role));
  const oneTime = create.data;

  const showServerErrors = (error: unknown) => {
    form.setErrors(fieldErrors(error));
  };

  const submit = form.onSubmit((values) => {
    const unitIds = allUnitsRole ? [] : values.units.map(Number);
    if (user === null) {
      create.mutate(
        {
          username: values.username.trim(),
          full_name: values.full_name.trim(),
          email: values.email.trim(),
          role: values.role,
          units: unitIds,
        },
        { onError: showServerErrors },
      );
      return;
    }
    const changes: UserChanges = {};
    if (values.full_name.trim() !== user.full_name) {
      changes.full_name = values.full_name.trim();
    }
    if (values.email.trim() !== (user.email ?? '')) {
      changes.email = values.email.trim();
    }
    if (values.role !== user.role) {
      changes.role = values.role;
    }
    const before = form.getInitialValues().units;
    if (
      [...values.units].sort().join(',') !== [...before].sort().join(',') ||
      values.role !== user.role
    ) {
      changes.units = unitIds;
    }
    if (values.reason.trim() !== '') {
      changes.reason = values.reason.trim();
    }
    update.mutate(changes, { onSuccess: onClose, onError: showServerErrors });
  });

  const title =
    oneTime !== undefined
      ? `User ${oneTime.user.username} created`
      : user === null
        ? 'New user'
        : `Edit ${user.username}`;

  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': 'Close' }}
      onClose={() => {
        create.reset();
        onClose();
      }}
      title={title}
      size="lg"
      centered
      closeOnClickOutside={oneTime === undefined && !mutation.isPending}
    >
      {oneTime !== undefined ? (
        <OneTimePasswordPanel
          username={oneTime.user.username}
          password={oneTime.one_time_password}
          onDone={() => {
            create.reset();
            onClose();
          }}
        />
      ) : (
        <form noValidate onSubmit={submit}>
          <Stack>
            {mutation.isError && (
              <Alert color="red" role="alert" title="Not saved">
                {formErrorOf(mutation.error, FIELDS)}
              </Alert>
            )}
            {user === null ? (
              <TextInput
                label="Username"
                description="Never renamed and never reused."
                required
                autoComplete="off"
                data-autofocus
                {...form.getInputProps('username')}
              />
            ) : (
              <Text size="sm">
                Username: <strong>{user.username}</strong> (never renamed)
              </Text>
            )}
            <TextInput
              label="Full name"
              description="Printed on this user's signatures."
              required
              {...form.getInputProps('full_name')}
            />
            <TextInput label="E-mail" type="email" {...form.getInputProps('email')} />
            <Select
              label="Role"
              required
              data={offeredRoles.map((role) => role.name)}
              disabled={user !== null && user.id === me.id}
              description={
                user !== null && user.id === me.id ? 'You cannot change your own role.' : undefined
              }
              {...form.getInputProps('role')}
            />
            {allUnitsRole ? (
              <Text size="sm" c="dimmed">
                This role acts in every unit.
              </Text>
            ) : (
              <MultiSelect
                label="Units"
                description="Where the role applies."
                required
                searchable
                data={offeredUnits.map((unit) => ({ value: String(unit.id), label: unit.code }))}
                {...form.getInputProps('units')}
              />
            )}
            {user !== null && (
              <Textarea
                label="Reason (recorded in the audit trail)"
                autosize
                minRows={2}
                {...form.getInputProps('reason')}
              />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={mutation.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={mutation.isPending}>
                {user === null ? 'Create user' : 'Save'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
