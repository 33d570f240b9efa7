import { Alert, Button, Group, PasswordInput, Text } from '@mantine/core';

import { SignerIdInput } from '@/components/ui/SignerIdInput';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { SignatureCredentials } from '@/lib/auth/signing-session';

export interface SubmitSignatureFieldsProps {
  signerName: string;
  credentials: SignatureCredentials;
  attempted: boolean;
  pending: boolean;
  error: Error | null;
  /** The request fields the page shows with their own messages; the alert adds the server's
   *  messages for any other, so nothing it said is lost. */
  formFields?: readonly string[];
}

/** The signing part of a creation wizard: who signs, with what meaning, the user ID when the
 *  server asks for it (first signature of a session), the password and the submit button. The
 *  page owns the form and the request. */
export function SubmitSignatureFields({
  signerName,
  credentials,
  attempted,
  pending,
  error,
  formFields = [],
}: SubmitSignatureFieldsProps) {
  const server = fieldErrors(error);
  const reauthenticateWith = credentials.reauthenticateWith;
  const passwordError =
    server['signature.password'] ??
    (attempted && credentials.password === '' ? 'Enter your password to sign' : null);
  return (
    <>
      <Alert color="blue" variant="light" title="Electronic signature" role="note">
        Signing as <strong>{signerName}</strong>. Meaning of this signature:{' '}
        <strong>Submitted</strong>.
      </Alert>
      {error && (
        <Alert color="red" role="alert" title="Not submitted">
          {formErrorOf(error, [...formFields, 'signature'])}
        </Alert>
      )}
      {credentials.usernameRequired && (
        <SignerIdInput
          value={credentials.username}
          onChange={(event) => {
            credentials.setUsername(event.currentTarget.value);
          }}
          error={
            server['signature.username'] ??
            (attempted && credentials.username.trim() === '' ? 'Enter your user ID to sign' : null)
          }
        />
      )}
      {reauthenticateWith === null ? (
        <PasswordInput
          label={credentials.passwordLabel}
          required
          autoComplete="current-password"
          value={credentials.password}
          onChange={(event) => {
            credentials.setPassword(event.currentTarget.value);
          }}
          error={passwordError}
          aria-invalid={passwordError !== null}
        />
      ) : (
        <Text size="sm">
          {pending
            ? `Confirm your identity in the ${reauthenticateWith} window…`
            : `You sign by signing in again at ${reauthenticateWith}, in a window that opens.`}
        </Text>
      )}
      <Group justify="flex-end">
        <Button type="submit" loading={pending}>
          {reauthenticateWith === null
            ? 'Sign and submit'
            : `Confirm identity with ${reauthenticateWith} and submit`}
        </Button>
      </Group>
    </>
  );
}
