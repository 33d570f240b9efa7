import { useForm } from '@mantine/form';

import { ApiError } from '@/lib/api-client';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';

export interface PasswordChangeValues {
  current: string;
  next: string;
  confirm: string;
}

interface PasswordChangeFormOptions {
  /** The request's names for the current and the new password, whose messages go on them. */
  serverFields: { current: string; next: string };
  /** What an empty current password says; null when none is asked (a first password). */
  currentMissing: string | null;
  /** Checks the new password before it is sent; the server's policy has the last word. */
  validateNext: (value: string) => string | null;
  /**
   * When given, a wrong current password (`invalid_credentials`) empties that field alone and
   * puts this message on it; otherwise the server's message on `current_password` stands.
   */
  wrongCurrent?: string;
}

/**
 * What the password forms share (the change the server requires, the signing password of a
 * federated user): the current, new and repeated password, their checks, and a refusal shown
 * on the fields concerned while what was typed stays.
 */
export function usePasswordChangeForm({
  serverFields,
  currentMissing,
  validateNext,
  wrongCurrent,
}: PasswordChangeFormOptions) {
  const form = useForm<PasswordChangeValues>({
    initialValues: { current: '', next: '', confirm: '' },
    validate: {
      current: (value) => (currentMissing !== null && value === '' ? currentMissing : null),
      next: validateNext,
      confirm: (value, values) => (value !== values.next ? 'The passwords differ' : null),
    },
  });

  /** Puts each of the refusal's messages on its field; nothing typed is lost. */
  const showRefusal = (error: unknown): void => {
    const server = fieldErrors(error);
    const errors: Record<string, string> = {};
    for (const own of ['current', 'next'] as const) {
      const message = server[serverFields[own]];
      if (message !== undefined) {
        errors[own] = message;
      }
    }
    if (
      wrongCurrent !== undefined &&
      error instanceof ApiError &&
      error.code === 'invalid_credentials'
    ) {
      // The current password was wrong: only it is emptied; the new one stays.
      form.setFieldValue('current', '');
      errors.current = wrongCurrent;
    }
    form.setErrors(errors);
  };

  /** What to show above the form: the refusal, with what it says about no field of the form. */
  const formError = (error: unknown): string | null =>
    formErrorOf(error, [serverFields.current, serverFields.next]);

  return { form, showRefusal, formError };
}
