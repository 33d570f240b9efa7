import {
  Alert,
  Button,
  FileInput,
  Group,
  List,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';

import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDate, formatDateTime } from '@/lib/format';

import {
  useEventDates,
  useImportEventsCsv,
  type DocumentEvent,
  type EventsResult,
} from '../api/document-events';
import { EventDateChangeDialog } from './EventDateChangeDialog';
import { EventDateForm } from './EventDateForm';
import { EVENT_CSV_COLUMNS, csvRowErrors, previewEventsCsv, type CsvPreview } from './events-csv';

const PREVIEW_ROWS = 10;

function ImportResult({ result, fileName }: { result: EventsResult; fileName: string }) {
  return (
    <Alert color="green" title={`${fileName} imported`} data-testid="import-result">
      <List size="sm" spacing={2}>
        <List.Item>{result.created} new event date(s)</List.Item>
        <List.Item>{result.updated} changed</List.Item>
        <List.Item>{result.unchanged} already recorded with the same date (unchanged)</List.Item>
        <List.Item>
          {result.crates_left_eligibility} crate(s) left eligibility for destruction
        </List.Item>
      </List>
    </Alert>
  );
}

const SOURCE_LABELS: Record<string, string> = {
  MANUAL: 'By hand',
  CSV: 'CSV import',
  INTEGRATION: 'Integration',
};

/** The dates recorded last, by whom and how (newest first); a date changed from its row. */
function RecentEventDates({ mayChange }: { mayChange: boolean }) {
  const dates = useEventDates();
  const rows = dates.data?.pages.flatMap((page) => page.results) ?? [];
  const [changing, setChanging] = useState<DocumentEvent | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="events-recent">
      <Title order={2} size="h4" id="events-recent" mb="sm">
        Recorded event dates
      </Title>
      {changed !== null && (
        <Alert
          color="green"
          mb="sm"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => {
            setChanged(null);
          }}
          data-testid="date-changed"
        >
          {changed}
        </Alert>
      )}
      {dates.isError && (
        <Alert color="red" role="alert">
          {dates.error.message}
        </Alert>
      )}
      <ScrollTable minWidth={760} label="Recorded event dates">
        <Table aria-label="Recorded event dates" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Document</Table.Th>
              <Table.Th>Event</Table.Th>
              <Table.Th>Date</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th>Recorded</Table.Th>
              {mayChange && <Table.Th>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td ff="monospace">
                  {row.document_number}
                  <Text size="xs" c="dimmed" span ml={6}>
                    {row.unit_code}
                  </Text>
                </Table.Td>
                <Table.Td>{row.event_code}</Table.Td>
                <Table.Td>{formatDate(row.date)}</Table.Td>
                <Table.Td>{SOURCE_LABELS[row.source] ?? row.source}</Table.Td>
                <Table.Td>
                  <Text size="sm">{row.recorded_by_name}</Text>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(row.recorded_at)}
                  </Text>
                </Table.Td>
                {mayChange && (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Change the ${row.event_code} date of ${row.document_number}`}
                      onClick={() => {
                        setChanging(row);
                      }}
                    >
                      Change
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <ListStatus query={dates} rows={rows.length} emptyText="No event date recorded yet." />
      <LoadMore query={dates} />
      {changing !== null && (
        <EventDateChangeDialog
          recorded={changing}
          onClose={() => {
            setChanging(null);
          }}
          onChanged={setChanged}
        />
      )}
    </Paper>
  );
}

/** Event dates by CSV (all or nothing, errors by line), and one at a time. */
export function EventDatesImportPage({ me }: { me: Me }) {
  const importCsv = useImportEventsCsv();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [imported, setImported] = useState<{ result: EventsResult; fileName: string } | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);

  const choose = (chosen: File | null) => {
    setFile(chosen);
    setPreview(null);
    setImported(null);
    importCsv.reset();
    if (chosen !== null) {
      void chosen.text().then((text) => {
        setPreview(previewEventsCsv(text));
      });
    }
  };
  const errors = importCsv.isError ? csvRowErrors(importCsv.error) : [];
  const rowErrors = errors.filter((e) => e.line !== null);
  const fileErrors = errors.filter((e) => e.line === null);
  const erroneousLines = new Set(rowErrors.map((e) => e.line));

  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        Event dates
      </Title>
      <Text size="sm">
        A rule that runs from an event (a batch&apos;s expiry, a product&apos;s discontinuation…)
        keeps its documents as <em>pending event</em>, never eligible for destruction, until the
        event&apos;s date is recorded here. Recording a date recomputes the documents&apos;
        retention and their crates&apos; destroy-after dates.
      </Text>

      <Paper withBorder p="md" component="section" aria-labelledby="events-import">
        <Title order={2} size="h4" id="events-import" mb="xs">
          Import a CSV
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          Columns: {EVENT_CSV_COLUMNS.join(', ')} (the unit may be left empty when the number is in
          one of your units only; dates as YYYY-MM-DD; UTF-8, comma or semicolon). All rows are
          recorded, or none.
        </Text>
        <Group align="flex-end">
          <FileInput
            label="CSV file"
            // No placeholder: Mantine draws it as text in a light grey below 4.5:1 contrast.
            accept=".csv,text/csv"
            clearable
            value={file}
            onChange={choose}
            w={320}
          />
          <Button
            disabled={file === null || preview === null || preview.rows.length === 0}
            loading={importCsv.isPending}
            onClick={() => {
              if (file === null) {
                return;
              }
              importCsv.mutate(file, {
                onSuccess: (result) => {
                  setImported({ result, fileName: file.name });
                },
              });
            }}
          >
            {preview === null ? 'Import' : `Import ${String(preview.rows.length)} row(s)`}
          </Button>
        </Group>

        {preview !== null && preview.missing.length > 0 && (
          <Alert color="yellow" mt="sm" title="The header looks incomplete">
            Missing column(s): {preview.missing.join(', ')}. The server will refuse the file.
          </Alert>
        )}
        {imported !== null && (
          <Stack mt="sm">
            <ImportResult result={imported.result} fileName={imported.fileName} />
          </Stack>
        )}
        {importCsv.isError && (
          <Alert
            color="red"
            role="alert"
            title="The CSV was not imported: nothing was recorded"
            mt="sm"
          >
            <Text size="sm">{importCsv.error.message}</Text>
            {fileErrors.length > 0 && (
              <List size="sm">
                {fileErrors.map((e) => (
                  <List.Item key={e.message}>{e.message}</List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
        {rowErrors.length > 0 && (
          <ScrollTable minWidth={560} label="Rows refused">
            <Table aria-label="Rows refused" striped mt="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Line</Table.Th>
                  <Table.Th>Field</Table.Th>
                  <Table.Th>Message</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rowErrors.map((e) => (
                  <Table.Tr key={`${String(e.line)}-${e.field ?? ''}`}>
                    <Table.Td>{e.line}</Table.Td>
                    <Table.Td>{e.field ?? '—'}</Table.Td>
                    <Table.Td>{e.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
        {preview !== null && preview.rows.length > 0 && imported === null && (
          <Stack gap={4} mt="sm">
            <Text size="sm" data-testid="csv-preview-count">
              {preview.rows.length} row(s) in {file?.name}
              {preview.rows.length > PREVIEW_ROWS ? `; the first ${String(PREVIEW_ROWS)}:` : ':'}
            </Text>
            <ScrollTable minWidth={640} label="Preview">
              <Table aria-label="Preview" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Line</Table.Th>
                    {EVENT_CSV_COLUMNS.map((column) => (
                      <Table.Th key={column}>{column}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.rows.slice(0, PREVIEW_ROWS).map((row) => (
                    <Table.Tr
                      key={row.line}
                      data-refused={erroneousLines.has(row.line) || undefined}
                      style={
                        erroneousLines.has(row.line)
                          ? { outline: '2px solid var(--mantine-color-red-6)' }
                          : undefined
                      }
                    >
                      <Table.Td>{row.line}</Table.Td>
                      {EVENT_CSV_COLUMNS.map((column) => (
                        <Table.Td
                          key={column}
                          ff={column === 'document_number' ? 'monospace' : 'text'}
                        >
                          {row.values[column] ?? ''}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          </Stack>
        )}
        {preview !== null && preview.rows.length === 0 && (
          <Text size="sm" c="dimmed" mt="sm">
            The file has no rows.
          </Text>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="events-one">
        <Title order={2} size="h4" id="events-one" mb="sm">
          Record one date
        </Title>
        {recorded !== null && (
          <Alert
            color="green"
            mb="sm"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => {
              setRecorded(null);
            }}
            data-testid="recorded"
          >
            {recorded}
          </Alert>
        )}
        <EventDateForm me={me} onRecorded={setRecorded} />
      </Paper>

      <RecentEventDates mayChange={can(me, PERMISSIONS.changeEventDate)} />
    </Stack>
  );
}
