import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useRef } from 'react';

import { ApiError } from '@/lib/api-client';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';

import { useLoginSecondFactor } from '../api/login';

/** The second step of a sign-in: a code from the authenticator app, or a recovery code. What was
 *  typed stays after a refusal, and the field takes the focus again with the reason. */
export function TwoFactorCodeStep({
  challenge,
  onRestart,
}: {
  challenge: string;
  onRestart: () => void;
}) {
  const verify = useLoginSecondFactor();
  const input = useRef<HTMLInputElement>(null);
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (value.trim() === '' ? 'Enter the code' : null) },
  });
  const expired = verify.error instanceof ApiError && verify.error.code === 'challenge_invalid';

  useEffect(() => {
    if (verify.isError) {
      input.current?.focus();
    }
  }, [verify.isError, verify.error]);

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        verify.mutate(
          { challenge, code: values.code.trim() },
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
        <Text size="sm">
          Enter the 6-digit code your authenticator app shows for Strongroom. Lost your phone? Enter
          one of your recovery codes instead.
        </Text>
        {verify.isError && (
          <Alert color="red" title="Not signed in" role="alert">
            {expired
              ? 'This sign-in took too long or was already used. Start again with your password.'
              : formErrorOf(verify.error, ['code', 'challenge'])}
          </Alert>
        )}
        <TextInput
          ref={input}
          label="Authentication code"
          autoComplete="one-time-code"
          spellCheck={false}
          autoCapitalize="none"
          required
          autoFocus
          {...form.getInputProps('code')}
        />
        <Button type="submit" loading={verify.isPending}>
          Verify
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onRestart}>
          Start again with your password
        </Anchor>
      </Stack>
    </form>
  );
}
