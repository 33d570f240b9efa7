import {
  Alert,
  Button,
  Group,
  List,
  Modal,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { KeyboardEvent } from 'react';

import { SignedActionDialog } from '@/components/ui/SignedActionDialog';
import { WitnessFields } from '@/components/ui/WitnessFields';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import {
  isPasswordRefusal,
  signatureFieldErrors,
  useSignerIdPrompt,
} from '@/lib/auth/signing-session';
import { humanize } from '@/lib/format';

import { useDestroyItem, useMarkItemNotFound, useTransitionBatch } from '../api/transition-batch';
import type { BatchAction, BatchDetail, BatchItem } from '../api/types';
import { actionColor, isStale, place, transitionPath } from './batch-actions';

/** The refusal of a stale version, said as what it is; the page already shows the batch as it
 *  is now, so the person checks it and signs again (what they typed is kept). */
function StaleAlert({ error }: { error: Error }) {
  return (
    <Alert color="orange" role="alert" title="Changed by someone else — nothing was changed">
      {error.message} The page behind this dialog now shows the batch as it is; check it and sign
      again.
    </Alert>
  );
}

function crateWord(count: number): string {
  return count === 1 ? '1 crate' : `${String(count)} crates`;
}

/** What a batch transition signs: the batch, its unit and the crates it covers. */
function WhatYouSign({ batch }: { batch: BatchDetail }) {
  const covered = batch.items.filter((item) => item.state !== 'DROPPED');
  const dropped = batch.items.length - covered.length;
  return (
    <Paper withBorder p="xs" aria-label="What you sign" role="group" data-testid="signing-what">
      <Text size="sm">
        <strong>{batch.number}</strong> · unit {batch.unit_code} · {crateWord(covered.length)}
        {dropped > 0 ? ` (${String(dropped)} dropped, not covered)` : ''}
      </Text>
      <List size="sm" spacing={0} aria-label="Crates covered" style={{ columns: 2 }}>
        {covered.map((item) => (
          <List.Item key={item.id}>
            <span className="crate-code" style={{ fontFamily: 'monospace' }}>
              {item.crate_code}
            </span>
            {item.state === 'PENDING' ? '' : ` — ${item.state_display.toLowerCase()}`}
          </List.Item>
        ))}
      </List>
    </Paper>
  );
}

interface TransitionDialogProps {
  batch: BatchDetail;
  spec: BatchAction;
  signerName: string;
  onClose: () => void;
}

/** A signed status change of the batch (submit, send back, approve, cancel, complete). */
export function BatchTransitionDialog({ batch, spec, signerName, onClose }: TransitionDialogProps) {
  const transition = useTransitionBatch(batch.id);
  const signerId = useSignerIdPrompt();
  const form = useForm({
    initialValues: { username: '', password: '', reason: '' },
    validate: {
      password: (value) => signerId.checkPassword(value),
      reason: (value) =>
        spec.reason_required && value.trim() === '' ? 'A reason is required' : null,
    },
  });
  const stale = transition.isError && isStale(transition.error);

  return (
    <SignedActionDialog
      title={`${spec.label}: ${batch.number}`}
      signerName={signerName}
      meaning={spec.meaning_label ?? humanize(spec.meaning ?? spec.name)}
      verb={spec.label.toLowerCase()}
      color={actionColor(spec)}
      reasonRequired={spec.reason_required}
      reason={form.getInputProps('reason')}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={transition.isPending}
      error={transition.isError && !stale ? transition.error : null}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        const action = transitionPath(spec);
        if (action === undefined) {
          return;
        }
        transition.mutate(
          {
            action,
            body: {
              version: batch.version,
              signature: signerId.signature(values),
              reason: values.reason.trim(),
            },
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
      {stale && <StaleAlert error={transition.error} />}
      <WhatYouSign batch={batch} />
      {spec.name === 'complete' && (
        <Text size="sm" data-testid="completion-summary">
          {batch.destroyed_count} destroyed · {batch.not_found_count} not found ·{' '}
          {batch.dropped_count} dropped. Completing signs the batch and produces its certificate.
        </Text>
      )}
    </SignedActionDialog>
  );
}

interface ItemDialogProps {
  batch: BatchDetail;
  item: BatchItem;
  /** The action as the server offers it (its meaning). */
  spec: BatchAction;
  signerName: string;
  onClose: () => void;
}

/** Enter in the label field (a scanner's suffix) moves on instead of submitting the form. */
function nextFieldOnEnter(event: KeyboardEvent<HTMLInputElement>): void {
  if (event.key !== 'Enter') {
    return;
  }
  event.preventDefault();
  const fields = Array.from(
    event.currentTarget.form?.querySelectorAll<HTMLInputElement>('input:not([type=hidden])') ?? [],
  );
  fields[fields.indexOf(event.currentTarget) + 1]?.focus();
}

/**
 * Destroying one crate: its label scanned (or typed) must be its code, the executor signs
 * (DESTROYED) and a witness signs with their own user ID and password in the same call. A
 * crate that stopped being eligible is dropped by the server instead (nothing signed).
 */
export function DestroyItemDialog({ batch, item, spec, signerName, onClose }: ItemDialogProps) {
  const destroy = useDestroyItem(batch.id);
  const signerId = useSignerIdPrompt();
  const form = useForm({
    initialValues: {
      scannedCode: '',
      username: '',
      password: '',
      witnessUsername: '',
      witnessPassword: '',
    },
    validate: {
      scannedCode: (value) => (value.trim() === '' ? "Scan or type the crate's label" : null),
      password: (value) => signerId.checkPassword(value),
      witnessUsername: (value) => (value.trim() === '' ? 'Required' : null),
      witnessPassword: (value) => (value === '' ? 'Required' : null),
    },
  });
  const stale = destroy.isError && isStale(destroy.error);

  return (
    <SignedActionDialog
      title={`Destroy crate ${item.crate_code}`}
      signerName={signerName}
      meaning={spec.meaning_label ?? 'Destroyed'}
      verb="destroy"
      color="red"
      reasonRequired={false}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={destroy.isPending}
      error={destroy.isError && !stale ? destroy.error : null}
      fields={['scanned_code']}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        destroy.mutate(
          {
            itemId: item.id,
            body: {
              version: batch.version,
              scanned_code: values.scannedCode.trim(),
              signature: signerId.signature(values),
              witness: {
                username: values.witnessUsername.trim(),
                password: values.witnessPassword,
              },
            },
          },
          {
            onSuccess: (updated) => {
              const after = updated.items.find((candidate) => candidate.id === item.id);
              if (after?.state === 'DROPPED') {
                notifications.show({
                  color: 'orange',
                  title: `${item.crate_code} left the batch — nothing was signed`,
                  message: after.reason,
                });
              } else {
                notifications.show({
                  color: 'green',
                  title: 'Signed',
                  message: `Crate ${item.crate_code} is destroyed.`,
                });
              }
              onClose();
            },
            onError: (error) => {
              if (!signerId.noteError(error) && isPasswordRefusal(error)) {
                form.setFieldValue('password', '');
              }
              const server = fieldErrors(error);
              if (server['witness.password'] !== undefined) {
                form.setFieldValue('witnessPassword', '');
              }
              const errors = signatureFieldErrors(error);
              if (server.scanned_code !== undefined) {
                errors.scannedCode = server.scanned_code;
              }
              form.setErrors(errors);
            },
          },
        );
      })}
    >
      {stale && <StaleAlert error={destroy.error} />}
      <Paper withBorder p="xs" aria-label="What you sign" role="group" data-testid="signing-what">
        <Text size="sm">
          <strong>{batch.number}</strong> · crate{' '}
          <span className="crate-code" style={{ fontFamily: 'monospace' }}>
            {item.crate_code}
          </span>{' '}
          · {item.document_count === 1 ? '1 document' : `${String(item.document_count)} documents`}{' '}
          · {place(item)}
        </Text>
      </Paper>
      <TextInput
        label="Crate label"
        description="Scan the label on the crate (or type its code): it must be this crate."
        required
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        ff="monospace"
        data-autofocus
        onKeyDown={nextFieldOnEnter}
        {...form.getInputProps('scannedCode')}
      />
      <Text size="sm" fw={600}>
        The witness signs with their own user ID and password
      </Text>
      <WitnessFields
        username={form.getInputProps('witnessUsername')}
        password={form.getInputProps('witnessPassword')}
        autoFocus={false}
      />
    </SignedActionDialog>
  );
}

/** The crate is not where the pick-list says: it leaves the batch NOT_FOUND with the reason
 *  (not signed: nothing is destroyed). */
export function NotFoundDialog({
  batch,
  item,
  onClose,
}: Omit<ItemDialogProps, 'signerName' | 'spec'>) {
  const mark = useMarkItemNotFound(batch.id);
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (value) => (value.trim() === '' ? 'A reason is required' : null) },
  });
  const stale = mark.isError && isStale(mark.error);
  return (
    <Modal
      opened
      onClose={onClose}
      title={`Crate ${item.crate_code} not found`}
      centered
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          mark.mutate(
            { itemId: item.id, body: { version: batch.version, reason: values.reason.trim() } },
            {
              onSuccess: () => {
                notifications.show({
                  color: 'orange',
                  title: 'Marked not found',
                  message: `Crate ${item.crate_code} is marked not found in ${batch.number}.`,
                });
                onClose();
              },
              onError: (error) => {
                const server = fieldErrors(error);
                if (server.reason !== undefined) {
                  form.setFieldError('reason', server.reason);
                }
              },
            },
          );
        })}
      >
        <Stack>
          <Text size="sm">
            Expected at <strong>{place(item)}</strong> (room / rack / shelf). The crate leaves the
            batch as not found, with your reason; it is not destroyed.
          </Text>
          {mark.isError &&
            (stale ? (
              <StaleAlert error={mark.error} />
            ) : (
              <Alert color="red" role="alert" title="Nothing was changed">
                {formErrorOf(mark.error, ['reason'])}
              </Alert>
            ))}
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            data-autofocus
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={mark.isPending}>
              Close
            </Button>
            <Button type="submit" color="orange" loading={mark.isPending}>
              Mark not found
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
