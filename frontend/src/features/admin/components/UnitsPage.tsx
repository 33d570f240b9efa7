import {
  Alert,
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';

import type { Me } from '@/lib/api/types';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

import { useSaveUnit, useUnits, type Unit } from '../api/units';

import { ActiveBadge } from './ActiveBadge';

const FIELDS = ['code', 'name', 'address', 'is_active'] as const;
const UNIT_CODE = /^[A-Z0-9]{2,10}$/;

function UnitFormDialog({ unit, onClose }: { unit: Unit | null; onClose: () => void }) {
  const save = useSaveUnit(unit?.id ?? null);
  const form = useForm({
    initialValues: {
      code: unit?.code ?? '',
      name: unit?.name ?? '',
      address: unit?.address ?? '',
      is_active: unit?.is_active ?? true,
    },
    transformValues: (values) => ({ ...values, code: values.code.trim().toUpperCase() }),
    validate: {
      code: (value) =>
        UNIT_CODE.test(value.trim().toUpperCase()) ? null : '2 to 10 letters or digits',
      name: (value) => (value.trim() === '' ? 'Required' : null),
    },
  });
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': 'Close' }}
      onClose={onClose}
      title={unit === null ? 'New unit' : `Edit ${unit.code}`}
      centered
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          save.mutate(
            { ...values, name: values.name.trim(), address: values.address.trim() },
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
          <TextInput
            label="Code"
            description="Short and upper-case, e.g. GOA1. It starts every crate code of the unit."
            required
            data-autofocus
            {...form.getInputProps('code')}
          />
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <Textarea label="Address" autosize minRows={2} {...form.getInputProps('address')} />
          <Switch label="Active" {...form.getInputProps('is_active', { type: 'checkbox' })} />
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

export function UnitsPage({ me }: { me: Me }) {
  const units = useUnits();
  const [editing, setEditing] = useState<Unit | 'new' | null>(null);
  const mayEdit = can(me, PERMISSIONS.changeUnit);
  const rows = units.data?.results ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          A unit is a site or plant. Only System Administrators create or change units.
        </Text>
        {can(me, PERMISSIONS.addUnit) && (
          <Button
            onClick={() => {
              setEditing('new');
            }}
          >
            New unit
          </Button>
        )}
      </Group>
      {units.isError && (
        <Alert color="red" role="alert" title="The units could not be loaded">
          {units.error.message}
        </Alert>
      )}
      <Paper withBorder>
        <Table.ScrollContainer minWidth={600}>
          <Table striped aria-label="Units">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Address</Table.Th>
                <Table.Th>Status</Table.Th>
                {mayEdit && (
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((unit) => (
                <Table.Tr key={unit.id}>
                  <Table.Td fw={600}>{unit.code}</Table.Td>
                  <Table.Td>{unit.name}</Table.Td>
                  <Table.Td>{unit.address}</Table.Td>
                  <Table.Td>
                    <ActiveBadge active={unit.is_active} />
                  </Table.Td>
                  {mayEdit && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={`Edit ${unit.code}`}
                        onClick={() => {
                          setEditing(unit);
                        }}
                      >
                        Edit
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {units.isSuccess && rows.length === 0 && (
          <Text p="md" c="dimmed">
            No units yet.
          </Text>
        )}
      </Paper>
      {editing !== null && (
        <UnitFormDialog
          unit={editing === 'new' ? null : editing}
          onClose={() => {
            setEditing(null);
          }}
        />
      )}
    </Stack>
  );
}
