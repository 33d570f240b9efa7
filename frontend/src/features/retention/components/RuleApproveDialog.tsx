import { Paper, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';

import { SignedActionDialog } from '@/components/ui/SignedActionDialog';
import type { RetentionRule } from '@/lib/api/types';
import {
  isPasswordRefusal,
  signatureFieldErrors,
  useSignerIdPrompt,
} from '@/lib/auth/signing-session';

import { useApproveRule, type RuleApproved } from '../api/change-rule';
import { RuleSummary } from './RuleSummary';
import { StaleNotice } from './StaleNotice';

/** The meaning the server records (SignatureMeaning.RULE_APPROVED). */
export const RULE_APPROVED_MEANING = 'Retention rule approved';

interface RuleApproveDialogProps {
  rule: RetentionRule;
  /** The approved version this one replaces, if any. */
  supersedes: RetentionRule | null;
  signerName: string;
  reloading: boolean;
  /** Reads the rule again; resolves to the version now current. */
  onReload: () => Promise<RetentionRule | undefined>;
  onClose: () => void;
  onDone: (result: RuleApproved) => void;
}

/**
 * Approves a draft with an electronic signature (RULE_APPROVED): the dialog shows exactly the
 * rule content signed, the version read goes with it, and a refusal changes nothing. The content
 * shown stays the one the dialog opened with: when the live stream brings a newer version, the
 * dialog says so (signing would be refused) until the signer reloads and reads it.
 */
export function RuleApproveDialog({
  rule: current,
  supersedes,
  signerName,
  reloading,
  onReload,
  onClose,
  onDone,
}: RuleApproveDialogProps) {
  const [rule, setRule] = useState(current);
  const approve = useApproveRule(rule.id);
  const reload = () => {
    void onReload().then((fresh) => {
      if (fresh !== undefined) {
        setRule(fresh);
        approve.reset();
      }
    });
  };
  const signerId = useSignerIdPrompt();
  const form = useForm({
    initialValues: { username: '', password: '', reason: '' },
    validate: {
      password: (value) => signerId.checkPassword(value),
    },
  });
  return (
    <SignedActionDialog
      title={`Approve ${rule.code} version ${String(rule.revision)}`}
      signerName={signerName}
      meaning={RULE_APPROVED_MEANING}
      verb="approve"
      color="green"
      reasonRequired={false}
      reason={form.getInputProps('reason')}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={approve.isPending}
      error={approve.isError ? approve.error : null}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        approve.mutate(
          {
            version: rule.version,
            reason: values.reason.trim(),
            signature: signerId.signature(values),
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
    >
      <StaleNotice
        error={approve.error}
        changed={current.version !== rule.version}
        onReload={reload}
        reloading={reloading}
      />
      <Paper withBorder p="sm" role="group" aria-label="What you sign" data-testid="signing-what">
        <RuleSummary rule={rule} cols={1} />
        <Text size="xs" c="dimmed" mt="sm">
          {supersedes === null
            ? 'Once approved, this rule governs the documents in its scope from today.'
            : `Once approved, it replaces version ${String(supersedes.revision)} from today.`}{' '}
          The retention dates of the documents it governs are recomputed (never shortened for
          records on legal hold).
        </Text>
        {rule.unit === null && (
          <Text size="xs" mt="xs" data-testid="every-unit">
            This rule has no unit: it governs the records of every unit, so only an approver of
            every unit may approve it.
          </Text>
        )}
      </Paper>
    </SignedActionDialog>
  );
}
