import { Alert, Button, Group, PasswordInput } from '@mantine/core';

export interface SubmitSignatureFieldsProps {
  signerName: string;
  password: string;
  onPasswordChange: (password: string) => void;
  attempted: boolean;
  pending: boolean;
  error: Error | null;
}

/** The signing part of a creation wizard: who signs, with what meaning, the password and the
 *  submit button. The page owns the form and the request. */
export function SubmitSignatureFields({
  signerName,
  password,
  onPasswordChange,
  attempted,
  pending,
  error,
}: SubmitSignatureFieldsProps) {
  return (
    <>
      <Alert color="blue" variant="light" title="Electronic signature" role="note">
        Signing as <strong>{signerName}</strong>. Meaning of this signature:{' '}
        <strong>Submitted</strong>.
      </Alert>
      {error && (
        <Alert color="red" role="alert" title="Not submitted">
          {error.message}
        </Alert>
      )}
      <PasswordInput
        label="Your password"
        required
        autoComplete="current-password"
        value={password}
        onChange={(event) => {
          onPasswordChange(event.currentTarget.value);
        }}
        error={attempted && password === '' ? 'Enter your password to sign' : null}
      />
      <Group justify="flex-end">
        <Button type="submit" loading={pending}>
          Sign and submit
        </Button>
      </Group>
    </>
  );
}
