import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';
import { signingMethodOf } from '@/lib/auth/oidc';

import { useMeRefresh, useRecoveryCodesRegenerate, useTwoFactorDisable } from '../api/two-factor';

import { RecoveryCodes } from './RecoveryCodes';
import { SigningPasswordSection } from './SigningPasswordSection';
import { TwoFactorEnrolment } from './TwoFactorEnrolment';

function RegenerateRecoveryCodes() {
  const regenerate = useRecoveryCodesRegenerate();
  const [codes, setCodes] = useState<string[] | null>(null);
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (value.trim() === '' ? 'Enter the code' : null) },
  });
  if (codes !== null) {
    return (
      <RecoveryCodes
        codes={codes}
        onDone={() => {
          setCodes(null);
        }}
      />
    );
  }
  return (
    <form
      aria-labelledby="recovery-codes-title"
      onSubmit={form.onSubmit((values) => {
        regenerate.mutate(
          { code: values.code.trim() },
          {
            onSuccess: (result) => {
              form.reset();
              setCodes(result.recovery_codes);
            },
            onError: (error) => {
              form.setErrors(fieldErrors(error));
            },
          },
        );
      })}
      noValidate
    >
      <Stack gap="xs">
        <Title order={3} size="h5" id="recovery-codes-title">
          New recovery codes
        </Title>
        <Text size="sm" c="dimmed">
          Ten new codes replace the old ones, which stop working.
        </Text>
        {regenerate.isError && (
          <Alert color="red" role="alert">
            {formErrorOf(regenerate.error, ['code'])}
          </Alert>
        )}
        <Group align="flex-end">
          <TextInput
            label="Code from the app"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            {...form.getInputProps('code')}
          />
          <Button type="submit" variant="default" loading={regenerate.isPending}>
            Replace recovery codes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DisableTwoFactor() {
  const disable = useTwoFactorDisable();
  const form = useForm({
    initialValues: { password: '', code: '' },
    validate: {
      password: (value) => (value === '' ? 'Enter your password' : null),
      code: (value) => (value.trim() === '' ? 'Enter the code' : null),
    },
  });
  return (
    <form
      aria-labelledby="disable-two-factor-title"
      onSubmit={form.onSubmit((values) => {
        disable.mutate(
          { password: values.password, code: values.code.trim() },
          {
            onError: (error) => {
              form.setErrors(fieldErrors(error));
            },
          },
        );
      })}
      noValidate
    >
      <Stack gap="xs">
        <Title order={3} size="h5" id="disable-two-factor-title">
          Turn two-factor sign-in off
        </Title>
        {disable.isError && (
          <Alert color="red" role="alert">
            {formErrorOf(disable.error, ['password', 'code'])}
          </Alert>
        )}
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          {...form.getInputProps('password')}
        />
        <TextInput
          label="Code from the app or a recovery code"
          autoComplete="one-time-code"
          required
          {...form.getInputProps('code')}
        />
        <Group>
          <Button type="submit" color="red" variant="light" loading={disable.isPending}>
            Turn off
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TwoFactorSection({ me }: { me: Me }) {
  const [enrolling, setEnrolling] = useState(false);
  const refreshMe = useMeRefresh();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="two-factor-title">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4" id="two-factor-title">
            Two-factor sign-in
          </Title>
          <Badge color={me.two_factor_enabled ? 'green' : 'gray'} variant="light">
            {me.two_factor_enabled ? 'On' : 'Off'}
          </Badge>
        </Group>
        <Text size="sm">
          {me.two_factor_enabled
            ? 'Every sign-in takes a code from your authenticator app after your password.'
            : 'Add a code from an authenticator app to your password at every sign-in.'}
          {me.two_factor_required && ' Your role requires it.'}
        </Text>
        {enrolling ? (
          <TwoFactorEnrolment
            challenge={null}
            onDone={() => {
              setEnrolling(false);
              void refreshMe();
            }}
          />
        ) : (
          !me.two_factor_enabled && (
            <Group>
              <Button
                onClick={() => {
                  setEnrolling(true);
                }}
              >
                Set up two-factor sign-in
              </Button>
            </Group>
          )
        )}
        {me.two_factor_enabled && !enrolling && <RegenerateRecoveryCodes />}
        {me.two_factor_enabled && !enrolling && !me.two_factor_required && <DisableTwoFactor />}
      </Stack>
    </Paper>
  );
}

export function AccountPage({ me }: { me: Me }) {
  return (
    <Stack maw={640}>
      <div>
        <Title order={1} size="h2">
          Your account
        </Title>
        <Text c="dimmed" size="sm">
          {me.full_name} · {me.username} · {me.role ?? 'no role'}
        </Text>
      </div>
      {signingMethodOf(me) === 'signing_password' && (
        <SigningPasswordSection passwordSet={me.signing_password_set} />
      )}
      <TwoFactorSection me={me} />
    </Stack>
  );
}
