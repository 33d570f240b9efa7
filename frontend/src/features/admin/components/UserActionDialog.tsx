import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';

import type { User } from '../api/get-users';
import { useUserAction, type UserAction } from '../api/save-user';
import { OneTimePasswordPanel } from './OneTimePasswordPanel';
import { ACTION_TEXT } from './user-rules';

/** Deactivate, reactivate, unlock or reset a password: each with a reason for the trail. */
export function UserActionDialog({
  user,
  action,
  onClose,
}: {
  user: User;
  action: UserAction;
  onClose: () => void;
}) {
  const mutation = useUserAction(user.id);
  const text = ACTION_TEXT[action];
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (value) => (value.trim() === '' ? 'A reason is required' : null) },
  });
  const result = mutation.data;
  const oneTime =
    result !== undefined && 'one_time_password' in result ? result.one_time_password : null;

  const close = () => {
    mutation.reset();
    onClose();
  };

  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': 'Close' }}
      onClose={close}
      title={`${text.title}: ${user.username}`}
      centered
      size="lg"
      closeOnClickOutside={oneTime === null && !mutation.isPending}
    >
      {oneTime !== null ? (
        <OneTimePasswordPanel username={user.username} password={oneTime} onDone={close} />
      ) : (
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            mutation.mutate(
              { action, reason: values.reason.trim() },
              {
                onSuccess: () => {
                  if (action !== 'reset-password') {
                    notifications.show({
                      color: 'green',
                      title: 'Done',
                      message: `${text.label}: ${user.username}`,
                    });
                    onClose();
                  }
                },
                onError: (error) => {
                  form.setErrors(fieldErrors(error));
                },
              },
            );
          })}
        >
          <Stack>
            <Text size="sm">{text.explain}</Text>
            {mutation.isError && (
              <Alert color="red" role="alert" title="Not done">
                {formErrorOf(mutation.error, ['reason'])}
              </Alert>
            )}
            <Textarea
              label="Reason"
              description="Recorded in the audit trail."
              required
              autosize
              minRows={2}
              data-autofocus
              {...form.getInputProps('reason')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={mutation.isPending}>
                Cancel
              </Button>
              <Button type="submit" color={text.color} loading={mutation.isPending}>
                {text.label}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
