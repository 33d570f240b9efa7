import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';

import { ApiError } from '@/lib/api-client';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';

import { useSetSigningPassword } from '../api/signing-password';

/** The request's fields by the form's own names. */
const FIELD_OF = { password: 'password', current_password: 'current' } as const;

/**
 * A federated user whose provider cannot re-authenticate them signs with a password they set
 * here (21 CFR 11.200), under the same password policy; changing it takes the current one.
 */
export function SigningPasswordSection({ passwordSet }: { passwordSet: boolean }) {
  const save = useSetSigningPassword();
  const [saved, setSaved] = useState(false);
  const form = useForm({
    initialValues: { current: '', password: '', confirm: '' },
    validate: {
      current: (value) =>
        passwordSet && value === '' ? 'Enter your current signing password' : null,
      password: (value) => (value === '' ? 'Enter the new signing password' : null),
      confirm: (value, values) => (value !== values.password ? 'The passwords differ' : null),
    },
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
              ? { password: values.password, current_password: values.current }
              : { password: values.password },
            {
              onSuccess: () => {
                form.reset();
                setSaved(true);
              },
              onError: (error) => {
                // What was typed stays; each message goes on its field.
                const server = fieldErrors(error);
                const errors: Record<string, string> = {};
                for (const [field, own] of Object.entries(FIELD_OF)) {
                  const message = server[field];
                  if (message !== undefined) {
                    errors[own] = message;
                  }
                }
                form.setErrors(errors);
              },
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
                : formErrorOf(save.error, ['password', 'current_password'])}
            </Alert>
          )}
          {passwordSet && (
            <PasswordInput
              label="Current signing password"
              autoComplete="current-password"
              required
              {...form.getInputProps('current')}
            />
          )}
          <PasswordInput
            label="New signing password"
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label="New signing password again"
            autoComplete="new-password"
            required
            {...form.getInputProps('confirm')}
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
