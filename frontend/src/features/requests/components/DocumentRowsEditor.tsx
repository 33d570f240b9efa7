import { ActionIcon, Button, Checkbox, Group, Select, Table, Text, TextInput } from '@mantine/core';

import { ScrollTable } from '@/components/ui/ScrollTable';

import {
  DOCUMENT_TYPES,
  retentionHint,
  retentionRequired,
  rowComplete,
  type DocumentRow,
  type RetentionType,
} from './document-rows';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The document rows of a storage request's crate — filed with the storage form, or corrected
 * after a send-back: number, title, type, preparation date, retention (with the type's default
 * as a hint). Each row shows its own errors — the server's on their field (`serverErrors`,
 * aligned with `rows`), else, once the form was submitted, what is missing.
 */
export function DocumentRowsEditor({
  rows,
  onChange,
  onAdd,
  onRemove,
  attempted,
  serverErrors,
  labelledBy,
  types,
  note,
}: {
  rows: readonly DocumentRow[];
  onChange: (key: number, patch: Partial<DocumentRow>) => void;
  /** Shows an "Add document" button under the rows (the storage form has its own above). */
  onAdd?: (() => void) | undefined;
  onRemove: (key: number) => void;
  /** A line under the rows (what removing a row means here). */
  note?: string | undefined;
  attempted: boolean;
  serverErrors: readonly Record<string, string>[];
  labelledBy: string;
  /** The document types with their default retention (the hint under "Retain until"). */
  types?: readonly RetentionType[] | undefined;
}) {
  const typeOf = (code: string) => types?.find((type) => type.code === code);
  const typeOptions =
    types?.map((type) => ({ value: type.code, label: type.name })) ?? DOCUMENT_TYPES;
  return (
    <>
      <ScrollTable minWidth={1000} label="Document rows">
        <Table aria-labelledby={labelledBy}>
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
              const server = serverErrors[index] ?? {};
              const type = typeOf(row.docType);
              const invalid = attempted && !rowComplete(row, type);
              const needsRetention = retentionRequired(row, type);
              const missing = (empty: boolean, message: string) =>
                invalid && empty ? message : null;
              return (
                <Table.Tr key={row.key} data-testid={`document-row-${n}`}>
                  <Table.Td>
                    <TextInput
                      aria-label={`Document ${n} number`}
                      miw={150}
                      value={row.number}
                      error={
                        server.number ?? server.id ?? missing(row.number.trim() === '', 'Required')
                      }
                      onChange={(event) => {
                        onChange(row.key, { number: event.currentTarget.value });
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={`Document ${n} title`}
                      miw={220}
                      value={row.title}
                      error={server.title ?? missing(row.title.trim() === '', 'Required')}
                      onChange={(event) => {
                        onChange(row.key, { title: event.currentTarget.value });
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Document ${n} type`}
                      data={typeOptions}
                      value={row.docType}
                      allowDeselect={false}
                      error={server.doc_type ?? server.department ?? null}
                      onChange={(value) => {
                        onChange(row.key, { docType: value ?? 'BMR' });
                      }}
                      w={150}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={`Document ${n} prepared on`}
                      placeholder="YYYY-MM-DD"
                      value={row.preparedOn}
                      error={
                        server.prepared_on ??
                        missing(!ISO_DATE.test(row.preparedOn), 'A date, YYYY-MM-DD')
                      }
                      onChange={(event) => {
                        onChange(row.key, { preparedOn: event.currentTarget.value });
                      }}
                      w={130}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={`Document ${n} retain until`}
                      placeholder="YYYY-MM-DD"
                      value={row.retentionUntil}
                      disabled={row.permanent}
                      required={needsRetention}
                      description={retentionHint(row, type)}
                      error={
                        server.retention_until ??
                        missing(needsRetention, 'Required') ??
                        missing(
                          !row.permanent &&
                            row.retentionUntil !== '' &&
                            !ISO_DATE.test(row.retentionUntil),
                          'A date, YYYY-MM-DD',
                        )
                      }
                      onChange={(event) => {
                        onChange(row.key, { retentionUntil: event.currentTarget.value });
                      }}
                      w={200}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Checkbox
                      aria-label={`Document ${n} retain permanently`}
                      checked={row.permanent}
                      error={server.retain_permanently ?? null}
                      onChange={(event) => {
                        onChange(row.key, { permanent: event.currentTarget.checked });
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
                        onRemove(row.key);
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
      </ScrollTable>
      {(note !== undefined || onAdd !== undefined) && (
        <Group justify="space-between" mt="xs">
          <Text size="xs" c="dimmed">
            {note}
          </Text>
          {onAdd !== undefined && (
            <Button variant="default" onClick={onAdd}>
              Add document
            </Button>
          )}
        </Group>
      )}
    </>
  );
}
