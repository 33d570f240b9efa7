import {
  Alert,
  Anchor,
  Badge,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDebouncedCallback } from '@mantine/hooks';
import { Link, useSearchParams } from 'react-router';

import { IdFilterSelect } from '@/components/ui/FilterInputs';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { useUnitChoices } from '@/lib/auth/unit-choices';
import { humanize } from '@/lib/format';

import type { DocumentFilters } from '@/entities/documents/document-keys';
import { useDocumentTypes } from '@/entities/documents/get-document-types';
import { retentionText } from '@/entities/documents/retention-text';
import { useDocuments } from '../api/get-documents';
import { documentFiltersFromParams, paramsFromDocumentFilters } from './document-filters';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

export function DocumentsSearchPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = documentFiltersFromParams(params);
  const documents = useDocuments(filters);
  const types = useDocumentTypes();
  const units = useUnitChoices(me);
  const linkCrates = can(me, PERMISSIONS.viewCrate);

  const update = (patch: Partial<DocumentFilters>) => {
    setParams(paramsFromDocumentFilters({ ...filters, ...patch }), { replace: true });
  };
  const updateSearch = useDebouncedCallback((search: string) => {
    update({ search: search.trim() === '' ? undefined : search.trim() });
  }, 300);
  const rows = documents.data?.pages.flatMap((page) => page.results) ?? [];

  return (
    <Stack>
      <Title order={1} size="h2">
        Documents
      </Title>
      <Paper withBorder p="md" component="section" aria-label="Search and filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            type="search"
            label="Search"
            description="Document numbers and titles; every word you type must match."
            placeholder="e.g. BMR 2024 autoclave"
            defaultValue={filters.search ?? ''}
            onChange={(event) => {
              updateSearch(event.currentTarget.value);
            }}
            autoFocus
            style={{ flex: '1 1 260px', maxWidth: 420 }}
          />
          <Select
            label="Type"
            placeholder="All types"
            clearable
            searchable
            data={(types.data ?? []).map((t) => ({ value: t.code, label: t.name }))}
            value={filters.doc_type ?? null}
            onChange={(value) => {
              update({ doc_type: value ?? undefined });
            }}
            w={190}
          />
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={[
              { value: 'ACTIVE', label: 'Active' },
              { value: 'DESTROYED', label: 'Destroyed' },
            ]}
            value={filters.status ?? null}
            onChange={(value) => {
              update({
                status: value === 'ACTIVE' || value === 'DESTROYED' ? value : undefined,
              });
            }}
            w={150}
          />
          {units.length > 1 && (
            <IdFilterSelect
              label="Unit"
              placeholder="All my units"
              clearable
              data={units.map((u) => ({ value: String(u.id), label: u.code }))}
              value={filters.unit}
              onChange={(value) => {
                update({ unit: value });
              }}
              w={140}
            />
          )}
          <DateInput
            label="Retain until, from"
            placeholder="YYYY-MM-DD"
            valueFormat="YYYY-MM-DD"
            clearable
            value={filters.retention_until_from ?? null}
            onChange={(value) => {
              update({ retention_until_from: value ?? undefined });
            }}
            w={170}
          />
          <DateInput
            label="Retain until, to"
            placeholder="YYYY-MM-DD"
            valueFormat="YYYY-MM-DD"
            clearable
            value={filters.retention_until_to ?? null}
            onChange={(value) => {
              update({ retention_until_to: value ?? undefined });
            }}
            w={170}
          />
        </Group>
      </Paper>

      {documents.isError && (
        <Alert color="red" role="alert" title="The documents could not be loaded">
          {documents.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={1100} label="Documents">
          <Table striped highlightOnHover aria-label="Documents" aria-busy={documents.isFetching}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Unit · dept</Table.Th>
                <Table.Th>Crate</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th>Retain until</Table.Th>
                <Table.Th>Scans</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((doc) => (
                <Table.Tr key={doc.id} data-testid={`document-row-${doc.number}`}>
                  <Table.Td ff="monospace" fw={600} style={NOWRAP}>
                    {doc.number}
                  </Table.Td>
                  <Table.Td>
                    {doc.title}
                    {doc.status === 'DESTROYED' && (
                      <Badge color="gray" ml={6} size="sm">
                        Destroyed
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{doc.doc_type_name}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    {doc.unit_code} · {doc.department_code}
                  </Table.Td>
                  <Table.Td>
                    {linkCrates ? (
                      <Anchor
                        component={Link}
                        to={`/crates/${String(doc.crate)}`}
                        ff="monospace"
                        style={NOWRAP}
                        aria-label={`Crate ${doc.crate_code} of ${doc.number}`}
                      >
                        {doc.crate_code}
                      </Anchor>
                    ) : (
                      <Text ff="monospace" span className="crate-code">
                        {doc.crate_code}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed">
                      {humanize(doc.crate_status)}
                    </Text>
                  </Table.Td>
                  <Table.Td ff="monospace" style={NOWRAP}>
                    {doc.location_code ?? '—'}
                  </Table.Td>
                  <Table.Td style={NOWRAP}>{retentionText(doc)}</Table.Td>
                  <Table.Td>{doc.attachment_count}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus query={documents} rows={rows.length} emptyText="No documents match." />
      </Paper>
      <LoadMore query={documents} />
    </Stack>
  );
}
