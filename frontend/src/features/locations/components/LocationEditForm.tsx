import { Alert, Button, Group, NumberInput, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Location } from '@/lib/api/types';

import { useUpdateLocation } from '../api/update-location';
import {
  editValuesOf,
  hasChanges,
  lowersSecurityClass,
  updateBodyOf,
  type LocationEditValues,
} from './location-edit';

/** The request fields this form shows, by the form's own names. */
const FIELD_OF: Record<string, keyof LocationEditValues> = {
  code: 'code',
  name: 'name',
  capacity: 'capacity',
  security_class: 'securityClass',
  reason: 'reason',
};

/** A refusal's messages on the form's fields. */
function serverFieldErrors(error: unknown): Partial<Record<keyof LocationEditValues, string>> {
  return Object.fromEntries(
    Object.entries(fieldErrors(error)).flatMap(([field, message]) => {
      const own = FIELD_OF[field];
      return own === undefined ? [] : [[own, message]];
    }),
  );
}

/** Code, name, capacity (shelves) and security class (rooms), with the version read. */
export function LocationEditForm({ location }: { location: Location }) {
  const update = useUpdateLocation(location.id);
  const form = useForm<LocationEditValues>({
    initialValues: editValuesOf(location),
    validate: {
      code: (value) =>
        /^[A-Z0-9][A-Z0-9-]{0,19}$/.test(value.trim().toUpperCase())
          ? null
          : '1 to 20 upper-case letters, digits or hyphens (e.g. R01, K03, S2)',
      capacity: (value) =>
        location.kind === 'SHELF' && !(Number(value) >= 1) ? 'At least 1 crate' : null,
      reason: (value, values) =>
        lowersSecurityClass(location, values) && value.trim() === ''
          ? 'Lowering the security class needs a reason'
          : null,
    },
  });
  const lowering = lowersSecurityClass(location, form.values);
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        const body = updateBodyOf(location, values);
        if (!hasChanges(body)) {
          notifications.show({
            color: 'gray',
            title: 'Nothing to save',
            message: 'No field changed.',
          });
          return;
        }
        update.mutate(body, {
          onSuccess: (saved) => {
            notifications.show({
              color: 'green',
              title: 'Saved',
              message: `${saved.full_code} was updated.`,
            });
          },
          onError: (error) => {
            form.setErrors(serverFieldErrors(error));
          },
        });
      })}
    >
      <Stack gap="sm">
        {update.isError && (
          <Alert color="red" role="alert" title="Not saved">
            {formErrorOf(update.error, Object.keys(FIELD_OF))}
          </Alert>
        )}
        <Group grow align="flex-start" wrap="wrap">
          <TextInput
            label="Code"
            description="Renaming changes the full code of everything inside."
            required
            {...form.getInputProps('code')}
          />
          <TextInput label="Name" {...form.getInputProps('name')} />
        </Group>
        {location.kind === 'SHELF' && (
          <NumberInput
            label="Capacity (crates)"
            min={1}
            allowDecimal={false}
            required
            {...form.getInputProps('capacity')}
          />
        )}
        {location.kind === 'ROOM' && (
          <NumberInput
            label="Security class"
            description="Higher is more secure."
            min={0}
            allowDecimal={false}
            {...form.getInputProps('securityClass')}
          />
        )}
        <Textarea
          label={
            lowering ? 'Reason (required: the security class is lowered)' : 'Reason (optional)'
          }
          required={lowering}
          autosize
          minRows={2}
          {...form.getInputProps('reason')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
