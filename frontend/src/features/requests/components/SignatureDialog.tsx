import { Paper, Select, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';

import { SignedActionDialog } from '@/components/ui/SignedActionDialog';
import { WitnessFields } from '@/components/ui/WitnessFields';
import { fieldErrors } from '@/lib/api/field-errors';
import type { RequestDetail } from '@/lib/api/types';
import { humanize } from '@/lib/format';
import {
  isPasswordRefusal,
  signatureFieldErrors,
  useSignerIdPrompt,
} from '@/lib/auth/signing-session';

import { useCrateDocuments } from '@/entities/documents/get-crate-documents';
import { useShelves } from '@/entities/locations/get-shelves';
import { useTransitionRequest } from '../api/transition-request';
import { actionColor, transitionPath, type AvailableAction } from './request-actions';

interface SignatureDialogProps {
  request: RequestDetail;
  /** How many documents the signature covers (null: not known yet). */
  documentCount?: number | null;
  spec: AvailableAction;
  signerName: string;
  onClose: () => void;
  onDone: (detail: RequestDetail) => void;
}

function documentsText(request: RequestDetail, count: number | null): string {
  if (count === null) {
    return request.documents.length === 0 ? 'the whole crate' : 'documents: …';
  }
  const noun = count === 1 ? 'document' : 'documents';
  return request.documents.length === 0
    ? `the whole crate: ${String(count)} ${noun}`
    : `${String(count)} ${noun}`;
}

/**
 * Every state-changing action is signed: the signer's password, a reason and the meaning of the
 * signature. A refused signature shows the server's message and changes nothing.
 */
export function SignatureDialog({
  request,
  documentCount = null,
  spec,
  signerName,
  onClose,
  onDone,
}: SignatureDialogProps) {
  const transition = useTransitionRequest(request.id);
  const shelves = useShelves(request.unit, spec.shelf !== 'none');
  const signerId = useSignerIdPrompt();
  const form = useForm({
    initialValues: {
      username: '',
      password: '',
      reason: '',
      shelf: '',
      witnessUsername: '',
      witnessPassword: '',
    },
    validate: {
      password: (value) => signerId.checkPassword(value),
      reason: (value) =>
        spec.reason_required && value.trim() === '' ? 'A reason is required' : null,
      shelf: (value) => (spec.shelf === 'required' && value === '' ? 'Choose a shelf' : null),
      witnessUsername: (value) => (spec.witness && value.trim() === '' ? 'Required' : null),
      witnessPassword: (value) => (spec.witness && value === '' ? 'Required' : null),
    },
  });

  const shelfOptions =
    shelves.data?.results.map((shelf) => ({
      value: String(shelf.id),
      label: `${shelf.full_code} (${shelf.free} free)`,
      disabled: shelf.free <= 0,
    })) ?? [];

  return (
    <SignedActionDialog
      title={`${spec.label}: ${request.number}`}
      signerName={signerName}
      meaning={spec.meaning_label}
      verb={spec.label.toLowerCase()}
      color={actionColor(spec)}
      reasonRequired={spec.reason_required}
      reason={form.getInputProps('reason')}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={transition.isPending}
      error={transition.isError ? transition.error : null}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        const action = transitionPath(spec);
        if (action === undefined) {
          return; // not an action this client can call (dialogActions offers none such)
        }
        transition.mutate(
          {
            action,
            body: {
              version: request.version ?? 0,
              signature: signerId.signature(values),
              reason: values.reason.trim(),
              ...(values.shelf === '' ? {} : { shelf: Number(values.shelf) }),
              ...(spec.witness
                ? {
                    witness: {
                      username: values.witnessUsername.trim(),
                      password: values.witnessPassword,
                    },
                  }
                : {}),
            },
          },
          {
            onSuccess: (detail) => {
              onDone(detail);
            },
            onError: (error) => {
              if (!signerId.noteError(error) && isPasswordRefusal(error)) {
                form.setFieldValue('password', '');
              }
              if (fieldErrors(error)['witness.password'] !== undefined) {
                form.setFieldValue('witnessPassword', '');
              }
              form.setErrors(signatureFieldErrors(error));
            },
          },
        );
      })}
    >
      <Paper withBorder p="xs" aria-label="What you sign" role="group" data-testid="signing-what">
        <Text size="sm">
          <strong>{request.number}</strong> · {humanize(request.type)} · crate{' '}
          <span className="crate-code" style={{ fontFamily: 'monospace' }}>
            {request.crate_code}
          </span>{' '}
          · {documentsText(request, documentCount)}
        </Text>
        <Text size="xs" c="dimmed">
          The documents are listed on the request page behind this dialog.
        </Text>
      </Paper>
      {spec.shelf !== 'none' && (
        <Select
          label={spec.shelf === 'required' ? 'Shelf' : 'Shelf (default: the last one)'}
          placeholder={shelves.isLoading ? 'Loading shelves…' : 'Choose a shelf'}
          data={shelfOptions}
          searchable
          clearable={spec.shelf === 'optional'}
          required={spec.shelf === 'required'}
          data-autofocus
          {...form.getInputProps('shelf')}
          onChange={(value: string | null) => {
            form.setFieldValue('shelf', value ?? '');
          }}
        />
      )}
      {spec.witness && (
        <WitnessFields
          username={form.getInputProps('witnessUsername')}
          password={form.getInputProps('witnessPassword')}
        />
      )}
    </SignedActionDialog>
  );
}

/** The dialog on the request page: counts the documents the signature covers. */
export function RequestSignatureDialog(props: Omit<SignatureDialogProps, 'documentCount'>) {
  const crateDocuments = useCrateDocuments(props.request.crate);
  const page = crateDocuments.data;
  let count: number | null = null;
  if (props.request.documents.length > 0) {
    count = props.request.documents.length;
  } else if (page !== undefined && (page.next === null || page.next === undefined)) {
    count = page.results.length;
  }
  return (
    <SignatureDialog
      {...props}
      documentCount={count}
      onDone={(updated) => {
        // Wherever a request is signed (its page, a dashboard review), the same confirmation.
        notifications.show({
          color: 'green',
          title: 'Signed',
          message: `${updated.number} is now ${humanize(updated.status ?? '')}.`,
        });
        props.onDone(updated);
      }}
    />
  );
}
