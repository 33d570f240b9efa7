import {
  Alert,
  Anchor,
  Button,
  Center,
  Divider,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import { oidcLoginBegin, useAuthOptions } from '@/lib/auth/oidc';
import { session } from '@/lib/auth/session';

import { isChallenge, type TwoFactorChallenge, useLogin, useSessionStart } from '../api/login';

import { TwoFactorCodeStep } from './TwoFactorCodeStep';
import { TwoFactorEnrolment } from './TwoFactorEnrolment';

interface LoginScreenProps {
  /** Where to go once signed in (a same-origin path): handed to the provider's round trip. */
  next?: string;
}

export function LoginScreen({ next = '/' }: LoginScreenProps) {
  const login = useLogin();
  const options = useAuthOptions();
  // No answer (an older server, or the call failed): the password form alone, as before.
  const oidc = options.data?.oidc_enabled === true ? options.data : null;
  const breakGlass = oidc !== null && oidc.local_passwords === 'break-glass';
  const [localOpen, setLocalOpen] = useState(false);
  const localId = useId();
  const providerStart = useMutation({ mutationFn: oidcLoginBegin });
  // The page is leaving for the provider once the start succeeded: the button stays busy.
  const leaving = providerStart.isPending || providerStart.isSuccess;
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

  const passwordForm = (
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
        {oidc === null && <LoginHeading />}
        {oidc === null && endedReason !== null && !login.isPending && (
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
          autoFocus={oidc === null || breakGlass}
          {...form.getInputProps('username')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          {...form.getInputProps('password')}
        />
        <Button
          type="submit"
          loading={login.isPending}
          variant={oidc === null ? 'filled' : 'default'}
        >
          Sign in
        </Button>
      </Stack>
    </form>
  );

  if (options.isPending) {
    // The form waits for the sign-in options: were it shown at once, the provider's button
    // would arrive above it a moment later and move it under the pointer of whoever is typing.
    return (
      <Center mih="100vh" p="md" bg="gray.1">
        <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%">
          <Stack align="center">
            <LoginHeading />
            <Loader size="sm" aria-label="Loading the ways to sign in" role="status" />
          </Stack>
        </Paper>
      </Center>
    );
  }

  if (oidc === null) {
    return (
      <Center mih="100vh" p="md" bg="gray.1">
        <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%">
          {passwordForm}
        </Paper>
      </Center>
    );
  }

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%">
        <Stack>
          <LoginHeading />
          {endedReason !== null && !login.isPending && !leaving && (
            <Alert color="yellow" title="Signed out" role="status">
              {endedReason}
            </Alert>
          )}
          {providerStart.isError && (
            <Alert color="red" title="Sign-in failed" role="alert">
              {providerStart.error.message}
            </Alert>
          )}
          <Button
            size="md"
            loading={leaving}
            onClick={() => {
              session.clearEndedReason();
              providerStart.mutate(next);
            }}
          >
            Sign in with {oidc.oidc_provider_name}
          </Button>
          {breakGlass ? (
            <>
              <Anchor
                component="button"
                type="button"
                size="sm"
                aria-expanded={localOpen}
                aria-controls={localOpen ? localId : undefined}
                onClick={() => {
                  setLocalOpen((open) => !open);
                }}
              >
                Local account
              </Anchor>
              {localOpen && (
                <div id={localId}>
                  <Text size="xs" c="dimmed" mb="xs">
                    For the accounts allowed to sign in with a Strongroom password when the
                    organisation's sign-in is not available.
                  </Text>
                  {passwordForm}
                </div>
              )}
            </>
          ) : (
            <>
              <Divider label="or with a Strongroom password" labelPosition="center" />
              {passwordForm}
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

function LoginHeading() {
  return (
    <div>
      <Title order={1} size="h2">
        Strongroom
      </Title>
      <Text c="dimmed" size="sm">
        Sign in to continue
      </Text>
    </div>
  );
}
