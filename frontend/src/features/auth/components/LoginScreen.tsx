import {
  Alert,
  Anchor,
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
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { session } from '@/lib/auth/session';

import { isChallenge, type TwoFactorChallenge, useLogin, useSessionStart } from '../api/login';

import { TwoFactorCodeStep } from './TwoFactorCodeStep';
import { TwoFactorEnrolment } from './TwoFactorEnrolment';

export function LoginScreen() {
  const login = useLogin();
  const startSession = useSessionStart();
  const [challenge, setChallenge] = useState<TwoFactorChallenge | null>(null);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const { endedReason } = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: {
      username: (value) => (value.trim() === '' ? 'Enter your username' : null),
      password: (value) => (value === '' ? 'Enter your password' : null),
    },
  });

  useEffect(() => {
    if (challenge?.two_factor === 'enrol') {
      stepHeading.current?.focus(); // the instructions come first; the code field is after
    }
  }, [challenge]);

  if (challenge !== null) {
    const restart = () => {
      login.reset();
      setChallenge(null);
    };
    return (
      <Center mih="100vh" p="md" bg="gray.1">
        <Paper component="main" withBorder shadow="sm" p="xl" w={440} maw="100%">
          <Stack>
            <div>
              <Title order={1} size="h2" ref={stepHeading} tabIndex={-1}>
                {challenge.two_factor === 'verify'
                  ? 'Two-factor sign-in'
                  : 'Set up two-factor sign-in'}
              </Title>
              {challenge.two_factor === 'enrol' && (
                <Text c="dimmed" size="sm">
                  Your role requires a code from an authenticator app at every sign-in.
                </Text>
              )}
            </div>
            {challenge.two_factor === 'verify' ? (
              <TwoFactorCodeStep challenge={challenge.challenge} onRestart={restart} />
            ) : (
              <TwoFactorEnrolment
                challenge={challenge.challenge}
                onDone={(result) => {
                  if (result.access !== undefined && result.refresh !== undefined && result.user) {
                    startSession({
                      access: result.access,
                      refresh: result.refresh,
                      user: result.user,
                    });
                  }
                }}
              />
            )}
            {challenge.two_factor === 'enrol' && (
              <Anchor component="button" type="button" size="sm" onClick={restart}>
                Start again with your password
              </Anchor>
            )}
          </Stack>
        </Paper>
      </Center>
    );
  }

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%">
        <form
          onSubmit={form.onSubmit((values) => {
            session.clearEndedReason();
            login.mutate(
              { username: values.username.trim(), password: values.password },
              {
                onSuccess: (result) => {
                  if (isChallenge(result)) {
                    setChallenge(result);
                  }
                },
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
