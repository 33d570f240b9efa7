import { Group, PasswordInput, TextInput } from '@mantine/core';
import type { GetInputPropsReturnType } from '@mantine/form';

interface WitnessFieldsProps {
  username: GetInputPropsReturnType;
  password: GetInputPropsReturnType;
  /** The witness's user ID takes the focus when the dialog opens (the first field to fill). */
  autoFocus?: boolean;
}

/**
 * The second signatory of a destruction: the witness types their own user ID and password in
 * the executor's dialog (a DESTRUCTION request, a crate of a destruction batch); the server
 * verifies both in the same call.
 */
export function WitnessFields({ username, password, autoFocus = true }: WitnessFieldsProps) {
  return (
    <Group grow align="flex-start">
      <TextInput
        label="Witness username"
        required
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        data-autofocus={autoFocus || undefined}
        {...username}
      />
      <PasswordInput label="Witness password" required autoComplete="off" {...password} />
    </Group>
  );
}
