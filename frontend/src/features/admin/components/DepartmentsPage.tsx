import {
  Alert,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';

import type { Me } from '@/lib/api/types';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

import { useAdminDepartments, useSaveDepartment, type Department } from '../api/departments';
import { useUnits } from '../api/units';

import { ActiveBadge } from './ActiveBadge';

const FIELDS = ['unit', 'code', 'name', 'is_active'] as const;

function DepartmentFormDialog({
  department,
  unitOptions,
  defaultUnit,
  onClose,
}: {
  department: Department | null;
  unitOptions: { value: string; label: string }[];
  defaultUnit: string | null;
  onClose: () => void;
}) {
  const save = useSaveDepartment(department?.id ?? null);
  const form = useForm({
    initialValues: {
      unit: department === null ? (defaultUnit ?? '') : String(department.unit),
      code: department?.code ?? '',
      name: department?.name ?? '',
      is_active: department?.is_active ?? true,
    },
    validate: {
      unit: (value) => (value === '' ? 'Choose a unit' : null),
      code: (value) => (value.trim() === '' ? 'Required' : null),
      name: (value) => (value.trim() === '' ? 'Required' : null),
    },
  });
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': 'Close' }}
      onClose={onClose}
      title={
        department === null ? 'New department' : `Edit ${department.unit_code}/${department.code}`
      }
      centered
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          save.mutate(
            {
              unit: Number(values.unit),
              code: values.code.trim().toUpperCase(),
              name: values.name.trim(),
              is_active: values.is_active,
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
            label="Unit"
            required
            data={unitOptions}
            disabled={department !== null}
            {...form.getInputProps('unit')}
          />
          <TextInput
            label="Code"
            description="Unique within the unit, e.g. QA. It is part of crate codes."
            required
            data-autofocus
            {...form.getInputProps('code')}
          />
          <TextInput label="Name" required {...form.getInputProps('name')} />
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

export function DepartmentsPage({ me }: { me: Me }) {
  const units = useUnits();
  const [unit, setUnit] = useState<string | null>(null);
  const departments = useAdminDepartments(unit === null ? null : Number(unit));
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const mayAdd = can(me, PERMISSIONS.addDepartment);
  const mayEdit = can(me, PERMISSIONS.changeDepartment);
  const unitOptions = (units.data?.results ?? []).map((u) => ({
    value: String(u.id),
    label: u.code,
  }));
  const rows = departments.data?.results ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Select
          label="Unit"
          placeholder="All your units"
          clearable
          data={unitOptions}
          value={unit}
          onChange={setUnit}
          w={180}
        />
        {mayAdd && (
          <Button
            onClick={() => {
              setEditing('new');
            }}
            disabled={unitOptions.length === 0}
          >
            New department
          </Button>
        )}
      </Group>
      {departments.isError && (
        <Alert color="red" role="alert" title="The departments could not be loaded">
          {departments.error.message}
        </Alert>
      )}
      <Paper withBorder>
        <Table.ScrollContainer minWidth={560}>
          <Table striped aria-label="Departments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Unit</Table.Th>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                {mayEdit && (
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((department) => (
                <Table.Tr key={department.id}>
                  <Table.Td>{department.unit_code}</Table.Td>
                  <Table.Td fw={600}>{department.code}</Table.Td>
                  <Table.Td>{department.name}</Table.Td>
                  <Table.Td>
                    <ActiveBadge active={department.is_active} />
                  </Table.Td>
                  {mayEdit && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={`Edit ${department.unit_code}/${department.code}`}
                        onClick={() => {
                          setEditing(department);
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
        {departments.isSuccess && rows.length === 0 && (
          <Text p="md" c="dimmed">
            No departments.
          </Text>
        )}
      </Paper>
      {editing !== null && (
        <DepartmentFormDialog
          department={editing === 'new' ? null : editing}
          unitOptions={unitOptions}
          defaultUnit={unit ?? (unitOptions.length === 1 ? (unitOptions[0]?.value ?? null) : null)}
          onClose={() => {
            setEditing(null);
          }}
        />
      )}
    </Stack>
  );
}
