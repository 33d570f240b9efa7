import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';

import { ApiError } from '@/lib/api-client';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useChangePassword } from '../api/change-password';
import { useLogout } from '../api/logout';

const MIN_LENGTH = 12;
/** The request's fields by the form's own names. */
const FIELD_OF = { current_password: 'current', new_password: 'next' } as const;

/** Shown instead of the app while the server requires a new password. */
export function ChangePasswordScreen({ fullName }: { fullName: string }) {
  useDocumentTitle('Change your password');
  const change = useChangePassword();
  const logout = useLogout();
  const form = useForm({
    initialValues: { current: '', next: '', confirm: '' },
    validate: {
      current: (value) => (value === '' ? 'Enter your current password' : null),
      next: (value) => (value.length < MIN_LENGTH ? `Use at least ${MIN_LENGTH} characters` : null),
      confirm: (value, values) => (value !== values.next ? 'The passwords differ' : null),
    },
  });

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={440} maw="100%">
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            change.mutate(
              { current_password: values.current, new_password: values.next },
              {
                onError: (error) => {
                  const server = fieldErrors(error);
                  const errors: Record<string, string> = {};
                  for (const [field, own] of Object.entries(FIELD_OF)) {
                    const message = server[field];
                    if (message !== undefined) {
                      errors[own] = message;
                    }
                  }
                  if (error instanceof ApiError && error.code === 'invalid_credentials') {
                    // The current password was wrong: only it is emptied; the new one stays.
                    form.setFieldValue('current', '');
                    errors.current = 'Not your current password.';
                  }
                  form.setErrors(errors);
                },
              },
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
                {formErrorOf(change.error, Object.keys(FIELD_OF))}
              </Alert>
            )}
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              required
              {...form.getInputProps('current')}
            />
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              required
              {...form.getInputProps('next')}
            />
            <PasswordInput
              label="Repeat the new password"
              autoComplete="new-password"
              required
              {...form.getInputProps('confirm')}
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
