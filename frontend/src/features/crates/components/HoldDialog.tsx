import { useForm } from '@mantine/form';

import { SignedActionDialog } from '@/components/ui/SignedActionDialog';
import type { CrateDetail } from '@/lib/api/types';

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
  const form = useForm({
    initialValues: { password: '', reason: '' },
    validate: {
      password: (value) => (value === '' ? 'Enter your password to sign' : null),
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
      password={form.getInputProps('password')}
      pending={change.isPending}
      error={change.isError ? change.error : null}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        change.mutate(
          {
            action: spec.action,
            body: {
              version: crate.version,
              reason: values.reason.trim(),
              signature: { password: values.password },
            },
          },
          {
            onSuccess: onDone,
            onError: () => {
              form.setFieldValue('password', '');
            },
          },
        );
      })}
    />
  );
}
