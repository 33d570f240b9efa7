import { Stack } from '@mantine/core';
import type { ReactNode } from 'react';

import { SubmitSignatureFields, type SubmitSignatureFieldsProps } from './SubmitSignatureFields';

interface WizardSignStepProps extends SubmitSignatureFieldsProps {
  /** What is being signed, in a sentence. */
  children: ReactNode;
  onSubmit: () => void;
}

/** The last step of a creation wizard: what is submitted, then the signature form. */
export function WizardSignStep({ children, onSubmit, ...fields }: WizardSignStepProps) {
  return (
    <Stack mt="md">
      {children}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        <Stack>
          <SubmitSignatureFields {...fields} />
        </Stack>
      </form>
    </Stack>
  );
}
