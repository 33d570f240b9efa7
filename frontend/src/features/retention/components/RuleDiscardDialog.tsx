import { Alert, Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { RetentionRule } from '@/lib/api/types';

import { useDiscardRule } from '../api/change-rule';
import { isStale } from './stale';
import { StaleNotice } from './StaleNotice';

interface RuleDiscardDialogProps {
  rule: RetentionRule;
  reloading: boolean;
  onReload: () => void;
  onClose: () => void;
  onDone: (rule: RetentionRule) => void;
}

/** Gives up a draft (kept as DISCARDED for the record); a reason is required. */
export function RuleDiscardDialog({
  rule,
  reloading,
  onReload,
  onClose,
  onDone,
}: RuleDiscardDialogProps) {
  const discard = useDiscardRule(rule.id);
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (value) => (value.trim() === '' ? 'A reason is required' : null) },
  });
  return (
    <Modal
      opened
      onClose={onClose}
      title={`Discard draft: ${rule.code} version ${String(rule.revision)}`}
      centered
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          discard.mutate(
            { version: rule.version, reason: values.reason.trim() },
            {
              onSuccess: onDone,
              onError: (error) => {
                const reason = fieldErrors(error).reason;
                if (reason !== undefined) {
                  form.setFieldError('reason', reason);
                }
              },
            },
          );
        })}
      >
        <Stack>
          {discard.isError && !isStale(discard.error) && (
            <Alert color="red" role="alert" title="Not discarded">
              {formErrorOf(discard.error, ['reason'])}
            </Alert>
          )}
          <StaleNotice error={discard.error} onReload={onReload} reloading={reloading} />
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            data-autofocus
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={discard.isPending}>
              Keep the draft
            </Button>
            <Button type="submit" color="red" loading={discard.isPending}>
              Discard draft
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
