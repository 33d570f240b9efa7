import { Alert, Button, Group, Select, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';
import { useUnitChoices } from '@/lib/auth/unit-choices';
import { formatDate } from '@/lib/format';

import { useRecordEventDate, type EventsResult } from '../api/document-events';
import { useRetentionEvents } from '../api/get-retention-events';

interface EventDateValues {
  documentNumber: string;
  unit: string;
  event: string;
  date: string | null;
}

const FIELD_OF: Record<string, keyof EventDateValues> = {
  document_number: 'documentNumber',
  document: 'documentNumber',
  unit: 'unit',
  event: 'event',
  date: 'date',
};

function outcome(result: EventsResult): string {
  if (result.created > 0) {
    return 'recorded';
  }
  return result.updated > 0 ? 'changed' : 'already recorded with this date (nothing changed)';
}

/** One event date by hand: document number, unit, event, date. */
export function EventDateForm({
  me,
  onRecorded,
}: {
  me: Me;
  onRecorded: (message: string) => void;
}) {
  const units = useUnitChoices(me);
  const events = useRetentionEvents();
  const record = useRecordEventDate();
  const form = useForm<EventDateValues>({
    initialValues: {
      documentNumber: '',
      unit: units.length === 1 ? String(units[0]?.id) : '',
      event: '',
      date: null,
    },
    validate: {
      documentNumber: (value) => (value.trim() === '' ? 'Enter the document number' : null),
      unit: (value) => (value === '' ? 'Choose the unit' : null),
      event: (value) => (value === '' ? 'Choose the event' : null),
      date: (value) => (value === null || value === '' ? 'Enter the date (YYYY-MM-DD)' : null),
    },
  });
  return (
    <form
      noValidate
      aria-label="Record one event date"
      onSubmit={form.onSubmit((values) => {
        const unit = units.find((u) => String(u.id) === values.unit);
        if (unit === undefined || values.date === null) {
          return;
        }
        record.mutate(
          {
            documentNumber: values.documentNumber,
            unit: unit.id,
            unitCode: unit.code,
            event: values.event,
            date: values.date,
          },
          {
            onSuccess: (result) => {
              const event = events.data?.find((e) => e.code === values.event);
              onRecorded(
                `${values.documentNumber.trim()} (${unit.code}): ${event?.name ?? values.event} on ${formatDate(values.date)} ${outcome(result)}.` +
                  (result.crates_left_eligibility > 0
                    ? ` ${String(result.crates_left_eligibility)} crate(s) left eligibility for destruction.`
                    : ''),
              );
              form.setValues({ documentNumber: '', date: null });
            },
            onError: (error) => {
              form.setErrors(
                Object.fromEntries(
                  Object.entries(fieldErrors(error)).flatMap(([key, message]) => {
                    // The one row's messages come back as events.0.<field>.
                    const field = FIELD_OF[key.replace(/^events\.\d+\./, '')];
                    return field === undefined ? [] : [[field, message]];
                  }),
                ),
              );
            },
          },
        );
      })}
    >
      {record.isError && (
        <Alert color="red" role="alert" title="Not recorded" mb="sm">
          {formErrorOf(record.error, [
            'document_number',
            'document',
            'unit',
            'event',
            'date',
            'events',
          ])}
        </Alert>
      )}
      <Group align="flex-start" wrap="wrap">
        <TextInput
          label="Document number"
          required
          autoComplete="off"
          {...form.getInputProps('documentNumber')}
          w={200}
        />
        <Select
          label="Unit"
          required
          data={units.map((u) => ({ value: String(u.id), label: u.code }))}
          {...form.getInputProps('unit')}
          onChange={(value: string | null) => {
            form.setFieldValue('unit', value ?? '');
          }}
          w={130}
        />
        <Select
          label="Event"
          required
          searchable
          data={(events.data ?? [])
            .filter((e) => e.is_active !== false)
            .map((e) => ({ value: e.code, label: e.name }))}
          {...form.getInputProps('event')}
          onChange={(value: string | null) => {
            form.setFieldValue('event', value ?? '');
          }}
          w={220}
        />
        <DateInput
          label="Date"
          required
          placeholder="YYYY-MM-DD"
          valueFormat="YYYY-MM-DD"
          {...form.getInputProps('date')}
          w={160}
        />
        <Button type="submit" mt={25} loading={record.isPending}>
          Record date
        </Button>
      </Group>
    </form>
  );
}
