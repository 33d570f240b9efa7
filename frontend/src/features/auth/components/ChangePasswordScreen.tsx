import { Alert, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';

import { useDocumentTitle } from '@/lib/use-document-title';

import { useChangePassword } from '../api/change-password';
import { useLogout } from '../api/logout';

import { PasswordChangeFields } from './PasswordChangeFields';
import { usePasswordChangeForm } from './use-password-change-form';

const MIN_LENGTH = 12;

/** Shown instead of the app while the server requires a new password. */
export function ChangePasswordScreen({ fullName }: { fullName: string }) {
  useDocumentTitle('Change your password');
  const change = useChangePassword();
  const logout = useLogout();
  const { form, showRefusal, formError } = usePasswordChangeForm({
    serverFields: { current: 'current_password', next: 'new_password' },
    currentMissing: 'Enter your current password',
    validateNext: (value) =>
      value.length < MIN_LENGTH ? `Use at least ${MIN_LENGTH} characters` : null,
    wrongCurrent: 'Not your current password.',
  });

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={440} maw="100%">
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            change.mutate(
              { current_password: values.current, new_password: values.next },
              { onError: showRefusal },
            );
          })}
        >
          <Stack>
            <Title order={1} size="h2">
              Change your password
            </Title>
            <Text size="sm">
              {fullName}, you must choose a new password before you continue. It needs at least{' '}
              {MIN_LENGTH} characters and must differ from your recent passwords.
            </Text>
            {change.isError && (
              <Alert color="red" role="alert" title="Password not changed">
                {formError(change.error)}
              </Alert>
            )}
            <PasswordChangeFields
              form={form}
              labels={{
                current: 'Current password',
                next: 'New password',
                confirm: 'Repeat the new password',
              }}
            />
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
            <Button
              variant="subtle"
              onClick={() => {
                logout.mutate(null);
              }}
            >
              Sign out
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
