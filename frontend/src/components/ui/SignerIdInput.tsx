import { TextInput, type TextInputProps } from '@mantine/core';
import { useEffect, useRef } from 'react';

/**
 * The signer's user ID, asked for with the password at the first signature of a session
 * (21 CFR 11.200(a)(1)). Focused whenever an error is put on it (in a dialog, `data-autofocus`
 * also focuses it when the dialog opens).
 */
export function SignerIdInput(props: TextInputProps) {
  const ref = useRef<HTMLInputElement>(null);
  const { error } = props;
  useEffect(() => {
    if (error !== undefined && error !== null && error !== false && error !== '') {
      ref.current?.focus();
    }
  }, [error]);
  return (
    <TextInput
      ref={ref}
      label="User ID"
      description="The first signature of a session takes your user ID as well as your password."
      required
      autoComplete="username"
      autoCapitalize="none"
      spellCheck={false}
      data-autofocus
      {...props}
    />
  );
}
