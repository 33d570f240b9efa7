import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { formatDate } from '@/lib/format';

import { useChangeEventDate, type DocumentEvent, type EventsResult } from '../api/document-events';
import { isStale } from './stale';

/** What a change did, in words (the API's counts after the change). */
function changeOutcome(recorded: DocumentEvent, date: string, result: EventsResult): string {
  const what = `${recorded.document_number} (${recorded.unit_code}): ${recorded.event_code}`;
  if (result.updated === 0) {
    return `${what} was already ${formatDate(date)}; nothing changed.`;
  }
  const left = result.crates_left_eligibility;
  return (
    `${what} changed from ${formatDate(recorded.date)} to ${formatDate(date)}; its retention was recomputed.` +
    (left > 0
      ? ` ${String(left)} crate(s) left eligibility for destruction (and any batch holding them).`
      : ' No crate left eligibility for destruction.')
  );
}

/**
 * Changes one recorded event date (audited, not signed: the API asks no signature). The
 * document's retention is recomputed from its rule; a crate that stops being eligible for
 * destruction leaves its batch. The date typed stays on a refusal.
 */
export function EventDateChangeDialog({
  recorded,
  onClose,
  onChanged,
}: {
  recorded: DocumentEvent;
  onClose: () => void;
  onChanged: (message: string) => void;
}) {
  const change = useChangeEventDate(recorded.id);
  const form = useForm<{ date: string | null }>({
    initialValues: { date: recorded.date },
    validate: {
      date: (value) => (value === null || value === '' ? 'Enter the date (YYYY-MM-DD)' : null),
    },
  });
  return (
    <Modal
      opened
      onClose={onClose}
      title={`Change the ${recorded.event_code} date of ${recorded.document_number}`}
      centered
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form
        noValidate
        aria-label="Change the event date"
        onSubmit={form.onSubmit((values) => {
          const date = values.date;
          if (date === null) {
            return;
          }
          change.mutate(
            { version: recorded.version, date },
            {
              onSuccess: (result) => {
                onChanged(changeOutcome(recorded, date, result));
                onClose();
              },
              onError: (error) => {
                const server = fieldErrors(error);
                if (server.date !== undefined) {
                  form.setFieldError('date', server.date);
                }
              },
            },
          );
        })}
      >
        <Stack>
          <Text size="sm">
            Recorded {formatDate(recorded.date)} ({recorded.unit_code}). The document&apos;s
            retention is recomputed from its rule and its crate&apos;s destroy-after date with it; a
            crate no longer eligible for destruction leaves any batch it is in. The change is
            audited.
          </Text>
          {change.isError && (
            <Alert color="red" role="alert" title="Not changed">
              {isStale(change.error)
                ? 'Someone else changed this date meanwhile; the list shows it now. Close and try again.'
                : formErrorOf(change.error, ['date'])}
            </Alert>
          )}
          <DateInput
            label="New date"
            required
            placeholder="YYYY-MM-DD"
            valueFormat="YYYY-MM-DD"
            data-autofocus
            {...form.getInputProps('date')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={change.isPending}>
              Close
            </Button>
            <Button type="submit" loading={change.isPending}>
              Change date
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
