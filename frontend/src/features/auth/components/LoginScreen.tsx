import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useSyncExternalStore } from 'react';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { session } from '@/lib/auth/session';

import { useLogin } from '../api/login';

export function LoginScreen() {
  const login = useLogin();
  const { endedReason } = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: {
      username: (value) => (value.trim() === '' ? 'Enter your username' : null),
      password: (value) => (value === '' ? 'Enter your password' : null),
    },
  });

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%">
        <form
          onSubmit={form.onSubmit((values) => {
            session.clearEndedReason();
            login.mutate(
              { username: values.username.trim(), password: values.password },
              {
                onError: (error) => {
                  form.setErrors(fieldErrors(error));
                },
              },
            );
          })}
          noValidate
        >
          <Stack>
            <div>
              <Title order={1} size="h2">
                Strongroom
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to continue
              </Text>
            </div>
            {endedReason !== null && !login.isPending && (
              <Alert color="yellow" title="Signed out" role="status">
                {endedReason}
              </Alert>
            )}
            {login.isError && (
              <Alert color="red" title="Sign-in failed" role="alert">
                {formErrorOf(login.error, ['username', 'password'])}
              </Alert>
            )}
            <TextInput
              label="Username"
              autoComplete="username"
              required
              autoFocus
              {...form.getInputProps('username')}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={login.isPending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
