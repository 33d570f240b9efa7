import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Paper,
  PasswordInput,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { SignerIdInput } from '@/components/ui/SignerIdInput';
import { useDocumentTypes } from '@/entities/documents/get-document-types';
import type { Me, RequestDetail } from '@/lib/api/types';
import { ApiError } from '@/lib/api-client';
import { fieldErrors, rowFieldErrors } from '@/lib/api/field-errors';
import { abandonReauthentications } from '@/lib/auth/reauthenticate';
import { useSignatureCredentials } from '@/lib/auth/signing-session';
import { formatDate, formatDateTime, humanize } from '@/lib/format';

import { useEditAndResubmit } from '../api/edit-request';
import { useCrate } from '@/entities/crates/get-crate';
import { useRequest } from '../api/get-request';
import { useTargetShelves } from '@/entities/locations/get-target-shelves';
import { DocumentRowsEditor } from './DocumentRowsEditor';
import { correctionValuesOf, correctionsOf, mayCorrect } from './request-corrections';
import { shelfOptions } from './shelf-options';
import {
  documentRowChanges,
  editableRowsOf,
  newEditableRow,
  rowsComplete,
  type EditableDocumentRow,
} from './storage-corrections';

/** A refusal of the signature's password: only then is the typed password emptied. */
function passwordRefused(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.code === 'signature_invalid' || fieldErrors(error)['signature.password'] !== undefined)
  );
}

function EditForm({ me, detail }: { me: Me; detail: RequestDetail }) {
  const navigate = useNavigate();
  const initial = correctionValuesOf(detail);
  const [readVersion] = useState(detail.version);
  const [purpose, setPurpose] = useState(initial.purpose);
  const [returnOn, setReturnOn] = useState<string | null>(initial.expectedReturnOn);
  const [wholeCrate, setWholeCrate] = useState(initial.documentIds.length === 0);
  const [documentIds, setDocumentIds] = useState(initial.documentIds.map(String));
  const [target, setTarget] = useState<string | null>(
    initial.targetLocation === null ? null : String(initial.targetLocation),
  );
  const [response, setResponse] = useState('');
  const credentials = useSignatureCredentials();
  const [attempted, setAttempted] = useState(false);
  const crate = useCrate(detail.crate);
  const shelves = useTargetShelves(detail.type === 'TRANSFER');
  const resubmit = useEditAndResubmit(detail.id);
  // The rows' hints: which approved retention rule each type gets in the crate's department.
  const documentTypes = useDocumentTypes(crate.data?.department);
  const serverErrors = fieldErrors(resubmit.error);
  const storage = detail.type === 'STORAGE';
  const crateDocuments = crate.data?.documents;
  // A storage request's rows, read from its crate; read again only when a saved correction
  // moved the request to a new version (the crate as corrected: what was typed, with ids).
  const [rows, setRows] = useState<EditableDocumentRow[]>([]);
  const [rowsReadAt, setRowsReadAt] = useState<number | null>(null);
  const readAt = detail.version ?? 0;
  if (storage && crateDocuments !== undefined && rowsReadAt !== readAt) {
    // Adjusting state while rendering (no effect): the rows are read before they are shown.
    setRows(editableRowsOf(crateDocuments));
    setRowsReadAt(readAt);
  }
  const byRow = rowFieldErrors(resubmit.error, 'new_documents');
  const rowErrors = {
    rows: rows.map((_, index) => byRow[index] ?? {}),
    list: serverErrors['new_documents.non_field_errors'] ?? null,
  };
  const updateRow = (key: number, patch: Partial<EditableDocumentRow>) => {
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  };

  const tomorrow = dayjs().add(1, 'day').format('YYYY-MM-DD');
  const openSendBack = [...detail.send_backs]
    .reverse()
    .find((sendBack) => sendBack.resolved_at === null || sendBack.resolved_at === undefined);
  const errors = {
    purpose: purpose.trim() === '' ? 'Say what the request is for' : null,
    returnOn:
      detail.type === 'WITHDRAWAL' && (returnOn === null || returnOn < tomorrow)
        ? 'Pick a day after today'
        : null,
    documents:
      detail.type === 'WITHDRAWAL' && !wholeCrate && documentIds.length === 0
        ? 'Choose at least one document'
        : null,
    target: detail.type === 'TRANSFER' && target === null ? 'Choose the target shelf' : null,
    rows:
      storage && rowsReadAt !== null && !rowsComplete(rows)
        ? 'Complete every document row (number, title, type, ISO preparation date).'
        : null,
    response: response.trim() === '' ? 'Answer the send-back: what did you correct?' : null,
    username:
      credentials.usernameRequired && credentials.username.trim() === ''
        ? 'Enter your user ID to sign'
        : null,
    password:
      credentials.reauthenticateWith === null && credentials.password === ''
        ? 'Enter your password to sign'
        : null,
  };
  const shown = (key: keyof typeof errors) => (attempted ? errors[key] : null);

  const submit = () => {
    setAttempted(true);
    if (Object.values(errors).some((error) => error !== null)) {
      return;
    }
    const corrections = correctionsOf(detail, {
      purpose,
      expectedReturnOn: returnOn,
      documentIds: wholeCrate ? [] : documentIds.map(Number),
      targetLocation: target === null ? null : Number(target),
      documentRows:
        storage && crateDocuments !== undefined ? documentRowChanges(crateDocuments, rows) : null,
    });
    resubmit.mutate(
      {
        version: detail.version ?? 0,
        corrections,
        response: response.trim(),
        signature: credentials.signature(),
        crateId: detail.crate,
      },
      {
        onSuccess: (updated) => {
          notifications.show({
            color: 'green',
            title: 'Resubmitted',
            message: `${updated.number} is submitted again.`,
          });
          void navigate(`/requests/${String(updated.id)}`);
        },
        onError: (error) => {
          // A correction refused before the resubmission left: its re-authentication window
          // (if one was opened) closes.
          abandonReauthentications();
          // Whatever else was refused (a row, the version), what was typed stays, the
          // password too; a wrong password is emptied, a missing user ID asked for.
          if (passwordRefused(error) || fieldErrors(error)['signature.username'] !== undefined) {
            credentials.onError(error);
          }
        },
      },
    );
  };

  const activeDocuments = crate.data?.documents.filter((doc) => doc.status === 'ACTIVE') ?? [];

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack>
        {openSendBack !== undefined && (
          <Alert color="orange" title="Sent back for correction" role="note">
            <Text size="sm">
              <strong>{openSendBack.sent_by_name}</strong>, {formatDateTime(openSendBack.sent_at)}:
            </Text>
            <Text size="sm" data-testid="send-back-reason">
              {openSendBack.reason}
            </Text>
          </Alert>
        )}
        <Paper withBorder p="md" component="section" aria-labelledby="corrections">
          <Title order={2} size="h4" id="corrections" mb="sm">
            Corrections
          </Title>
          <Stack>
            <Text size="sm">
              Crate <strong style={{ fontFamily: 'monospace' }}>{detail.crate_code}</strong> ·{' '}
              {detail.crate_location_code ?? 'no shelf'} · {detail.unit_code}
            </Text>
            {detail.type === 'DESTRUCTION' && (
              <Text size="sm" c="dimmed">
                For a destruction request only the purpose can be corrected here; cancel it and
                raise a new one to change anything else.
              </Text>
            )}
            <Textarea
              label="Purpose"
              required
              autosize
              minRows={2}
              value={purpose}
              onChange={(event) => {
                setPurpose(event.currentTarget.value);
              }}
              error={shown('purpose') ?? serverErrors.purpose}
            />
            {detail.type === 'WITHDRAWAL' && (
              <>
                <DateInput
                  label="Expected return"
                  required
                  value={returnOn}
                  onChange={setReturnOn}
                  minDate={tomorrow}
                  valueFormat="YYYY-MM-DD"
                  placeholder="YYYY-MM-DD"
                  error={shown('returnOn') ?? serverErrors.expected_return_on}
                />
                <Radio.Group
                  label="What do you need?"
                  value={wholeCrate ? 'whole' : 'some'}
                  onChange={(value) => {
                    setWholeCrate(value === 'whole');
                  }}
                >
                  <Group mt="xs">
                    <Radio value="whole" label="The whole crate" />
                    <Radio value="some" label="Selected documents" />
                  </Group>
                </Radio.Group>
                {!wholeCrate && (
                  <Checkbox.Group
                    label="Documents in the crate"
                    value={documentIds}
                    onChange={setDocumentIds}
                    error={shown('documents') ?? serverErrors.documents}
                  >
                    <Table mt="xs">
                      <Table.Tbody>
                        {activeDocuments.map((doc) => (
                          <Table.Tr key={doc.id}>
                            <Table.Td>
                              <Checkbox
                                value={String(doc.id)}
                                label={`${doc.number} — ${doc.title}`}
                              />
                            </Table.Td>
                            <Table.Td>{doc.doc_type_name}</Table.Td>
                            <Table.Td>{formatDate(doc.prepared_on)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Checkbox.Group>
                )}
              </>
            )}
            {detail.type === 'TRANSFER' && (
              <Select
                label="Target shelf"
                placeholder={shelves.isLoading ? 'Loading shelves…' : 'Choose a shelf'}
                data={shelfOptions(shelves.data?.results ?? [], crate.data?.location ?? null)}
                searchable
                required
                value={target}
                onChange={setTarget}
                error={shown('target') ?? serverErrors.target_location}
              />
            )}
          </Stack>
        </Paper>

        {storage && (
          <Paper withBorder p="md" component="section" aria-labelledby="storage-documents">
            <Title order={2} size="h4" id="storage-documents" mb="sm">
              Documents ({rows.length})
            </Title>
            {crate.isLoading ? (
              <Loader size="sm" role="status" aria-label="Loading the documents" />
            ) : (
              <DocumentRowsEditor
                types={documentTypes.data}
                rows={rows}
                labelledBy="storage-documents"
                attempted={attempted}
                serverErrors={rowErrors.rows}
                onChange={updateRow}
                onAdd={() => {
                  setRows((current) => [...current, newEditableRow()]);
                }}
                onRemove={(key) => {
                  setRows((current) => current.filter((row) => row.key !== key));
                }}
                note="A row removed here removes the document from the crate; at least one stays."
              />
            )}
            {(shown('rows') ?? rowErrors.list) !== null && (
              <Text c="red" size="sm" role="alert">
                {shown('rows') ?? rowErrors.list}
              </Text>
            )}
          </Paper>
        )}

        <Paper withBorder p="md" component="section" aria-labelledby="resubmit-signature">
          <Title order={2} size="h4" id="resubmit-signature" mb="sm">
            Resubmit
          </Title>
          <Stack>
            <Textarea
              label="Your response to the send-back"
              description="Recorded with your signature as the reason of the resubmission."
              required
              autosize
              minRows={2}
              value={response}
              onChange={(event) => {
                setResponse(event.currentTarget.value);
              }}
              error={shown('response') ?? serverErrors.reason}
            />
            <Alert color="blue" variant="light" title="Electronic signature" role="note">
              Signing as <strong>{me.full_name}</strong>. Meaning of this signature:{' '}
              <strong>Resubmitted</strong>.
            </Alert>
            {resubmit.isError && (
              <Alert color="red" role="alert" title="Not resubmitted">
                {resubmit.error.message}
                {detail.version !== readVersion && detail.status === 'SENT_BACK'
                  ? ' Your corrections are saved; sign again to resubmit.'
                  : ''}
              </Alert>
            )}
            {credentials.usernameRequired && (
              <SignerIdInput
                value={credentials.username}
                onChange={(event) => {
                  credentials.setUsername(event.currentTarget.value);
                }}
                error={shown('username') ?? serverErrors['signature.username']}
              />
            )}
            {credentials.reauthenticateWith === null && (
              <PasswordInput
                label={credentials.passwordLabel}
                required
                autoComplete="current-password"
                value={credentials.password}
                onChange={(event) => {
                  credentials.setPassword(event.currentTarget.value);
                }}
                error={shown('password') ?? serverErrors['signature.password']}
              />
            )}
            <Group justify="space-between">
              <Button component={Link} to={`/requests/${String(detail.id)}`} variant="default">
                Back to the request
              </Button>
              <Button type="submit" loading={resubmit.isPending}>
                {credentials.reauthenticateWith === null
                  ? 'Sign and resubmit'
                  : `Confirm identity with ${credentials.reauthenticateWith} and resubmit`}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </Stack>
    </form>
  );
}

/** The requester corrects a sent-back request and resubmits it with a signature. */
export function EditRequestPage({ me }: { me: Me }) {
  const id = Number(useParams().requestId);
  const request = useRequest(id);

  if (!Number.isInteger(id)) {
    return <Alert color="red">Unknown request.</Alert>;
  }
  if (request.isLoading) {
    return <Loader role="status" aria-label="Loading the request" />;
  }
  if (request.isError) {
    return (
      <Alert color="red" role="alert" title="The request could not be loaded">
        {request.error.message}
      </Alert>
    );
  }
  const detail = request.data;
  if (detail === undefined) {
    return null;
  }
  return (
    <Stack maw={900}>
      <Anchor component={Link} to={`/requests/${String(id)}`} size="sm">
        ← {detail.number}
      </Anchor>
      <Group gap="sm">
        <Title order={1} size="h2">
          Correct and resubmit {detail.number}
        </Title>
        <Badge variant="outline">{humanize(detail.type)}</Badge>
      </Group>
      {mayCorrect(detail) ? (
        <EditForm me={me} detail={detail} />
      ) : (
        <Alert color="yellow" title="Not open for correction">
          Only its requester corrects a request, and only while it is sent back. It is{' '}
          {humanize(detail.status ?? '').toLowerCase()} now.
        </Alert>
      )}
    </Stack>
  );
}
