import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Checkbox,
  FileButton,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import type { Me } from '@/lib/api/types';
import { useSignatureCredentials } from '@/lib/auth/signing-session';

import { useCreateRequest } from '../api/create-request';
import { useDepartments } from '../api/get-departments';
import { useParseDocumentsCsv } from '../api/parse-documents-csv';
import {
  DOCUMENT_TYPES,
  emptyRow,
  rowComplete,
  rowFromCsv,
  toDocumentInput,
  type DocumentRow,
} from './document-rows';
import { SubmitSignatureFields } from './SubmitSignatureFields';

function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${String(Date.now())}-${String(Math.random())}`;
}

/** A storage request: a new crate with its documents, typed in or imported from CSV. */
export function NewStoragePage({ me }: { me: Me }) {
  const navigate = useNavigate();
  const departments = useDepartments();
  const parseCsv = useParseDocumentsCsv();
  const create = useCreateRequest();
  const [department, setDepartment] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [purpose, setPurpose] = useState('');
  const [rows, setRows] = useState<DocumentRow[]>(() => [emptyRow()]);
  const credentials = useSignatureCredentials();
  const [attempted, setAttempted] = useState(false);
  const [idempotencyKey] = useState(newIdempotencyKey);

  const chosen = departments.data?.results.find((d) => String(d.id) === department);
  const rowsValid = rows.length > 0 && rows.every(rowComplete);
  const valid = chosen !== undefined && purpose.trim() !== '' && rowsValid && credentials.complete;

  const update = (key: number, patch: Partial<DocumentRow>) => {
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  };

  const importCsv = (file: File | null) => {
    if (file === null || chosen === undefined) {
      return;
    }
    parseCsv.mutate(
      { file, unit: chosen.unit },
      {
        onSuccess: (parsed) => {
          setRows(parsed.map(rowFromCsv));
        },
      },
    );
  };

  const csvErrors = parseCsv.error instanceof Error ? parseCsv.error : null;
  const csvDetails =
    csvErrors !== null && 'details' in csvErrors
      ? JSON.stringify((csvErrors as { details: unknown }).details)
      : null;

  return (
    <Stack maw={1100}>
      <Anchor component={Link} to="/requests" size="sm">
        ← All requests
      </Anchor>
      <Title order={1} size="h2">
        New storage request
      </Title>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setAttempted(true);
          if (!valid) {
            return;
          }
          create.mutate(
            {
              idempotencyKey,
              body: {
                type: 'STORAGE',
                purpose: purpose.trim(),
                department: chosen.id,
                description: description.trim(),
                new_documents: rows.map(toDocumentInput),
                signature: credentials.signature,
              },
            },
            {
              onSuccess: (detail) => {
                void navigate(`/requests/${String(detail.id)}`);
              },
              onError: credentials.onError,
            },
          );
        }}
      >
        <Stack>
          <Paper withBorder p="md">
            <Stack>
              <Group grow align="flex-start">
                <Select
                  label="Department"
                  required
                  searchable
                  data={
                    departments.data?.results.map((d) => ({
                      value: String(d.id),
                      label: `${d.unit_code} / ${d.code} — ${d.name}`,
                    })) ?? []
                  }
                  value={department}
                  onChange={setDepartment}
                  error={attempted && chosen === undefined ? 'Choose a department' : null}
                />
                <TextInput
                  label="Crate description"
                  value={description}
                  onChange={(event) => {
                    setDescription(event.currentTarget.value);
                  }}
                />
              </Group>
              <Textarea
                label="Purpose"
                required
                autosize
                minRows={2}
                value={purpose}
                onChange={(event) => {
                  setPurpose(event.currentTarget.value);
                }}
                error={attempted && purpose.trim() === '' ? 'Say what the request is for' : null}
              />
            </Stack>
          </Paper>

          <Paper withBorder p="md" component="section" aria-labelledby="storage-documents">
            <Group justify="space-between" mb="sm">
              <Title order={2} size="h4" id="storage-documents">
                Documents ({rows.length})
              </Title>
              <Group gap="xs">
                <FileButton onChange={importCsv} accept=".csv,text/csv">
                  {(props) => (
                    <Button
                      {...props}
                      variant="default"
                      disabled={chosen === undefined}
                      loading={parseCsv.isPending}
                    >
                      Import CSV
                    </Button>
                  )}
                </FileButton>
                <Button
                  variant="default"
                  onClick={() => {
                    setRows((current) => [...current, emptyRow()]);
                  }}
                >
                  Add document
                </Button>
              </Group>
            </Group>
            <Text size="xs" c="dimmed" mb="xs">
              CSV columns: number, title, doc_type, department, prepared_on, retention_until (ISO
              dates; “permanent” retains permanently). Choose the department first.
            </Text>
            {csvErrors !== null && (
              <Alert color="red" role="alert" title="The CSV was not imported" mb="sm">
                {csvErrors.message}
                {csvDetails !== null && csvDetails !== '{}' && (
                  <Text size="xs" ff="monospace">
                    {csvDetails}
                  </Text>
                )}
              </Alert>
            )}
            <Table.ScrollContainer minWidth={900}>
              <Table aria-labelledby="storage-documents">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Number</Table.Th>
                    <Table.Th>Title</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Prepared on</Table.Th>
                    <Table.Th>Retain until</Table.Th>
                    <Table.Th>Permanent</Table.Th>
                    <Table.Th>
                      <span className="visually-hidden">Remove</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row, index) => {
                    const n = String(index + 1);
                    const invalid = attempted && !rowComplete(row);
                    return (
                      <Table.Tr key={row.key}>
                        <Table.Td>
                          <TextInput
                            aria-label={`Document ${n} number`}
                            value={row.number}
                            error={invalid && row.number.trim() === ''}
                            onChange={(event) => {
                              update(row.key, { number: event.currentTarget.value });
                            }}
                          />
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={`Document ${n} title`}
                            value={row.title}
                            error={invalid && row.title.trim() === ''}
                            onChange={(event) => {
                              update(row.key, { title: event.currentTarget.value });
                            }}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Select
                            aria-label={`Document ${n} type`}
                            data={DOCUMENT_TYPES}
                            value={row.docType}
                            allowDeselect={false}
                            onChange={(value) => {
                              update(row.key, { docType: value ?? 'BMR' });
                            }}
                            w={150}
                          />
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={`Document ${n} prepared on`}
                            placeholder="YYYY-MM-DD"
                            value={row.preparedOn}
                            error={invalid && !/^\d{4}-\d{2}-\d{2}$/.test(row.preparedOn)}
                            onChange={(event) => {
                              update(row.key, { preparedOn: event.currentTarget.value });
                            }}
                            w={130}
                          />
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={`Document ${n} retain until`}
                            placeholder="YYYY-MM-DD (default by type)"
                            value={row.retentionUntil}
                            disabled={row.permanent}
                            onChange={(event) => {
                              update(row.key, { retentionUntil: event.currentTarget.value });
                            }}
                            w={170}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Checkbox
                            aria-label={`Document ${n} retain permanently`}
                            checked={row.permanent}
                            onChange={(event) => {
                              update(row.key, { permanent: event.currentTarget.checked });
                            }}
                          />
                        </Table.Td>
                        <Table.Td>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Remove document ${n}`}
                            disabled={rows.length === 1}
                            onClick={() => {
                              setRows((current) => current.filter((r) => r.key !== row.key));
                            }}
                          >
                            ×
                          </ActionIcon>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {attempted && !rowsValid && (
              <Text c="red" size="sm" role="alert">
                Complete every document row (number, title, type, ISO preparation date).
              </Text>
            )}
          </Paper>

          <Paper withBorder p="md">
            <Stack>
              <SubmitSignatureFields
                signerName={me.full_name}
                credentials={credentials}
                attempted={attempted}
                pending={create.isPending}
                error={create.isError ? create.error : null}
              />
            </Stack>
          </Paper>
        </Stack>
      </form>
    </Stack>
  );
}
