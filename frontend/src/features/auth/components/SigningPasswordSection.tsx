import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';

import { ApiError } from '@/lib/api-client';

import { useSetSigningPassword } from '../api/signing-password';

import { PasswordChangeFields } from './PasswordChangeFields';
import { usePasswordChangeForm } from './use-password-change-form';

/**
 * A federated user whose provider cannot re-authenticate them signs with a password they set
 * here (21 CFR 11.200), under the same password policy; changing it takes the current one.
 */
export function SigningPasswordSection({ passwordSet }: { passwordSet: boolean }) {
  const save = useSetSigningPassword();
  const [saved, setSaved] = useState(false);
  const { form, showRefusal, formError } = usePasswordChangeForm({
    serverFields: { current: 'current_password', next: 'password' },
    currentMissing: passwordSet ? 'Enter your current signing password' : null,
    validateNext: (value) => (value === '' ? 'Enter the new signing password' : null),
  });
  const recentSignInRequired =
    save.error instanceof ApiError && save.error.code === 'recent_sign_in_required';
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="signing-password-title">
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setSaved(false);
          save.mutate(
            passwordSet
              ? { password: values.next, current_password: values.current }
              : { password: values.next },
            {
              onSuccess: () => {
                form.reset();
                setSaved(true);
              },
              onError: showRefusal,
            },
          );
        })}
      >
        <Stack>
          <Group justify="space-between">
            <Title order={2} size="h4" id="signing-password-title">
              Signing password
            </Title>
            <Badge color={passwordSet ? 'green' : 'gray'} variant="light">
              {passwordSet ? 'Set' : 'Not set'}
            </Badge>
          </Group>
          <Text size="sm">
            You sign in with your organisation&apos;s account; your electronic signatures take this
            password, which only you know. It is not your organisation&apos;s password.
          </Text>
          {saved && (
            <Alert color="green" role="status">
              Your signing password is saved. Your next signature takes it.
            </Alert>
          )}
          {save.isError && (
            <Alert color="red" role="alert" title="Not saved">
              {recentSignInRequired
                ? `${save.error.message} Sign out and sign in again, then set it within five minutes.`
                : formError(save.error)}
            </Alert>
          )}
          <PasswordChangeFields
            form={form}
            labels={{
              current: passwordSet ? 'Current signing password' : null,
              next: 'New signing password',
              confirm: 'New signing password again',
            }}
          />
          <Group>
            <Button type="submit" loading={save.isPending}>
              {passwordSet ? 'Change signing password' : 'Set signing password'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
