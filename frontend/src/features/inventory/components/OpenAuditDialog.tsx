import { Alert, Button, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { humanize } from '@/lib/format';

import { useOpenAudit, useScopeLocations } from '../api/open-audit';

/**
 * Opening an audit: the room, rack or shelf whose shelves are counted. The crates recorded on
 * them at this moment are what the count is compared with.
 */
export function OpenAuditDialog({
  initialScope,
  onClose,
}: {
  initialScope?: number | undefined;
  onClose: () => void;
}) {
  const locations = useScopeLocations(true);
  const open = useOpenAudit();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { scope: initialScope === undefined ? '' : String(initialScope), note: '' },
    validate: { scope: (value) => (value === '' ? 'Choose a room, rack or shelf' : null) },
  });
  const options = (locations.data ?? []).map((location) => ({
    value: String(location.id),
    label: `${location.full_code} (${humanize(location.kind).toLowerCase()})`,
  }));
  return (
    <Modal opened onClose={onClose} title="Open an inventory audit" centered size="lg">
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          open.mutate(
            { scope: Number(values.scope), note: values.note.trim() },
            {
              onSuccess: (audit) => {
                onClose();
                void navigate(`/inventory-audits/${String(audit.id)}`);
              },
              onError: (error) => {
                form.setErrors(fieldErrors(error));
              },
            },
          );
        })}
      >
        <Stack>
          {open.isError && (
            <Alert color="red" role="alert" title="The audit was not opened">
              {formErrorOf(open.error, ['scope', 'note'])}
            </Alert>
          )}
          <Select
            label="Scope"
            description="Every shelf under it is counted."
            placeholder={locations.isLoading ? 'Loading locations…' : 'Room, rack or shelf'}
            searchable
            required
            data={options}
            nothingFoundMessage="No such location"
            data-autofocus
            {...form.getInputProps('scope')}
          />
          <Textarea label="Note (optional)" autosize minRows={2} {...form.getInputProps('note')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={open.isPending}>
              Close
            </Button>
            <Button type="submit" loading={open.isPending}>
              Open audit
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
