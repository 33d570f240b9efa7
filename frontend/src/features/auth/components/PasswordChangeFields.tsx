import { PasswordInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';

import type { PasswordChangeValues } from './use-password-change-form';

interface PasswordChangeFieldsProps {
  form: UseFormReturnType<PasswordChangeValues>;
  /** The fields' labels; `current` null when no current password is asked (a first one). */
  labels: { current: string | null; next: string; confirm: string };
}

/** The current, new and repeated password of a form made by usePasswordChangeForm. */
export function PasswordChangeFields({ form, labels }: PasswordChangeFieldsProps) {
  return (
    <>
      {labels.current !== null && (
        <PasswordInput
          label={labels.current}
          autoComplete="current-password"
          required
          {...form.getInputProps('current')}
        />
      )}
      <PasswordInput
        label={labels.next}
        autoComplete="new-password"
        required
        {...form.getInputProps('next')}
      />
      <PasswordInput
        label={labels.confirm}
        autoComplete="new-password"
        required
        {...form.getInputProps('confirm')}
      />
    </>
  );
}
