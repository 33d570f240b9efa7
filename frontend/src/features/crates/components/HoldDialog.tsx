import { useForm } from '@mantine/form';

import { SignedActionDialog } from '@/components/ui/SignedActionDialog';
import type { CrateDetail } from '@/lib/api/types';
import {
  isPasswordRefusal,
  signatureFieldErrors,
  useSignerIdPrompt,
} from '@/lib/auth/signing-session';

import { useChangeHold } from '../api/hold-crate';
import type { HoldSpec } from './crate-actions';

interface HoldDialogProps {
  crate: CrateDetail;
  spec: HoldSpec;
  signerName: string;
  onClose: () => void;
  onDone: (crate: CrateDetail) => void;
}

/** Places or releases a legal hold with an electronic signature; a reason is required. */
export function HoldDialog({ crate, spec, signerName, onClose, onDone }: HoldDialogProps) {
  const change = useChangeHold(crate.id);
  const signerId = useSignerIdPrompt();
  const form = useForm({
    initialValues: { username: '', password: '', reason: '' },
    validate: {
      password: (value) => signerId.checkPassword(value),
      reason: (value) => (value.trim() === '' ? 'A reason is required' : null),
    },
  });
  return (
    <SignedActionDialog
      title={`${spec.label}: ${crate.code}`}
      signerName={signerName}
      meaning={spec.meaning}
      verb={spec.verb}
      color={spec.color}
      reasonRequired
      reason={form.getInputProps('reason')}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={change.isPending}
      error={change.isError ? change.error : null}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        change.mutate(
          {
            action: spec.action,
            body: {
              version: crate.version,
              reason: values.reason.trim(),
              signature: signerId.signature(values),
            },
          },
          {
            onSuccess: onDone,
            onError: (error) => {
              if (!signerId.noteError(error) && isPasswordRefusal(error)) {
                form.setFieldValue('password', '');
              }
              form.setErrors(signatureFieldErrors(error));
            },
          },
        );
      })}
    />
  );
}
