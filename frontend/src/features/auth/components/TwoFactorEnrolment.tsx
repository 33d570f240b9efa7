import { Alert, Button, Code, Image, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useRef } from 'react';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';

import { type EnrolmentResult, useEnrolmentConfirm, useEnrolmentStart } from '../api/two-factor';

import { RecoveryCodes } from './RecoveryCodes';

/** Enrol an authenticator app: the QR code and the secret, a code to confirm, then the recovery
 *  codes (shown once). `challenge` is the sign-in's enrolment challenge, or null when signed in. */
export function TwoFactorEnrolment({
  challenge,
  onDone,
}: {
  challenge: string | null;
  onDone: (result: EnrolmentResult) => void;
}) {
  const start = useEnrolmentStart();
  const confirm = useEnrolmentConfirm();
  const input = useRef<HTMLInputElement>(null);
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (value.trim() === '' ? 'Enter the code' : null) },
  });
  const { mutate: startMutate } = start;

  useEffect(() => {
    startMutate(challenge);
  }, [startMutate, challenge]);

  useEffect(() => {
    if (confirm.isError) {
      input.current?.focus();
    }
  }, [confirm.isError, confirm.error]);

  if (confirm.data !== undefined) {
    const result = confirm.data;
    return (
      <RecoveryCodes
        codes={result.recovery_codes}
        onDone={() => {
          onDone(result);
        }}
      />
    );
  }
  if (start.isError) {
    return (
      <Alert color="red" title="The enrolment could not start" role="alert">
        {formErrorOf(start.error, [])}
      </Alert>
    );
  }
  if (start.data === undefined) {
    return <Loader role="status" aria-label="Preparing your authenticator secret" />;
  }
  return (
    <form
      onSubmit={form.onSubmit((values) => {
        confirm.mutate(
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
          Scan this QR code with an authenticator app (for example Microsoft Authenticator, Google
          Authenticator or FreeOTP), then enter the 6-digit code it shows.
        </Text>
        <Image
          src={start.data.qr_svg_data_uri}
          alt="QR code of your authenticator secret"
          w={200}
          h={200}
        />
        <div>
          <Text size="sm">Cannot scan it? Type this secret into the app:</Text>
          <Code block aria-label="Authenticator secret">
            {start.data.secret.match(/.{1,4}/g)?.join(' ')}
          </Code>
        </div>
        {confirm.isError && (
          <Alert color="red" title="Not confirmed" role="alert">
            {formErrorOf(confirm.error, ['code', 'challenge'])}
          </Alert>
        )}
        <TextInput
          ref={input}
          label="Code from the app"
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          {...form.getInputProps('code')}
        />
        <Button type="submit" loading={confirm.isPending}>
          Confirm
        </Button>
      </Stack>
    </form>
  );
}
