import { Alert, List, Paper, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';

import { SignedActionDialog } from '@/components/ui/SignedActionDialog';
import {
  isPasswordRefusal,
  signatureFieldErrors,
  useSignerIdPrompt,
} from '@/lib/auth/signing-session';
import { humanize } from '@/lib/format';

import { isStale, reconcileFinding, signAudit, useAuditMutation } from '../api/audit-actions';
import type { AuditAction, AuditDetail, AuditResult, ReconcileAction } from '../api/types';
import { ACTION_WORDS, resultCounts, resultWord } from './audit-logic';

function StaleAlert({ error }: { error: Error }) {
  return (
    <Alert color="orange" role="alert" title="Changed by someone else — nothing was changed">
      {error.message} The page behind this dialog now shows the audit as it is; check it and sign
      again.
    </Alert>
  );
}

/** What a reconciliation signs: the finding and what is done about it. */
function WhatYouSignFinding({
  audit,
  finding,
  action,
}: {
  audit: AuditDetail;
  finding: AuditResult;
  action: ReconcileAction;
}) {
  return (
    <Paper withBorder p="xs" aria-label="What you sign" role="group" data-testid="signing-what">
      <Text size="sm">
        <strong>{audit.number}</strong> · crate or code{' '}
        <span style={{ fontFamily: 'monospace' }}>{finding.code}</span> ·{' '}
        {resultWord(finding.result)}
      </Text>
      <Text size="sm">
        Expected on {finding.expected_shelf ?? '—'} · found on {finding.found_shelf ?? 'no shelf'}
      </Text>
      <Text size="sm">
        Resolution: <strong>{ACTION_WORDS[action]}</strong>
        {action === 'RELOCATE' && finding.found_shelf !== null
          ? ` — the crate is recorded on ${finding.found_shelf}`
          : ''}
        {action === 'MARK_MISSING'
          ? ' — no request or batch can take it, and its Unit Admins are told'
          : ''}
      </Text>
    </Paper>
  );
}

/** One discrepancy reconciled, signed RECONCILED: the location corrected, the crate marked
 *  missing, or an explanation. */
export function ReconcileDialog({
  audit,
  finding,
  spec,
  signerName,
  onClose,
}: {
  audit: AuditDetail;
  finding: AuditResult;
  spec: AuditAction;
  signerName: string;
  onClose: () => void;
}) {
  const findingId = finding.finding_id ?? 0;
  const reconcile = useAuditMutation(audit.id, (body: Parameters<typeof reconcileFinding>[2]) =>
    reconcileFinding(audit.id, findingId, body),
  );
  const signerId = useSignerIdPrompt();
  const allowed = finding.allowed_actions;
  const form = useForm({
    initialValues: {
      action: allowed[0] ?? 'EXPLAIN',
      note: '',
      username: '',
      password: '',
    },
    validate: {
      note: (value) => (value.trim() === '' ? 'An explanation is required' : null),
      password: (value) => signerId.checkPassword(value),
    },
  });
  const stale = reconcile.isError && isStale(reconcile.error);

  return (
    <SignedActionDialog
      title={`Reconcile ${finding.code}`}
      signerName={signerName}
      meaning={spec.meaning_label ?? 'Reconciled'}
      verb="reconcile"
      reasonRequired={false}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={reconcile.isPending}
      error={reconcile.isError && !stale ? reconcile.error : null}
      fields={['action', 'note']}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        reconcile.mutate(
          {
            version: audit.version,
            action: values.action,
            note: values.note.trim(),
            signature: signerId.signature(values),
          },
          {
            onSuccess: () => {
              notifications.show({
                color: 'green',
                title: 'Signed',
                message: `${finding.code}: ${ACTION_WORDS[values.action].toLowerCase()}.`,
              });
              onClose();
            },
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
      {stale && <StaleAlert error={reconcile.error} />}
      <Radio.Group label="Resolution" required {...form.getInputProps('action')}>
        <Stack gap={4} mt={4}>
          {allowed.map((action) => (
            <Radio key={action} value={action} label={ACTION_WORDS[action]} />
          ))}
        </Stack>
      </Radio.Group>
      <WhatYouSignFinding audit={audit} finding={finding} action={form.values.action} />
      <Textarea
        label="Explanation"
        required
        autosize
        minRows={2}
        data-autofocus
        {...form.getInputProps('note')}
      />
    </SignedActionDialog>
  );
}

/** What closing (or cancelling) signs: the count — scope, expected crates, scans and every
 *  finding with its resolution. */
function WhatYouSignAudit({ audit }: { audit: AuditDetail }) {
  const resolved = audit.results.filter((row) => row.resolution !== '');
  return (
    <Paper withBorder p="xs" aria-label="What you sign" role="group" data-testid="signing-what">
      <Text size="sm">
        <strong>{audit.number}</strong> · {audit.scope_code} · {audit.shelf_count} shelves ·{' '}
        {audit.expected_count} crates expected · {audit.scan_count} scans
      </Text>
      <Text size="sm">
        {resultCounts(audit.results)
          .map(([kind, count]) => `${String(count)} ${resultWord(kind).toLowerCase()}`)
          .join(' · ') || 'Nothing expected, nothing scanned'}
      </Text>
      {resolved.length > 0 && (
        <List size="sm" spacing={0} aria-label="Reconciliations">
          {resolved.map((row) => (
            <List.Item key={row.finding_id ?? row.code}>
              <span style={{ fontFamily: 'monospace' }}>{row.code}</span> —{' '}
              {humanize(row.resolution).toLowerCase()}: {row.note}
            </List.Item>
          ))}
        </List>
      )}
    </Paper>
  );
}

/** Closing (AUDIT_CLOSED: every shelf gets its last verified time) or cancelling the audit. */
export function SignAuditDialog({
  audit,
  spec,
  signerName,
  onClose,
}: {
  audit: AuditDetail;
  spec: AuditAction;
  signerName: string;
  onClose: () => void;
}) {
  const action = spec.name === 'close' ? 'close' : 'cancel';
  const sign = useAuditMutation(audit.id, (body: Parameters<typeof signAudit>[2]) =>
    signAudit(audit.id, action, body),
  );
  const signerId = useSignerIdPrompt();
  const form = useForm({
    initialValues: { username: '', password: '', reason: '' },
    validate: {
      password: (value) => signerId.checkPassword(value),
      reason: (value) =>
        spec.reason_required && value.trim() === '' ? 'A reason is required' : null,
    },
  });
  const stale = sign.isError && isStale(sign.error);
  return (
    <SignedActionDialog
      title={`${spec.label}: ${audit.number}`}
      signerName={signerName}
      meaning={spec.meaning_label ?? humanize(spec.name)}
      verb={action}
      color={action === 'close' ? 'green' : 'gray'}
      reasonRequired={spec.reason_required}
      reason={form.getInputProps('reason')}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={sign.isPending}
      error={sign.isError && !stale ? sign.error : null}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        sign.mutate(
          {
            version: audit.version,
            reason: values.reason.trim(),
            signature: signerId.signature(values),
          },
          {
            onSuccess: (updated) => {
              notifications.show({
                color: 'green',
                title: 'Signed',
                message: `${updated.number} is now ${humanize(updated.status).toLowerCase()}.`,
              });
              onClose();
            },
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
      {stale && <StaleAlert error={sign.error} />}
      <WhatYouSignAudit audit={audit} />
      {action === 'close' && (
        <Text size="sm">
          Closing signs the count and records every shelf of the audit as verified now.
        </Text>
      )}
    </SignedActionDialog>
  );
}
