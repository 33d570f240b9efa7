import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, Textarea } from '@mantine/core';
import type { GetInputPropsReturnType } from '@mantine/form';
import { useLayoutEffect, type ReactNode, type SubmitEventHandler } from 'react';

import { formErrorOf } from '@/lib/api/field-errors';
import { useSigningMethod } from '@/lib/auth/signing-session';

import { SignerIdInput } from './SignerIdInput';

/** The request fields a signature dialog shows on their own inputs; the alert adds the server's
 *  messages for any other, so nothing it said is lost. */
const DIALOG_FIELDS = ['signature', 'reason', 'shelf', 'witness'];

/** What Mantine's `form.getInputProps(field)` returns. */
type FieldProps = GetInputPropsReturnType;

interface SignedActionDialogProps {
  title: string;
  /** The signer's printed name (the name the signature shows). */
  signerName: string;
  /** What the signature means, as the server records it (e.g. "Legal hold placed"). */
  meaning: string;
  /** The verb of the submit button: "Sign and {verb}" (or, for a user who signs by
   *  re-authenticating, "Confirm identity with {provider} and {verb}"). */
  verb: string;
  color?: string;
  reasonRequired: boolean;
  /** The reason field; none when the action takes no reason (its signature says what it is). */
  reason?: FieldProps | undefined;
  /** The user ID field, shown when given: the first signature of a session takes it. */
  username?: FieldProps | undefined;
  /** The password field; not shown to a user who signs by re-authenticating at the provider. */
  password: FieldProps;
  pending: boolean;
  /** The server's refusal; nothing changed. */
  error: Error | null;
  /** More request fields the action's own inputs show the server's messages on (e.g. a
   *  scanned label), so the alert does not repeat them. */
  fields?: readonly string[];
  onSubmit: SubmitEventHandler<HTMLFormElement>;
  onClose: () => void;
  /**
   * Fields of the action itself (a shelf, a witness…), shown above the reason; the first of
   * them that should take the focus when the dialog opens carries `data-autofocus`.
   */
  children?: ReactNode;
}

/**
 * Gives the focus back to what had it when the dialog opened (the button that opened it) once
 * the dialog goes away, by Esc, Close or signing: callers unmount the dialog, so Mantine's own
 * return of focus (on `opened` turning false) never runs.
 */
function useReturnFocusOnUnmount(): void {
  useLayoutEffect(() => {
    const opener = document.activeElement;
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected && opener !== document.body) {
        opener.focus();
      }
    };
  }, []);
}

/**
 * The electronic-signature dialog every state-changing action uses (21 CFR Part 11 §11.50):
 * who signs, what the signature means, a reason, the password; a refusal shows the server's
 * message and changes nothing. The caller owns the form and the mutation.
 */
export function SignedActionDialog({
  title,
  signerName,
  meaning,
  verb,
  color = 'blue',
  reasonRequired,
  reason,
  username,
  password,
  pending,
  error,
  fields = [],
  onSubmit,
  onClose,
  children,
}: SignedActionDialogProps) {
  useReturnFocusOnUnmount();
  const { reauthenticateWith, passwordLabel } = useSigningMethod();
  let confirms = 'Your password confirms that you, and only you, take this action.';
  if (reauthenticateWith !== null) {
    confirms = `Signing in again at ${reauthenticateWith}, in a window that opens, confirms that you, and only you, take this action.`;
  } else if (username !== undefined) {
    confirms = 'Your user ID and password confirm that you, and only you, take this action.';
  }
  return (
    <Modal
      opened
      onClose={onClose}
      title={title}
      centered
      size="lg"
      closeOnClickOutside={!pending}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form noValidate onSubmit={onSubmit}>
        <Stack>
          <Alert color="blue" variant="light" title="Electronic signature" role="note">
            <Text size="sm">
              Signing as <strong>{signerName}</strong>. Meaning of this signature:{' '}
              <strong data-testid="signature-meaning">{meaning}</strong>.
            </Text>
            <Text size="sm">{confirms}</Text>
          </Alert>
          {error !== null && (
            <Alert color="red" role="alert" title="Not signed — nothing was changed">
              {formErrorOf(error, [...DIALOG_FIELDS, ...fields])}
            </Alert>
          )}
          {children}
          {reason !== undefined && (
            <Textarea
              label={reasonRequired ? 'Reason' : 'Reason (optional)'}
              required={reasonRequired}
              autosize
              minRows={2}
              // The first field takes the focus (unless an action field above it does: the
              // focus trap takes the first [data-autofocus]), not the password below it.
              data-autofocus
              {...reason}
            />
          )}
          {username !== undefined && reauthenticateWith === null && (
            // Below the reason, so it does not take the focus when the dialog opens (only
            // when the server refuses it).
            <SignerIdInput {...username} data-autofocus={undefined} />
          )}
          {reauthenticateWith === null && (
            <PasswordInput
              label={passwordLabel}
              required
              autoComplete="current-password"
              {...password}
            />
          )}
          {reauthenticateWith !== null && pending && (
            <Text size="sm" role="status">
              Confirm your identity in the {reauthenticateWith} window…
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={pending}>
              Close without signing
            </Button>
            <Button type="submit" color={color} loading={pending}>
              {reauthenticateWith === null
                ? `Sign and ${verb}`
                : `Confirm identity with ${reauthenticateWith} and ${verb}`}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
