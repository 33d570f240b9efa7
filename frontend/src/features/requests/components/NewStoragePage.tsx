import {
  Alert,
  Anchor,
  Button,
  FileButton,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';

import { useDocumentTypes } from '@/entities/documents/get-document-types';
import { fieldErrors, rowFieldErrors } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';

import { useDepartments } from '@/entities/departments/get-departments';
import { useParseDocumentsCsv } from '../api/parse-documents-csv';
import {
  emptyRow,
  rowComplete,
  rowFromCsv,
  toDocumentInput,
  type DocumentRow,
  type RetentionType,
} from './document-rows';
import { DocumentRowsEditor } from './DocumentRowsEditor';
import { SubmitSignatureFields } from './SubmitSignatureFields';
import { useRequestWizard } from './use-request-wizard';

/** The request fields this form shows; a server message for any other goes in the alert. */
const FORM_FIELDS = ['department', 'description', 'purpose', 'new_documents'] as const;
/** The row fields with an input; a row's message for another (its department) shows on its
 *  number. */
const ROW_INPUTS = ['number', 'title', 'doc_type', 'prepared_on', 'retention_until'];
const ROW_FIELD_LABELS: Record<string, string> = {
  number: 'number',
  title: 'title',
  doc_type: 'type',
  department: 'department',
  prepared_on: 'prepared on',
  retention_until: 'retain until',
  retain_permanently: 'permanent',
};

type RowErrors = Record<string, string>;

/** The server field a change of a row's property answers. */
const FIELD_OF: Record<string, string> = {
  number: 'number',
  title: 'title',
  docType: 'doc_type',
  department: 'department',
  preparedOn: 'prepared_on',
  retentionUntil: 'retention_until',
  permanent: 'retention_until',
};

/** A row's server messages, with those of fields that have no input of their own folded into
 *  the number's. */
function placedRowErrors(errors: RowErrors | undefined): RowErrors {
  if (errors === undefined) {
    return {};
  }
  const placed: RowErrors = {};
  const elsewhere: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    if (ROW_INPUTS.includes(field)) {
      placed[field] = message;
    } else {
      elsewhere.push(
        field === 'non_field_errors' ? message : `${ROW_FIELD_LABELS[field] ?? field}: ${message}`,
      );
    }
  }
  if (elsewhere.length > 0) {
    placed.number = [placed.number, ...elsewhere].filter(Boolean).join(' ');
  }
  return placed;
}

/** The CSV import's refusal, line by line: "Line 3, prepared on: Not a date." */
function csvMessages(error: Error): string[] {
  return Object.entries(fieldErrors(error)).map(([key, message]) => {
    const [scope, line, field] = key.split('.');
    if (scope === 'documents' && line !== undefined && /^\d+$/.test(line)) {
      const label = field === undefined ? '' : `, ${ROW_FIELD_LABELS[field] ?? field}`;
      return `Line ${line}${label}: ${message}`;
    }
    return message;
  });
}

/** A storage request: a new crate with its documents, typed in or imported from CSV. */
export function NewStoragePage({ me }: { me: Me }) {
  const departments = useDepartments();
  const parseCsv = useParseDocumentsCsv();
  // One step: the whole form. Its refused fields are the page's.
  const { credentials, attempted, setAttempted, create, serverErrors, wizardRef, ...wizard } =
    useRequestWizard<HTMLFormElement>([[]]);
  const [department, setDepartment] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [purpose, setPurpose] = useState('');
  const [rows, setRows] = useState<DocumentRow[]>(() => [emptyRow()]);
  const chosenDepartment = department === null ? undefined : Number(department);
  // Per department: which approved retention rule each type gets there (the rows' hints).
  const documentTypes = useDocumentTypes(chosenDepartment);
  // The server's messages per row, by the row's key (rows can be added or removed meanwhile);
  // a field's message goes when the field is changed.
  const [rowErrors, setRowErrors] = useState<Record<number, RowErrors>>({});

  const typeOf = (code: string): RetentionType | undefined =>
    documentTypes.data?.find((t) => t.code === code);
  const chosen = departments.data?.results.find((d) => String(d.id) === department);
  const rowsValid = rows.length > 0 && rows.every((row) => rowComplete(row, typeOf(row.docType)));
  const valid = chosen !== undefined && purpose.trim() !== '' && rowsValid && credentials.complete;
  const server = serverErrors;

  const update = (key: number, patch: Partial<DocumentRow>) => {
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));
    setRowErrors((current) => {
      const errors = current[key];
      if (errors === undefined) {
        return current;
      }
      const changed = Object.keys(patch).map((field) => FIELD_OF[field] ?? field);
      const kept = Object.fromEntries(
        Object.entries(errors).filter(([field]) => !changed.includes(field)),
      );
      return { ...current, [key]: kept };
    });
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
        ref={wizardRef}
        onSubmit={(event) => {
          event.preventDefault();
          setAttempted(true);
          if (!valid) {
            wizard.focusFirstInvalid();
            return;
          }
          const sent = rows.map((row) => row.key);
          setRowErrors({});
          wizard.submit(
            {
              type: 'STORAGE',
              purpose: purpose.trim(),
              department: chosen.id,
              description: description.trim(),
              new_documents: rows.map(toDocumentInput),
            },
            {
              onRefused: (error) => {
                const byRow = rowFieldErrors(error, 'new_documents');
                setRowErrors(
                  Object.fromEntries(sent.map((key, index) => [key, byRow[index] ?? {}] as const)),
                );
              },
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
                  error={
                    (attempted && chosen === undefined ? 'Choose a department' : null) ??
                    server.department
                  }
                />
                <TextInput
                  label="Crate description"
                  value={description}
                  onChange={(event) => {
                    setDescription(event.currentTarget.value);
                  }}
                  error={server.description}
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
                error={
                  (attempted && purpose.trim() === '' ? 'Say what the request is for' : null) ??
                  server.purpose
                }
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
                {csvMessages(csvErrors).length > 0 && (
                  <ul>
                    {csvMessages(csvErrors).map((message) => (
                      <li key={message}>{message}</li>
                    ))}
                  </ul>
                )}
              </Alert>
            )}
            <DocumentRowsEditor
              rows={rows}
              labelledBy="storage-documents"
              attempted={attempted}
              types={documentTypes.data}
              serverErrors={rows.map((row) => placedRowErrors(rowErrors[row.key]))}
              onChange={update}
              onRemove={(key) => {
                setRows((current) => current.filter((r) => r.key !== key));
              }}
            />
            {server['new_documents.non_field_errors'] !== undefined && (
              <Text c="red" size="sm" role="alert">
                {server['new_documents.non_field_errors']}
              </Text>
            )}
            {attempted && !rowsValid && (
              <Text c="red" size="sm" role="alert">
                Complete every document row (number, title, type, ISO preparation date, and a
                retention where the type has no default).
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
                formFields={FORM_FIELDS}
              />
            </Stack>
          </Paper>
        </Stack>
      </form>
    </Stack>
  );
}
